//! Tables as Arrow columns (feature `arrow`): the rows the recorders serialise (the same
//! serde rows the CSV files are written from) are appended to typed column builders, cut
//! into record batches of [`BATCH_ROWS`] rows, and either kept in memory ([`Table`], what the
//! Python module hands out) or written to a Parquet file as they come (feature `parquet`).
//!
//! The schema comes from [`super::columns`]; a value of another type than its column's is an
//! error naming the table and the column (a bug, never bad input).

use super::columns::{ColType, Column};
use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int64Builder, StringBuilder, UInt32Builder, UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use serde::ser::{self, Serialize};
use std::fmt;
use std::io;
use std::sync::Arc;

/// Rows per record batch: large enough that per-batch costs vanish, small enough that the
/// builders' spare capacity stays a few megabytes.
pub const BATCH_ROWS: usize = 65_536;

/// A finished table: its name (`book`, `trades`, …), schema and record batches.
#[derive(Debug, Clone)]
pub struct Table {
    /// The table's name: its file name without the extension.
    pub name: String,
    /// The columns.
    pub schema: SchemaRef,
    /// The rows, in order, [`BATCH_ROWS`] per batch (the last may hold fewer; none when the
    /// table is empty).
    pub batches: Vec<RecordBatch>,
}

impl Table {
    /// Rows in all batches.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// Bytes held by the batches' buffers.
    pub fn memory_bytes(&self) -> usize {
        self.batches
            .iter()
            .map(RecordBatch::get_array_memory_size)
            .sum()
    }
}

/// The Arrow type of a column type.
pub fn data_type(t: ColType) -> DataType {
    match t {
        ColType::F64 => DataType::Float64,
        ColType::U64 => DataType::UInt64,
        ColType::U32 => DataType::UInt32,
        ColType::I64 => DataType::Int64,
        ColType::Str => DataType::Utf8,
        ColType::Bool => DataType::Boolean,
    }
}

/// The Arrow schema of `columns`.
pub fn schema(columns: &[Column]) -> SchemaRef {
    Arc::new(Schema::new(
        columns
            .iter()
            .map(|c| Field::new(&c.name, data_type(c.ty), c.nullable))
            .collect::<Vec<_>>(),
    ))
}

/// One column being built.
#[derive(Debug)]
enum Builder {
    F64(Float64Builder),
    U64(UInt64Builder),
    U32(UInt32Builder),
    I64(Int64Builder),
    Str(StringBuilder),
    Bool(BooleanBuilder),
}

impl Builder {
    fn new(t: ColType, rows: usize) -> Builder {
        match t {
            ColType::F64 => Builder::F64(Float64Builder::with_capacity(rows)),
            ColType::U64 => Builder::U64(UInt64Builder::with_capacity(rows)),
            ColType::U32 => Builder::U32(UInt32Builder::with_capacity(rows)),
            ColType::I64 => Builder::I64(Int64Builder::with_capacity(rows)),
            ColType::Str => Builder::Str(StringBuilder::with_capacity(rows, rows * 8)),
            ColType::Bool => Builder::Bool(BooleanBuilder::with_capacity(rows)),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::F64(b) => Arc::new(b.finish()),
            Builder::U64(b) => Arc::new(b.finish()),
            Builder::U32(b) => Arc::new(b.finish()),
            Builder::I64(b) => Arc::new(b.finish()),
            Builder::Str(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
        }
    }

    fn null(&mut self) {
        match self {
            Builder::F64(b) => b.append_null(),
            Builder::U64(b) => b.append_null(),
            Builder::U32(b) => b.append_null(),
            Builder::I64(b) => b.append_null(),
            Builder::Str(b) => b.append_null(),
            Builder::Bool(b) => b.append_null(),
        }
    }

    /// Appends an integer; false when it does not fit the column's type.
    fn int(&mut self, v: i128) -> bool {
        match self {
            Builder::U64(b) => u64::try_from(v).map(|v| b.append_value(v)).is_ok(),
            Builder::U32(b) => u32::try_from(v).map(|v| b.append_value(v)).is_ok(),
            Builder::I64(b) => i64::try_from(v).map(|v| b.append_value(v)).is_ok(),
            _ => false,
        }
    }
}

/// Where finished batches go.
enum Destination {
    Memory(Vec<RecordBatch>),
    #[cfg(feature = "parquet")]
    Parquet(Box<super::parquet::ParquetFile>),
}

/// A table being built, row by row.
pub struct ColumnSink {
    name: String,
    columns: Vec<Column>,
    schema: SchemaRef,
    builders: Vec<Builder>,
    rows: usize,
    dest: Destination,
}

impl fmt::Debug for ColumnSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ColumnSink")
            .field("name", &self.name)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

/// A row that could not be appended.
#[derive(Debug)]
pub struct RowError(String);

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RowError {}

impl ser::Error for RowError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        RowError(msg.to_string())
    }
}

impl From<RowError> for io::Error {
    fn from(e: RowError) -> io::Error {
        io::Error::other(e.0)
    }
}

