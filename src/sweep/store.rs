//! A sweep's output folder:
//!
//! ```text
//! DIR/sweep.json                    what sweep this is (its identity, columns, number of runs)
//! DIR/runs/000/run-000017/          one finished run: manifest.json, summary.csv (and with
//!                                   keep = "runs", every other file the run wrote)
//! DIR/runs.csv                      every run's row, in run-index order
//! ```
//!
//! Runs are grouped 1,000 to a folder (`runs/000/` holds runs 0–999). Each run's folder is
//! written under a temporary name and renamed into place when complete
//! ([`crate::record::OutputDir`]), and `sweep.json` and `runs.csv` are written to temporary
//! names and renamed, so a process killed at any moment leaves finished runs and complete
//! files only. A run is finished when its folder's manifest.json names this sweep's identity
//! and the run's index, and its summary.csv has the SHA-256 the manifest recorded.
//!
//! What is deleted is narrow: only `--restart` deletes anything, and only when every entry of
//! DIR is one depthsim's sweeps write (or a file a report on the sweep listed in its
//! report.json), every run folder an earlier depthsim result
//! ([`crate::record::check_replaceable`]); otherwise it refuses and deletes nothing.
//! Temporary files and folders are cleaned up only when their owner is provably gone
//! ([`crate::record::owner`]), so shards on other machines or in other containers that share
//! the folder are never disturbed.

use super::file::{Keep, Sweep, hex};
use super::{SweepError, io_error};
use crate::record::partial::parse_partial_name;
use crate::record::{
    REPORT_JSON, Recovered, ReportListing, check_replaceable, recover_abandoned, recover_in,
    remove_listed,
};
use crate::scenario::OutputFormat;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// sweep.json: what sweep a folder holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SweepRecord {
    /// "depthsim".
    pub program: String,
    /// "sweep".
    pub kind: String,
    /// The depthsim version that wrote it.
    pub version: String,
    /// The sweep's identity ([`Sweep::id`]).
    pub sweep_id: String,
    /// The sweep file, as given.
    pub sweep_file: String,
    /// The sweep's name.
    pub name: String,
    /// The base scenario's path, and the SHA-256 of its bytes.
    pub base_scenario: String,
    /// SHA-256 of the base scenario file.
    pub base_sha256: String,
    /// The master seed.
    pub seed: u64,
    /// Replicates per point.
    pub seeds_per_point: u64,
    /// What is kept of each run.
    pub keep: Keep,
    /// `grid` or `points`.
    pub mode: String,
    /// The varied parameters: runs.csv's parameter columns.
    pub columns: Vec<String>,
    /// Number of points.
    pub points: u64,
    /// Number of runs.
    pub runs: u64,
}

impl SweepRecord {
    /// The record of `sweep`.
    pub fn of(sweep: &Sweep) -> SweepRecord {
        SweepRecord {
            program: "depthsim".into(),
            kind: "sweep".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            sweep_id: sweep.id.clone(),
            sweep_file: sweep.file.display().to_string(),
            name: sweep.name.clone(),
            base_scenario: sweep.base.display().to_string(),
            base_sha256: sweep.base_sha256.clone(),
            seed: sweep.seed,
            seeds_per_point: sweep.seeds_per_point,
            keep: sweep.keep,
            mode: sweep.mode.into(),
            columns: sweep.columns.clone(),
            points: sweep.points.len() as u64,
            runs: sweep.runs(),
        }
    }

    /// Reads `dir`/sweep.json; anything but a depthsim sweep record is refused, saying why.
    pub fn read(dir: &Path) -> Result<SweepRecord, SweepError> {
        let path = dir.join(SWEEP_JSON);
        let refuse = |message: String| SweepError::Folder {
            dir: dir.to_path_buf(),
            message,
        };
        let bytes = match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(refuse(
                    "it holds no sweep.json, so it is not the folder of a depthsim sweep".into(),
                ));
            }
            Err(e) => return Err(io_error(format!("reading {}", path.display()), e)),
            Ok(m) if !m.is_file() => {
                return Err(refuse("its sweep.json is not a plain file".into()));
            }
            Ok(_) => read_capped(&path)
                .map_err(|e| io_error(format!("reading {}", path.display()), e))?,
        };
        serde_json::from_slice::<SweepRecord>(&bytes)
            .ok()
            .filter(|r| r.program == "depthsim" && r.kind == "sweep")
            .ok_or_else(|| refuse("its sweep.json is not a depthsim sweep record".into()))
    }
}

