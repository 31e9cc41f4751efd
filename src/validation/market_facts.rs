//! The facts of a market that the reference-market, Santa Fe, Hawkes, crisis and crash
//! checks compare with published values, read from one run's files after the warm-up:
//!
//! - from the mid at 1-s samples: the lag-one autocorrelation of returns at 1, 10 and 60 s, the
//!   autocorrelation of absolute 1-s returns at lags of 10 s, 60 s and 300 s, and the excess kurtosis
//!   of returns at 1, 10, 60 and 300 s ([`crate::report::stats`]; returns are mid changes in
//!   ticks, which over an hour are log returns to within 10⁻³);
//! - from book.csv: the mean spread (ticks), the share of samples with a one-tick spread, the
//!   depth per tick between the first two depth bands (far from the mid), and the first
//!   sample with a side of the book empty;
//! - from l2.csv: the mean lots at the best quote;
//! - from trades.csv: the makers' markouts (the mid `MARKOUT_S` later against the fill price,
//!   ticks per lot, signed in the maker's favour) on fills against informed and against noise
//!   takers;
//! - from episodes.csv: the peak move over the square-root law's prediction in the episode in
//!   which a program filled the most;
//! - from summary.csv: the makers' PnL, the hot-potato ratio and market orders per second.

use super::measure::MeasureError;
use crate::record::rows::SummaryRow;
use crate::report::read::Csv;
use crate::report::stats::{acf, excess_kurtosis};
use std::path::Path;

/// Seconds after a fill at which its markout is scored.
pub const MARKOUT_S: usize = 5;
/// Return horizons of the kurtosis, s.
pub const KURTOSIS_S: [usize; 4] = [1, 10, 60, 300];
/// Lags of the absolute-return autocorrelation, in 1-s returns (10 s, 60 s, 300 s).
pub const ABS_LAGS: [usize; 3] = [10, 60, 300];

/// One run's market facts (`None`: not measurable in this run).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MarketFacts {
    /// Lag-one autocorrelation of 1-s mid changes.
    pub acf_1s: Option<f64>,
    /// Lag-one autocorrelation of 10-s mid changes.
    pub acf_10s: Option<f64>,
    /// The same at 60 s.
    pub acf_60s: Option<f64>,
    /// Autocorrelation of |1-s mid changes| at [`ABS_LAGS`].
    pub abs_acf: [Option<f64>; 3],
    /// Excess kurtosis of mid changes at [`KURTOSIS_S`].
    pub kurtosis: [Option<f64>; 4],
    /// Mean spread, ticks (samples with both sides).
    pub spread_ticks: Option<f64>,
    /// Share of samples with a one-tick spread.
    pub one_tick_share: Option<f64>,
    /// Lots per tick per side between the first two depth bands.
    pub far_depth_lots_per_tick: Option<f64>,
    /// Mean lots at the best quote (l2.csv level 1, both sides).
    pub best_lots: Option<f64>,
    /// Makers' markout on fills against informed takers, ticks per lot.
    pub markout_vs_informed: Option<f64>,
    /// Makers' markout on fills against noise takers, ticks per lot.
    pub markout_vs_noise: Option<f64>,
    /// Makers' PnL (summary.csv `pnl_market_makers`), currency.
    pub maker_pnl: Option<f64>,
    /// summary.csv `hot_potato_ratio`.
    pub hot_potato_ratio: Option<f64>,
    /// Market orders per second over the run (summary.csv).
    pub market_orders_per_s: Option<f64>,
    /// The run's length, s.
    pub duration_s: Option<f64>,
    /// `impact_ratio_peak` of the episode in which a program filled the most.
    pub crash_impact_ratio: Option<f64>,
    /// The first book.csv sample after the warm-up with a side of the book empty, s.
    pub first_empty_side_s: Option<f64>,
}

/// Mid changes over `h` samples, non-overlapping.
fn changes(mids: &[f64], h: usize) -> Vec<f64> {
    mids.iter()
        .step_by(h.max(1))
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect()
}

/// The facts from the mid series (1-s samples from the warm-up on).
pub fn return_facts(mids: &[f64], f: &mut MarketFacts) {
    f.acf_1s = acf(&changes(mids, 1), 1)[0];
    f.acf_10s = acf(&changes(mids, 10), 1)[0];
    f.acf_60s = acf(&changes(mids, 60), 1)[0];
    let abs: Vec<f64> = changes(mids, 1).iter().map(|x| x.abs()).collect();
    let a = acf(&abs, ABS_LAGS[2]);
    for (slot, lag) in f.abs_acf.iter_mut().zip(ABS_LAGS) {
        *slot = a[lag - 1];
    }
    for (slot, h) in f.kurtosis.iter_mut().zip(KURTOSIS_S) {
        let r = changes(mids, h);
        *slot = if r.len() >= 30 {
            excess_kurtosis(&r)
        } else {
            None
        };
    }
}