impl ColumnSink {
    /// A table named `name` with `columns`, kept in memory.
    pub fn in_memory(name: &str, columns: Vec<Column>) -> ColumnSink {
        ColumnSink::new(name, columns, Destination::Memory(Vec::new()))
    }

    /// A table named `name` with `columns`, written to a Parquet file at `path`.
    #[cfg(feature = "parquet")]
    pub fn parquet(
        name: &str,
        columns: Vec<Column>,
        path: &std::path::Path,
    ) -> io::Result<ColumnSink> {
        let file = super::parquet::ParquetFile::create(path, schema(&columns))?;
        Ok(ColumnSink::new(
            name,
            columns,
            Destination::Parquet(Box::new(file)),
        ))
    }

    fn new(name: &str, columns: Vec<Column>, dest: Destination) -> ColumnSink {
        ColumnSink {
            name: name.to_string(),
            schema: schema(&columns),
            builders: columns
                .iter()
                .map(|c| Builder::new(c.ty, BATCH_ROWS))
                .collect(),
            columns,
            rows: 0,
            dest,
        }
    }

    /// Appends one row: a serde struct (or sequence) with one field per column, in order.
    pub fn push<T: Serialize + ?Sized>(&mut self, row: &T) -> io::Result<()> {
        row.serialize(RowSer { sink: self, col: 0 })?;
        self.rows += 1;
        if self.rows == BATCH_ROWS {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        self.rows = 0;
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(io::Error::other)?;
        match &mut self.dest {
            Destination::Memory(batches) => batches.push(batch),
            #[cfg(feature = "parquet")]
            Destination::Parquet(file) => file.write(&batch)?,
        }
        Ok(())
    }

    /// Writes the last rows and ends the table: its batches when kept in memory (`None` when
    /// written to a file, which is then complete and flushed).
    pub fn finish(mut self) -> io::Result<Option<Table>> {
        self.flush_batch()?;
        match self.dest {
            Destination::Memory(batches) => Ok(Some(Table {
                name: self.name,
                schema: self.schema,
                batches,
            })),
            #[cfg(feature = "parquet")]
            Destination::Parquet(file) => {
                file.close()?;
                Ok(None)
            }
        }
    }

    fn mismatch(&self, col: usize, what: &str) -> RowError {
        match self.columns.get(col) {
            Some(c) => RowError(format!(
                "table {}: column {} ({:?}{}) cannot hold {what}",
                self.name,
                c.name,
                c.ty,
                if c.nullable { ", nullable" } else { "" }
            )),
            None => RowError(format!(
                "table {}: a row has more than its {} columns",
                self.name,
                self.columns.len()
            )),
        }
    }
}

/// Serialises one row into the builders, field by field.
struct RowSer<'a> {
    sink: &'a mut ColumnSink,
    col: usize,
}

impl RowSer<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), RowError> {
        v.serialize(CellSer {
            sink: &mut *self.sink,
            col: self.col,
        })?;
        self.col += 1;
        Ok(())
    }

    fn end_row(self) -> Result<(), RowError> {
        if self.col != self.sink.columns.len() {
            return Err(RowError(format!(
                "table {}: a row has {} fields for {} columns",
                self.sink.name,
                self.col,
                self.sink.columns.len()
            )));
        }
        Ok(())
    }
}

/// Only structs and sequences are rows.
macro_rules! not_a_row {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<$ret, RowError> {
            Err(RowError(format!("table {}: a row must be a struct or a sequence", self.sink.name)))
        }
    )*};
}

impl<'a> ser::Serializer for RowSer<'a> {
    type Ok = ();
    type Error = RowError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = ser::Impossible<(), RowError>;
    type SerializeMap = ser::Impossible<(), RowError>;
    type SerializeStruct = Self;
    type SerializeStructVariant = ser::Impossible<(), RowError>;

    fn serialize_seq(self, _: Option<usize>) -> Result<Self, RowError> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, RowError> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, RowError> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, RowError> {
        Ok(self)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), RowError> {
        Err(RowError(format!(
            "table {}: a row must be a struct or a sequence",
            self.sink.name
        )))
    }
    not_a_row! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

impl ser::SerializeStruct for RowSer<'_> {
    type Ok = ();
    type Error = RowError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        v: &T,
    ) -> Result<(), RowError> {
        self.field(v)
    }
    fn end(self) -> Result<(), RowError> {
        self.end_row()
    }
}

impl ser::SerializeSeq for RowSer<'_> {
    type Ok = ();
    type Error = RowError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), RowError> {
        self.field(v)
    }
    fn end(self) -> Result<(), RowError> {
        self.end_row()
    }
}

impl ser::SerializeTuple for RowSer<'_> {
    type Ok = ();
    type Error = RowError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), RowError> {
        self.field(v)
    }
    fn end(self) -> Result<(), RowError> {
        self.end_row()
    }
}

impl ser::SerializeTupleStruct for RowSer<'_> {
    type Ok = ();
    type Error = RowError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), RowError> {
        self.field(v)
    }
    fn end(self) -> Result<(), RowError> {
        self.end_row()
    }
}

