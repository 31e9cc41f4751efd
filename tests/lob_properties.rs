//! Model-based property tests of the order book.
//!
//! Random operation streams (limit GTC/IOC/post-only orders priced around the touch so that
//! they often match, market orders, cancels and modifies of recent orders, including finished
//! ones, from a few owners so that self-trades happen) are fed to the real [`Book`]:
//!
//! - `invariants_hold_*`: after every step the book's own `check_invariants()`, a never-crossed
//!   touch, level totals equal to their orders, FIFO queues, `order(id)` agreeing with
//!   `orders_at`, and conservation of quantity (submitted = resting + 2 × traded + cancelled +
//!   unfilled, a modify counting as the cancel of the old remainder plus a new submission).
//! - `matches_reference_*`: the same streams are also fed to [`RefBook`], a deliberately naive
//!   book (a `Vec` of resting orders, linear scans everywhere), and every report, error, event
//!   and the whole book (L2 and each level's queue) must agree after each step.
//!
//! Each property runs `CASES` cases of `OPS` operations (override the number of cases with the
//! `PROPTEST_CASES` environment variable). Failures are shrunk and their seeds saved next to
//! this file in `lob_properties.proptest-regressions`, which should then be committed.

use std::collections::BTreeMap;

use depthsim::lob::{
    Book, BookConfig, Event, LobError, OrderId, OwnerId, Price, Qty, Report, Request,
    SelfTradePolicy, Side, TimeInForce,
};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError};

/// Cases per property (unless `PROPTEST_CASES` says otherwise).
const CASES: u32 = 128;
/// Operations per case.
const OPS: usize = 300;
/// Distinct owners: few, so that self-trades are common.
const OWNERS: u32 = 4;
/// How far back cancels and modifies reach among the orders sent so far.
const RECENT: usize = 16;
/// Resting prices must stay within ±2⁶² ticks (the real book's overflow guard).
const PRICE_LIMIT: u64 = 1 << 62;

// ---- the naive reference book ---------------------------------------------------------------

/// A reference-book order id; the harness maps real [`OrderId`]s to these.
type RefId = u64;

#[derive(Debug, Clone, Copy)]
struct RefOrder {
    id: RefId,
    owner: u32,
    side: Side,
    price: i64,
    qty: u64,
    /// Arrival order at its price: the time priority.
    seq: u64,
}

/// A report in reference terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rep {
    id: RefId,
    filled: u64,
    rested: u64,
    unfilled: u64,
}

/// A price level in reference terms: its price and its orders (id, owner, qty) in queue order.
type RefLevel = (i64, Vec<(RefId, u32, u64)>);

/// A cancel's result in reference terms: (id, owner, side, price, qty).
type Cxl = (RefId, u32, Side, i64, u64);

/// An event in reference terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ev {
    Fill {
        maker: RefId,
        maker_owner: u32,
        taker: RefId,
        taker_owner: u32,
        price: i64,
        qty: u64,
        aggressor: Side,
        maker_done: bool,
    },
    SelfTradeCancel(Cxl),
}

/// An error in reference terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rej {
    ZeroQuantity,
    UnknownOrder(RefId),
    NotOwner { id: RefId, owner: u32 },
    PriceOutOfRange { price: i64, max_span_ticks: usize },
    WouldCross { price: i64 },
}

/// The obviously-correct book: every resting order in one `Vec`, found by linear scans.
#[derive(Debug)]
struct RefBook {
    resting: Vec<RefOrder>,
    stp: SelfTradePolicy,
    /// The span cap as the real book applies it (at least 64, a multiple of 64).
    span: usize,
    next_id: RefId,
    next_seq: u64,
}

impl RefBook {
    fn new(config: BookConfig) -> Self {
        RefBook {
            resting: Vec::new(),
            stp: config.self_trade,
            span: config.max_span_ticks.max(64).next_multiple_of(64),
            next_id: 0,
            next_seq: 0,
        }
    }

    fn best(&self, side: Side) -> Option<i64> {
        let prices = self
            .resting
            .iter()
            .filter(|o| o.side == side)
            .map(|o| o.price);
        match side {
            Side::Buy => prices.max(),
            Side::Sell => prices.min(),
        }
    }

