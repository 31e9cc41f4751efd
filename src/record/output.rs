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
    /// deleted only after the new folder is in place, so a failure never loses both.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        let mut old = self.temp_path.clone().into_os_string();
        old.push(".replaced");
        let old = PathBuf::from(old);
        let had_old = self.final_path.exists();
        if had_old {
            fs::rename(&self.final_path, &old)?;
        }
        if let Err(e) = fs::rename(&self.temp_path, &self.final_path) {
            if had_old {
                let _ = fs::rename(&old, &self.final_path);
            }
            return Err(e);
        }
        self.committed = true;
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(self.final_path.clone())
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
    fn an_abandoned_run_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("seed-1");
        let a = OutputDir::create(&target).unwrap();
        fs::write(a.file("x.csv"), "a").unwrap();
        drop(a);
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
