//! A fixed-range price-ladder order book, for comparison with depthsim's [`Book`] only.
//!
//! The classic simple fast design for a book of integer ticks: one level per tick over a fixed
//! price range allocated up front (no growth, no recentring), each level an intrusive FIFO list
//! of order slots, the best price of each side kept as a level index, and, when the best level
//! empties, a linear scan to the next non-empty level. It keeps nothing the benchmark's
//! operations do not need (no per-level totals, no sequence numbers, no non-empty bitset).
//!
//! Semantics are those of [`Book`] for GTC limit orders, market orders and cancels with the
//! default self-trade policy (`CancelResting`): price-time priority, a limit order matches what
//! crosses and rests its remainder at the back of its level, a market order sweeps until it is
//! filled or the side is empty, and a resting order of the taker's own owner met while
//! matching is cancelled (an [`Event::SelfTradeCancel`]) and matching goes on. Order ids use
//! the same scheme (slot index in the low 32 bits, the slot's generation in the high 32 bits,
//! slots reused last-freed-first), so both books hand out the very same ids for the same
//! stream, and the benchmark checks that their events are identical.
//!
//! [`Book`]: depthsim::lob::Book

use depthsim::lob::{Cancelled, Event, Fill, LobError, OrderId, OwnerId, Price, Qty, Report, Side};

/// End of a list / no slot.
const NIL: u32 = u32::MAX;

/// One order slot: its FIFO links while it rests, the free-list link (`next`) while it is free.
#[derive(Debug, Clone, Copy)]
struct Slot {
    qty: u64,
    owner: u32,
    /// Index of its level.
    level: u32,
    prev: u32,
    next: u32,
    generation: u32,
    side: Side,
    resting: bool,
}

/// A price level: the head and tail of its FIFO list of slots.
#[derive(Debug, Clone, Copy)]
struct Level {
    head: u32,
    tail: u32,
}

/// The fixed-range ladder book. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct LadderBook {
    /// Price of level 0.
    base: i64,
    levels: Box<[Level]>,
    slots: Vec<Slot>,
    free_head: u32,
    /// Index of the best bid level, −1 when there are no bids.
    best_bid: isize,
    /// Index of the best ask level, `levels.len()` when there are no asks.
    best_ask: isize,
    /// Resting orders per side (buy, sell).
    side_orders: [u32; 2],
}

#[inline]
fn six(side: Side) -> usize {
    match side {
        Side::Buy => 0,
        Side::Sell => 1,
    }
}

impl LadderBook {
    /// An empty book covering prices `lo .. lo + levels`.
    pub fn new(lo: i64, levels: usize) -> Self {
        assert!(levels > 0 && levels < isize::MAX as usize && levels < NIL as usize);
        LadderBook {
            base: lo,
            levels: vec![
                Level {
                    head: NIL,
                    tail: NIL,
                };
                levels
            ]
            .into_boxed_slice(),
            slots: Vec::new(),
            free_head: NIL,
            best_bid: -1,
            best_ask: levels as isize,
            side_orders: [0, 0],
        }
    }

    /// The highest resting bid.
    #[inline]
    pub fn best_bid(&self) -> Option<Price> {
        (self.best_bid >= 0).then(|| Price(self.base + self.best_bid as i64))
    }

    /// The lowest resting ask.
    #[inline]
    pub fn best_ask(&self) -> Option<Price> {
        ((self.best_ask as usize) < self.levels.len())
            .then(|| Price(self.base + self.best_ask as i64))
    }

    /// Number of resting orders.
    pub fn order_count(&self) -> usize {
        (self.side_orders[0] + self.side_orders[1]) as usize
    }

    /// Takes a slot from the free list (or a new one); returns it and the order's id.
    #[inline]
    fn alloc(&mut self) -> (u32, OrderId) {
        if self.free_head == NIL {
            let idx = u32::try_from(self.slots.len()).expect("fewer than 2^32-1 slots");
            assert!(idx != NIL);
            self.slots.push(Slot {
                qty: 0,
                owner: 0,
                level: 0,
                prev: NIL,
                next: NIL,
                generation: 0,
                side: Side::Buy,
                resting: false,
            });
            (idx, OrderId(u64::from(idx)))
        } else {
            let idx = self.free_head;
            let s = &self.slots[idx as usize];
            self.free_head = s.next;
            (idx, OrderId(u64::from(s.generation) << 32 | u64::from(idx)))
        }
    }

