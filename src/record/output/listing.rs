//! What depthsim lists as its own in a folder besides a run's files: `report.json`, the list
//! of the files `depthsim report` wrote there.
//!
//! ```json
//! {"program": "depthsim", "kind": "report", "version": "0.1.0",
//!  "files": ["index.html", "realism.html", "plots/mid.png", "plots/mid.svg"]}
//! ```
//!
//! A listed path is a plain file name, or one folder and a plain file name (`plots/mid.png`).
//! depthsim replaces, overwrites or deletes only listed files (and report.json itself); a
//! file of the user's beside them (`plots/notes.txt`) makes the folder the user's.

use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, Read};
use std::path::Path;

/// The report's list of the files it wrote.
pub const REPORT_JSON: &str = "report.json";

/// Largest report.json read (real ones are a few kilobytes).
const MAX_LISTING_BYTES: u64 = 1 << 20;

/// report.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportListing {
    /// "depthsim".
    pub program: String,
    /// "report".
    pub kind: String,
    /// The depthsim version that wrote it.
    pub version: String,
    /// The files the report wrote, relative to its folder, sorted.
    pub files: Vec<String>,
}

/// What a folder's report.json is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed {
    /// There is none.
    Absent,
    /// A depthsim report listing.
    Ours(ReportListing),
    /// Something else: why.
    NotOurs(String),
}

/// Whether `p` may be listed: `name` or `folder/name`, plain names, no `.` or `..`, no
/// reserved name ([`super::partial`]).
pub fn is_listable_path(p: &str) -> bool {
    let parts: Vec<&str> = p.split('/').collect();
    parts.len() <= 2
        && parts.iter().all(|n| {
            !n.is_empty()
                && *n != "."
                && *n != ".."
                && !n.contains('\\')
                && super::partial::parse_partial_name(n).is_none()
        })
}

impl ReportListing {
    /// A listing of `files` (sorted, without repeats).
    pub fn new(files: impl IntoIterator<Item = String>) -> ReportListing {
        let mut files: Vec<String> = files.into_iter().collect();
        files.sort();
        files.dedup();
        ReportListing {
            program: "depthsim".into(),
            kind: "report".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            files,
        }
    }

    /// Reads `dir`/report.json.
    pub fn read(dir: &Path) -> io::Result<Listed> {
        let path = dir.join(REPORT_JSON);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Listed::Absent),
            Err(e) => return Err(e),
            Ok(m) if !m.is_file() => {
                return Ok(Listed::NotOurs(format!(
                    "its {REPORT_JSON} is not a plain file"
                )));
            }
            Ok(_) => {}
        }
        let mut text = Vec::new();
        fs::File::open(&path)?
            .take(MAX_LISTING_BYTES)
            .read_to_end(&mut text)?;
        Ok(match serde_json::from_slice::<ReportListing>(&text) {
            Ok(l)
                if l.program == "depthsim"
                    && l.kind == "report"
                    && l.files.iter().all(|f| is_listable_path(f)) =>
            {
                Listed::Ours(l)
            }
            _ => Listed::NotOurs(format!(
                "its {REPORT_JSON} is not a depthsim report listing"
            )),
        })
    }

    /// Writes it as `dir`/report.json, atomically.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(io::Error::other)?;
        super::write_file_atomic(&dir.join(REPORT_JSON), (text + "\n").as_bytes())
    }

    /// Whether `p` is listed.
    pub fn lists(&self, p: &str) -> bool {
        self.files.iter().any(|f| f == p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listable_paths() {
        for ok in ["index.html", "plots/mid.png", "a b.txt"] {
            assert!(is_listable_path(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "plots/../x",
            "a/b/c",
            "plots/",
            "./x",
            "a\\b",
            ".x.partial-1-2",
            "plots/.x.partial-1-2.lock",
        ] {
            assert!(!is_listable_path(bad), "{bad}");
        }
    }

    #[test]
    fn reads_back_what_it_writes_and_refuses_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(ReportListing::read(tmp.path()).unwrap(), Listed::Absent);
        let l = ReportListing::new(["plots/b.png".into(), "index.html".into()]);
        l.write(tmp.path()).unwrap();
        assert_eq!(ReportListing::read(tmp.path()).unwrap(), Listed::Ours(l));
        for text in [
            "{}",
            r#"{"program": "depthsim", "kind": "report", "version": "0", "files": ["../x"]}"#,
            r#"{"program": "other", "kind": "report", "version": "0", "files": []}"#,
        ] {
            fs::write(tmp.path().join(REPORT_JSON), text).unwrap();
            assert!(matches!(
                ReportListing::read(tmp.path()).unwrap(),
                Listed::NotOurs(_)
            ));
        }
    }
}
