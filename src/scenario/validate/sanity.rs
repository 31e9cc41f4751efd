//! Checks that look at several keys together: values that are each in range but together
//! make a run meaningless (a fundamental that reaches 0, a maker that could never quote, an
//! output name that is no folder name).

use super::checker::Checker;
use super::{DEFAULT_GAMMA, DEFAULT_HALF_SPREAD_TICKS, DEFAULT_HORIZON_S, DEFAULT_K};
use crate::scenario::{
    BookParams, FundamentalModel, MarketMakerParams, QuoteStrategy, ScenarioError, ScenarioFile,
};

/// Widest range of the fundamental over a run, as a factor of its start, that a GBM may reach
/// on a 4-standard-deviation path.
const MAX_GBM_RANGE_FACTOR: f64 = 1000.0;

/// The fundamental must stay meaningful over the run: a 4-standard-deviation path (diffusion
/// and jumps together) may not take a random walk below zero, nor move a GBM by more than a
/// factor [`MAX_GBM_RANGE_FACTOR`] (beyond which it heads to 0 or to prices the book cannot hold).
pub(super) fn check_fundamental_range(
    c: &Checker,
    f: &ScenarioFile,
    start: f64,
) -> Result<(), ScenarioError> {
    let fu = &f.fundamental;
    let t = f.run.duration_s;
    let jumps = fu.jump_rate_per_s * t;
    let diffusion_var = fu.volatility_per_sqrt_s * fu.volatility_per_sqrt_s * t;
    let jump_var = jumps * (fu.jump_sd * fu.jump_sd + fu.jump_mean * fu.jump_mean);
    let reach = (fu.jump_mean * jumps).abs() + 4.0 * (diffusion_var + jump_var).sqrt();
    let key = if diffusion_var >= jump_var {
        "fundamental.volatility_per_sqrt_s"
    } else {
        "fundamental.jump_sd"
    };
    match fu.model {
        FundamentalModel::RandomWalk if reach >= start => Err(c.fail(
            key,
            format!(
                "is too large for run.duration_s = {t}: a 4-standard-deviation path of the \
                 random walk (with its jumps) moves {reach:.4} in currency, more than the \
                 opening price {}: the value would go below zero. Lower it, shorten the run, \
                 or use model = \"gbm\"",
                start
            ),
        )),
        FundamentalModel::Gbm if reach > libm::log(MAX_GBM_RANGE_FACTOR) => Err(c.fail(
            key,
            format!(
                "is too large for run.duration_s = {t}: a 4-standard-deviation path of the \
                 GBM (with its jumps) moves the value by a factor e^{reach:.2} = {:.3e}; at \
                 most {MAX_GBM_RANGE_FACTOR} is allowed (the value would head to 0 or beyond \
                 what the book can price). Lower it or shorten the run",
                libm::exp(reach)
            ),
        )),
        _ => Ok(()),
    }
}

/// A maker whose quotes at the start (zero inventory, prior volatility) would have a bid below
/// one tick, or a spread wider than half the book's span, could never quote: refused.
pub(super) fn check_maker_can_quote(
    c: &Checker,
    i: usize,
    g: &MarketMakerParams,
    m: &BookParams,
) -> Result<(), ScenarioError> {
    let var = g.sigma_prior_ticks_per_sqrt_s * g.sigma_prior_ticks_per_sqrt_s;
    let (half, key, what) = match g.strategy {
        QuoteStrategy::AvellanedaStoikov => {
            let (gamma, k, tau) = (
                g.gamma.unwrap_or(DEFAULT_GAMMA),
                g.k.unwrap_or(DEFAULT_K),
                g.horizon_s.unwrap_or(DEFAULT_HORIZON_S),
            );
            let risk = gamma * var * tau;
            let intensity = 2.0 / gamma * libm::log1p(gamma / k);
            let key = if risk >= intensity { "gamma" } else { "k" };
            (
                0.5 * (risk + intensity),
                key,
                format!(
                    "γσ²τ + (2/γ)·ln(1 + γ/k) = {risk:.4} + {intensity:.4} ticks \
                     (gamma, k, horizon_s and sigma_prior_ticks_per_sqrt_s together)"
                ),
            )
        }
        QuoteStrategy::Fixed => {
            let h = g.half_spread_ticks.unwrap_or(DEFAULT_HALF_SPREAD_TICKS);
            (h, "half_spread_ticks", format!("2 × {h} ticks"))
        }
    };
    let price_ticks = m.initial_price / m.tick_size;
    let room = (price_ticks - 1.0).min(m.max_span_ticks as f64 / 4.0);
    if half.is_finite() && half < room {
        return Ok(());
    }
    Err(c.fail(
        &format!("market_maker[{i}].{key}"),
        format!(
            "gives a quoted spread of {what} at the start; its half must be below {room:.0} \
             ticks (the opening price is {price_ticks:.0} ticks, the book spans at most {} \
             ticks), or the maker could never quote",
            m.max_span_ticks
        ),
    ))
}

/// Longest `run.name`, bytes: the hidden partial folder adds about 40 bytes to it, and most
/// file systems allow 255 in a name.
const MAX_NAME_BYTES: usize = 200;

/// `run.name` (or the file stem) becomes a folder name: it must be one, on every platform.
pub(super) fn check_name(c: &Checker, name: &str) -> Result<(), ScenarioError> {
    let bad = |why: &str| {
        Err(c.fail(
            "run.name",
            format!("must be a plain folder name ({why}), got {name:?}"),
        ))
    };
    if name.is_empty() || name == "." || name == ".." {
        return bad("not empty, `.` or `..`");
    }
    if name.len() > MAX_NAME_BYTES {
        return bad(&format!(
            "at most {MAX_NAME_BYTES} bytes, this has {}",
            name.len()
        ));
    }
    if name.contains(['/', '\\']) {
        return bad("no path separator");
    }
    if name.chars().any(char::is_control) {
        return bad("no NUL, newline or other control character");
    }
    if name.starts_with('.') {
        return bad("not starting with `.`: hidden names are kept for partial outputs");
    }
    Ok(())
}
