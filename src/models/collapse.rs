//! Depth-collapse episodes, detected on one side of one book from its sampled depth.
//!
//! The rule (times in ns, depths in lots, `B` the baseline):
//! - a **dip** begins at the first sample with depth `< f·B`; the baseline is frozen at that
//!   moment (a collapse must not lower its own yardstick);
//! - the dip becomes an **episode** once depth has stayed `< f·B` for at least `d`; a sample at
//!   `≥ f·B` before that drops the dip;
//! - the episode **ends** at the first sample of a stretch of at least `d` at `≥ g·B` (`g > f`):
//!   two dips less than `d` apart are one episode. One that has not ended when the run does is
//!   closed at the run's end, not recovered;
//! - the **trough** is the lowest depth in it (the first such sample); the **refill** times are
//!   measured from the trough to the first sample at which depth has come back 50 % and 90 % of
//!   the way from the trough to the baseline. They are followed after the episode's end until
//!   both are found, the next dip begins, or the run ends (then the missing ones stay empty).
//!
//! The baseline is either the median of the trailing window of samples outside dips (detection
//! starts once the first window is full), or the mean of every sample before a given time (the
//! first shock), detection starting at that time.
//!
//! What an episode carries besides depth (prices, volume, makers) is the caller's: a context
//! `C` that absorbs every sample of the dip, so that this module stays independent of the
//! book and of the agents.

use std::collections::VecDeque;

/// Where the baseline comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BaselineRule {
    /// The median of the samples of the trailing `window_ns` (outside dips).
    TrailingMedian {
        /// The window, ns (> 0).
        window_ns: u64,
    },
    /// The mean of every sample before `until_ns`; no detection before it.
    MeanBefore {
        /// The end of the baseline period, ns.
        until_ns: u64,
    },
}

/// The detection rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CollapseRule {
    /// `f`: a dip is depth below this fraction of the baseline (0 < f < g).
    pub fraction: f64,
    /// `g`: recovery is depth at or above this fraction of the baseline.
    pub recover: f64,
    /// `d`: how long depth must stay below `f·B` to make an episode, and above `g·B` to end
    /// one, ns.
    pub min_duration_ns: u64,
    /// The baseline.
    pub baseline: BaselineRule,
}

/// What an episode's context learns from each sample of its dip.
pub trait Absorb<S> {
    /// Takes in `sample`; `trough` says that it is the dip's lowest depth so far.
    fn absorb(&mut self, sample: &S, trough: bool);
}

impl<S> Absorb<S> for () {
    fn absorb(&mut self, _: &S, _: bool) {}
}

/// One episode, as written when all its figures are known.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode<C> {
    /// The first sample below `f·B`, ns.
    pub start_ns: u64,
    /// The first sample of the sustained recovery, or the run's end, ns.
    pub end_ns: u64,
    /// Whether it ended before the run did.
    pub recovered: bool,
    /// The baseline it is measured against, lots.
    pub baseline_lots: f64,
    /// The lowest depth, lots.
    pub trough_lots: u64,
    /// When the trough was first reached, ns.
    pub trough_ns: u64,
    /// Time from the trough to a 50 % refill, ns.
    pub refill_50_ns: Option<u64>,
    /// Time from the trough to a 90 % refill, ns.
    pub refill_90_ns: Option<u64>,
    /// The caller's context, as of the episode's end: it absorbed the samples from the start
    /// up to and including the first sample of the recovery.
    pub context: C,
}

impl<C> Episode<C> {
    /// The trough against the baseline (1 when the baseline is 0, which cannot dip).
    pub fn trough_ratio(&self) -> f64 {
        if self.baseline_lots > 0.0 {
            self.trough_lots as f64 / self.baseline_lots
        } else {
            1.0
        }
    }
}

/// The median of a trailing time window.
#[derive(Debug, Clone)]
struct TrailingMedian {
    window_ns: u64,
    samples: VecDeque<(u64, u64)>,
    sorted: Vec<u64>,
    first_ns: Option<u64>,
}

