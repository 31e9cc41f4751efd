//! episodes.csv: the collapse detector ([`crate::models::collapse`]) on each side of each book,
//! fed at every book sample, with what an episode reports besides depth (prices, volume, the
//! makers who withdrew and why); and the run's collapse statistics for summary.csv.

use super::rows::EpisodeRow;
use crate::models::collapse::{Absorb, BaselineRule, CollapseRule, Detector, Episode};
use crate::scenario::{CollapseBaseline, Scenario, secs_to_ns};
use std::fs::File;

/// What one book sample tells an episode besides its depth.
#[derive(Debug, Clone, Copy)]
pub struct SideSample<'a> {
    /// The mid, currency (None: a side is empty).
    pub mid: Option<f64>,
    /// The spread, currency.
    pub spread: Option<f64>,
    /// The makers' share of this side's depth (None: no depth).
    pub maker_share: Option<f64>,
    /// The share at the previous sample.
    pub prev_maker_share: Option<f64>,
    /// Lots traded in the book since the previous sample.
    pub volume_lots: u64,
    /// The book's makers that entered the withdrawn state since the previous sample, with
    /// their trigger.
    pub withdrawals: &'a [(u32, &'static str)],
    /// The book's mid volatility per √s and volume per second, so far.
    pub sigma_per_sqrt_s: Option<f64>,
    /// Lots per second, so far.
    pub volume_per_s: Option<f64>,
}

/// An episode's context: everything but depth.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DipContext {
    samples: u64,
    mid_start: Option<f64>,
    mid_end: Option<f64>,
    max_spread: Option<f64>,
    volume_lots: u64,
    /// Sorted, distinct.
    withdrawn: Vec<u32>,
    /// Sorted, distinct.
    triggers: Vec<&'static str>,
    share_before: Option<f64>,
    share_trough: Option<f64>,
    sigma_per_sqrt_s: Option<f64>,
    volume_per_s: Option<f64>,
}

impl Absorb<SideSample<'_>> for DipContext {
    fn absorb(&mut self, s: &SideSample<'_>, trough: bool) {
        if self.samples == 0 {
            self.mid_start = s.mid;
            self.share_before = s.prev_maker_share;
            self.sigma_per_sqrt_s = s.sigma_per_sqrt_s;
            self.volume_per_s = s.volume_per_s;
        } else {
            self.volume_lots += s.volume_lots;
        }
        self.samples += 1;
        if s.mid.is_some() {
            self.mid_end = s.mid;
        }
        if let Some(sp) = s.spread {
            self.max_spread = Some(self.max_spread.map_or(sp, |m: f64| m.max(sp)));
        }
        for &(agent, trigger) in s.withdrawals {
            if let Err(i) = self.withdrawn.binary_search(&agent) {
                self.withdrawn.insert(i, agent);
            }
            if let Err(i) = self.triggers.binary_search(&trigger) {
                self.triggers.insert(i, trigger);
            }
        }
        if trough {
            self.share_trough = s.maker_share;
        }
    }
}

/// A book's mid path and volume so far (from its samples).
#[derive(Debug, Clone, Default)]
struct BookPath {
    last_mid: Option<f64>,
    sum_sq_log_returns: f64,
    volume_lots: u64,
    min_mid: Option<f64>,
    max_mid: Option<f64>,
    peak_mid: Option<f64>,
    max_drawdown_frac: f64,
}

/// The first book's mid path over the run (summary.csv).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceStats {
    /// Lowest sampled mid, currency.
    pub min_mid: Option<f64>,
    /// Highest sampled mid, currency.
    pub max_mid: Option<f64>,
    /// Largest fall from a running peak of the mid, as a fraction of the peak.
    pub max_drawdown_frac: f64,
    /// √(Σ (Δ ln mid)² / duration) over consecutive two-sided samples, per √s.
    pub realised_vol_per_sqrt_s: Option<f64>,
}