    /// Returns a slot to the free list; its ids go stale.
    #[inline]
    fn free(&mut self, idx: u32) {
        let s = &mut self.slots[idx as usize];
        s.generation = s.generation.wrapping_add(1);
        s.resting = false;
        s.next = self.free_head;
        self.free_head = idx;
    }

    /// A GTC limit order: matches what crosses, rests the remainder. Prices outside the fixed
    /// range are rejected.
    #[inline]
    pub fn limit(
        &mut self,
        owner: OwnerId,
        side: Side,
        price: Price,
        qty: Qty,
        events: &mut Vec<Event>,
    ) -> Result<Report, LobError> {
        if qty.0 == 0 {
            return Err(LobError::ZeroQuantity);
        }
        let li = price.0.wrapping_sub(self.base);
        if li < 0 || li as u64 >= self.levels.len() as u64 {
            return Err(LobError::PriceOutOfRange {
                price,
                max_span_ticks: self.levels.len(),
            });
        }
        let li = li as isize;
        let (slot, id) = self.alloc();
        let remaining = match side {
            Side::Buy if self.best_ask <= li => self.match_buy(id, owner, li, qty.0, events),
            Side::Sell if self.best_bid >= li => self.match_sell(id, owner, li, qty.0, events),
            _ => qty.0,
        };
        let filled = Qty(qty.0 - remaining);
        if remaining > 0 {
            self.rest(slot, owner, side, li as usize, remaining);
            Ok(Report {
                id,
                filled,
                rested: Qty(remaining),
                unfilled: Qty(0),
            })
        } else {
            self.free(slot);
            Ok(Report {
                id,
                filled,
                rested: Qty(0),
                unfilled: Qty(0),
            })
        }
    }

    /// A market order: sweeps the other side until filled or the side is empty.
    #[inline]
    pub fn market(
        &mut self,
        owner: OwnerId,
        side: Side,
        qty: Qty,
        events: &mut Vec<Event>,
    ) -> Result<Report, LobError> {
        if qty.0 == 0 {
            return Err(LobError::ZeroQuantity);
        }
        let (slot, id) = self.alloc();
        let last = self.levels.len() as isize - 1;
        let remaining = match side {
            Side::Buy => self.match_buy(id, owner, last, qty.0, events),
            Side::Sell => self.match_sell(id, owner, 0, qty.0, events),
        };
        self.free(slot);
        Ok(Report {
            id,
            filled: Qty(qty.0 - remaining),
            rested: Qty(0),
            unfilled: Qty(remaining),
        })
    }

    /// Removes a resting order.
    #[inline]
    pub fn cancel(&mut self, owner: OwnerId, id: OrderId) -> Result<Cancelled, LobError> {
        let idx = id.0 as u32;
        let s = match self.slots.get(idx as usize) {
            Some(s) if s.resting && s.generation == (id.0 >> 32) as u32 => *s,
            _ => return Err(LobError::UnknownOrder(id)),
        };
        if s.owner != owner.0 {
            return Err(LobError::NotOwner { id, owner });
        }
        self.unlink(idx, &s);
        self.free(idx);
        Ok(Cancelled {
            id,
            owner,
            side: s.side,
            price: Price(self.base + i64::from(s.level)),
            qty: Qty(s.qty),
        })
    }

    /// Appends a taken slot to the back of level `li`.
    #[inline]
    fn rest(&mut self, slot: u32, owner: OwnerId, side: Side, li: usize, qty: u64) {
        let tail = self.levels[li].tail;
        self.slots[slot as usize] = Slot {
            qty,
            owner: owner.0,
            level: li as u32,
            prev: tail,
            next: NIL,
            generation: self.slots[slot as usize].generation,
            side,
            resting: true,
        };
        if tail == NIL {
            self.levels[li].head = slot;
        } else {
            self.slots[tail as usize].next = slot;
        }
        self.levels[li].tail = slot;
        self.side_orders[six(side)] += 1;
        match side {
            Side::Buy => self.best_bid = self.best_bid.max(li as isize),
            Side::Sell => self.best_ask = self.best_ask.min(li as isize),
        }
    }

