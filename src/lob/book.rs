//! The book's state and its mutating operations: limit, market, cancel, modify.

use super::ladder::{Ladder, NIL};
use super::request::{Cancelled, Event, Fill, LobError, Report, Request, TimeInForce};
use super::slab::{Slab, Slot};
use super::types::{OrderId, OwnerId, Price, Qty, Side};

/// What happens when an arriving order would trade with a resting order of the same owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelfTradePolicy {
    /// Remove the owner's resting order (reported as [`Event::SelfTradeCancel`]) and keep
    /// matching against the rest of the book. The default: a market maker's hedge sweeps its own
    /// stale quote away instead of trading with itself.
    #[default]
    CancelResting,
    /// Stop matching and drop the arriving order's remainder (reported as `unfilled`); the
    /// resting order stays.
    CancelIncoming,
    /// Trade with oneself like with anybody else.
    Allow,
}

/// Settings of a [`Book`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookConfig {
    /// The widest range of prices, in ticks, that resting orders (and an arriving resting-capable
    /// order) may span at once. The ladder allocates one level per tick inside the range it
    /// covers, so this bounds the book's memory: 24 bytes a tick. Orders outside are rejected
    /// with [`LobError::PriceOutOfRange`].
    pub max_span_ticks: usize,
    /// The self-trade policy.
    pub self_trade: SelfTradePolicy,
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig {
            max_span_ticks: 1 << 18,
            self_trade: SelfTradePolicy::CancelResting,
        }
    }
}

/// A limit order book for one instrument. See the [module docs](super) for the model.
#[derive(Debug, Clone)]
pub struct Book {
    pub(crate) ladder: Ladder,
    pub(crate) slab: Slab,
    /// The best bid, or [`NO_BID`] when there are no bids (a plain integer, so that the hot
    /// path compares prices without unwrapping).
    pub(crate) bid: i64,
    /// The best ask, or [`NO_ASK`] when there are no asks.
    pub(crate) ask: i64,
    pub(crate) next_seq: u64,
    /// Resting orders per side, indexed by [`side_ix`].
    pub(crate) side_orders: [usize; 2],
    /// Resting lots per side, indexed by [`side_ix`].
    pub(crate) side_qty: [u64; 2],
    stp: SelfTradePolicy,
    /// Bitset of anonymous owners, indexed by owner id (see [`Book::set_anonymous`]).
    anonymous: Vec<u64>,
}

/// [`Book::bid`] of a book without bids: below every price an order can rest at.
pub(crate) const NO_BID: i64 = i64::MIN;
/// [`Book::ask`] of a book without asks: above every price an order can rest at.
pub(crate) const NO_ASK: i64 = i64::MAX;

#[inline]
pub(crate) fn side_ix(side: Side) -> usize {
    match side {
        Side::Buy => 0,
        Side::Sell => 1,
    }
}

impl Default for Book {
    fn default() -> Self {
        Book::new(BookConfig::default())
    }
}

impl Book {
    /// An empty book.
    pub fn new(config: BookConfig) -> Self {
        Book {
            ladder: Ladder::new(config.max_span_ticks),
            slab: Slab::new(),
            bid: NO_BID,
            ask: NO_ASK,
            next_seq: 0,
            side_orders: [0, 0],
            side_qty: [0, 0],
            stp: config.self_trade,
            anonymous: Vec::new(),
        }
    }

    /// Marks `owner` as anonymous: its orders carry no identity for self-trade prevention, so
    /// they trade with each other like anybody's, whatever the [`SelfTradePolicy`]. This models
    /// order flow that has no owner, such as the zero-intelligence traders of Smith, Farmer,
    /// Gillemot & Krishnamurthy (2003); fills still name the owner.
    pub fn set_anonymous(&mut self, owner: OwnerId) {
        let (word, bit) = (owner.0 as usize / 64, owner.0 % 64);
        if self.anonymous.len() <= word {
            self.anonymous.resize(word + 1, 0);
        }
        self.anonymous[word] |= 1 << bit;
    }

    /// Whether `owner` was marked with [`Book::set_anonymous`].
    #[inline]
    pub fn is_anonymous(&self, owner: OwnerId) -> bool {
        self.anonymous
            .get(owner.0 as usize / 64)
            .is_some_and(|w| w & (1 << (owner.0 % 64)) != 0)
    }

    /// The self-trade policy in force.
    pub fn self_trade_policy(&self) -> SelfTradePolicy {
        self.stp
    }

