//! Depth-collapse episodes, detected on one side of one book from its depth seen at a fixed
//! cadence (the detector's own: never the output's sampling interval).
//!
//! Ticks come every `c` ns; the depth seen at a tick stands for the time until the next one,
//! so a run of `k` ticks lasts `k·c`. With `B` the baseline, `f < g` two fractions of it and
//! `d` the minimum duration:
//! - a tick is **low** when the depth is below `f·B`, or when the side holds nothing within
//!   the band (the absolute rule: an empty side is low whatever `B` says, even `B = 0`);
//! - a **dip** begins at a low tick, and `B` is frozen for it then (a collapse must not lower
//!   its own yardstick). Ticks back at or above `f·B` do not end a dip until they have lasted
//!   `d`: dips closer than `d` merge, by time, and no single tick resets one;
//! - a dip becomes an **episode** once its low ticks add up to `d`;
//! - an episode **ends** at the first tick of its **recovery**: a stretch without a low tick
//!   in which depth is at or above `g·B` (`g > f`) for a total of `d`. Pauses between `f·B`
//!   and `g·B` do not break a recovery unless they last `d`; a low tick does (the dip goes on),
//!   so two dips less than `d` apart are one episode. One that has not ended when the run
//!   does is closed at the run's end, not recovered;
//! - the **trough** is the lowest depth in it (its first tick); the **refill** times run from
//!   the trough to the first tick at which depth has come back 50 % and 90 % of the way to
//!   `B` (none when `B = 0`). They are followed after the episode's end until both are found,
//!   the next dip begins, or the run ends (then the missing ones stay empty).
//!
//! The baseline ([`BaselineRule`]) is either the median depth of the last `n` **calm** ticks
//! (neither low nor inside an episode; every tick counts until the run's first `n` ticks have
//! been seen, and detection starts after that), or the mean of every tick before a given time
//! (the first shock), detection starting at that time. Leaving low ticks out of the trailing
//! window is what keeps it from following the book into a crisis: however long depth stays
//! below `f·B`, the window still holds the last `n` calm ticks before it. A slow drift that
//! stays above `f·B` is followed.
//!
//! What an episode carries besides depth (prices, volume, makers) is the caller's: a context
//! `C` that absorbs every tick of the dip ([`Absorb::absorb`]), up to and including the first
//! tick of the recovery, and then, once, the tick `hold` after the end ([`Absorb::settle`]).
//! An ended episode is handed back once its refill times and that tick are known (or can no
//! longer be), so that this module stays independent of the book and of the agents.

use std::collections::VecDeque;

pub mod impact;
mod median;

pub use median::CalmWindow;

/// Where the baseline comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BaselineRule {
    /// The median depth of the last `window_ticks` calm ticks (outside dips and episodes).
    TrailingMedian {
        /// The window, ticks (≥ 1).
        window_ticks: u64,
    },
    /// The mean depth of every tick before `until_ns`; no detection before it.
    MeanBefore {
        /// The end of the baseline period, ns.
        until_ns: u64,
    },
}

/// The detection rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CollapseRule {
    /// `f`: a tick below this fraction of the baseline is low (0 < f < g).
    pub fraction: f64,
    /// `g`: at or above this fraction of the baseline (and not empty) is recovered.
    pub recover: f64,
    /// `d`: how long a dip's low ticks must add up to make an episode, how long a return
    /// above `f·B` must last to end a dip that is not one yet, how long a recovery's ticks at
    /// or above `g·B` must add up to to end an episode, and how long a pause below `g·B`
    /// breaks a recovery, ns.
    pub min_duration_ns: u64,
    /// `c`: the time between ticks, ns (> 0).
    pub cadence_ns: u64,
    /// How long after an episode's end its context is shown the tick of [`Absorb::settle`], ns.
    pub hold_ns: u64,
    /// The baseline.
    pub baseline: BaselineRule,
}

/// What an episode's context learns from the ticks of its dip.
pub trait Absorb<S> {
    /// Takes in `sample`, a tick of the dip; `trough` says that it is the lowest depth so far.
    fn absorb(&mut self, sample: &S, trough: bool);
    /// Takes in the tick `hold` after the episode's end (at most once; never if the run
    /// ends first).
    fn settle(&mut self, _sample: &S) {}
}

