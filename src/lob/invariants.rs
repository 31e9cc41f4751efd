//! A full consistency check of the book's internal structures, for tests.

use super::book::{Book, side_ix};
use super::ladder::NIL;
use super::types::Side;

impl Book {
    /// Checks every structural invariant, walking the whole book (O(levels + orders)); tests
    /// call it after every operation. Returns the first violation found.
    ///
    /// Invariants: the book is never crossed at rest; the best prices are the extreme non-empty
    /// levels of their side; a level's cached count and quantity equal its orders'; the
    /// non-empty bitset agrees with the levels; each level's list is doubly linked, holds one
    /// side only, and is in strictly increasing arrival sequence (FIFO); per-side totals agree;
    /// every allocated slot is a resting order and every free slot is on the free list.
    pub fn check_invariants(&self) -> Result<(), String> {
        if let (Some(b), Some(a)) = (self.bid_opt(), self.ask_opt())
            && b >= a
        {
            return Err(format!("crossed book at rest: bid {b} >= ask {a}"));
        }
        let mut orders = [0usize; 2];
        let mut qty = [0u64; 2];
        let mut max_bid: Option<i64> = None;
        let mut min_ask: Option<i64> = None;
        for li in 0..self.ladder.len() {
            let level = self.ladder.level(li);
            let price = self.ladder.price(li);
            if (level.count > 0) != self.ladder.bit(li) {
                return Err(format!("bitset disagrees with level at {price}"));
            }
            let (mut n, mut sum, mut prev, mut cur) = (0u32, 0u64, NIL, level.head);
            let mut last_seq: Option<u64> = None;
            let mut side: Option<Side> = None;
            while cur != NIL {
                let s = self.slab.get(cur);
                if !s.resting() || s.price() != price || s.qty == 0 || s.prev != prev {
                    return Err(format!("bad order slot {cur} in level {price}: {s:?}"));
                }
                if last_seq.is_some_and(|q| q >= self.slab.seq(cur)) {
                    return Err(format!("FIFO order broken at level {price}"));
                }
                if side.is_some_and(|sd| sd != s.side()) {
                    return Err(format!("mixed sides at level {price}"));
                }
                last_seq = Some(self.slab.seq(cur));
                side = Some(s.side());
                n += 1;
                sum += s.qty;
                prev = cur;
                cur = s.next;
            }
            if level.tail != prev || n != level.count || sum != level.qty {
                return Err(format!(
                    "level {price}: cached count {} qty {} tail {}, walked {n} {sum} {prev}",
                    level.count, level.qty, level.tail
                ));
            }
            if let Some(sd) = side {
                orders[side_ix(sd)] += n as usize;
                qty[side_ix(sd)] += sum;
                match sd {
                    Side::Buy => max_bid = max_bid.max(Some(price)),
                    Side::Sell => min_ask = Some(min_ask.map_or(price, |a| a.min(price))),
                }
            }
        }
        if max_bid != self.bid_opt() || min_ask != self.ask_opt() {
            return Err(format!(
                "best prices {:?}/{:?} but levels say {max_bid:?}/{min_ask:?}",
                self.bid_opt(),
                self.ask_opt()
            ));
        }
        if orders != self.side_orders || qty != self.side_qty {
            return Err(format!(
                "side totals {:?} {:?} but levels hold {orders:?} {qty:?}",
                self.side_orders, self.side_qty
            ));
        }
        let resting = self.slab.iter_resting().count();
        if resting != orders[0] + orders[1] {
            return Err(format!(
                "{resting} resting slots, {} orders in levels",
                orders[0] + orders[1]
            ));
        }
        // Between requests every slot is either resting or on the free list.
        if self.slab.free_len() + resting != self.slab.capacity_slots() {
            return Err("free list does not cover the non-resting slots".into());
        }
        Ok(())
    }
}
