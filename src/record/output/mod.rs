//! The output folder: filled under a temporary name and renamed into place only when the run
//! has finished, so an interrupted run never leaves a folder that looks complete.
//!
//! Each run writes into its own `<parent>/.<name>.partial-<pid>-<n>` folder ([`partial`]), so
//! two runs aimed at the same place never write into each other's files; the last to finish
//! wins, whole. Replacing an earlier result moves the old folder aside (to the partial
//! folder's name plus `.replaced`) first and deletes it only once the new one is in place.
//!
//! What may be replaced is narrow: an empty folder, or a folder whose `manifest.json` is a
//! depthsim manifest and which holds nothing but the files that manifest lists and the files
//! a report's `report.json` lists ([`replace`]). Anything else at the target (a folder of the
//! user's, a file of the user's among depthsim's, a symbolic link) is refused with
//! [`ForeignOutput`], both before the run ([`check_replaceable`]) and again at commit time,
//! on the folder just moved aside.
//!
//! Ownership ([`owner`]): beside each temporary folder or file is its lock file,
//! `<name>.lock`, which the process that made it holds locked (`flock`) for as long as the
//! temporary thing exists, with a record of who it is (host, machine id, boot id, pid
//! namespace, pid, start time). A process killed outright (SIGKILL, a power cut) cannot clean
//! up after itself, so [`recover_abandoned`] (called by [`OutputDir::create`]) removes the
//! temporary things whose owner is provably gone, and puts back an earlier result that such
//! a process had moved aside. Those of live processes, of other machines, or without a lock
//! file are left alone, whatever pid namespace or container their owner ran in.

mod listing;
pub mod owner;
pub mod partial;
mod recovery;
mod replace;

pub use listing::{Listed, REPORT_JSON, ReportListing, is_listable_path};
pub use recovery::{Recovered, recover_abandoned, recover_in};
pub(crate) use replace::foreign_among;
pub use replace::{ForeignOutput, check_replaceable, remove_listed};

use owner::Claim;
use replace::{refusal, remove_result};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A run's output folder in the making.
#[derive(Debug)]
pub struct OutputDir {
    final_path: PathBuf,
    temp_path: PathBuf,
    /// The lock on the temporary folder's name; released (its file deleted) last.
    claim: Option<Claim>,
    /// Committed or discarded: Drop leaves the temporary folder alone.
    done: bool,
    /// Digests taken while files were written, by file name: (bytes, SHA-256 in hex).
    digests: Mutex<BTreeMap<String, (u64, String)>>,
}

/// What [`OutputDir::commit`] found at the target and replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaced {
    /// Nothing was there.
    Nothing,
    /// An empty folder.
    EmptyFolder,
    /// An earlier depthsim result.
    EarlierResult,
}

/// A committed output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// Where it is.
    pub path: PathBuf,
    /// What was there before.
    pub replaced: Replaced,
}

/// The folder that holds `path` ("." for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

