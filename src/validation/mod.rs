//! `depthsim validation`: published results that depthsim claims to reproduce, each run as a
//! fixed experiment (shipped scenario files, a grid of points, seeds 1..=N) and measured, with
//! the source, what it expects, what depthsim measures (medians with 40 % and 60 % quantiles
//! over seeds) and a verdict.
//!
//! A check is a set of *points* (one scenario file with `--set` overrides each), run at the
//! same seeds; every run is measured from its own files ([`measure`]) in a temporary folder
//! that is then removed. The runs go in parallel; the tables are made from the measurements
//! in (check, point, seed) order, so they are the same bytes however many jobs ran them.
//!
//! The checks, in table order: [`santa_fe`] (Smith et al. 2003: asymptotic depth α/δ and the
//! mean spread in characteristic prices), [`reference_market`] (the Quick start's market
//! against Cont's stylized facts and makers' economics, with its Poisson-flow counterfactual),
//! [`hawkes_rate`] (the Hawkes mean rate λ₀/(1 − n)), [`gamma_feedback`] (dealers' lagged
//! delta hedging: r_t = e_t − λΓ·r_{t−1}), [`gamma_failure`] (Buis et al. 2024: the informed
//! intensity at which the book fails rises from short to long dealer gamma),
//! [`liquidity_crisis`] (Fosset et al. 2020: the crisis probability over feedback strength ×
//! run length) and [`flash_crash`] (the crashes against the square-root law and the
//! hot-potato ratio of 6 May 2010).
//!
//! Verdicts: *reproduced* (the published claim holds, within the stated tolerance),
//! *partly reproduced* (some of its parts hold), *direction only* (the sign or ordering holds,
//! the magnitude does not), *not reproduced*.

pub mod flash_crash;
pub mod gamma_failure;
pub mod gamma_feedback;
pub mod hawkes_rate;
pub mod liquidity_crisis;
pub mod market_facts;
pub mod measure;
pub mod reference_market;
pub mod santa_fe;

pub use crate::findings::fixed;
use crate::findings::{Spread, spread};
use crate::record::OutputDir;
use crate::run::{RunError, run_into};
use crate::scenario::{Override, Overrides, Scenario, ScenarioError};
use measure::{MeasureError, MeasureSpec, RunMeasure};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why the validation could not be made.
#[derive(Debug, Error)]
pub enum ValidationError {
    /// A shipped experiment's scenario file is missing or bad.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// `--only` names no check.
    #[error("no check is named {0:?}; the checks are: {1}")]
    UnknownCheck(String, String),
    /// A run failed.
    #[error("{check}, point {point}, seed {seed}: {source}")]
    Run {
        /// The check.
        check: &'static str,
        /// The point's label.
        point: String,
        /// The seed.
        seed: u64,
        /// Why.
        source: RunError,
    },
    /// A run's files could not be measured.
    #[error("{check}, point {point}, seed {seed}: {source}")]
    Measure {
        /// The check.
        check: &'static str,
        /// The point's label.
        point: String,
        /// The seed.
        seed: u64,
        /// Why.
        source: Box<MeasureError>,
    },
    /// An output could not be written.
    #[error("{0}")]
    Io(String),
    /// Stopped by a signal.
    #[error("interrupted")]
    Interrupted,
}

impl ValidationError {
    /// Whether this is the user's input (exit code 2) rather than a failure.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            ValidationError::Scenario(_) | ValidationError::UnknownCheck(..)
        )
    }
}

/// How big the experiments are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// Seeds per point (each check has its own default).
    pub seeds: Option<u64>,
    /// The small version: fewer points and seeds and shorter runs (for tests).
    pub quick: bool,
}

/// One point of a check: a label, and the overrides that make it from the check's file.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// How the tables name it.
    pub label: String,
    /// `--set` overrides (applied to the check's scenario file).
    pub set: Vec<String>,
    /// Another scenario file for this point (relative to `scenarios/validation/`), if any.
    pub file: Option<PathBuf>,
}

/// A check's experiment: its scenario file, its points and seeds, and what to measure.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The scenario file, relative to the repository's `scenarios/validation/`.
    pub file: PathBuf,
    /// The points.
    pub points: Vec<Point>,
    /// Seeds 1..=seeds at every point.
    pub seeds: u64,
    /// What each run measures.
    pub measure: MeasureSpec,
}

/// One row of validation.md's main table.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The check's name (`--only`).
    pub check: &'static str,
    /// The claim, in a sentence.
    pub claim: String,
    /// Where it comes from.
    pub source: &'static str,
    /// What the source expects.
    pub expected: String,
    /// What depthsim measures.
    pub measured: String,
    /// Runs per point.
    pub seeds: u64,
    /// "reproduced", "partly reproduced", "direction only" or "not reproduced".
    pub verdict: &'static str,
}

