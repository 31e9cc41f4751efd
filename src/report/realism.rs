//! The realism page's facts, per book: the autocorrelation of mid returns and of their
//! absolute values at several sampling intervals, excess kurtosis against aggregation, the
//! spread's distribution in ticks, the mean depth profile (l2.csv) and the mid's move after
//! an aggressive order against the order's size (trades.csv). trades.csv and l2.csv are
//! streamed: nothing per row is kept. The maths is in [`super::stats`].

use super::error::ReportError;
use super::load::BookData;
use super::read::{Csv, RunInfo};
use super::stats::{
    acf, bucket_range, excess_kurtosis, log_returns, mean, size_bucket, white_noise_band,
};
use std::collections::BTreeMap;

/// Sampling intervals of the return autocorrelations, s.
pub const ACF_INTERVALS_S: [f64; 3] = [1.0, 10.0, 60.0];
/// Lags of the autocorrelations.
pub const MAX_LAG: usize = 10;
/// Aggregation intervals of the kurtosis curve, s.
pub const KURTOSIS_INTERVALS_S: [f64; 9] = [1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0];
/// Fewest returns an interval needs to be shown.
pub const MIN_RETURNS: usize = 30;
/// Fewest orders a size bucket needs to be shown on the impact curve.
pub const MIN_ORDERS: u64 = 10;

/// The autocorrelations at one sampling interval.
#[derive(Debug, Clone)]
pub struct AcfRow {
    /// Sampling interval, s.
    pub interval_s: f64,
    /// Returns used.
    pub n: usize,
    /// Autocorrelation of returns at lags 1..=[`MAX_LAG`].
    pub returns: Vec<Option<f64>>,
    /// Autocorrelation of absolute returns at the same lags.
    pub abs_returns: Vec<Option<f64>>,
}

/// One size bucket of the impact curve.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImpactBucket {
    /// Aggressive orders in it.
    pub orders: u64,
    /// Sum of their sizes, lots.
    pub lots: f64,
    /// Sum of their signed mid moves, ticks.
    pub impact_ticks: f64,
}

/// What the realism page shows of one book.
#[derive(Debug, Clone, Default)]
pub struct BookFacts {
    /// The book's name.
    pub book: String,
    /// Return autocorrelations by interval.
    pub acf: Vec<AcfRow>,
    /// `(interval s, returns, excess kurtosis)`.
    pub kurtosis: Vec<(f64, usize, f64)>,
    /// Spread in whole ticks → samples.
    pub spread_ticks: BTreeMap<i64, u64>,
    /// Samples with both sides quoted.
    pub spread_samples: u64,
    /// Mean lots at each level, bids (level 1 first).
    pub depth_bid: Vec<f64>,
    /// The same, asks.
    pub depth_ask: Vec<f64>,
    /// Impact by [`size_bucket`].
    pub impact: Vec<ImpactBucket>,
}

/// Computes every book's facts.
pub fn facts(run: &RunInfo, data: &BookData) -> Result<Vec<BookFacts>, ReportError> {
    let mut out: Vec<BookFacts> = run
        .books
        .iter()
        .map(|b| BookFacts {
            book: b.name.clone(),
            ..BookFacts::default()
        })
        .collect();
    let dt = run.sample_interval_s.max(f64::MIN_POSITIVE);
    for (f, s) in out.iter_mut().zip(&data.books) {
        for iv in ACF_INTERVALS_S {
            let Some(stride) = stride(iv, dt) else {
                continue;
            };
            let r = log_returns(&s.mid, stride);
            if r.len() < MIN_RETURNS {
                continue;
            }
            let abs: Vec<f64> = r.iter().map(|x| x.abs()).collect();
            f.acf.push(AcfRow {
                interval_s: iv,
                n: r.len(),
                returns: acf(&r, MAX_LAG),
                abs_returns: acf(&abs, MAX_LAG),
            });
        }
        for iv in KURTOSIS_INTERVALS_S {
            let Some(stride) = stride(iv, dt) else {
                continue;
            };
            let r = log_returns(&s.mid, stride);
            if r.len() < MIN_RETURNS {
                continue;
            }
            if let Some(k) = excess_kurtosis(&r) {
                f.kurtosis.push((iv, r.len(), k));
            }
        }
        for st in s.spread_ticks.iter().flatten() {
            *f.spread_ticks.entry(st.round() as i64).or_default() += 1;
            f.spread_samples += 1;
        }
    }
    if run.has("l2.csv") {
        depth_profile(run, data, &mut out)?;
    }
    if run.has("trades.csv") {
        impact(run, &mut out)?;
    }
    Ok(out)
}