    fn crosses(&self, side: Side, price: i64) -> bool {
        match side {
            Side::Buy => self.best(Side::Sell).is_some_and(|a| a <= price),
            Side::Sell => self.best(Side::Buy).is_some_and(|b| b >= price),
        }
    }

    /// Whether `price` and every resting order fit within the span together.
    fn fits(&self, price: i64) -> bool {
        if price.unsigned_abs() >= PRICE_LIMIT {
            return false;
        }
        let lo = self.resting.iter().map(|o| o.price).fold(price, i64::min);
        let hi = self.resting.iter().map(|o| o.price).fold(price, i64::max);
        // hi - lo + 1 levels are needed.
        ((hi - lo) as u64) < self.span as u64
    }

    /// The index of the resting order an arriving order on `side` meets first.
    fn first_maker(&self, side: Side) -> Option<usize> {
        let opp = side.opposite();
        let key = |o: &RefOrder| match opp {
            Side::Sell => (o.price, o.seq),
            Side::Buy => (-o.price, o.seq),
        };
        (0..self.resting.len())
            .filter(|&i| self.resting[i].side == opp)
            .min_by_key(|&i| key(&self.resting[i]))
    }

    fn find(&self, id: RefId) -> Option<usize> {
        self.resting.iter().position(|o| o.id == id)
    }

    fn owned(&self, owner: u32, id: RefId) -> Result<usize, Rej> {
        let i = self.find(id).ok_or(Rej::UnknownOrder(id))?;
        if self.resting[i].owner != owner {
            return Err(Rej::NotOwner { id, owner });
        }
        Ok(i)
    }

    fn match_incoming(
        &mut self,
        taker: (RefId, u32, Side),
        limit: Option<i64>,
        mut remaining: u64,
        events: &mut Vec<Ev>,
    ) -> (u64, bool) {
        let (taker_id, owner, side) = taker;
        while remaining > 0 {
            let Some(i) = self.first_maker(side) else {
                break;
            };
            let m = self.resting[i];
            let beyond = match (side, limit) {
                (_, None) => false,
                (Side::Buy, Some(l)) => m.price > l,
                (Side::Sell, Some(l)) => m.price < l,
            };
            if beyond {
                break;
            }
            if m.owner == owner {
                match self.stp {
                    SelfTradePolicy::Allow => {}
                    SelfTradePolicy::CancelIncoming => return (remaining, true),
                    SelfTradePolicy::CancelResting => {
                        self.resting.remove(i);
                        events.push(Ev::SelfTradeCancel((m.id, m.owner, m.side, m.price, m.qty)));
                        continue;
                    }
                }
            }
            let q = remaining.min(m.qty);
            remaining -= q;
            self.resting[i].qty -= q;
            let maker_done = self.resting[i].qty == 0;
            if maker_done {
                self.resting.remove(i);
            }
            events.push(Ev::Fill {
                maker: m.id,
                maker_owner: m.owner,
                taker: taker_id,
                taker_owner: owner,
                price: m.price,
                qty: q,
                aggressor: side,
                maker_done,
            });
        }
        (remaining, false)
    }

    /// Matches an order at `price` if it crosses, then rests or drops the remainder.
    fn execute(
        &mut self,
        order: RefOrder,
        may_rest: bool,
        events: &mut Vec<Ev>,
    ) -> Result<Rep, Rej> {
        let (remaining, stopped) = if self.crosses(order.side, order.price) {
            let taker = (order.id, order.owner, order.side);
            self.match_incoming(taker, Some(order.price), order.qty, events)
        } else {
            (order.qty, false)
        };
        let filled = order.qty - remaining;
        if remaining > 0 && may_rest && !stopped {
            self.resting.push(RefOrder {
                qty: remaining,
                seq: self.next_seq,
                ..order
            });
            self.next_seq += 1;
            Ok(Rep {
                id: order.id,
                filled,
                rested: remaining,
                unfilled: 0,
            })
        } else {
            Ok(Rep {
                id: order.id,
                filled,
                rested: 0,
                unfilled: remaining,
            })
        }
    }