/// The record's file name.
pub const SWEEP_JSON: &str = "sweep.json";
/// The table's file name.
pub const RUNS_CSV: &str = "runs.csv";
/// The folder of run results.
pub const RUNS_DIR: &str = "runs";
/// Runs per folder under `runs/`.
pub const RUNS_PER_FOLDER: u64 = 1000;

/// Largest manifest.json or sweep.json read (real ones are a few kilobytes).
const MAX_JSON_BYTES: u64 = 64 << 20;

fn read_capped(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(MAX_JSON_BYTES)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Where run `run`'s folder is in the sweep folder `dir`.
pub fn run_path(dir: &Path, run: u64) -> PathBuf {
    dir.join(RUNS_DIR)
        .join(format!("{:03}", run / RUNS_PER_FOLDER))
        .join(format!("run-{run:06}"))
}

/// What a run's manifest.json says about its place in the sweep (its `sweep` field).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RunTag {
    /// The sweep's identity.
    pub sweep_id: String,
    /// Run index.
    pub run: u64,
    /// Point index.
    pub point: u64,
    /// Replicate.
    pub replicate: u64,
    /// The run's seed.
    pub seed: u64,
    /// The point's parameter cells, in column order.
    pub params: Vec<String>,
}

/// The parts of a run's manifest.json that say it is finished.
#[derive(Deserialize)]
struct RunManifestHead {
    program: String,
    sha256: BTreeMap<String, String>,
    sweep: RunTag,
    #[serde(default)]
    scenario: ManifestScenario,
}

/// The part of a manifest's resolved scenario that says the files' format.
#[derive(Deserialize, Default)]
struct ManifestScenario {
    #[serde(default)]
    params: ManifestParams,
}

#[derive(Deserialize, Default)]
struct ManifestParams {
    #[serde(default)]
    output: ManifestOutput,
}

#[derive(Deserialize, Default)]
struct ManifestOutput {
    #[serde(default)]
    format: OutputFormat,
}

/// A finished run, as read from its folder.
#[derive(Debug, Clone)]
pub struct FinishedRun {
    /// Its place in the sweep.
    pub tag: RunTag,
    /// Its summary.csv, as written.
    pub summary_csv: Vec<u8>,
    /// Its tables' file format (`output.format`).
    pub format: OutputFormat,
}

/// Why a run's folder does not hold a finished run of the sweep `sweep_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotFinished {
    /// No folder (or no manifest.json): never run, or killed before it finished.
    Absent,
    /// A finished run of another sweep.
    OtherSweep(String),
    /// Unreadable, or its summary.csv does not match its manifest.
    Broken(String),
}

/// Reads run `run`'s folder in the sweep folder `dir`.
pub fn read_finished(dir: &Path, sweep_id: &str, run: u64) -> Result<FinishedRun, NotFinished> {
    let path = run_path(dir, run);
    let manifest = path.join("manifest.json");
    let bytes = match read_capped(&manifest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(NotFinished::Absent),
        Err(e) => {
            return Err(NotFinished::Broken(format!(
                "reading its manifest.json: {e}"
            )));
        }
        Ok(b) => b,
    };
    let head: RunManifestHead = serde_json::from_slice(&bytes).map_err(|e| {
        NotFinished::Broken(format!("its manifest.json is not a sweep run's ({e})"))
    })?;
    if head.program != "depthsim" {
        return Err(NotFinished::Broken(
            "its manifest.json is not depthsim's".into(),
        ));
    }
    if head.sweep.sweep_id != sweep_id {
        return Err(NotFinished::OtherSweep(head.sweep.sweep_id));
    }
    if head.sweep.run != run {
        return Err(NotFinished::Broken(format!(
            "its manifest.json says it is run {}",
            head.sweep.run
        )));
    }
    let summary_csv = fs::read(path.join("summary.csv"))
        .map_err(|e| NotFinished::Broken(format!("reading its summary.csv: {e}")))?;
    if head.sha256.get("summary.csv") != Some(&hex(&Sha256::digest(&summary_csv))) {
        return Err(NotFinished::Broken(
            "its summary.csv is not the one its manifest.json recorded".into(),
        ));
    }
    Ok(FinishedRun {
        tag: head.sweep,
        summary_csv,
        format: head.scenario.params.output.format,
    })
}

