//! The sweep file: read, checked and expanded into its points before any run starts.
//!
//! ```toml
//! [sweep]
//! scenario = "../tiny.toml"   # the base scenario, relative to this file
//! seed = 7                    # the master seed
//! seeds_per_point = 3         # replicates of each point
//! keep = "summary"            # or "runs": every run's whole folder
//! set = ["run.duration_s=10.0"]   # optional: fixed overrides for every run
//! name = "mm_limits"          # optional: the output folder's name (default: the file's stem)
//!
//! [grid]                      # or [points], zipped: the i-th values make point i
//! "market_maker[0].max_position_lots" = [10, 20, 40]
//! "informed[0].rate_per_s" = [1.0, 2.0]
//! ```
//!
//! Parameters are ordered by PATH (TOML tables are sorted); in a grid the last PATH varies
//! fastest. Every point is applied to the base scenario as `--set PATH=VALUE` overrides
//! ([`crate::scenario::Override`]) and validated here, so a bad path or value is refused,
//! naming the sweep file, the point and the key, before anything runs.

use super::SweepError;
use super::seed::{canonical, point_key, point_text, run_seed};
use crate::scenario::{Override, Overrides, Scenario};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// What a sweep keeps of each run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// summary.csv and manifest.json only (the other files are written and deleted).
    #[default]
    Summary,
    /// Every file the run writes.
    Runs,
}

/// The serde mirror of a sweep file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    sweep: SweepSection,
    grid: Option<Table>,
    points: Option<Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepSection {
    scenario: String,
    seed: i64,
    seeds_per_point: i64,
    #[serde(default)]
    keep: Keep,
    #[serde(default)]
    set: Vec<String>,
    name: Option<String>,
}

/// Most runs a sweep may have (beyond this, split it into several sweeps).
pub const MAX_RUNS: u64 = 10_000_000;

/// One point: a value for each varied parameter.
#[derive(Debug, Clone)]
pub struct Point {
    /// The values, in [`Sweep::columns`] order.
    pub values: Vec<Value>,
    /// Its canonical text (see [`super::seed`]).
    pub text: String,
    /// The key its runs' seeds derive from.
    pub key: u64,
    /// The overrides that make it: the fixed `set`, then one per parameter.
    pub overrides: Vec<Override>,
    /// The base scenario with the overrides applied, validated (its seed is set per run).
    pub scenario: Scenario,
}

/// A checked sweep, ready to run.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The sweep file, as given.
    pub file: PathBuf,
    /// Its name: `sweep.name` or the file's stem.
    pub name: String,
    /// The base scenario's path (relative to the sweep file's folder, joined to it).
    pub base: PathBuf,
    /// SHA-256 of the base scenario file's bytes.
    pub base_sha256: String,
    /// The master seed.
    pub seed: u64,
    /// Replicates per point.
    pub seeds_per_point: u64,
    /// What to keep of each run.
    pub keep: Keep,
    /// `grid` (cartesian product) or `points` (zipped).
    pub mode: &'static str,
    /// The fixed overrides, as given.
    pub set: Vec<String>,
    /// The varied parameters' PATHs, sorted: runs.csv's parameter columns.
    pub columns: Vec<String>,
    /// Every point, in point-index order.
    pub points: Vec<Point>,
    /// The sweep's identity: SHA-256 of everything that determines its runs' results.
    pub id: String,
}

/// One run of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSpec {
    /// Run index: `point * seeds_per_point + replicate`.
    pub run: u64,
    /// Point index.
    pub point: usize,
    /// Replicate, 0-based.
    pub replicate: u64,
    /// The run's seed.
    pub seed: u64,
}

fn bad(file: &Path, message: impl Into<String>) -> SweepError {
    SweepError::File {
        file: file.to_path_buf(),
        message: message.into(),
    }
}

