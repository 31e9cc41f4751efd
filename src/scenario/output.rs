//! `[output]`: what a run writes, how often, and how it detects depth collapses.

use serde::{Deserialize, Serialize};

/// `[output]`: what is written and how often.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputParams {
    /// Seconds between rows of book.csv (and l2.csv), ≥ dt. Default 1.
    #[serde(default = "default_sample")]
    pub sample_interval_s: f64,
    /// Seconds between snapshots of every agent in agents.csv, ≥ dt. Default 10.
    #[serde(default = "default_agent_sample")]
    pub agents_sample_interval_s: f64,
    /// Depth bands: book.csv has the resting lots within each of these many ticks of the mid,
    /// per side. Default [5, 10]. The first band is the one summary.csv averages.
    #[serde(default = "default_bands")]
    pub depth_bands_ticks: Vec<u32>,
    /// Price levels per side written to l2.csv at each sample (0 = no l2.csv). Default 5.
    #[serde(default = "default_l2")]
    pub l2_levels: u32,
    /// Write trades.csv (every trade). Default true.
    #[serde(default = "yes")]
    pub trades: bool,
    /// Write quotes.csv (a row per market-maker requote: what it wanted). Default true.
    #[serde(default = "yes")]
    pub quotes: bool,
    /// Write hedges.csv (a row per finished hedge), when some maker group hedges. Default true.
    #[serde(default = "yes")]
    pub hedges: bool,
    /// Write options.csv (a row per option trade: the open, client trades, expiries), when
    /// some maker group holds options or takes client flow. Default true.
    #[serde(default = "yes")]
    pub options: bool,
    /// `[output.collapse]`: how depth-collapse episodes are detected (episodes.csv).
    #[serde(default)]
    pub collapse: CollapseParams,
    /// LOBSTER export: levels per side of lobster_orderbook.csv, beside lobster_message.csv
    /// (0 = no export; at most [`MAX_LOBSTER_LEVELS`]). Default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lobster_levels: u32,
    /// The book the LOBSTER files describe (a `[[book]]`'s name; default the first book).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lobster_book: Option<String>,
    /// The tables' file format: `"csv"` (default) or `"parquet"` (one `.parquet` file per
    /// table, the same columns, typed; needs depthsim built with the `parquet` feature).
    /// summary.csv is written in either format (sweeps and `depthsim findings` read it).
    #[serde(default, skip_serializing_if = "OutputFormat::is_csv")]
    pub format: OutputFormat,
}

/// The most levels per side the LOBSTER export writes.
pub const MAX_LOBSTER_LEVELS: u32 = 1000;

fn is_zero(v: &u32) -> bool {
    *v == 0
}

/// `output.format`: the tables' file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    /// Comma-separated text with a header line (the default).
    #[default]
    Csv,
    /// Apache Parquet, zstd-compressed, with the Arrow schema (feature `parquet`).
    Parquet,
}

impl OutputFormat {
    /// Whether this is CSV (the default, left out of a resolved scenario).
    pub fn is_csv(&self) -> bool {
        *self == OutputFormat::Csv
    }

    /// The files' extension: `csv` or `parquet`.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Csv => "csv",
            OutputFormat::Parquet => "parquet",
        }
    }
}

/// Why `output.format = "parquet"` is refused by a build without the `parquet` feature.
pub const NO_PARQUET: &str = "\"parquet\" needs depthsim built with the `parquet` feature \
    (cargo build --release --features parquet; the Python module has it); this build writes \
    only \"csv\"";

impl Default for OutputParams {
    fn default() -> Self {
        OutputParams {
            sample_interval_s: default_sample(),
            agents_sample_interval_s: default_agent_sample(),
            depth_bands_ticks: default_bands(),
            l2_levels: default_l2(),
            trades: true,
            quotes: true,
            hedges: true,
            options: true,
            collapse: CollapseParams::default(),
            lobster_levels: 0,
            lobster_book: None,
            format: OutputFormat::Csv,
        }
    }
}

/// Where a collapse's baseline depth comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CollapseBaseline {
    /// The median depth of the last `baseline_window_s` of calm time (the detector's ticks
    /// outside dips and episodes): follows slow changes, flags sudden ones, and never follows
    /// the book into a crisis. Detection starts once the run's first window has been seen.
    #[default]
    TrailingMedian,
    /// The mean depth of every tick before the first shock starts: one yardstick for the
    /// whole run. Detection starts with the first shock (the scenario needs one).
    PreShockMean,
}

