//! The output folder: filled under a temporary name and renamed into place only when the run
//! has finished, so an interrupted run never leaves a folder that looks complete.
//!
//! Each run writes into its own `<parent>/.<name>.partial-<pid>-<n>` folder, so two runs aimed
//! at the same place never write into each other's files; the last to finish wins, whole.
//! Replacing an earlier result moves the old folder aside first and deletes it only once the
//! new one is in place.

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
    committed: bool,
}

impl OutputDir {
    /// Creates a fresh hidden partial folder beside `final_path`, where the run's results
    /// will belong.
    pub fn create(final_path: &Path) -> io::Result<OutputDir> {
        let name = final_path.file_name().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "output path has no folder name",
            )
        })?;
        let parent = final_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
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
            committed: false,
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

    /// Moves the finished folder into place. An earlier result there is moved aside first and
    /// deleted only after the new folder is in place, so a failure never loses both. When
    /// another run commits to the same place at the same moment, the move is retried: the
    /// last run to commit wins, whole.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        let mut aside = self.temp_path.clone().into_os_string();
        aside.push(".replaced");
        let aside = PathBuf::from(aside);
        let mut attempts = 0;
        loop {
            attempts += 1;
            // Move whatever is there aside (it may vanish or appear meanwhile: other runs).
            let had_old = match fs::rename(&self.final_path, &aside) {
                Ok(()) => true,
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => return Err(e),
            };
            if had_old && check_replaceable_at(&aside, &self.final_path).is_err() {
                let _ = fs::rename(&aside, &self.final_path);
                return Err(io::Error::other(ForeignOutput(self.final_path.clone())));
            }
            match fs::rename(&self.temp_path, &self.final_path) {
                Ok(()) => {
                    self.committed = true;
                    if had_old {
                        fs::remove_dir_all(&aside)?;
                    }
                    return Ok(self.final_path.clone());
                }
                // another run put its folder there in between: move that one aside too
                Err(_) if attempts < 10 && self.final_path.exists() => {
                    if had_old {
                        fs::remove_dir_all(&aside)?;
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

/// The run would replace something that is not a depthsim result.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}: refusing to replace it: it exists and is not a depthsim output folder (no manifest.json); \
     choose another --out or remove it yourself",
    .0.display()
)]
pub struct ForeignOutput(pub PathBuf);

/// Checks that `path` is free, or holds an earlier depthsim result (a folder with a
/// manifest.json) that a new run may replace. A run never deletes anything else.
pub fn check_replaceable(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(_) => check_replaceable_at(path, path),
    }
}

/// Whether the existing `path` (known to the user as `shown`) is an earlier result.
fn check_replaceable_at(path: &Path, shown: &Path) -> io::Result<()> {
    let m = fs::symlink_metadata(path)?;
    if m.is_dir() && path.join("manifest.json").is_file() {
        Ok(())
    } else {
        Err(io::Error::other(ForeignOutput(shown.to_path_buf())))
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp_path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            fs::write(d.file("manifest.json"), "{}").unwrap();
        }
        b.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("x.csv")).unwrap(), "b");
        a.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("x.csv")).unwrap(), "a");
        assert!(
            !target.join("y.csv").exists(),
            "nothing of the replaced run survives"
        );
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("seed-1")],
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
        assert!(
            err.to_string().contains("not a depthsim output folder"),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(mine.join("notes.txt")).unwrap(),
            "precious"
        );
        let file = tmp.path().join("file.txt");
        fs::write(&file, "x").unwrap();
        assert!(check_replaceable(&file).is_err());
        assert!(check_replaceable(&tmp.path().join("free")).is_ok());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            2,
            "no partial folder is left behind: {names:?}"
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
    }
}
