//! A calendar queue (timing wheel) of timed items, bucketed by simulation step.
//!
//! Items due within the wheel's horizon go into the bucket of their step; later ones wait in an
//! overflow heap until the wheel reaches them. Draining a step's bucket returns its items sorted
//! by (time, item) from a [`Wheel`] and by (time, insertion sequence) from a [`Calendar`], so
//! the order is total and deterministic. Push and drain cost
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

/// A timing wheel of items in insertion order among equal times: a [`Wheel`] whose items carry
/// their insertion sequence.
#[derive(Debug, Clone)]
pub struct Calendar<T> {
    wheel: Wheel<(u64, T)>,
    drained: Vec<(u64, (u64, T))>,
    next_seq: u64,
    len: usize,
}

impl<T: Copy + Ord> Calendar<T> {
    /// A wheel whose buckets are `bucket_ns` long, covering at least `horizon_buckets` buckets
    /// before items spill to the overflow heap.
    pub fn new(bucket_ns: u64, horizon_buckets: usize) -> Self {
        Calendar {
            wheel: Wheel::new(bucket_ns, horizon_buckets),
            drained: Vec::new(),
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
        self.wheel.push(time_ns, (seq, item));
    }

    /// Moves the items of the next step (bucket) into `out`, sorted by (time, seq), and
    /// advances to the following step. `out` is cleared first.
    pub fn drain_step(&mut self, out: &mut Vec<Timed<T>>) {
        // the wheel sorts by (time, seq, item): (time, seq), the sequence being unique
        self.wheel.drain_step(&mut self.drained);
        out.clear();
        out.extend(
            self.drained
                .iter()
                .map(|&(time_ns, (seq, item))| Timed { time_ns, seq, item }),
        );
        self.len -= out.len();
    }
}

/// A timing wheel (calendar queue) of (time, item) pairs, `buckets.len()` (a power of two)
/// steps of `bucket_ns` each. Ties in time are broken by the item, so a caller whose items are
/// distinct (the exchange's order ids) gets a total order from bare pairs, 16 bytes for an
/// order id: fewer cache lines touched per push and per step's drain. [`Calendar`] adds an
/// insertion sequence for items that are not distinct.
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
        /// Whatever its size, a wheel drains each item at the step of its time, or at the next
        /// drain if that step was already drained when it was pushed (a plain model of the
        /// contract), in (time, item) order; a calendar drains the same items in (time,
        /// insertion) order. Pushes for far steps (the overflow heap), for steps already
        /// drained, and equal times, interleaved with drains.
        #[test]
        fn wheels_and_calendars_drain_as_the_model(
            ops in proptest::collection::vec((0u8..4, 0u64..600), 1..300),
            horizon in proptest::sample::select(vec![16usize, 64, 4096]),
        ) {
            let mut wheel = Wheel::new(10, horizon);
            let mut calendar = Calendar::new(10, horizon);
            // the model: (due step, time, insertion index, the wheel's item); the wheel's
            // items run against the insertion order, so that its ties are told apart
            let mut queued: Vec<(u64, u64, u32, u32)> = Vec::new();
            let n = ops.len() as u32;
            let (mut got, mut got_calendar) = (Vec::new(), Vec::new());
            let mut step = 0u64;
            for (i, &(op, t)) in ops.iter().enumerate() {
                if op == 0 {
                    wheel.drain_step(&mut got);
                    calendar.drain_step(&mut got_calendar);
                    let due: Vec<(u64, u32, u32)> = queued
                        .iter()
                        .filter(|q| q.0 == step)
                        .map(|q| (q.1, q.2, q.3))
                        .collect();
                    queued.retain(|q| q.0 != step);
                    let mut by_item: Vec<(u64, u32)> = due.iter().map(|d| (d.0, d.2)).collect();
                    by_item.sort_unstable();
                    proptest::prop_assert_eq!(&got, &by_item);
                    let mut by_insertion: Vec<(u64, u32)> = due.iter().map(|d| (d.0, d.1)).collect();
                    by_insertion.sort_unstable();
                    let from_calendar: Vec<(u64, u32)> =
                        got_calendar.iter().map(|e| (e.time_ns, e.item)).collect();
                    proptest::prop_assert_eq!(&from_calendar, &by_insertion);
                    proptest::prop_assert_eq!(calendar.len(), queued.len());
                    step += 1;
                } else {
                    // times from a few steps back (overdue) to far beyond a small wheel,
                    // coarse enough that equal times are common
                    let time = (step * 10 + t * 4).saturating_sub(40) / 4 * 4;
                    wheel.push(time, n - i as u32);
                    calendar.push(time, i as u32);
                    queued.push(((time / 10).max(step), time, i as u32, n - i as u32));
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
