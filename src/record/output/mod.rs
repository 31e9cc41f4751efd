//! The output folder: filled under a temporary name and renamed into place only when the run
//! has finished, so an interrupted run never leaves a folder that looks complete.
//!
//! Each run writes into its own `<parent>/.<name>.partial-<pid>-<n>` folder, so two runs aimed
//! at the same place never write into each other's files; the last to finish wins, whole.
//! Replacing an earlier result moves the old folder aside (to the partial folder's name plus
//! `.replaced`) first and deletes it only once the new one is in place.
//!
//! What may be replaced is narrow: a folder whose `manifest.json` is a depthsim manifest and
//! which holds nothing but the files that manifest lists and the [`REPORT_OUTPUTS`]. Anything
//! else at the target (a folder of the user's, a file, a symbolic link) is refused with
//! [`ForeignOutput`], both before the run ([`check_replaceable`]) and again at commit time, on
//! the folder just moved aside.
//!
//! Names of the form `.<name>.partial-<pid>-<n>[.replaced]` are reserved for these folders. A
//! process killed outright (SIGKILL, a power cut) cannot clean up after itself, so
//! [`recover_abandoned`] (called by [`OutputDir::create`]) removes the partial folders of
//! processes that are gone, and puts back an earlier result that such a process had moved
//! aside. Whether a process is gone is known only where `/proc` lists processes (Linux);
//! elsewhere abandoned folders are left alone. Processes are looked up in this machine's (and
//! this pid namespace's) `/proc`, so a parent folder shared with other machines or containers
//! should not be written by runs there and here at once.

mod recovery;
mod replace;

pub use recovery::{Recovered, recover_abandoned};
pub use replace::{ForeignOutput, REPORT_OUTPUTS, check_replaceable};

use replace::{refusal, remove_result};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes the output folders of one process.
static NEXT_DIR: AtomicU64 = AtomicU64::new(0);

/// A run's output folder in the making.
#[derive(Debug)]
pub struct OutputDir {
    final_path: PathBuf,
    temp_path: PathBuf,
    /// Committed or discarded: Drop leaves the temporary folder alone.
    done: bool,
}

/// The folder that holds `path` ("." for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