/// Writes `bytes` to `path` atomically ([`crate::record::write_file_atomic`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    crate::record::write_file_atomic(path, bytes)
}

/// What the sweep folder holds besides what depthsim's sweeps write (and what a report on
/// the sweep listed), described, or `None`.
fn foreign_entry(dir: &Path) -> io::Result<Option<String>> {
    use crate::record::Listed;
    let report = match ReportListing::read(dir)? {
        Listed::Absent => None,
        Listed::Ours(l) => Some(l),
        Listed::NotOurs(reason) => return Ok(Some(format!("{REPORT_JSON} ({reason})"))),
    };
    let mut entries = fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    // temporary files and folders of depthsim processes are its own (the live ones'
    // included: another shard writing sweep.json, a report in the making)
    let ours = |name: &str, ty: fs::FileType| match name {
        SWEEP_JSON | RUNS_CSV => ty.is_file(),
        RUNS_DIR => ty.is_dir(),
        REPORT_JSON => ty.is_file() && report.is_some(),
        n => {
            parse_partial_name(n).is_some()
                || (ty.is_file() && report.as_ref().is_some_and(|r| r.lists(n)))
        }
    };
    Ok(
        crate::record::foreign_among(&entries, ours, report.as_ref())?
            .map(|m| m.trim_start_matches("holds ").to_string()),
    )
}

/// The `runs/NNN/` folders of a sweep folder, sorted.
fn run_buckets(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let runs = dir.join(RUNS_DIR);
    let mut out = Vec::new();
    match fs::read_dir(&runs) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
        Ok(entries) => {
            for e in entries {
                out.push(e?.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// How a sweep folder was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// It was new, or empty.
    Fresh,
    /// It holds earlier results of the same sweep, which are kept.
    Resumed,
    /// It held another sweep's results, which `--restart` deleted.
    Restarted {
        /// Run folders deleted.
        deleted_runs: u64,
    },
}

/// Prepares `dir` for `sweep`: creates it, or resumes into it when it holds the same sweep
/// (a report on it included), or (with `restart`) deletes another sweep's results there.
/// Refuses (bad input) a folder that holds anything a depthsim sweep (or a report on it) did
/// not write, or another sweep's results without `restart`. Cleans up after processes
/// killed outright, and says what it found but left alone (the temporary files of processes
/// that may still run elsewhere).
pub fn open(
    dir: &Path,
    sweep: &Sweep,
    restart: bool,
) -> Result<(Opened, Vec<Recovered>), SweepError> {
    let refuse = |message: String| SweepError::Folder {
        dir: dir.to_path_buf(),
        message,
    };
    let record = SweepRecord::of(sweep);
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(format!("reading {}", dir.display()), e)),
        Ok(m) if m.file_type().is_symlink() => {
            return Err(refuse(
                "it is a symbolic link: give the folder it points to as --out".into(),
            ));
        }
        Ok(m) if !m.is_dir() => return Err(refuse("it is a file, not a folder".into())),
        Ok(_) => {}
    }
    fs::create_dir_all(dir).map_err(|e| io_error(format!("creating {}", dir.display()), e))?;
    let mut notes = recover_in(dir);
    let listing = |e| io_error(format!("reading {}", dir.display()), e);
    if let Some(what) = foreign_entry(dir).map_err(listing)? {
        return Err(refuse(format!(
            "refusing to use it: it {what}. A sweep writes only into a new or empty folder, or \
             one holding an earlier run of a sweep (and a report on it); choose another --out, \
             or move it away yourself"
        )));
    }
    let mut opened = Opened::Fresh;
    if dir.join(SWEEP_JSON).exists() {
        let old = SweepRecord::read(dir)?;
        if old.sweep_id == sweep.id {
            opened = Opened::Resumed;
        } else if !restart {
            let done = count_run_folders(dir).map_err(listing)?;
            return Err(refuse(format!(
                "it holds {done} run result(s) of a different sweep (sweep.json: {} from {}, \
                 depthsim {}): the sweep file, its base scenario or depthsim's version has \
                 changed since. Refusing to resume into it. Choose another --out, or give \
                 --restart to delete those results (only files depthsim wrote) and start afresh",
                old.name, old.sweep_file, old.version
            )));
        } else {
            let deleted_runs = delete_results(dir)?;
            opened = Opened::Restarted { deleted_runs };
        }
    } else if dir.join(RUNS_DIR).exists() || dir.join(RUNS_CSV).exists() {
        // run folders without sweep.json: another process is starting the same folder, or
        // one was killed between the two; only its own record can tell, so go by run tags
        if restart {
            let deleted_runs = delete_results(dir)?;
            opened = Opened::Restarted { deleted_runs };
        }
    }
    for bucket in run_buckets(dir).map_err(listing)? {
        notes.extend(recover_abandoned(&bucket.join("run")));
    }
    if opened != Opened::Resumed {
        let text =
            serde_json::to_string_pretty(&record).map_err(|e| SweepError::Io(e.to_string()))?;
        write_atomic(&dir.join(SWEEP_JSON), (text + "\n").as_bytes())
            .map_err(|e| io_error(format!("writing {}", dir.join(SWEEP_JSON).display()), e))?;
    }
    // another process may have written its own record meanwhile
    let now = SweepRecord::read(dir)?;
    if now.sweep_id != sweep.id {
        return Err(refuse(format!(
            "another process started a different sweep ({} from {}) in it at the same time",
            now.name, now.sweep_file
        )));
    }
    Ok((opened, notes))
}

/// Run folders under `dir/runs/`.
fn count_run_folders(dir: &Path) -> io::Result<u64> {
    let mut n = 0;
    for bucket in run_buckets(dir)? {
        if bucket.is_dir() {
            n += fs::read_dir(&bucket)?
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("run-"))
                .count() as u64;
        }
    }
    Ok(n)
}

