//! `depthsim compare`: scenarios (or variants of one) run on the same seeds, and for every
//! summary statistic the paired per-seed difference against the first, with its median, a
//! seeded bootstrap confidence interval and the number of seeds where its sign holds.
//!
//! The runs are [`crate::findings::run_all`]'s (each exactly `depthsim run FILE --seed S`
//! with the item's overrides). For statistic `x` and seed `s`, the difference of item `v`
//! is `d_s = x_v(s) − x_0(s)` over the seeds where both have a value. The interval is the
//! percentile bootstrap of the median: `resamples` times, as many differences drawn with
//! replacement, their median taken; the interval is the `(1 − level)/2` and `(1 + level)/2`
//! quantiles of those medians (type 7). Each (item, statistic) draws from its own stream,
//! derived from `bootstrap_seed` and its position, so the tables are the same bytes for any
//! number of jobs and any order of computation.

use crate::findings::{fixed, quantile};
use crate::record::OutputDir;
use crate::record::rows::SummaryRow;
use crate::rng::{below, splitmix64};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use thiserror::Error;

/// Why a comparison could not be made.
#[derive(Debug, Error)]
pub enum CompareError {
    /// A bad argument (exit code 2): the flag, and what is allowed.
    #[error("{flag}: {message}")]
    Argument {
        /// The flag.
        flag: &'static str,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// An output could not be made.
    #[error("{0}")]
    Io(String),
}

impl CompareError {
    /// Whether this is the user's input (exit code 2) rather than a failure.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, CompareError::Argument { .. })
    }
}

/// How the intervals are made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrap {
    /// Confidence level, in (0, 1).
    pub level: f64,
    /// Resamples (≥ 1).
    pub resamples: u32,
    /// Seed of the resampling streams.
    pub seed: u64,
}

impl Bootstrap {
    /// Checks the level and the number of resamples.
    pub fn check(&self) -> Result<(), CompareError> {
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(CompareError::Argument {
                flag: "--level",
                message: format!("must be in (0, 1), e.g. 0.95; got {}", self.level),
            });
        }
        if self.resamples == 0 {
            return Err(CompareError::Argument {
                flag: "--resamples",
                message: "must be at least 1 (e.g. 10000)".into(),
            });
        }
        Ok(())
    }
}

/// One statistic of one item against the first item.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The item's label.
    pub item: String,
    /// summary.csv's column.
    pub statistic: String,
    /// Seeds where both runs have a value.
    pub paired: usize,
    /// The first item's median over those seeds.
    pub base_median: Option<f64>,
    /// This item's median over them.
    pub item_median: Option<f64>,
    /// The median of the differences.
    pub median: Option<f64>,
    /// The interval's bounds.
    pub low: Option<f64>,
    /// The interval's upper bound.
    pub high: Option<f64>,
    /// Seeds whose difference has the median's sign (0 when the median is 0).
    pub same_sign: usize,
}

/// A summary.csv column's name and its values, row by row.
pub type Column = (String, Vec<Option<f64>>);

/// The numeric columns of summary.csv, in its order, with each row's values (`None`: empty,
/// or not a number).
pub fn statistics(rows: &[SummaryRow]) -> Result<Vec<Column>, CompareError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)
            .map_err(|e| CompareError::Io(format!("summary rows: {e}")))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CompareError::Io(format!("summary rows: {e}")))?;
    let mut rd = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = rd
        .headers()
        .map_err(|e| CompareError::Io(format!("summary rows: {e}")))?
        .iter()
        .map(String::from)
        .collect();
    let mut cols: Vec<Vec<Option<f64>>> = vec![Vec::with_capacity(rows.len()); header.len()];
    for rec in rd.records() {
        let rec = rec.map_err(|e| CompareError::Io(format!("summary rows: {e}")))?;
        for (i, cell) in rec.iter().enumerate() {
            cols[i].push(cell.parse::<f64>().ok().filter(|v| v.is_finite()));
        }
    }
    Ok(header
        .into_iter()
        .zip(cols)
        .filter(|(name, values)| name != "seed" && values.iter().any(Option::is_some))
        .collect())
}

/// Checks that every name in `only` is a numeric column of summary.csv (before any run).
pub fn check_statistics(only: &[String]) -> Result<(), CompareError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(SummaryRow::default())
        .map_err(|e| CompareError::Io(format!("summary rows: {e}")))?;
    let bytes = w
        .into_inner()
        .map_err(|e| CompareError::Io(format!("summary rows: {e}")))?;
    let header = String::from_utf8_lossy(&bytes)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    let numeric: Vec<&str> = header
        .split(',')
        .filter(|c| !["scenario", "seed", "collapse_detectable"].contains(c))
        .collect();
    for name in only {
        if !numeric.contains(&name.as_str()) {
            return Err(CompareError::Argument {
                flag: "--stat",
                message: format!(
                    "{name:?} is not a numeric summary.csv column; they are: {}",
                    numeric.join(", ")
                ),
            });
        }
    }
    Ok(())
}

