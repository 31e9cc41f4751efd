//! `depthsim.run` and `depthsim.Run`; `depthsim.validate`.

use crate::convert::{self, Source};
use crate::errors;
use crate::table::Table;
use crate::wait::interruptible;
use depthsim::record::arrow::Table as Batches;
use depthsim::record::sink::Memory;
use depthsim::record::summary::{Manifest, sha256_hex, write_manifest};
use depthsim::record::{OutputDir, TABLES, check_replaceable, recover_abandoned};
use depthsim::run::{output_files, run_in_memory};
use depthsim::scenario::{Override, Scenario};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// A finished run: its tables (``depthsim.Table``, Arrow), its resolved scenario and its
/// manifest.
///
/// A table the run did not make (``hedges`` when no maker hedges, ``l2`` with
/// ``output.l2_levels = 0``, anything left out of ``outputs=``) is ``None``.
#[pyclass(frozen, module = "depthsim")]
pub struct Run {
    tables: Vec<(String, Py<Table>)>,
    scenario: Py<PyAny>,
    manifest: Py<PyAny>,
    dir: Option<PathBuf>,
}

impl Run {
    fn table(&self, py: Python<'_>, name: &str) -> Option<Py<Table>> {
        self.tables
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone_ref(py))
    }

    /// The run's folder, when it was written to one (``out=``).
    pub fn folder(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The resolved scenario, as a Python dict.
    pub fn scenario_dict<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.scenario.bind(py).clone()
    }
}

#[pymethods]
impl Run {
    /// book.csv's rows: one per book per sample.
    #[getter]
    fn book(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.table(py, "book")
    }
    /// l2.csv's rows: price levels per side at each sample.
    #[getter]
    fn l2(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.table(py, "l2")
    }
    /// trades.csv's rows: one per trade.
    #[getter]
    fn trades(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.table(py, "trades")
    }
    /// quotes.csv's rows: one per market-maker requote.
    #[getter]
    fn quotes(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.table(py, "quotes")
    }
    /// hedges.csv's rows: one per finished hedge.
    #[getter]
    fn hedges(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.table(py, "hedges")
    }
    /// options.csv's rows: one per change of a dealer's option position.
    #[getter]
    fn options(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.table(py, "options")
    }
    /// events.csv's rows: makers' state changes and failed hedges.
    #[getter]
    fn events(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.table(py, "events")
    }
    /// episodes.csv's rows: one per depth-collapse episode.
    #[getter]
    fn episodes(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.table(py, "episodes")
    }
    /// agents.csv's rows: every agent at each agents sample.
    #[getter]
    fn agents(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.table(py, "agents")
    }
    /// summary.csv's one row.
    #[getter]
    fn summary(&self, py: Python<'_>) -> Option<Py<Table>> {
        self.table(py, "summary")
    }

    /// Every table the run made, by name, in the order of ``depthsim.TABLES``.
    #[getter]
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (n, t) in &self.tables {
            d.set_item(n, t.clone_ref(py))?;
        }
        Ok(d)
    }

    /// The scenario as it ran: every default filled in, the seed and overrides applied (the
    /// same keys as ``depthsim validate``'s output; ``depthsim.run(r.scenario)`` reruns it).
    #[getter]
    fn scenario(&self, py: Python<'_>) -> Py<PyAny> {
        self.scenario.clone_ref(py)
    }

    /// How the run was made, as manifest.json says it (for an in-memory run: no files).
    #[getter]
    fn manifest(&self, py: Python<'_>) -> Py<PyAny> {
        self.manifest.clone_ref(py)
    }

    /// The folder the run was written to (``out=``), or None.
    #[getter]
    fn dir(&self) -> Option<String> {
        self.dir.as_ref().map(|d| d.display().to_string())
    }

    fn __getitem__(&self, py: Python<'_>, name: &str) -> PyResult<Py<Table>> {
        self.table(py, name).ok_or_else(|| {
            let have: Vec<&str> = self.tables.iter().map(|(n, _)| n.as_str()).collect();
            pyo3::exceptions::PyKeyError::new_err(format!(
                "this run has no table {name:?}; it has {}",
                have.join(", ")
            ))
        })
    }

    fn __repr__(&self) -> String {
        let have: Vec<&str> = self.tables.iter().map(|(n, _)| n.as_str()).collect();
        match &self.dir {
            Some(d) => format!("depthsim.Run({}; in {})", have.join(", "), d.display()),
            None => format!("depthsim.Run({})", have.join(", ")),
        }
    }
}

/// `outputs=`: table names, each one of [`TABLES`].
fn checked_outputs(outputs: Option<Vec<String>>) -> PyResult<Option<Vec<String>>> {
    if let Some(names) = &outputs
        && let Some(bad) = names.iter().find(|n| !TABLES.contains(&n.as_str()))
    {
        return Err(errors::bad(format!(
            "outputs: unknown table {bad:?}; the tables are {}",
            TABLES.join(", ")
        )));
    }
    Ok(outputs)
}

