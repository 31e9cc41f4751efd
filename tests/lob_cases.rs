//! Unit tests of the order book: every request kind and its edge cases, through the public API.
//! `check_invariants()` is called after every mutating step (the helpers below do it).

use depthsim::lob::*;

const A: OwnerId = OwnerId(1);
const B: OwnerId = OwnerId(2);
const C: OwnerId = OwnerId(3);
const D: OwnerId = OwnerId(4);

fn book_with(self_trade: SelfTradePolicy) -> Book {
    Book::new(BookConfig {
        self_trade,
        ..BookConfig::default()
    })
}

fn book_with_span(max_span_ticks: usize) -> Book {
    Book::new(BookConfig {
        max_span_ticks,
        ..BookConfig::default()
    })
}

/// Submits a limit order, checks the invariants, returns the result and the events.
fn try_limit(
    book: &mut Book,
    owner: OwnerId,
    side: Side,
    price: i64,
    qty: u64,
    tif: TimeInForce,
) -> (Result<Report, LobError>, Vec<Event>) {
    let mut events = Vec::new();
    let r = book.limit(owner, side, Price(price), Qty(qty), tif, &mut events);
    book.check_invariants().unwrap();
    if r.is_err() {
        assert!(events.is_empty(), "a rejected request emitted events");
    }
    (r, events)
}

/// A GTC limit order that must be accepted.
fn gtc(book: &mut Book, owner: OwnerId, side: Side, price: i64, qty: u64) -> Report {
    try_limit(book, owner, side, price, qty, TimeInForce::Gtc)
        .0
        .unwrap()
}

/// A GTC limit order that must be accepted, with its events.
fn gtc_ev(
    book: &mut Book,
    owner: OwnerId,
    side: Side,
    price: i64,
    qty: u64,
) -> (Report, Vec<Event>) {
    let (r, ev) = try_limit(book, owner, side, price, qty, TimeInForce::Gtc);
    (r.unwrap(), ev)
}

fn market(book: &mut Book, owner: OwnerId, side: Side, qty: u64) -> (Report, Vec<Event>) {
    let mut events = Vec::new();
    let r = book.market(owner, side, Qty(qty), &mut events).unwrap();
    book.check_invariants().unwrap();
    (r, events)
}

fn modify(
    book: &mut Book,
    owner: OwnerId,
    id: OrderId,
    price: i64,
    qty: u64,
) -> (Result<Report, LobError>, Vec<Event>) {
    let mut events = Vec::new();
    let r = book.modify(owner, id, Price(price), Qty(qty), &mut events);
    book.check_invariants().unwrap();
    if r.is_err() {
        assert!(events.is_empty(), "a rejected request emitted events");
    }
    (r, events)
}

fn cancel(book: &mut Book, owner: OwnerId, id: OrderId) -> Result<Cancelled, LobError> {
    let r = book.cancel(owner, id);
    book.check_invariants().unwrap();
    r
}

fn report(id: OrderId, filled: u64, rested: u64, unfilled: u64) -> Report {
    Report {
        id,
        filled: Qty(filled),
        rested: Qty(rested),
        unfilled: Qty(unfilled),
    }
}

/// The fills among `events`, in order.
fn fills(events: &[Event]) -> Vec<Fill> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Fill(f) => Some(*f),
            Event::SelfTradeCancel(_) => None,
        })
        .collect()
}

/// (maker id, price, qty, maker_done) of each fill.
fn fill_summary(events: &[Event]) -> Vec<(OrderId, i64, u64, bool)> {
    fills(events)
        .iter()
        .map(|f| (f.maker_id, f.price.0, f.qty.0, f.maker_done))
        .collect()
}

/// (price, qty, orders) of each level of `side`, best first.
fn l2(book: &Book, side: Side) -> Vec<(i64, u64, u32)> {
    book.levels(side)
        .map(|l| (l.price.0, l.qty.0, l.orders))
        .collect()
}

/// (owner, qty) of each order at `price`, in queue order.
fn queue(book: &Book, price: i64) -> Vec<(OrderId, u64)> {
    book.orders_at(Price(price))
        .map(|o| (o.id, o.qty.0))
        .collect()
}

/// Everything observable about the book's resting state.
fn snapshot(book: &Book) -> (Vec<LevelView>, Vec<LevelView>, Vec<OrderView>) {
    let bids: Vec<LevelView> = book.levels(Side::Buy).collect();
    let asks: Vec<LevelView> = book.levels(Side::Sell).collect();
    let orders = bids
        .iter()
        .chain(&asks)
        .flat_map(|l| book.orders_at(l.price))
        .collect();
    (bids, asks, orders)
}

// ---- empty book and queries ---------------------------------------------------------------

#[test]
fn empty_book_queries() {
    let book = Book::default();
    book.check_invariants().unwrap();
    assert_eq!(book.best_bid(), None);
    assert_eq!(book.best_ask(), None);
    assert_eq!(book.best(Side::Buy), None);
    assert_eq!(book.best(Side::Sell), None);
    assert_eq!(book.spread_ticks(), None);
    assert_eq!(book.mid_x2_ticks(), None);
    assert_eq!(book.mid_ticks(), None);
    assert_eq!(book.order_count(), 0);
    for side in [Side::Buy, Side::Sell] {
        assert_eq!(book.side_order_count(side), 0);
        assert_eq!(book.side_qty(side), Qty(0));
        assert_eq!(book.levels(side).count(), 0);
        for k in [0, 1, 100, u32::MAX] {
            assert_eq!(book.depth_within(side, Price(100), k), Qty(0));
        }
    }
    assert_eq!(book.level_at(Price(100)), None);
    assert_eq!(book.orders_at(Price(100)).count(), 0);
    assert_eq!(book.order(OrderId(0)), None);
    assert_eq!(book.self_trade_policy(), SelfTradePolicy::CancelResting);
}

#[test]
fn one_sided_book_has_no_spread_or_mid() {
    let mut book = Book::default();
    gtc(&mut book, A, Side::Buy, 99, 5);
    assert_eq!(book.best_bid(), Some(Price(99)));
    assert_eq!(book.best_ask(), None);
    assert_eq!(book.spread_ticks(), None);
    assert_eq!(book.mid_ticks(), None);
    assert_eq!(book.depth_within(Side::Sell, Price(99), 10), Qty(0));
}

#[test]
fn limit_rests_and_quotes_follow() {
    let mut book = Book::default();
    let (bid, ev) = gtc_ev(&mut book, A, Side::Buy, 99, 5);
    assert!(ev.is_empty());
    assert_eq!(bid, report(bid.id, 0, 5, 0));
    let (ask, ev) = gtc_ev(&mut book, B, Side::Sell, 102, 7);
    assert!(ev.is_empty());
    assert_eq!(ask, report(ask.id, 0, 7, 0));
    assert_ne!(bid.id, ask.id);

    assert_eq!(book.best_bid(), Some(Price(99)));
    assert_eq!(book.best_ask(), Some(Price(102)));
    assert_eq!(book.spread_ticks(), Some(3));
    assert_eq!(book.mid_x2_ticks(), Some(201));
    assert_eq!(book.mid_ticks(), Some(100.5));
    assert_eq!(book.order_count(), 2);
    assert_eq!(book.side_order_count(Side::Buy), 1);
    assert_eq!(book.side_qty(Side::Sell), Qty(7));

    let v = book.order(bid.id).unwrap();
    assert_eq!(
        (v.id, v.owner, v.side, v.price, v.qty),
        (bid.id, A, Side::Buy, Price(99), Qty(5))
    );
    assert_eq!(
        book.level_at(Price(102)),
        Some(LevelView {
            price: Price(102),
            qty: Qty(7),
            orders: 1
        })
    );
    assert_eq!(book.level_at(Price(100)), None);

    // A better bid and a better ask move the touch.
    gtc(&mut book, C, Side::Buy, 100, 1);
    gtc(&mut book, C, Side::Sell, 101, 1);
    assert_eq!(book.best_bid(), Some(Price(100)));
    assert_eq!(book.best_ask(), Some(Price(101)));
    assert_eq!(book.spread_ticks(), Some(1));
    // A worse one does not.
    gtc(&mut book, C, Side::Buy, 90, 1);
    gtc(&mut book, C, Side::Sell, 110, 1);
    assert_eq!(book.best_bid(), Some(Price(100)));
    assert_eq!(book.best_ask(), Some(Price(101)));
}

