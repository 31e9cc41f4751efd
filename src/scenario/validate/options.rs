//! The options of a market-maker group (`[[market_maker.options]]`, client flow, implied
//! volatility) and the scenario's `[option_time]`: checked, and resolved into the canonical
//! keys (`expiry_s`, `expiries_s`, `implied_vol_per_sqrt_s`) so that the resolved scenario
//! reads the same under any convention.

use super::checker::Checker;
use super::{MAX_LOTS, check_vol};
use crate::scenario::{
    BookParams, MarketMakerParams, OptionTimeParams, ScenarioError, TimeConvention,
};

/// The longest expiry, seconds: 50 years of calendar time (nanoseconds from the open stay
/// far within a u64).
const MAX_EXPIRY_S: f64 = 50.0 * 366.0 * 86_400.0;

/// `[option_time]`, checked, its defaults filled in; refused when no group holds options.
pub(super) fn check_option_time(
    c: &Checker,
    t: &mut Option<OptionTimeParams>,
    groups: &[MarketMakerParams],
) -> Result<OptionTimeParams, ScenarioError> {
    let Some(t) = t.as_mut() else {
        return Ok(OptionTimeParams::default());
    };
    if !groups
        .iter()
        .any(|g| !g.options.is_empty() || g.client_flow.is_some())
    {
        return Err(c.fail(
            "option_time",
            "applies only to a scenario whose makers hold options \
             ([[market_maker.options]] or [market_maker.client_flow])"
                .into(),
        ));
    }
    match t.convention {
        TimeConvention::Trading => {
            let d = *t.trading_day_s.get_or_insert(23_400.0);
            if !(d.is_finite() && d > 0.0 && d <= 86_400.0) {
                return Err(c.fail(
                    "option_time.trading_day_s",
                    format!("must be in (0, 86400] seconds, got {d}"),
                ));
            }
        }
        TimeConvention::Calendar => {
            if t.trading_day_s.is_some() {
                return Err(c.not_applicable(
                    "option_time.trading_day_s",
                    "convention",
                    "calendar",
                ));
            }
        }
    }
    let default_days = match t.convention {
        TimeConvention::Trading => 252.0,
        TimeConvention::Calendar => 365.0,
    };
    let days = *t.days_per_year.get_or_insert(default_days);
    if !(days.is_finite() && days > 0.0 && days <= 366.0) {
        return Err(c.fail(
            "option_time.days_per_year",
            format!("must be in (0, 366], got {days}"),
        ));
    }
    Ok(*t)
}

/// An expiry in seconds from the open: `expiry_s` or the text `expiry` (exactly one), > 0
/// and at most 50 years.
fn resolve_expiry(
    c: &Checker,
    key_s: &str,
    key_text: &str,
    seconds: Option<f64>,
    text: Option<&str>,
    time: &OptionTimeParams,
) -> Result<f64, ScenarioError> {
    let v = match (seconds, text) {
        (Some(_), Some(_)) => {
            return Err(c.fail(
                key_text,
                format!("and {key_s} are two ways of giving one expiry: give one of them"),
            ));
        }
        (None, None) => {
            return Err(c.fail(
                key_s,
                format!(
                    "is required (or {key_text}, e.g. \"30min\", \"1d\", \"1y\"): the options' \
                     expiry"
                ),
            ));
        }
        (Some(s), None) => s,
        (None, Some(t)) => time.parse_expiry_s(t).map_err(|e| c.fail(key_text, e))?,
    };
    if v.is_finite() && v > 0.0 && v <= MAX_EXPIRY_S {
        Ok(v)
    } else {
        Err(c.fail(
            if text.is_some() { key_text } else { key_s },
            format!(
                "must be after the open and at most 50 years: 0 < expiry ≤ {MAX_EXPIRY_S} \
                 seconds, got {v}"
            ),
        ))
    }
}