    /// Processes one request; fills and self-trade cancels are appended to `events` in the
    /// order they happen. A cancel's outcome is returned as a [`Report`] with `rested = 0` and
    /// `unfilled` = the quantity removed.
    pub fn submit(
        &mut self,
        request: &Request,
        events: &mut Vec<Event>,
    ) -> Result<Report, LobError> {
        match *request {
            Request::Limit {
                owner,
                side,
                price,
                qty,
                tif,
            } => self.limit(owner, side, price, qty, tif, events),
            Request::Market { owner, side, qty } => self.market(owner, side, qty, events),
            Request::Cancel { owner, id } => self.cancel(owner, id).map(|c| Report {
                id,
                filled: Qty(0),
                rested: Qty(0),
                unfilled: c.qty,
            }),
            Request::Modify {
                owner,
                id,
                price,
                qty,
            } => self.modify(owner, id, price, qty, events),
        }
    }

    /// A limit order: matches what crosses (unless post-only), then rests the remainder (GTC),
    /// drops it (IOC), or is rejected whole (post-only that would cross).
    #[inline]
    pub fn limit(
        &mut self,
        owner: OwnerId,
        side: Side,
        price: Price,
        qty: Qty,
        tif: TimeInForce,
        events: &mut Vec<Event>,
    ) -> Result<Report, LobError> {
        // The common case first: a resting-capable order that does not cross, at a price the
        // ladder already covers, rests in full. (What `limit_any` would do with it too.)
        // (A price the ladder covers is within ±PRICE_LIMIT, so it is neither best-price
        // sentinel and a plain comparison tells whether it crosses.)
        if qty.0 != 0
            && tif != TimeInForce::Ioc
            && let Some(li) = self.ladder.index(price.0)
            && !match side {
                Side::Buy => self.ask <= price.0,
                Side::Sell => self.bid >= price.0,
            }
        {
            let (slot, id) = self.slab.take();
            self.rest(slot, id.generation(), owner.0, side, price.0, li, qty.0);
            return Ok(Report {
                id,
                filled: Qty(0),
                rested: qty,
                unfilled: Qty(0),
            });
        }
        self.limit_any(owner, side, price, qty, tif, events)
    }

    /// [`Book::limit`] in every case.
    #[inline(never)]
    fn limit_any(
        &mut self,
        owner: OwnerId,
        side: Side,
        price: Price,
        qty: Qty,
        tif: TimeInForce,
        events: &mut Vec<Event>,
    ) -> Result<Report, LobError> {
        if qty.0 == 0 {
            return Err(LobError::ZeroQuantity);
        }
        let crosses = self.crosses(side, price.0);
        if tif == TimeInForce::PostOnly && crosses {
            return Err(LobError::WouldCross { price });
        }
        // The level it would rest at (an IOC order never rests).
        let li = if tif == TimeInForce::Ioc {
            0
        } else {
            match self.ladder.ensure(price.0) {
                Some(li) => li,
                None => return Err(self.out_of_range(price)),
            }
        };
        let (slot, id) = self.slab.take();
        let (remaining, stopped) = if crosses {
            self.match_incoming(id, owner, side, price.0, qty.0, events)
        } else {
            (qty.0, false)
        };
        let filled = Qty(qty.0 - remaining);
        if remaining > 0 && tif != TimeInForce::Ioc && !stopped {
            // Matching never moves the ladder, so `li` still indexes `price`.
            self.rest(slot, id.generation(), owner.0, side, price.0, li, remaining);
            Ok(Report {
                id,
                filled,
                rested: Qty(remaining),
                unfilled: Qty(0),
            })
        } else {
            self.slab.free(slot);
            Ok(Report {
                id,
                filled,
                rested: Qty(0),
                unfilled: Qty(remaining),
            })
        }
    }