impl Sweep {
    /// Reads and checks a sweep file, and validates every point against its base scenario.
    pub fn load(file: &Path) -> Result<Sweep, SweepError> {
        let bytes = crate::scenario::read_input(file)
            .map_err(|e| bad(file, format!("cannot read the sweep file: {e}")))?
            .map_err(|why| bad(file, why))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| bad(file, "is not UTF-8 text, so it is not a sweep file"))?;
        Sweep::from_toml(&text, file)
    }

    /// Checks sweep text; `file` names it in messages and anchors the base scenario's path.
    pub fn from_toml(text: &str, file: &Path) -> Result<Sweep, SweepError> {
        if let Ok(t) = text.parse::<toml::Table>()
            && !t.contains_key("sweep")
            && (t.contains_key("run") || t.contains_key("market") || t.contains_key("book"))
        {
            return Err(bad(
                file,
                "this is a scenario file (it has no [sweep] table), not a sweep: run it with \
                 `depthsim run FILE`",
            ));
        }
        let f: SweepFile = toml::from_str(text)
            .map_err(|e| bad(file, crate::scenario::describe_toml_error(&e, text)))?;
        let s = f.sweep;
        let seed = u64::try_from(s.seed).map_err(|_| {
            bad(
                file,
                format!("`sweep.seed` must be a whole number ≥ 0, got {}", s.seed),
            )
        })?;
        let seeds_per_point = match u64::try_from(s.seeds_per_point) {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(bad(
                    file,
                    format!(
                        "`sweep.seeds_per_point` must be a whole number ≥ 1, got {}",
                        s.seeds_per_point
                    ),
                ));
            }
        };
        let name = match s.name {
            Some(n) => n,
            None => file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "sweep".into()),
        };
        if name.is_empty()
            || name.starts_with('.')
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        {
            return Err(bad(
                file,
                format!(
                    "`sweep.name` must be a folder name of letters, digits, `_`, `-` and `.` \
                     (not starting with `.`), got {name:?}"
                ),
            ));
        }
        let (mode, table) = match (f.grid, f.points) {
            (Some(g), None) => ("grid", g),
            (None, Some(p)) => ("points", p),
            (Some(_), Some(_)) => {
                return Err(bad(
                    file,
                    "has both [grid] and [points]: give one (a grid is a cartesian product, \
                     points are zipped lists)",
                ));
            }
            (None, None) => {
                return Err(bad(
                    file,
                    "has neither [grid] nor [points]: give the parameters to vary, e.g. \
                     [grid] \"market_maker[0].max_position_lots\" = [10, 20]",
                ));
            }
        };
        if table.is_empty() {
            return Err(bad(file, format!("[{mode}] lists no parameter")));
        }
        let mut fixed = Vec::new();
        for (i, o) in s.set.iter().enumerate() {
            let parsed: Override = o
                .parse()
                .map_err(|e| bad(file, format!("`sweep.set[{i}]` = {o:?}: {e}")))?;
            fixed.push(parsed);
        }
        let columns: Vec<String> = table.keys().cloned().collect();
        let mut lists: Vec<Vec<Value>> = Vec::new();
        for (path, v) in &table {
            let key = format!("{mode}.\"{path}\"");
            let Value::Array(values) = v else {
                return Err(bad(
                    file,
                    format!(
                        "`{key}` must be a list of values, e.g. [10, 20], got the {} {v}",
                        v.type_str()
                    ),
                ));
            };
            if values.is_empty() {
                return Err(bad(
                    file,
                    format!("`{key}` is an empty list: give at least one value"),
                ));
            }
            let probe: Override = format!("{path}={}", values[0]).parse().map_err(|e| {
                bad(
                    file,
                    format!("`{key}`: `{path}` is not a scenario key: {e}"),
                )
            })?;
            if probe.path() == "run.seed" {
                return Err(bad(
                    file,
                    format!(
                        "`{key}`: run.seed cannot be varied: each run's seed derives from \
                         `sweep.seed`, its point and its replicate (use seeds_per_point)"
                    ),
                ));
            }
            if let Some(o) = fixed.iter().find(|o| o.path() == probe.path()) {
                return Err(bad(
                    file,
                    format!("`{key}` is also fixed by `sweep.set` ({o}): give it in one place"),
                ));
            }
            lists.push(values.clone());
        }
        let combos = combinations(mode, &columns, &lists).map_err(|m| bad(file, m))?;
        let runs = (combos.len() as u64).saturating_mul(seeds_per_point);
        if runs > MAX_RUNS {
            return Err(bad(
                file,
                format!(
                    "makes {runs} runs ({} points × {seeds_per_point} seeds); at most {MAX_RUNS} \
                     are allowed: split the sweep",
                    combos.len()
                ),
            ));
        }
        let base = file
            .parent()
            .unwrap_or(Path::new(""))
            .join(Path::new(&s.scenario));
        let base_bytes = crate::scenario::read_input(&base)
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|why| format!("it {why}")))
            .map_err(|e| {
                bad(
                    file,
                    format!(
                        "`sweep.scenario` = {:?}: cannot read the base scenario {}: {e} (the \
                         path is relative to the sweep file's folder)",
                        s.scenario,
                        base.display()
                    ),
                )
            })?;
        let base_text = String::from_utf8(base_bytes.clone()).map_err(|_| {
            bad(
                file,
                format!("`sweep.scenario`: {} is not UTF-8 text", base.display()),
            )
        })?;
        let base_sha256 = hex(&Sha256::digest(&base_bytes));
        let mut points = Vec::with_capacity(combos.len());
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, values) in combos.into_iter().enumerate() {
            let text = point_text(&columns, &values);
            if let Some(j) = seen.insert(text.clone(), i) {
                return Err(bad(
                    file,
                    format!(
                        "point {i} ({}) repeats point {j}: every point must differ",
                        one_line(&text)
                    ),
                ));
            }
            let mut overrides = fixed.clone();
            for (path, v) in columns.iter().zip(&values) {
                let o: Override = format!("{path}={v}")
                    .parse()
                    .map_err(|e| bad(file, format!("`{mode}.\"{path}\"` = {v}: {e}")))?;
                overrides.push(o);
            }
            let scenario = Scenario::from_toml(
                &base_text,
                &base,
                &Overrides {
                    seed: None,
                    set: overrides.clone(),
                },
            )
            .map_err(|e| {
                bad(
                    file,
                    format!(
                        "point {i} ({}) does not make a valid scenario: {e}",
                        one_line(&text)
                    ),
                )
            })?;
            points.push(Point {
                key: point_key(&text),
                values,
                text,
                overrides,
                scenario,
            });
        }
        let mut sweep = Sweep {
            file: file.to_path_buf(),
            name,
            base,
            base_sha256,
            seed,
            seeds_per_point,
            keep: s.keep,
            mode,
            set: s.set,
            columns,
            points,
            id: String::new(),
        };
        sweep.id = sweep.identity();
        Ok(sweep)
    }

    /// Number of runs: points × seeds per point.
    pub fn runs(&self) -> u64 {
        self.points.len() as u64 * self.seeds_per_point
    }

    /// Run `run`'s point, replicate and seed (`run` < [`Sweep::runs`]).
    pub fn spec(&self, run: u64) -> RunSpec {
        let point = (run / self.seeds_per_point) as usize;
        let replicate = run % self.seeds_per_point;
        RunSpec {
            run,
            point,
            replicate,
            seed: run_seed(self.seed, self.points[point].key, replicate),
        }
    }

    /// The scenario of one run: its point's, with its seed.
    pub fn scenario(&self, spec: &RunSpec) -> Scenario {
        let mut s = self.points[spec.point].scenario.clone();
        s.seed = spec.seed;
        s.params.run.seed = spec.seed;
        s
    }

    /// The cells of a point's parameter columns in runs.csv: a string's text, any other
    /// value's canonical text.
    pub fn cells(&self, point: usize) -> Vec<String> {
        self.points[point]
            .values
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                v => canonical(v),
            })
            .collect()
    }

    /// SHA-256 over what determines the runs' results and runs.csv: the program version, the
    /// resolved base scenario of each point, the seeds, what is kept, the columns and the
    /// points. Comments and formatting of the files do not enter it.
    fn identity(&self) -> String {
        let mut h = Sha256::new();
        let mut put = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        put(env!("CARGO_PKG_VERSION"));
        put(&format!(
            "{} {} {:?} {}",
            self.seed, self.seeds_per_point, self.keep, self.mode
        ));
        for c in &self.columns {
            put(c);
        }
        for p in &self.points {
            put(&p.text);
            put(&serde_json::to_string(&p.scenario.params).unwrap_or_default());
        }
        hex(&h.finalize())
    }
}

