//! What one validation run measures, read from its files: the reference mid's changes at two
//! horizons, the dealers' hedges and option gamma, the informed traders' share of the flow,
//! and (from its summary) whether a side of the book stood empty near the mid.
//!
//! Every statistic starts after a warm-up (the book is being built at the open). Mid changes
//! are taken between book.csv samples, so the validation scenarios sample book.csv every
//! second (checked: [`MeasureError`] otherwise).

use crate::record::rows::SummaryRow;
use crate::report::ReportError;
use crate::report::read::Csv;
use std::path::Path;
use thiserror::Error;

/// Why a run could not be measured.
#[derive(Debug, Error)]
pub enum MeasureError {
    /// A file could not be read or has not the columns expected.
    #[error(transparent)]
    Read(#[from] ReportError),
    /// book.csv is not sampled every second.
    #[error("{0}: book.csv must be sampled every 1 s for the validation statistics")]
    Sampling(String),
}

/// What to measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasureSpec {
    /// Statistics start after this many seconds.
    pub warmup_s: f64,
    /// The short horizon (the hedge interval), whole seconds.
    pub short_s: usize,
    /// The long horizon, whole seconds (a multiple of the short one).
    pub long_s: usize,
    /// A run *fails* when a side of a book empties after the warm-up: summary.csv's
    /// `first_one_sided_s` (checked at every step's end, whatever book.csv's sampling) at or
    /// after the warm-up, or `one_sided_s` above what the warm-up could hold.
    pub fails_on_empty_side: bool,
    /// The first book's tick, currency (book.csv's prices are in currency).
    pub tick_size: f64,
}

impl MeasureSpec {
    /// The usual measurement: statistics after `warmup_s`, horizons of 10 s and 60 s, no
    /// failure rule, a 0.01 tick (what most checks use; the others change a field).
    pub fn after(warmup_s: f64) -> MeasureSpec {
        MeasureSpec {
            warmup_s,
            short_s: 10,
            long_s: 60,
            fails_on_empty_side: false,
            tick_size: 0.01,
        }
    }
}

/// One run's measurements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunMeasure {
    /// Variance of the mid's changes over non-overlapping short-horizon intervals, ticks².
    pub var_short_ticks2: Option<f64>,
    /// Lag-one autocorrelation of those changes.
    pub acf_short: Option<f64>,
    /// Variance of the mid's changes over non-overlapping long-horizon intervals, ticks².
    pub var_long_ticks2: Option<f64>,
    /// Hedge impact λ, ticks per lot: Σ Δm·q / Σ q² over the hedges decided after the
    /// warm-up, with q a hedge's signed filled lots and Δm the mid's change from the last
    /// sample at or before its decision to one short horizon later (`None`: no hedge filled).
    pub lambda_ticks_per_lot: Option<f64>,
    /// The makers' summed option gamma, lots per tick, averaged over agents.csv samples after
    /// the warm-up (`None`: no maker holds options).
    pub gamma_lots_per_tick: Option<f64>,
    /// Share of the lots traded after the warm-up whose taker was an informed trader.
    pub informed_share: Option<f64>,
    /// Whether a side of a book emptied after the warm-up (Buis et al.'s failure).
    pub failed: bool,
    /// The market's facts (spread, depth, returns, markouts, crash ratios).
    pub facts: super::market_facts::MarketFacts,
}

/// Measures the run in `dir` (its first book), whose summary row is `summary`.
pub fn measure(
    dir: &Path,
    summary: &SummaryRow,
    spec: &MeasureSpec,
) -> Result<RunMeasure, MeasureError> {
    let mut m = RunMeasure::default();
    let book = read_book(dir, spec)?;
    let mids = &book.mids;
    let changes = |h: usize| -> Vec<f64> {
        mids.iter()
            .step_by(h)
            .collect::<Vec<_>>()
            .windows(2)
            .map(|w| w[1] - w[0])
            .collect()
    };
    let short = changes(spec.short_s);
    m.var_short_ticks2 = variance(&short);
    m.acf_short = lag_one(&short);
    m.var_long_ticks2 = variance(&changes(spec.long_s));
    m.failed = spec.fails_on_empty_side
        && (summary.first_one_sided_s.is_some_and(|t| t > spec.warmup_s)
            || summary.one_sided_s > spec.warmup_s);
    m.lambda_ticks_per_lot = hedge_impact(dir, &book, spec)?;
    m.gamma_lots_per_tick = option_gamma(dir, spec)?;
    m.informed_share = informed_share(dir, spec)?;
    m.facts = super::market_facts::measure(
        dir,
        summary,
        &book.mids,
        book.t0_s,
        spec.warmup_s,
        spec.tick_size,
    )?;
    Ok(m)
}

/// The first book's mid (ticks) at each 1-s sample from the warm-up on (a sample with an
/// empty side carries the last mid), with the time of the first.
struct BookSeries {
    t0_s: f64,
    mids: Vec<f64>,
}

