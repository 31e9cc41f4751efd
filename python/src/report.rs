//! `depthsim.report`: the command line's report (plots, index.html, realism.html) of a run
//! given as a `Run` or as a folder.

use crate::errors;
use crate::run::Run;
use crate::wait::interruptible;
use depthsim::record::check_replaceable;
use depthsim::report::ReportError;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::path::{Path, PathBuf};

fn report_error(e: &ReportError) -> PyErr {
    if e.is_bad_input() {
        errors::bad(e.to_string())
    } else {
        PyRuntimeError::new_err(e.to_string())
    }
}

/// Copies a finished run's files (manifest.json and what it lists) from `from` into `to`.
fn copy_run(from: &Path, to: &Path) -> PyResult<()> {
    let text = std::fs::read_to_string(from.join("manifest.json")).map_err(|e| {
        errors::bad(format!(
            "{}: cannot read its manifest.json ({e}): not a finished depthsim run",
            from.display()
        ))
    })?;
    let manifest: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| errors::bad(format!("{}/manifest.json: {e}", from.display())))?;
    let files: Vec<String> = manifest
        .get("files")
        .and_then(|f| serde_json::from_value(f.clone()).ok())
        .ok_or_else(|| {
            errors::bad(format!(
                "{}/manifest.json lists no files: not a depthsim run",
                from.display()
            ))
        })?;
    check_replaceable(to)
        .map_err(|e| errors::output(e, || format!("checking {}", to.display())))?;
    if to.exists() {
        std::fs::remove_dir_all(to)
            .map_err(|e| errors::output(e, || format!("replacing {}", to.display())))?;
    }
    std::fs::create_dir_all(to)
        .map_err(|e| errors::output(e, || format!("creating {}", to.display())))?;
    for f in &files {
        // names only: a manifest is no licence to reach outside the folder
        if f.contains(['/', '\\']) || f.starts_with('.') {
            continue;
        }
        std::fs::copy(from.join(f), to.join(f))
            .map_err(|e| errors::output(e, || format!("copying {f} into {}", to.display())))?;
    }
    Ok(())
}

/// Draws the report of a run: plots/ (PNG and SVG), index.html and realism.html, as
/// ``depthsim report DIR`` does, and returns the paths written.
///
/// ``run_or_dir`` is a ``depthsim.Run`` or a run's folder. The report reads CSV files, so:
/// a run made with ``out=`` (in CSV) is reported in its folder; an in-memory run is written
/// to ``out`` first (rerun from its resolved scenario, which gives the same rows: runs are
/// deterministic); a folder is reported in place, or copied to ``out`` first when ``out``
/// names another folder. ``out`` follows the rules of ``run(out=)``: an earlier depthsim
/// result there is replaced, anything else is refused (``FileExistsError``).
#[pyfunction]
#[pyo3(signature = (run_or_dir, out = None))]
pub fn report(
    py: Python<'_>,
    run_or_dir: &Bound<'_, PyAny>,
    out: Option<PathBuf>,
) -> PyResult<Vec<String>> {
    let folder: PathBuf = if let Ok(run) = run_or_dir.cast::<Run>() {
        let run = run.get();
        match (run.folder(), out) {
            (Some(d), None) => d.to_path_buf(),
            (Some(d), Some(o)) if d == o => o,
            (Some(d), Some(o)) => {
                copy_run(d, &o)?;
                o
            }
            (None, None) => {
                return Err(errors::bad(
                    "report: this run was kept in memory and has no folder; give out=FOLDER \
                     (it is rerun there as CSV files, then reported)",
                ));
            }
            (None, Some(o)) => {
                let scenario = run.scenario_dict(py);
                let set = vec![r#"output.format="csv""#.to_string()];
                let set = pyo3::types::PyList::new(py, set)?;
                crate::run::run(
                    py,
                    &scenario,
                    None,
                    Some(set.as_any()),
                    None,
                    Some(o.clone()),
                )?;
                o
            }
        }
    } else {
        let dir: PathBuf = run_or_dir.extract().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err("run_or_dir must be a depthsim.Run or a folder")
        })?;
        match out {
            Some(o) if o != dir => {
                copy_run(&dir, &o)?;
                o
            }
            _ => dir,
        }
    };
    let written = interruptible(py, |_| {
        depthsim::report::report(&folder, &depthsim::report::ReportOptions::default())
    })?
    .map_err(|e| report_error(&e))?;
    Ok(written
        .files
        .iter()
        .map(|f| folder.join(f).display().to_string())
        .collect())
}
