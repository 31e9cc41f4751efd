//! A maker group's `[market_maker.hedge]`: the venue, the band and target, and the execution
//! style with the keys that go with it, checked with their defaults filled in.

use super::checker::Checker;
use super::{MAX_LOTS, MAX_SPAN_TICKS, check_book_name};
use crate::scenario::{
    BookParams, ChildStyle, HedgeParams, HedgeStyle, ScenarioError, SliceSchedule,
};

/// A maker group's `[market_maker.hedge]`, checked, its defaults filled in (the venue: the
/// group's own book; the latency: the group's).
pub(super) fn check_hedge(
    c: &Checker,
    k: &dyn Fn(&str) -> String,
    h: &mut HedgeParams,
    books: &[BookParams],
    own_book: usize,
    group_latency_s: f64,
    duration_s: f64,
) -> Result<(), ScenarioError> {
    let venue = check_book_name(c, &k("hedge.venue"), h.venue.as_deref(), books)?;
    if h.venue.is_some() && books[venue].tick_size != books[own_book].tick_size {
        return Err(c.fail(
            &k("hedge.venue"),
            format!(
                "names book {:?} with tick_size {}, but the group's book {:?} has tick_size {}: \
                 a maker's cash and PnL are kept in ticks of its own book, so the venue's tick \
                 must be the same",
                books[venue].name,
                books[venue].tick_size,
                books[own_book].name,
                books[own_book].tick_size
            ),
        ));
    }
    if h.venue.is_some() && books[venue].lot_size != books[own_book].lot_size {
        return Err(c.fail(
            &k("hedge.venue"),
            format!(
                "names book {:?} with lot_size {}, but the group's book {:?} has lot_size {}: \
                 net delta adds lots across books, so the venue's lots must be the same \
                 quantity of the underlying",
                books[venue].name,
                books[venue].lot_size,
                books[own_book].name,
                books[own_book].lot_size
            ),
        ));
    }
    h.venue.get_or_insert_with(|| books[own_book].name.clone());
    if !(0..=MAX_LOTS as i64).contains(&h.band_lots) {
        return Err(c.fail(
            &k("hedge.band_lots"),
            format!("must be between 0 and {MAX_LOTS} lots, got {}", h.band_lots),
        ));
    }
    let target = *h.target_lots.get_or_insert(0);
    if target.unsigned_abs() > h.band_lots as u64 {
        return Err(c.fail(
            &k("hedge.target_lots"),
            format!(
                "must lie within the band, between -{0} and {0} (hedge.band_lots), got {target}",
                h.band_lots
            ),
        ));
    }
    check_hedge_style(c, k, h, duration_s)?;
    c.seconds(
        &k("hedge.min_interval_s"),
        *h.min_interval_s.get_or_insert(0.0),
        0.0,
        duration_s,
    )?;
    c.seconds(
        &k("hedge.latency_s"),
        *h.latency_s.get_or_insert(group_latency_s),
        0.0,
        duration_s,
    )?;
    Ok(())
}

/// A hedge's style and the keys that go with it: each key applies to some styles only
/// (refused with the others), and some are required by theirs; defaults filled in.
fn check_hedge_style(
    c: &Checker,
    k: &dyn Fn(&str) -> String,
    h: &mut HedgeParams,
    duration_s: f64,
) -> Result<(), ScenarioError> {
    let style = match h.style {
        HedgeStyle::Market => "market",
        HedgeStyle::Ioc => "ioc",
        HedgeStyle::Passive => "passive",
        HedgeStyle::Sliced => "sliced",
    };
    let ratio = *h.hedge_ratio.get_or_insert(1.0);
    if !(ratio.is_finite() && ratio > 0.0 && ratio <= 1.0) {
        return Err(c.fail(
            &k("hedge.hedge_ratio"),
            format!("must be in (0, 1] (the share of the distance to the target a hedge trades), got {ratio}"),
        ));
    }
    let sliced = h.style == HedgeStyle::Sliced;
    let passive_children = h.style == HedgeStyle::Passive
        || (sliced && h.child_style.unwrap_or_default() == ChildStyle::Passive);
    // (key, whether it is set, whether it applies to this style)
    let applies = [
        (
            "max_slippage_ticks",
            h.max_slippage_ticks.is_some(),
            h.style != HedgeStyle::Market,
        ),
        (
            "max_wait_s",
            h.max_wait_s.is_some(),
            h.style == HedgeStyle::Passive,
        ),
        ("improve", h.improve.is_some(), passive_children),
        ("horizon_s", h.horizon_s.is_some(), sliced),
        ("slices", h.slices.is_some(), sliced),
        ("schedule", h.schedule.is_some(), sliced),
        ("child_style", h.child_style.is_some(), sliced),
        (
            "participation",
            h.participation.is_some(),
            sliced && h.schedule == Some(SliceSchedule::Volume),
        ),
    ];
    for (key, set, ok) in applies {
        if set && !ok {
            let (what, chosen) = match key {
                "participation" if sliced => ("schedule", "clock"),
                "improve" if sliced => ("child_style", "ioc"),
                _ => ("style", style),
            };
            return Err(c.not_applicable(&k(&format!("hedge.{key}")), what, chosen));
        }
    }
    let required = |key: &str, what: &str| {
        c.fail(
            &k(&format!("hedge.{key}")),
            format!("is required with {what}"),
        )
    };
    if h.style != HedgeStyle::Market {
        let Some(t) = h.max_slippage_ticks else {
            return Err(required(
                "max_slippage_ticks",
                &format!(
                    "style = \"{style}\" (an IOC's limit distance from the mid when it is \
                     sent, ticks, ≥ 0)"
                ),
            ));
        };
        if t as usize > MAX_SPAN_TICKS {
            return Err(c.fail(
                &k("hedge.max_slippage_ticks"),
                format!("must be at most {MAX_SPAN_TICKS}, got {t}"),
            ));
        }
    }
    if h.style == HedgeStyle::Passive {
        let Some(w) = h.max_wait_s else {
            return Err(required(
                "max_wait_s",
                "style = \"passive\" (seconds the hedge rests before its rest is escalated, > 0)",
            ));
        };
        c.positive(&k("hedge.max_wait_s"), w)?;
        c.seconds(&k("hedge.max_wait_s"), w, 0.0, duration_s)?;
    }
    if sliced {
        let Some(horizon) = h.horizon_s else {
            return Err(required(
                "horizon_s",
                "style = \"sliced\" (seconds over which the slices run, > 0)",
            ));
        };
        c.positive(&k("hedge.horizon_s"), horizon)?;
        c.seconds(&k("hedge.horizon_s"), horizon, 0.0, duration_s)?;
        let slices = *h.slices.get_or_insert(5);
        if !(1..=10_000).contains(&slices) {
            return Err(c.fail(
                &k("hedge.slices"),
                format!("must be between 1 and 10000, got {slices}"),
            ));
        }
        h.schedule.get_or_insert_default();
        h.child_style.get_or_insert_default();
        if h.schedule == Some(SliceSchedule::Volume) {
            let Some(p) = h.participation else {
                return Err(required(
                    "participation",
                    "schedule = \"volume\" (the share of the venue's traded lots, in (0, 1])",
                ));
            };
            if !(p.is_finite() && p > 0.0 && p <= 1.0) {
                return Err(c.fail(
                    &k("hedge.participation"),
                    format!("must be in (0, 1], got {p}"),
                ));
            }
        }
    }
    if passive_children {
        h.improve.get_or_insert(false);
    }
    Ok(())
}