/// Reads every fact of the run in `dir` (first book) whose mid series from `t0_s` on is
/// `mids` (ticks, 1-s samples).
pub fn measure(
    dir: &Path,
    summary: &SummaryRow,
    mids: &[f64],
    t0_s: f64,
    warmup_s: f64,
    tick: f64,
) -> Result<MarketFacts, MeasureError> {
    let mut f = MarketFacts::default();
    return_facts(mids, &mut f);
    book_facts(dir, warmup_s, tick, &mut f)?;
    l2_facts(dir, warmup_s, &mut f)?;
    markouts(dir, mids, t0_s, warmup_s, tick, &mut f)?;
    f.crash_impact_ratio = crash_ratio(dir)?;
    f.maker_pnl = Some(summary.pnl_market_makers);
    f.hot_potato_ratio = summary.hot_potato_ratio;
    f.duration_s = Some(summary.duration_s);
    f.market_orders_per_s =
        (summary.duration_s > 0.0).then(|| summary.market_orders as f64 / summary.duration_s);
    Ok(f)
}

fn book_facts(
    dir: &Path,
    warmup_s: f64,
    tick: f64,
    f: &mut MarketFacts,
) -> Result<(), MeasureError> {
    let mut csv = Csv::open(
        &dir.join("book.csv"),
        &["t_s", "book", "spread", "best_bid", "best_ask"],
    )?;
    let (t, b, s) = (csv.req("t_s"), csv.req("book"), csv.req("spread"));
    let (bid, ask) = (csv.req("best_bid"), csv.req("best_ask"));
    // the first two depth bands, ticks, and their columns per side
    let bands: Vec<(u64, usize, usize)> = {
        let h = csv.header().clone();
        let mut v = Vec::new();
        for name in h.iter() {
            if let Some(k) = name
                .strip_prefix("depth_bid_")
                .and_then(|r| r.strip_suffix("t_lots"))
                .and_then(|k| k.parse::<u64>().ok())
                && let (Some(bid), Some(ask)) =
                    (csv.col(name), csv.col(&format!("depth_ask_{k}t_lots")))
            {
                v.push((k, bid, ask));
            }
        }
        v
    };
    let (mut first, mut n, mut sum, mut one, mut far, mut far_n) =
        (None::<String>, 0u64, 0.0, 0u64, 0.0, 0u64);
    while csv.next_row()? {
        let name = csv.str(b);
        let t_s = csv.num(t)?;
        if first.get_or_insert_with(|| name.to_string()) != name || t_s <= warmup_s {
            continue;
        }
        if f.first_empty_side_s.is_none() && (csv.str(bid).is_empty() || csv.str(ask).is_empty()) {
            f.first_empty_side_s = Some(t_s);
        }
        if let Some(sp) = csv.f64(s)? {
            let ticks = (sp / tick).round();
            sum += ticks;
            n += 1;
            one += u64::from(ticks == 1.0);
        }
        if let [(k1, b1, a1), (k2, b2, a2), ..] = bands[..] {
            let d = (csv.num(b2)? - csv.num(b1)? + csv.num(a2)? - csv.num(a1)?) / 2.0;
            far += d / (k2 - k1) as f64;
            far_n += 1;
        }
    }
    if n > 0 {
        f.spread_ticks = Some(sum / n as f64);
        f.one_tick_share = Some(one as f64 / n as f64);
    }
    f.far_depth_lots_per_tick = (far_n > 0).then(|| far / far_n as f64);
    Ok(())
}

fn l2_facts(dir: &Path, warmup_s: f64, f: &mut MarketFacts) -> Result<(), MeasureError> {
    let path = dir.join("l2.csv");
    if !path.exists() {
        return Ok(());
    }
    let mut csv = Csv::open(&path, &["t_s", "book", "level", "qty_lots"])?;
    let (t, b, l, q) = (
        csv.req("t_s"),
        csv.req("book"),
        csv.req("level"),
        csv.req("qty_lots"),
    );
    let (mut first, mut sum, mut n) = (None::<String>, 0.0, 0u64);
    while csv.next_row()? {
        let name = csv.str(b);
        if first.get_or_insert_with(|| name.to_string()) != name
            || csv.num(t)? <= warmup_s
            || csv.str(l) != "1"
        {
            continue;
        }
        sum += csv.num(q)?;
        n += 1;
    }
    f.best_lots = (n > 0).then(|| sum / n as f64);
    Ok(())
}