/// Serialises one field's value into its column's builder.
struct CellSer<'a> {
    sink: &'a mut ColumnSink,
    col: usize,
}

impl CellSer<'_> {
    fn int(self, v: i128) -> Result<(), RowError> {
        let fits = self
            .sink
            .builders
            .get_mut(self.col)
            .is_some_and(|b| b.int(v));
        if fits {
            Ok(())
        } else {
            Err(self.sink.mismatch(self.col, &format!("the integer {v}")))
        }
    }
}

/// Only plain values are cells.
macro_rules! not_a_cell {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<$ret, RowError> {
            Err(self.sink.mismatch(self.col, "a compound value"))
        }
    )*};
}

impl<'a> ser::Serializer for CellSer<'a> {
    type Ok = ();
    type Error = RowError;
    type SerializeSeq = ser::Impossible<(), RowError>;
    type SerializeTuple = ser::Impossible<(), RowError>;
    type SerializeTupleStruct = ser::Impossible<(), RowError>;
    type SerializeTupleVariant = ser::Impossible<(), RowError>;
    type SerializeMap = ser::Impossible<(), RowError>;
    type SerializeStruct = ser::Impossible<(), RowError>;
    type SerializeStructVariant = ser::Impossible<(), RowError>;

    fn serialize_bool(self, v: bool) -> Result<(), RowError> {
        match self.sink.builders.get_mut(self.col) {
            Some(Builder::Bool(b)) => {
                b.append_value(v);
                Ok(())
            }
            _ => Err(self.sink.mismatch(self.col, "a bool")),
        }
    }
    fn serialize_i8(self, v: i8) -> Result<(), RowError> {
        self.int(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), RowError> {
        self.int(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), RowError> {
        self.int(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), RowError> {
        self.int(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result<(), RowError> {
        self.int(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), RowError> {
        self.int(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), RowError> {
        self.int(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), RowError> {
        self.int(v.into())
    }
    fn serialize_f32(self, v: f32) -> Result<(), RowError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), RowError> {
        match self.sink.builders.get_mut(self.col) {
            Some(Builder::F64(b)) => {
                b.append_value(v);
                Ok(())
            }
            _ => Err(self.sink.mismatch(self.col, "a float")),
        }
    }
    fn serialize_char(self, v: char) -> Result<(), RowError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), RowError> {
        match self.sink.builders.get_mut(self.col) {
            Some(Builder::Str(b)) => {
                b.append_value(v);
                Ok(())
            }
            _ => Err(self.sink.mismatch(self.col, "text")),
        }
    }
    fn serialize_none(self) -> Result<(), RowError> {
        match (
            self.sink.columns.get(self.col),
            self.sink.builders.get_mut(self.col),
        ) {
            (Some(c), Some(b)) if c.nullable => {
                b.null();
                Ok(())
            }
            _ => Err(self.sink.mismatch(self.col, "an empty value")),
        }
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), RowError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), RowError> {
        Err(self.sink.mismatch(self.col, "an enum variant with data"))
    }
    not_a_cell! {
        serialize_bytes(&[u8]) -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::columns::Columns;
    use crate::record::rows::L2Row;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, UInt32Type};

    #[test]
    fn rows_become_typed_columns_in_batches() {
        let mut t = ColumnSink::in_memory("l2", L2Row::columns());
        let n = BATCH_ROWS + 3;
        for i in 0..n {
            t.push(&L2Row {
                t_s: i as f64 * 0.5,
                book: "main",
                side: if i % 2 == 0 { "bid" } else { "ask" },
                level: (i % 5) as u32 + 1,
                price: 100.0,
                qty_lots: 7,
                orders: 2,
            })
            .unwrap();
        }
        let table = t.finish().unwrap().unwrap();
        assert_eq!(table.num_rows(), n);
        assert_eq!(table.batches.len(), 2);
        let last = &table.batches[1];
        assert_eq!(last.num_rows(), 3);
        let t_s = last.column(0).as_primitive::<Float64Type>();
        assert_eq!(t_s.value(2), (n - 1) as f64 * 0.5);
        let level = last.column(3).as_primitive::<UInt32Type>();
        assert_eq!(level.value(0), (BATCH_ROWS % 5) as u32 + 1);
        assert_eq!(last.column(2).as_string::<i32>().value(1), "ask");
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error_naming_the_column() {
        let cols = vec![
            Column::new("a", ColType::U32, false),
            Column::new("b", ColType::F64, false),
        ];
        let mut t = ColumnSink::in_memory("x", cols);
        let e = t.push(&(-1i64, 2.0)).unwrap_err().to_string();
        assert!(
            e.contains("table x: column a (U32) cannot hold the integer -1"),
            "{e}"
        );
        let mut t = ColumnSink::in_memory("x", vec![Column::new("a", ColType::U32, false)]);
        let e = t.push(&(None::<u32>,)).unwrap_err().to_string();
        assert!(e.contains("cannot hold an empty value"), "{e}");
        let e = t.push(&(1u32, 2u32)).unwrap_err().to_string();
        assert!(e.contains("more than its 1 columns"), "{e}");
    }
}
