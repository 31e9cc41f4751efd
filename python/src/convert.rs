//! Python values in, Python values out: a scenario given as a path, a TOML string or a dict;
//! `set` overrides given as `PATH=VALUE` strings or a dict; resolved scenarios and manifests
//! handed back as dicts (through JSON).

use crate::errors;
use depthsim::scenario::{Override, Overrides, Scenario};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// A scenario (or sweep) as given: its TOML text and the name messages give it.
pub struct Source {
    /// The TOML text.
    pub text: String,
    /// The file, or `<dict>` / `<string>`: what error messages name, and where relative
    /// paths (a sweep's base scenario) start from.
    pub label: PathBuf,
    /// Whether it was read from a file (not a dict or a string).
    pub file: bool,
}

/// Reads `obj`: a dict (TOML tables as dicts; a key whose value is None is left out), a
/// string holding a newline (TOML text), or else a path (`str` or `os.PathLike`). `read_error` gives the CLI's message for a file that
/// cannot be read.
pub fn source(
    obj: &Bound<'_, PyAny>,
    what: &str,
    read_error: impl FnOnce(&Path) -> PyErr,
) -> PyResult<Source> {
    if let Ok(d) = obj.cast::<PyDict>() {
        let label = PathBuf::from("<dict>");
        let table = table(d, &label, "")?;
        let text = toml::to_string(&table)
            .map_err(|e| errors::bad(format!("<dict>: cannot be written as TOML: {e}")))?;
        return Ok(Source {
            text,
            label,
            file: false,
        });
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_cow()?;
        if s.contains('\n') {
            return Ok(Source {
                text: s.into_owned(),
                label: PathBuf::from("<string>"),
                file: false,
            });
        }
    }
    let path: PathBuf = obj.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a path, a TOML string or a dict, got {}",
            type_name(obj)
        ))
    })?;
    let text = std::fs::read_to_string(&path).map_err(|_| read_error(&path))?;
    Ok(Source {
        text,
        label: path,
        file: true,
    })
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".into(), |n| n.to_string())
}

/// A dict as a TOML table; `key` is its path in the scenario (`""` at the top).
fn table(d: &Bound<'_, PyDict>, label: &Path, key: &str) -> PyResult<Table> {
    let mut t = Table::new();
    for (k, v) in d.iter() {
        let Ok(name) = k.extract::<String>() else {
            return Err(errors::bad(format!(
                "{}: `{key}` has a key {} that is not a string",
                label.display(),
                k.repr().map_or_else(|_| "?".into(), |r| r.to_string())
            )));
        };
        if v.is_none() {
            continue; // a key set to None is left out: its default applies
        }
        let path = if key.is_empty() {
            name.clone()
        } else {
            format!("{key}.{name}")
        };
        t.insert(name, value(&v, label, &path)?);
    }
    Ok(t)
}

/// A Python value as a TOML value; `key` names it in messages.
pub fn value(v: &Bound<'_, PyAny>, label: &Path, key: &str) -> PyResult<Value> {
    if v.is_instance_of::<PyBool>() {
        return Ok(Value::Boolean(v.extract()?));
    }
    if v.is_instance_of::<PyInt>() {
        return v.extract::<i64>().map(Value::Integer).map_err(|_| {
            errors::bad(format!(
                "{}: `{key}` is an integer too large for TOML (64 bits signed)",
                label.display()
            ))
        });
    }
    if v.is_instance_of::<PyFloat>() {
        return Ok(Value::Float(v.extract()?));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        return Ok(Value::Table(table(d, label, key)?));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let mut a = Vec::new();
        for (i, item) in v.try_iter()?.enumerate() {
            a.push(value(&item?, label, &format!("{key}[{i}]"))?);
        }
        return Ok(Value::Array(a));
    }
    let what = if v.is_none() {
        "None is not a TOML value (leave the key out for its default)".to_string()
    } else {
        format!(
            "a {} is not a TOML value (use str, int, float, bool, list or dict)",
            type_name(v)
        )
    };
    Err(errors::bad(format!("{}: `{key}`: {what}", label.display())))
}

/// `set`: None, one `PATH=VALUE` string, a list of them, or a dict of PATH → value; parsed
/// as `--set` is, in order.
pub fn overrides(set: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Override>> {
    let Some(set) = set.filter(|s| !s.is_none()) else {
        return Ok(Vec::new());
    };
    let texts: Vec<String> = if let Ok(d) = set.cast::<PyDict>() {
        let mut t = Vec::new();
        for (k, v) in d.iter() {
            let path: String = k
                .extract()
                .map_err(|_| errors::bad(format!("set: a key {} is not a PATH string", k)))?;
            let v = value(&v, Path::new("set"), &path)?;
            t.push(format!("{path}={v}"));
        }
        t
    } else if let Ok(s) = set.extract::<String>() {
        vec![s]
    } else {
        set.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "set must be a PATH=VALUE string, a list of them or a dict, got {}",
                type_name(set)
            ))
        })?
    };
    texts
        .iter()
        .map(|t| {
            t.parse::<Override>().map_err(|e| {
                errors::bad(format!("invalid value '{t}' for '--set <PATH=VALUE>': {e}"))
            })
        })
        .collect()
}

/// Loads and validates a scenario given in any form, with `seed` and `set` applied.
pub fn scenario(
    obj: &Bound<'_, PyAny>,
    seed: Option<u64>,
    set: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Scenario, Source, Vec<Override>)> {
    let src = source(obj, "scenario", |path| {
        // the command line's message for a file it cannot read
        match Scenario::load(path, &Overrides::default()) {
            Err(e) => errors::scenario(&e),
            Ok(_) => errors::bad(format!("{}: cannot read the scenario file", path.display())),
        }
    })?;
    let set = overrides(set)?;
    let o = Overrides {
        seed,
        set: set.clone(),
    };
    let s = Scenario::from_toml(&src.text, &src.label, &o).map_err(|e| errors::scenario(&e))?;
    Ok((s, src, set))
}

/// A resolved scenario as a Python dict with the keys `depthsim validate` prints (keys left
/// empty are absent, not None), through TOML's data model.
pub fn scenario_dict(
    py: Python<'_>,
    params: &depthsim::scenario::ScenarioFile,
) -> PyResult<Py<PyAny>> {
    let v = Value::try_from(params)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    to_python(py, &v)
}

/// A serialisable value as a Python object, through JSON (`json.loads`).
pub fn to_python<T: serde::Serialize>(py: Python<'_>, v: &T) -> PyResult<Py<PyAny>> {
    let text = serde_json::to_string(v)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}