/// A check's result: its verdict rows and its detail table.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The main table's rows.
    pub verdicts: Vec<Verdict>,
    /// The detail table, Markdown.
    pub detail_md: String,
    /// The detail table, CSV (`<check>.csv`).
    pub detail_csv: String,
}

/// A check: its name, its experiment for a size, and how its measurements become an
/// outcome (`measures[point][seed − 1]`).
pub struct Check {
    /// Its name, as `--only` takes it.
    pub name: &'static str,
    /// Its experiment.
    pub experiment: fn(&Size) -> Experiment,
    /// Its evaluation.
    pub evaluate: fn(&Experiment, &[Vec<RunMeasure>]) -> Outcome,
}

/// Every check, in table order.
pub const CHECKS: &[Check] = &[
    santa_fe::CHECK,
    reference_market::CHECK,
    hawkes_rate::CHECK,
    gamma_feedback::CHECK,
    gamma_failure::CHECK,
    liquidity_crisis::CHECK,
    flash_crash::CHECK,
];

/// The checks named in `only` (all if empty), in table order.
pub fn select(only: &[String]) -> Result<Vec<&'static Check>, ValidationError> {
    for name in only {
        if !CHECKS.iter().any(|c| c.name == name) {
            let names: Vec<&str> = CHECKS.iter().map(|c| c.name).collect();
            return Err(ValidationError::UnknownCheck(
                name.clone(),
                names.join(", "),
            ));
        }
    }
    Ok(CHECKS
        .iter()
        .filter(|c| only.is_empty() || only.iter().any(|o| o == c.name))
        .collect())
}

/// One run to make.
struct Job {
    check: usize,
    point: usize,
    seed: u64,
}

/// Runs the experiments of `checks` (their files under `scenarios`, the repository's
/// `scenarios/validation/`) on `jobs` threads, temporary folders under `work`, and
/// evaluates them. `on_done` is called as each run ends.
pub fn run_checks(
    checks: &[&Check],
    size: &Size,
    scenarios: &Path,
    jobs: usize,
    work: &Path,
    on_done: &(dyn Fn() + Sync),
    should_stop: &(dyn Fn() -> bool + Sync),
) -> Result<Vec<Outcome>, ValidationError> {
    let experiments: Vec<Experiment> = checks.iter().map(|c| (c.experiment)(size)).collect();
    // every point's scenario is checked before anything runs
    for e in &experiments {
        for p in &e.points {
            load(scenarios, e, p, 1)?;
        }
    }
    let runs: Vec<Job> = experiments
        .iter()
        .enumerate()
        .flat_map(|(check, e)| {
            (0..e.points.len())
                .flat_map(move |point| (1..=e.seeds).map(move |seed| Job { check, point, seed }))
        })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(|e| ValidationError::Io(format!("starting {jobs} worker threads: {e}")))?;
    let measured: Vec<RunMeasure> = pool.install(|| {
        runs.par_iter()
            .with_max_len(1)
            .map(|job| {
                if should_stop() {
                    return Err(ValidationError::Interrupted);
                }
                let e = &experiments[job.check];
                let p = &e.points[job.point];
                let name = checks[job.check].name;
                let scenario = load(scenarios, e, p, job.seed)?;
                let target = work.join(format!("{name}-{}-seed-{}", job.point, job.seed));
                let dir = OutputDir::create(&target).map_err(|err| {
                    ValidationError::Io(format!("creating {}: {err}", target.display()))
                })?;
                let result = run_into(&scenario, &dir, &mut |_, _| {}, &|| should_stop());
                let fail = |source| ValidationError::Run {
                    check: name,
                    point: p.label.clone(),
                    seed: job.seed,
                    source,
                };
                let m =
                    match result {
                        Err(RunError::Interrupted) => Err(ValidationError::Interrupted),
                        Err(source) => Err(fail(source)),
                        Ok(summary) => measure::measure(dir.temp_path(), &summary, &e.measure)
                            .map_err(|source| ValidationError::Measure {
                                check: name,
                                point: p.label.clone(),
                                seed: job.seed,
                                source: Box::new(source),
                            }),
                    };
                let _ = dir.discard();
                on_done();
                m
            })
            .collect::<Result<Vec<_>, _>>()
    })?;
    let mut at = 0;
    Ok(checks
        .iter()
        .zip(&experiments)
        .map(|(c, e)| {
            let per_point: Vec<Vec<RunMeasure>> = (0..e.points.len())
                .map(|_| {
                    let v = measured[at..at + e.seeds as usize].to_vec();
                    at += e.seeds as usize;
                    v
                })
                .collect();
            (c.evaluate)(e, &per_point)
        })
        .collect())
}

/// The scenario of point `p` of `e` at `seed`.
fn load(scenarios: &Path, e: &Experiment, p: &Point, seed: u64) -> Result<Scenario, ScenarioError> {
    let set: Vec<Override> = p
        .set
        .iter()
        .map(|s| s.parse().expect("a check's overrides are well formed"))
        .collect();
    Scenario::load(
        &scenarios.join(p.file.as_ref().unwrap_or(&e.file)),
        &Overrides {
            seed: Some(seed),
            set,
        },
    )
}

