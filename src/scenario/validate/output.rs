//! `[output]`: sampling intervals, depth bands, and the collapse detector's `[output.collapse]`.

use super::MAX_SPAN_TICKS;
use super::checker::Checker;
use crate::scenario::{
    CollapseBaseline, DEFAULT_COLLAPSE_CADENCE_S, ScenarioError, ScenarioFile,
    collapse_window_ticks, secs_to_ns,
};

/// Checks `[output]` and `[output.collapse]`, fills in the detector's cadence and
/// `require_detection`, and returns the cadence in steps of `dt_ns`. `asks_for_collapse`: the
/// file has an `[output.collapse]` table, so unless it says otherwise
/// (`require_detection = false`), a run too short for its baseline is refused rather than
/// reported as undetectable.
pub(super) fn check_output(
    c: &Checker,
    f: &mut ScenarioFile,
    dt_ns: u64,
    asks_for_collapse: bool,
) -> Result<u64, ScenarioError> {
    let o = &f.output;
    if o.format == crate::scenario::OutputFormat::Parquet && !cfg!(feature = "parquet") {
        return Err(c.fail("output.format", crate::scenario::NO_PARQUET.into()));
    }
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
    let every_steps = check_cadence(c, f, dt_ns)?;
    let k = &f.output.collapse;
    let cadence_s = k.cadence_s.expect("filled in");
    c.positive("output.collapse.impact_window_s", k.impact_window_s)?;
    c.seconds(
        "output.collapse.impact_horizon_s",
        k.impact_horizon_s,
        cadence_s,
        f64::INFINITY,
    )?;
    if k.impact_horizon_s >= k.impact_window_s {
        return Err(c.fail(
            "output.collapse.impact_horizon_s",
            format!(
                "must be shorter than output.collapse.impact_window_s ({} s), got {} \
                 (σ needs several price changes over the horizon within the window)",
                k.impact_window_s, k.impact_horizon_s
            ),
        ));
    }
    c.seconds(
        "output.collapse.impact_permanent_after_s",
        k.impact_permanent_after_s,
        0.0,
        f64::MAX,
    )?;
    if k.baseline_window_s < cadence_s {
        return Err(c.fail(
            "output.collapse.baseline_window_s",
            format!(
                "must be at least output.collapse.cadence_s ({cadence_s} s), got {}",
                k.baseline_window_s
            ),
        ));
    }
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
    if k.baseline == CollapseBaseline::PreShockMean && first_shock_s < cadence_s {
        return Err(c.fail(
            "output.collapse.baseline",
            format!(
                "is \"pre_shock_mean\" but the first shock starts at {first_shock_s} s, before \
                 the detector's first look at the book (output.collapse.cadence_s, \
                 {cadence_s} s): there is no depth before it to average"
            ),
        ));
    }
    let required = *f
        .output
        .collapse
        .require_detection
        .get_or_insert(asks_for_collapse);
    let k = &f.output.collapse;
    if required {
        let run_s = f.run.duration_s;
        let cadence_ns = every_steps * dt_ns;
        let run_ns = secs_to_ns(run_s);
        let window_ns = collapse_window_ticks(k.baseline_window_s, cadence_ns) * cadence_ns;
        match k.baseline {
            CollapseBaseline::TrailingMedian if window_ns >= run_ns => {
                return Err(c.fail(
                    "output.collapse.baseline_window_s",
                    format!(
                        "is {} s, but the run lasts {run_s} s (run.duration_s): detection starts \
                         only once a whole window has been seen, so this run could never show \
                         a collapse. Shorten the window or lengthen the run (or set \
                         output.collapse.require_detection = false)",
                        k.baseline_window_s
                    ),
                ));
            }
            CollapseBaseline::PreShockMean if first_shock_s >= run_s => {
                return Err(c.fail(
                    "output.collapse.baseline",
                    format!(
                        "is \"pre_shock_mean\", but the first shock starts at {first_shock_s} \
                         s and the run lasts {run_s} s (run.duration_s): detection starts with \
                         that shock, so this run could never show a collapse"
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(every_steps)
}

/// Checks `output.collapse.cadence_s` (a positive multiple of the step, no longer than
/// `min_duration_s` when that is positive) or fills in its default; its steps.
fn check_cadence(c: &Checker, f: &mut ScenarioFile, dt_ns: u64) -> Result<u64, ScenarioError> {
    const KEY: &str = "output.collapse.cadence_s";
    let dt_s = f.run.dt_s;
    let steps = match f.output.collapse.cadence_s {
        None => {
            let steps = secs_to_ns(DEFAULT_COLLAPSE_CADENCE_S)
                .div_ceil(dt_ns)
                .max(1);
            f.output.collapse.cadence_s = Some(steps as f64 * dt_s);
            steps
        }
        Some(v) => {
            c.positive(KEY, v)?;
            let steps = secs_to_ns(v) / dt_ns;
            if steps == 0 || !secs_to_ns(v).is_multiple_of(dt_ns) {
                return Err(c.fail(
                    KEY,
                    format!(
                        "must be a whole number of steps of run.dt_s ({dt_s} s), got {v} \
                         (the detector looks at the book at the end of a step)"
                    ),
                ));
            }
            steps
        }
    };
    let cadence_s = f.output.collapse.cadence_s.expect("filled in");
    let d = f.output.collapse.min_duration_s;
    if d > 0.0 && cadence_s > d {
        return Err(c.fail(
            KEY,
            format!(
                "is {cadence_s} s, longer than output.collapse.min_duration_s ({d} s): the \
                 detector could not tell a dip of that length from a longer one. Shorten the \
                 cadence (it must stay a whole number of steps of run.dt_s, {dt_s} s)"
            ),
        ));
    }
    if cadence_s > f.run.duration_s {
        return Err(c.fail(
            KEY,
            format!(
                "is {cadence_s} s, longer than the run ({} s, run.duration_s)",
                f.run.duration_s
            ),
        ));
    }
    Ok(steps)
}