/// Samples per interval, when the interval is a whole number (≥ 1) of samples.
fn stride(interval_s: f64, dt_s: f64) -> Option<usize> {
    let k = (interval_s / dt_s).round();
    (k >= 1.0 && (k * dt_s - interval_s).abs() <= 1e-6 * interval_s).then_some(k as usize)
}

/// Mean lots per level and side over book.csv's samples (a level absent from a sample counts
/// as 0 lots).
fn depth_profile(run: &RunInfo, data: &BookData, out: &mut [BookFacts]) -> Result<(), ReportError> {
    let path = run.dir.join("l2.csv");
    let mut csv = Csv::open(&path, &["book", "side", "level", "qty_lots"])?;
    let (book, side, level, qty) = (
        csv.req("book"),
        csv.req("side"),
        csv.req("level"),
        csv.req("qty_lots"),
    );
    let mut sums: Vec<[Vec<f64>; 2]> = vec![[Vec::new(), Vec::new()]; out.len()];
    while csv.next_row()? {
        let b = run.book_index(csv.str(book)).ok_or_else(|| {
            csv.bad(
                book,
                format!("{:?} is not a book of this run", csv.str(book)),
            )
        })?;
        let s = match csv.str(side) {
            "bid" => 0,
            "ask" => 1,
            x => return Err(csv.bad(side, format!("{x:?} is neither bid nor ask"))),
        };
        let l = csv.num(level)?;
        if !(1.0..=1e6).contains(&l) {
            return Err(csv.bad(level, format!("{l} is not a level (1 is the best)")));
        }
        let l = l as usize - 1;
        let v = &mut sums[b][s];
        if v.len() <= l {
            v.resize(l + 1, 0.0);
        }
        v[l] += csv.num(qty)?;
    }
    for ((f, [bid, ask]), s) in out.iter_mut().zip(sums).zip(&data.books) {
        let n = s.t_s.len().max(1) as f64;
        f.depth_bid = bid.into_iter().map(|x| x / n).collect();
        f.depth_ask = ask.into_iter().map(|x| x / n).collect();
    }
    Ok(())
}

/// An aggressive order being gathered from its fills.
struct Order {
    t_s: String,
    buy: bool,
    lots: f64,
    mid_before: Option<f64>,
}

/// The mid's move after each aggressive order, by the order's size. An order is the run of
/// consecutive fills in one book with the same time and aggressor; its move is the next
/// order's `mid_before` less its own, signed by its side, in ticks.
fn impact(run: &RunInfo, out: &mut [BookFacts]) -> Result<(), ReportError> {
    let path = run.dir.join("trades.csv");
    let mut csv = Csv::open(
        &path,
        &["t_s", "book", "qty_lots", "aggressor", "mid_before"],
    )?;
    let (t, book, qty, aggr, mid) = (
        csv.req("t_s"),
        csv.req("book"),
        csv.req("qty_lots"),
        csv.req("aggressor"),
        csv.req("mid_before"),
    );
    let mut current: Vec<Option<Order>> = (0..out.len()).map(|_| None).collect();
    while csv.next_row()? {
        let b = run.book_index(csv.str(book)).ok_or_else(|| {
            csv.bad(
                book,
                format!("{:?} is not a book of this run", csv.str(book)),
            )
        })?;
        let buy = match csv.str(aggr) {
            "buy" => true,
            "sell" => false,
            x => return Err(csv.bad(aggr, format!("{x:?} is neither buy nor sell"))),
        };
        let lots = csv.num(qty)?;
        if let Some(o) = &mut current[b]
            && o.buy == buy
            && o.t_s == csv.str(t)
        {
            o.lots += lots;
            continue;
        }
        let next = Order {
            t_s: csv.str(t).to_string(),
            buy,
            lots,
            mid_before: csv.f64(mid)?,
        };
        if let Some(done) = current[b].replace(next) {
            let after = current[b].as_ref().and_then(|o| o.mid_before);
            if let (Some(m0), Some(m1)) = (done.mid_before, after) {
                let sign = if done.buy { 1.0 } else { -1.0 };
                let ticks = sign * (m1 - m0) / run.books[b].tick_size;
                let k = size_bucket(done.lots.max(1.0) as u64);
                let v = &mut out[b].impact;
                if v.len() <= k {
                    v.resize(k + 1, ImpactBucket::default());
                }
                v[k].orders += 1;
                v[k].lots += done.lots;
                v[k].impact_ticks += ticks;
            }
        }
    }
    Ok(())
}