    fn limit(
        &mut self,
        (owner, side, price): (u32, Side, i64),
        qty: u64,
        tif: TimeInForce,
        events: &mut Vec<Ev>,
    ) -> Result<Rep, Rej> {
        if qty == 0 {
            return Err(Rej::ZeroQuantity);
        }
        if tif == TimeInForce::PostOnly && self.crosses(side, price) {
            return Err(Rej::WouldCross { price });
        }
        if tif != TimeInForce::Ioc && !self.fits(price) {
            return Err(Rej::PriceOutOfRange {
                price,
                max_span_ticks: self.span,
            });
        }
        let id = self.next_id;
        self.next_id += 1;
        let order = RefOrder {
            id,
            owner,
            side,
            price,
            qty,
            seq: 0,
        };
        self.execute(order, tif != TimeInForce::Ioc, events)
    }

    fn market(
        &mut self,
        owner: u32,
        side: Side,
        qty: u64,
        events: &mut Vec<Ev>,
    ) -> Result<Rep, Rej> {
        if qty == 0 {
            return Err(Rej::ZeroQuantity);
        }
        let id = self.next_id;
        self.next_id += 1;
        let (remaining, _) = self.match_incoming((id, owner, side), None, qty, events);
        Ok(Rep {
            id,
            filled: qty - remaining,
            rested: 0,
            unfilled: remaining,
        })
    }

    fn cancel(&mut self, owner: u32, id: RefId) -> Result<Cxl, Rej> {
        let i = self.owned(owner, id)?;
        let o = self.resting.remove(i);
        Ok((o.id, o.owner, o.side, o.price, o.qty))
    }

    fn modify(
        &mut self,
        owner: u32,
        id: RefId,
        price: i64,
        qty: u64,
        events: &mut Vec<Ev>,
    ) -> Result<Rep, Rej> {
        if qty == 0 {
            return Err(Rej::ZeroQuantity);
        }
        let i = self.owned(owner, id)?;
        let old = self.resting[i];
        if old.price == price && qty <= old.qty {
            self.resting[i].qty = qty;
            return Ok(Rep {
                id,
                filled: 0,
                rested: qty,
                unfilled: 0,
            });
        }
        if !self.fits(price) {
            return Err(Rej::PriceOutOfRange {
                price,
                max_span_ticks: self.span,
            });
        }
        self.resting.remove(i);
        let order = RefOrder { price, qty, ..old };
        self.execute(order, true, events)
    }

    /// Each non-empty level of `side`, best first: its price and its orders (id, owner, qty) in
    /// queue order.
    fn levels(&self, side: Side) -> Vec<RefLevel> {
        let mut orders: Vec<RefOrder> = self
            .resting
            .iter()
            .filter(|o| o.side == side)
            .copied()
            .collect();
        orders.sort_by_key(|o| match side {
            Side::Buy => (-o.price, o.seq),
            Side::Sell => (o.price, o.seq),
        });
        let mut out: Vec<RefLevel> = Vec::new();
        for o in orders {
            match out.last_mut() {
                Some((p, q)) if *p == o.price => q.push((o.id, o.owner, o.qty)),
                _ => out.push((o.price, vec![(o.id, o.owner, o.qty)])),
            }
        }
        out
    }

    fn depth_within(&self, side: Side, reference: i64, k: u32) -> u64 {
        let k = i64::from(k);
        self.resting
            .iter()
            .filter(|o| o.side == side)
            .filter(|o| match side {
                Side::Buy => o.price <= reference && o.price >= reference - k,
                Side::Sell => o.price >= reference && o.price <= reference + k,
            })
            .map(|o| o.qty)
            .sum()
    }
}

// ---- random operation streams ---------------------------------------------------------------