#[test]
fn negative_prices_work() {
    let mut book = Book::default();
    gtc(&mut book, A, Side::Buy, -10, 3);
    gtc(&mut book, B, Side::Sell, -5, 3);
    assert_eq!(book.mid_x2_ticks(), Some(-15));
    let (r, ev) = gtc_ev(&mut book, C, Side::Sell, -12, 4);
    assert_eq!(r.filled, Qty(3));
    assert_eq!(fills(&ev)[0].price, Price(-10));
    assert_eq!(book.best_ask(), Some(Price(-12)));
    assert_eq!(book.best_bid(), None);
}

// ---- matching -----------------------------------------------------------------------------

#[test]
fn exact_fill_empties_the_book() {
    let mut book = Book::default();
    let maker = gtc(&mut book, A, Side::Sell, 100, 10);
    let (taker, ev) = gtc_ev(&mut book, B, Side::Buy, 100, 10);
    assert_eq!(taker, report(taker.id, 10, 0, 0));
    assert_eq!(
        ev,
        vec![Event::Fill(Fill {
            maker_id: maker.id,
            maker_owner: A,
            taker_id: taker.id,
            taker_owner: B,
            price: Price(100),
            qty: Qty(10),
            aggressor: Side::Buy,
            maker_done: true,
        })]
    );
    assert_eq!(book.order_count(), 0);
    assert_eq!(book.best_ask(), None);
    assert_eq!(book.best_bid(), None);
    assert_eq!(book.order(maker.id), None);
    assert_eq!(book.order(taker.id), None);
    assert_eq!(book.level_at(Price(100)), None);
}

#[test]
fn buy_sweeps_several_levels_at_maker_prices_fifo() {
    let mut book = Book::default();
    let a1 = gtc(&mut book, A, Side::Sell, 100, 5).id;
    let b1 = gtc(&mut book, B, Side::Sell, 100, 3).id;
    let c1 = gtc(&mut book, C, Side::Sell, 101, 4).id;
    let a2 = gtc(&mut book, A, Side::Sell, 103, 10).id;
    let (r, ev) = gtc_ev(&mut book, D, Side::Buy, 102, 15);
    assert_eq!(r, report(r.id, 12, 3, 0));
    assert_eq!(
        fill_summary(&ev),
        vec![(a1, 100, 5, true), (b1, 100, 3, true), (c1, 101, 4, true)]
    );
    for f in fills(&ev) {
        assert_eq!(
            (f.taker_id, f.taker_owner, f.aggressor),
            (r.id, D, Side::Buy)
        );
    }
    assert_eq!(
        fills(&ev).iter().map(|f| f.maker_owner).collect::<Vec<_>>(),
        vec![A, B, C]
    );
    // The remainder rests at its limit; the untouched level stays.
    assert_eq!(book.best_bid(), Some(Price(102)));
    assert_eq!(book.best_ask(), Some(Price(103)));
    assert_eq!(queue(&book, 102), vec![(r.id, 3)]);
    assert_eq!(queue(&book, 103), vec![(a2, 10)]);
}

#[test]
fn sell_sweeps_bids_downwards_and_leaves_a_partial_maker_at_the_head() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Buy, 100, 2).id;
    let b = gtc(&mut book, B, Side::Buy, 99, 4).id;
    let c = gtc(&mut book, C, Side::Buy, 99, 6).id;
    let d = gtc(&mut book, A, Side::Buy, 97, 1).id;
    let (r, ev) = gtc_ev(&mut book, D, Side::Sell, 98, 8);
    assert_eq!(r, report(r.id, 8, 0, 0));
    assert_eq!(
        fill_summary(&ev),
        vec![(a, 100, 2, true), (b, 99, 4, true), (c, 99, 2, false)]
    );
    assert!(fills(&ev).iter().all(|f| f.aggressor == Side::Sell));
    // The partly filled maker keeps the head of its queue.
    assert_eq!(queue(&book, 99), vec![(c, 4)]);
    assert_eq!(book.order(c).unwrap().qty, Qty(4));
    assert_eq!(l2(&book, Side::Buy), vec![(99, 4, 1), (97, 1, 1)]);
    assert_eq!(book.order(d).unwrap().price, Price(97));
    assert_eq!(book.best_ask(), None);
}

#[test]
fn crossing_limit_trades_at_the_makers_better_price() {
    let mut book = Book::default();
    gtc(&mut book, A, Side::Sell, 100, 5);
    let (r, ev) = gtc_ev(&mut book, B, Side::Buy, 105, 5);
    assert_eq!(r.filled, Qty(5));
    assert_eq!(fills(&ev)[0].price, Price(100));
}

#[test]
fn limit_does_not_trade_beyond_its_price() {
    let mut book = Book::default();
    gtc(&mut book, A, Side::Sell, 100, 5);
    gtc(&mut book, A, Side::Sell, 102, 5);
    let (r, ev) = gtc_ev(&mut book, B, Side::Buy, 101, 8);
    assert_eq!(r, report(r.id, 5, 3, 0));
    assert_eq!(fill_summary(&ev).len(), 1);
    assert_eq!(book.best_bid(), Some(Price(101)));
    assert_eq!(book.best_ask(), Some(Price(102)));
}

#[test]
fn fifo_within_a_level_over_several_takers() {
    let mut book = Book::default();
    let ids: Vec<OrderId> = [(A, 2), (B, 2), (C, 2)]
        .iter()
        .map(|&(o, q)| gtc(&mut book, o, Side::Sell, 100, q).id)
        .collect();
    let (_, ev) = market(&mut book, D, Side::Buy, 3);
    assert_eq!(
        fill_summary(&ev),
        vec![(ids[0], 100, 2, true), (ids[1], 100, 1, false)]
    );
    let (_, ev) = market(&mut book, D, Side::Buy, 2);
    assert_eq!(
        fill_summary(&ev),
        vec![(ids[1], 100, 1, true), (ids[2], 100, 1, false)]
    );
    assert_eq!(queue(&book, 100), vec![(ids[2], 1)]);
}

#[test]
fn market_order_on_empty_side_fills_nothing() {
    let mut book = Book::default();
    let (r, ev) = market(&mut book, A, Side::Buy, 7);
    assert_eq!(r, report(r.id, 0, 0, 7));
    assert!(ev.is_empty());
    // Orders on the same side are no liquidity for it.
    gtc(&mut book, B, Side::Sell, 100, 5);
    let (r, ev) = market(&mut book, A, Side::Sell, 4);
    assert_eq!(r, report(r.id, 0, 0, 4));
    assert!(ev.is_empty());
    assert_eq!(l2(&book, Side::Sell), vec![(100, 5, 1)]);
    assert_eq!(book.order(r.id), None);
}