/// The text above validation.md's table: what it is and how to read it.
pub const PREAMBLE: &str = "# Validation\n\n\
Every published fact depthsim claims, as a fixed experiment (the scenario files in \
`scenarios/validation/` and the shipped scenarios they name, a grid of points, seeds 1 to N) \
measured from the runs' own files. This page is written by `depthsim validation` \
(`output/validation/validation.md`, with validation.csv and one CSV per check); \
regenerate it with\n\n\
```sh\n\
depthsim validation --out output/validation\n\
```\n\n\
Measured values are medians over seeds with their 40 % and 60 % quantiles in brackets, \
unless a row says otherwise. Verdicts: **reproduced** (the claim holds within the stated \
tolerance), **partly reproduced** (some of its parts hold), **direction only** (the sign or \
ordering holds, the magnitude does not), **not reproduced** (it does not hold here). \
What each check runs and why is in the source of `src/validation/` (one module per check) \
and in docs/order-flow.md for the reference market.\n\n";

/// validation.md: the preamble, the verdicts, then each check's detail table.
pub fn validation_md(outcomes: &[Outcome]) -> String {
    let mut out = String::from(PREAMBLE);
    out += "| check | claim | source | expected | measured | seeds per point | verdict |\n|---|---|---|---|---|---|---|\n";
    for o in outcomes {
        for v in &o.verdicts {
            out += &format!(
                "| `{}` | {} | {} | {} | {} | {} | **{}** |\n",
                v.check, v.claim, v.source, v.expected, v.measured, v.seeds, v.verdict
            );
        }
    }
    for o in outcomes {
        out += "\n";
        out += &o.detail_md;
    }
    out
}

/// validation.csv: one row per verdict.
pub fn validation_csv(outcomes: &[Outcome]) -> Result<String, ValidationError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| ValidationError::Io(format!("validation.csv: {e}"));
    w.write_record([
        "check", "claim", "source", "expected", "measured", "seeds", "verdict",
    ])
    .map_err(io)?;
    for o in outcomes {
        for v in &o.verdicts {
            w.write_record([
                v.check,
                &v.claim,
                v.source,
                &v.expected,
                &v.measured,
                &v.seeds.to_string(),
                v.verdict,
            ])
            .map_err(io)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ValidationError::Io(format!("validation.csv: {e}")))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text"))
}

/// A validation folder's manifest.json: what made it, and its files (so that a later
/// `validation --out` into the same folder knows them as depthsim's).
#[derive(Debug, serde::Serialize)]
struct ValidationManifest<'a> {
    program: &'static str,
    kind: &'static str,
    version: &'static str,
    checks: Vec<&'static str>,
    command_line: &'a [String],
    files: Vec<String>,
}

/// Writes validation.md, validation.csv, each check's `<name>.csv` and manifest.json into
/// `out`, the validation's temporary folder (the caller commits it).
pub fn write_tables(
    out: &OutputDir,
    checks: &[&Check],
    outcomes: &[Outcome],
    command_line: &[String],
) -> Result<(), ValidationError> {
    let mut files = vec![
        ("validation.md".to_string(), validation_md(outcomes)),
        ("validation.csv".to_string(), validation_csv(outcomes)?),
    ];
    for (c, o) in checks.iter().zip(outcomes) {
        files.push((format!("{}.csv", c.name), o.detail_csv.clone()));
    }
    let mut listed: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    listed.push("manifest.json".into());
    listed.sort();
    let manifest = ValidationManifest {
        program: "depthsim",
        kind: "validation",
        version: env!("CARGO_PKG_VERSION"),
        checks: checks.iter().map(|c| c.name).collect(),
        command_line,
        files: listed,
    };
    let manifest = serde_json::to_string_pretty(&manifest)
        .map_err(|e| ValidationError::Io(format!("manifest.json: {e}")))?
        + "\n";
    files.push(("manifest.json".into(), manifest));
    for (name, text) in files {
        std::fs::write(out.file(&name), text.as_bytes()).map_err(|e| {
            ValidationError::Io(format!(
                "writing {}: {e}",
                out.final_path().join(&name).display()
            ))
        })?;
    }
    Ok(())
}

/// `median [q40, q60]` of a spread with `decimals`, or "—" without values.
pub fn cell(s: &Spread, decimals: usize) -> String {
    match (s.median, s.q40, s.q60) {
        (Some(m), Some(a), Some(b)) => format!(
            "{} [{}, {}]",
            fixed(m, decimals),
            fixed(a, decimals),
            fixed(b, decimals)
        ),
        _ => "—".into(),
    }
}

/// The spread over seeds of one statistic of a point's runs.
pub fn over_seeds(runs: &[RunMeasure], f: impl Fn(&RunMeasure) -> Option<f64>) -> Spread {
    spread(runs.iter().map(f))
}
