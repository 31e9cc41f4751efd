//! The noise groups' flow with memory: `[noise.hawkes]` and `[noise.feedback]`.

use super::MAX_RATE_PER_S;
use super::checker::Checker;
use crate::scenario::{MAX_FEEDBACK_STRENGTH, NoiseParams, ScenarioError};

/// Checks group `i`'s `[noise.hawkes]` and `[noise.feedback]`, naming the key at fault.
pub(super) fn check_memory(c: &Checker, i: usize, g: &NoiseParams) -> Result<(), ScenarioError> {
    let k = |name: &str| format!("noise[{i}].{name}");
    if let Some(h) = &g.hawkes {
        let n = h.branching_ratio;
        if !(n.is_finite() && (0.0..1.0).contains(&n)) {
            return Err(c.fail(
                &k("hawkes.branching_ratio"),
                format!(
                    "must be at least 0 and below 1 (at 1 or above the flow explodes), got {n}"
                ),
            ));
        }
        c.positive(&k("hawkes.decay_per_s"), h.decay_per_s)?;
        if h.decay_per_s > MAX_RATE_PER_S {
            return Err(c.fail(
                &k("hawkes.decay_per_s"),
                format!("must be at most {MAX_RATE_PER_S}, got {}", h.decay_per_s),
            ));
        }
        if g.mu_per_s <= 0.0 {
            return Err(c.fail(
                &k("hawkes"),
                "needs market orders (mu_per_s > 0): they are the exciting events".into(),
            ));
        }
    }
    if let Some(f) = &g.feedback {
        let s = f.strength;
        if !(s.is_finite() && (0.0..=MAX_FEEDBACK_STRENGTH).contains(&s)) {
            return Err(c.fail(
                &k("feedback.strength"),
                format!("must be between 0 and {MAX_FEEDBACK_STRENGTH}, got {s}"),
            ));
        }
        c.positive(
            &k("feedback.vol_ref_ticks_per_sqrt_s"),
            f.vol_ref_ticks_per_sqrt_s,
        )?;
        c.non_negative(&k("feedback.after_s"), f.after_s)?;
    }
    Ok(())
}
