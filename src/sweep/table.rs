//! runs.csv: one row per run, in run-index order, assembled from the finished runs' folders.
//!
//! Columns: `run`, `point`, `replicate`, one column per varied parameter (named by its PATH,
//! in the sweep's column order), `seed`, then every column of summary.csv but its `seed`
//! (which is the run's seed, already there). A whole sweep and `depthsim merge` write it with
//! the same code from the same files, so the two are byte-identical.

use super::store::{FinishedRun, NotFinished, RUNS_CSV, SweepRecord, read_finished, write_atomic};
use super::{SweepError, io_error};
use std::path::PathBuf;

/// Run indices as compact ranges: `3, 7-9, 12`.
pub fn ranges(runs: &[u64]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        let mut j = i;
        while j + 1 < runs.len() && runs[j + 1] == runs[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            runs[i].to_string()
        } else {
            format!("{}-{}", runs[i], runs[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

/// The finished runs of the sweep `record`, each found in the first of `dirs` that has it,
/// in run order. Refuses (bad input) when a run is missing from every folder, or a folder
/// holds another sweep's run, saying which.
pub fn gather(record: &SweepRecord, dirs: &[PathBuf]) -> Result<Vec<FinishedRun>, SweepError> {
    let mut found = Vec::with_capacity(record.runs as usize);
    let mut missing = Vec::new();
    for run in 0..record.runs {
        let mut got = None;
        for dir in dirs {
            match read_finished(dir, &record.sweep_id, run) {
                Ok(f) => {
                    got = Some(f);
                    break;
                }
                Err(NotFinished::Absent) => {}
                Err(NotFinished::OtherSweep(id)) => {
                    return Err(SweepError::Folder {
                        dir: dir.clone(),
                        message: format!(
                            "run {run} in it belongs to another sweep (identity {}…, this \
                             sweep's is {}…): folders of different sweeps cannot be merged",
                            &id[..id.len().min(12)],
                            &record.sweep_id[..record.sweep_id.len().min(12)]
                        ),
                    });
                }
                Err(NotFinished::Broken(why)) => {
                    return Err(SweepError::Folder {
                        dir: dir.clone(),
                        message: format!(
                            "run {run} in it is damaged: {why}; rerun the sweep (or its shard) to \
                             redo it"
                        ),
                    });
                }
            }
        }
        match got {
            Some(f) => found.push(f),
            None => missing.push(run),
        }
    }
    if !missing.is_empty() {
        return Err(SweepError::Folder {
            dir: dirs[0].clone(),
            message: format!(
                "{} of the sweep's {} runs are missing: {}. Run the shards that have them (or \
                 rerun the sweep, which does only what is missing), then merge again",
                missing.len(),
                record.runs,
                ranges(&missing)
            ),
        });
    }
    Ok(found)
}

/// runs.csv's bytes for the sweep `record` from its finished runs, in run order.
pub fn render(record: &SweepRecord, runs: &[FinishedRun]) -> Result<Vec<u8>, SweepError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Option<csv::StringRecord> = None;
    let csv_err = |e: csv::Error| SweepError::Io(format!("writing runs.csv: {e}"));
    for f in runs {
        let mut r = csv::Reader::from_reader(f.summary_csv.as_slice());
        let h = r
            .headers()
            .map_err(|e| io_error(format!("reading run {}'s summary.csv", f.tag.run), e))?
            .clone();
        let row = r
            .records()
            .next()
            .transpose()
            .map_err(|e| io_error(format!("reading run {}'s summary.csv", f.tag.run), e))?
            .ok_or_else(|| SweepError::Io(format!("run {}'s summary.csv has no row", f.tag.run)))?;
        let seed_col = h.iter().position(|c| c == "seed");
        match &header {
            None => {
                let mut out = vec!["run".to_string(), "point".into(), "replicate".into()];
                out.extend(record.columns.iter().cloned());
                out.push("seed".into());
                out.extend(
                    h.iter()
                        .enumerate()
                        .filter(|(i, _)| Some(*i) != seed_col)
                        .map(|(_, c)| c.to_string()),
                );
                w.write_record(&out).map_err(csv_err)?;
                header = Some(h.clone());
            }
            Some(first) if *first != h => {
                return Err(SweepError::Io(format!(
                    "run {}'s summary.csv has other columns than run {}'s: were they made by \
                     different depthsim versions?",
                    f.tag.run, runs[0].tag.run
                )));
            }
            Some(_) => {}
        }
        if f.tag.params.len() != record.columns.len() {
            return Err(SweepError::Io(format!(
                "run {}'s manifest.json has {} parameter values for {} columns",
                f.tag.run,
                f.tag.params.len(),
                record.columns.len()
            )));
        }
        let mut out = vec![
            f.tag.run.to_string(),
            f.tag.point.to_string(),
            f.tag.replicate.to_string(),
        ];
        out.extend(f.tag.params.iter().cloned());
        out.push(f.tag.seed.to_string());
        out.extend(
            row.iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != seed_col)
                .map(|(_, c)| c.to_string()),
        );
        w.write_record(&out).map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| SweepError::Io(format!("writing runs.csv: {e}")))
}

/// Gathers the runs of `record` from `dirs` and writes `dirs[0]`/runs.csv (to a temporary
/// name, then renamed). Its path and the number of rows.
pub fn write_runs_csv(
    record: &SweepRecord,
    dirs: &[PathBuf],
) -> Result<(PathBuf, usize), SweepError> {
    let runs = gather(record, dirs)?;
    let bytes = render(record, &runs)?;
    let path = dirs[0].join(RUNS_CSV);
    write_atomic(&path, &bytes).map_err(|e| io_error(format!("writing {}", path.display()), e))?;
    #[cfg(feature = "parquet")]
    if runs
        .first()
        .is_some_and(|r| r.format == crate::scenario::OutputFormat::Parquet)
    {
        write_runs_parquet(record, &runs, &dirs[0].join("runs.parquet"))?;
    }
    Ok((path, runs.len()))
}

/// runs.parquet: runs.csv's rows, typed ([`super::arrow::runs_table`]), from the same
/// summary.csv files.
#[cfg(feature = "parquet")]
fn write_runs_parquet(
    record: &SweepRecord,
    runs: &[FinishedRun],
    path: &std::path::Path,
) -> Result<(), SweepError> {
    let mut summaries = Vec::with_capacity(runs.len());
    for f in runs {
        let row = csv::Reader::from_reader(f.summary_csv.as_slice())
            .deserialize()
            .next()
            .transpose()
            .map_err(|e| io_error(format!("reading run {}'s summary.csv", f.tag.run), e))?
            .ok_or_else(|| SweepError::Io(format!("run {}'s summary.csv has no row", f.tag.run)))?;
        summaries.push(row);
    }
    let tags: Vec<_> = runs.iter().map(|f| f.tag.clone()).collect();
    let table = super::arrow::runs_table(&record.columns, &tags, &summaries)
        .map_err(|e| io_error("building runs.parquet", e))?;
    super::arrow::write_parquet(&table, path)
        .map_err(|e| io_error(format!("writing {}", path.display()), e))
}

/// `depthsim merge DIR [MORE…]`: checks that every folder holds the same sweep (bad input
/// otherwise) and writes DIR/runs.csv from the runs found in any of them.
pub fn merge(dirs: &[PathBuf]) -> Result<(SweepRecord, PathBuf, usize), SweepError> {
    let Some(first) = dirs.first() else {
        return Err(SweepError::Shard("merge needs at least one folder".into()));
    };
    let record = SweepRecord::read(first)?;
    for d in &dirs[1..] {
        let other = SweepRecord::read(d)?;
        if other.sweep_id != record.sweep_id {
            return Err(SweepError::Folder {
                dir: d.clone(),
                message: format!(
                    "it holds a different sweep ({} from {}) than {} ({} from {}): folders of \
                     different sweeps cannot be merged",
                    other.name,
                    other.sweep_file,
                    first.display(),
                    record.name,
                    record.sweep_file
                ),
            });
        }
    }
    let (path, rows) = write_runs_csv(&record, dirs)?;
    Ok((record, path, rows))
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn ranges_are_compact() {
        assert_eq!(ranges(&[3, 7, 8, 9, 12]), "3, 7-9, 12");
        assert_eq!(ranges(&[]), "");
    }
}