/// Runs a scenario and returns its tables as Arrow tables.
///
/// ``scenario`` is a path to a scenario file, a TOML string (any text holding a newline) or a
/// dict of the same keys (TOML tables as dicts, arrays of tables as lists of dicts).
/// ``seed`` replaces ``run.seed``; ``set`` takes the command line's ``--set`` overrides: a
/// ``"PATH=VALUE"`` string, a list of them, or a dict ``{"noise[0].mu_per_s": 2.5}``.
/// ``outputs`` names the tables to keep (default: every table the scenario writes; see
/// ``depthsim.TABLES``): leaving ``trades`` out saves its memory.
///
/// The run happens in memory: no file is written unless ``out`` names a folder, which then
/// receives exactly what ``depthsim run FILE --out DIR`` writes (manifest included, in the
/// scenario's ``output.format``), with the same rules: an earlier depthsim result there is
/// replaced, anything else is refused with ``FileExistsError``.
///
/// The interpreter lock is released while the simulation runs. Ctrl-C (KeyboardInterrupt)
/// stops it within a step; a partial ``out`` folder is removed. Bad input raises
/// ``depthsim.ScenarioError`` (a ``ValueError``) with the command line's message.
#[pyfunction]
#[pyo3(signature = (scenario, seed = None, set = None, outputs = None, out = None))]
pub fn run(
    py: Python<'_>,
    scenario: &Bound<'_, PyAny>,
    seed: Option<u64>,
    set: Option<&Bound<'_, PyAny>>,
    outputs: Option<Vec<String>>,
    out: Option<PathBuf>,
) -> PyResult<Run> {
    let (s, src, set) = convert::scenario(scenario, seed, set)?;
    let outputs = checked_outputs(outputs)?;
    run_scenario(py, &s, &src, &set, outputs.as_deref(), out.as_deref())
}

/// Runs a checked scenario (see [`run`]).
pub fn run_scenario(
    py: Python<'_>,
    s: &Scenario,
    src: &Source,
    set: &[Override],
    outputs: Option<&[String]>,
    out: Option<&Path>,
) -> PyResult<Run> {
    #[expect(
        clippy::disallowed_methods,
        reason = "wall time for the manifest, outside the simulation"
    )]
    let started = std::time::Instant::now();
    // the simulation's memory, refused up front as the command line does (the in-memory
    // tables come on top: their size is the run's output)
    depthsim::memory::check(
        s,
        &src.label.display().to_string(),
        "the run",
        1,
        depthsim::memory::MemoryLimit::default(),
    )
    .map_err(|e| errors::bad(e.to_string()))?;
    let memory = outputs.map_or(Memory::All, Memory::Only);
    let dir = match out {
        Some(out) => {
            recover_abandoned(out);
            check_replaceable(out)
                .map_err(|e| errors::output(e, || format!("checking {}", out.display())))?;
            Some(OutputDir::create(out).map_err(|e| {
                errors::output(e, || {
                    format!("creating the output folder for {}", out.display())
                })
            })?)
        }
        None => None,
    };
    let result = interruptible(py, |stop| {
        run_in_memory(s, dir.as_ref(), memory, &mut |_, _| {}, &|| {
            stop.load(Ordering::Relaxed)
        })
    })?;
    let (_, batches) = result.map_err(|e| errors::run(&e))?;
    let overrides: Vec<String> = set.iter().map(|o| o.as_str().to_string()).collect();
    let mut manifest = Manifest {
        program: "depthsim",
        version: depthsim::VERSION,
        scenario_file: src.label.display().to_string(),
        scenario_sha256: sha256_hex(src.text.as_bytes()),
        seed: s.seed,
        overrides,
        command_line: vec!["(python) depthsim.run".into()],
        files: Vec::new(),
        sha256: Default::default(),
        scenario: s,
        wall_time_s: 0.0,
    };
    let mut committed = None;
    if let Some(dir) = dir {
        let files = output_files(s);
        manifest.sha256 = dir
            .sha256(
                files
                    .iter()
                    .map(String::as_str)
                    .filter(|f| *f != "manifest.json"),
            )
            .map_err(|e| {
                errors::output(e, || "computing the SHA-256 of the output files".into())
            })?;
        manifest.files = files;
        manifest.wall_time_s = started.elapsed().as_secs_f64();
        write_manifest(&dir, &manifest)
            .map_err(|e| errors::output(e, || "writing manifest.json".into()))?;
        let target = dir.final_path().to_path_buf();
        committed = Some(dir.commit().map(|c| c.path).map_err(|e| {
            errors::output(e, || {
                format!("moving the results into {}", target.display())
            })
        })?);
    } else {
        manifest.wall_time_s = started.elapsed().as_secs_f64();
    }
    finished(py, s, &manifest, batches, committed)
}

/// The [`Run`] of finished batches.
fn finished(
    py: Python<'_>,
    s: &Scenario,
    manifest: &Manifest<'_>,
    batches: Vec<Batches>,
    dir: Option<PathBuf>,
) -> PyResult<Run> {
    let mut tables = Vec::with_capacity(batches.len());
    for b in batches {
        let name = b.name.clone();
        tables.push((name, Py::new(py, Table::new(b))?));
    }
    Ok(Run {
        tables,
        scenario: convert::scenario_dict(py, &s.params)?,
        manifest: convert::to_python(py, manifest)?,
        dir,
    })
}

/// Checks a scenario without running it, and returns it resolved: every default filled in,
/// ``seed`` and ``set`` applied (what ``depthsim validate`` prints, as a dict).
///
/// Raises ``depthsim.ScenarioError`` with the command line's message when the scenario is
/// refused; a run too short for collapse detection gives a ``UserWarning``.
#[pyfunction]
#[pyo3(signature = (scenario, seed = None, set = None))]
pub fn validate(
    py: Python<'_>,
    scenario: &Bound<'_, PyAny>,
    seed: Option<u64>,
    set: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let (s, src, _) = convert::scenario(scenario, seed, set)?;
    if let Some(w) = s.collapse_warning() {
        let message = std::ffi::CString::new(format!("{}: {w}", src.label.display()))
            .unwrap_or_else(|_| c"collapse detection is impossible in this run".into());
        PyErr::warn(
            py,
            &py.get_type::<pyo3::exceptions::PyUserWarning>(),
            &message,
            1,
        )?;
    }
    convert::scenario_dict(py, &s.params)
}