#[test]
fn market_order_on_thin_side_fills_what_is_there() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Sell, 100, 3).id;
    let b = gtc(&mut book, B, Side::Sell, 105, 2).id;
    gtc(&mut book, C, Side::Buy, 90, 9);
    let (r, ev) = market(&mut book, D, Side::Buy, 10);
    assert_eq!(r, report(r.id, 5, 0, 5));
    assert_eq!(
        fill_summary(&ev),
        vec![(a, 100, 3, true), (b, 105, 2, true)]
    );
    assert_eq!(book.best_ask(), None);
    // Nothing rested: the bid side is what it was.
    assert_eq!(l2(&book, Side::Buy), vec![(90, 9, 1)]);
    assert_eq!(book.order(r.id), None);
}

#[test]
fn market_order_exact_and_partial_of_one_level() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Buy, 100, 10).id;
    let (r, ev) = market(&mut book, B, Side::Sell, 4);
    assert_eq!(r, report(r.id, 4, 0, 0));
    assert_eq!(fill_summary(&ev), vec![(a, 100, 4, false)]);
    let (r, ev) = market(&mut book, B, Side::Sell, 6);
    assert_eq!(r, report(r.id, 6, 0, 0));
    assert_eq!(fill_summary(&ev), vec![(a, 100, 6, true)]);
    assert_eq!(book.order_count(), 0);
}

#[test]
fn ioc_remainder_is_dropped() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Sell, 100, 4).id;
    gtc(&mut book, A, Side::Sell, 101, 4);
    let (r, ev) = try_limit(&mut book, B, Side::Buy, 100, 10, TimeInForce::Ioc);
    let r = r.unwrap();
    assert_eq!(r, report(r.id, 4, 0, 6));
    assert_eq!(fill_summary(&ev), vec![(a, 100, 4, true)]);
    assert_eq!(book.best_bid(), None);
    assert_eq!(book.order(r.id), None);
    // An IOC that does not cross does nothing at all.
    let before = snapshot(&book);
    let (r, ev) = try_limit(&mut book, B, Side::Buy, 99, 3, TimeInForce::Ioc);
    let r = r.unwrap();
    assert_eq!(r, report(r.id, 0, 0, 3));
    assert!(ev.is_empty());
    assert_eq!(snapshot(&book), before);
    // A fully filled IOC reports nothing unfilled.
    let (r, _) = try_limit(&mut book, B, Side::Buy, 101, 4, TimeInForce::Ioc);
    assert_eq!(r.unwrap().unfilled, Qty(0));
    assert_eq!(book.order_count(), 0);
}

#[test]
fn post_only_rests_or_is_rejected_whole() {
    let mut book = Book::default();
    gtc(&mut book, A, Side::Sell, 100, 4);
    gtc(&mut book, A, Side::Buy, 98, 4);
    let before = snapshot(&book);
    for (side, price) in [
        (Side::Buy, 100),
        (Side::Buy, 120),
        (Side::Sell, 98),
        (Side::Sell, 50),
    ] {
        let (r, _) = try_limit(&mut book, B, side, price, 3, TimeInForce::PostOnly);
        assert_eq!(
            r,
            Err(LobError::WouldCross {
                price: Price(price)
            })
        );
        assert_eq!(
            snapshot(&book),
            before,
            "rejected post-only changed the book"
        );
    }
    let (r, ev) = try_limit(&mut book, B, Side::Buy, 99, 3, TimeInForce::PostOnly);
    let r = r.unwrap();
    assert_eq!(r, report(r.id, 0, 3, 0));
    assert!(ev.is_empty());
    let (r, _) = try_limit(&mut book, B, Side::Sell, 99, 3, TimeInForce::PostOnly);
    assert!(matches!(r, Err(LobError::WouldCross { .. })));
    assert_eq!(l2(&book, Side::Buy), vec![(99, 3, 1), (98, 4, 1)]);
}

// ---- cancel -------------------------------------------------------------------------------

#[test]
fn cancel_removes_a_resting_order() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Buy, 99, 5).id;
    let b = gtc(&mut book, B, Side::Buy, 99, 6).id;
    let c = gtc(&mut book, C, Side::Buy, 99, 7).id;
    let best = gtc(&mut book, C, Side::Buy, 100, 1).id;
    assert_eq!(
        cancel(&mut book, B, b),
        Ok(Cancelled {
            id: b,
            owner: B,
            side: Side::Buy,
            price: Price(99),
            qty: Qty(6)
        })
    );
    assert_eq!(queue(&book, 99), vec![(a, 5), (c, 7)]);
    assert_eq!(book.level_at(Price(99)).unwrap().qty, Qty(12));
    // Cancelling the best level moves the touch down.
    cancel(&mut book, C, best).unwrap();
    assert_eq!(book.best_bid(), Some(Price(99)));
    cancel(&mut book, A, a).unwrap();
    cancel(&mut book, C, c).unwrap();
    assert_eq!(book.best_bid(), None);
    assert_eq!(book.order_count(), 0);
}

#[test]
fn remove_takes_any_owners_order_and_names_the_owner() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Sell, 100, 5).id;
    let b = gtc(&mut book, B, Side::Sell, 100, 2).id;
    // the venue's own removal (an expiry): no owner given, the owner reported
    assert_eq!(
        book.remove(a),
        Ok(Cancelled {
            id: a,
            owner: A,
            side: Side::Sell,
            price: Price(100),
            qty: Qty(5)
        })
    );
    assert_eq!(queue(&book, 100), vec![(b, 2)]);
    // as a cancel's: nothing to remove once gone, filled, or never there
    assert_eq!(book.remove(a), Err(LobError::UnknownOrder(a)));
    gtc(&mut book, A, Side::Buy, 100, 2);
    assert_eq!(book.remove(b), Err(LobError::UnknownOrder(b)));
    assert_eq!(book.order_count(), 0);
    // a stale id whose slot now holds another owner's order: that order stays
    let c = gtc(&mut book, B, Side::Buy, 99, 3).id;
    assert_eq!(c.0 as u32, a.0 as u32, "the freed slot is reused");
    assert_eq!(book.remove(a), Err(LobError::UnknownOrder(a)));
    assert_eq!(queue(&book, 99), vec![(c, 3)]);
    let never = OrderId(u64::MAX);
    assert_eq!(book.remove(never), Err(LobError::UnknownOrder(never)));
}

