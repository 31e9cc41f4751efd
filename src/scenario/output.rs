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
}

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
        }
    }
}

/// Where a collapse's baseline depth comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CollapseBaseline {
    /// The median depth of the trailing `baseline_window_s` (samples outside dips): follows
    /// slow changes, flags sudden ones. Detection starts once the first window is full.
    #[default]
    TrailingMedian,
    /// The mean depth of every sample before the first shock starts: one yardstick for the
    /// whole run. Detection starts with the first shock (the scenario needs one).
    PreShockMean,
}

/// `[output.collapse]`: a depth-collapse episode, per book and side, starts when the depth
/// within `band_ticks` of the mid stays below `fraction` of its baseline for at least
/// `min_duration_s`, and ends when it has been back at or above `recover` of it for as long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollapseParams {
    /// Depth is the resting lots within this many ticks of the mid, per side. Default 5.
    #[serde(default = "default_collapse_band")]
    pub band_ticks: u32,
    /// `trailing_median` (default) or `pre_shock_mean`.
    #[serde(default)]
    pub baseline: CollapseBaseline,
    /// The trailing median's window, seconds (> 0). Default 300.
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
}

impl Default for CollapseParams {
    fn default() -> Self {
        CollapseParams {
            band_ticks: default_collapse_band(),
            baseline: CollapseBaseline::default(),
            baseline_window_s: default_collapse_window(),
            fraction: default_collapse_fraction(),
            recover: default_collapse_recover(),
            min_duration_s: default_collapse_duration(),
        }
    }
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