impl TrailingMedian {
    fn push(&mut self, t_ns: u64, v: u64) {
        self.first_ns.get_or_insert(t_ns);
        while let Some(&(t0, old)) = self.samples.front() {
            if t0 + self.window_ns > t_ns {
                break;
            }
            self.samples.pop_front();
            let i = self.sorted.partition_point(|&x| x < old);
            self.sorted.remove(i);
        }
        self.samples.push_back((t_ns, v));
        let i = self.sorted.partition_point(|&x| x < v);
        self.sorted.insert(i, v);
    }

    /// The median, once the samples seen span a whole window.
    fn median(&self, t_ns: u64) -> Option<f64> {
        let full = self.first_ns.is_some_and(|t0| t_ns >= t0 + self.window_ns);
        let n = self.sorted.len();
        if !full || n == 0 {
            return None;
        }
        Some(if n % 2 == 1 {
            self.sorted[n / 2] as f64
        } else {
            (self.sorted[n / 2 - 1] as f64 + self.sorted[n / 2] as f64) / 2.0
        })
    }
}

#[derive(Debug, Clone)]
enum Baseline {
    Median(TrailingMedian),
    MeanBefore { until_ns: u64, sum: f64, n: u64 },
}

impl Baseline {
    fn new(rule: BaselineRule) -> Self {
        match rule {
            BaselineRule::TrailingMedian { window_ns } => Baseline::Median(TrailingMedian {
                window_ns,
                samples: VecDeque::new(),
                sorted: Vec::new(),
                first_ns: None,
            }),
            BaselineRule::MeanBefore { until_ns } => Baseline::MeanBefore {
                until_ns,
                sum: 0.0,
                n: 0,
            },
        }
    }

    /// The baseline at `t_ns`, if detection has started.
    fn value(&self, t_ns: u64) -> Option<f64> {
        match self {
            Baseline::Median(m) => m.median(t_ns),
            Baseline::MeanBefore { until_ns, sum, n } => {
                (t_ns >= *until_ns && *n > 0).then(|| sum / *n as f64)
            }
        }
    }

    fn push(&mut self, t_ns: u64, depth: u64) {
        match self {
            Baseline::Median(m) => m.push(t_ns, depth),
            Baseline::MeanBefore { until_ns, sum, n } => {
                if t_ns < *until_ns {
                    *sum += depth as f64;
                    *n += 1;
                }
            }
        }
    }
}

/// Refill times being looked for, from a trough.
#[derive(Debug, Clone, Copy)]
struct Refill {
    trough_ns: u64,
    half_lots: f64,
    most_lots: f64,
    half_ns: Option<u64>,
    most_ns: Option<u64>,
}

impl Refill {
    fn new(baseline: f64, trough_lots: u64, trough_ns: u64) -> Self {
        let gap = baseline - trough_lots as f64;
        Refill {
            trough_ns,
            half_lots: trough_lots as f64 + 0.5 * gap,
            most_lots: trough_lots as f64 + 0.9 * gap,
            half_ns: None,
            most_ns: None,
        }
    }

    fn see(&mut self, t_ns: u64, depth: u64) {
        let d = depth as f64;
        if self.half_ns.is_none() && d >= self.half_lots {
            self.half_ns = Some(t_ns - self.trough_ns);
        }
        if self.most_ns.is_none() && d >= self.most_lots {
            self.most_ns = Some(t_ns - self.trough_ns);
        }
    }

    fn done(&self) -> bool {
        self.most_ns.is_some() && self.half_ns.is_some()
    }
}

/// A dip being watched.
#[derive(Debug, Clone)]
struct Dip<C> {
    start_ns: u64,
    baseline_lots: f64,
    confirmed: bool,
    trough_lots: u64,
    refill: Refill,
    /// The first sample of the current stretch at ≥ g·B, with the context as of it.
    recovering: Option<(u64, C)>,
    context: C,
}

/// What one sample did.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation<C> {
    /// An episode whose figures are now all known.
    pub finished: Option<Episode<C>>,
    /// Whether a dip is being watched after this sample (begun, confirmed or recovering).
    pub in_dip: bool,
}

