//! episodes.csv: the collapse detector ([`crate::models::collapse`]) on each side of each book,
//! fed at its own cadence (`output.collapse.cadence_s`, whatever `sample_interval_s` is),
//! with what an episode reports besides depth (prices, volume, the makers who withdrew and
//! why, the square-root law); the run's collapse statistics for summary.csv; and the first
//! book's sampled price path for summary.csv's price columns.

mod context;

pub use context::{DipContext, ImpactSetup, SideSample};

use super::PriceScale;
use super::rows::EpisodeRow;
use super::sink::{Finished, Sink};
use crate::lob::Side;
use crate::models::collapse::impact::{PathPoint, PathWindow, impact};
use crate::models::collapse::{BaselineRule, CollapseRule, Detector, Episode};
use crate::scenario::{CollapseBaseline, Scenario, collapse_window_ticks, secs_to_ns};
use crate::sim::resources::TradeEvent;

/// A book's mid path at its book.csv samples (summary.csv's price columns).
#[derive(Debug, Clone, Default)]
struct PricePath {
    last_mid: Option<f64>,
    sum_sq_log_returns: f64,
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
    /// The lowest trough_ratio (None: no episode with a baseline above 0).
    pub worst_trough_ratio: Option<f64>,
    /// Mean time from trough to end over recovered episodes, seconds (None: none recovered).
    pub mean_recovery_s: Option<f64>,
    /// From detection's start on, the most time a side of a book spent with no resting lot
    /// within the band in one stretch (its empty looks each at most `min_duration_s` after
    /// the last: stretches merge by time, as dips do), seconds.
    pub longest_empty_side_s: f64,
}

/// One detector tick of one book.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BookTick {
    /// Time, ns.
    pub t_ns: u64,
    /// Twice the reference price, ticks (the mid, or the last trade while a side is empty).
    pub ref_x2_ticks: i64,
    /// Resting lots within the band, bid and ask.
    pub depth_lots: [u64; 2],
    /// The market makers' lots among them.
    pub maker_lots: [u64; 2],
    /// Twice the mid, ticks (None: a side is empty).
    pub mid_x2_ticks: Option<i64>,
    /// The spread, ticks.
    pub spread_ticks: Option<i64>,
    /// Lots traded in the book since the open.
    pub volume_lots: u64,
}

