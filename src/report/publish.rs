//! Writing a report without ever leaving half of one, and without overwriting a file of the
//! user's.
//!
//! Every file is first written into a staging folder inside DIR (`.report.partial-<pid>-<n>`,
//! with its lock file: [`crate::record::OutputDir`]). Only when all of them are written does
//! [`Staging::publish`] put them in place:
//! 1. each target must be absent or a plain file that DIR's report.json lists (depthsim's
//!    own, from an earlier report); anything else is refused and nothing changes;
//! 2. report.json is rewritten (atomically) to list the earlier files and the new ones, so
//!    that every file in DIR is listed at every moment;
//! 3. each file is renamed into place (a rename replaces the old file whole);
//! 4. report.json is rewritten to list the new files only, and the earlier report's files
//!    that this one does not write are deleted.
//!
//! A failure while writing (a full disk) removes the staging folder and leaves DIR as it was;
//! a process killed at any moment leaves DIR with whole files, every one listed, and a
//! staging folder that the next report (or run) into DIR removes. Running the report again
//! gives the same files as an uninterrupted one.

use super::error::ReportError;
use crate::record::{Listed, OutputDir, REPORT_JSON, ReportListing, is_listable_path};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to a new file `path`, every write checked.
pub fn write_checked(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let write = || -> io::Result<()> {
        let mut f = fs::File::create(path)?;
        f.write_all(bytes)?;
        f.flush()
    };
    write().map_err(|e| ReportError::io(path, e))
}

/// A report being written.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: OutputDir,
}

/// DIR's report.json, or a refusal when it is not a depthsim report listing.
fn earlier(dir: &Path) -> Result<Option<ReportListing>, ReportError> {
    match ReportListing::read(dir).map_err(|e| ReportError::io(dir.join(REPORT_JSON), e))? {
        Listed::Absent => Ok(None),
        Listed::Ours(l) => Ok(Some(l)),
        Listed::NotOurs(reason) => Err(ReportError::NotOurs {
            path: dir.join(REPORT_JSON),
            reason: format!("{reason}, so depthsim cannot tell its own files from yours"),
        }),
    }
}

/// Refuses when a file the report would write is there and is not listed by the earlier
/// report (a file of the user's, a folder, a symbolic link).
fn check_targets<'a>(
    dir: &Path,
    old: Option<&ReportListing>,
    files: impl IntoIterator<Item = &'a str>,
) -> Result<(), ReportError> {
    for rel in files {
        let mut path = dir.to_path_buf();
        let parts: Vec<&str> = rel.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            path.push(part);
            let last = i + 1 == parts.len();
            let m = match fs::symlink_metadata(&path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => break,
                Err(e) => return Err(ReportError::io(&path, e)),
                Ok(m) => m,
            };
            let refuse = |what: &str| ReportError::NotOurs {
                path: path.clone(),
                reason: format!(
                    "{what}, which the report would overwrite; depthsim overwrites only files \
                     its earlier report listed in {REPORT_JSON}. Move it away, or report from a \
                     copy of the run's folder"
                ),
            };
            if !last && !m.is_dir() {
                return Err(refuse("it is not a folder"));
            }
            if last && !m.is_file() {
                return Err(refuse("it is not a plain file"));
            }
            if last && !old.is_some_and(|o| o.lists(rel)) {
                return Err(refuse("it is there and depthsim did not write it"));
            }
        }
    }
    Ok(())
}

impl Staging {
    /// Checks that the report may write `pages` (its fixed files) into `dir`, cleans up
    /// after reports killed outright, and creates the staging folder.
    pub fn create(dir: &Path, pages: &[&str]) -> Result<Staging, ReportError> {
        let old = earlier(dir)?;
        check_targets(dir, old.as_ref(), pages.iter().copied())?;
        let out = OutputDir::create(&dir.join("report")).map_err(|e| {
            ReportError::io(
                dir,
                io::Error::new(
                    e.kind(),
                    format!("creating the report's staging folder: {e}"),
                ),
            )
        })?;
        let plots = out.file("plots");
        fs::create_dir(&plots).map_err(|e| ReportError::io(&plots, e))?;
        Ok(Staging {
            dir: dir.to_path_buf(),
            out,
        })
    }