/// The run's collapse statistics (summary.csv).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CollapseStats {
    /// Episodes, every book and side.
    pub episodes: u64,
    /// Seconds during which at least one side of one book was in an episode.
    pub collapsed_s: f64,
    /// The lowest trough_ratio (None: no episode).
    pub worst_trough_ratio: Option<f64>,
    /// Mean time from trough to end over recovered episodes, seconds (None: none recovered).
    pub mean_recovery_s: Option<f64>,
}

/// The detectors of every book and side, and episodes.csv.
pub struct CollapseRecorder {
    out: csv::Writer<File>,
    /// Per book: bid, ask.
    sides: Vec<[Detector<DipContext>; 2]>,
    prev_share: Vec<[Option<f64>; 2]>,
    paths: Vec<BookPath>,
    /// Per book: withdrawals since the last sample.
    withdrawals: Vec<Vec<(u32, &'static str)>>,
    /// Every episode's (start, end), ns.
    spans: Vec<(u64, u64)>,
    worst: Option<f64>,
    recovery_ns: (u64, u64),
    /// Depth band, ticks.
    pub band_ticks: u32,
    end_ns: u64,
}

impl CollapseRecorder {
    /// Detectors for `scenario`'s books, writing to `out` (its header written here).
    pub fn new(scenario: &Scenario, mut out: csv::Writer<File>) -> csv::Result<Self> {
        let p = &scenario.params.output.collapse;
        let baseline = match p.baseline {
            CollapseBaseline::TrailingMedian => BaselineRule::TrailingMedian {
                window_ns: secs_to_ns(p.baseline_window_s),
            },
            CollapseBaseline::PreShockMean => BaselineRule::MeanBefore {
                until_ns: secs_to_ns(
                    scenario
                        .params
                        .shocks
                        .iter()
                        .map(|s| s.start_s)
                        .fold(f64::INFINITY, f64::min),
                ),
            },
        };
        let rule = CollapseRule {
            fraction: p.fraction,
            recover: p.recover,
            min_duration_ns: secs_to_ns(p.min_duration_s),
            baseline,
        };
        out.write_record(EPISODE_COLUMNS)?;
        let n = scenario.books.len();
        Ok(CollapseRecorder {
            out,
            sides: (0..n)
                .map(|_| [Detector::new(rule), Detector::new(rule)])
                .collect(),
            prev_share: vec![[None; 2]; n],
            paths: vec![BookPath::default(); n],
            withdrawals: vec![Vec::new(); n],
            spans: Vec::new(),
            worst: None,
            recovery_ns: (0, 0),
            band_ticks: p.band_ticks,
            end_ns: scenario.steps * scenario.dt_ns,
        })
    }

    /// A maker of `book` entered the withdrawn state, by `trigger`.
    pub fn note_withdrawal(&mut self, book: usize, agent: u32, trigger: &'static str) {
        self.withdrawals[book].push((agent, trigger));
    }