impl<S> Absorb<S> for () {
    fn absorb(&mut self, _: &S, _: bool) {}
}

/// One episode, as handed back when all its figures are known.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode<C> {
    /// The first low tick, ns.
    pub start_ns: u64,
    /// The first tick of the sustained recovery, or the run's end, ns.
    pub end_ns: u64,
    /// Whether it ended before the run did.
    pub recovered: bool,
    /// The baseline it is measured against, lots (0: only the absolute rule could see it).
    pub baseline_lots: f64,
    /// The lowest depth, lots.
    pub trough_lots: u64,
    /// When the trough was first reached, ns.
    pub trough_ns: u64,
    /// Time spent low within it, ns (≤ end − start).
    pub below_ns: u64,
    /// Time from the trough to a 50 % refill, ns.
    pub refill_50_ns: Option<u64>,
    /// Time from the trough to a 90 % refill, ns.
    pub refill_90_ns: Option<u64>,
    /// Whether the context was shown the tick `hold` after the end.
    pub settled: bool,
    /// The caller's context.
    pub context: C,
}

impl<C> Episode<C> {
    /// The trough against the baseline (None when the baseline is 0).
    pub fn trough_ratio(&self) -> Option<f64> {
        (self.baseline_lots > 0.0).then(|| self.trough_lots as f64 / self.baseline_lots)
    }
}

#[derive(Debug, Clone)]
enum Baseline {
    Median(CalmWindow),
    MeanBefore { until_ns: u64, sum: u128, n: u64 },
}

impl Baseline {
    fn new(rule: BaselineRule) -> Self {
        match rule {
            BaselineRule::TrailingMedian { window_ticks } => {
                Baseline::Median(CalmWindow::new(window_ticks as usize))
            }
            BaselineRule::MeanBefore { until_ns } => Baseline::MeanBefore {
                until_ns,
                sum: 0,
                n: 0,
            },
        }
    }

    /// The baseline at `t_ns`, once detection has started.
    fn value(&self, t_ns: u64) -> Option<f64> {
        match self {
            Baseline::Median(w) => w.full().then(|| w.median()).flatten(),
            Baseline::MeanBefore { until_ns, sum, n } => {
                (t_ns >= *until_ns && *n > 0).then(|| *sum as f64 / *n as f64)
            }
        }
    }

