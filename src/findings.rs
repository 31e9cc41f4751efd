//! `depthsim findings`: every given scenario over seeds 1..=N, and the collapse statistics of
//! their summaries as medians with the 40 % and 60 % quantiles over seeds.
//!
//! The output folder follows `depthsim run --out`'s rules ([`OutputDir`]): everything is
//! written under a temporary name, renamed into place once complete, and an earlier findings
//! folder is replaced only if it holds nothing but what its manifest.json lists.
//!
//! Each run is exactly `depthsim run FILE --seed S` (the same summary row), made into a
//! temporary folder inside the findings' own temporary folder, removed once its summary has
//! been read. The tables are written
//! from the summaries in (file, seed) order, so they are byte-identical however many jobs ran
//! them. Quantiles interpolate linearly between order statistics (pandas' and R's default,
//! type 7) over the seeds where the statistic has a value (`worst_trough_ratio` has none
//! without an episode); the tables say over how many.

use crate::record::OutputDir;
use crate::record::rows::SummaryRow;
use crate::run::{RunError, run_into};
use crate::scenario::{Override, Overrides, Scenario, ScenarioError};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why the findings could not be made.
#[derive(Debug, Error)]
pub enum FindingsError {
    /// A scenario file is bad (exit code 2).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Two files give their runs the same scenario name (exit code 2).
    #[error("{} and {} both name their scenario {name:?}: the tables need one name per scenario", first.display(), second.display())]
    SameName {
        /// The name.
        name: String,
        /// The first file.
        first: PathBuf,
        /// The second.
        second: PathBuf,
    },
    /// A run failed.
    #[error("{} with seed {seed}: {source}", file.display())]
    Run {
        /// The scenario file.
        file: PathBuf,
        /// Its seed.
        seed: u64,
        /// Why.
        source: RunError,
    },
    /// An output could not be written.
    #[error("{0}")]
    Io(String),
    /// Stopped by a signal.
    #[error("interrupted")]
    Interrupted,
}

impl FindingsError {
    /// Whether this is the user's input (exit code 2) rather than a failure.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            FindingsError::Scenario(_) | FindingsError::SameName { .. }
        )
    }
}

/// One statistic of the tables: its summary.csv column, and how it is shown.
struct Metric {
    column: &'static str,
    title: &'static str,
    value: fn(&SummaryRow) -> Option<f64>,
    decimals: usize,
}

const METRICS: &[Metric] = &[
    Metric {
        column: "episodes",
        title: "episodes",
        value: |s| Some(s.episodes as f64),
        decimals: 1,
    },
    Metric {
        column: "collapsed_s",
        title: "collapsed, s",
        value: |s| Some(s.collapsed_s),
        decimals: 0,
    },
    Metric {
        column: "worst_trough_ratio",
        title: "worst trough",
        value: |s| s.worst_trough_ratio,
        decimals: 3,
    },
    Metric {
        column: "mean_recovery_s",
        title: "recovery, s",
        value: |s| s.mean_recovery_s,
        decimals: 0,
    },
    Metric {
        column: "pnl_market_makers",
        title: "makers' PnL",
        value: |s| Some(s.pnl_market_makers),
        decimals: 0,
    },
    Metric {
        column: "mm_sharpe_per_sample",
        title: "makers' Sharpe",
        value: |s| s.mm_sharpe_per_sample,
        decimals: 3,
    },
    Metric {
        column: "price_max_drawdown_frac",
        title: "drawdown",
        value: |s| Some(s.price_max_drawdown_frac),
        decimals: 4,
    },
];

/// The scenarios of `files`, the overrides `set` applied to each, loaded and checked before
/// any run starts.
pub fn load_all(files: &[PathBuf], set: &[Override]) -> Result<Vec<Scenario>, FindingsError> {
    let mut out: Vec<Scenario> = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        let s = Scenario::load(
            f,
            &Overrides {
                seed: None,
                set: set.to_vec(),
            },
        )?;
        if let Some(j) = out.iter().position(|o| o.name == s.name) {
            return Err(FindingsError::SameName {
                name: s.name,
                first: files[j].clone(),
                second: files[i].clone(),
            });
        }
        out.push(s);
    }
    Ok(out)
}

