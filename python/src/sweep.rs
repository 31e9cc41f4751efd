//! `depthsim.sweep`: a sweep's runs in parallel on rayon's threads, the interpreter lock
//! released, returning the runs table (runs.csv's rows, typed).

use crate::convert;
use crate::errors;
use crate::table::Table;
use crate::wait::interruptible;
use depthsim::run::{RunError, run_summary};
use depthsim::sweep::arrow::runs_table;
use depthsim::sweep::file::MAX_RUNS;
use depthsim::sweep::store::RunTag;
use depthsim::sweep::{Sweep, SweepError};
use pyo3::prelude::*;
use rayon::prelude::*;
use std::sync::atomic::Ordering;

/// The CPUs this process may use (1 if unknown): the default `jobs`, as the command line's.
fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A sweep given as a dict or a string has no file stem to name it: it is named "sweep"
/// unless it says otherwise (the name only names an output folder).
fn named(src: &convert::Source) -> String {
    if src.file {
        return src.text.clone();
    }
    let Ok(mut t) = src.text.parse::<toml::Table>() else {
        return src.text.clone(); // its error is the command line's
    };
    if let Some(toml::Value::Table(s)) = t.get_mut("sweep")
        && !s.contains_key("name")
    {
        s.insert("name".into(), toml::Value::String("sweep".into()));
        return toml::to_string(&t).unwrap_or_else(|_| src.text.clone());
    }
    src.text.clone()
}

/// Runs a parameter sweep and returns its runs as a ``depthsim.Table``: one row per run, in
/// run order, with the columns and values of ``depthsim sweep``'s runs.csv (``run``,
/// ``point``, ``replicate``, one column per varied parameter, ``seed``, then summary.csv's
/// columns), typed.
///
/// ``file_or_dict`` is a sweep file's path, its TOML text, or a dict of the same keys; a
/// relative ``sweep.scenario`` is found from the sweep file's folder (from the current folder
/// for a string or a dict). ``jobs`` is the number of runs at once, one thread each (default:
/// the CPUs this process may use); ``seeds`` replaces ``sweep.seeds_per_point``. Results do
/// not depend on ``jobs``: each run has its own world and seed.
///
/// Nothing is written to disk: each run keeps only its summary. The interpreter lock is
/// released while the runs go; Ctrl-C (KeyboardInterrupt) stops them within a step. Bad
/// input raises ``depthsim.ScenarioError`` with the command line's message.
#[pyfunction]
#[pyo3(signature = (file_or_dict, jobs = None, seeds = None))]
pub fn sweep(
    py: Python<'_>,
    file_or_dict: &Bound<'_, PyAny>,
    jobs: Option<i64>,
    seeds: Option<i64>,
) -> PyResult<Table> {
    let jobs = match jobs {
        None => cpus(),
        Some(j) if (1..=65_535).contains(&j) => j as usize,
        Some(j) => {
            return Err(errors::bad(format!(
                "invalid value '{j}' for '--jobs <N>': {j} is not in 1..=65535"
            )));
        }
    };
    let src = convert::source(file_or_dict, "the sweep", |path| match Sweep::load(path) {
        Err(e) => errors::sweep(&e),
        Ok(_) => errors::bad(format!("{}: cannot read the sweep file", path.display())),
    })?;
    let text = named(&src);
    let mut sweep = Sweep::from_toml(&text, &src.label).map_err(|e| errors::sweep(&e))?;
    if let Some(n) = seeds {
        let runs = (sweep.points.len() as u64).saturating_mul(n.max(0) as u64);
        if n < 1 || runs > MAX_RUNS {
            return Err(errors::bad(format!(
                "{}: seeds: must be at least 1, and points × seeds at most {MAX_RUNS}, got {n} \
                 (with {} points)",
                src.label.display(),
                sweep.points.len()
            )));
        }
        sweep.seeds_per_point = n as u64;
    }
    // the memory of `jobs` runs at once, refused up front as the command line does
    let at_once = (jobs as u64).min(sweep.runs()).max(1);
    if let Some((i, largest)) = sweep
        .points
        .iter()
        .enumerate()
        .max_by_key(|(_, p)| depthsim::memory::estimate(&p.scenario).total_bytes())
    {
        depthsim::memory::check(
            &largest.scenario,
            &src.label.display().to_string(),
            &format!("point {i} (its largest)"),
            at_once,
            depthsim::memory::MemoryLimit::default(),
        )
        .map_err(|e| errors::bad(e.to_string()))?;
    }
    let specs: Vec<_> = (0..sweep.runs()).map(|r| sweep.spec(r)).collect();
    let results = interruptible(py, |stop| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|i| format!("sweep-{i}"))
            .build()
            .map_err(|e| SweepError::Io(format!("starting {jobs} worker threads: {e}")))?;
        pool.install(|| {
            specs
                .par_iter()
                .with_max_len(1)
                .map(|spec| {
                    let scenario = sweep.scenario(spec);
                    run_summary(&scenario, &|| stop.load(Ordering::Relaxed)).map_err(|e| match e {
                        RunError::Interrupted => SweepError::Interrupted,
                        e => SweepError::Run {
                            run: spec.run,
                            message: e.to_string(),
                        },
                    })
                })
                .collect::<Result<Vec<_>, SweepError>>()
        })
    })?;
    let summaries = results.map_err(|e| errors::sweep(&e))?;
    let tags: Vec<RunTag> = specs
        .iter()
        .map(|s| RunTag {
            sweep_id: sweep.id.clone(),
            run: s.run,
            point: s.point as u64,
            replicate: s.replicate,
            seed: s.seed,
            params: sweep.cells(s.point),
        })
        .collect();
    let table = runs_table(&sweep.columns, &tags, &summaries)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    Ok(Table::new(table))
}