    /// One sample of `book` at `t_ns`: its depth per side within the band, the makers' lots
    /// in it per side, its mid and spread, and the lots traded since the last sample. Writes
    /// the episodes this finishes.
    #[allow(clippy::too_many_arguments)]
    pub fn sample(
        &mut self,
        book: usize,
        name: &str,
        t_ns: u64,
        depth_lots: [u64; 2],
        maker_lots: [u64; 2],
        mid: Option<f64>,
        spread: Option<f64>,
        volume_lots: u64,
    ) -> csv::Result<()> {
        let t_s = t_ns as f64 * 1e-9;
        let path = &mut self.paths[book];
        path.volume_lots += volume_lots;
        if let (Some(m), Some(l)) = (mid, path.last_mid) {
            let r = libm::log(m / l);
            path.sum_sq_log_returns += r * r;
        }
        if let Some(m) = mid {
            path.last_mid = mid;
            path.min_mid = Some(path.min_mid.map_or(m, |x: f64| x.min(m)));
            path.max_mid = Some(path.max_mid.map_or(m, |x: f64| x.max(m)));
            let peak = path.peak_mid.map_or(m, |x: f64| x.max(m));
            path.peak_mid = Some(peak);
            path.max_drawdown_frac = path.max_drawdown_frac.max((peak - m) / peak);
        }
        let sigma = (t_s > 0.0).then(|| (path.sum_sq_log_returns / t_s).sqrt());
        let rate = (t_s > 0.0).then(|| path.volume_lots as f64 / t_s);
        let withdrawals = std::mem::take(&mut self.withdrawals[book]);
        for side in 0..2 {
            let share =
                (depth_lots[side] > 0).then(|| maker_lots[side] as f64 / depth_lots[side] as f64);
            let s = SideSample {
                mid,
                spread,
                maker_share: share,
                prev_maker_share: self.prev_share[book][side],
                volume_lots,
                withdrawals: &withdrawals,
                sigma_per_sqrt_s: sigma,
                volume_per_s: rate,
            };
            self.prev_share[book][side] = share;
            if let Some(e) = self.sides[book][side]
                .observe(t_ns, depth_lots[side], &s)
                .finished
            {
                self.write(name, side, &e)?;
            }
        }
        // reuse the buffer's allocation
        self.withdrawals[book] = withdrawals;
        self.withdrawals[book].clear();
        Ok(())
    }

    fn write(&mut self, book: &str, side: usize, e: &Episode<DipContext>) -> csv::Result<()> {
        let c = &e.context;
        let s = |ns: u64| ns as f64 / 1e9;
        let mid_move = match (c.mid_start, c.mid_end) {
            (Some(a), Some(b)) if a > 0.0 => Some((b - a) / a),
            _ => None,
        };
        let predicted = match (c.sigma_per_sqrt_s, c.volume_per_s) {
            (Some(sig), Some(v)) if sig > 0.0 && v > 0.0 => {
                Some(sig * (c.volume_lots as f64 / v).sqrt())
            }
            _ => None,
        };
        let ratio = e.trough_ratio();
        self.worst = Some(self.worst.map_or(ratio, |w: f64| w.min(ratio)));
        self.spans.push((e.start_ns, e.end_ns));
        if e.recovered {
            self.recovery_ns.0 += e.end_ns - e.trough_ns;
            self.recovery_ns.1 += 1;
        }
        self.out.serialize(EpisodeRow {
            book,
            side: if side == 0 { "bid" } else { "ask" },
            start_s: s(e.start_ns),
            end_s: s(e.end_ns),
            duration_s: s(e.end_ns - e.start_ns),
            recovered: e.recovered,
            baseline_lots: e.baseline_lots,
            trough_lots: e.trough_lots,
            trough_ratio: ratio,
            trough_s: s(e.trough_ns),
            time_to_trough_s: s(e.trough_ns - e.start_ns),
            refill_50_s: e.refill_50_ns.map(s),
            refill_90_s: e.refill_90_ns.map(s),
            mid_start: c.mid_start,
            mid_end: c.mid_end,
            mid_move_frac: mid_move,
            max_spread: c.max_spread,
            makers_withdrawn: c.withdrawn.len() as u32,
            triggers: c.triggers.join(";"),
            maker_share_before: c.share_before,
            maker_share_trough: c.share_trough,
            volume_lots: c.volume_lots,
            impact_predicted_frac: predicted,
            impact_ratio: match (mid_move, predicted) {
                (Some(m), Some(p)) if p > 0.0 => Some(m.abs() / p),
                _ => None,
            },
        })
    }

    /// Closes every detector at the run's end, writes the episodes still open and flushes.
    pub fn finish(&mut self, names: &[String]) -> csv::Result<()> {
        for (book, name) in names.iter().enumerate() {
            for side in 0..2 {
                for e in self.sides[book][side].close(self.end_ns) {
                    self.write(name, side, &e)?;
                }
            }
        }
        self.out.flush()?;
        Ok(())
    }