/// A scenario file and the overrides to run it with.
#[derive(Debug, Clone)]
pub struct Item {
    /// The scenario file.
    pub file: PathBuf,
    /// `--set` overrides applied to it.
    pub set: Vec<Override>,
}

/// Runs every item (its file with its overrides; `scenarios` are the items loaded) at seeds
/// 1..=`seeds` on `jobs` threads, their temporary folders under `work`; the summaries in
/// (item, seed) order. `on_done` is called as each run ends.
pub fn run_all(
    items: &[Item],
    scenarios: &[Scenario],
    seeds: u64,
    jobs: usize,
    work: &Path,
    on_done: &(dyn Fn() + Sync),
    should_stop: &(dyn Fn() -> bool + Sync),
) -> Result<Vec<SummaryRow>, FindingsError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(|e| FindingsError::Io(format!("starting {jobs} worker threads: {e}")))?;
    let runs: Vec<(usize, u64)> = (0..scenarios.len())
        .flat_map(|i| (1..=seeds).map(move |s| (i, s)))
        .collect();
    pool.install(|| {
        runs.par_iter()
            .with_max_len(1)
            .map(|&(i, seed)| {
                if should_stop() {
                    return Err(FindingsError::Interrupted);
                }
                let overrides = Overrides {
                    seed: Some(seed),
                    set: items[i].set.clone(),
                };
                let scenario = Scenario::load(&items[i].file, &overrides)?;
                debug_assert_eq!(scenario.name, scenarios[i].name);
                let target = work.join(format!("{i}-{}-seed-{seed}", scenario.name));
                let dir = OutputDir::create(&target).map_err(|e| {
                    FindingsError::Io(format!("creating {}: {e}", target.display()))
                })?;
                let result = run_into(&scenario, &dir, &mut |_, _| {}, &|| should_stop());
                let _ = dir.discard();
                let summary = result.map_err(|e| match e {
                    RunError::Interrupted => FindingsError::Interrupted,
                    source => FindingsError::Run {
                        file: items[i].file.clone(),
                        seed,
                        source,
                    },
                })?;
                on_done();
                Ok(summary)
            })
            .collect()
    })
}

/// `v` with `decimals`; a value that rounds to zero prints as 0, never -0.
pub fn fixed(v: f64, decimals: usize) -> String {
    let text = format!("{v:.decimals$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// The `p` quantile (0 ≤ p ≤ 1) of `sorted`, interpolating linearly (type 7).
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// A statistic over seeds: how many had a value, and its median, 40 % and 60 % quantiles.
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    /// Seeds with a value.
    pub n: usize,
    /// The median.
    pub median: Option<f64>,
    /// The 40 % quantile.
    pub q40: Option<f64>,
    /// The 60 % quantile.
    pub q60: Option<f64>,
}

/// The [`Spread`] of `values` (the missing ones left out).
pub fn spread(values: impl IntoIterator<Item = Option<f64>>) -> Spread {
    let mut v: Vec<f64> = values.into_iter().flatten().collect();
    v.sort_by(f64::total_cmp);
    Spread {
        n: v.len(),
        median: quantile(&v, 0.5),
        q40: quantile(&v, 0.4),
        q60: quantile(&v, 0.6),
    }
}

/// findings.csv: one row per scenario and statistic.
pub fn findings_csv(names: &[String], rows: &[SummaryRow], seeds: u64) -> Vec<u8> {
    let mut out = String::from("scenario,statistic,seeds,seeds_with_value,median,q40,q60\n");
    let cell = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
    for name in names {
        let mine: Vec<&SummaryRow> = rows.iter().filter(|r| &r.scenario == name).collect();
        for m in METRICS {
            let s = spread(mine.iter().map(|r| (m.value)(r)));
            out += &format!(
                "{name},{},{seeds},{},{},{},{}\n",
                m.column,
                s.n,
                cell(s.median),
                cell(s.q40),
                cell(s.q60)
            );
        }
    }
    out.into_bytes()
}

/// findings.md: a Markdown table, a row per scenario, each cell `median [q40, q60]`.
pub fn findings_md(names: &[String], rows: &[SummaryRow], seeds: u64) -> Vec<u8> {
    let mut out = String::from("| scenario | seeds with an episode |");
    for m in METRICS {
        out += &format!(" {} |", m.title);
    }
    out += "\n|---|---|";
    out += &"---|".repeat(METRICS.len());
    out += "\n";
    for name in names {
        let mine: Vec<&SummaryRow> = rows.iter().filter(|r| &r.scenario == name).collect();
        let with = mine.iter().filter(|r| r.episodes > 0).count();
        out += &format!("| `{name}` | {with} / {seeds} |");
        for m in METRICS {
            let s = spread(mine.iter().map(|r| (m.value)(r)));
            let f = |v: f64| fixed(v, m.decimals);
            out += &match (s.median, s.q40, s.q60) {
                (Some(md), Some(a), Some(b)) => {
                    let partial = if s.n < mine.len() {
                        format!(" ({} seed{})", s.n, if s.n == 1 { "" } else { "s" })
                    } else {
                        String::new()
                    };
                    format!(" {} [{}, {}]{partial} |", f(md), f(a), f(b))
                }
                _ => " — |".to_string(),
            };
        }
        out += "\n";
    }
    out.into_bytes()
}

/// summaries.csv: every run's summary row, in (file, seed) order.
pub fn summaries_csv(rows: &[SummaryRow]) -> Result<Vec<u8>, FindingsError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)
            .map_err(|e| FindingsError::Io(format!("summaries.csv: {e}")))?;
    }
    w.into_inner()
        .map_err(|e| FindingsError::Io(format!("summaries.csv: {e}")))
}

