//! What can go wrong in `depthsim report`, and which of it is the user's input.

use std::path::PathBuf;
use thiserror::Error;

/// A report that could not be made.
#[derive(Debug, Error)]
pub enum ReportError {
    /// The folder is not a finished depthsim run; `reason` says why.
    #[error("{}: {reason}", dir.display())]
    NotARun {
        /// The folder, as given.
        dir: PathBuf,
        /// Why, e.g. "it holds no manifest.json, so it is not a finished depthsim run".
        reason: String,
    },
    /// A file the report needs is not there.
    #[error("{}: missing: {what}", file.display())]
    MissingFile {
        /// The file.
        file: PathBuf,
        /// Why it is needed.
        what: String,
    },
    /// A CSV file lacks columns the report reads.
    #[error("{}: missing column{} {}", file.display(), if columns.len() == 1 { "" } else { "s" }, columns.join(", "))]
    MissingColumns {
        /// The file.
        file: PathBuf,
        /// The columns not in its header.
        columns: Vec<String>,
    },
    /// A CSV cell that does not hold what its column should.
    #[error("{}: line {line}, column {column}: {problem}", file.display())]
    BadCell {
        /// The file.
        file: PathBuf,
        /// Line number, 1 for the header.
        line: u64,
        /// The column.
        column: String,
        /// What is wrong, with the value.
        problem: String,
    },
    /// The report would overwrite a file (or folder) that depthsim did not write.
    #[error("{}: {reason}", path.display())]
    NotOurs {
        /// The file in the way.
        path: PathBuf,
        /// Why it is refused.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// `--stat` names a column that runs.csv has not, or that is not a statistic.
    #[error(
        "--stat {column}: runs.csv has no such statistic; allowed: {}",
        allowed.join(", ")
    )]
    UnknownStat {
        /// The column asked for.
        column: String,
        /// The columns that may be asked for.
        allowed: Vec<String>,
    },
    /// `--stat` on a run's folder rather than a sweep's.
    #[error(
        "{}: --stat {column} applies to a sweep's folder (with sweep.json and runs.csv), and \
         this is a single run",
        dir.display()
    )]
    StatNotForRun {
        /// The folder.
        dir: PathBuf,
        /// The column asked for.
        column: String,
    },
    /// A plot could not be drawn.
    #[error("drawing {file}: {message}")]
    Plot {
        /// The plot's file name.
        file: String,
        /// What the plotting library said.
        message: String,
    },
}

impl ReportError {
    /// Whether the error lies in the input folder (exit code 2) rather than in the machine
    /// or the program (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            ReportError::NotARun { .. }
                | ReportError::MissingFile { .. }
                | ReportError::MissingColumns { .. }
                | ReportError::BadCell { .. }
                | ReportError::NotOurs { .. }
                | ReportError::UnknownStat { .. }
                | ReportError::StatNotForRun { .. }
        )
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> ReportError {
        ReportError::Io {
            path: path.into(),
            error,
        }
    }
}
