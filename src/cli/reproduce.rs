//! `depthsim reproduce DIR`: rerun a finished run from its manifest and check its files.

use super::common::{check_memory, one_line, print_stderr, print_stdout, with_overrides};
use super::progress::Progress;
use super::signals::{Interrupted, catch_stop_signals, stop_signal};
use anyhow::{Context, Result};
use depthsim::memory::MemoryLimit;
use depthsim::reproduce::{RecordedRun, Verdict, compare, rerun_digests};
use depthsim::run::RunError;
use std::path::Path;
use std::process::ExitCode;

/// `depthsim reproduce DIR`: rerun, compare, one line per file.
pub(crate) fn reproduce(dir: &Path, quiet: bool, max_memory: MemoryLimit) -> Result<ExitCode> {
    catch_stop_signals().context("installing the handlers for Ctrl-C and SIGTERM")?;
    // Both errors map to exit code 2 in main: DIR holds no usable manifest.
    let recorded = RecordedRun::read(dir)?;
    let scenario = recorded.scenario()?;
    check_memory(
        &scenario,
        &dir.join("manifest.json"),
        "the rerun",
        1,
        max_memory,
    )?;
    if !quiet {
        let ours = env!("CARGO_PKG_VERSION");
        if recorded.version != ours {
            print_stderr(&one_line(&format!(
                "note: {} was made by depthsim {}; this is depthsim {ours}, whose files may \
                 differ\n",
                dir.display(),
                recorded.version
            )));
        }
        print_stderr(&one_line(&format!(
            "{}: rerunning the scenario its manifest records ({:?}, seed {}: {}{}), {} steps, \
             in a temporary folder",
            dir.display(),
            scenario.name,
            recorded.seed,
            recorded.scenario_file,
            with_overrides(&recorded.overrides),
            scenario.steps
        )));
        print_stderr("\n");
    }
    let mut progress = Progress::new(scenario.steps, quiet);
    let should_stop = || stop_signal().is_some();
    let result = rerun_digests(
        &scenario,
        &mut |done, _total| progress.update(done),
        &should_stop,
    );
    progress.finish();
    let rerun = match result {
        Err(RunError::Interrupted) => {
            return Err(anyhow::Error::new(Interrupted {
                signal: stop_signal().unwrap_or(0),
                what: format!(
                    "removed the temporary rerun; {} was not changed",
                    dir.display()
                ),
            }));
        }
        r => r.with_context(|| format!("rerunning {}", dir.display()))?,
    };
    let checks = compare(&recorded, &rerun);
    let width = checks.iter().map(|c| c.file.len()).max().unwrap_or(0);
    let mut text = String::new();
    for c in &checks {
        let (word, why) = match &c.verdict {
            Verdict::Match => ("match", String::new()),
            Verdict::Differs(why) => ("DIFFERS", format!("  {why}")),
            Verdict::Missing => ("missing", "  not in the folder".to_string()),
            Verdict::NotKept => (
                "not kept",
                "  the sweep kept only some files of its runs (keep = \"summary\"); not compared"
                    .to_string(),
            ),
        };
        text.push_str(one_line(&format!("{:<width$}  {word:<7}{why}", c.file)).trim_end());
        text.push('\n');
    }
    let not_kept = checks
        .iter()
        .filter(|c| c.verdict == Verdict::NotKept)
        .count();
    let compared = checks.len() - not_kept;
    let bad = checks
        .iter()
        .filter(|c| !matches!(c.verdict, Verdict::Match | Verdict::NotKept))
        .count();
    text.push_str(&if bad > 0 {
        format!("{bad} of {compared} files do not match\n")
    } else if not_kept > 0 {
        format!(
            "{} the folder kept {}: it holds what the run wrote, and a rerun writes it again; \
             the rerun's {not_kept} other files were not kept by the sweep, so they were not \
             compared\n",
            if compared == 1 {
                "the one file".to_string()
            } else {
                format!("all {compared} files")
            },
            if compared == 1 { "matches" } else { "match" }
        )
    } else {
        format!(
            "all {compared} files match: the folder holds what the run wrote, and a rerun \
             writes it again\n"
        )
    });
    print_stdout(&text).context("writing the comparison")?;
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