/// The detector of one side of one book.
#[derive(Debug, Clone)]
pub struct Detector<C> {
    rule: CollapseRule,
    baseline: Baseline,
    dip: Option<Dip<C>>,
    /// An ended episode whose refill times are still looked for.
    pending: Option<Episode<C>>,
    pending_refill: Option<Refill>,
}

impl<C: Clone + Default> Detector<C> {
    /// A detector with nothing seen yet.
    pub fn new(rule: CollapseRule) -> Self {
        Detector {
            baseline: Baseline::new(rule.baseline),
            rule,
            dip: None,
            pending: None,
            pending_refill: None,
        }
    }

    /// The baseline detection would use at `t_ns`, if it has started.
    pub fn baseline(&self, t_ns: u64) -> Option<f64> {
        match &self.dip {
            Some(d) => Some(d.baseline_lots),
            None => self.baseline.value(t_ns),
        }
    }

    /// Takes in one sample: depth `depth_lots` at `t_ns` (non-decreasing), with `sample` for
    /// the context.
    pub fn observe<S>(&mut self, t_ns: u64, depth_lots: u64, sample: &S) -> Observation<C>
    where
        C: Absorb<S>,
    {
        let mut finished = None;
        if let Some(r) = &mut self.pending_refill {
            r.see(t_ns, depth_lots);
            if r.done() {
                finished = self.take_pending();
            }
        }
        let d = self.rule.min_duration_ns;
        match self.dip.take() {
            None => {
                let base = self.baseline.value(t_ns);
                match base {
                    Some(b) if (depth_lots as f64) < self.rule.fraction * b => {
                        // a new dip ends the wait for the last episode's refill
                        if finished.is_none() {
                            finished = self.take_pending();
                        }
                        let mut context = C::default();
                        context.absorb(sample, true);
                        let mut dip = Dip {
                            start_ns: t_ns,
                            baseline_lots: b,
                            confirmed: d == 0,
                            trough_lots: depth_lots,
                            refill: Refill::new(b, depth_lots, t_ns),
                            recovering: None,
                            context,
                        };
                        dip.refill.see(t_ns, depth_lots);
                        self.dip = Some(dip);
                    }
                    _ => self.baseline.push(t_ns, depth_lots),
                }
            }
            Some(mut dip) => {
                let b = dip.baseline_lots;
                let depth = depth_lots as f64;
                let trough = depth_lots < dip.trough_lots;
                if !dip.confirmed {
                    if depth >= self.rule.fraction * b {
                        // dropped: too short to count; the baseline goes on from here
                        self.baseline.push(t_ns, depth_lots);
                        return Observation {
                            finished,
                            in_dip: false,
                        };
                    }
                    if t_ns - dip.start_ns >= d {
                        dip.confirmed = true;
                    }
                }
                if trough {
                    dip.trough_lots = depth_lots;
                    dip.refill = Refill::new(b, depth_lots, t_ns);
                }
                dip.refill.see(t_ns, depth_lots);
                dip.context.absorb(sample, trough);
                if dip.confirmed && depth >= self.rule.recover * b {
                    let since = match &dip.recovering {
                        Some((since, _)) => *since,
                        None => {
                            dip.recovering = Some((t_ns, dip.context.clone()));
                            t_ns
                        }
                    };
                    if t_ns - since >= d {
                        let (end_ns, context) = dip.recovering.take().expect("recovering");
                        self.end(dip, end_ns, true, context);
                        return Observation {
                            finished,
                            in_dip: false,
                        };
                    }
                } else {
                    dip.recovering = None;
                }
                self.dip = Some(dip);
            }
        }
        Observation {
            finished,
            in_dip: self.dip.is_some(),
        }
    }

    fn end(&mut self, dip: Dip<C>, end_ns: u64, recovered: bool, context: C) {
        self.pending = Some(Episode {
            start_ns: dip.start_ns,
            end_ns,
            recovered,
            baseline_lots: dip.baseline_lots,
            trough_lots: dip.trough_lots,
            trough_ns: dip.refill.trough_ns,
            refill_50_ns: None,
            refill_90_ns: None,
            context,
        });
        self.pending_refill = Some(dip.refill);
    }

