//! `[output]`: sampling intervals, depth bands, and the collapse detector's `[output.collapse]`.

use super::MAX_SPAN_TICKS;
use super::checker::Checker;
use crate::scenario::{CollapseBaseline, ScenarioError, ScenarioFile};

/// Checks `[output]` and `[output.collapse]`.
pub(super) fn check_output(c: &Checker, f: &ScenarioFile) -> Result<(), ScenarioError> {
    let o = &f.output;
    c.positive("output.sample_interval_s", o.sample_interval_s)?;
    c.positive(
        "output.agents_sample_interval_s",
        o.agents_sample_interval_s,
    )?;
    let band_ok = |b: u32| b >= 1 && b as usize <= MAX_SPAN_TICKS;
    if let Some(&b) = o.depth_bands_ticks.iter().find(|&&b| !band_ok(b)) {
        return Err(c.fail(
            "output.depth_bands_ticks",
            format!(
                "bands must be between 1 and {MAX_SPAN_TICKS} ticks, got {b} \
                 (a band of 0 ticks around the mid never holds an order)"
            ),
        ));
    }
    let mut bands = o.depth_bands_ticks.clone();
    bands.sort_unstable();
    if let Some(w) = bands.windows(2).find(|w| w[0] == w[1]) {
        return Err(c.fail(
            "output.depth_bands_ticks",
            format!("lists {} twice; each band gives its own columns", w[0]),
        ));
    }
    if o.depth_bands_ticks.is_empty() {
        return Err(c.fail(
            "output.depth_bands_ticks",
            "must list at least one band, e.g. [5, 10]".into(),
        ));
    }

    let k = &o.collapse;
    if !band_ok(k.band_ticks) {
        return Err(c.fail(
            "output.collapse.band_ticks",
            format!(
                "must be between 1 and {MAX_SPAN_TICKS} ticks, got {}",
                k.band_ticks
            ),
        ));
    }
    c.positive("output.collapse.baseline_window_s", k.baseline_window_s)?;
    if !(k.fraction.is_finite() && k.fraction > 0.0 && k.fraction < 1.0) {
        return Err(c.fail(
            "output.collapse.fraction",
            format!(
                "must be a fraction of the baseline depth in (0, 1), got {}",
                k.fraction
            ),
        ));
    }
    if !(k.recover.is_finite() && k.recover > k.fraction && k.recover <= 1.0) {
        return Err(c.fail(
            "output.collapse.recover",
            format!(
                "must be above output.collapse.fraction ({}) and at most 1, got {} \
                 (an episode ends when depth is back at this fraction of its baseline)",
                k.fraction, k.recover
            ),
        ));
    }
    c.seconds(
        "output.collapse.min_duration_s",
        k.min_duration_s,
        0.0,
        f.run.duration_s.max(0.0),
    )?;
    if k.baseline == CollapseBaseline::PreShockMean && f.shocks.is_empty() {
        return Err(c.fail(
            "output.collapse.baseline",
            "is \"pre_shock_mean\" but the scenario has no [[shocks]]: add one, or use \
             \"trailing_median\""
                .into(),
        ));
    }
    let first_shock_s = f
        .shocks
        .iter()
        .map(|s| s.start_s)
        .fold(f64::INFINITY, f64::min);
    if k.baseline == CollapseBaseline::PreShockMean && first_shock_s < o.sample_interval_s {
        return Err(c.fail(
            "output.collapse.baseline",
            format!(
                "is \"pre_shock_mean\" but the first shock starts at {first_shock_s} s, before \
                 the first book sample ({} s): there is no depth before it to average",
                o.sample_interval_s
            ),
        ));
    }
    Ok(())
}
