//! A percentage-of-volume execution rule, the one a sell or buy program follows: at each
//! decision it owes `participation` × (the volume traded over the trailing window, as a rate)
//! × (the time since its last decision), and sends what it owes in whole lots, bounded by the
//! child-order sizes and what is left. Whatever it could not send (less than the smallest
//! child, or more than the largest) carries over to the next decision.

use std::collections::VecDeque;

/// The rule's parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PovParams {
    /// Target share of the traded volume, in (0, 1].
    pub participation: f64,
    /// Trailing window the volume rate is measured over, ns.
    pub window_ns: u64,
    /// Smallest child order, lots (≥ 1).
    pub min_child_lots: u64,
    /// Largest child order, lots.
    pub max_child_lots: u64,
}

/// The rule's memory: the book's cumulative volume at past decisions, and what it owes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PovState {
    /// (time ns, the book's cumulative volume, lots) at past decisions, oldest first, kept
    /// back to one window before the latest.
    samples: VecDeque<(u64, u64)>,
    /// Lots owed and not yet sent (a fraction of a lot carries over).
    owed_lots: f64,
}

impl PovState {
    /// Records the book's cumulative volume `volume_lots` at `t_ns` without trading (before
    /// the program starts, so that its first window is full).
    pub fn observe(&mut self, t_ns: u64, volume_lots: u64, window_ns: u64) {
        self.samples.push_back((t_ns, volume_lots));
        while self
            .samples
            .get(1)
            .is_some_and(|&(t, _)| t.saturating_add(window_ns) <= t_ns)
        {
            self.samples.pop_front();
        }
    }

    /// The volume rate over the trailing window ending at `t_ns`, lots per ns (0 before two
    /// samples).
    fn rate(&self, t_ns: u64, volume_lots: u64) -> f64 {
        match self.samples.front() {
            Some(&(t0, v0)) if t_ns > t0 => {
                volume_lots.saturating_sub(v0) as f64 / (t_ns - t0) as f64
            }
            _ => 0.0,
        }
    }

    /// A decision at `t_ns`, `elapsed_ns` after the previous one, the book's cumulative
    /// volume being `volume_lots` and `remaining_lots` left to do: the child order to send,
    /// lots (0: none).
    pub fn decide(
        &mut self,
        p: &PovParams,
        t_ns: u64,
        elapsed_ns: u64,
        volume_lots: u64,
        remaining_lots: u64,
    ) -> u64 {
        self.owed_lots += p.participation * self.rate(t_ns, volume_lots) * elapsed_ns as f64;
        self.observe(t_ns, volume_lots, p.window_ns);
        let whole = self.owed_lots.floor().min(p.max_child_lots as f64) as u64;
        let child = whole.min(remaining_lots);
        if child == 0 || (child < p.min_child_lots && child < remaining_lots) {
            return 0;
        }
        self.owed_lots -= child as f64;
        child
    }

    /// Lots owed and not yet sent.
    pub fn owed_lots(&self) -> f64 {
        self.owed_lots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    fn params(min: u64, max: u64) -> PovParams {
        PovParams {
            participation: 0.1,
            window_ns: 10 * S,
            min_child_lots: min,
            max_child_lots: max,
        }
    }

    /// At a steady 100 lots/s the rule sends 10 % of it: 10 lots a second.
    #[test]
    fn a_steady_market_gets_its_participation() {
        let p = params(1, 1000);
        let mut st = PovState::default();
        for s in 0..10 {
            st.observe(s * S, s * 100, p.window_ns);
        }
        let mut sent = 0;
        for s in 10..110 {
            sent += st.decide(&p, s * S, S, s * 100, u64::MAX);
        }
        assert_eq!(sent, 1000);
    }

    /// The window forgets: after a burst, the rate falls back once the burst is a window old.
    #[test]
    fn the_rate_is_over_the_trailing_window_only() {
        let p = params(1, 10_000);
        let mut st = PovState::default();
        st.observe(0, 0, p.window_ns);
        // 1000 lots trade in the first second, then nothing
        let first = st.decide(&p, S, S, 1000, u64::MAX);
        assert_eq!(first, 100, "10 % of 1000 lots/s over one second");
        let mut later = 0;
        for s in 2..=11 {
            later += st.decide(&p, s * S, S, 1000, u64::MAX);
        }
        assert!(later > 0, "the burst is still in the window for a while");
        assert_eq!(
            st.decide(&p, 30 * S, S, 1000, u64::MAX),
            0,
            "two windows later the burst is forgotten"
        );
    }

    /// Below the smallest child nothing goes and the debt carries; above the largest, the
    /// child is capped and the rest carries too.
    #[test]
    fn child_bounds_carry_the_rest_over() {
        let p = params(5, 7);
        let mut st = PovState::default();
        st.observe(0, 0, p.window_ns);
        // 30 lots/s → 3 lots owed per second: nothing the first second, 6 the second
        assert_eq!(st.decide(&p, S, S, 30, u64::MAX), 0);
        assert_eq!(st.decide(&p, 2 * S, S, 60, u64::MAX), 6);
        // a burst of 1000 lots: capped at 7, the rest owed
        assert_eq!(st.decide(&p, 3 * S, S, 1060, u64::MAX), 7);
        assert!(st.owed_lots() > 10.0);
    }

    /// The last child may be smaller than the smallest child size: it finishes the program.
    #[test]
    fn the_remainder_finishes_even_below_the_smallest_child() {
        let p = params(5, 100);
        let mut st = PovState::default();
        st.observe(0, 0, p.window_ns);
        assert_eq!(st.decide(&p, S, S, 1000, 3), 3);
        assert_eq!(st.decide(&p, 2 * S, S, 2000, 0), 0);
    }
}
