//! The trailing-median baseline's window: the depths of the last `n` calm ticks, with their
//! median kept up to date in amortised O(1) per tick.
//!
//! Depths are whole lots. Those below [`HIST_LOTS`] are counted in a histogram and found by a
//! cursor that walks from the last median to the new one (a few bins when depth changes
//! little between ticks); larger ones, rare, sit in a sorted vector. The median is exact.

/// Depths below this many lots are counted in the histogram (it grows to the largest seen,
/// 256 KiB at most); larger ones are kept sorted apart.
pub const HIST_LOTS: u64 = 1 << 16;

/// A multiset of depths with order statistics.
#[derive(Debug, Clone, Default)]
struct DepthMultiset {
    /// Counts of each depth below `hist.len()` (≤ [`HIST_LOTS`]).
    hist: Vec<u32>,
    /// Depths ≥ [`HIST_LOTS`], sorted.
    large: Vec<u64>,
    /// How many depths the histogram holds.
    small: u64,
    /// The cursor: a bin, and how many of the histogram's depths are below it.
    at: usize,
    below: u64,
}

impl DepthMultiset {
    fn insert(&mut self, v: u64) {
        if v < HIST_LOTS {
            let i = v as usize;
            if i >= self.hist.len() {
                self.hist.resize(i + 1, 0);
            }
            self.hist[i] += 1;
            self.small += 1;
            if i < self.at {
                self.below += 1;
            }
        } else {
            let j = self.large.partition_point(|&x| x < v);
            self.large.insert(j, v);
        }
    }

    /// Removes one `v`, which must be there.
    fn remove(&mut self, v: u64) {
        if v < HIST_LOTS {
            let i = v as usize;
            debug_assert!(self.hist[i] > 0, "removing {v}, absent");
            self.hist[i] -= 1;
            self.small -= 1;
            if i < self.at {
                self.below -= 1;
            }
        } else {
            let j = self.large.partition_point(|&x| x < v);
            debug_assert_eq!(self.large.get(j), Some(&v), "removing {v}, absent");
            self.large.remove(j);
        }
    }

    fn len(&self) -> u64 {
        self.small + self.large.len() as u64
    }

    fn count_at(&self, i: usize) -> u64 {
        self.hist.get(i).map_or(0, |&c| u64::from(c))
    }

    /// The `k`-th smallest depth (from 0), `k < len()`.
    fn nth(&mut self, k: u64) -> u64 {
        if k >= self.small {
            return self.large[(k - self.small) as usize];
        }
        while self.below > k {
            self.at -= 1;
            self.below -= self.count_at(self.at);
        }
        while self.below + self.count_at(self.at) <= k {
            self.below += self.count_at(self.at);
            self.at += 1;
        }
        self.at as u64
    }

    fn median(&mut self) -> Option<f64> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        Some(if n % 2 == 1 {
            self.nth(n / 2) as f64
        } else {
            let lo = self.nth(n / 2 - 1);
            let hi = self.nth(n / 2);
            (lo as f64 + hi as f64) / 2.0
        })
    }
}

/// The depths of the last `capacity` ticks pushed, oldest first out, and their median.
#[derive(Debug, Clone)]
pub struct CalmWindow {
    capacity: usize,
    /// A ring: the oldest depth is at `next` once full.
    ring: Vec<u64>,
    next: usize,
    set: DepthMultiset,
    median: Option<f64>,
}

impl CalmWindow {
    /// An empty window of `capacity` ticks (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        CalmWindow {
            capacity,
            ring: Vec::with_capacity(capacity),
            next: 0,
            set: DepthMultiset::default(),
            median: None,
        }
    }

    /// Adds a tick's depth, dropping the oldest once full.
    pub fn push(&mut self, depth_lots: u64) {
        if self.ring.len() < self.capacity {
            self.ring.push(depth_lots);
        } else {
            let old = std::mem::replace(&mut self.ring[self.next], depth_lots);
            self.next = if self.next + 1 == self.capacity {
                0
            } else {
                self.next + 1
            };
            self.set.remove(old);
        }
        self.set.insert(depth_lots);
        self.median = self.set.median();
    }

    /// Whether it has been filled once (it stays full from then on).
    pub fn full(&self) -> bool {
        self.ring.len() == self.capacity
    }

    /// The median of the depths it holds (None: empty).
    pub fn median(&self) -> Option<f64> {
        self.median
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive_median(v: &[u64]) -> Option<f64> {
        if v.is_empty() {
            return None;
        }
        let mut s = v.to_vec();
        s.sort_unstable();
        let n = s.len();
        Some(if n % 2 == 1 {
            s[n / 2] as f64
        } else {
            (s[n / 2 - 1] as f64 + s[n / 2] as f64) / 2.0
        })
    }

    #[test]
    fn a_window_keeps_the_last_ticks() {
        let mut w = CalmWindow::new(3);
        assert_eq!(w.median(), None);
        w.push(10);
        assert_eq!(w.median(), Some(10.0));
        assert!(!w.full());
        w.push(2);
        assert_eq!(w.median(), Some(6.0));
        w.push(7);
        assert!(w.full());
        assert_eq!(w.median(), Some(7.0));
        // 10 leaves: [2, 7, 1]
        w.push(1);
        assert_eq!(w.median(), Some(2.0));
    }

    proptest! {
        /// The window's median is the sorted median of its last ticks, for depths small and
        /// large (beyond the histogram), in any order.
        #[test]
        fn the_median_is_exact(
            cap in 1usize..40,
            depths in prop::collection::vec(
                prop_oneof![0u64..50, 0u64..5, (HIST_LOTS - 3)..(HIST_LOTS + 3), 0u64..u64::MAX / 4],
                1..300,
            ),
        ) {
            let mut w = CalmWindow::new(cap);
            for (i, &d) in depths.iter().enumerate() {
                w.push(d);
                let lo = (i + 1).saturating_sub(cap);
                prop_assert_eq!(w.median(), naive_median(&depths[lo..=i]));
            }
        }
    }
}
