//! Volatility halts (CME-style stop logic): a book halts for `pause` when a trade prints at
//! least `move_ticks` away from a trade of the trailing `window`. The detector is a pure
//! running max/min over the window's trade prices (two monotone queues: O(1) amortised per
//! trade, no allocation once warm).

use std::collections::VecDeque;

/// A book's halt rule, in ns and ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HaltRule {
    /// The move that halts, ticks (≥ 1).
    pub move_ticks: i64,
    /// The trailing window the move is measured over, ns.
    pub window_ns: u64,
    /// How long the book stays halted, ns (> 0).
    pub pause_ns: u64,
    /// Most requests held at once while halted (≥ 1); see [`super::exchange::Exchange`].
    pub max_held_orders: usize,
}

/// The trailing window's highest and lowest trade prices.
#[derive(Debug, Clone, Default)]
pub struct MoveDetector {
    /// (time, price) with decreasing prices: the front is the window's maximum.
    highs: VecDeque<(u64, i64)>,
    /// (time, price) with increasing prices: the front is the window's minimum.
    lows: VecDeque<(u64, i64)>,
}

impl MoveDetector {
    /// Adds a trade at `t_ns` and `price_ticks`, forgetting trades older than `window_ns`;
    /// returns the largest distance, ticks, from this price to a trade in the window.
    pub fn trade(&mut self, t_ns: u64, price_ticks: i64, window_ns: u64) -> i64 {
        let cutoff = t_ns.saturating_sub(window_ns);
        for q in [&mut self.highs, &mut self.lows] {
            while q.front().is_some_and(|&(t, _)| t < cutoff) {
                q.pop_front();
            }
        }
        while self.highs.back().is_some_and(|&(_, p)| p <= price_ticks) {
            self.highs.pop_back();
        }
        self.highs.push_back((t_ns, price_ticks));
        while self.lows.back().is_some_and(|&(_, p)| p >= price_ticks) {
            self.lows.pop_back();
        }
        self.lows.push_back((t_ns, price_ticks));
        let hi = self.highs.front().map_or(price_ticks, |&(_, p)| p);
        let lo = self.lows.front().map_or(price_ticks, |&(_, p)| p);
        (hi - price_ticks).max(price_ticks - lo)
    }

    /// Forgets every trade (the reference starts afresh after a halt).
    pub fn clear(&mut self) {
        self.highs.clear();
        self.lows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_move_is_measured_against_the_window_extremes() {
        let mut d = MoveDetector::default();
        assert_eq!(d.trade(0, 100, 10), 0);
        assert_eq!(d.trade(1, 104, 10), 4);
        assert_eq!(d.trade(2, 97, 10), 7, "from the high of 104");
        assert_eq!(d.trade(3, 99, 10), 5, "still from 104");
        // at t = 12 the trades of t < 2 have left the window: the high is 99, the low 97
        assert_eq!(d.trade(12, 101, 10), 4);
    }

    #[test]
    fn clearing_forgets_the_reference() {
        let mut d = MoveDetector::default();
        d.trade(0, 100, 10);
        d.clear();
        assert_eq!(d.trade(1, 150, 10), 0);
    }

    /// Against a brute-force max/min over a seeded random walk.
    #[test]
    fn matches_a_brute_force_window() {
        let mut d = MoveDetector::default();
        let mut trades: Vec<(u64, i64)> = Vec::new();
        let mut p = 1000i64;
        let mut x = 12345u64;
        for t in 0..5000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            p += (x >> 61) as i64 - 3;
            trades.push((t, p));
            let w = 50;
            let in_window = trades.iter().filter(|&&(s, _)| s + w >= t);
            let far = in_window.map(|&(_, q)| (q - p).abs()).max().unwrap();
            assert_eq!(d.trade(t, p, w), far, "at t = {t}");
        }
    }
}