impl OutputDir {
    /// Creates a fresh hidden partial folder beside `final_path`, where the results will
    /// belong, with its lock file. Abandoned partial folders there are cleaned up first
    /// ([`recover_abandoned`]).
    pub fn create(final_path: &Path) -> io::Result<OutputDir> {
        let name = final_path.file_name().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "output path has no folder name",
            )
        })?;
        let parent = parent_of(final_path);
        fs::create_dir_all(parent)?;
        recover_abandoned(final_path);
        let (claim, temp_path, ()) =
            partial::claim(parent, &name.to_string_lossy(), |p| fs::create_dir(p))?;
        crate::faults::point("output: partial folder created");
        Ok(OutputDir {
            final_path: final_path.to_path_buf(),
            temp_path,
            claim: Some(claim),
            done: false,
            digests: Mutex::new(BTreeMap::new()),
        })
    }

    /// Records the SHA-256 of the file `name` taken as it was written, in one pass from
    /// empty, `bytes` long: [`OutputDir::sha256`] uses it instead of reading the file again.
    pub(crate) fn note_digest(&self, name: &str, bytes: u64, sha256: String) {
        if let Ok(mut d) = self.digests.lock() {
            d.insert(name.to_string(), (bytes, sha256));
        }
    }

    /// The SHA-256 of each of `files` in the folder, by name (what manifest.json's `sha256`
    /// holds): the digest taken while the file was written where there is one and the file
    /// still has the length it had then, else read from the file.
    pub fn sha256<'a>(
        &self,
        files: impl IntoIterator<Item = &'a str>,
    ) -> io::Result<BTreeMap<String, String>> {
        let noted = self.digests.lock().map(|d| d.clone()).unwrap_or_default();
        files
            .into_iter()
            .map(|f| {
                let path = self.file(f);
                let known = noted.get(f).filter(|(bytes, _)| {
                    fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == *bytes)
                });
                let digest = match known {
                    Some((_, sha)) => sha.clone(),
                    None => crate::record::summary::file_sha256(&path)
                        .map_err(|e| io::Error::new(e.kind(), format!("{f}: {e}")))?,
                };
                Ok((f.to_string(), digest))
            })
            .collect()
    }

    /// Path of a file inside the (temporary) folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.temp_path.join(name)
    }

    /// Where the results will be once committed.
    pub fn final_path(&self) -> &Path {
        &self.final_path
    }

    /// The temporary folder being written.
    pub fn temp_path(&self) -> &Path {
        &self.temp_path
    }

    /// Deletes the temporary folder and everything in it, saying whether that worked (Drop
    /// does the same silently).
    pub fn discard(mut self) -> io::Result<()> {
        self.done = true;
        let result = fs::remove_dir_all(&self.temp_path);
        if result.is_err()
            && let Some(c) = self.claim.take()
        {
            c.leave();
        }
        result
    }

    /// Moves the finished folder into place. An earlier result (or an empty folder) there is
    /// moved aside first and deleted only after the new folder is in place, so a failure
    /// never loses both; whatever was moved aside is checked again ([`check_replaceable`])
    /// and put back untouched if it may not be replaced. When another run commits to the
    /// same place at the same moment, the move is retried: the last run to commit wins, whole.
    pub fn commit(mut self) -> io::Result<Committed> {
        let aside = aside_path(&self.temp_path);
        let mut attempts = 0;
        crate::faults::point("commit: about to move the earlier result aside");
        loop {
            attempts += 1;
            // Move whatever is there aside (it may vanish or appear meanwhile: other runs).
            let had_old = match fs::rename(&self.final_path, &aside) {
                Ok(()) => true,
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => return Err(e),
            };
            let mut replaced = Replaced::Nothing;
            if had_old {
                crate::faults::point("commit: earlier result moved aside");
                recover_in(&aside);
                let refusal = match refusal(&aside) {
                    Ok(None) => None,
                    Ok(Some(reason)) => Some(io::Error::other(ForeignOutput {
                        path: self.final_path.clone(),
                        reason,
                    })),
                    Err(e) => Some(e),
                };
                if let Some(e) = refusal {
                    let _ = fs::rename(&aside, &self.final_path);
                    return Err(e);
                }
                replaced = if fs::read_dir(&aside).is_ok_and(|mut d| d.next().is_none()) {
                    Replaced::EmptyFolder
                } else {
                    Replaced::EarlierResult
                };
            }
            match fs::rename(&self.temp_path, &self.final_path) {
                Ok(()) => {
                    self.done = true;
                    crate::faults::point("commit: new result in place");
                    if had_old && let Err(e) = remove_result(&aside) {
                        if let Some(c) = self.claim.take() {
                            c.leave();
                        }
                        return Err(e);
                    }
                    crate::faults::point("commit: earlier result deleted");
                    return Ok(Committed {
                        path: self.final_path.clone(),
                        replaced,
                    });
                }
                // another run put its folder there in between: move that one aside too
                Err(_) if attempts < 10 && self.final_path.exists() => {
                    if had_old {
                        remove_result(&aside)?;
                    }
                }
                Err(e) => {
                    if had_old {
                        let _ = fs::rename(&aside, &self.final_path);
                    }
                    return Err(e);
                }
            }
        }
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.done
            && fs::remove_dir_all(&self.temp_path).is_err()
            && self.temp_path.exists()
            && let Some(c) = self.claim.take()
        {
            c.leave();
        }
    }
}

/// Where [`OutputDir::commit`] moves an earlier result while it puts the new one in place.
fn aside_path(temp_path: &Path) -> PathBuf {
    let mut aside = temp_path.as_os_str().to_owned();
    aside.push(".replaced");
    PathBuf::from(aside)
}

/// Writes `bytes` to `path` through a temporary file beside it (a reserved name with its
/// lock file, [`partial`]), synced, then renamed over `path`: readers see the old file or the
/// new one, whole, and a process killed meanwhile leaves only a temporary file that the next
/// clean-up of that folder removes (this one's first: [`recover_in`]).
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let parent = parent_of(path);
    recover_in(parent);
    let (claim, temp, mut file) = partial::claim(parent, &name.to_string_lossy(), |p| {
        fs::OpenOptions::new().write(true).create_new(true).open(p)
    })?;
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        crate::faults::point("atomic write: temporary file written");
        fs::rename(&temp, path)
    })();
    drop(file);
    if result.is_err() && fs::remove_file(&temp).is_err() && temp.exists() {
        claim.leave();
        return result;
    }
    crate::faults::point("atomic write: renamed into place");
    drop(claim);
    result
}

