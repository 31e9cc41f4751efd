//! A calendar queue (timing wheel) of timed items, bucketed by simulation step.
//!
//! Items due within the wheel's horizon go into the bucket of their step; later ones wait in an
//! overflow heap until the wheel reaches them. Draining a step's bucket returns its items sorted
//! by (time, insertion sequence), so the order is total and deterministic. Push and drain cost
//! O(1) amortised per item plus the sort of one (small) bucket, independent of how many items
//! are queued: a step with nothing due costs a vector swap.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One queued item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timed<T> {
    /// When it is due, ns.
    pub time_ns: u64,
    /// Insertion order: breaks ties between equal times.
    pub seq: u64,
    /// The payload.
    pub item: T,
}

/// A timing wheel with `buckets.len()` (a power of two) steps of `bucket_ns` each.
#[derive(Debug, Clone)]
pub struct Calendar<T> {
    bucket_ns: u64,
    buckets: Vec<Vec<Timed<T>>>,
    mask: u64,
    /// Absolute index of the next bucket to drain; items before it are overdue and go to it.
    cursor: u64,
    overflow: BinaryHeap<Reverse<Timed<T>>>,
    next_seq: u64,
    len: usize,
}

impl<T: Copy + Ord> Calendar<T> {
    /// A wheel whose buckets are `bucket_ns` long, covering at least `horizon_buckets` buckets
    /// before items spill to the overflow heap.
    pub fn new(bucket_ns: u64, horizon_buckets: usize) -> Self {
        let n = horizon_buckets.clamp(16, 1 << 16).next_power_of_two();
        Calendar {
            bucket_ns: bucket_ns.max(1),
            buckets: (0..n).map(|_| Vec::new()).collect(),
            mask: n as u64 - 1,
            cursor: 0,
            overflow: BinaryHeap::new(),
            next_seq: 0,
            len: 0,
        }
    }

    /// Number of queued items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Queues `item` for `time_ns`. An item for a step already drained is due in the next drain.
    #[inline]
    pub fn push(&mut self, time_ns: u64, item: T) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.len += 1;
        let entry = Timed { time_ns, seq, item };
        let b = (time_ns / self.bucket_ns).max(self.cursor);
        if b - self.cursor <= self.mask {
            self.buckets[(b & self.mask) as usize].push(entry);
        } else {
            self.overflow.push(Reverse(entry));
        }
    }

    /// Moves the items of the next step (bucket) into `out`, sorted by (time, seq), and
    /// advances to the following step. `out` is cleared first.
    pub fn drain_step(&mut self, out: &mut Vec<Timed<T>>) {
        self.drain_step_unsorted(out);
        out.sort_unstable_by_key(|e| (e.time_ns, e.seq));
    }

    /// Like [`drain_step`](Self::drain_step), but leaves `out` in no particular order (for a
    /// caller that orders the items itself).
    pub fn drain_step_unsorted(&mut self, out: &mut Vec<Timed<T>>) {
        out.clear();
        let horizon = self.cursor + self.mask;
        while let Some(Reverse(top)) = self.overflow.peek() {
            let b = top.time_ns / self.bucket_ns;
            if b > horizon {
                break;
            }
            let Reverse(e) = self.overflow.pop().expect("peeked");
            self.buckets[(b.max(self.cursor) & self.mask) as usize].push(e);
        }
        let slot = (self.cursor & self.mask) as usize;
        std::mem::swap(out, &mut self.buckets[slot]);
        self.cursor += 1;
        self.len -= out.len();
    }
}

/// A timing wheel like [`Calendar`] for items that order themselves: its entries are bare
/// (time, item) pairs, without an insertion sequence, for a caller whose items are distinct
/// (the exchange's order ids), so that ties in time are broken by the item. Smaller entries:
/// fewer cache lines touched per push and per step's drain.
#[derive(Debug, Clone)]
pub struct Wheel<T> {
    bucket_ns: u64,
    buckets: Vec<Vec<(u64, T)>>,
    mask: u64,
    cursor: u64,
    overflow: BinaryHeap<Reverse<(u64, T)>>,
}

impl<T: Copy + Ord> Wheel<T> {
    /// A wheel whose buckets are `bucket_ns` long, covering at least `horizon_buckets` buckets
    /// before items spill to the overflow heap.
    pub fn new(bucket_ns: u64, horizon_buckets: usize) -> Self {
        let n = horizon_buckets.clamp(16, 1 << 16).next_power_of_two();
        Wheel {
            bucket_ns: bucket_ns.max(1),
            buckets: (0..n).map(|_| Vec::new()).collect(),
            mask: n as u64 - 1,
            cursor: 0,
            overflow: BinaryHeap::new(),
        }
    }