fn read_book(dir: &Path, spec: &MeasureSpec) -> Result<BookSeries, MeasureError> {
    let path = dir.join("book.csv");
    let mut csv = Csv::open(&path, &["t_s", "book", "mid"])?;
    let (t, b, mid) = (csv.req("t_s"), csv.req("book"), csv.req("mid"));
    let tick = spec.tick_size;
    let mut first_book: Option<String> = None;
    let mut out = BookSeries {
        t0_s: f64::NAN,
        mids: Vec::new(),
    };
    let (mut last, mut last_t, mut irregular) = (None::<f64>, None::<f64>, 0);
    while csv.next_row()? {
        let name = csv.str(b);
        if first_book.get_or_insert_with(|| name.to_string()) != name {
            continue;
        }
        let t_s = csv.num(t)?;
        // every gap is one second but the last (the run's last step is always sampled)
        if let Some(p) = last_t
            && (t_s - p - 1.0).abs() > 1e-6
        {
            irregular += 1;
        }
        last_t = Some(t_s);
        last = csv.f64(mid)?.map(|m| m / tick).or(last);
        if t_s <= spec.warmup_s {
            continue;
        }
        if let Some(x) = last {
            if out.mids.is_empty() {
                out.t0_s = t_s;
            }
            out.mids.push(x);
        }
    }
    if irregular > 1 {
        return Err(MeasureError::Sampling(path.display().to_string()));
    }
    Ok(out)
}

fn hedge_impact(
    dir: &Path,
    book: &BookSeries,
    spec: &MeasureSpec,
) -> Result<Option<f64>, MeasureError> {
    let path = dir.join("hedges.csv");
    if !path.exists() {
        return Ok(None);
    }
    let mut csv = Csv::open(&path, &["t_s", "filled_lots"])?;
    let (t, q) = (csv.req("t_s"), csv.req("filled_lots"));
    let (mut num, mut den) = (0.0, 0.0);
    while csv.next_row()? {
        let t_s = csv.num(t)?;
        let lots = csv.num(q)?;
        if t_s <= spec.warmup_s || lots == 0.0 {
            continue;
        }
        // the last sample at or before the decision
        let i = (t_s - book.t0_s).floor();
        if i < 0.0 {
            continue;
        }
        let i = i as usize;
        let Some(after) = book.mids.get(i + spec.short_s) else {
            continue;
        };
        num += (after - book.mids[i]) * lots;
        den += lots * lots;
    }
    Ok((den > 0.0).then(|| num / den))
}

fn option_gamma(dir: &Path, spec: &MeasureSpec) -> Result<Option<f64>, MeasureError> {
    let path = dir.join("agents.csv");
    let mut csv = Csv::open(&path, &["t_s", "kind"])?;
    let Some(g) = csv.col("option_gamma_lots_per_tick") else {
        return Ok(None);
    };
    let (t, kind) = (csv.req("t_s"), csv.req("kind"));
    // Σ over makers at each sample, then the mean over samples
    let (mut sum, mut samples, mut at, mut seen) = (0.0, 0u64, f64::NAN, false);
    while csv.next_row()? {
        let t_s = csv.num(t)?;
        if t_s <= spec.warmup_s || csv.str(kind) != "market_maker" {
            continue;
        }
        if let Some(v) = csv.f64(g)? {
            seen = true;
            sum += v;
            if t_s != at {
                at = t_s;
                samples += 1;
            }
        }
    }
    Ok((seen && samples > 0).then(|| sum / samples as f64))
}

fn informed_share(dir: &Path, spec: &MeasureSpec) -> Result<Option<f64>, MeasureError> {
    let path = dir.join("trades.csv");
    if !path.exists() {
        return Ok(None);
    }
    let mut csv = Csv::open(
        &path,
        &["t_s", "qty_lots", "aggressor", "buyer_kind", "seller_kind"],
    )?;
    let (t, q, agg, bk, sk) = (
        csv.req("t_s"),
        csv.req("qty_lots"),
        csv.req("aggressor"),
        csv.req("buyer_kind"),
        csv.req("seller_kind"),
    );
    let (mut informed, mut all) = (0.0, 0.0);
    while csv.next_row()? {
        if csv.num(t)? <= spec.warmup_s {
            continue;
        }
        let lots = csv.num(q)?;
        let taker = if csv.str(agg) == "buy" { bk } else { sk };
        all += lots;
        if csv.str(taker) == "informed" {
            informed += lots;
        }
    }
    Ok((all > 0.0).then(|| informed / all))
}

/// Sample variance (n − 1); `None` with fewer than two values.
pub fn variance(x: &[f64]) -> Option<f64> {
    let n = x.len();
    if n < 2 {
        return None;
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    Some(x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64)
}

/// Lag-one autocorrelation (the correlation of consecutive values); `None` with fewer than
/// three values or none that vary.
pub fn lag_one(x: &[f64]) -> Option<f64> {
    if x.len() < 3 {
        return None;
    }
    let (a, b) = (&x[..x.len() - 1], &x[1..]);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb) = (mean(a), mean(b));
    let cov: f64 = a.iter().zip(b).map(|(p, q)| (p - ma) * (q - mb)).sum();
    let va: f64 = a.iter().map(|p| (p - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|q| (q - mb).powi(2)).sum();
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variance_and_lag_one_autocorrelation_by_hand() {
        assert_eq!(variance(&[1.0, 3.0]), Some(2.0));
        assert_eq!(variance(&[1.0]), None);
        // alternating: perfectly negatively correlated
        let alt = [1.0, -1.0, 1.0, -1.0, 1.0];
        assert!((lag_one(&alt).unwrap() + 1.0).abs() < 1e-12);
        // a trend: +1
        assert!((lag_one(&[1.0, 2.0, 3.0, 4.0]).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(lag_one(&[2.0, 2.0, 2.0, 2.0]), None);
    }
}