/// One operation of a random stream. Prices are offsets from the current touch, resolved when
/// the operation runs: a buy at `offset` is priced `offset` ticks below the anchor (the mid, or
/// just beyond the one quoted side), a sell `offset` ticks above it; negative offsets cross.
#[derive(Debug, Clone)]
enum Op {
    Limit {
        owner: u32,
        side: Side,
        offset: i64,
        qty: u64,
        tif: TimeInForce,
    },
    Market {
        owner: u32,
        side: Side,
        qty: u64,
    },
    /// Cancel the `back`-th most recent order sent (it may have finished long ago), or the
    /// `back`-th most recent of those still resting (`live`).
    Cancel {
        back: usize,
        live: bool,
        wrong_owner: bool,
    },
    /// Modify an order picked like a cancel's, keeping its price or moving it to `offset`.
    Modify {
        back: usize,
        live: bool,
        offset: i64,
        qty: u64,
        keep_price: bool,
        wrong_owner: bool,
    },
    /// Cancel an id the book never handed out.
    CancelUnknown,
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Buy), Just(Side::Sell)]
}

fn qty(max: u64) -> impl Strategy<Value = u64> {
    prop_oneof![1 => Just(0u64), 40 => 1..=max]
}

/// Mostly near the touch (so that orders often cross), sometimes deeper in the book, rarely far
/// enough to leave the smaller price spans.
fn offset() -> impl Strategy<Value = i64> {
    prop_oneof![30 => -4i64..=6, 3 => -10i64..=40, 1 => -400i64..=400]
}

fn tif() -> impl Strategy<Value = TimeInForce> {
    prop_oneof![
        6 => Just(TimeInForce::Gtc),
        2 => Just(TimeInForce::Ioc),
        2 => Just(TimeInForce::PostOnly),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => (0..OWNERS, side(), offset(), qty(12), tif()).prop_map(
            |(owner, side, offset, qty, tif)| Op::Limit { owner, side, offset, qty, tif }
        ),
        // Now and then a sweep that empties a side and moves the touch far.
        2 => (0..OWNERS, side(), prop_oneof![9 => qty(30), 1 => Just(200u64)])
            .prop_map(|(owner, side, qty)| Op::Market { owner, side, qty }),
        4 => (0..RECENT, prop::bool::weighted(0.8), prop::bool::weighted(0.1))
            .prop_map(|(back, live, wrong_owner)| Op::Cancel { back, live, wrong_owner }),
        4 => (
            (0..RECENT, prop::bool::weighted(0.8)),
            offset(),
            qty(15),
            prop::bool::weighted(0.5),
            prop::bool::weighted(0.1)
        )
            .prop_map(|((back, live), offset, qty, keep_price, wrong_owner)| Op::Modify {
                back,
                live,
                offset,
                qty,
                keep_price,
                wrong_owner
            }),
        1 => Just(Op::CancelUnknown),
    ]
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(), OPS)
}

fn config(self_trade: SelfTradePolicy, span_choice: u8) -> BookConfig {
    BookConfig {
        max_span_ticks: [64, 256, 4096][usize::from(span_choice % 3)],
        self_trade,
    }
}