    /// Queues `item` for `time_ns`. An item for a step already drained is due in the next drain.
    #[inline]
    pub fn push(&mut self, time_ns: u64, item: T) {
        let b = (time_ns / self.bucket_ns).max(self.cursor);
        if b - self.cursor <= self.mask {
            self.buckets[(b & self.mask) as usize].push((time_ns, item));
        } else {
            self.overflow.push(Reverse((time_ns, item)));
        }
    }

    /// Moves the items of the next step (bucket) into `out` (cleared first), sorted by
    /// (time, item), and advances to the following step.
    pub fn drain_step(&mut self, out: &mut Vec<(u64, T)>) {
        out.clear();
        let horizon = self.cursor + self.mask;
        while let Some(Reverse(top)) = self.overflow.peek() {
            let b = top.0 / self.bucket_ns;
            if b > horizon {
                break;
            }
            let Reverse(e) = self.overflow.pop().expect("peeked");
            self.buckets[(b.max(self.cursor) & self.mask) as usize].push(e);
        }
        let slot = (self.cursor & self.mask) as usize;
        std::mem::swap(out, &mut self.buckets[slot]);
        self.cursor += 1;
        out.sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_each_step_in_time_order_including_far_items() {
        let mut cal = Calendar::new(10, 16);
        let times = [5u64, 3, 12, 500, 19, 3, 1000, 10];
        for (i, t) in times.iter().enumerate() {
            cal.push(*t, i as u32);
        }
        let mut out = Vec::new();
        let mut seen = Vec::new();
        for step in 0..120u64 {
            cal.drain_step(&mut out);
            for e in &out {
                assert_eq!(e.time_ns / 10, step, "item {e:?} drained at step {step}");
                seen.push((e.time_ns, e.item));
            }
        }
        assert_eq!(
            seen,
            vec![
                (3, 1),
                (3, 5),
                (5, 0),
                (10, 7),
                (12, 2),
                (19, 4),
                (500, 3),
                (1000, 6)
            ]
        );
        assert!(cal.is_empty());
    }

    #[test]
    fn wheel_drains_each_step_in_time_then_item_order() {
        let mut wheel = Wheel::new(10, 16);
        // equal times (3) come out in item order; 500 and 1000 wait beyond the horizon
        let items = [
            (5u64, 0u32),
            (3, 9),
            (12, 2),
            (500, 3),
            (19, 4),
            (3, 1),
            (1000, 6),
            (10, 7),
        ];
        for &(t, item) in &items {
            wheel.push(t, item);
        }
        let mut out = Vec::new();
        let mut seen = Vec::new();
        for step in 0..120u64 {
            wheel.drain_step(&mut out);
            for &(t, item) in &out {
                assert_eq!(t / 10, step, "item {item} at {t} drained at step {step}");
                seen.push((t, item));
            }
        }
        let mut expected = items.to_vec();
        expected.sort_unstable();
        assert_eq!(seen, expected);
        // an item for a step already drained comes out in the next drain
        wheel.push(1, 8);
        wheel.drain_step(&mut out);
        assert_eq!(out, vec![(1, 8)]);
    }

    proptest::proptest! {
        /// Whatever its size, the wheel drains the calendar's items at the same steps, in
        /// (time, item) order: pushes for far steps (the overflow heap), for steps already
        /// drained, and equal times, interleaved with drains.
        #[test]
        fn wheel_drains_as_the_calendar_sorted_by_time_then_item(
            ops in proptest::collection::vec((0u8..4, 0u64..600), 1..300),
            horizon in proptest::sample::select(vec![16usize, 64, 4096]),
        ) {
            let mut wheel = Wheel::new(10, horizon);
            let mut calendar = Calendar::new(10, 16);
            let (mut got, mut from_calendar) = (Vec::new(), Vec::new());
            let mut now = 0u64;
            for (i, &(op, t)) in ops.iter().enumerate() {
                if op == 0 {
                    wheel.drain_step(&mut got);
                    calendar.drain_step(&mut from_calendar);
                    now += 10;
                    let mut expected: Vec<(u64, u32)> =
                        from_calendar.iter().map(|e| (e.time_ns, e.item)).collect();
                    expected.sort_unstable();
                    proptest::prop_assert_eq!(&got, &expected);
                } else {
                    // times from a few steps back (overdue) to far beyond a small wheel,
                    // coarse enough that equal times are common
                    let time = (now + t * 4).saturating_sub(40) / 4 * 4;
                    wheel.push(time, i as u32);
                    calendar.push(time, i as u32);
                }
            }
        }
    }

    #[test]
    fn overdue_items_come_out_next() {
        let mut cal = Calendar::new(10, 16);
        let mut out = Vec::new();
        cal.drain_step(&mut out);
        cal.drain_step(&mut out);
        cal.push(1, 9u32);
        cal.drain_step(&mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].item, 9);
    }
}