#[cfg(test)]
mod tests {
    use super::owner::OwnerRecord;
    use super::*;

    /// A folder that looks like a finished run's result.
    fn fake_result(dir: &Path) {
        fs::create_dir_all(dir).unwrap();
        fs::write(
            dir.join("manifest.json"),
            r#"{"program": "depthsim", "files": ["book.csv", "manifest.json"]}"#,
        )
        .unwrap();
        fs::write(dir.join("book.csv"), "t_s\n").unwrap();
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    fn reason(path: &Path) -> String {
        let e = check_replaceable(path).expect_err("must be refused");
        e.get_ref()
            .and_then(|i| i.downcast_ref::<ForeignOutput>())
            .unwrap_or_else(|| panic!("not a ForeignOutput: {e}"))
            .reason
            .clone()
    }

    #[test]
    fn two_runs_to_one_place_never_mix_and_the_last_commit_wins_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("seed-1");
        let a = OutputDir::create(&target).unwrap();
        let b = OutputDir::create(&target).unwrap();
        assert_ne!(a.temp_path(), b.temp_path());
        fs::write(a.file("x.csv"), "a").unwrap();
        fs::write(b.file("x.csv"), "b").unwrap();
        fs::write(b.file("y.csv"), "b").unwrap();
        for d in [&a, &b] {
            fs::write(
                d.file("manifest.json"),
                r#"{"program": "depthsim", "files": ["x.csv", "y.csv", "manifest.json"]}"#,
            )
            .unwrap();
        }
        b.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("x.csv")).unwrap(), "b");
        a.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("x.csv")).unwrap(), "a");
        assert!(
            !target.join("y.csv").exists(),
            "nothing of the replaced run survives"
        );
        assert_eq!(
            names(tmp.path()),
            ["seed-1"],
            "no partial or old folder is left"
        );
    }

    #[test]
    fn a_folder_that_is_not_a_result_is_never_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let mine = tmp.path().join("research");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("notes.txt"), "precious").unwrap();
        let a = OutputDir::create(&mine).unwrap();
        fs::write(a.file("manifest.json"), "{}").unwrap();
        let err = a.commit().unwrap_err();
        assert!(err.to_string().contains("holds no manifest.json"), "{err}");
        assert_eq!(
            fs::read_to_string(mine.join("notes.txt")).unwrap(),
            "precious"
        );
        let file = tmp.path().join("file.txt");
        fs::write(&file, "x").unwrap();
        assert_eq!(reason(&file), "it is a file, not a folder");
        assert!(check_replaceable(&tmp.path().join("free")).is_ok());
        assert_eq!(
            names(tmp.path()),
            ["file.txt", "research"],
            "no partial folder is left behind"
        );
    }

    /// The check at commit time sees what appeared after the check before the run.
    #[test]
    fn commit_refuses_a_result_that_gained_a_foreign_file_and_puts_it_back() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("seed-1");
        fake_result(&target);
        check_replaceable(&target).unwrap();
        let a = OutputDir::create(&target).unwrap();
        fs::write(a.file("book.csv"), "new").unwrap();
        fs::write(target.join("notes.txt"), "mine").unwrap();
        let err = a.commit().unwrap_err();
        assert!(
            err.to_string()
                .contains("holds notes.txt which depthsim did not write"),
            "{err}"
        );
        assert_eq!(names(&target), ["book.csv", "manifest.json", "notes.txt"]);
        assert_eq!(
            fs::read_to_string(target.join("book.csv")).unwrap(),
            "t_s\n"
        );
        assert_eq!(names(tmp.path()), ["seed-1"]);
    }

    #[test]
    fn only_a_depthsim_manifest_with_nothing_but_listed_files_is_a_result() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("r");
        fake_result(&dir);
        check_replaceable(&dir).unwrap();
        // a report's files are part of a result when its report.json lists them
        fs::create_dir(dir.join("plots")).unwrap();
        fs::write(dir.join("plots/depth.png"), "png").unwrap();
        fs::write(dir.join("index.html"), "<html>").unwrap();
        assert!(reason(&dir).starts_with("holds index.html which depthsim did not write"));
        ReportListing::new(["plots/depth.png".into(), "index.html".into()])
            .write(&dir)
            .unwrap();
        check_replaceable(&dir).unwrap();
        // a listed file that is missing is fine (the user may have deleted it)
        fs::remove_file(dir.join("book.csv")).unwrap();
        fs::remove_file(dir.join("index.html")).unwrap();
        check_replaceable(&dir).unwrap();
        // a file of the user's beside the report's
        fs::write(dir.join("plots/notes.txt"), "mine").unwrap();
        assert_eq!(
            reason(&dir),
            "holds plots/notes.txt which depthsim did not write"
        );
        fs::remove_file(dir.join("plots/notes.txt")).unwrap();
        fs::create_dir(dir.join("plots/raw")).unwrap();
        assert_eq!(
            reason(&dir),
            "holds plots/raw/ which depthsim did not write"
        );
        fs::remove_dir(dir.join("plots/raw")).unwrap();
        fs::write(dir.join("trades.csv"), "unlisted").unwrap();
        assert_eq!(
            reason(&dir),
            "holds trades.csv which depthsim did not write"
        );
        fs::remove_file(dir.join("trades.csv")).unwrap();
        fs::create_dir(dir.join("src")).unwrap();
        assert_eq!(reason(&dir), "holds src/ which depthsim did not write");
        fs::remove_dir(dir.join("src")).unwrap();
        // a listed name that is a folder is not one of the run's files
        fs::create_dir(dir.join("book.csv")).unwrap();
        assert_eq!(reason(&dir), "holds book.csv/ which depthsim did not write");
        fs::remove_dir(dir.join("book.csv")).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path(), dir.join("book.csv")).unwrap();
            assert_eq!(
                reason(&dir),
                "holds book.csv, a symbolic link, which depthsim did not write"
            );
            fs::remove_file(dir.join("book.csv")).unwrap();
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(&dir, &link).unwrap();
            assert_eq!(reason(&link), "it is a symbolic link");
        }
        check_replaceable(&dir).unwrap();
        fs::write(dir.join(REPORT_JSON), "{}").unwrap();
        assert_eq!(
            reason(&dir),
            "its report.json is not a depthsim report listing"
        );
        fs::remove_file(dir.join(REPORT_JSON)).unwrap();
        fs::remove_dir_all(dir.join("plots")).unwrap();
        check_replaceable(&dir).unwrap();

        let not_ours = "manifest.json is not a depthsim manifest";
        for text in [
            r#"{"name": "my-web-app"}"#,
            r#"{"program": "other", "files": ["book.csv"]}"#,
            r#"{"program": "depthsim"}"#,
            r#"{"program": "depthsim", "files": "book.csv"}"#,
            "not json",
            "",
        ] {
            fs::write(dir.join("manifest.json"), text).unwrap();
            assert_eq!(reason(&dir), not_ours, "{text}");
        }
        fs::remove_file(dir.join("manifest.json")).unwrap();
        fs::create_dir(dir.join("manifest.json")).unwrap();
        assert_eq!(reason(&dir), "its manifest.json is not a plain file");
        // an empty folder (made with mkdir) may be replaced; one holding anything may not
        let empty = tmp.path().join("empty");
        fs::create_dir(&empty).unwrap();
        check_replaceable(&empty).unwrap();
        fs::write(empty.join(".hidden"), "").unwrap();
        assert_eq!(
            reason(&empty),
            "it holds no manifest.json, so it is not a depthsim result"
        );
    }

    #[test]
    fn an_empty_folder_is_replaced_and_said_so() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("made-with-mkdir");
        fs::create_dir(&target).unwrap();
        let manifest = r#"{"program": "depthsim", "files": ["manifest.json"]}"#;
        let a = OutputDir::create(&target).unwrap();
        fs::write(a.file("manifest.json"), manifest).unwrap();
        let c = a.commit().unwrap();
        assert_eq!(c.replaced, Replaced::EmptyFolder);
        let b = OutputDir::create(&target).unwrap();
        fs::write(b.file("manifest.json"), manifest).unwrap();
        assert_eq!(b.commit().unwrap().replaced, Replaced::EarlierResult);
        let c = OutputDir::create(&tmp.path().join("new")).unwrap();
        fs::write(c.file("manifest.json"), manifest).unwrap();
        assert_eq!(c.commit().unwrap().replaced, Replaced::Nothing);
    }

    #[test]
    fn an_abandoned_run_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("seed-1");
        let a = OutputDir::create(&target).unwrap();
        fs::write(a.file("x.csv"), "a").unwrap();
        drop(a);
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
        let b = OutputDir::create(&target).unwrap();
        fs::write(b.file("x.csv"), "b").unwrap();
        b.discard().unwrap();
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    /// A lock file as a process killed outright leaves it: its record, no lock held.
    fn dead_lock(dir: &Path, stem: &str) {
        let rec = OwnerRecord::this_process(true);
        fs::write(
            dir.join(format!("{stem}.lock")),
            serde_json::to_string(&rec).unwrap(),
        )
        .unwrap();
    }

    #[test]
    fn folders_of_killed_runs_are_cleaned_and_nothing_else_is_touched() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        // a finished result, and partial folders of a dead and a live process
        fake_result(&p.join("done"));
        dead_lock(p, ".x.partial-7-3");
        let live = owner::Claim::create(&p.join(".x.partial-8-3.lock")).unwrap();
        for stem in [".x.partial-7-3", ".x.partial-8-3"] {
            fs::create_dir(p.join(stem)).unwrap();
            fs::write(p.join(stem).join("book.csv"), "partial").unwrap();
        }
        // one of another machine (or kernel): never touched
        let mut other = OwnerRecord::this_process(true);
        other.boot_id = Some("another-boot".into());
        other.host = Some("node17".into());
        fs::write(
            p.join(".x.partial-9-0.lock"),
            serde_json::to_string(&other).unwrap(),
        )
        .unwrap();
        fs::create_dir(p.join(".x.partial-9-0")).unwrap();
        // one without a lock file (an earlier depthsim): never touched
        fs::create_dir(p.join(".x.partial-10-0")).unwrap();
        // died after moving an earlier result aside, before putting its own in place
        dead_lock(p, ".free.partial-7-0");
        fake_result(&p.join(".free.partial-7-0.replaced"));
        // died after putting its own in place, before deleting the earlier one
        fake_result(&p.join("taken"));
        fs::write(p.join("taken/book.csv"), "new").unwrap();
        dead_lock(p, ".taken.partial-7-1");
        fake_result(&p.join(".taken.partial-7-1.replaced"));
        // a folder of the user's that a dying run had moved aside, its name now taken
        dead_lock(p, ".mine.partial-7-2");
        let foreign = p.join(".mine.partial-7-2.replaced");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "precious").unwrap();
        fs::create_dir(p.join("mine")).unwrap();
        // a dead process's temporary file
        dead_lock(p, ".runs.csv.partial-7-5");
        fs::write(p.join(".runs.csv.partial-7-5"), "half a ta").unwrap();
        // a lock file alone (killed before it made its folder), and an empty one (killed
        // before it wrote its record)
        dead_lock(p, ".y.partial-7-6");
        fs::write(p.join(".y.partial-7-7.lock"), "").unwrap();

        let got = recover_in(p);
        let gone: Vec<&Recovered> = got
            .iter()
            .filter(|r| !matches!(r, Recovered::LeftAlone { .. }))
            .collect();
        assert_eq!(
            gone,
            [
                &Recovered::Restored(p.join("free")),
                &Recovered::RemovedPartial(p.join(".runs.csv.partial-7-5")),
                &Recovered::RemovedReplaced(p.join(".taken.partial-7-1.replaced")),
                &Recovered::RemovedPartial(p.join(".x.partial-7-3")),
            ]
        );
        let left: Vec<&Path> = got
            .iter()
            .filter_map(|r| match r {
                Recovered::LeftAlone { path, .. } => Some(path.as_path()),
                _ => None,
            })
            .collect();
        assert_eq!(
            left,
            [
                foreign.as_path(),
                &p.join(".x.partial-10-0"),
                &p.join(".x.partial-9-0")
            ]
        );
        assert_eq!(
            names(p),
            [
                ".mine.partial-7-2.lock",
                ".mine.partial-7-2.replaced",
                ".x.partial-10-0",
                ".x.partial-8-3",
                ".x.partial-8-3.lock",
                ".x.partial-9-0",
                ".x.partial-9-0.lock",
                "done",
                "free",
                "mine",
                "taken",
            ]
        );
        assert_eq!(fs::read_to_string(p.join("taken/book.csv")).unwrap(), "new");
        assert_eq!(
            fs::read_to_string(p.join("free/book.csv")).unwrap(),
            "t_s\n"
        );
        assert_eq!(
            fs::read_to_string(foreign.join("notes.txt")).unwrap(),
            "precious"
        );
        check_replaceable(&p.join("done")).unwrap();
        drop(live);
    }

    #[test]
    fn atomic_writes_leave_the_old_file_or_the_new_one_and_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("runs.csv");
        write_file_atomic(&f, b"one").unwrap();
        write_file_atomic(&f, b"two").unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"two");
        assert_eq!(names(tmp.path()), ["runs.csv"]);
    }
}
