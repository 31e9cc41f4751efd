//! Parameter sweeps: one base scenario, parameters varied by `--set` PATH over a grid
//! (cartesian product) or a list of points (zipped), several seeds per point, every run in
//! its own `World`, in parallel across runs (rayon), shardable for a cluster, resumable.
//!
//! - [`file`]: the sweep file (TOML), read and checked into a [`Sweep`] before any run starts;
//! - [`seed`]: the fixed mixer that gives each run its seed from the sweep's master seed, the
//!   point's parameter values and the replicate;
//! - [`store`]: the sweep's output folder (`sweep.json`, one result folder per run under
//!   `runs/`, `runs.csv`): what is finished, resuming, restarting safely;
//! - [`exec`]: running a shard's unfinished runs in parallel;
//! - [`table`]: `runs.csv`, assembled from the finished runs' folders in run-index order, for
//!   a whole sweep or by `depthsim merge` from its shards;
//! - [`shard`]: `--shard I/N` and its defaults from Slurm's job-array variables;
//! - `arrow` (feature `arrow`): the runs as a typed Arrow table, written as runs.parquet
//!   when the runs' `output.format` is `"parquet"`.
//!
//! Determinism: a run's result depends only on the base scenario, its point's parameters and
//! its seed, never on `--jobs`, the shard or the order runs finish in; `runs.csv` is written
//! from the run folders in run-index order, so it is byte-identical however it was made.

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod exec;
pub mod file;
pub mod seed;
pub mod shard;
pub mod store;
pub mod table;

pub use file::{Keep, Point, Sweep};
pub use shard::Shard;

use std::path::PathBuf;
use thiserror::Error;

/// Why a sweep, or a merge, could not be done.
#[derive(Debug, Error)]
pub enum SweepError {
    /// The sweep file is bad: unreadable, not TOML, an unknown key, a wrong type, an empty
    /// or mismatched list, a parameter the base scenario refuses. Bad input (exit code 2).
    #[error("{}: {message}", file.display())]
    File {
        /// The sweep file.
        file: PathBuf,
        /// What is wrong, naming the key and what is allowed.
        message: String,
    },
    /// The output folder cannot take this sweep (it holds something else, or another sweep's
    /// results), or the folders given to `merge` do not make one complete sweep. Bad input
    /// (exit code 2).
    #[error("{}: {message}", dir.display())]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// Why, and what to do.
        message: String,
    },
    /// `--shard`, or Slurm's array variables, do not name a shard. Bad input (exit code 2).
    #[error("{0}")]
    Shard(String),
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(String),
    /// A run failed after its scenario was accepted.
    #[error("run {run}: {message}")]
    Run {
        /// The run index.
        run: u64,
        /// What failed.
        message: String,
    },
    /// The sweep was asked to stop; finished runs are kept, runs in flight were discarded.
    #[error("interrupted")]
    Interrupted,
}

impl SweepError {
    /// Whether this is bad input (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            SweepError::File { .. } | SweepError::Folder { .. } | SweepError::Shard(_)
        )
    }
}

/// An I/O error with what was being done.
pub(crate) fn io_error(what: impl std::fmt::Display, e: impl std::fmt::Display) -> SweepError {
    SweepError::Io(format!("{what}: {e}"))
}