/// `−0.31`, with a true minus sign.
pub fn signed(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("−{s}")
    } else {
        s
    }
}

/// The page's sentences about `f`, computed from its numbers: each states what the run
/// shows, including where it differs from real markets.
pub fn findings(f: &BookFacts) -> BTreeMap<&'static str, Vec<String>> {
    let mut t = BTreeMap::new();
    let mut acf_text = Vec::new();
    let mut abs_text = Vec::new();
    for row in &f.acf {
        let band = white_noise_band(row.n);
        if let Some(r1) = row.returns.first().copied().flatten() {
            let verdict = if r1 < -band {
                "negative, as in a zero-intelligence market (the mid bounces between the sides); real markets are near 0 beyond the shortest lags"
            } else if r1 > band {
                "positive: returns trend at this interval"
            } else {
                "within the band: no significant autocorrelation, as in real markets"
            };
            acf_text.push(format!(
                "lag-1 autocorrelation of {} s returns is {} (n = {}, 95 % band ±{:.3}): {verdict}.",
                trim(row.interval_s),
                signed(r1, 3),
                row.n,
                band
            ));
        }
        let abs: Vec<f64> = row.abs_returns.iter().flatten().copied().collect();
        if let Some(m) = mean(&abs) {
            let above = abs.iter().filter(|a| **a > band).count();
            let verdict = if m > band && above * 2 > abs.len() {
                "positive at most lags: volatility clusters, as in real markets"
            } else {
                "not above the band at most lags: no volatility clustering, as in a zero-intelligence market"
            };
            abs_text.push(format!(
                "absolute {} s returns: mean autocorrelation over lags 1–{} is {} ({} of {} lags above the band ±{:.3}): {verdict}.",
                trim(row.interval_s),
                abs.len(),
                signed(m, 3),
                above,
                abs.len(),
                band
            ));
        }
    }
    let none = "too few returns (fewer than 30 at every interval) to measure.".to_string();
    t.insert(
        "acf",
        if acf_text.is_empty() {
            vec![none.clone()]
        } else {
            acf_text
        },
    );
    t.insert(
        "abs",
        if abs_text.is_empty() {
            vec![none.clone()]
        } else {
            abs_text
        },
    );
    let kurtosis = match (f.kurtosis.first(), f.kurtosis.last()) {
        (Some(a), Some(b)) => {
            let tails = if a.2 > 1.0 {
                "fat tails, as real returns have at short intervals"
            } else {
                "no fat tails, unlike real markets' short-interval returns, whose excess kurtosis is large"
            };
            let mut text = format!(
                "excess kurtosis of {} s returns is {}: {tails}.",
                trim(a.0),
                signed(a.2, 2)
            );
            if f.kurtosis.len() >= 2 {
                let trend = if b.2.abs() < a.2.abs() {
                    "closer to 0 (normal) with aggregation"
                } else {
                    "no closer to 0 with aggregation"
                };
                text.push_str(&format!(
                    " At {} s it is {}: {trend}.",
                    trim(b.0),
                    signed(b.2, 2)
                ));
            }
            text
        }
        _ => none.clone(),
    };
    t.insert("kurtosis", vec![kurtosis]);
    t.insert(
        "spread",
        vec![if f.spread_samples == 0 {
            "no sample had both sides quoted.".into()
        } else {
            let n = f.spread_samples as f64;
            let one = *f.spread_ticks.get(&1).unwrap_or(&0) as f64 / n;
            let mean_ticks =
                f.spread_ticks.iter().map(|(k, v)| *k as f64 * *v as f64).sum::<f64>() / n;
            let mut acc = 0;
            let median = f
                .spread_ticks
                .iter()
                .find(|(_, v)| {
                    acc += **v;
                    acc * 2 >= f.spread_samples
                })
                .map_or(0, |(k, _)| *k);
            let widest = f.spread_ticks.keys().next_back().copied().unwrap_or(0);
            format!(
                "the spread is one tick in {:.1} % of the {} samples with both sides quoted; its median is {}, its mean {mean_ticks:.2} ticks and its widest {}.",
                100.0 * one,
                f.spread_samples,
                ticks(median),
                ticks(widest)
            )
        }],
    );
    t.insert(
        "depth",
        vec![if f.depth_bid.is_empty() && f.depth_ask.is_empty() {
            "the run wrote no l2.csv (or its book never had a level).".into()
        } else {
            let describe = |v: &[f64], side: &str| -> String {
                match (v.first(), v.last()) {
                    (Some(a), Some(b)) if v.len() >= 2 => {
                        let (peak, top) = v
                            .iter()
                            .enumerate()
                            .max_by(|x, y| x.1.total_cmp(y.1))
                            .map_or((1, 0.0), |(i, q)| (i + 1, *q));
                        let shape = if peak > 1 && peak < v.len() && top > 1.05 * a.max(*b) {
                            format!("peaks at level {peak}, a hump as in many real books")
                        } else if b > a {
                            "rises away from the best".into()
                        } else {
                            "falls away from the best".into()
                        };
                        format!("{side}s hold {a:.1} lots at the best and {b:.1} at level {}: the profile {shape}", v.len())
                    }
                    (Some(a), _) => format!("{side}s hold {a:.1} lots at the best"),
                    _ => format!("no {side} levels"),
                }
            };
            format!("{}; {}.", describe(&f.depth_bid, "bid"), describe(&f.depth_ask, "ask"))
        }],
    );
    let shown: Vec<(usize, &ImpactBucket)> = f
        .impact
        .iter()
        .enumerate()
        .filter(|(_, b)| b.orders >= MIN_ORDERS)
        .collect();
    t.insert(
        "impact",
        vec![match (shown.first(), shown.last()) {
            (Some(&(i, a)), Some(&(j, b))) if i != j => {
                let (ia, ib) = (a.impact_ticks / a.orders as f64, b.impact_ticks / b.orders as f64);
                let (sa, sb) = (a.lots / a.orders as f64, b.lots / b.orders as f64);
                let slope = (ia > 0.0 && ib > 0.0).then(|| libm::log(ib / ia) / libm::log(sb / sa));
                let shape = match slope {
                    Some(s) if s < 0.8 => format!("an exponent of {s:.2}: concave, as in real markets (the square-root law has 0.5)"),
                    Some(s) => format!("an exponent of {s:.2}: not concave, unlike real markets' (about 0.5)"),
                    None => "the impact is not positive at both ends, so no exponent is fitted".into(),
                };
                format!(
                    "the mean move after an order of {} is {} ticks ({} orders) and after one of {} {} ticks ({} orders): {shape}.",
                    lots_label(i),
                    signed(ia, 2),
                    a.orders,
                    lots_label(j),
                    signed(ib, 2),
                    b.orders
                )
            }
            (Some(&(i, a)), _) => format!(
                "only orders of {} are frequent enough to show: mean move {} ticks ({} orders).",
                lots_label(i),
                signed(a.impact_ticks / a.orders as f64, 2),
                a.orders
            ),
            _ => "too few aggressive orders (or no trades.csv) to measure.".into(),
        }],
    );
    t
}