    /// Where to write the file `rel` (e.g. `index.html`, `plots/mid.png`) for now.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.out.temp_path().join(rel)
    }

    /// The staging folder's plots/.
    pub fn plots_dir(&self) -> PathBuf {
        self.path("plots")
    }

    /// Puts the written `files` (paths relative to DIR) in place, as the [module docs](self)
    /// say; refuses (changing nothing) if one would overwrite what depthsim did not write.
    pub fn publish(self, files: &[String]) -> Result<(), ReportError> {
        let dir = &self.dir;
        debug_assert!(files.iter().all(|f| is_listable_path(f)));
        crate::faults::point("report: every file staged");
        let old = earlier(dir)?;
        check_targets(dir, old.as_ref(), files.iter().map(String::as_str))?;
        let new = ReportListing::new(files.iter().cloned());
        let listed_at_dir = |e| ReportError::io(dir.join(REPORT_JSON), e);
        let union = ReportListing::new(
            old.iter()
                .flat_map(|o| o.files.iter().cloned())
                .chain(files.iter().cloned()),
        );
        union.write(dir).map_err(listed_at_dir)?;
        crate::faults::point("report: listing of old and new files written");
        for rel in files {
            let target = dir.join(rel);
            if let Some((folder, _)) = rel.split_once('/') {
                let folder = dir.join(folder);
                match fs::create_dir(&folder) {
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                        return Err(ReportError::io(&folder, e));
                    }
                    _ => {}
                }
            }
            fs::rename(self.path(rel), &target).map_err(|e| ReportError::io(&target, e))?;
            crate::faults::point("report: file renamed into place");
        }
        new.write(dir).map_err(listed_at_dir)?;
        crate::faults::point("report: listing of new files written");
        for f in old.iter().flat_map(|o| o.files.iter()) {
            if !new.lists(f) {
                match fs::remove_file(dir.join(f)) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => {
                        return Err(ReportError::io(dir.join(f), e));
                    }
                    _ => {}
                }
            }
        }
        let staging = self.out.temp_path().to_path_buf();
        self.out
            .discard()
            .map_err(|e| ReportError::io(staging, e))?;
        crate::faults::point("report: staging folder removed");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    fn stage(dir: &Path, files: &[(&str, &str)]) -> Result<(), ReportError> {
        let s = Staging::create(dir, &["index.html"])?;
        for (f, text) in files {
            write_checked(&s.path(f), text.as_bytes()).unwrap();
        }
        s.publish(&files.iter().map(|(f, _)| f.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn a_report_replaces_its_own_files_and_no_one_elses() {
        let tmp = tempfile::tempdir().unwrap();
        let d = &tmp.path().join("run");
        fs::create_dir(d).unwrap();
        stage(
            d,
            &[
                ("index.html", "1"),
                ("plots/a.png", "a1"),
                ("plots/b.png", "b1"),
            ],
        )
        .unwrap();
        assert_eq!(names(d), ["index.html", "plots", REPORT_JSON]);
        // a second report without plot b: b goes, a is replaced
        stage(d, &[("index.html", "2"), ("plots/a.png", "a2")]).unwrap();
        assert_eq!(names(&d.join("plots")), ["a.png"]);
        assert_eq!(fs::read_to_string(d.join("plots/a.png")).unwrap(), "a2");
        // a file of the user's beside them stays; one in the report's way is refused
        fs::write(d.join("plots/notes.txt"), "mine").unwrap();
        stage(d, &[("index.html", "3"), ("plots/a.png", "a3")]).unwrap();
        assert_eq!(
            fs::read_to_string(d.join("plots/notes.txt")).unwrap(),
            "mine"
        );
        fs::write(d.join("plots/c.png"), "mine too").unwrap();
        let e = stage(d, &[("index.html", "4"), ("plots/c.png", "c4")]).unwrap_err();
        assert!(e.is_bad_input(), "{e}");
        assert!(e.to_string().contains("plots/c.png"), "{e}");
        assert_eq!(
            fs::read_to_string(d.join("plots/c.png")).unwrap(),
            "mine too"
        );
        assert_eq!(fs::read_to_string(d.join("index.html")).unwrap(), "3");
        // an index.html of the user's is refused before anything is drawn
        let other = tmp.path().join("other");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("index.html"), "mine").unwrap();
        let e = Staging::create(&other, &["index.html"]).unwrap_err();
        assert!(e.is_bad_input(), "{e}");
        assert_eq!(names(&other), ["index.html"]);
        assert_eq!(names(d), ["index.html", "plots", REPORT_JSON]);
    }
}
