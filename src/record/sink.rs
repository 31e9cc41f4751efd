//! Where a table's rows go: a CSV file, Arrow columns (in memory or a Parquet file; feature
//! `arrow`), or nowhere. The recorders serialise the same serde rows into any of them.

use super::OutputDir;
use super::columns::Column;
use serde::Serialize;
use std::fs::File;
use std::io;

/// Where a run's tables go: files in its output folder, Arrow tables in memory, both, or
/// neither (then only the summary is computed).
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// Files in this folder, in the scenario's `output.format`: every table the scenario
    /// writes, exactly as `depthsim run` writes them.
    pub folder: Option<&'a OutputDir>,
    /// Which tables to keep in memory as Arrow tables (feature `arrow`), collected by
    /// [`super::Recorder::finish`].
    pub memory: Memory<'a>,
}

/// Which tables a run keeps in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Memory<'a> {
    /// None.
    No,
    /// Every table the scenario writes.
    All,
    /// Those of these names that the scenario writes.
    Only(&'a [String]),
}

impl<'a> Target<'a> {
    /// Files in `dir` only.
    pub fn folder(dir: &'a OutputDir) -> Target<'a> {
        Target {
            folder: Some(dir),
            memory: Memory::No,
        }
    }

    /// No table at all: only the summary is computed (a sweep's runs seen from Python).
    pub const NOTHING: Target<'static> = Target {
        folder: None,
        memory: Memory::No,
    };

    /// Whether table `name` is kept in memory.
    pub fn keeps(&self, name: &str) -> bool {
        match self.memory {
            Memory::No => false,
            Memory::All => true,
            Memory::Only(names) => names.iter().any(|n| n == name),
        }
    }

    /// Whether table `name` goes anywhere (a file or memory).
    pub fn wants(&self, name: &str) -> bool {
        self.folder.is_some() || self.keeps(name)
    }
}

/// The file format of a table: `csv`, or `parquet` (feature `parquet`).
pub use crate::scenario::OutputFormat;

/// A table's file name: `book.csv`, `book.parquet`.
pub fn file_name(table: &str, format: OutputFormat) -> String {
    format!("{table}.{}", format.extension())
}

/// One table's destination.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "the CSV writer, the common case, stays inline; a run holds about ten sinks"
)]
pub enum Sink {
    /// A CSV file.
    Csv(csv::Writer<File>),
    /// Arrow columns, kept in memory or written to a Parquet file.
    #[cfg(feature = "arrow")]
    Columns(Box<super::arrow::ColumnSink>),
    /// Two destinations (a file and memory), each given every row.
    Both(Box<[Sink; 2]>),
    /// Rows are dropped.
    Discard,
}

/// A table that has been finished: in memory ([`Memory`]), or nothing to hand over.
#[cfg(feature = "arrow")]
pub type Finished = Option<super::arrow::Table>;

/// Without Arrow there is never a table to hand over.
#[cfg(not(feature = "arrow"))]
pub type Finished = Option<std::convert::Infallible>;

impl Sink {
    /// Opens table `name` of `columns` at `target`: its file in the folder (if any), in
    /// `format`, and its in-memory table (if kept). A CSV file's header is written up front
    /// when `header` is true (a file with no rows still has its columns); otherwise `csv`
    /// writes it from the first row's field names.
    pub fn open(
        target: Target<'_>,
        format: OutputFormat,
        name: &str,
        columns: impl Fn() -> Vec<Column>,
        header: bool,
    ) -> io::Result<Sink> {
        let file = match target.folder {
            Some(dir) => Some(Sink::file(dir, format, name, &columns, header)?),
            None => None,
        };
        let memory = if target.keeps(name) {
            Some(Sink::memory(name, &columns)?)
        } else {
            None
        };
        Ok(match (file, memory) {
            (Some(f), Some(m)) => Sink::Both(Box::new([f, m])),
            (Some(s), None) | (None, Some(s)) => s,
            (None, None) => Sink::Discard,
        })
    }

    /// Table `name`'s file in `dir`.
    fn file(
        dir: &OutputDir,
        format: OutputFormat,
        name: &str,
        columns: &dyn Fn() -> Vec<Column>,
        header: bool,
    ) -> io::Result<Sink> {
        let path = dir.file(&file_name(name, format));
        match format {
            OutputFormat::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .buffer_capacity(1 << 16)
                    .has_headers(!header)
                    .from_path(path)?;
                if header {
                    w.write_record(columns().iter().map(|c| c.name.as_str()))?;
                }
                Ok(Sink::Csv(w))
            }
            #[cfg(feature = "parquet")]
            OutputFormat::Parquet => Ok(Sink::Columns(Box::new(
                super::arrow::ColumnSink::parquet(name, columns(), &path)?,
            ))),
            #[cfg(not(feature = "parquet"))]
            OutputFormat::Parquet => Err(io::Error::other(crate::scenario::NO_PARQUET)),
        }
    }

    /// Table `name` in memory.
    #[cfg(feature = "arrow")]
    fn memory(name: &str, columns: &dyn Fn() -> Vec<Column>) -> io::Result<Sink> {
        Ok(Sink::Columns(Box::new(
            super::arrow::ColumnSink::in_memory(name, columns()),
        )))
    }

    /// Without Arrow, no table can be kept in memory.
    #[cfg(not(feature = "arrow"))]
    fn memory(_: &str, _: &dyn Fn() -> Vec<Column>) -> io::Result<Sink> {
        Err(io::Error::other(
            "in-memory tables need depthsim built with the `arrow` feature",
        ))
    }

    /// Appends a row.
    #[inline]
    pub fn serialize<T: Serialize>(&mut self, row: T) -> csv::Result<()> {
        self.put(&row)
    }

    fn put<T: Serialize + ?Sized>(&mut self, row: &T) -> csv::Result<()> {
        match self {
            Sink::Csv(w) => w.serialize(row),
            #[cfg(feature = "arrow")]
            Sink::Columns(c) => c.push(row).map_err(csv::Error::from),
            Sink::Both(two) => {
                let [a, b] = &mut **two;
                a.put(row)?;
                b.put(row)
            }
            Sink::Discard => Ok(()),
        }
    }

    /// Ends the table: flushes a file, or hands over the in-memory table.
    pub fn finish(&mut self) -> io::Result<Finished> {
        match std::mem::replace(self, Sink::Discard) {
            Sink::Csv(mut w) => {
                w.flush()?;
                Ok(None)
            }
            #[cfg(feature = "arrow")]
            Sink::Columns(c) => c.finish(),
            Sink::Both(two) => {
                let [mut a, mut b] = *two;
                let a = a.finish()?;
                Ok(b.finish()?.or(a))
            }
            Sink::Discard => Ok(None),
        }
    }
}