/// `1 lot`, `2–3 lots`, `4–7 lots` …
pub fn lots_label(bucket: usize) -> String {
    match bucket_range(bucket) {
        (1, 1) => "1 lot".into(),
        (a, b) if a == b => format!("{a} lots"),
        (a, b) => format!("{a}–{b} lots"),
    }
}

/// `1 tick`, `3 ticks`.
fn ticks(n: i64) -> String {
    if n == 1 {
        "1 tick".into()
    } else {
        format!("{n} ticks")
    }
}

fn trim(x: f64) -> String {
    super::plots::trim_number(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strides_need_whole_samples() {
        assert_eq!(stride(10.0, 1.0), Some(10));
        assert_eq!(stride(1.0, 0.5), Some(2));
        assert_eq!(stride(1.0, 2.0), None);
        assert_eq!(stride(1.0, 0.3), None);
    }

    #[test]
    fn signed_uses_a_minus_sign() {
        assert_eq!(signed(-0.314, 2), "−0.31");
        assert_eq!(signed(0.314, 2), "0.31");
        assert_eq!(signed(-0.0001, 2), "0.00");
    }

    #[test]
    fn findings_describe_a_bouncing_market() {
        let f = BookFacts {
            book: "main".into(),
            acf: vec![AcfRow {
                interval_s: 1.0,
                n: 1000,
                returns: vec![Some(-0.4), Some(0.01)],
                abs_returns: vec![Some(0.01), Some(-0.02)],
            }],
            ..BookFacts::default()
        };
        let t = findings(&f);
        assert!(
            t["acf"][0].contains("is −0.400") && t["acf"][0].contains("negative"),
            "{:?}",
            t["acf"]
        );
        assert!(
            t["abs"][0].contains("no volatility clustering"),
            "{:?}",
            t["abs"]
        );
    }
}
