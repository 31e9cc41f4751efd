//! depthsim from Python: the simulator's runs, sweeps, checks and reports, with every table
//! as Arrow record batches handed over through the Arrow PyCapsule interface (pyarrow,
//! polars and pandas, through pyarrow, read them without a copy).
//!
//! A thin layer over the `depthsim` crate (built with its `parquet` feature): scenarios are
//! read and checked by the same code as the command line's, runs record the same rows (the
//! recorders write into in-memory Arrow columns instead of files), and errors carry the same
//! messages. Modules: [`convert`] (Python values ↔ TOML and JSON), [`errors`], [`table`]
//! (`depthsim.Table`), [`run`] (`run`, `Run`, `validate`), [`sweep`], [`report`], [`wait`]
//! (work off the interpreter thread, Ctrl-C).

mod convert;
mod errors;
mod report;
mod run;
mod sweep;
mod table;
mod wait;

use pyo3::prelude::*;

/// depthsim: an agent-based market-microstructure simulator for studying depth collapse.
///
/// ``run(scenario)`` returns a ``Run`` whose tables (``book``, ``trades``, ``agents``, …)
/// are Arrow tables; ``sweep(file)`` returns the runs table of a parameter sweep;
/// ``validate(scenario)`` the resolved scenario; ``report(run, out)`` draws the report.
#[pymodule(name = "depthsim")]
fn depthsim_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", depthsim::VERSION)?;
    m.add("TABLES", depthsim::record::TABLES.to_vec())?;
    m.add("ScenarioError", m.py().get_type::<errors::ScenarioError>())?;
    m.add_class::<table::Table>()?;
    m.add_class::<run::Run>()?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(run::validate, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(report::report, m)?)?;
    Ok(())
}