    /// A market order: sweeps the opposite side until filled or the side is empty; what could
    /// not be filled is reported as `unfilled`. Never rests.
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
        let (slot, id) = self.slab.take();
        let limit = match side {
            Side::Buy => NO_ASK,
            Side::Sell => NO_BID,
        };
        let (remaining, _) = self.match_incoming(id, owner, side, limit, qty.0, events);
        self.slab.free(slot);
        Ok(Report {
            id,
            filled: Qty(qty.0 - remaining),
            rested: Qty(0),
            unfilled: Qty(remaining),
        })
    }

    /// Removes a resting order.
    pub fn cancel(&mut self, owner: OwnerId, id: OrderId) -> Result<Cancelled, LobError> {
        let slot = self.owned_slot(owner, id)?;
        Ok(self.remove_slot(slot, owner, id))
    }

    /// Removes a resting order whoever owns it (the venue's own removals, such as
    /// good-till-time expiries); the result names its owner.
    pub fn remove(&mut self, id: OrderId) -> Result<Cancelled, LobError> {
        let Some(slot) = self.slab.resolve(id) else {
            return Err(LobError::UnknownOrder(id));
        };
        let owner = OwnerId(self.slab.get(slot).owner);
        Ok(self.remove_slot(slot, owner, id))
    }

    #[inline]
    fn remove_slot(&mut self, slot: u32, owner: OwnerId, id: OrderId) -> Cancelled {
        let s = *self.slab.get(slot);
        self.unlink(&s);
        self.slab.free(slot);
        Cancelled {
            id,
            owner,
            side: s.side(),
            price: Price(s.price()),
            qty: Qty(s.qty),
        }
    }

    /// Changes a resting order to `price` and `qty` (the new remaining quantity).
    ///
    /// Same price and a quantity no larger: reduced in place, queue position kept. Any other
    /// change (new price, or more quantity): the order leaves its queue and is handled like a
    /// new limit order with the same id: it may match if the new price crosses, and its
    /// remainder rests at the back of its new level.
    pub fn modify(
        &mut self,
        owner: OwnerId,
        id: OrderId,
        price: Price,
        qty: Qty,
        events: &mut Vec<Event>,
    ) -> Result<Report, LobError> {
        if qty.0 == 0 {
            return Err(LobError::ZeroQuantity);
        }
        let slot = self.owned_slot(owner, id)?;
        let s = *self.slab.get(slot);
        if s.price() == price.0 && qty.0 <= s.qty {
            let cut = s.qty - qty.0;
            let li = self.level_index(s.price());
            self.ladder.level_mut(li).qty -= cut;
            self.side_qty[side_ix(s.side())] -= cut;
            self.slab.get_mut(slot).qty = qty.0;
            return Ok(Report {
                id,
                filled: Qty(0),
                rested: qty,
                unfilled: Qty(0),
            });
        }
        let Some(li) = self.ladder.ensure(price.0) else {
            return Err(self.out_of_range(price));
        };
        self.unlink(&s);
        let (remaining, stopped) = if self.crosses(s.side(), price.0) {
            self.match_incoming(id, owner, s.side(), price.0, qty.0, events)
        } else {
            (qty.0, false)
        };
        let filled = Qty(qty.0 - remaining);
        if remaining > 0 && !stopped {
            // Matching never moves the ladder, so `li` still indexes `price`.
            self.rest(
                slot,
                s.generation,
                s.owner,
                s.side(),
                price.0,
                li,
                remaining,
            );
            Ok(Report {
                id,
                filled,
                rested: Qty(remaining),
                unfilled: Qty(0),
            })
        } else {
            self.slab.free(slot);
            Ok(Report {
                id,
                filled,
                rested: Qty(0),
                unfilled: Qty(remaining),
            })
        }
    }

    // ---- internals ------------------------------------------------------------------------

    #[cold]
    fn out_of_range(&self, price: Price) -> LobError {
        LobError::PriceOutOfRange {
            price,
            max_span_ticks: self.ladder.max_span(),
        }
    }

    #[inline]
    fn owned_slot(&self, owner: OwnerId, id: OrderId) -> Result<u32, LobError> {
        let Some(slot) = self.slab.resolve(id) else {
            return Err(LobError::UnknownOrder(id));
        };
        if self.slab.get(slot).owner != owner.0 {
            return Err(LobError::NotOwner { id, owner });
        }
        Ok(slot)
    }

    /// The best bid, if any.
    #[inline]
    pub(crate) fn bid_opt(&self) -> Option<i64> {
        (self.bid != NO_BID).then_some(self.bid)
    }

    /// The best ask, if any.
    #[inline]
    pub(crate) fn ask_opt(&self) -> Option<i64> {
        (self.ask != NO_ASK).then_some(self.ask)
    }

    /// Whether an order on `side` at `price` would trade on arrival. (A price at the
    /// sentinel's extreme is brought one tick in, so that an empty side never crosses.)
    #[inline]
    pub(crate) fn crosses(&self, side: Side, price: i64) -> bool {
        match side {
            Side::Buy => self.ask <= price.min(NO_ASK - 1),
            Side::Sell => self.bid >= price.max(NO_BID + 1),
        }
    }

    /// The ladder index of a price that has resting orders (or was just made to fit by
    /// [`Ladder::ensure`]). A price outside the ladder gives an index past its end, which
    /// panics on use.
    #[inline]
    pub(crate) fn level_index(&self, price: i64) -> usize {
        self.ladder.offset(price)
    }

    /// Matches an arriving order against the opposite side, best price first and FIFO within a
    /// price, down to `limit` ([`NO_ASK`] for a buy, [`NO_BID`] for a sell: no limit). Returns
    /// the remaining quantity and whether the self-trade policy stopped the order.
    fn match_incoming(
        &mut self,
        taker_id: OrderId,
        owner: OwnerId,
        side: Side,
        limit: i64,
        qty: u64,
        events: &mut Vec<Event>,
    ) -> (u64, bool) {
        // One tick in from the sentinels, so that an empty side (best = sentinel) is beyond.
        let limit = limit.clamp(NO_BID + 1, NO_ASK - 1);
        let mut remaining = qty;
        while remaining > 0 {
            let price = match side {
                Side::Buy => self.ask,
                Side::Sell => self.bid,
            };
            let beyond = match side {
                Side::Buy => price > limit,
                Side::Sell => price < limit,
            };
            if beyond {
                break;
            }
            let li = self.level_index(price);
            // Walk the level from its head; each iteration removes or reduces the head.
            while remaining > 0 {
                let head = self.ladder.level(li).head;
                if head == NIL {
                    break;
                }
                let maker = *self.slab.get(head);
                if maker.owner == owner.0 && !self.is_anonymous(owner) {
                    match self.stp {
                        SelfTradePolicy::Allow => {}
                        SelfTradePolicy::CancelIncoming => return (remaining, true),
                        SelfTradePolicy::CancelResting => {
                            let maker_id = OrderId::new(head, maker.generation);
                            self.unlink(&maker);
                            self.slab.free(head);
                            events.push(Event::SelfTradeCancel(Cancelled {
                                id: maker_id,
                                owner,
                                side: side.opposite(),
                                price: Price(price),
                                qty: Qty(maker.qty),
                            }));
                            continue;
                        }
                    }
                }
                let q = remaining.min(maker.qty);
                remaining -= q;
                let maker_done = q == maker.qty;
                events.push(Event::Fill(Fill {
                    maker_id: OrderId::new(head, maker.generation),
                    maker_owner: OwnerId(maker.owner),
                    taker_id,
                    taker_owner: owner,
                    price: Price(price),
                    qty: Qty(q),
                    aggressor: side,
                    maker_done,
                }));
                if maker_done {
                    self.unlink(&maker);
                    self.slab.free(head);
                } else {
                    self.slab.get_mut(head).qty -= q;
                    self.ladder.level_mut(li).qty -= q;
                    self.side_qty[side_ix(side.opposite())] -= q;
                }
            }
        }
        (remaining, false)
    }

    /// Makes taken slot `slot` (of generation `generation`) a resting order of `owner` on
    /// `side` with `qty` lots at `price`, whose ladder index is `li`, at the back of its level.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn rest(
        &mut self,
        slot: u32,
        generation: u32,
        owner: u32,
        side: Side,
        price: i64,
        li: usize,
        qty: u64,
    ) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let level = self.ladder.level_mut(li);
        let tail = level.tail;
        level.tail = slot;
        level.count += 1;
        level.qty += qty;
        if tail == NIL {
            level.head = slot;
            self.ladder.set_bit(li);
        } else {
            self.slab.get_mut(tail).next = slot;
        }
        *self.slab.get_mut(slot) = Slot {
            qty,
            key: Slot::key(price, side),
            seq,
            owner,
            prev: tail,
            next: NIL,
            generation,
        };
        let six = side_ix(side);
        self.side_orders[six] += 1;
        self.side_qty[six] += qty;
        match side {
            Side::Buy => self.bid = self.bid.max(price),
            Side::Sell => self.ask = self.ask.min(price),
        }
    }

    /// Removes a resting order (`s`, a copy of its slot) from its level, updating totals, the
    /// non-empty bitset and the best price of its side. The slot itself is left as it was: the
    /// caller frees it or rests it again before the request returns.
    #[inline]
    fn unlink(&mut self, s: &Slot) {
        let price = s.price();
        let li = self.level_index(price);
        if s.prev != NIL {
            self.slab.get_mut(s.prev).next = s.next;
        }
        if s.next != NIL {
            self.slab.get_mut(s.next).prev = s.prev;
        }
        let level = self.ladder.level_mut(li);
        if s.prev == NIL {
            level.head = s.next;
        }
        if s.next == NIL {
            level.tail = s.prev;
        }
        level.count -= 1;
        level.qty -= s.qty;
        let emptied = level.count == 0;
        let side = s.side();
        let six = side_ix(side);
        self.side_orders[six] -= 1;
        self.side_qty[six] -= s.qty;
        if emptied {
            self.ladder.clear_bit(li);
            match side {
                Side::Buy if self.bid == price => {
                    self.bid = if self.side_orders[six] == 0 || li == 0 {
                        NO_BID
                    } else {
                        self.ladder
                            .prev_at_or_below(li - 1)
                            .map_or(NO_BID, |i| self.ladder.price(i))
                    };
                }
                Side::Sell if self.ask == price => {
                    self.ask = if self.side_orders[six] == 0 {
                        NO_ASK
                    } else {
                        self.ladder
                            .next_at_or_above(li + 1)
                            .map_or(NO_ASK, |i| self.ladder.price(i))
                    };
                }
                _ => {}
            }
        }
    }
}