/// `[output.collapse]`: a depth-collapse episode, per book and side, starts when the depth
/// within `band_ticks` of the mid stays below `fraction` of its baseline (or at 0) for at least
/// `min_duration_s`, and ends when it has been back at or above `recover` of it for as long.
/// The detector watches the book every `cadence_s`, whatever `sample_interval_s` is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollapseParams {
    /// Depth is the resting lots within this many ticks of the mid, per side. Default 5.
    #[serde(default = "default_collapse_band")]
    pub band_ticks: u32,
    /// Seconds between the detector's looks at the book: a positive multiple of `run.dt_s`,
    /// at most `min_duration_s`. Default: 0.2 s rounded up to whole steps (25 looks per
    /// default `min_duration_s`); validation fills it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence_s: Option<f64>,
    /// `trailing_median` (default) or `pre_shock_mean`.
    #[serde(default)]
    pub baseline: CollapseBaseline,
    /// The trailing median's window of calm time, seconds (> 0). Default 300.
    #[serde(default = "default_collapse_window")]
    pub baseline_window_s: f64,
    /// `f`: below this fraction of the baseline is a dip (0 < f < recover). Default 0.5.
    #[serde(default = "default_collapse_fraction")]
    pub fraction: f64,
    /// `g`: at or above this fraction of the baseline is recovered (f < g ≤ 1). Default 0.8.
    #[serde(default = "default_collapse_recover")]
    pub recover: f64,
    /// `d`: how long a dip must last to be an episode, and a recovery to end one, seconds
    /// (≥ 0). Default 5.
    #[serde(default = "default_collapse_duration")]
    pub min_duration_s: f64,
    /// The square-root law: σ and V are measured over this many seconds before an episode
    /// (> 0). Default 300.
    #[serde(default = "default_impact_window")]
    pub impact_window_s: f64,
    /// The square-root law: σ comes from price changes over this horizon, seconds (at least
    /// one cadence, below `impact_window_s`). Default 10.
    #[serde(default = "default_impact_horizon")]
    pub impact_horizon_s: f64,
    /// The square-root law: the permanent move is read this many seconds after an episode's
    /// end (≥ 0). Default 60.
    #[serde(default = "default_impact_after")]
    pub impact_permanent_after_s: f64,
    /// Whether a run too short for the baseline (never detectable) is an error (exit 2)
    /// rather than a warning. Default: true when the file has an `[output.collapse]` table or
    /// a `--set` sets a key in it (the scenario asks for detection), false otherwise;
    /// validation fills it in, so that a resolved scenario says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_detection: Option<bool>,
}

impl Default for CollapseParams {
    fn default() -> Self {
        CollapseParams {
            band_ticks: default_collapse_band(),
            cadence_s: None,
            baseline: CollapseBaseline::default(),
            baseline_window_s: default_collapse_window(),
            fraction: default_collapse_fraction(),
            recover: default_collapse_recover(),
            min_duration_s: default_collapse_duration(),
            impact_window_s: default_impact_window(),
            impact_horizon_s: default_impact_horizon(),
            impact_permanent_after_s: default_impact_after(),
            require_detection: None,
        }
    }
}

/// The detector's default cadence, seconds (rounded up to whole steps).
pub const DEFAULT_COLLAPSE_CADENCE_S: f64 = 0.2;

fn default_impact_window() -> f64 {
    300.0
}
fn default_impact_horizon() -> f64 {
    10.0
}
fn default_impact_after() -> f64 {
    60.0
}
fn default_collapse_band() -> u32 {
    5
}
fn default_collapse_window() -> f64 {
    300.0
}
fn default_collapse_fraction() -> f64 {
    0.5
}
fn default_collapse_recover() -> f64 {
    0.8
}
fn default_collapse_duration() -> f64 {
    5.0
}
fn yes() -> bool {
    true
}
fn default_sample() -> f64 {
    1.0
}
fn default_agent_sample() -> f64 {
    10.0
}
fn default_bands() -> Vec<u32> {
    vec![5, 10]
}
fn default_l2() -> u32 {
    5
}

/// The trailing median's window in ticks of the detector: `window_s / cadence`, rounded, at
/// least 1.
pub fn collapse_window_ticks(window_s: f64, cadence_ns: u64) -> u64 {
    let w = super::secs_to_ns(window_s);
    ((w + cadence_ns / 2) / cadence_ns).max(1)
}

impl super::Scenario {
    /// The collapse detector's cadence, ns.
    pub fn collapse_cadence_ns(&self) -> u64 {
        self.collapse_every_steps * self.dt_ns
    }

    /// When the collapse detector's baseline exists, ns from the open: the end of the run's
    /// first baseline window (trailing median), or the first shock's start (pre-shock mean).
    /// Detection runs from then on.
    pub fn collapse_detection_start_ns(&self) -> u64 {
        let k = &self.params.output.collapse;
        match k.baseline {
            CollapseBaseline::TrailingMedian => {
                let c = self.collapse_cadence_ns();
                collapse_window_ticks(k.baseline_window_s, c) * c
            }
            CollapseBaseline::PreShockMean => self
                .params
                .shocks
                .iter()
                .map(|s| super::secs_to_ns(s.start_s))
                .min()
                .unwrap_or(u64::MAX),
        }
    }

    /// Whether detection starts before the run ends (summary.csv's `collapse_detectable`).
    pub fn collapse_detectable(&self) -> bool {
        self.collapse_detection_start_ns() < self.steps * self.dt_ns
    }

    /// What to tell the user when no collapse can be detected in this run, naming the keys.
    pub fn collapse_warning(&self) -> Option<String> {
        if self.collapse_detectable() {
            return None;
        }
        let k = &self.params.output.collapse;
        let run_s = self.steps as f64 * self.dt_s();
        Some(match k.baseline {
            CollapseBaseline::TrailingMedian => format!(
                "the run ({run_s} s, run.duration_s) is not longer than the collapse \
                 detector's baseline window ({} s, output.collapse.baseline_window_s): no \
                 collapse can be detected (summary.csv: collapse_detectable = false)",
                k.baseline_window_s
            ),
            CollapseBaseline::PreShockMean => format!(
                "the run ({run_s} s, run.duration_s) ends before its first shock, where the \
                 collapse detector's pre-shock baseline ends (output.collapse.baseline): no \
                 collapse can be detected (summary.csv: collapse_detectable = false)"
            ),
        })
    }
}