#[test]
fn cancel_errors() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Sell, 100, 5).id;
    // Wrong owner: rejected, nothing changes.
    let before = snapshot(&book);
    assert_eq!(
        cancel(&mut book, B, a),
        Err(LobError::NotOwner { id: a, owner: B })
    );
    assert_eq!(snapshot(&book), before);
    // Cancelled twice.
    cancel(&mut book, A, a).unwrap();
    assert_eq!(cancel(&mut book, A, a), Err(LobError::UnknownOrder(a)));
    // Filled.
    let f = gtc(&mut book, A, Side::Sell, 100, 5).id;
    gtc(&mut book, B, Side::Buy, 100, 5);
    assert_eq!(cancel(&mut book, A, f), Err(LobError::UnknownOrder(f)));
    // Never existed.
    for id in [OrderId(12_345), OrderId(u64::MAX), OrderId(1 << 32)] {
        assert_eq!(cancel(&mut book, A, id), Err(LobError::UnknownOrder(id)));
    }
    // A market order's or a finished IOC's id never names a resting order.
    let (m, _) = market(&mut book, A, Side::Buy, 1);
    assert_eq!(
        cancel(&mut book, A, m.id),
        Err(LobError::UnknownOrder(m.id))
    );
    let (i, _) = try_limit(&mut book, A, Side::Buy, 50, 1, TimeInForce::Ioc);
    let i = i.unwrap().id;
    assert_eq!(cancel(&mut book, A, i), Err(LobError::UnknownOrder(i)));
    // Through `submit`, a cancel reports the removed quantity as unfilled.
    let g = gtc(&mut book, C, Side::Buy, 90, 4).id;
    let mut ev = Vec::new();
    let r = book.submit(&Request::Cancel { owner: C, id: g }, &mut ev);
    assert_eq!(r, Ok(report(g, 0, 0, 4)));
    assert!(ev.is_empty());
    book.check_invariants().unwrap();
}

// ---- zero quantity ------------------------------------------------------------------------

#[test]
fn zero_quantity_is_rejected_everywhere() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Buy, 99, 5).id;
    gtc(&mut book, B, Side::Sell, 101, 5);
    let before = snapshot(&book);
    for tif in [TimeInForce::Gtc, TimeInForce::Ioc, TimeInForce::PostOnly] {
        let (r, _) = try_limit(&mut book, A, Side::Buy, 101, 0, tif);
        assert_eq!(r, Err(LobError::ZeroQuantity));
    }
    let mut ev = Vec::new();
    assert_eq!(
        book.market(A, Side::Buy, Qty(0), &mut ev),
        Err(LobError::ZeroQuantity)
    );
    assert_eq!(
        modify(&mut book, A, a, 99, 0).0,
        Err(LobError::ZeroQuantity)
    );
    assert_eq!(
        modify(&mut book, A, a, 101, 0).0,
        Err(LobError::ZeroQuantity)
    );
    let reqs = [
        Request::Limit {
            owner: A,
            side: Side::Sell,
            price: Price(99),
            qty: Qty(0),
            tif: TimeInForce::Gtc,
        },
        Request::Market {
            owner: A,
            side: Side::Sell,
            qty: Qty(0),
        },
        Request::Modify {
            owner: A,
            id: a,
            price: Price(98),
            qty: Qty(0),
        },
    ];
    for req in &reqs {
        assert_eq!(book.submit(req, &mut ev), Err(LobError::ZeroQuantity));
    }
    assert!(ev.is_empty());
    assert_eq!(snapshot(&book), before);
    book.check_invariants().unwrap();
}

// ---- modify -------------------------------------------------------------------------------

#[test]
fn modify_reduce_at_same_price_keeps_queue_position() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Buy, 99, 5).id;
    let b = gtc(&mut book, B, Side::Buy, 99, 6).id;
    let seq = book.order(a).unwrap().seq;
    let (r, ev) = modify(&mut book, A, a, 99, 2);
    assert_eq!(r, Ok(report(a, 0, 2, 0)));
    assert!(ev.is_empty());
    assert_eq!(queue(&book, 99), vec![(a, 2), (b, 6)]);
    assert_eq!(book.order(a).unwrap().seq, seq);
    assert_eq!(book.level_at(Price(99)).unwrap().qty, Qty(8));
    assert_eq!(book.side_qty(Side::Buy), Qty(8));
    // Same quantity, same price: nothing changes.
    let (r, _) = modify(&mut book, A, a, 99, 2);
    assert_eq!(r, Ok(report(a, 0, 2, 0)));
    assert_eq!(queue(&book, 99), vec![(a, 2), (b, 6)]);
    assert_eq!(book.order(a).unwrap().seq, seq);
    // The reduced order is matched first, with its new size.
    let (_, ev) = market(&mut book, C, Side::Sell, 3);
    assert_eq!(fill_summary(&ev), vec![(a, 99, 2, true), (b, 99, 1, false)]);
}

#[test]
fn modify_increase_goes_to_the_back() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Sell, 101, 5).id;
    let b = gtc(&mut book, B, Side::Sell, 101, 6).id;
    let c = gtc(&mut book, C, Side::Sell, 101, 7).id;
    let seq = book.order(a).unwrap().seq;
    let (r, ev) = modify(&mut book, A, a, 101, 9);
    assert_eq!(r, Ok(report(a, 0, 9, 0)));
    assert!(ev.is_empty());
    assert_eq!(queue(&book, 101), vec![(b, 6), (c, 7), (a, 9)]);
    assert!(book.order(a).unwrap().seq > seq);
    assert_eq!(l2(&book, Side::Sell), vec![(101, 22, 3)]);
}

#[test]
fn modify_price_change_goes_to_the_back_of_the_new_level() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Buy, 99, 5).id;
    let b = gtc(&mut book, B, Side::Buy, 98, 6).id;
    // A smaller quantity at another price still loses priority.
    let (r, _) = modify(&mut book, A, a, 98, 3);
    assert_eq!(r, Ok(report(a, 0, 3, 0)));
    assert_eq!(queue(&book, 98), vec![(b, 6), (a, 3)]);
    assert_eq!(book.level_at(Price(99)), None);
    assert_eq!(book.best_bid(), Some(Price(98)));
    // Moving up to a new best level.
    let (r, _) = modify(&mut book, B, b, 100, 6);
    assert_eq!(r, Ok(report(b, 0, 6, 0)));
    assert_eq!(book.best_bid(), Some(Price(100)));
    assert_eq!(l2(&book, Side::Buy), vec![(100, 6, 1), (98, 3, 1)]);
    let v = book.order(b).unwrap();
    assert_eq!((v.price, v.qty, v.owner), (Price(100), Qty(6), B));
}

#[test]
fn modify_to_a_crossing_price_matches() {
    let mut book = Book::default();
    let a = gtc(&mut book, A, Side::Buy, 99, 10).id;
    let b = gtc(&mut book, B, Side::Sell, 101, 4).id;
    let c = gtc(&mut book, C, Side::Sell, 102, 4).id;
    let (r, ev) = modify(&mut book, A, a, 101, 10);
    assert_eq!(r, Ok(report(a, 4, 6, 0)));
    let f = fills(&ev);
    assert_eq!(fill_summary(&ev), vec![(b, 101, 4, true)]);
    assert_eq!(
        (f[0].taker_id, f[0].taker_owner, f[0].aggressor),
        (a, A, Side::Buy)
    );
    assert_eq!(queue(&book, 101), vec![(a, 6)]);
    assert_eq!(book.best_bid(), Some(Price(101)));
    assert_eq!(book.best_ask(), Some(Price(102)));
    // A modify that fills completely finishes the order.
    let (r, ev) = modify(&mut book, A, a, 102, 3);
    assert_eq!(r, Ok(report(a, 3, 0, 0)));
    assert_eq!(fill_summary(&ev), vec![(c, 102, 3, false)]);
    assert_eq!(book.order(a), None);
    assert_eq!(book.best_bid(), None);
    assert_eq!(cancel(&mut book, A, a), Err(LobError::UnknownOrder(a)));
}

