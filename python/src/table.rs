//! `depthsim.Table`: one output table as Arrow record batches, handed to pyarrow, polars,
//! pandas (through pyarrow) or any reader of the Arrow PyCapsule interface (`__arrow_c_stream__`): the
//! buffers are shared, not copied.

use arrow_array::ffi::FFI_ArrowSchema;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use depthsim::record::arrow::Table as Batches;
use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// One table of a run (book, trades, agents, …) or a sweep's runs, as Arrow record batches.
///
/// Any library that reads the Arrow PyCapsule interface takes it without a copy:
/// ``pyarrow.table(t)``, ``polars.DataFrame(t)``. The
/// helpers ``to_pyarrow()``, ``to_pandas()`` and ``to_polars()`` import those packages
/// (not installed with depthsim).
#[pyclass(frozen, module = "depthsim")]
pub struct Table {
    inner: Batches,
}

impl Table {
    /// Wraps finished batches.
    pub fn new(inner: Batches) -> Table {
        Table { inner }
    }

    /// The table's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }
}

/// Imports `module`, saying how to install it if it is missing.
fn import<'py>(py: Python<'py>, module: &str, what: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|_| {
        PyImportError::new_err(format!(
            "{what} needs {module}: pip install {module} (depthsim itself needs no other package)"
        ))
    })
}

#[pymethods]
impl Table {
    /// The table's name: ``book``, ``trades``, …, ``runs``.
    #[getter(name)]
    fn py_name(&self) -> &str {
        &self.inner.name
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.inner.num_rows()
    }

    /// The column names, in order (the CSV header's).
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.inner
            .schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// Bytes held by the table's Arrow buffers.
    #[getter]
    fn nbytes(&self) -> usize {
        self.inner.memory_bytes()
    }

    fn __len__(&self) -> usize {
        self.inner.num_rows()
    }

    fn __repr__(&self) -> String {
        let fields: Vec<String> = self
            .inner
            .schema
            .fields()
            .iter()
            .map(|f| format!("{}: {}", f.name(), f.data_type()))
            .collect();
        format!(
            "depthsim.Table {} ({} rows)\n  {}",
            self.inner.name,
            self.inner.num_rows(),
            fields.join("\n  ")
        )
    }

    /// The Arrow C stream of the table's record batches (Arrow PyCapsule interface). A
    /// requested schema is ignored: the table has one schema.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let batches: Vec<RecordBatch> = self.inner.batches.clone();
        let reader =
            RecordBatchIterator::new(batches.into_iter().map(Ok), self.inner.schema.clone());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// The Arrow C schema of the table (Arrow PyCapsule interface).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.inner.schema.as_ref())
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }

    /// The table as a ``pyarrow.Table`` (no copy; needs pyarrow).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let pa = import(slf.py(), "pyarrow", "to_pyarrow()")?;
        pa.call_method1("table", (slf,))
    }

    /// The table as a ``pandas.DataFrame`` (through pyarrow; needs pandas and pyarrow).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        import(slf.py(), "pandas", "to_pandas()")?;
        Table::to_pyarrow(slf)?.call_method0("to_pandas")
    }

    /// The table as a ``polars.DataFrame`` (no copy; needs polars).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let pl = import(slf.py(), "polars", "to_polars()")?;
        pl.call_method1("DataFrame", (slf,))
    }
}