impl OutputDir {
    /// Creates a fresh hidden partial folder beside `final_path`, where the run's results
    /// will belong. Abandoned partial folders there are cleaned up first
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
        let temp_path = parent.join(format!(
            ".{}.partial-{}-{}",
            name.to_string_lossy(),
            std::process::id(),
            NEXT_DIR.fetch_add(1, Ordering::Relaxed)
        ));
        if temp_path.exists() {
            // left by an earlier process that had the same pid and died mid-run
            fs::remove_dir_all(&temp_path)?;
        }
        fs::create_dir(&temp_path)?;
        Ok(OutputDir {
            final_path: final_path.to_path_buf(),
            temp_path,
            done: false,
        })
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
        fs::remove_dir_all(&self.temp_path)
    }

    /// Moves the finished folder into place. An earlier result there is moved aside first and
    /// deleted only after the new folder is in place, so a failure never loses both; whatever
    /// was moved aside is checked again ([`check_replaceable`]) and put back untouched if it is
    /// not an earlier result. When another run commits to the same place at the same moment,
    /// the move is retried: the last run to commit wins, whole.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        let aside = aside_path(&self.temp_path);
        let mut attempts = 0;
        loop {
            attempts += 1;
            // Move whatever is there aside (it may vanish or appear meanwhile: other runs).
            let had_old = match fs::rename(&self.final_path, &aside) {
                Ok(()) => true,
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => return Err(e),
            };
            if had_old {
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
            }
            match fs::rename(&self.temp_path, &self.final_path) {
                Ok(()) => {
                    self.done = true;
                    if had_old {
                        remove_result(&aside)?;
                    }
                    return Ok(self.final_path.clone());
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
        if !self.done {
            let _ = fs::remove_dir_all(&self.temp_path);
        }
    }
}

/// Where [`OutputDir::commit`] moves an earlier result while it puts the new one in place.
fn aside_path(temp_path: &Path) -> PathBuf {
    let mut aside = temp_path.as_os_str().to_owned();
    aside.push(".replaced");
    PathBuf::from(aside)
}

#[cfg(test)]
mod tests {
    use super::recovery::{parse_partial_name, pid_alive};
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
    fn only_a_depthsim_manifest_with_nothing_but_its_files_is_a_result() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("r");
        fake_result(&dir);
        check_replaceable(&dir).unwrap();
        // what the report command writes is part of a result
        fs::create_dir(dir.join("plots")).unwrap();
        fs::write(dir.join("plots/depth.png"), "png").unwrap();
        fs::write(dir.join("index.html"), "<html>").unwrap();
        fs::write(dir.join("realism.html"), "<html>").unwrap();
        check_replaceable(&dir).unwrap();
        // a listed file that is missing is fine (the user may have deleted it)
        fs::remove_file(dir.join("book.csv")).unwrap();
        check_replaceable(&dir).unwrap();

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
        let empty = tmp.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert_eq!(
            reason(&empty),
            "it holds no manifest.json, so it is not a depthsim result"
        );
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

    #[test]
    fn partial_folder_names_are_recognised_exactly() {
        assert_eq!(
            parse_partial_name(".seed-1.partial-42-0"),
            Some(("seed-1", 42, false))
        );
        assert_eq!(
            parse_partial_name(".a.partial-1-2.partial-42-7.replaced"),
            Some(("a.partial-1-2", 42, true))
        );
        for name in [
            "seed-1",
            "seed-1.partial-42-0",
            "..partial-42-0",
            ".seed-1.partial-42",
            ".seed-1.partial--0",
            ".seed-1.partial-4x-0",
            ".seed-1.partial-42-0.old",
            ".seed-1.partial-42-0-1",
        ] {
            assert_eq!(parse_partial_name(name), None, "{name}");
        }
    }

    /// The pid of a process that has exited.
    #[cfg(target_os = "linux")]
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert_eq!(pid_alive(pid), Some(false));
        pid
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn folders_of_killed_runs_are_cleaned_and_nothing_else_is_touched() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        let dead = dead_pid();
        let live = std::os::unix::process::parent_id();
        let me = std::process::id();
        // a finished result, and partial folders of a dead, a live and this process
        fake_result(&p.join("done"));
        for pid in [dead, live, me] {
            let d = p.join(format!(".x.partial-{pid}-3"));
            fs::create_dir(&d).unwrap();
            fs::write(d.join("book.csv"), "partial").unwrap();
        }
        // died after moving an earlier result aside, before putting its own in place
        fake_result(&p.join(format!(".free.partial-{dead}-0.replaced")));
        // died after putting its own in place, before deleting the earlier one
        fake_result(&p.join("taken"));
        fs::write(p.join("taken/book.csv"), "new").unwrap();
        fake_result(&p.join(format!(".taken.partial-{dead}-1.replaced")));
        // a folder of the user's that a dying run had moved aside, its name now taken
        let foreign = p.join(format!(".mine.partial-{dead}-2.replaced"));
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "precious").unwrap();
        fs::create_dir(p.join("mine")).unwrap();
        // a live process's aside folder whose name is free: it is mid-commit
        fake_result(&p.join(format!(".busy.partial-{live}-0.replaced")));

        let mut got = recover_abandoned(&p.join("anything"));
        got.sort_by_key(|r| format!("{r:?}"));
        let mut want = vec![
            Recovered::RemovedPartial(p.join(format!(".x.partial-{dead}-3"))),
            Recovered::Restored(p.join("free")),
            Recovered::RemovedReplaced(p.join(format!(".taken.partial-{dead}-1.replaced"))),
        ];
        want.sort_by_key(|r| format!("{r:?}"));
        assert_eq!(got, want);
        let mut expected = vec![
            format!(".busy.partial-{live}-0.replaced"),
            format!(".mine.partial-{dead}-2.replaced"),
            format!(".x.partial-{live}-3"),
            format!(".x.partial-{me}-3"),
            "done".into(),
            "free".into(),
            "mine".into(),
            "taken".into(),
        ];
        expected.sort();
        assert_eq!(names(p), expected);
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
    }
}