#[test]
fn modify_errors_leave_the_book_unchanged() {
    let mut book = book_with_span(1024);
    let a = gtc(&mut book, A, Side::Buy, 99, 5).id;
    gtc(&mut book, B, Side::Sell, 101, 5);
    let before = snapshot(&book);
    assert_eq!(
        modify(&mut book, B, a, 98, 5).0,
        Err(LobError::NotOwner { id: a, owner: B })
    );
    let ghost = OrderId(999_999);
    assert_eq!(
        modify(&mut book, A, ghost, 98, 5).0,
        Err(LobError::UnknownOrder(ghost))
    );
    assert_eq!(
        modify(&mut book, A, a, 99 + 2000, 5).0,
        Err(LobError::PriceOutOfRange {
            price: Price(2099),
            max_span_ticks: 1024
        })
    );
    assert_eq!(snapshot(&book), before);
    // A finished order can no longer be modified.
    cancel(&mut book, A, a).unwrap();
    assert_eq!(
        modify(&mut book, A, a, 99, 1).0,
        Err(LobError::UnknownOrder(a))
    );
}

#[test]
fn submit_dispatches_every_request_kind() {
    let mut book = Book::default();
    let mut ev = Vec::new();
    let a = book
        .submit(
            &Request::Limit {
                owner: A,
                side: Side::Sell,
                price: Price(100),
                qty: Qty(5),
                tif: TimeInForce::Gtc,
            },
            &mut ev,
        )
        .unwrap();
    assert_eq!(a, report(a.id, 0, 5, 0));
    let m = book
        .submit(
            &Request::Market {
                owner: B,
                side: Side::Buy,
                qty: Qty(2),
            },
            &mut ev,
        )
        .unwrap();
    assert_eq!(m, report(m.id, 2, 0, 0));
    let r = book
        .submit(
            &Request::Modify {
                owner: A,
                id: a.id,
                price: Price(100),
                qty: Qty(1),
            },
            &mut ev,
        )
        .unwrap();
    assert_eq!(r, report(a.id, 0, 1, 0));
    assert_eq!(fills(&ev).len(), 1);
    assert_eq!(ev.len(), 1);
    book.check_invariants().unwrap();
    // Events accumulate: the book appends, never clears.
    book.market(B, Side::Buy, Qty(1), &mut ev).unwrap();
    assert_eq!(ev.len(), 2);
}

// ---- self-trade policies ------------------------------------------------------------------

#[test]
fn self_trade_cancel_resting_keeps_matching() {
    let mut book = book_with(SelfTradePolicy::CancelResting);
    let a1 = gtc(&mut book, A, Side::Sell, 100, 5).id;
    let b = gtc(&mut book, B, Side::Sell, 100, 3).id;
    let a2 = gtc(&mut book, A, Side::Sell, 101, 2).id;
    let c = gtc(&mut book, C, Side::Sell, 101, 4).id;
    let (r, ev) = gtc_ev(&mut book, A, Side::Buy, 101, 8);
    assert_eq!(r, report(r.id, 7, 1, 0));
    let cancelled = |id, price, qty| {
        Event::SelfTradeCancel(Cancelled {
            id,
            owner: A,
            side: Side::Sell,
            price: Price(price),
            qty: Qty(qty),
        })
    };
    assert_eq!(ev.len(), 4);
    assert_eq!(ev[0], cancelled(a1, 100, 5));
    assert!(matches!(ev[1], Event::Fill(f) if f.maker_id == b && f.qty == Qty(3)));
    assert_eq!(ev[2], cancelled(a2, 101, 2));
    assert!(matches!(ev[3], Event::Fill(f) if f.maker_id == c && f.qty == Qty(4)));
    assert_eq!(book.order(a1), None);
    assert_eq!(book.order(a2), None);
    assert_eq!(book.best_ask(), None);
    assert_eq!(queue(&book, 101), vec![(r.id, 1)]);
}

#[test]
fn self_trade_cancel_resting_can_clear_the_side_and_then_rest() {
    let mut book = book_with(SelfTradePolicy::CancelResting);
    gtc(&mut book, A, Side::Buy, 100, 5);
    gtc(&mut book, A, Side::Buy, 99, 5);
    let (r, ev) = gtc_ev(&mut book, A, Side::Sell, 99, 4);
    assert_eq!(r, report(r.id, 0, 4, 0));
    assert_eq!(ev.len(), 2);
    assert!(ev.iter().all(|e| matches!(e, Event::SelfTradeCancel(_))));
    assert_eq!(book.best_bid(), None);
    assert_eq!(book.best_ask(), Some(Price(99)));
    // A market order that only meets its own orders fills nothing.
    gtc(&mut book, B, Side::Buy, 90, 1);
    let (r, ev) = market(&mut book, A, Side::Buy, 3);
    assert_eq!(r, report(r.id, 0, 0, 3));
    assert_eq!(ev.len(), 1);
    assert_eq!(book.best_ask(), None);
}

#[test]
fn self_trade_cancel_incoming_stops_and_reports_unfilled() {
    let mut book = book_with(SelfTradePolicy::CancelIncoming);
    assert_eq!(book.self_trade_policy(), SelfTradePolicy::CancelIncoming);
    let b = gtc(&mut book, B, Side::Sell, 100, 3).id;
    let a = gtc(&mut book, A, Side::Sell, 100, 5).id;
    let c = gtc(&mut book, C, Side::Sell, 100, 4).id;
    let (r, ev) = gtc_ev(&mut book, A, Side::Buy, 100, 10);
    assert_eq!(r, report(r.id, 3, 0, 7));
    assert_eq!(fill_summary(&ev), vec![(b, 100, 3, true)]);
    assert_eq!(ev.len(), 1);
    // The resting orders stay, the incoming remainder does not rest.
    assert_eq!(queue(&book, 100), vec![(a, 5), (c, 4)]);
    assert_eq!(book.best_bid(), None);
    // The same for market and modify.
    let (r, ev) = market(&mut book, A, Side::Buy, 2);
    assert_eq!(r, report(r.id, 0, 0, 2));
    assert!(ev.is_empty());
    let bid = gtc(&mut book, A, Side::Buy, 98, 2).id;
    let (r, ev) = modify(&mut book, A, bid, 100, 2);
    assert_eq!(r, Ok(report(bid, 0, 0, 2)));
    assert!(ev.is_empty());
    assert_eq!(book.order(bid), None);
    assert_eq!(queue(&book, 100), vec![(a, 5), (c, 4)]);
}

#[test]
fn self_trade_allow_trades_with_oneself() {
    let mut book = book_with(SelfTradePolicy::Allow);
    let a = gtc(&mut book, A, Side::Sell, 100, 5).id;
    let (r, ev) = gtc_ev(&mut book, A, Side::Buy, 100, 3);
    assert_eq!(r, report(r.id, 3, 0, 0));
    let f = fills(&ev);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].maker_id, f[0].maker_owner, f[0].taker_owner),
        (a, A, A)
    );
    assert_eq!(book.order(a).unwrap().qty, Qty(2));
}