    /// Takes a resting slot (a copy of which is `s`) out of its level, moving the best price
    /// of its side on when its level empties.
    #[inline]
    fn unlink(&mut self, idx: u32, s: &Slot) {
        let li = s.level as usize;
        if s.prev == NIL {
            self.levels[li].head = s.next;
        } else {
            self.slots[s.prev as usize].next = s.next;
        }
        if s.next == NIL {
            self.levels[li].tail = s.prev;
        } else {
            self.slots[s.next as usize].prev = s.prev;
        }
        self.slots[idx as usize].resting = false;
        let side = six(s.side);
        self.side_orders[side] -= 1;
        if self.levels[li].head == NIL {
            match s.side {
                Side::Buy if self.best_bid == li as isize => {
                    self.best_bid = if self.side_orders[side] == 0 {
                        -1
                    } else {
                        self.scan_down(li)
                    };
                }
                Side::Sell if self.best_ask == li as isize => {
                    self.best_ask = if self.side_orders[side] == 0 {
                        self.levels.len() as isize
                    } else {
                        self.scan_up(li)
                    };
                }
                _ => {}
            }
        }
    }

    /// The highest non-empty level below `li` (one exists).
    #[inline]
    fn scan_down(&self, mut li: usize) -> isize {
        loop {
            li -= 1;
            if self.levels[li].head != NIL {
                return li as isize;
            }
        }
    }

    /// The lowest non-empty level above `li` (one exists).
    #[inline]
    fn scan_up(&self, mut li: usize) -> isize {
        loop {
            li += 1;
            if self.levels[li].head != NIL {
                return li as isize;
            }
        }
    }

    /// A buy taker against the asks, up to level `lim`; returns the remaining quantity.
    #[inline]
    fn match_buy(
        &mut self,
        taker_id: OrderId,
        owner: OwnerId,
        lim: isize,
        qty: u64,
        events: &mut Vec<Event>,
    ) -> u64 {
        let mut remaining = qty;
        while remaining > 0 && self.best_ask <= lim {
            remaining = self.take_level(
                taker_id,
                owner,
                Side::Buy,
                self.best_ask as usize,
                remaining,
                events,
            );
        }
        remaining
    }

    /// A sell taker against the bids, down to level `lim`; returns the remaining quantity.
    #[inline]
    fn match_sell(
        &mut self,
        taker_id: OrderId,
        owner: OwnerId,
        lim: isize,
        qty: u64,
        events: &mut Vec<Event>,
    ) -> u64 {
        let mut remaining = qty;
        while remaining > 0 && self.best_bid >= lim {
            remaining = self.take_level(
                taker_id,
                owner,
                Side::Sell,
                self.best_bid as usize,
                remaining,
                events,
            );
        }
        remaining
    }

    /// Trades a taker against the head orders of non-empty level `li` until it is filled or
    /// the level is empty (which moves the best price on); returns the remaining quantity.
    #[inline]
    fn take_level(
        &mut self,
        taker_id: OrderId,
        owner: OwnerId,
        aggressor: Side,
        li: usize,
        mut remaining: u64,
        events: &mut Vec<Event>,
    ) -> u64 {
        let price = Price(self.base + li as i64);
        loop {
            let head = self.levels[li].head;
            if head == NIL {
                return remaining;
            }
            let m = self.slots[head as usize];
            let maker_id = OrderId(u64::from(m.generation) << 32 | u64::from(head));
            if m.owner == owner.0 {
                self.unlink(head, &m);
                self.free(head);
                events.push(Event::SelfTradeCancel(Cancelled {
                    id: maker_id,
                    owner,
                    side: m.side,
                    price,
                    qty: Qty(m.qty),
                }));
                continue;
            }
            let q = remaining.min(m.qty);
            remaining -= q;
            let maker_done = q == m.qty;
            events.push(Event::Fill(Fill {
                maker_id,
                maker_owner: OwnerId(m.owner),
                taker_id,
                taker_owner: owner,
                price,
                qty: Qty(q),
                aggressor,
                maker_done,
            }));
            if maker_done {
                self.unlink(head, &m);
                self.free(head);
            } else {
                self.slots[head as usize].qty -= q;
            }
            if remaining == 0 {
                return 0;
            }
        }
    }
}
