//! Running a shard's unfinished runs, in parallel across runs: each run builds its own
//! `World` from its own scenario and writes its own folder, so nothing is shared between runs
//! and `--jobs` cannot change any result.

use super::file::{Keep, RunSpec, Sweep};
use super::shard::Shard;
use super::store::{NotFinished, RunTag, read_finished, run_path};
use super::{SweepError, io_error};
use crate::record::{ForeignOutput, OutputDir};
use crate::run::{RunError, run_into};
use crate::scenario::Scenario;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// A sweep run's manifest.json: a run's manifest (the same fields as `depthsim run`'s, so
/// `depthsim reproduce` can check the folder) plus its place in the sweep.
#[derive(Debug, Serialize)]
struct RunManifest<'a> {
    program: &'static str,
    version: &'static str,
    scenario_file: String,
    scenario_sha256: String,
    seed: u64,
    overrides: Vec<String>,
    command_line: &'a [String],
    files: Vec<String>,
    sha256: BTreeMap<String, String>,
    scenario: &'a Scenario,
    wall_time_s: f64,
    sweep: RunTag,
}

/// The runs of `shard` not yet finished in the sweep folder `dir`, in run order, and how
/// many of the shard's runs are finished. A run folder of another sweep, or a broken one, is
/// not finished (it is rerun, and replaced if it is a depthsim result).
pub fn pending(sweep: &Sweep, dir: &Path, shard: Shard) -> (Vec<u64>, u64) {
    let mut todo = Vec::new();
    let mut done = 0;
    for run in (0..sweep.runs()).filter(|r| shard.has(*r)) {
        match read_finished(dir, &sweep.id, run) {
            Ok(_) => done += 1,
            Err(NotFinished::Absent | NotFinished::OtherSweep(_) | NotFinished::Broken(_)) => {
                todo.push(run)
            }
        }
    }
    (todo, done)
}

/// Runs `runs` of `sweep` into the sweep folder `dir` on `jobs` threads. `on_done(run)` is
/// called as each run is committed; `should_stop` is asked after every step of every run (keep
/// it cheap). The first failure stops the sweep once the runs in flight have ended; runs
/// already committed stay.
pub fn run_all(
    sweep: &Sweep,
    dir: &Path,
    runs: &[u64],
    jobs: usize,
    command_line: &[String],
    on_done: &(dyn Fn(u64) + Sync),
    should_stop: &(dyn Fn() -> bool + Sync),
) -> Result<(), SweepError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .thread_name(|i| format!("sweep-{i}"))
        .build()
        .map_err(|e| SweepError::Io(format!("starting {jobs} worker threads: {e}")))?;
    pool.install(|| {
        runs.par_iter().with_max_len(1).try_for_each(|&run| {
            if should_stop() {
                return Err(SweepError::Interrupted);
            }
            run_one(sweep, dir, sweep.spec(run), command_line, should_stop)?;
            on_done(run);
            Ok(())
        })
    })
}

/// One run, into its folder under `dir/runs/`.
pub fn run_one(
    sweep: &Sweep,
    dir: &Path,
    spec: RunSpec,
    command_line: &[String],
    should_stop: &(dyn Fn() -> bool + Sync),
) -> Result<(), SweepError> {
    #[expect(
        clippy::disallowed_methods,
        reason = "wall time for the run's manifest, outside the simulation"
    )]
    let started = std::time::Instant::now();
    let failed = |message: String| SweepError::Run {
        run: spec.run,
        message,
    };
    let scenario = sweep.scenario(&spec);
    let final_path = run_path(dir, spec.run);
    let out = OutputDir::create(&final_path)
        .map_err(|e| io_error(format!("creating {}", final_path.display()), e))?;
    match run_into(&scenario, &out, &mut |_, _| {}, &|| should_stop()) {
        Ok(_) => {}
        Err(RunError::Interrupted) => return Err(SweepError::Interrupted),
        Err(e) => return Err(failed(e.to_string())),
    }
    let mut files = Vec::new();
    let listing = |e| io_error(format!("reading {}", out.temp_path().display()), e);
    for entry in fs::read_dir(out.temp_path()).map_err(listing)? {
        let entry = entry.map_err(listing)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if sweep.keep == Keep::Summary && name != "summary.csv" {
            fs::remove_file(entry.path()).map_err(listing)?;
        } else {
            files.push(name);
        }
    }
    files.sort();
    let sha256 = out
        .sha256(files.iter().map(String::as_str))
        .map_err(|e| failed(format!("computing the SHA-256 of its files: {e}")))?;
    files.push("manifest.json".into());
    let point = &sweep.points[spec.point];
    let manifest = RunManifest {
        program: "depthsim",
        version: env!("CARGO_PKG_VERSION"),
        scenario_file: sweep.base.display().to_string(),
        scenario_sha256: sweep.base_sha256.clone(),
        seed: spec.seed,
        overrides: point.overrides.iter().map(|o| o.to_string()).collect(),
        command_line,
        files,
        sha256,
        scenario: &scenario,
        wall_time_s: started.elapsed().as_secs_f64(),
        sweep: RunTag {
            sweep_id: sweep.id.clone(),
            run: spec.run,
            point: spec.point as u64,
            replicate: spec.replicate,
            seed: spec.seed,
            params: sweep.cells(spec.point),
        },
    };
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| failed(e.to_string()))?;
    fs::write(out.file("manifest.json"), text + "\n")
        .map_err(|e| failed(format!("writing manifest.json: {e}")))?;
    if should_stop() {
        return Err(SweepError::Interrupted);
    }
    out.commit().map_err(|e| {
        match e.get_ref().and_then(|i| i.downcast_ref::<ForeignOutput>()) {
            Some(f) => SweepError::Folder {
                dir: dir.to_path_buf(),
                message: f.to_string(),
            },
            None => io_error(format!("moving run {} into place", spec.run), e),
        }
    })?;
    Ok(())
}