/// What the detectors of one book keep between ticks.
#[derive(Debug, Clone)]
struct BookTrack {
    prev_share: [Option<f64>; 2],
    /// Withdrawals since the last tick.
    withdrawals: Vec<(u32, &'static str)>,
    /// Whether a detector of the book is in a dip: the trades counters (programs' fills,
    /// net aggressive volume) only matter then (an episode uses their change from its start).
    watching: bool,
    program_lots: i64,
    aggressive_lots: i64,
    /// The last ticks of the impact window.
    path: PathWindow,
}

/// The detectors of every book and side, and episodes.csv.
pub struct CollapseRecorder {
    out: Sink,
    /// Per book: bid, ask.
    sides: Vec<[Detector<DipContext>; 2]>,
    books: Vec<BookTrack>,
    prices: Vec<PricePath>,
    scales: Vec<PriceScale>,
    /// Per agent id: whether it is a program (empty: the scenario has none).
    programs: Vec<bool>,
    setup: ImpactSetup,
    /// Reused: the episodes a tick finished, per side.
    finished: [Vec<Episode<DipContext>>; 2],
    /// Every episode's (start, end), ns.
    spans: Vec<(u64, u64)>,
    worst: Option<f64>,
    recovery_ns: (u64, u64),
    /// Depth band, ticks.
    pub band_ticks: u32,
    /// Steps between ticks.
    pub every_steps: u64,
    end_ns: u64,
    cadence_ns: u64,
    /// Ticks before this time do not count toward the empty stretches (detection's start).
    detect_from_ns: u64,
    /// Empty looks closer than this merge into one stretch (`min_duration_s`), ns.
    merge_ns: u64,
    /// Per book and side: the last look with no depth in the band, and the empty time of its
    /// stretch, ns.
    empty_stretch: Vec<[(Option<u64>, u64); 2]>,
    /// The most empty time of any stretch, ns.
    longest_empty_ns: u64,
}

impl CollapseRecorder {
    /// Detectors for `scenario`'s books, writing to `out` (its header already written);
    /// `programs[id]` says whether agent `id` is a program.
    pub fn new(scenario: &Scenario, programs: Vec<bool>, out: Sink) -> Self {
        let p = &scenario.params.output.collapse;
        let cadence_ns = scenario.collapse_cadence_ns();
        let baseline = match p.baseline {
            CollapseBaseline::TrailingMedian => BaselineRule::TrailingMedian {
                window_ticks: collapse_window_ticks(p.baseline_window_s, cadence_ns),
            },
            CollapseBaseline::PreShockMean => BaselineRule::MeanBefore {
                until_ns: scenario.collapse_detection_start_ns(),
            },
        };
        let ticks = |s: f64| (secs_to_ns(s) + cadence_ns / 2) / cadence_ns;
        let rule = CollapseRule {
            fraction: p.fraction,
            recover: p.recover,
            min_duration_ns: secs_to_ns(p.min_duration_s),
            cadence_ns,
            hold_ns: ticks(p.impact_permanent_after_s) * cadence_ns,
            baseline,
        };
        let n = scenario.books.len();
        let path_ticks = ticks(p.impact_window_s).max(1) as usize + 1;
        CollapseRecorder {
            out,
            sides: (0..n)
                .map(|_| [Detector::new(rule), Detector::new(rule)])
                .collect(),
            books: vec![
                BookTrack {
                    prev_share: [None; 2],
                    withdrawals: Vec::new(),
                    watching: false,
                    program_lots: 0,
                    aggressive_lots: 0,
                    path: PathWindow::new(path_ticks),
                };
                n
            ],
            prices: vec![PricePath::default(); n],
            scales: scenario
                .books
                .iter()
                .map(|b| PriceScale::new(b.tick_size, b.lot_size))
                .collect(),
            programs: if programs.contains(&true) {
                programs
            } else {
                Vec::new()
            },
            setup: ImpactSetup {
                cadence_s: cadence_ns as f64 / 1e9,
                horizon_ticks: ticks(p.impact_horizon_s).max(1) as usize,
            },
            finished: [Vec::new(), Vec::new()],
            spans: Vec::new(),
            worst: None,
            recovery_ns: (0, 0),
            band_ticks: p.band_ticks,
            every_steps: scenario.collapse_every_steps,
            end_ns: scenario.steps * scenario.dt_ns,
            cadence_ns,
            detect_from_ns: scenario.collapse_detection_start_ns(),
            merge_ns: secs_to_ns(p.min_duration_s),
            empty_stretch: vec![[(None, 0); 2]; n],
            longest_empty_ns: 0,
        }
    }

    /// A maker of `book` entered the withdrawn state, by `trigger`.
    pub fn note_withdrawal(&mut self, book: usize, agent: u32, trigger: &'static str) {
        self.books[book].withdrawals.push((agent, trigger));
    }

    /// Whether some book has a detector in a dip: only then do its trades count
    /// ([`CollapseRecorder::note_trade`]).
    pub fn watching(&self) -> bool {
        self.books.iter().any(|b| b.watching)
    }

    /// A step's trades ([`CollapseRecorder::note_trade`] each).
    #[inline(never)] // its own entry in profiles: part of the detector's measured cost
    pub fn note_trades(&mut self, trades: &[TradeEvent]) {
        for t in trades {
            self.note_trade(
                usize::from(t.book.0),
                t.aggressor,
                t.qty_lots,
                t.taker,
                t.maker,
            );
        }
    }