#[test]
fn anonymous_owners_trade_with_themselves_under_every_policy() {
    for policy in [
        SelfTradePolicy::CancelResting,
        SelfTradePolicy::CancelIncoming,
        SelfTradePolicy::Allow,
    ] {
        let mut book = book_with(policy);
        book.set_anonymous(OwnerId(70)); // beyond the first word of the bitset
        assert!(book.is_anonymous(OwnerId(70)) && !book.is_anonymous(A));
        let z = OwnerId(70);
        let rest = gtc(&mut book, z, Side::Sell, 100, 5).id;
        let (r, ev) = market(&mut book, z, Side::Buy, 3);
        assert_eq!(r, report(r.id, 3, 0, 0), "{policy:?}");
        assert_eq!(fill_summary(&ev), vec![(rest, 100, 3, false)], "{policy:?}");
        // an identified owner keeps its self-trade prevention
        let a = gtc(&mut book, A, Side::Buy, 90, 2).id;
        let (_, ev) = market(&mut book, A, Side::Sell, 1);
        if policy != SelfTradePolicy::Allow {
            assert!(fills(&ev).is_empty(), "{policy:?}");
        } else {
            assert_eq!(fills(&ev)[0].maker_id, a);
        }
    }
}

// ---- slots and ids ------------------------------------------------------------------------

