//! The output folder: filled under a temporary name and renamed into place only when the run
//! has finished, so an interrupted run never leaves a folder that looks complete.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A run's output folder in the making.
#[derive(Debug)]
pub struct OutputDir {
    final_path: PathBuf,
    temp_path: PathBuf,
    committed: bool,
}

impl OutputDir {
    /// Creates `<parent>/.<name>.partial` for a run whose results belong in `final_path`
    /// (any stale partial folder of an earlier, interrupted run is removed first).
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
        let temp_path = parent.join(format!(".{}.partial", name.to_string_lossy()));
        if temp_path.exists() {
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

    /// Moves the finished folder into place, replacing an earlier run's results.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        if self.final_path.exists() {
            fs::remove_dir_all(&self.final_path)?;
        }
        fs::rename(&self.temp_path, &self.final_path)?;
        self.committed = true;
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