    /// A trade in `book`: `qty_lots` bought or sold by the arriving order (`aggressor`)
    /// of agent `taker` from the resting one of `maker`.
    pub fn note_trade(
        &mut self,
        book: usize,
        aggressor: Side,
        qty_lots: u64,
        taker: u32,
        maker: u32,
    ) {
        let q = qty_lots as i64;
        let bought = if aggressor == Side::Buy { q } else { -q };
        let b = &mut self.books[book];
        b.aggressive_lots += bought;
        if self.programs.is_empty() {
            return;
        }
        let is_program = |a: u32| self.programs.get(a as usize).copied().unwrap_or(false);
        if is_program(taker) {
            b.program_lots += bought;
        }
        if is_program(maker) {
            b.program_lots -= bought;
        }
    }

    /// One detector tick of `book`: writes the episodes it finishes.
    pub fn tick(&mut self, book: usize, name: &str, t: &BookTick) -> csv::Result<()> {
        let ref_ticks = t.ref_x2_ticks as f64 / 2.0;
        self.books[book].path.push(PathPoint {
            ln_price: libm::log(ref_ticks),
            volume_lots: t.volume_lots,
        });
        if t.t_ns >= self.detect_from_ns {
            for side in 0..2 {
                if t.depth_lots[side] > 0 {
                    continue;
                }
                // an empty look: it extends the stretch if the last one was at most `d` ago
                let (last, total) = &mut self.empty_stretch[book][side];
                *total = match *last {
                    Some(l) if t.t_ns - l <= self.merge_ns => *total + self.cadence_ns,
                    _ => self.cadence_ns,
                };
                *last = Some(t.t_ns);
                self.longest_empty_ns = self.longest_empty_ns.max(*total);
            }
        }
        let CollapseRecorder {
            sides,
            books,
            setup,
            finished,
            ..
        } = self;
        let setup = &*setup;
        let track = &mut books[book];
        for side in 0..2 {
            let depth = t.depth_lots[side];
            let share = (depth > 0).then(|| t.maker_lots[side] as f64 / depth as f64);
            let track_now = &*track;
            let mut slot = None;
            let slot_ref = &mut slot;
            let make = move || {
                let slot = slot_ref; // moved out: the closure is FnOnce
                &*slot.insert(SideSample {
                    mid_x2_ticks: t.mid_x2_ticks,
                    spread_ticks: t.spread_ticks,
                    maker_share: share,
                    prev_maker_share: track_now.prev_share[side],
                    volume_lots: t.volume_lots,
                    withdrawals: &track_now.withdrawals,
                    ref_ticks,
                    program_lots: track_now.program_lots,
                    aggressive_lots: track_now.aggressive_lots,
                    path: &track_now.path,
                    setup,
                })
            };
            sides[book][side].observe_with(t.t_ns, depth, make, &mut finished[side]);
            track.prev_share[side] = share;
        }
        track.withdrawals.clear();
        track.watching = sides[book].iter().any(Detector::in_dip);
        if finished.iter().all(Vec::is_empty) {
            return Ok(());
        }
        self.write_finished(book, name)
    }

    /// Writes the episodes a tick (or the run's end) finished: the bid's, then the ask's,
    /// each side's in the order they ended.
    fn write_finished(&mut self, book: usize, name: &str) -> csv::Result<()> {
        let mut r = Ok(());
        for side in 0..2 {
            if self.finished[side].is_empty() {
                continue;
            }
            let mut done = std::mem::take(&mut self.finished[side]);
            for e in &done {
                r = r.and(self.write(book, name, side, e));
            }
            done.clear();
            self.finished[side] = done;
        }
        r
    }