#[test]
fn slots_are_reused_and_stale_ids_rejected() {
    let mut book = Book::default();
    // A few resting orders and a warm-up cycle.
    for p in 90..95 {
        gtc(&mut book, B, Side::Buy, p, 1);
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut prev: Option<OrderId> = None;
    let mut bytes = 0;
    for i in 0..10_000u64 {
        if i == 6 {
            // Every kind of cycle has run twice: measure from here.
            bytes = book.heap_bytes();
        }
        let id = gtc(&mut book, A, Side::Sell, 100 + (i % 7) as i64, 1 + i % 3).id;
        assert!(seen.insert(id), "id {id} handed out twice");
        if let Some(old) = prev {
            assert_eq!(book.order(old), None);
            assert_eq!(cancel(&mut book, A, old), Err(LobError::UnknownOrder(old)));
            assert_eq!(
                modify(&mut book, A, old, 100, 1).0,
                Err(LobError::UnknownOrder(old))
            );
        }
        match i % 3 {
            0 => {
                cancel(&mut book, A, id).unwrap();
            }
            1 => {
                market(&mut book, C, Side::Buy, 5);
            }
            _ => {
                let (r, _) = modify(&mut book, A, id, 99, 2);
                assert_eq!(r, Ok(report(id, 0, 2, 0)));
                cancel(&mut book, A, id).unwrap();
            }
        }
        prev = Some(id);
    }
    assert_eq!(
        book.heap_bytes(),
        bytes,
        "memory grew with orders ever placed"
    );
    assert_eq!(book.order_count(), 5);
}

#[test]
fn a_reused_slot_does_not_answer_to_the_old_id() {
    let mut book = Book::default();
    let old = gtc(&mut book, A, Side::Buy, 99, 5).id;
    cancel(&mut book, A, old).unwrap();
    let new = gtc(&mut book, A, Side::Buy, 99, 5).id;
    assert_ne!(old, new);
    assert_eq!(book.order(old), None);
    assert_eq!(book.order(new).unwrap().id, new);
    assert_eq!(cancel(&mut book, A, old), Err(LobError::UnknownOrder(old)));
    assert_eq!(
        modify(&mut book, A, old, 98, 1).0,
        Err(LobError::UnknownOrder(old))
    );
    assert_eq!(book.order(new).unwrap().qty, Qty(5));
}

// ---- depth, L2, queues --------------------------------------------------------------------

fn depth_book() -> Book {
    let mut book = Book::default();
    gtc(&mut book, A, Side::Buy, 98, 5);
    gtc(&mut book, B, Side::Buy, 97, 3);
    gtc(&mut book, C, Side::Buy, 95, 2);
    gtc(&mut book, C, Side::Buy, 95, 1);
    gtc(&mut book, A, Side::Sell, 101, 4);
    gtc(&mut book, B, Side::Sell, 102, 6);
    gtc(&mut book, C, Side::Sell, 110, 1);
    book
}

#[test]
fn depth_within_reference_between_the_quotes() {
    let book = depth_book();
    let d = |side, r, k| book.depth_within(side, Price(r), k).0;
    // Bids in [100 - k, 100].
    assert_eq!(d(Side::Buy, 100, 0), 0);
    assert_eq!(d(Side::Buy, 100, 1), 0);
    assert_eq!(d(Side::Buy, 100, 2), 5);
    assert_eq!(d(Side::Buy, 100, 3), 8);
    assert_eq!(d(Side::Buy, 100, 4), 8);
    assert_eq!(d(Side::Buy, 100, 5), 11);
    assert_eq!(d(Side::Buy, 100, u32::MAX), 11);
    // Asks in [100, 100 + k].
    assert_eq!(d(Side::Sell, 100, 0), 0);
    assert_eq!(d(Side::Sell, 100, 1), 4);
    assert_eq!(d(Side::Sell, 100, 2), 10);
    assert_eq!(d(Side::Sell, 100, 9), 10);
    assert_eq!(d(Side::Sell, 100, 10), 11);
    assert_eq!(d(Side::Sell, 100, u32::MAX), 11);
    // Reference at the mid of a one-tick-odd spread.
    assert_eq!(d(Side::Buy, 99, 1), 5);
    assert_eq!(d(Side::Sell, 99, 2), 4);
}

#[test]
fn depth_within_reference_inside_or_beyond_a_side() {
    let book = depth_book();
    let d = |side, r, k| book.depth_within(side, Price(r), k).0;
    // Reference inside the bids: only bids at or below it count.
    assert_eq!(d(Side::Buy, 97, 0), 3);
    assert_eq!(d(Side::Buy, 97, 1), 3);
    assert_eq!(d(Side::Buy, 97, 2), 6);
    // ... and asks from the reference up (none below the best ask).
    assert_eq!(d(Side::Sell, 97, 3), 0);
    assert_eq!(d(Side::Sell, 97, 4), 4);
    // Reference inside the asks.
    assert_eq!(d(Side::Sell, 102, 0), 6);
    assert_eq!(d(Side::Sell, 102, 8), 7);
    assert_eq!(d(Side::Buy, 102, 3), 0);
    assert_eq!(d(Side::Buy, 102, 4), 5);
    assert_eq!(d(Side::Buy, 102, 7), 11);
    // Reference exactly at the quotes.
    assert_eq!(d(Side::Buy, 98, 0), 5);
    assert_eq!(d(Side::Sell, 101, 0), 4);
    // Reference far outside the ladder.
    for r in [-1_000_000_000, 1_000_000_000, i64::MIN, i64::MAX] {
        for side in [Side::Buy, Side::Sell] {
            let expect = match (side, r > 0) {
                (Side::Buy, true) | (Side::Sell, false) => {
                    if r.unsigned_abs() > u64::from(u32::MAX) {
                        0
                    } else {
                        11
                    }
                }
                _ => 0,
            };
            assert_eq!(d(side, r, u32::MAX), expect, "side {side} ref {r}");
            assert_eq!(d(side, r, 10), 0);
        }
    }
}

#[test]
fn levels_are_l2_best_first() {
    let book = depth_book();
    assert_eq!(
        l2(&book, Side::Buy),
        vec![(98, 5, 1), (97, 3, 1), (95, 3, 2)]
    );
    assert_eq!(
        l2(&book, Side::Sell),
        vec![(101, 4, 1), (102, 6, 1), (110, 1, 1)]
    );
    assert_eq!(book.levels(Side::Buy).take(2).count(), 2);
    assert_eq!(
        book.levels(Side::Sell).next(),
        Some(LevelView {
            price: Price(101),
            qty: Qty(4),
            orders: 1
        })
    );
}

#[test]
fn levels_cross_bitset_words() {
    let mut book = Book::default();
    let prices = [1000, 999, 936, 935, 871, 700, 64, 63, 0, -1, -64, -65, -300];
    for &p in &prices {
        gtc(&mut book, A, Side::Buy, p, 1);
        gtc(&mut book, A, Side::Sell, 5000 - p, 1);
    }
    let bids: Vec<i64> = book.levels(Side::Buy).map(|l| l.price.0).collect();
    assert_eq!(bids, prices);
    let asks: Vec<i64> = book.levels(Side::Sell).map(|l| l.price.0).collect();
    assert_eq!(asks, prices.map(|p| 5000 - p));
    // Cancelling best levels one by one walks the touch across the gaps.
    for (i, &p) in prices.iter().enumerate() {
        assert_eq!(book.best_bid(), Some(Price(p)));
        assert_eq!(book.best_ask(), Some(Price(5000 - p)));
        let bid = book.orders_at(Price(p)).next().unwrap().id;
        let ask = book.orders_at(Price(5000 - p)).next().unwrap().id;
        cancel(&mut book, A, bid).unwrap();
        cancel(&mut book, A, ask).unwrap();
        assert_eq!(book.levels(Side::Buy).count(), prices.len() - i - 1);
    }
    assert_eq!(book.best_bid(), None);
    assert_eq!(book.best_ask(), None);
}

#[test]
fn orders_at_is_fifo() {
    let mut book = Book::default();
    let ids: Vec<OrderId> = (1..=4)
        .map(|q| gtc(&mut book, OwnerId(q as u32), Side::Sell, 100, q).id)
        .collect();
    let views: Vec<OrderView> = book.orders_at(Price(100)).collect();
    assert_eq!(views.iter().map(|v| v.id).collect::<Vec<_>>(), ids);
    assert!(views.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(
        views
            .iter()
            .all(|v| v.price == Price(100) && v.side == Side::Sell)
    );
    assert_eq!(
        views
            .iter()
            .map(|v| (v.owner.0, v.qty.0))
            .collect::<Vec<_>>(),
        vec![(1, 1), (2, 2), (3, 3), (4, 4)]
    );
    for v in &views {
        assert_eq!(book.order(v.id), Some(*v));
    }
    // Cancelling from the middle keeps the others' order.
    cancel(&mut book, OwnerId(2), ids[1]).unwrap();
    assert_eq!(
        queue(&book, 100),
        vec![(ids[0], 1), (ids[2], 3), (ids[3], 4)]
    );
    cancel(&mut book, OwnerId(4), ids[3]).unwrap();
    let late = gtc(&mut book, A, Side::Sell, 100, 9).id;
    assert_eq!(queue(&book, 100), vec![(ids[0], 1), (ids[2], 3), (late, 9)]);
    assert_eq!(book.orders_at(Price(99)).count(), 0);
    assert_eq!(book.orders_at(Price(1 << 40)).count(), 0);
}

// ---- price range --------------------------------------------------------------------------

#[test]
fn ladder_grows_on_both_sides_up_to_the_span() {
    let span = 8192;
    let mut book = book_with_span(span);
    gtc(&mut book, A, Side::Buy, 0, 1);
    gtc(&mut book, A, Side::Sell, 3000, 2);
    gtc(&mut book, A, Side::Buy, -3000, 3);
    gtc(&mut book, A, Side::Sell, 5191, 4); // -3000 + 8192 - 1: the widest allowed.
    assert_eq!(l2(&book, Side::Buy), vec![(0, 1, 1), (-3000, 3, 1)]);
    assert_eq!(l2(&book, Side::Sell), vec![(3000, 2, 1), (5191, 4, 1)]);
    let before = snapshot(&book);
    for (side, price) in [
        (Side::Sell, 5192),
        (Side::Buy, -3001),
        (Side::Buy, i64::MIN),
    ] {
        for tif in [TimeInForce::Gtc, TimeInForce::PostOnly] {
            let (r, _) = try_limit(&mut book, B, side, price, 1, tif);
            assert_eq!(
                r,
                Err(LobError::PriceOutOfRange {
                    price: Price(price),
                    max_span_ticks: span
                })
            );
        }
    }
    assert_eq!(snapshot(&book), before);
    // IOC and market orders never rest, so their price is not limited.
    let (r, _) = try_limit(&mut book, B, Side::Buy, -100_000, 1, TimeInForce::Ioc);
    assert_eq!(r.unwrap().unfilled, Qty(1));
    let (r, ev) = try_limit(&mut book, B, Side::Buy, 100_000, 6, TimeInForce::Ioc);
    assert_eq!(r.unwrap().filled, Qty(6));
    assert_eq!(
        fills(&ev).iter().map(|f| f.price.0).collect::<Vec<_>>(),
        vec![3000, 5191]
    );
    // With the high ask gone, a lower bid fits.
    assert_eq!(book.best_ask(), None);
    gtc(&mut book, A, Side::Buy, -5000, 1);
    assert_eq!(book.depth_within(Side::Buy, Price(0), 5000).0, 5);
}

#[test]
fn small_span_rejects_far_prices() {
    let mut book = book_with_span(64);
    gtc(&mut book, A, Side::Buy, 1000, 1);
    gtc(&mut book, A, Side::Sell, 1063, 1);
    let (r, _) = try_limit(&mut book, A, Side::Sell, 1064, 1, TimeInForce::Gtc);
    assert_eq!(
        r,
        Err(LobError::PriceOutOfRange {
            price: Price(1064),
            max_span_ticks: 64
        })
    );
    let (r, _) = try_limit(&mut book, A, Side::Buy, 999, 1, TimeInForce::Gtc);
    assert!(matches!(r, Err(LobError::PriceOutOfRange { .. })));
    // A modify to a far price is rejected too, and one to a near price is not.
    let bid = book.orders_at(Price(1000)).next().unwrap().id;
    assert!(matches!(
        modify(&mut book, A, bid, 999, 1).0,
        Err(LobError::PriceOutOfRange { .. })
    ));
    assert!(modify(&mut book, A, bid, 1001, 1).0.is_ok());
    // The edges of the window: the lowest bid and the highest ask of the span.
    let ask = book.orders_at(Price(1063)).next().unwrap().id;
    cancel(&mut book, A, ask).unwrap();
    gtc(&mut book, B, Side::Buy, 1001 - 63, 1);
    let (r, _) = try_limit(&mut book, B, Side::Sell, 1001 + 1, 1, TimeInForce::PostOnly);
    assert!(matches!(r, Err(LobError::PriceOutOfRange { .. })));
    assert_eq!(book.best_bid(), Some(Price(1001)));
    // Emptying the levels at the window's ends.
    cancel(&mut book, A, bid).unwrap();
    assert_eq!(book.best_bid(), Some(Price(938)));
    let low = book.orders_at(Price(938)).next().unwrap().id;
    cancel(&mut book, B, low).unwrap();
    assert_eq!(book.best_bid(), None);
    market(&mut book, C, Side::Buy, 5);
    assert_eq!(book.best_ask(), None);
}

#[test]
fn ladder_window_edges() {
    // Fill every tick of a 64-tick window with bids and asks, then empty it from the best
    // prices outwards: the touch must move to the extreme levels of the window and then
    // vanish, with no scan out of bounds.
    let mut book = book_with_span(64);
    for p in 0..32 {
        gtc(&mut book, A, Side::Buy, p, 1);
    }
    // The window must now also hold asks up to 63 and no further.
    for p in 32..64 {
        gtc(&mut book, B, Side::Sell, p, 1);
    }
    assert!(matches!(
        try_limit(&mut book, B, Side::Sell, 64, 1, TimeInForce::Gtc).0,
        Err(LobError::PriceOutOfRange { .. })
    ));
    assert!(matches!(
        try_limit(&mut book, B, Side::Buy, -1, 1, TimeInForce::Gtc).0,
        Err(LobError::PriceOutOfRange { .. })
    ));
    let (r, _) = market(&mut book, C, Side::Buy, 31);
    assert_eq!(r.filled, Qty(31));
    assert_eq!(book.best_ask(), Some(Price(63)));
    let (r, _) = market(&mut book, C, Side::Sell, 31);
    assert_eq!(r.filled, Qty(31));
    assert_eq!(book.best_bid(), Some(Price(0)));
    market(&mut book, C, Side::Buy, 1);
    market(&mut book, C, Side::Sell, 1);
    assert_eq!(book.order_count(), 0);
    assert_eq!(book.best_bid(), None);
    assert_eq!(book.best_ask(), None);
}

#[test]
fn ladder_drops_empty_far_levels_as_prices_drift() {
    let span = 1024;
    let mut book = book_with_span(span);
    let mut bid = gtc(&mut book, A, Side::Buy, 0, 1).id;
    let mut ask = gtc(&mut book, B, Side::Sell, 10, 1).id;
    let bytes = book.heap_bytes();
    // Upwards, far beyond the span in total, in steps that leave the current window.
    for step in 1..=200i64 {
        let p = step * 700;
        let new_ask = gtc(&mut book, B, Side::Sell, p + 10, 1).id;
        cancel(&mut book, B, ask).unwrap();
        ask = new_ask;
        let new_bid = gtc(&mut book, A, Side::Buy, p, 1).id;
        cancel(&mut book, A, bid).unwrap();
        bid = new_bid;
        assert_eq!(book.best_bid(), Some(Price(p)));
        assert_eq!(book.best_ask(), Some(Price(p + 10)));
        assert!(book.heap_bytes() <= 2 * bytes, "ladder keeps growing");
    }
    // And back down, below zero.
    for step in (-200..200i64).rev() {
        let p = step * 700;
        let new_bid = gtc(&mut book, A, Side::Buy, p, 1).id;
        cancel(&mut book, A, bid).unwrap();
        bid = new_bid;
        let new_ask = gtc(&mut book, B, Side::Sell, p + 10, 1).id;
        cancel(&mut book, B, ask).unwrap();
        ask = new_ask;
        assert_eq!(l2(&book, Side::Buy), vec![(p, 1, 1)]);
        assert_eq!(l2(&book, Side::Sell), vec![(p + 10, 1, 1)]);
    }
    // A resting order pins the window: the span still applies around it.
    cancel(&mut book, B, ask).unwrap();
    let (r, _) = try_limit(
        &mut book,
        B,
        Side::Sell,
        -140_000 + 1024,
        1,
        TimeInForce::Gtc,
    );
    assert!(matches!(r, Err(LobError::PriceOutOfRange { .. })));
    gtc(&mut book, B, Side::Sell, -140_000 + 1023, 1);
    assert_eq!(book.spread_ticks(), Some(1023));
}

#[test]
fn extreme_prices_do_not_panic() {
    let mut book = Book::default();
    for p in [i64::MIN, i64::MIN + 1, i64::MAX, i64::MAX - 1] {
        for side in [Side::Buy, Side::Sell] {
            let (r, _) = try_limit(&mut book, A, side, p, 1, TimeInForce::Gtc);
            match r {
                Ok(r) => {
                    cancel(&mut book, A, r.id).unwrap();
                }
                Err(e) => assert!(matches!(e, LobError::PriceOutOfRange { .. })),
            }
        }
    }
    gtc(&mut book, A, Side::Buy, 0, 1);
    for p in [i64::MIN, i64::MAX] {
        let (r, _) = try_limit(&mut book, B, Side::Sell, p, 1, TimeInForce::Gtc);
        assert!(matches!(r, Err(LobError::PriceOutOfRange { .. })));
    }
}

#[test]
fn quotes_near_the_price_limits_do_not_overflow() {
    // Whatever the book accepts to rest, its spread and mid must be computable.
    for (bid, ask) in [
        (i64::MAX - 2000, i64::MAX - 1990),
        (i64::MIN + 1990, i64::MIN + 2000),
        ((1 << 62) - 10, (1 << 62) + 10),
        ((1 << 62) - 20, (1 << 62) - 1),
        (-(1 << 62) + 1, -(1 << 62) + 20),
    ] {
        let mut book = Book::default();
        let ok_bid = try_limit(&mut book, A, Side::Buy, bid, 1, TimeInForce::Gtc)
            .0
            .is_ok();
        let ok_ask = try_limit(&mut book, B, Side::Sell, ask, 1, TimeInForce::Gtc)
            .0
            .is_ok();
        if ok_bid && ok_ask {
            assert_eq!(book.spread_ticks(), Some(ask - bid));
            let mid = book.mid_ticks().unwrap();
            assert!((mid - (bid as f64 / 2.0 + ask as f64 / 2.0)).abs() <= 1e4);
            assert!(book.mid_x2_ticks().is_some());
        }
    }
    // Prices within ±2^62 ticks rest; beyond, they are out of range whatever the span.
    let mut book = Book::default();
    gtc(&mut book, A, Side::Buy, (1 << 62) - 20, 1);
    gtc(&mut book, B, Side::Sell, (1 << 62) - 1, 1);
    assert_eq!(book.mid_x2_ticks(), Some(i64::MAX - 20));
    let (r, _) = try_limit(&mut book, B, Side::Sell, 1 << 62, 1, TimeInForce::Gtc);
    assert!(matches!(r, Err(LobError::PriceOutOfRange { .. })));
}

#[test]
fn error_messages_carry_the_values() {
    let e = LobError::PriceOutOfRange {
        price: Price(42),
        max_span_ticks: 64,
    };
    let s = e.to_string();
    assert!(s.contains("42") && s.contains("64"), "{s}");
    assert!(LobError::UnknownOrder(OrderId(7)).to_string().contains('7'));
}

#[test]
fn huge_or_tiny_span_configs_work() {
    // "No practical limit" and "as small as possible" must both give a working book.
    for span in [usize::MAX, usize::MAX - 1, 1 << 40, 0, 1] {
        let mut book = book_with_span(span);
        gtc(&mut book, A, Side::Buy, 0, 1);
        gtc(&mut book, A, Side::Sell, 10, 1);
        gtc(&mut book, A, Side::Buy, -20, 1);
        assert_eq!(book.spread_ticks(), Some(10), "span {span}");
        let (r, _) = try_limit(&mut book, A, Side::Buy, -100, 1, TimeInForce::Gtc);
        match r {
            Err(LobError::PriceOutOfRange { max_span_ticks, .. }) => {
                assert!(span < 64 && max_span_ticks == 64, "span {span}");
            }
            r => assert!(r.is_ok() && span >= 1 << 40, "span {span}"),
        }
    }
}