fn markouts(
    dir: &Path,
    mids: &[f64],
    t0_s: f64,
    warmup_s: f64,
    tick: f64,
    f: &mut MarketFacts,
) -> Result<(), MeasureError> {
    let path = dir.join("trades.csv");
    if !path.exists() || mids.is_empty() {
        return Ok(());
    }
    let mut csv = Csv::open(
        &path,
        &[
            "t_s",
            "price",
            "qty_lots",
            "aggressor",
            "buyer_kind",
            "seller_kind",
        ],
    )?;
    let (t, p, q, agg, bk, sk) = (
        csv.req("t_s"),
        csv.req("price"),
        csv.req("qty_lots"),
        csv.req("aggressor"),
        csv.req("buyer_kind"),
        csv.req("seller_kind"),
    );
    // (Σ markout × lots, Σ lots) against informed and against noise takers
    let mut acc = [(0.0, 0.0); 2];
    while csv.next_row()? {
        let t_s = csv.num(t)?;
        if t_s <= warmup_s {
            continue;
        }
        let buy_aggressor = csv.str(agg) == "buy";
        let (maker, taker) = if buy_aggressor { (sk, bk) } else { (bk, sk) };
        if csv.str(maker) != "market_maker" {
            continue;
        }
        let slot = match csv.str(taker) {
            "informed" => 0,
            "noise" => 1,
            _ => continue,
        };
        // the first 1-s sample at or after t + MARKOUT_S
        let i = (t_s + MARKOUT_S as f64 - t0_s).ceil();
        let Some(&later) = (i >= 0.0).then(|| mids.get(i as usize)).flatten() else {
            continue;
        };
        let price = csv.num(p)? / tick;
        let lots = csv.num(q)?;
        // the maker bought when the aggressor sold
        let sign = if buy_aggressor { -1.0 } else { 1.0 };
        acc[slot].0 += sign * (later - price) * lots;
        acc[slot].1 += lots;
    }
    let per_lot = |(x, n): (f64, f64)| (n > 0.0).then(|| x / n);
    f.markout_vs_informed = per_lot(acc[0]);
    f.markout_vs_noise = per_lot(acc[1]);
    Ok(())
}

fn crash_ratio(dir: &Path) -> Result<Option<f64>, MeasureError> {
    let path = dir.join("episodes.csv");
    if !path.exists() {
        return Ok(None);
    }
    let mut csv = Csv::open(
        &path,
        &[
            "start_s",
            "impact_q_lots",
            "impact_q_source",
            "impact_ratio_peak",
        ],
    )?;
    let (s, q, src, r) = (
        csv.req("start_s"),
        csv.req("impact_q_lots"),
        csv.req("impact_q_source"),
        csv.req("impact_ratio_peak"),
    );
    // the program's episode with the most negative Q (the largest sale), earliest first
    let mut best: Option<(f64, f64, Option<f64>)> = None;
    while csv.next_row()? {
        if csv.str(src) != "program" {
            continue;
        }
        let (Some(lots), start) = (csv.f64(q)?, csv.num(s)?) else {
            continue;
        };
        let ratio = csv.f64(r)?;
        if best.is_none_or(|(bq, bs, _)| lots < bq || (lots == bq && start < bs)) {
            best = Some((lots, start, ratio));
        }
    }
    Ok(best.and_then(|b| b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_random_walk_has_no_return_autocorrelation_and_a_trend_has_some() {
        // an alternating ±1 path at 1-s samples: 10-s changes are 0, so no autocorrelation
        let mut f = MarketFacts::default();
        let walk: Vec<f64> = (0..3000).map(|i| f64::from(i % 2)).collect();
        return_facts(&walk, &mut f);
        assert_eq!(f.acf_10s, None, "constant changes");
        // a path whose 10-s changes alternate +1, −1: lag-one autocorrelation −1
        let zigzag: Vec<f64> = (0..3000).map(|i| f64::from((i / 10) % 2)).collect();
        return_facts(&zigzag, &mut f);
        assert!(f.acf_10s.unwrap() < -0.99, "{:?}", f.acf_10s);
    }
}
