//! `depthsim new NAME --from SCENARIO`: a commented scenario file to start from, made by
//! [`depthsim::scenario::keys::template`].

use super::common::{BadArgument, print_stderr};
use anyhow::{Context, Result};
use depthsim::scenario::keys::template;
use depthsim::scenario::{Overrides, Scenario, read_scenario_file};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `depthsim new`'s flags.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The new scenario: a path (`my/test.toml`) or a name (`test` writes test.toml). Its
    /// stem becomes run.name. An existing file is never overwritten.
    #[arg(value_name = "NAME")]
    pub name: PathBuf,
    /// What to start from: a shipped scenario's name (baseline, tiny, flash_crash, …; see
    /// scenarios/) or a scenario file's path.
    #[arg(long, value_name = "SCENARIO", default_value = "baseline")]
    pub from: String,
}

/// The scenarios shipped in scenarios/, built into the binary so that `--from` works from
/// any folder.
pub(crate) const SHIPPED: &[(&str, &str)] = &[
    (
        "adverse_selection",
        include_str!("../../scenarios/adverse_selection.toml"),
    ),
    ("baseline", include_str!("../../scenarios/baseline.toml")),
    ("calm", include_str!("../../scenarios/calm.toml")),
    (
        "flash_crash",
        include_str!("../../scenarios/flash_crash.toml"),
    ),
    (
        "flash_crash_halt",
        include_str!("../../scenarios/flash_crash_halt.toml"),
    ),
    (
        "hedge_in_thin_book",
        include_str!("../../scenarios/hedge_in_thin_book.toml"),
    ),
    (
        "informed_shock",
        include_str!("../../scenarios/informed_shock.toml"),
    ),
    (
        "large_flash_crash",
        include_str!("../../scenarios/large_flash_crash.toml"),
    ),
    (
        "large_market",
        include_str!("../../scenarios/large_market.toml"),
    ),
    (
        "long_gamma",
        include_str!("../../scenarios/long_gamma.toml"),
    ),
    ("no_gamma", include_str!("../../scenarios/no_gamma.toml")),
    (
        "short_gamma",
        include_str!("../../scenarios/short_gamma.toml"),
    ),
    ("tiny", include_str!("../../scenarios/tiny.toml")),
    (
        "withdrawal_cascade",
        include_str!("../../scenarios/withdrawal_cascade.toml"),
    ),
    ("zero_dte", include_str!("../../scenarios/zero_dte.toml")),
    ("zi_only", include_str!("../../scenarios/zi_only.toml")),
];

/// `depthsim new NAME --from SCENARIO`.
pub(crate) fn new_cmd(args: NewArgs) -> Result<ExitCode> {
    let dest = destination(&args.name);
    let stem = dest
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let bad_name = |message: String| BadArgument {
        argument: "NAME".into(),
        value: args.name.display().to_string(),
        message,
    };
    if dest.symlink_metadata().is_ok() {
        return Err(bad_name(format!(
            "{} exists; depthsim new never overwrites a file: choose another NAME",
            dest.display()
        ))
        .into());
    }
    let folder = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(bad_name(format!("the folder {} does not exist", folder.display())).into());
    }
    let (text, source, from_path) = source(&args.from)?;
    // Read with the source's own path (its messages and default name), then named after NAME.
    let mut file = Scenario::from_toml(&text, &from_path, &Overrides::default())?.params;
    file.run.name = Some(stem.clone());
    let intro = intro(&dest, &source, &text);
    let body = template(&file, &intro).context("writing the template")?;
    // The template must run as it is: checked before anything is written.
    Scenario::from_toml(&body, &dest, &Overrides::default())
        .map_err(|e| bad_name(format!("the new scenario would not validate: {e}")))?;
    write_new(&dest, &body)?;
    print_stderr(&format!(
        "wrote {} from {source}; check it with `depthsim validate {}`\n",
        dest.display(),
        dest.display()
    ));
    Ok(ExitCode::SUCCESS)
}

/// NAME, with `.toml` added unless it already ends so.
fn destination(name: &Path) -> PathBuf {
    if name.extension().is_some_and(|e| e == "toml") {
        name.to_path_buf()
    } else {
        let mut s = name.as_os_str().to_os_string();
        s.push(".toml");
        PathBuf::from(s)
    }
}

/// `--from`'s text, how to name it, and the path its messages use: a shipped scenario's
/// name, else a file.
fn source(from: &str) -> Result<(String, String, PathBuf)> {
    if let Some((name, text)) = SHIPPED.iter().find(|(n, _)| *n == from) {
        let path = PathBuf::from(format!("scenarios/{name}.toml"));
        return Ok((text.to_string(), format!("the shipped {name}.toml"), path));
    }
    let path = PathBuf::from(from);
    if path.is_file() {
        let text = read_scenario_file(&path)?;
        return Ok((text, path.display().to_string(), path));
    }
    let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
    Err(BadArgument {
        argument: "--from".into(),
        value: from.into(),
        message: format!(
            "is neither a shipped scenario ({}) nor a scenario file",
            names.join(", ")
        ),
    }
    .into())
}

/// The template's opening comment: where it came from, then the source's own opening
/// comment (what the scenario is).
fn intro(dest: &Path, source: &str, text: &str) -> String {
    let mut out = format!(
        "{}: made by `depthsim new` (depthsim {}) from {source}.\n\
         Every key is under a comment from `depthsim keys`: its meaning, unit, default and\n\
         allowed values. Keys this scenario leaves out are commented out with an example.\n\
         Check it with `depthsim validate {}`.\n",
        dest.display(),
        env!("CARGO_PKG_VERSION"),
        dest.display()
    );
    let header: Vec<&str> = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim_end())
        .collect();
    if !header.is_empty() {
        out.push_str("\nThe original's description:\n");
        for l in header {
            out.push_str(l.strip_prefix(' ').unwrap_or(l));
            out.push('\n');
        }
    }
    out
}

/// Writes `body` to `dest` atomically and never over an existing file: into a temporary
/// file beside it first, then linked to `dest` (which fails if `dest` appeared meanwhile).
fn write_new(dest: &Path, body: &str) -> Result<()> {
    let folder = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    let tmp = folder.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(body.as_bytes())?;
        f.sync_all()?;
        match std::fs::hard_link(&tmp, dest) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
            // A file system without hard links: a rename, after a last look.
            Err(_) if dest.symlink_metadata().is_err() => std::fs::rename(&tmp, dest),
            Err(e) => Err(e),
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(BadArgument {
            argument: "NAME".into(),
            value: dest.display().to_string(),
            message: format!(
                "{} exists; depthsim new never overwrites a file",
                dest.display()
            ),
        }
        .into()),
        Err(e) => Err(anyhow::Error::new(e).context(format!("writing {}", dest.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scenario_is_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let p = e.unwrap().path();
                (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(String::from))?
            })
            .collect();
        files.sort();
        let built: Vec<String> = SHIPPED.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(built, files);
    }

    #[test]
    fn a_name_gets_toml_and_a_path_keeps_it() {
        assert_eq!(destination(Path::new("test")), PathBuf::from("test.toml"));
        assert_eq!(
            destination(Path::new("a/b.toml")),
            PathBuf::from("a/b.toml")
        );
        assert_eq!(
            destination(Path::new("a/b.v2")),
            PathBuf::from("a/b.v2.toml")
        );
    }
}
