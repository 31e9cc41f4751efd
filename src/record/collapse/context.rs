//! What an episode carries besides depth: prices, spread, volume, the makers who withdrew
//! and why, and the inputs of the square-root law, gathered from the detector's ticks.

use crate::models::collapse::Absorb;
use crate::models::collapse::impact::{ImpactInputs, PathWindow, PreWindow, pre_window};

/// How σ is measured before an episode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImpactSetup {
    /// The detector's cadence, seconds.
    pub cadence_s: f64,
    /// σ's horizon, in ticks of the cadence (≥ 1).
    pub horizon_ticks: usize,
}

/// What one tick of the detector tells an episode on one side of a book.
#[derive(Debug, Clone, Copy)]
pub struct SideSample<'a> {
    /// Twice the mid, ticks (None: a side is empty).
    pub mid_x2_ticks: Option<i64>,
    /// The spread, ticks.
    pub spread_ticks: Option<i64>,
    /// The makers' share of this side's depth (None: no depth).
    pub maker_share: Option<f64>,
    /// The share at the previous tick.
    pub prev_maker_share: Option<f64>,
    /// Lots traded in the book since the open.
    pub volume_lots: u64,
    /// The book's makers that entered the withdrawn state since the previous tick, with
    /// their trigger.
    pub withdrawals: &'a [(u32, &'static str)],
    /// The reference price, ticks: the mid, or the last trade while a side is empty.
    pub ref_ticks: f64,
    /// The programs' signed fills in the book since the open, lots (+ bought).
    pub program_lots: i64,
    /// Lots bought by arriving orders less lots sold by them, in the book since the open.
    pub aggressive_lots: i64,
    /// The book's path over the impact window, up to this tick, oldest first.
    pub path: &'a PathWindow,
    /// How σ is measured.
    pub setup: &'a ImpactSetup,
}

/// An episode's context: everything but depth.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DipContext {
    ticks: u64,
    /// Twice the mid at the first tick, and twice the last two-sided mid seen, ticks.
    pub mid_x2_start: Option<i64>,
    /// See `mid_x2_start`.
    pub mid_x2_end: Option<i64>,
    /// The widest spread seen, ticks.
    pub max_spread_ticks: Option<i64>,
    volume_start: u64,
    volume_end: u64,
    /// The makers that withdrew, sorted, distinct.
    pub withdrawn: Vec<u32>,
    /// Their triggers, sorted, distinct.
    pub triggers: Vec<&'static str>,
    /// The makers' share of the side's depth at the tick before the start, and at the trough.
    pub share_before: Option<f64>,
    /// See `share_before`.
    pub share_trough: Option<f64>,
    ref_start: f64,
    ref_min: f64,
    ref_max: f64,
    program_start: i64,
    program_end: i64,
    aggressive_start: i64,
    aggressive_end: i64,
    pre: PreWindow,
    ref_permanent: Option<f64>,
}

impl DipContext {
    /// Lots traded in the book after the first tick, up to the last.
    pub fn volume_lots(&self) -> u64 {
        self.volume_end - self.volume_start
    }

    /// The square-root law's inputs.
    pub fn impact_inputs(&self) -> ImpactInputs {
        ImpactInputs {
            program_lots: self.program_end - self.program_start,
            net_aggressive_lots: self.aggressive_end - self.aggressive_start,
            start_ticks: self.ref_start,
            min_ticks: self.ref_min,
            max_ticks: self.ref_max,
            permanent_ticks: self.ref_permanent,
            pre: self.pre,
        }
    }
}

impl Absorb<SideSample<'_>> for DipContext {
    fn absorb(&mut self, s: &SideSample<'_>, trough: bool) {
        if self.ticks == 0 {
            self.mid_x2_start = s.mid_x2_ticks;
            self.share_before = s.prev_maker_share;
            self.volume_start = s.volume_lots;
            self.ref_start = s.ref_ticks;
            self.ref_min = s.ref_ticks;
            self.ref_max = s.ref_ticks;
            self.program_start = s.program_lots;
            self.aggressive_start = s.aggressive_lots;
            self.pre = pre_window(s.path.points(), s.setup.cadence_s, s.setup.horizon_ticks);
        }
        self.ticks += 1;
        self.volume_end = s.volume_lots;
        self.program_end = s.program_lots;
        self.aggressive_end = s.aggressive_lots;
        self.ref_min = self.ref_min.min(s.ref_ticks);
        self.ref_max = self.ref_max.max(s.ref_ticks);
        if s.mid_x2_ticks.is_some() {
            self.mid_x2_end = s.mid_x2_ticks;
        }
        if let Some(sp) = s.spread_ticks {
            self.max_spread_ticks = Some(self.max_spread_ticks.map_or(sp, |m| m.max(sp)));
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

    fn settle(&mut self, s: &SideSample<'_>) {
        self.ref_permanent = Some(s.ref_ticks);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::collapse::impact::PathPoint;

    #[test]
    fn the_context_keeps_first_last_extremes_and_distinct_withdrawals() {
        let w1 = [(3, "drawdown"), (1, "toxicity")];
        let w2 = [(3, "drawdown"), (2, "drawdown")];
        let setup = ImpactSetup {
            cadence_s: 1.0,
            horizon_ticks: 1,
        };
        let mut path = PathWindow::new(3);
        for (i, p) in [100.0, 101.0, 100.0].into_iter().enumerate() {
            path.push(PathPoint {
                ln_price: libm::log(p),
                volume_lots: 5 * i as u64,
            });
        }
        let sample = |mid, spread, share, w, vol, r, prog, aggr| SideSample {
            mid_x2_ticks: mid,
            spread_ticks: spread,
            maker_share: share,
            prev_maker_share: Some(0.9),
            volume_lots: vol,
            withdrawals: w,
            ref_ticks: r,
            program_lots: prog,
            aggressive_lots: aggr,
            path: &path,
            setup: &setup,
        };
        let mut c = DipContext::default();
        c.absorb(
            &sample(Some(4000), Some(2), Some(0.5), &w1, 50, 2000.0, -10, 4),
            true,
        );
        c.absorb(
            &sample(None, None, Some(0.1), &[], 57, 1960.0, -30, -20),
            true,
        );
        c.absorb(
            &sample(Some(3880), Some(30), Some(0.4), &w2, 64, 1940.0, -40, -26),
            false,
        );
        c.settle(&sample(Some(3960), None, None, &[], 90, 1980.0, -40, -30));
        assert_eq!((c.mid_x2_start, c.mid_x2_end), (Some(4000), Some(3880)));
        assert_eq!(c.max_spread_ticks, Some(30));
        assert_eq!(c.withdrawn, vec![1, 2, 3]);
        assert_eq!(c.triggers, vec!["drawdown", "toxicity"]);
        assert_eq!((c.share_before, c.share_trough), (Some(0.9), Some(0.1)));
        // the first tick's interval is before the dip
        assert_eq!(c.volume_lots(), 14);
        let i = c.impact_inputs();
        assert_eq!((i.program_lots, i.net_aggressive_lots), (-30, -30));
        assert_eq!(
            (i.start_ticks, i.min_ticks, i.max_ticks),
            (2000.0, 1940.0, 2000.0)
        );
        assert_eq!(i.permanent_ticks, Some(1980.0));
        // the path seen at the first tick: ±ln(1.01) a second, 5 lots a second
        let r = libm::log(1.01);
        assert!((i.pre.sigma_per_sqrt_s.unwrap() - r).abs() < 1e-15);
        assert_eq!(i.pre.volume_per_s, Some(5.0));
    }
}