/// The points' values: the cartesian product of the lists (the last varying fastest), or
/// the lists zipped.
fn combinations(
    mode: &str,
    columns: &[String],
    lists: &[Vec<Value>],
) -> Result<Vec<Vec<Value>>, String> {
    if mode == "points" {
        let n = lists[0].len();
        if let Some((c, l)) = columns.iter().zip(lists).find(|(_, l)| l.len() != n) {
            return Err(format!(
                "[points] lists must all have the same length (point i takes the i-th value of \
                 each): `points.\"{}\"` has {n} values but `points.\"{c}\"` has {}",
                columns[0],
                l.len()
            ));
        }
        return Ok((0..n)
            .map(|i| lists.iter().map(|l| l[i].clone()).collect())
            .collect());
    }
    let total = lists
        .iter()
        .try_fold(1u64, |acc, l| acc.checked_mul(l.len() as u64))
        .filter(|t| *t <= MAX_RUNS)
        .ok_or_else(|| format!("[grid] makes more than {MAX_RUNS} points: split the sweep"))?;
    let mut out = Vec::with_capacity(total as usize);
    let mut index = vec![0usize; lists.len()];
    for _ in 0..total {
        out.push(
            index
                .iter()
                .zip(lists)
                .map(|(i, l)| l[*i].clone())
                .collect(),
        );
        for d in (0..lists.len()).rev() {
            index[d] += 1;
            if index[d] < lists[d].len() {
                break;
            }
            index[d] = 0;
        }
    }
    Ok(out)
}

/// A point's text on one line: `a=1, b=2`.
fn one_line(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join(", ")
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