    fn take_pending(&mut self) -> Option<Episode<C>> {
        let mut e = self.pending.take()?;
        let r = self
            .pending_refill
            .take()
            .expect("refill of the pending episode");
        e.refill_50_ns = r.half_ns;
        e.refill_90_ns = r.most_ns;
        Some(e)
    }

    /// Ends the run at `end_ns`: the episodes still open or waiting for their refill, in the
    /// order they started (at most two). A dip not yet long enough is not an episode.
    pub fn close(&mut self, end_ns: u64) -> Vec<Episode<C>> {
        let mut out: Vec<Episode<C>> = self.take_pending().into_iter().collect();
        if let Some(dip) = self.dip.take()
            && dip.confirmed
        {
            let context = dip.context.clone();
            self.end(dip, end_ns, false, context);
            out.extend(self.take_pending());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    fn rule(baseline: BaselineRule) -> CollapseRule {
        CollapseRule {
            fraction: 0.5,
            recover: 0.8,
            min_duration_ns: 5 * S,
            baseline,
        }
    }

    fn median_rule() -> CollapseRule {
        rule(BaselineRule::TrailingMedian { window_ns: 60 * S })
    }

    /// Runs a detector over one sample a second, `depths[i]` at i seconds; the episodes, in
    /// order, closed at the series' end.
    fn detect(rule: CollapseRule, depths: &[u64]) -> Vec<Episode<()>> {
        let mut det = Detector::<()>::new(rule);
        let mut out = Vec::new();
        for (i, &d) in depths.iter().enumerate() {
            out.extend(det.observe(i as u64 * S, d, &()).finished);
        }
        out.extend(det.close(depths.len() as u64 * S));
        out
    }

    /// 100 lots for `calm` seconds, then `dips` (depth, seconds) in turn.
    fn series(calm: usize, dips: &[(u64, usize)]) -> Vec<u64> {
        let mut v = vec![100; calm];
        for &(d, n) in dips {
            v.extend(std::iter::repeat_n(d, n));
        }
        v
    }

    #[test]
    fn a_steady_book_has_no_episode() {
        let noisy: Vec<u64> = (0..600).map(|i| 90 + (i * 37 % 21) as u64).collect();
        assert!(detect(median_rule(), &noisy).is_empty());
    }

    #[test]
    fn a_dip_shorter_than_d_is_not_an_episode() {
        let v = series(100, &[(10, 4), (100, 100)]);
        assert!(detect(median_rule(), &v).is_empty());
    }

    #[test]
    fn one_episode_with_its_trough_and_refills() {
        // 100 lots, then 40, 20 (trough at 105 s), 40, 70 (a 50 % refill from 20 to 100 is
        // 60), 95 from 115 s (the 90 % refill is 92, and ≥ 80 ends it after 5 s at 115 s).
        let v = series(100, &[(40, 5), (20, 5), (40, 5), (70, 5), (95, 50)]);
        let e = detect(median_rule(), &v);
        assert_eq!(e.len(), 1, "{e:?}");
        let e = &e[0];
        assert_eq!(e.start_ns, 100 * S);
        assert_eq!(e.end_ns, 120 * S);
        assert!(e.recovered);
        assert_eq!(e.baseline_lots, 100.0);
        assert_eq!(e.trough_lots, 20);
        assert_eq!(e.trough_ns, 105 * S);
        assert!((e.trough_ratio() - 0.2).abs() < 1e-12);
        assert_eq!(e.refill_50_ns, Some(10 * S));
        assert_eq!(e.refill_90_ns, Some(15 * S));
    }

    #[test]
    fn refill_is_followed_after_the_end() {
        // ends at 85 (≥ 80), reaches the 90 % refill (91) only at 140 s
        let v = series(100, &[(10, 10), (85, 30), (95, 20)]);
        let e = detect(median_rule(), &v);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].end_ns, 110 * S);
        assert_eq!(e[0].refill_50_ns, Some(10 * S));
        assert_eq!(e[0].refill_90_ns, Some(40 * S));
    }

