//! The exceptions: bad input raises [`ScenarioError`] (a `ValueError`) with the command
//! line's message, word for word; an output folder holding what depthsim did not write raises
//! `FileExistsError`; a run that fails after its scenario was accepted raises `RuntimeError`.

use depthsim::record::ForeignOutput;
use depthsim::run::RunError;
use depthsim::scenario::ScenarioError as BadScenario;
use depthsim::sweep::SweepError;
use pyo3::exceptions::{PyFileExistsError, PyKeyboardInterrupt, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

pyo3::create_exception!(
    depthsim,
    ScenarioError,
    PyValueError,
    "Bad input: a scenario or sweep that cannot be read or is refused, an unknown key, a \
     wrong type, a value out of range, an unknown table name, jobs=0. The message is the \
     command line's: the file (or <dict>, <string>), the key path, and what is allowed."
);

/// An error and its causes, as the command line prints them (`anyhow`'s `{:#}`): each
/// cause after a colon.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// A bad scenario, with the CLI's message.
pub fn scenario(e: &BadScenario) -> PyErr {
    ScenarioError::new_err(chain(e))
}

/// Bad input with a message of our own making (in the CLI's words where it has them).
pub fn bad(message: impl Into<String>) -> PyErr {
    ScenarioError::new_err(message.into())
}

/// A sweep error: bad input (the file, a folder) as [`ScenarioError`], the rest as
/// `RuntimeError`, an interruption as `KeyboardInterrupt`.
pub fn sweep(e: &SweepError) -> PyErr {
    match e {
        SweepError::Interrupted => PyKeyboardInterrupt::new_err("sweep interrupted"),
        e if e.is_bad_input() => ScenarioError::new_err(chain(e)),
        e => PyRuntimeError::new_err(chain(e)),
    }
}

/// A failed run.
pub fn run(e: &RunError) -> PyErr {
    match e {
        RunError::Interrupted => PyKeyboardInterrupt::new_err("run interrupted"),
        e => PyRuntimeError::new_err(chain(e)),
    }
}

/// An I/O error around an output folder: a folder of the user's is `FileExistsError` with
/// the CLI's message; anything else an `OSError` saying what was being done.
pub fn output(e: std::io::Error, doing: impl FnOnce() -> String) -> PyErr {
    match e.get_ref().and_then(|i| i.downcast_ref::<ForeignOutput>()) {
        Some(f) => PyFileExistsError::new_err(f.to_string()),
        None => pyo3::exceptions::PyOSError::new_err(format!("{}: {e}", doing())),
    }
}
