//! What a run may replace: only an empty folder or an earlier depthsim result, recognised by
//! its manifest and by holding nothing but the files it lists (and those a report lists in
//! report.json); and how such a result is deleted.

use super::listing::{Listed, REPORT_JSON, ReportListing};
use super::partial::parse_partial_name;
use serde::Deserialize;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Largest manifest.json read when deciding whether a folder is a result: far above any real
/// one (they are a few kilobytes), small enough that a stray huge file is not read whole.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// The run would replace something that is not an earlier depthsim result.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{}: refusing to replace it: {reason}. depthsim replaces only an earlier result of its own; \
     choose another --out, or move it away yourself",
    path.display()
)]
pub struct ForeignOutput {
    /// The path as the user gave it.
    pub path: PathBuf,
    /// Why it is not an earlier result, e.g. "holds src/ which depthsim did not write".
    pub reason: String,
}

/// Checks that `path` is free, an empty folder, or holds an earlier depthsim result that a
/// new run may replace: a folder (not a symbolic link) whose manifest.json says
/// `"program": "depthsim"` and lists its `files`, holding nothing but those plain files, and
/// the files a report listed in its report.json ([`ReportListing`]). Anything else gives an
/// error wrapping [`ForeignOutput`], which says why. A run never deletes anything else.
/// Temporary folders that killed processes left inside it (a report's) are cleaned up first.
pub fn check_replaceable(path: &Path) -> io::Result<()> {
    let m = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
        Ok(m) => m,
    };
    if m.is_dir() {
        super::recover_in(path);
    }
    match refusal(path)? {
        None => Ok(()),
        Some(reason) => Err(io::Error::other(ForeignOutput {
            path: path.to_path_buf(),
            reason,
        })),
    }
}

/// The part of manifest.json that says a folder is a depthsim result.
#[derive(Deserialize)]
struct ManifestHead {
    program: String,
    files: Vec<String>,
}

/// Why the existing `path` is not an earlier result or an empty folder, or `None` if it is.
pub(super) fn refusal(path: &Path) -> io::Result<Option<String>> {
    let m = fs::symlink_metadata(path)?;
    if m.file_type().is_symlink() {
        return Ok(Some("it is a symbolic link".into()));
    }
    if !m.is_dir() {
        return Ok(Some("it is a file, not a folder".into()));
    }
    let mut entries = fs::read_dir(path)?.collect::<io::Result<Vec<_>>>()?;
    if entries.is_empty() {
        return Ok(None);
    }
    let manifest = path.join("manifest.json");
    let listed = match fs::symlink_metadata(&manifest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Some(
                "it holds no manifest.json, so it is not a depthsim result".into(),
            ));
        }
        Err(e) => return Err(e),
        Ok(m) if !m.is_file() => {
            return Ok(Some("its manifest.json is not a plain file".into()));
        }
        Ok(_) => {
            let mut text = Vec::new();
            fs::File::open(&manifest)?
                .take(MAX_MANIFEST_BYTES)
                .read_to_end(&mut text)?;
            match serde_json::from_slice::<ManifestHead>(&text) {
                Ok(head) if head.program == "depthsim" => head.files,
                _ => return Ok(Some("manifest.json is not a depthsim manifest".into())),
            }
        }
    };
    let report = match ReportListing::read(path)? {
        Listed::Absent => None,
        Listed::Ours(l) => Some(l),
        Listed::NotOurs(reason) => return Ok(Some(reason)),
    };
    entries.sort_by_key(fs::DirEntry::file_name);
    foreign_among(
        &entries,
        |name, kind| {
            kind.is_file()
                && (name == "manifest.json"
                    || listed.iter().any(|f| f == name)
                    || (name == REPORT_JSON && report.is_some())
                    || report.as_ref().is_some_and(|r| r.lists(name)))
        },
        report.as_ref(),
    )
}

/// The first of `entries` (sorted) that is not depthsim's, described; `ours(name, type)`
/// says which plain entries are, and folders are depthsim's when `report` lists files in
/// them and they hold nothing else.
pub(crate) fn foreign_among(
    entries: &[fs::DirEntry],
    ours: impl Fn(&str, fs::FileType) -> bool,
    report: Option<&ReportListing>,
) -> io::Result<Option<String>> {
    for entry in entries {
        let kind = entry.file_type()?;
        let name = entry.file_name();
        let shown = name.to_string_lossy();
        let Some(name) = name.to_str() else {
            return Ok(Some(format!("holds {shown} which depthsim did not write")));
        };
        if ours(name, kind) {
            continue;
        }
        if parse_partial_name(name).is_some() {
            return Ok(Some(format!(
                "holds {name}, which a depthsim process is writing now (or one on another \
                 machine, or one that was killed: see its .lock file); wait for it to finish"
            )));
        }
        let prefix = format!("{name}/");
        if kind.is_dir() && report.is_some_and(|r| r.files.iter().any(|f| f.starts_with(&prefix))) {
            if let Some(inner) = first_unlisted(&entry.path(), name, report)? {
                return Ok(Some(format!(
                    "holds {name}/{inner} which depthsim did not write"
                )));
            }
            continue;
        }
        let hint = if report.is_none() && ["plots", "index.html", "realism.html"].contains(&name) {
            " (no report.json lists it; reports made by earlier versions of depthsim wrote none: \
             if this is one, delete its plots/, index.html and realism.html yourself)"
        } else {
            ""
        };
        return Ok(Some(if kind.is_symlink() {
            format!("holds {name}, a symbolic link, which depthsim did not write")
        } else if kind.is_dir() {
            format!("holds {name}/ which depthsim did not write{hint}")
        } else {
            format!("holds {name} which depthsim did not write{hint}")
        }));
    }
    Ok(None)
}

/// The first entry of the folder `dir` (named `name` in its parent), by name, that is not a
/// plain file the report lists as `name/<entry>`, shown as in a message.
fn first_unlisted(
    dir: &Path,
    name: &str,
    report: Option<&ReportListing>,
) -> io::Result<Option<String>> {
    let mut entries = fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let kind = entry.file_type()?;
        let inner = entry.file_name().to_string_lossy().into_owned();
        let listed = report.is_some_and(|r| r.lists(&format!("{name}/{inner}")));
        if !(kind.is_file() && listed) {
            return Ok(Some(if kind.is_dir() {
                format!("{inner}/")
            } else {
                inner
            }));
        }
    }
    Ok(None)
}

/// Deletes a result folder (checked by [`refusal`]) with its manifest.json last, so that a
/// deletion cut short still leaves a folder recognisable as a result (or an empty one).
pub(super) fn remove_result(path: &Path) -> io::Result<()> {
    for entry in fs::read_dir(path)? {
        let entry = entry?;
        if entry.file_name() == "manifest.json" {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    match fs::remove_file(path.join("manifest.json")) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    fs::remove_dir(path)
}

/// Deletes the files `dir`/report.json lists, the folders they leave empty, and report.json
/// itself (the earlier report of a sweep that `--restart` deletes). Files not listed are left.
pub fn remove_listed(dir: &Path) -> io::Result<()> {
    let Listed::Ours(listing) = ReportListing::read(dir)? else {
        return Ok(());
    };
    let gone = |r: io::Result<()>| match r {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    };
    for f in &listing.files {
        gone(fs::remove_file(dir.join(f)))?;
    }
    for f in &listing.files {
        if let Some((folder, _)) = f.split_once('/') {
            // only if empty
            let _ = fs::remove_dir(dir.join(folder));
        }
    }
    gone(fs::remove_file(dir.join(REPORT_JSON)))
}