    #[test]
    fn two_dips_closer_than_d_are_one_episode() {
        // 10 s down, 3 s back at 100, 10 s down again: one episode from 100 s to 123 s
        let v = series(100, &[(10, 10), (100, 3), (10, 10), (100, 30)]);
        let e = detect(median_rule(), &v);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].start_ns, e[0].end_ns), (100 * S, 123 * S));
        assert!(e[0].recovered);
        // the same dips d or more apart are two
        let v = series(100, &[(10, 10), (100, 6), (10, 10), (100, 30)]);
        let e = detect(median_rule(), &v);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!((e[0].start_ns, e[0].end_ns), (100 * S, 110 * S));
        assert_eq!((e[1].start_ns, e[1].end_ns), (116 * S, 126 * S));
    }

    #[test]
    fn a_dip_that_never_recovers_ends_with_the_run() {
        let v = series(100, &[(30, 50), (70, 20)]);
        let e = detect(median_rule(), &v);
        assert_eq!(e.len(), 1);
        assert!(!e[0].recovered);
        assert_eq!((e[0].start_ns, e[0].end_ns), (100 * S, 170 * S));
        assert_eq!(e[0].refill_50_ns, Some(50 * S));
        assert_eq!(e[0].refill_90_ns, None);
    }

    #[test]
    fn a_slowly_drifting_baseline_is_followed_not_flagged() {
        // depth falls from 200 to 51 lots over 20 minutes: the trailing median follows it, so
        // no episode; the first minute's mean does not, and flags the low end.
        let v: Vec<u64> = (0..1200).map(|i| 200 - i as u64 / 8).collect();
        assert!(detect(median_rule(), &v).is_empty());
        let fixed = rule(BaselineRule::MeanBefore { until_ns: 60 * S });
        let e = detect(fixed, &v);
        assert_eq!(e.len(), 1);
        assert!(!e[0].recovered);
        // the first minute's mean is 200 − 196/60 ≈ 196.73: below half of it from 98 lots,
        // which is 200 − ⌊816/8⌋
        assert_eq!(e[0].start_ns, 816 * S);
    }

    #[test]
    fn the_baseline_is_frozen_during_a_dip() {
        // a 10-minute collapse would drag a trailing median down to its level; frozen, the
        // episode stays measured against 100 and ends only when depth is back at 80.
        let v = series(100, &[(20, 600), (60, 30), (90, 30)]);
        let e = detect(median_rule(), &v);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].baseline_lots, 100.0);
        assert_eq!(e[0].end_ns, 730 * S);
    }

    #[test]
    fn no_detection_before_the_baseline_exists() {
        // an empty book at the start is the book being built, not a collapse
        let v = series(0, &[(0, 30), (100, 200)]);
        assert!(detect(median_rule(), &v).is_empty());
        let fixed = rule(BaselineRule::MeanBefore { until_ns: 100 * S });
        assert!(detect(fixed, &series(100, &[(10, 3)])).is_empty());
    }

    #[derive(Debug, Clone, Default, PartialEq)]
    struct Seen {
        samples: u32,
        troughs: u32,
        last: u64,
    }

    impl Absorb<u64> for Seen {
        fn absorb(&mut self, s: &u64, trough: bool) {
            self.samples += 1;
            self.troughs += u32::from(trough);
            self.last = *s;
        }
    }

    #[test]
    fn the_context_sees_the_dip_up_to_the_first_recovered_sample() {
        let v = series(100, &[(40, 5), (20, 5), (95, 10)]);
        let mut det = Detector::<Seen>::new(median_rule());
        let mut out = Vec::new();
        for (i, &d) in v.iter().enumerate() {
            out.extend(det.observe(i as u64 * S, d, &(i as u64)).finished);
        }
        out.extend(det.close(v.len() as u64 * S));
        assert_eq!(out.len(), 1);
        // samples 100..=110: 11 of them, troughs at 100 and 105
        assert_eq!(
            out[0].context,
            Seen {
                samples: 11,
                troughs: 2,
                last: 110
            }
        );
    }
}