fn proptest_config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(CASES);
    ProptestConfig {
        cases,
        max_shrink_iters: 4096,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

// ---- the harness ----------------------------------------------------------------------------

/// One order sent to the books: its ids in both and its owner.
#[derive(Debug, Clone, Copy)]
struct Sent {
    real: OrderId,
    reference: RefId,
    owner: u32,
}

/// Runs a stream against the real book (and optionally the reference book), checking after
/// every step.
struct Harness {
    book: Book,
    reference: Option<RefBook>,
    sent: Vec<Sent>,
    ids: BTreeMap<OrderId, RefId>,
    /// The last anchor price, for when the book is empty.
    anchor: i64,
    submitted: u64,
    traded: u64,
    cancelled: u64,
    unfilled: u64,
    events: Vec<Event>,
    ref_events: Vec<Ev>,
}

/// The id the harness uses for an id the book never handed out.
const UNKNOWN: OrderId = OrderId(u64::MAX);

type Step = Result<(), TestCaseError>;

impl Harness {
    fn new(config: BookConfig, with_reference: bool) -> Self {
        Harness {
            book: Book::new(config),
            reference: with_reference.then(|| RefBook::new(config)),
            sent: Vec::new(),
            ids: BTreeMap::new(),
            anchor: 1000,
            submitted: 0,
            traded: 0,
            cancelled: 0,
            unfilled: 0,
            events: Vec::new(),
            ref_events: Vec::new(),
        }
    }

    fn run(config: BookConfig, with_reference: bool, ops: &[Op]) -> Step {
        let mut h = Harness::new(config, with_reference);
        for (i, op) in ops.iter().enumerate() {
            h.step(op)
                .map_err(|e| TestCaseError::fail(format!("step {i} {op:?}: {e}")))?;
        }
        Ok(())
    }

    fn price(&mut self, side: Side, offset: i64) -> i64 {
        self.anchor = match (self.book.best_bid(), self.book.best_ask()) {
            (Some(b), Some(a)) => (b.0 + a.0).div_euclid(2),
            (Some(b), None) => b.0 + 1,
            (None, Some(a)) => a.0 - 1,
            (None, None) => self.anchor,
        };
        match side {
            Side::Buy => self.anchor - offset,
            Side::Sell => self.anchor + offset,
        }
    }

    /// The `back`-th most recent order sent (or still resting, if `live`; the oldest one if
    /// there are fewer), and the owner that will ask about it.
    fn recent(&self, back: usize, live: bool, wrong_owner: bool) -> Option<(Sent, u32)> {
        let s = *self
            .sent
            .iter()
            .rev()
            .filter(|s| !live || self.book.order(s.real).is_some())
            .take(back + 1)
            .last()?;
        let owner = if wrong_owner {
            (s.owner + 1) % OWNERS
        } else {
            s.owner
        };
        Some((s, owner))
    }

    fn map_id(&self, id: OrderId) -> RefId {
        self.ids.get(&id).copied().unwrap_or(RefId::MAX)
    }

    fn map_err(&self, e: LobError) -> Rej {
        match e {
            LobError::ZeroQuantity => Rej::ZeroQuantity,
            LobError::UnknownOrder(id) => Rej::UnknownOrder(self.map_id(id)),
            LobError::NotOwner { id, owner } => Rej::NotOwner {
                id: self.map_id(id),
                owner: owner.0,
            },
            LobError::PriceOutOfRange {
                price,
                max_span_ticks,
            } => Rej::PriceOutOfRange {
                price: price.0,
                max_span_ticks,
            },
            LobError::WouldCross { price } => Rej::WouldCross { price: price.0 },
        }
    }

    fn map_event(&self, e: &Event) -> Ev {
        match *e {
            Event::Fill(f) => Ev::Fill {
                maker: self.map_id(f.maker_id),
                maker_owner: f.maker_owner.0,
                taker: self.map_id(f.taker_id),
                taker_owner: f.taker_owner.0,
                price: f.price.0,
                qty: f.qty.0,
                aggressor: f.aggressor,
                maker_done: f.maker_done,
            },
            Event::SelfTradeCancel(c) => {
                Ev::SelfTradeCancel((self.map_id(c.id), c.owner.0, c.side, c.price.0, c.qty.0))
            }
        }
    }

    /// Records a newly accepted order's ids; the real id must never have been seen before.
    fn record(&mut self, real: OrderId, reference: Option<RefId>, owner: u32) -> Step {
        let reference = reference.unwrap_or(self.sent.len() as RefId);
        prop_assert!(
            self.ids.insert(real, reference).is_none(),
            "order id {real} handed out twice"
        );
        self.sent.push(Sent {
            real,
            reference,
            owner,
        });
        Ok(())
    }

    fn step(&mut self, op: &Op) -> Step {
        self.events.clear();
        self.ref_events.clear();
        match *op {
            Op::Limit {
                owner,
                side,
                offset,
                qty,
                tif,
            } => {
                let price = self.price(side, offset);
                let req = Request::Limit {
                    owner: OwnerId(owner),
                    side,
                    price: Price(price),
                    qty: Qty(qty),
                    tif,
                };
                let real = self.book.submit(&req, &mut self.events);
                let reference = self
                    .reference
                    .as_mut()
                    .map(|r| r.limit((owner, side, price), qty, tif, &mut self.ref_events));
                self.order_result(real, reference, owner, side, qty, Some(price), None)?;
            }
            Op::Market { owner, side, qty } => {
                let req = Request::Market {
                    owner: OwnerId(owner),
                    side,
                    qty: Qty(qty),
                };
                let real = self.book.submit(&req, &mut self.events);
                let reference = self
                    .reference
                    .as_mut()
                    .map(|r| r.market(owner, side, qty, &mut self.ref_events));
                self.order_result(real, reference, owner, side, qty, None, None)?;
            }
            Op::Cancel {
                back,
                live,
                wrong_owner,
            } => {
                let Some((s, owner)) = self.recent(back, live, wrong_owner) else {
                    return self.check();
                };
                self.cancel(s.real, s.reference, owner)?;
            }
            Op::CancelUnknown => self.cancel(UNKNOWN, RefId::MAX, 0)?,
            Op::Modify {
                back,
                live,
                offset,
                qty,
                keep_price,
                wrong_owner,
            } => {
                let Some((s, owner)) = self.recent(back, live, wrong_owner) else {
                    return self.check();
                };
                let before = self.book.order(s.real);
                let side = before.map_or(Side::Buy, |o| o.side);
                let price = match before {
                    Some(o) if keep_price => o.price.0,
                    _ => self.price(side, offset),
                };
                let req = Request::Modify {
                    owner: OwnerId(owner),
                    id: s.real,
                    price: Price(price),
                    qty: Qty(qty),
                };
                let real = self.book.submit(&req, &mut self.events);
                let reference = self
                    .reference
                    .as_mut()
                    .map(|r| r.modify(owner, s.reference, price, qty, &mut self.ref_events));
                let old = before.map(|o| o.qty.0);
                if let Ok(r) = real {
                    prop_assert_eq!(r.id, s.real, "a modify keeps the order's id");
                    prop_assert_eq!(owner, s.owner);
                    self.cancelled += old.unwrap_or(0);
                }
                self.order_result(real, reference, owner, side, qty, Some(price), old)?;
            }
        }
        self.check()
    }

    fn resting_qty(&self) -> u64 {
        self.book.side_qty(Side::Buy).0 + self.book.side_qty(Side::Sell).0
    }

    /// Checks the outcome of a limit, market or modify request (`modified`: the old remaining
    /// quantity of a modified order).
    #[expect(
        clippy::too_many_arguments,
        reason = "test harness: the request fields, spelled out"
    )]
    fn order_result(
        &mut self,
        real: Result<Report, LobError>,
        reference: Option<Result<Rep, Rej>>,
        owner: u32,
        side: Side,
        qty: u64,
        price: Option<i64>,
        modified: Option<u64>,
    ) -> Step {
        match real {
            Ok(r) => {
                if modified.is_none() {
                    let ref_id = match &reference {
                        Some(Ok(rr)) => Some(rr.id),
                        _ => None,
                    };
                    self.record(r.id, ref_id, owner)?;
                }
                prop_assert_eq!(r.filled.0 + r.rested.0 + r.unfilled.0, qty);
                let mut filled = 0;
                for e in &self.events {
                    match e {
                        Event::Fill(f) => {
                            prop_assert_eq!(f.taker_id, r.id);
                            prop_assert_eq!(f.taker_owner, OwnerId(owner));
                            prop_assert_eq!(f.aggressor, side);
                            prop_assert!(f.qty.0 > 0);
                            if let Some(p) = price {
                                prop_assert!(f.price.0 * side.sign() <= p * side.sign());
                            }
                            if f.maker_done {
                                prop_assert_eq!(self.book.order(f.maker_id), None);
                            }
                            filled += f.qty.0;
                            self.traded += f.qty.0;
                        }
                        Event::SelfTradeCancel(c) => {
                            prop_assert_eq!(c.owner, OwnerId(owner));
                            prop_assert_eq!(c.side, side.opposite());
                            prop_assert_eq!(self.book.order(c.id), None);
                            self.cancelled += c.qty.0;
                        }
                    }
                }
                prop_assert_eq!(filled, r.filled.0);
                self.submitted += qty;
                self.unfilled += r.unfilled.0;
                match self.book.order(r.id) {
                    Some(o) => {
                        prop_assert_eq!(o.qty, r.rested);
                        prop_assert_eq!(Some(o.price.0), price);
                        prop_assert_eq!((o.owner, o.side), (OwnerId(owner), side));
                    }
                    None => prop_assert_eq!(r.rested, Qty(0)),
                }
            }
            Err(_) => prop_assert!(self.events.is_empty(), "a rejection emitted events"),
        }
        let Some(reference) = reference else {
            return Ok(());
        };
        let real = real
            .map(|r| Rep {
                id: self.map_id(r.id),
                filled: r.filled.0,
                rested: r.rested.0,
                unfilled: r.unfilled.0,
            })
            .map_err(|e| self.map_err(e));
        prop_assert_eq!(real, reference);
        let events: Vec<Ev> = self.events.iter().map(|e| self.map_event(e)).collect();
        prop_assert_eq!(&events, &self.ref_events);
        Ok(())
    }

    fn cancel(&mut self, id: OrderId, ref_id: RefId, owner: u32) -> Step {
        let real = self.book.cancel(OwnerId(owner), id);
        if let Ok(c) = real {
            prop_assert_eq!((c.id, c.owner), (id, OwnerId(owner)));
            prop_assert_eq!(self.book.order(id), None);
            self.cancelled += c.qty.0;
        }
        if let Some(r) = self.reference.as_mut() {
            let expect = r.cancel(owner, ref_id);
            let real = real
                .map(|c| (self.map_id(c.id), c.owner.0, c.side, c.price.0, c.qty.0))
                .map_err(|e| self.map_err(e));
            prop_assert_eq!(real, expect);
        }
        Ok(())
    }

    /// Everything checked after every step.
    fn check(&self) -> Step {
        let book = &self.book;
        book.check_invariants().map_err(TestCaseError::fail)?;
        if let (Some(b), Some(a)) = (book.best_bid(), book.best_ask()) {
            prop_assert!(b < a, "crossed at rest: {b:?} / {a:?}");
            prop_assert_eq!(book.spread_ticks(), Some(a.0 - b.0));
            prop_assert_eq!(book.mid_x2_ticks(), Some(a.0 + b.0));
        } else {
            prop_assert_eq!(book.spread_ticks(), None);
            prop_assert_eq!(book.mid_ticks(), None);
        }
        let mut count = 0;
        for side in [Side::Buy, Side::Sell] {
            let levels: Vec<_> = book.levels(side).collect();
            prop_assert_eq!(levels.first().map(|l| l.price), book.best(side));
            let (mut side_qty, mut side_orders) = (0, 0);
            let mut last_price: Option<i64> = None;
            for l in &levels {
                if let Some(p) = last_price {
                    prop_assert!(
                        l.price.0 * side.sign() < p * side.sign(),
                        "levels not best-first"
                    );
                }
                last_price = Some(l.price.0);
                prop_assert_eq!(book.level_at(l.price), Some(*l));
                let orders: Vec<_> = book.orders_at(l.price).collect();
                prop_assert_eq!(orders.len(), l.orders as usize);
                prop_assert_eq!(orders.iter().map(|o| o.qty.0).sum::<u64>(), l.qty.0);
                prop_assert!(
                    orders.windows(2).all(|w| w[0].seq < w[1].seq),
                    "FIFO broken"
                );
                for o in &orders {
                    prop_assert_eq!(book.order(o.id), Some(*o));
                    prop_assert_eq!((o.side, o.price), (side, l.price));
                    prop_assert!(o.qty.0 > 0);
                    prop_assert!(self.ids.contains_key(&o.id), "resting id never handed out");
                }
                side_qty += l.qty.0;
                side_orders += orders.len();
            }
            prop_assert_eq!(side_qty, book.side_qty(side).0);
            prop_assert_eq!(side_orders, book.side_order_count(side));
            count += side_orders;
        }
        prop_assert_eq!(count, book.order_count());
        let resting = self.resting_qty();
        prop_assert_eq!(
            self.submitted,
            resting + 2 * self.traded + self.cancelled + self.unfilled,
            "quantity not conserved"
        );
        if let Some(r) = &self.reference {
            self.compare_books(r)?;
        }
        Ok(())
    }

    /// The real book, seen through the id map, must equal the reference book.
    fn compare_books(&self, r: &RefBook) -> Step {
        let book = &self.book;
        for side in [Side::Buy, Side::Sell] {
            let real: Vec<RefLevel> = book
                .levels(side)
                .map(|l| {
                    let orders = book
                        .orders_at(l.price)
                        .map(|o| (self.map_id(o.id), o.owner.0, o.qty.0))
                        .collect();
                    (l.price.0, orders)
                })
                .collect();
            prop_assert_eq!(real, r.levels(side), "{} side differs", side);
            prop_assert_eq!(book.best(side).map(|p| p.0), r.best(side));
            // Depth around the anchor and around each quote.
            let refs = [
                Some(self.anchor),
                book.best_bid().map(|p| p.0),
                book.best_ask().map(|p| p.0),
            ];
            for reference in refs.into_iter().flatten() {
                for k in [0, 1, 3, 10] {
                    prop_assert_eq!(
                        book.depth_within(side, Price(reference), k).0,
                        r.depth_within(side, reference, k)
                    );
                }
            }
        }
        Ok(())
    }
}