fn median(v: &mut [f64]) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    quantile(v, 0.5)
}

/// The paired differences of every item but the first against the first, for every
/// statistic (or those named in `only`), from `rows` in (item, seed) order, `seeds` per item.
pub fn compare(
    labels: &[String],
    rows: &[SummaryRow],
    seeds: usize,
    only: &[String],
    boot: &Bootstrap,
) -> Result<Vec<Difference>, CompareError> {
    boot.check()?;
    let stats = statistics(rows)?;
    for name in only {
        if !stats.iter().any(|(s, _)| s == name) {
            let known: Vec<&str> = stats.iter().map(|(s, _)| s.as_str()).collect();
            return Err(CompareError::Argument {
                flag: "--stat",
                message: format!(
                    "{name:?} is not a numeric summary.csv column; they are: {}",
                    known.join(", ")
                ),
            });
        }
    }
    let mut out = Vec::new();
    for (item, label) in labels.iter().enumerate().skip(1) {
        for (k, (name, values)) in stats.iter().enumerate() {
            if !only.is_empty() && !only.contains(name) {
                continue;
            }
            let (mut base, mut this, mut diff) = (Vec::new(), Vec::new(), Vec::new());
            for s in 0..seeds {
                if let (Some(a), Some(b)) = (values[s], values[item * seeds + s]) {
                    base.push(a);
                    this.push(b);
                    diff.push(b - a);
                }
            }
            let stream = splitmix64(boot.seed ^ splitmix64(((item as u64) << 32) | k as u64));
            let (low, high) = interval(&diff, boot, stream);
            let med = median(&mut diff.clone());
            let same_sign = match med {
                Some(m) if m != 0.0 => diff
                    .iter()
                    .filter(|d| d.signum() == m.signum() && **d != 0.0)
                    .count(),
                _ => 0,
            };
            out.push(Difference {
                item: label.clone(),
                statistic: name.clone(),
                paired: diff.len(),
                base_median: median(&mut base),
                item_median: median(&mut this),
                median: med,
                low,
                high,
                same_sign,
            });
        }
    }
    Ok(out)
}