/// The files of a findings folder, manifest.json included.
pub const FINDINGS_FILES: [&str; 4] = [
    "findings.csv",
    "findings.md",
    "manifest.json",
    "summaries.csv",
];

/// A findings folder's manifest.json: what made it, and its files (so that a later
/// `findings --out` into the same folder knows them as depthsim's).
#[derive(Debug, Serialize)]
struct FindingsManifest<'a> {
    program: &'static str,
    kind: &'static str,
    version: &'static str,
    scenario_files: Vec<String>,
    seeds: u64,
    command_line: &'a [String],
    files: [&'static str; 4],
}

/// Writes summaries.csv, findings.csv, findings.md and manifest.json into `out`, the
/// findings' temporary folder (the caller commits it).
pub fn write_tables(
    out: &OutputDir,
    files: &[PathBuf],
    names: &[String],
    rows: &[SummaryRow],
    seeds: u64,
    command_line: &[String],
) -> Result<(), FindingsError> {
    let manifest = FindingsManifest {
        program: "depthsim",
        kind: "findings",
        version: env!("CARGO_PKG_VERSION"),
        scenario_files: files.iter().map(|f| f.display().to_string()).collect(),
        seeds,
        command_line,
        files: FINDINGS_FILES,
    };
    let manifest = serde_json::to_string_pretty(&manifest)
        .map_err(|e| FindingsError::Io(format!("manifest.json: {e}")))?
        + "\n";
    for (name, bytes) in [
        ("summaries.csv", summaries_csv(rows)?),
        ("findings.csv", findings_csv(names, rows, seeds)),
        ("findings.md", findings_md(names, rows, seeds)),
        ("manifest.json", manifest.into_bytes()),
    ] {
        let path = out.file(name);
        std::fs::write(&path, &bytes).map_err(|e| {
            FindingsError::Io(format!(
                "writing {}: {e}",
                out.final_path().join(name).display()
            ))
        })?;
        crate::faults::point("findings: table written");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_pandas() {
        // pandas: pd.Series([1, 2, 3, 4, 10]).quantile([0.4, 0.5, 0.6]) = 2.6, 3.0, 3.4
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile(&v, 0.4).unwrap() - 2.6).abs() < 1e-12);
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert!((quantile(&v, 0.6).unwrap() - 3.4).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.4), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
        // ten seeds: the median is the mean of the 5th and 6th
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile(&ten, 0.5), Some(5.5));
        assert!((quantile(&ten, 0.4).unwrap() - 4.6).abs() < 1e-12);
    }

    #[test]
    fn missing_values_are_left_out_and_counted() {
        let s = spread([Some(3.0), None, Some(1.0), None]);
        assert_eq!(s.n, 2);
        assert_eq!(s.median, Some(2.0));
        let none = spread([None, None]);
        assert_eq!((none.n, none.median), (0, None));
    }
}