/// Deletes an earlier sweep's results in `dir`: its run folders (each checked to be an
/// earlier depthsim result), `runs/`, `runs.csv`, `sweep.json`, and a report's files as its
/// report.json lists them. Checks everything first and deletes nothing if anything is not
/// depthsim's, or something is being written by a process that may still run.
fn delete_results(dir: &Path) -> Result<u64, SweepError> {
    let refuse = |message: String| SweepError::Folder {
        dir: dir.to_path_buf(),
        message: format!("refusing to restart in it, nothing was deleted: {message}"),
    };
    let listing = |e| io_error(format!("reading {}", dir.display()), e);
    for entry in fs::read_dir(dir).map_err(listing)? {
        let name = entry.map_err(listing)?.file_name();
        let name = name.to_string_lossy();
        if parse_partial_name(&name).is_some() {
            return Err(refuse(format!(
                "{name} is being written by a depthsim process that is still running (or one \
                 on another machine): stop it first"
            )));
        }
    }
    let mut runs = Vec::new();
    let buckets = run_buckets(dir).map_err(listing)?;
    for bucket in &buckets {
        let shown = bucket
            .strip_prefix(dir)
            .unwrap_or(bucket)
            .display()
            .to_string();
        let name = bucket.file_name().unwrap_or_default().to_string_lossy();
        let is_bucket = fs::symlink_metadata(bucket).is_ok_and(|m| m.is_dir())
            && !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_digit());
        if !is_bucket {
            return Err(refuse(format!("{shown} is not a folder depthsim wrote")));
        }
        recover_abandoned(&bucket.join("run"));
        for entry in fs::read_dir(bucket).map_err(listing)? {
            let path = entry.map_err(listing)?.path();
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            if parse_partial_name(&file).is_some() {
                return Err(refuse(format!(
                    "{shown}/{file} is a run being written by a depthsim process that is still \
                     running (or one on another machine): stop it first"
                )));
            }
            if !file.starts_with("run-") {
                return Err(refuse(format!(
                    "{shown}/{file} is not a run folder depthsim wrote"
                )));
            }
            if let Err(e) = check_replaceable(&path) {
                return Err(refuse(format!("{shown}/{file}: {e}")));
            }
            runs.push(path);
        }
    }
    let gone = |p: &Path, e: io::Error| io_error(format!("deleting {}", p.display()), e);
    for r in &runs {
        fs::remove_dir_all(r).map_err(|e| gone(r, e))?;
    }
    for b in &buckets {
        fs::remove_dir(b).map_err(|e| gone(b, e))?;
    }
    let runs_dir = dir.join(RUNS_DIR);
    match fs::remove_dir(&runs_dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(gone(&runs_dir, e)),
        _ => {}
    }
    remove_listed(dir).map_err(|e| gone(&dir.join(REPORT_JSON), e))?;
    for f in [RUNS_CSV, SWEEP_JSON] {
        let p = dir.join(f);
        match fs::remove_file(&p) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(gone(&p, e)),
            _ => {}
        }
    }
    Ok(runs.len() as u64)
}