// ---- the properties -------------------------------------------------------------------------

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn invariants_hold_cancel_resting(span in 0u8..3, ops in ops()) {
        Harness::run(config(SelfTradePolicy::CancelResting, span), false, &ops)?;
    }

    #[test]
    fn invariants_hold_cancel_incoming_and_allow(allow in any::<bool>(), span in 0u8..3, ops in ops()) {
        let stp = if allow { SelfTradePolicy::Allow } else { SelfTradePolicy::CancelIncoming };
        Harness::run(config(stp, span), false, &ops)?;
    }

    #[test]
    fn matches_reference_cancel_resting(span in 0u8..3, ops in ops()) {
        Harness::run(config(SelfTradePolicy::CancelResting, span), true, &ops)?;
    }

    #[test]
    fn matches_reference_cancel_incoming(span in 0u8..3, ops in ops()) {
        Harness::run(config(SelfTradePolicy::CancelIncoming, span), true, &ops)?;
    }

    #[test]
    fn matches_reference_allow(span in 0u8..3, ops in ops()) {
        Harness::run(config(SelfTradePolicy::Allow, span), true, &ops)?;
    }
}

/// The reference book itself, on a hand-checked scenario: a harness bug there would make the
/// differential tests vacuous.
#[test]
fn reference_book_sanity() {
    let mut r = RefBook::new(BookConfig::default());
    let mut ev = Vec::new();
    let a = r
        .limit((1, Side::Sell, 100), 5, TimeInForce::Gtc, &mut ev)
        .unwrap();
    let b = r
        .limit((2, Side::Sell, 100), 3, TimeInForce::Gtc, &mut ev)
        .unwrap();
    r.limit((1, Side::Sell, 101), 2, TimeInForce::Gtc, &mut ev)
        .unwrap();
    let t = r
        .limit((1, Side::Buy, 101), 6, TimeInForce::Gtc, &mut ev)
        .unwrap();
    assert_eq!(
        t,
        Rep {
            id: 3,
            filled: 3,
            rested: 3,
            unfilled: 0
        }
    );
    assert_eq!(
        ev,
        vec![
            Ev::SelfTradeCancel((a.id, 1, Side::Sell, 100, 5)),
            Ev::Fill {
                maker: b.id,
                maker_owner: 2,
                taker: t.id,
                taker_owner: 1,
                price: 100,
                qty: 3,
                aggressor: Side::Buy,
                maker_done: true
            },
            Ev::SelfTradeCancel((2, 1, Side::Sell, 101, 2)),
        ]
    );
    assert_eq!(r.levels(Side::Buy), vec![(101, vec![(t.id, 1, 3)])]);
    assert_eq!(r.levels(Side::Sell), vec![]);
    assert_eq!(r.cancel(2, t.id), Err(Rej::NotOwner { id: t.id, owner: 2 }));
    assert_eq!(r.cancel(1, t.id), Ok((t.id, 1, Side::Buy, 101, 3)));
    assert_eq!(r.cancel(1, t.id), Err(Rej::UnknownOrder(t.id)));
}