    fn push(&mut self, t_ns: u64, depth: u64) {
        match self {
            Baseline::Median(w) => w.push(depth),
            Baseline::MeanBefore { until_ns, sum, n } => {
                if t_ns < *until_ns {
                    *sum += u128::from(depth);
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

/// The stretch at the end of an episode that may be its recovery.
#[derive(Debug, Clone)]
struct Recovering<C> {
    since_ns: u64,
    /// Time at or above `g·B` in it so far.
    recovered_ns: u64,
    /// The first tick of the current pause below `g·B` (above `f·B`).
    below_since: Option<u64>,
    /// The context as of its first tick (settled, if the hold fell inside it).
    context: C,
    settled: bool,
}

/// A dip being watched.
#[derive(Debug, Clone)]
struct Dip<C> {
    start_ns: u64,
    baseline_lots: f64,
    confirmed: bool,
    below_ns: u64,
    trough_lots: u64,
    trough_ns: u64,
    /// None when the baseline is 0.
    refill: Option<Refill>,
    /// Unconfirmed: the first tick of the current return at or above `f·B`.
    above_since: Option<u64>,
    recovering: Option<Recovering<C>>,
    context: C,
}

/// An ended episode waiting for its refill times and its settling tick.
#[derive(Debug, Clone)]
struct Held<C> {
    episode: Episode<C>,
    refill: Option<Refill>,
    refill_open: bool,
    due_ns: u64,
}

impl<C> Held<C> {
    fn ready(&self) -> bool {
        !self.refill_open && self.episode.settled
    }

    fn release(mut self) -> Episode<C> {
        if let Some(r) = self.refill {
            self.episode.refill_50_ns = r.half_ns;
            self.episode.refill_90_ns = r.most_ns;
        }
        self.episode
    }
}

/// The detector of one side of one book.
#[derive(Debug, Clone)]
pub struct Detector<C> {
    rule: CollapseRule,
    baseline: Baseline,
    dip: Option<Dip<C>>,
    held: VecDeque<Held<C>>,
}

impl CollapseRule {
    /// Whether a tick is low against baseline `b`: below `f·b`, or empty.
    fn low(&self, depth_lots: u64, b: f64) -> bool {
        depth_lots == 0 || (depth_lots as f64) < self.fraction * b
    }
}

/// A value made on first use.
struct Lazy<F, T> {
    make: Option<F>,
    value: Option<T>,
}

impl<F: FnOnce() -> T, T: Copy> Lazy<F, T> {
    fn new(make: F) -> Self {
        Lazy {
            make: Some(make),
            value: None,
        }
    }

    fn get(&mut self) -> T {
        match self.value {
            Some(v) => v,
            None => {
                let v = (self.make.take().expect("made once"))();
                self.value = Some(v);
                v
            }
        }
    }
}

impl<C: Clone + Default> Detector<C> {
    /// A detector with nothing seen yet.
    pub fn new(rule: CollapseRule) -> Self {
        assert!(rule.cadence_ns > 0, "a cadence of 0 ns");
        Detector {
            baseline: Baseline::new(rule.baseline),
            rule,
            dip: None,
            held: VecDeque::new(),
        }
    }

    /// The baseline detection would use at `t_ns`, if it has started.
    pub fn baseline(&self, t_ns: u64) -> Option<f64> {
        match &self.dip {
            Some(d) => Some(d.baseline_lots),
            None => self.baseline.value(t_ns),
        }
    }

    /// Whether a dip (confirmed or not) is being watched.
    pub fn in_dip(&self) -> bool {
        self.dip.is_some()
    }

    /// Takes in one tick: depth `depth_lots` at `t_ns` (one cadence after the previous tick),
    /// with `sample` for the contexts. Episodes whose figures are now all known are pushed
    /// onto `finished`, in the order they ended.
    pub fn observe<S>(
        &mut self,
        t_ns: u64,
        depth_lots: u64,
        sample: &S,
        finished: &mut Vec<Episode<C>>,
    ) where
        C: Absorb<S>,
    {
        self.observe_with(t_ns, depth_lots, || sample, finished);
    }

    /// [`Detector::observe`] with the sample made only if a context needs it (in a dip, or
    /// for an ended episode's settling tick): most ticks need none.
    pub fn observe_with<'s, S: 's, F>(
        &mut self,
        t_ns: u64,
        depth_lots: u64,
        sample: F,
        finished: &mut Vec<Episode<C>>,
    ) where
        C: Absorb<S>,
        F: FnOnce() -> &'s S,
    {
        let mut sample = Lazy::new(sample);
        if !self.held.is_empty() {
            self.follow_held(t_ns, depth_lots, &mut sample);
        }
        self.step(t_ns, depth_lots, &mut sample);
        while self.held.front().is_some_and(Held::ready) {
            finished.extend(self.held.pop_front().map(Held::release));
        }
    }

    /// The dip's part of a tick.
    fn step<'s, S: 's, F>(&mut self, t_ns: u64, depth_lots: u64, sample: &mut Lazy<F, &'s S>)
    where
        C: Absorb<S>,
        F: FnOnce() -> &'s S,
    {
        let rule = self.rule;
        let (c, d) = (rule.cadence_ns, rule.min_duration_ns);
        let Some(dip) = self.dip.as_mut() else {
            match self.baseline.value(t_ns) {
                Some(b) if rule.low(depth_lots, b) => {
                    self.begin(t_ns, depth_lots, b, sample.get());
                }
                _ => self.baseline.push(t_ns, depth_lots),
            }
            return;
        };
        let b = dip.baseline_lots;
        let low = rule.low(depth_lots, b);
        let trough = depth_lots < dip.trough_lots;
        if trough {
            dip.trough_lots = depth_lots;
            dip.trough_ns = t_ns;
            dip.refill = dip.refill.map(|_| Refill::new(b, depth_lots, t_ns));
        }
        if let Some(r) = &mut dip.refill {
            r.see(t_ns, depth_lots);
        }
        dip.context.absorb(sample.get(), trough);
        if low {
            dip.below_ns += c;
        }
        if !dip.confirmed {
            if low {
                dip.above_since = None;
                dip.confirmed = dip.below_ns >= d;
            } else {
                let since = *dip.above_since.get_or_insert(t_ns);
                // calm enough for the baseline, but not yet the dip's end
                self.baseline.push(t_ns, depth_lots);
                if t_ns + c - since >= d {
                    self.dip = None; // dropped: its low ticks were too few
                }
            }
            return;
        }
        if low {
            dip.recovering = None; // the dip goes on
            return;
        }
        if depth_lots as f64 >= rule.recover * b {
            let r = dip.recovering.get_or_insert_with(|| Recovering {
                since_ns: t_ns,
                recovered_ns: 0,
                below_since: None,
                context: dip.context.clone(),
                settled: false,
            });
            r.recovered_ns += c;
            r.below_since = None;
        } else if let Some(r) = &mut dip.recovering {
            // above f·B but below g·B: a pause in the recovery, unless it lasts d
            let since = *r.below_since.get_or_insert(t_ns);
            if t_ns + c - since >= d {
                dip.recovering = None;
            }
        }
        let Some(r) = &mut dip.recovering else {
            return;
        };
        if !r.settled && t_ns >= r.since_ns + rule.hold_ns {
            r.context.settle(sample.get());
            r.settled = true;
        }
        if r.recovered_ns >= d {
            let mut dip = self.dip.take().expect("the dip");
            let r = dip.recovering.take().expect("recovering");
            dip.context = r.context;
            self.end(dip, r.since_ns, true, r.settled);
        }
    }

    fn begin<S>(&mut self, t_ns: u64, depth_lots: u64, baseline: f64, sample: &S)
    where
        C: Absorb<S>,
    {
        // a new dip ends the wait for the last episodes' refills
        for h in &mut self.held {
            h.refill_open = false;
        }
        let mut context = C::default();
        context.absorb(sample, true);
        let mut refill = (baseline > 0.0).then(|| Refill::new(baseline, depth_lots, t_ns));
        if let Some(r) = &mut refill {
            r.see(t_ns, depth_lots);
        }
        let c = self.rule.cadence_ns;
        self.dip = Some(Dip {
            start_ns: t_ns,
            baseline_lots: baseline,
            confirmed: c >= self.rule.min_duration_ns,
            below_ns: c,
            trough_lots: depth_lots,
            trough_ns: t_ns,
            refill,
            above_since: None,
            recovering: None,
            context,
        });
    }

    /// Moves the ended episodes on: their refill search and their settling tick.
    fn follow_held<'s, S: 's, F>(&mut self, t_ns: u64, depth_lots: u64, sample: &mut Lazy<F, &'s S>)
    where
        C: Absorb<S>,
        F: FnOnce() -> &'s S,
    {
        for h in &mut self.held {
            if h.refill_open
                && let Some(r) = &mut h.refill
            {
                r.see(t_ns, depth_lots);
                h.refill_open = !r.done();
            }
            if !h.episode.settled && t_ns >= h.due_ns {
                h.episode.context.settle(sample.get());
                h.episode.settled = true;
            }
        }
    }

    /// Hands `dip` (its context as of its end) over to wait for its refill and settling tick.
    fn end(&mut self, dip: Dip<C>, end_ns: u64, recovered: bool, settled: bool) {
        let refill_open = dip.refill.is_some_and(|r| !r.done());
        self.held.push_back(Held {
            episode: Episode {
                start_ns: dip.start_ns,
                end_ns,
                recovered,
                baseline_lots: dip.baseline_lots,
                trough_lots: dip.trough_lots,
                trough_ns: dip.trough_ns,
                below_ns: dip.below_ns,
                refill_50_ns: None,
                refill_90_ns: None,
                settled,
                context: dip.context,
            },
            refill: dip.refill,
            refill_open,
            due_ns: end_ns + self.rule.hold_ns,
        });
    }

    /// Ends the run at `end_ns`: the episodes still open or waiting are pushed onto
    /// `finished`, in the order they started. A dip whose low ticks do not yet add up to `d`
    /// is not an episode.
    pub fn close(&mut self, end_ns: u64, finished: &mut Vec<Episode<C>>) {
        if let Some(dip) = self.dip.take()
            && dip.confirmed
        {
            self.end(dip, end_ns, false, false);
        }
        finished.extend(self.held.drain(..).map(Held::release));
    }
}

#[cfg(test)]
mod tests;
