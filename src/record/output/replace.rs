//! What a run may replace: only an earlier depthsim result, recognised by its manifest and
//! by holding nothing else; and how such a result is deleted.

use serde::Deserialize;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What depthsim's `report` command writes into a result folder, beside the files a run
/// lists in its manifest. A result folder holding these is still a result that a new run may
/// replace. A name ending in `/` is a folder, which may hold only plain files; any other name
/// is a plain file.
pub const REPORT_OUTPUTS: &[&str] = &["plots/", "index.html", "realism.html"];

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

/// Checks that `path` is free, or holds an earlier depthsim result that a new run may
/// replace: a folder (not a symbolic link) whose manifest.json says `"program": "depthsim"`
/// and lists its `files`, holding nothing but those plain files and the [`REPORT_OUTPUTS`].
/// Anything else gives an error wrapping [`ForeignOutput`], which says why. A run never
/// deletes anything else.
pub fn check_replaceable(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(_) => match refusal(path)? {
            None => Ok(()),
            Some(reason) => Err(io::Error::other(ForeignOutput {
                path: path.to_path_buf(),
                reason,
            })),
        },
    }
}

/// The part of manifest.json that says a folder is a depthsim result.
#[derive(Deserialize)]
struct ManifestHead {
    program: String,
    files: Vec<String>,
}

/// Why the existing `path` is not an earlier result, or `None` if it is one.
pub(super) fn refusal(path: &Path) -> io::Result<Option<String>> {
    let m = fs::symlink_metadata(path)?;
    if m.file_type().is_symlink() {
        return Ok(Some("it is a symbolic link".into()));
    }
    if !m.is_dir() {
        return Ok(Some("it is a file, not a folder".into()));
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
    let report_files: Vec<&str> = REPORT_OUTPUTS
        .iter()
        .filter(|n| !n.ends_with('/'))
        .copied()
        .collect();
    let report_folders: Vec<&str> = REPORT_OUTPUTS
        .iter()
        .filter_map(|n| n.strip_suffix('/'))
        .collect();
    let mut entries = fs::read_dir(path)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let kind = entry.file_type()?;
        let name = entry.file_name();
        let shown = name.to_string_lossy();
        let Some(name) = name.to_str() else {
            return Ok(Some(format!("holds {shown} which depthsim did not write")));
        };
        if kind.is_file()
            && (name == "manifest.json"
                || listed.iter().any(|f| f == name)
                || report_files.contains(&name))
        {
            continue;
        }
        if kind.is_dir() && report_folders.contains(&name) {
            if let Some(inner) = first_non_file(&entry.path())? {
                return Ok(Some(format!(
                    "holds {name}/{inner} which depthsim did not write"
                )));
            }
            continue;
        }
        return Ok(Some(if kind.is_symlink() {
            format!("holds {name}, a symbolic link, which depthsim did not write")
        } else if kind.is_dir() {
            format!("holds {name}/ which depthsim did not write")
        } else {
            format!("holds {name} which depthsim did not write")
        }));
    }
    Ok(None)
}

/// The first entry of `dir` (by name) that is not a plain file, shown as in a message.
fn first_non_file(dir: &Path) -> io::Result<Option<String>> {
    let mut entries = fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let kind = entry.file_type()?;
        if !kind.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            return Ok(Some(if kind.is_dir() {
                format!("{name}/")
            } else {
                name
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