    fn write(
        &mut self,
        book: usize,
        name: &str,
        side: usize,
        e: &Episode<DipContext>,
    ) -> csv::Result<()> {
        let c = &e.context;
        let s = |ns: u64| ns as f64 / 1e9;
        let scale = self.scales[book];
        let mid = |x2: Option<i64>| x2.map(|m| scale.price(m as f64 / 2.0));
        let (mid_start, mid_end) = (mid(c.mid_x2_start), mid(c.mid_x2_end));
        let mid_move = match (mid_start, mid_end) {
            (Some(a), Some(b)) if a > 0.0 => Some((b - a) / a),
            _ => None,
        };
        let inputs = c.impact_inputs();
        let m = impact(&inputs);
        let ratio = e.trough_ratio();
        if let Some(r) = ratio {
            self.worst = Some(self.worst.map_or(r, |w: f64| w.min(r)));
        }
        self.spans.push((e.start_ns, e.end_ns));
        if e.recovered {
            self.recovery_ns.0 += e.end_ns - e.trough_ns;
            self.recovery_ns.1 += 1;
        }
        self.out.serialize(EpisodeRow {
            book: name,
            side: if side == 0 { "bid" } else { "ask" },
            start_s: s(e.start_ns),
            end_s: s(e.end_ns),
            duration_s: s(e.end_ns - e.start_ns),
            recovered: e.recovered,
            detected_by: if e.baseline_lots > 0.0 {
                "baseline"
            } else {
                "empty_side"
            },
            below_s: s(e.below_ns),
            baseline_lots: e.baseline_lots,
            trough_lots: e.trough_lots,
            trough_ratio: ratio,
            trough_s: s(e.trough_ns),
            time_to_trough_s: s(e.trough_ns - e.start_ns),
            refill_50_s: e.refill_50_ns.map(s),
            refill_90_s: e.refill_90_ns.map(s),
            mid_start,
            mid_end,
            mid_move_frac: mid_move,
            max_spread: c.max_spread_ticks.map(|d| scale.price(d as f64)),
            makers_withdrawn: c.withdrawn.len() as u32,
            triggers: c.triggers.join(";"),
            maker_share_before: c.share_before,
            maker_share_trough: c.share_trough,
            volume_lots: c.volume_lots(),
            impact_q_lots: m.q_lots,
            impact_q_source: m.source.as_str(),
            impact_sigma_per_sqrt_s: inputs.pre.sigma_per_sqrt_s,
            impact_volume_per_s: inputs.pre.volume_per_s,
            impact_price_start: scale.price(inputs.start_ticks),
            impact_price_peak: scale.price(m.peak_ticks),
            impact_price_permanent: inputs.permanent_ticks.map(|p| scale.price(p)),
            impact_predicted_frac: m.predicted_frac,
            impact_peak_frac: m.peak_frac,
            impact_permanent_frac: m.permanent_frac,
            impact_ratio_peak: m.ratio_peak,
            impact_ratio_permanent: m.ratio_permanent,
        })
    }

    /// Closes every detector at the run's end, writes the episodes still open and ends
    /// episodes.csv (flushed, or the in-memory table handed over).
    pub fn finish(&mut self, names: &[String]) -> csv::Result<Finished> {
        for (book, name) in names.iter().enumerate() {
            for side in 0..2 {
                self.sides[book][side].close(self.end_ns, &mut self.finished[side]);
            }
            self.write_finished(book, name)?;
        }
        Ok(self.out.finish()?)
    }

    /// One book.csv sample of `book`'s mid (summary.csv's price columns).
    pub fn sample_price(&mut self, book: usize, mid: Option<f64>) {
        let path = &mut self.prices[book];
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
    }

    /// The first book's price statistics.
    pub fn price_stats(&self) -> PriceStats {
        let p = &self.prices[0];
        let t_s = self.end_ns as f64 / 1e9;
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
        let (recovery_ns, recovered) = self.recovery_ns;
        CollapseStats {
            episodes: self.spans.len() as u64,
            collapsed_s: union_ns(&self.spans) as f64 / 1e9,
            worst_trough_ratio: self.worst,
            mean_recovery_s: (recovered > 0).then(|| recovery_ns as f64 / recovered as f64 / 1e9),
            longest_empty_side_s: self.longest_empty_ns as f64 / 1e9,
        }
    }
}

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
}
