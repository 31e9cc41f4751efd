//! Parquet files (feature `parquet`): one per table, written batch by batch as the run goes
//! (memory stays flat in run length), zstd-compressed, with the Arrow schema stored so that
//! readers get the same column types as the in-memory tables.
//!
//! The bytes depend only on the rows: no timestamps or paths are stored, so the same scenario
//! and seed give byte-identical files (the `created_by` field names the parquet crate's
//! version).

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;
use std::sync::Mutex;

/// Rows per row group (readers can skip or read in parallel by row group).
pub const ROW_GROUP_ROWS: usize = 1 << 20;

/// A Parquet file being written.
pub struct ParquetFile {
    /// In a mutex only to be `Sync` (the recorder is an ECS resource); only ever reached
    /// through `&mut self` (`get_mut`), so it is never locked.
    writer: Mutex<ArrowWriter<BufWriter<File>>>,
}

impl ParquetFile {
    /// Creates the file at `path` for rows of `schema`.
    pub fn create(path: &Path, schema: SchemaRef) -> io::Result<ParquetFile> {
        let file = BufWriter::with_capacity(1 << 16, File::create(path)?);
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer = ArrowWriter::try_new(file, schema, Some(props)).map_err(io::Error::other)?;
        Ok(ParquetFile {
            writer: Mutex::new(writer),
        })
    }

    /// Appends a batch of rows.
    pub fn write(&mut self, batch: &RecordBatch) -> io::Result<()> {
        self.writer()?.write(batch).map_err(io::Error::other)
    }

    /// Writes the footer and flushes the file (`close` flushes the buffered writer).
    pub fn close(self) -> io::Result<()> {
        let writer = self.writer.into_inner().map_err(|_| poisoned())?;
        writer.close().map(drop).map_err(io::Error::other)
    }

    fn writer(&mut self) -> io::Result<&mut ArrowWriter<BufWriter<File>>> {
        self.writer.get_mut().map_err(|_| poisoned())
    }
}

fn poisoned() -> io::Error {
    io::Error::other("a Parquet writer panicked")
}