/// A maker group's options at the open, client flow and option volatility, checked and
/// resolved (expiries in seconds, the volatility per √s, the volatility source's default).
/// The keys apply only together: a volatility without options or flow is refused, as is
/// options or flow without an implied volatility.
pub(super) fn check_options(
    c: &Checker,
    k: &dyn Fn(&str) -> String,
    g: &mut MarketMakerParams,
    book: &BookParams,
    time: &OptionTimeParams,
) -> Result<(), ScenarioError> {
    let has_options = !g.options.is_empty() || g.client_flow.is_some();
    if !has_options {
        for (key, set) in [
            ("option_vol", g.option_vol.is_some()),
            ("implied_vol_per_sqrt_s", g.implied_vol_per_sqrt_s.is_some()),
            ("implied_vol_annual", g.implied_vol_annual.is_some()),
        ] {
            if set {
                return Err(c.fail(
                    &k(key),
                    "applies only to a group with [[market_maker.options]] or \
                     [market_maker.client_flow]"
                        .into(),
                ));
            }
        }
        return Ok(());
    }
    let vol = match (g.implied_vol_per_sqrt_s, g.implied_vol_annual.take()) {
        (Some(_), Some(_)) => {
            return Err(c.fail(
                &k("implied_vol_annual"),
                "and implied_vol_per_sqrt_s are two ways of giving one volatility: give one \
                 of them"
                    .into(),
            ));
        }
        (None, None) => {
            return Err(c.fail(
                &k("implied_vol_per_sqrt_s"),
                "is required with options or client flow (or implied_vol_annual): the \
                 volatility (a fraction per √s, > 0) they are priced with"
                    .into(),
            ));
        }
        (Some(v), None) => {
            check_vol(c, &k("implied_vol_per_sqrt_s"), v)?;
            v
        }
        (None, Some(a)) => {
            if !(a.is_finite() && a > 0.0 && a < 100.0) {
                return Err(c.fail(
                    &k("implied_vol_annual"),
                    format!("must be a volatility per √year, > 0 and < 100, got {a}"),
                ));
            }
            let v = a / time.year_s().sqrt();
            check_vol(c, &k("implied_vol_annual"), v)?;
            v
        }
    };
    g.implied_vol_per_sqrt_s = Some(vol);
    g.option_vol.get_or_insert_default();
    let strike = |key: &str, v: f64| -> Result<(), ScenarioError> {
        c.positive(key, v)?;
        let ticks = v / book.tick_size;
        if (ticks - ticks.round()).abs() > 1e-6 * ticks.max(1.0) || ticks.round() > 1e15 {
            return Err(c.fail(
                key,
                format!(
                    "must be a multiple of the book's tick_size {} (and at most 1e15 ticks), \
                     got {v}",
                    book.tick_size
                ),
            ));
        }
        Ok(())
    };
    for (j, o) in g.options.iter_mut().enumerate() {
        let ko = |name: &str| k(&format!("options[{j}].{name}"));
        match (o.strike, o.strike_ladder) {
            (Some(_), Some(_)) => {
                return Err(c.fail(
                    &ko("strike_ladder"),
                    "and strike are two ways of giving the strikes: give one of them".into(),
                ));
            }
            (None, None) => {
                return Err(c.fail(
                    &ko("strike"),
                    "is required (or strike_ladder = { count = …, spacing = … })".into(),
                ));
            }
            (Some(v), None) => strike(&ko("strike"), v)?,
            (None, Some(l)) => {
                if !(1..=101).contains(&l.count) {
                    return Err(c.fail(
                        &ko("strike_ladder.count"),
                        format!("must be between 1 and 101 strikes, got {}", l.count),
                    ));
                }
                if !(l.spacing.is_finite() && l.spacing >= book.tick_size) {
                    return Err(c.fail(
                        &ko("strike_ladder.spacing"),
                        format!(
                            "must be at least one tick ({}), currency, got {}",
                            book.tick_size, l.spacing
                        ),
                    ));
                }
                let lowest = l.strikes(book.initial_price)[0];
                if lowest < book.tick_size {
                    return Err(c.fail(
                        &ko("strike_ladder"),
                        format!(
                            "reaches a strike of {lowest} below one tick: fewer strikes or a \
                             smaller spacing"
                        ),
                    ));
                }
            }
        }
        let expiry = resolve_expiry(
            c,
            &ko("expiry_s"),
            &ko("expiry"),
            o.expiry_s,
            o.expiry.as_deref(),
            time,
        )?;
        o.expiry_s = Some(expiry);
        o.expiry = None;
        let sizes = [
            ("contracts", o.contracts.is_some()),
            ("gamma_lots_per_tick", o.gamma_lots_per_tick.is_some()),
            ("gamma_lots_per_pct", o.gamma_lots_per_pct.is_some()),
        ];
        let given: Vec<&str> = sizes.iter().filter(|s| s.1).map(|s| s.0).collect();
        if given.len() != 1 {
            return Err(c.fail(
                &ko("contracts"),
                format!(
                    "give the line's size in exactly one of contracts, gamma_lots_per_tick or \
                     gamma_lots_per_pct; got {}",
                    if given.is_empty() {
                        "none".to_string()
                    } else {
                        given.join(" and ")
                    }
                ),
            ));
        }
        if let Some(n) = o.contracts
            && (n == 0 || n.unsigned_abs() > MAX_LOTS)
        {
            return Err(c.fail(
                &ko("contracts"),
                format!(
                    "must be a non-zero number of contracts between -{MAX_LOTS} and \
                     {MAX_LOTS} (positive long, negative short), got {n}"
                ),
            ));
        }
        for (key, v) in [
            ("gamma_lots_per_tick", o.gamma_lots_per_tick),
            ("gamma_lots_per_pct", o.gamma_lots_per_pct),
        ] {
            if let Some(v) = v
                && !(v.is_finite() && v.abs() <= MAX_LOTS as f64)
            {
                return Err(c.fail(
                    &ko(key),
                    format!(
                        "must be a number of lots, at most {MAX_LOTS} in size (positive long \
                         gamma, negative short, 0 no options), got {v}"
                    ),
                ));
            }
        }
        c.lots(&ko("multiplier_lots"), o.multiplier_lots)?;
    }
    if let Some(flow) = g.client_flow.as_mut() {
        let kf = |name: &str| k(&format!("client_flow.{name}"));
        c.positive(&kf("rate_per_s"), flow.rate_per_s)?;
        c.rate(&kf("rate_per_s"), flow.rate_per_s)?;
        if !(0.0..=1.0).contains(&flow.buy_share) {
            return Err(c.fail(
                &kf("buy_share"),
                format!("must be a share between 0 and 1, got {}", flow.buy_share),
            ));
        }
        if !flow.expiries.is_empty() {
            if !flow.expiries_s.is_empty() {
                return Err(c.fail(
                    &kf("expiries"),
                    "and expiries_s are two ways of giving the expiries: give one of them".into(),
                ));
            }
            let mut resolved = Vec::with_capacity(flow.expiries.len().min(1_001));
            for (j, text) in flow.expiries.iter().take(1_001).enumerate() {
                resolved.push(resolve_expiry(
                    c,
                    &kf(&format!("expiries_s[{j}]")),
                    &kf(&format!("expiries[{j}]")),
                    None,
                    Some(text),
                    time,
                )?);
            }
            flow.expiries_s = resolved;
            flow.expiries.clear();
        }
        for (key, n) in [
            ("kinds", flow.kinds.len()),
            ("strikes", flow.strikes.len()),
            ("expiries_s", flow.expiries_s.len()),
        ] {
            if !(1..=1_000).contains(&n) {
                return Err(c.fail(
                    &kf(key),
                    format!("must list between 1 and 1000 values, got {n}"),
                ));
            }
        }
        for (j, &v) in flow.strikes.iter().enumerate() {
            strike(&kf(&format!("strikes[{j}]")), v)?;
        }
        for (j, &v) in flow.expiries_s.iter().enumerate() {
            let key = kf(&format!("expiries_s[{j}]"));
            resolve_expiry(c, &key, &key, Some(v), None, time)?;
        }
        c.lots(&kf("contracts"), flow.contracts)?;
        c.lots(&kf("multiplier_lots"), flow.multiplier_lots)?;
        c.non_negative(&kf("edge_vol_per_sqrt_s"), flow.edge_vol_per_sqrt_s)?;
        if flow.edge_vol_per_sqrt_s >= vol {
            return Err(c.fail(
                &kf("edge_vol_per_sqrt_s"),
                format!(
                    "must be below the implied volatility per √s ({vol}): clients sell at \
                     implied − edge, which must stay a volatility > 0; got {}",
                    flow.edge_vol_per_sqrt_s
                ),
            ));
        }
    }
    Ok(())
}