/// The percentile bootstrap interval of the median of `d`, drawing from the stream `stream`.
pub fn interval(d: &[f64], boot: &Bootstrap, stream: u64) -> (Option<f64>, Option<f64>) {
    if d.is_empty() {
        return (None, None);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(stream);
    let n = d.len();
    let mut sample = vec![0.0; n];
    let mut medians = Vec::with_capacity(boot.resamples as usize);
    for _ in 0..boot.resamples {
        for x in sample.iter_mut() {
            *x = d[below(&mut rng, n as u64) as usize];
        }
        medians.extend(median(&mut sample));
    }
    medians.sort_by(f64::total_cmp);
    let tail = (1.0 - boot.level) / 2.0;
    (quantile(&medians, tail), quantile(&medians, 1.0 - tail))
}

/// compare.csv: one row per item and statistic, in full precision.
pub fn compare_csv(diffs: &[Difference], boot: &Bootstrap) -> String {
    let cell = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
    let mut out = String::from(
        "item,statistic,paired_seeds,base_median,item_median,difference_median,ci_low,ci_high,\
         level,same_sign_seeds\n",
    );
    for d in diffs {
        out += &format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            csv_field(&d.item),
            d.statistic,
            d.paired,
            cell(d.base_median),
            cell(d.item_median),
            cell(d.median),
            cell(d.low),
            cell(d.high),
            boot.level,
            d.same_sign
        );
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A number for the Markdown table: 4 significant digits, never "-0".
fn show(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(0.0) => "0".into(),
        Some(x) => {
            let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
            fixed(x, digits)
        }
    }
}

/// compare.md: per item, the statistics that differ on some seed, then how many are equal on
/// every seed.
pub fn compare_md(
    labels: &[String],
    diffs: &[Difference],
    seeds: usize,
    boot: &Bootstrap,
) -> String {
    let mut out = String::new();
    for label in labels.iter().skip(1) {
        let mine: Vec<&Difference> = diffs.iter().filter(|d| &d.item == label).collect();
        let differs: Vec<&&Difference> = mine
            .iter()
            .filter(|d| d.paired > 0 && (d.low != Some(0.0) || d.high != Some(0.0)))
            .collect();
        let unpaired = mine.iter().filter(|d| d.paired == 0).count();
        out += &format!(
            "**{label}** against **{}**, paired over seeds 1..={seeds}: the median of the \
             per-seed differences, with its {}% bootstrap interval ({} resamples), and the seeds \
             whose difference has the median's sign\n\n\
             | statistic | {} (median) | this (median) | difference | {}% interval | same sign |\n\
             |---|---|---|---|---|---|\n",
            labels[0],
            fixed(boot.level * 100.0, 1).trim_end_matches(".0"),
            boot.resamples,
            labels[0],
            fixed(boot.level * 100.0, 1).trim_end_matches(".0"),
        );
        for d in &differs {
            out += &format!(
                "| `{}` | {} | {} | {} | [{}, {}] | {} / {} |\n",
                d.statistic,
                show(d.base_median),
                show(d.item_median),
                show(d.median),
                show(d.low),
                show(d.high),
                d.same_sign,
                d.paired
            );
        }
        out += &format!(
            "\n{} other statistics are equal on every seed{}.\n\n",
            mine.len() - differs.len() - unpaired,
            if unpaired > 0 {
                format!("; {unpaired} have no seed where both runs have a value")
            } else {
                String::new()
            }
        );
    }
    out
}

/// A compare folder's manifest.json.
#[derive(Debug, Serialize)]
struct CompareManifest<'a> {
    program: &'static str,
    kind: &'static str,
    version: &'static str,
    items: &'a [String],
    seeds: usize,
    level: f64,
    resamples: u32,
    bootstrap_seed: u64,
    command_line: &'a [String],
    files: [&'static str; 4],
}

/// Writes compare.csv, compare.md, summaries.csv and manifest.json into `out`, the
/// comparison's temporary folder (the caller commits it).
#[allow(clippy::too_many_arguments)]
pub fn write_tables(
    out: &OutputDir,
    labels: &[String],
    diffs: &[Difference],
    rows: &[SummaryRow],
    seeds: usize,
    boot: &Bootstrap,
    command_line: &[String],
) -> Result<(), CompareError> {
    let manifest = CompareManifest {
        program: "depthsim",
        kind: "compare",
        version: env!("CARGO_PKG_VERSION"),
        items: labels,
        seeds,
        level: boot.level,
        resamples: boot.resamples,
        bootstrap_seed: boot.seed,
        command_line,
        files: [
            "compare.csv",
            "compare.md",
            "manifest.json",
            "summaries.csv",
        ],
    };
    let summaries =
        crate::findings::summaries_csv(rows).map_err(|e| CompareError::Io(e.to_string()))?;
    let manifest = serde_json::to_string_pretty(&manifest)
        .map_err(|e| CompareError::Io(format!("manifest.json: {e}")))?
        + "\n";
    for (name, bytes) in [
        ("compare.csv", compare_csv(diffs, boot).into_bytes()),
        (
            "compare.md",
            compare_md(labels, diffs, seeds, boot).into_bytes(),
        ),
        ("summaries.csv", summaries),
        ("manifest.json", manifest.into_bytes()),
    ] {
        std::fs::write(out.file(name), &bytes).map_err(|e| {
            CompareError::Io(format!(
                "writing {}: {e}",
                out.final_path().join(name).display()
            ))
        })?;
    }
    Ok(())
}

/// An item's label: its file's stem, with its overrides.
pub fn label(file: &std::path::Path, set: &[crate::scenario::Override]) -> String {
    let stem = file.file_stem().map_or_else(
        || file.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    if set.is_empty() {
        stem
    } else {
        let o: Vec<&str> = set.iter().map(|o| o.as_str()).collect();
        format!("{stem} with {}", o.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_of_a_constant_difference_is_that_difference() {
        let boot = Bootstrap {
            level: 0.9,
            resamples: 200,
            seed: 1,
        };
        assert_eq!(interval(&[2.5; 7], &boot, 9), (Some(2.5), Some(2.5)));
        assert_eq!(interval(&[], &boot, 9), (None, None));
    }

    /// The percentile interval contains the sample median, widens with the level, and is the
    /// same for the same stream.
    #[test]
    fn the_bootstrap_interval_brackets_the_median_and_is_seeded() {
        let d: Vec<f64> = (1..=10).map(|i| f64::from(i) * 1.5 - 4.0).collect();
        let m = median(&mut d.clone()).unwrap();
        let narrow = Bootstrap {
            level: 0.5,
            resamples: 2000,
            seed: 3,
        };
        let wide = Bootstrap {
            level: 0.95,
            ..narrow
        };
        let (a, b) = interval(&d, &narrow, 7);
        let (c, e) = interval(&d, &wide, 7);
        assert!(a.unwrap() <= m && m <= b.unwrap(), "{a:?} {m} {b:?}");
        assert!(c.unwrap() <= a.unwrap() && b.unwrap() <= e.unwrap());
        assert_eq!(interval(&d, &wide, 7), (c, e), "seeded");
    }

    #[test]
    fn bad_levels_and_resamples_are_refused() {
        for level in [0.0, 1.0, -0.5, f64::NAN] {
            let b = Bootstrap {
                level,
                resamples: 10,
                seed: 0,
            };
            assert!(b.check().is_err(), "{level}");
        }
        let b = Bootstrap {
            level: 0.95,
            resamples: 0,
            seed: 0,
        };
        assert!(b.check().unwrap_err().to_string().contains("--resamples"));
    }
}