    /// The first book's price statistics.
    pub fn price_stats(&self) -> PriceStats {
        let p = &self.paths[0];
        let t_s = self.end_ns as f64 * 1e-9;
        PriceStats {
            min_mid: p.min_mid,
            max_mid: p.max_mid,
            max_drawdown_frac: p.max_drawdown_frac,
            realised_vol_per_sqrt_s: (p.min_mid.is_some() && t_s > 0.0)
                .then(|| (p.sum_sq_log_returns / t_s).sqrt()),
        }
    }

    /// The run's statistics (after [`CollapseRecorder::finish`]).
    pub fn stats(&self) -> CollapseStats {
        CollapseStats {
            episodes: self.spans.len() as u64,
            collapsed_s: union_ns(&self.spans) as f64 * 1e-9,
            worst_trough_ratio: self.worst,
            mean_recovery_s: (self.recovery_ns.1 > 0)
                .then(|| self.recovery_ns.0 as f64 * 1e-9 / self.recovery_ns.1 as f64),
        }
    }
}

/// The columns of episodes.csv (written before any row: most runs have none).
pub const EPISODE_COLUMNS: [&str; 24] = [
    "book",
    "side",
    "start_s",
    "end_s",
    "duration_s",
    "recovered",
    "baseline_lots",
    "trough_lots",
    "trough_ratio",
    "trough_s",
    "time_to_trough_s",
    "refill_50_s",
    "refill_90_s",
    "mid_start",
    "mid_end",
    "mid_move_frac",
    "max_spread",
    "makers_withdrawn",
    "triggers",
    "maker_share_before",
    "maker_share_trough",
    "volume_lots",
    "impact_predicted_frac",
    "impact_ratio",
];

/// The total length of the union of `spans` (start, end), ns.
fn union_ns(spans: &[(u64, u64)]) -> u64 {
    let mut v = spans.to_vec();
    v.sort_unstable();
    let mut total = 0;
    let mut cur: Option<(u64, u64)> = None;
    for (a, b) in v {
        cur = match cur {
            Some((s, e)) if a <= e => Some((s, e.max(b))),
            Some((s, e)) => {
                total += e - s;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    total + cur.map_or(0, |(s, e)| e - s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_merges_overlaps_and_counts_gaps_out() {
        assert_eq!(union_ns(&[]), 0);
        assert_eq!(union_ns(&[(10, 20), (15, 30), (40, 45)]), 25);
        assert_eq!(union_ns(&[(40, 45), (10, 20), (20, 22)]), 17);
    }

    #[test]
    fn the_context_keeps_first_and_last_and_distinct_withdrawals() {
        let w1 = [(3, "drawdown"), (1, "toxicity")];
        let w2 = [(3, "drawdown"), (2, "drawdown")];
        let sample = |mid, spread, share, w: &'static [(u32, &'static str)]| SideSample {
            mid,
            spread,
            maker_share: share,
            prev_maker_share: Some(0.9),
            volume_lots: 7,
            withdrawals: w,
            sigma_per_sqrt_s: Some(1e-4),
            volume_per_s: Some(10.0),
        };
        let w1: &'static [(u32, &'static str)] = Box::leak(Box::new(w1));
        let w2: &'static [(u32, &'static str)] = Box::leak(Box::new(w2));
        let mut c = DipContext::default();
        c.absorb(&sample(Some(100.0), Some(0.02), Some(0.5), w1), true);
        c.absorb(&sample(None, None, Some(0.1), &[]), true);
        c.absorb(&sample(Some(97.0), Some(0.3), Some(0.4), w2), false);
        assert_eq!(c.mid_start, Some(100.0));
        assert_eq!(c.mid_end, Some(97.0));
        assert_eq!(c.max_spread, Some(0.3));
        assert_eq!(c.withdrawn, vec![1, 2, 3]);
        assert_eq!(c.triggers, vec!["drawdown", "toxicity"]);
        assert_eq!(c.share_before, Some(0.9));
        assert_eq!(c.share_trough, Some(0.1));
        // the first sample's interval is before the dip
        assert_eq!(c.volume_lots, 14);
    }
}
