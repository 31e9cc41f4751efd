//! A sweep's runs as an Arrow table (feature `arrow`): the rows and columns of runs.csv,
//! typed. `run`, `point`, `replicate` and `seed` are unsigned integers; each parameter column
//! is typed from its cells (integers, else floats, else booleans, else text); the summary's
//! columns have summary.csv's types ([`SummaryRow`]). `depthsim sweep` writes it as
//! runs.parquet (feature `parquet`) and the Python module returns it.

use super::store::RunTag;
use crate::record::arrow::{BATCH_ROWS, ColumnSink, Table};
use crate::record::columns::Columns;
use crate::record::rows::SummaryRow;
use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use std::io;
use std::sync::Arc;

/// The type of a parameter column whose cells (runs.csv's text) are `cells`.
pub fn param_type<'a>(mut cells: impl Iterator<Item = &'a str> + Clone) -> DataType {
    if cells.clone().all(|c| c.parse::<i64>().is_ok()) {
        DataType::Int64
    } else if cells.clone().all(|c| c.parse::<f64>().is_ok()) {
        DataType::Float64
    } else if cells.all(|c| c == "true" || c == "false") {
        DataType::Boolean
    } else {
        DataType::Utf8
    }
}

/// One parameter column of `n` runs' cells, as `t`.
fn param_array(t: &DataType, cells: &[&str]) -> ArrayRef {
    match t {
        DataType::Int64 => {
            let mut b = Int64Builder::with_capacity(cells.len());
            cells.iter().for_each(|c| b.append_option(c.parse().ok()));
            Arc::new(b.finish())
        }
        DataType::Float64 => {
            let mut b = Float64Builder::with_capacity(cells.len());
            cells.iter().for_each(|c| b.append_option(c.parse().ok()));
            Arc::new(b.finish())
        }
        DataType::Boolean => {
            let mut b = BooleanBuilder::with_capacity(cells.len());
            cells.iter().for_each(|c| b.append_value(*c == "true"));
            Arc::new(b.finish())
        }
        _ => {
            let mut b = StringBuilder::new();
            cells.iter().for_each(|c| b.append_value(c));
            Arc::new(b.finish())
        }
    }
}

/// The runs table: one row per run of `tags` (in the order given, which should be run
/// order), `columns` the varied parameters' PATHs, `summaries[i]` run `tags[i]`'s summary.
pub fn runs_table(
    columns: &[String],
    tags: &[RunTag],
    summaries: &[SummaryRow],
) -> io::Result<Table> {
    if tags.len() != summaries.len() {
        return Err(io::Error::other(format!(
            "{} runs but {} summaries",
            tags.len(),
            summaries.len()
        )));
    }
    if let Some(t) = tags.iter().find(|t| t.params.len() != columns.len()) {
        return Err(io::Error::other(format!(
            "run {} has {} parameter values for {} columns",
            t.run,
            t.params.len(),
            columns.len()
        )));
    }
    let mut sink = ColumnSink::in_memory("summary", SummaryRow::columns());
    for s in summaries {
        sink.push(s)?;
    }
    let summary = sink.finish()?.unwrap_or_else(|| unreachable!("in memory"));
    let seed_col = summary.schema.index_of("seed").map_err(io::Error::other)?;
    let types: Vec<DataType> = (0..columns.len())
        .map(|i| param_type(tags.iter().map(|t| t.params[i].as_str())))
        .collect();
    let u64_field = |name: &str| Field::new(name, DataType::UInt64, false);
    let mut fields = vec![u64_field("run"), u64_field("point"), u64_field("replicate")];
    fields.extend(
        columns
            .iter()
            .zip(&types)
            .map(|(c, t)| Field::new(c, t.clone(), false)),
    );
    fields.push(u64_field("seed"));
    fields.extend(
        summary
            .schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != seed_col)
            .map(|(_, f)| f.as_ref().clone()),
    );
    let schema = Arc::new(Schema::new(fields));
    let mut batches = Vec::with_capacity(summary.batches.len());
    for (k, part) in summary.batches.iter().enumerate() {
        let tags = &tags[k * BATCH_ROWS..k * BATCH_ROWS + part.num_rows()];
        let ints = |f: fn(&RunTag) -> u64| -> ArrayRef {
            Arc::new(UInt64Array::from_iter_values(tags.iter().map(f)))
        };
        let mut arrays = vec![ints(|t| t.run), ints(|t| t.point), ints(|t| t.replicate)];
        for (i, t) in types.iter().enumerate() {
            let cells: Vec<&str> = tags.iter().map(|g| g.params[i].as_str()).collect();
            arrays.push(param_array(t, &cells));
        }
        arrays.push(ints(|t| t.seed));
        arrays.extend(
            part.columns()
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != seed_col)
                .map(|(_, a)| a.clone()),
        );
        batches.push(RecordBatch::try_new(schema.clone(), arrays).map_err(io::Error::other)?);
    }
    Ok(Table {
        name: "runs".into(),
        schema,
        batches,
    })
}

/// Writes `table` as a Parquet file at `path` (through a temporary name, renamed into place).
#[cfg(feature = "parquet")]
pub fn write_parquet(table: &Table, path: &std::path::Path) -> io::Result<()> {
    let name = path.file_name().map_or_else(
        || "runs.parquet".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let temp = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let mut file = crate::record::parquet::ParquetFile::create(&temp, table.schema.clone())?;
    for b in &table.batches {
        file.write(b)?;
    }
    file.close()?;
    std::fs::rename(&temp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_columns_are_typed_from_their_cells() {
        let t = |c: &[&str]| param_type(c.iter().copied());
        assert_eq!(t(&["10", "20"]), DataType::Int64);
        assert_eq!(t(&["10", "2.5"]), DataType::Float64);
        assert_eq!(t(&["1e-3", "inf"]), DataType::Float64);
        assert_eq!(t(&["true", "false"]), DataType::Boolean);
        assert_eq!(t(&["ioc", "market"]), DataType::Utf8);
        assert_eq!(t(&["[5, 10]", "[5, 20]"]), DataType::Utf8);
    }
}
