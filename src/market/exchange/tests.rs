use super::*;
use crate::rng::{Purpose, below, coin, stream};

fn exchange(limits: Vec<Option<u64>>) -> Exchange {
    Exchange::new(
        BookId(0),
        BookConfig::default(),
        10_000,
        RiskGate::new(limits),
        1_000_000,
    )
}

fn request(t: u64, agent: u32, action: Action) -> OrderRequest {
    OrderRequest {
        arrival_ns: t,
        seq: t,
        book: BookId(0),
        agent,
        tag: NO_TAG,
        action,
    }
}

/// Zero-intelligence limit orders are priced on arrival 1..=W ticks beyond the opposite
/// best quote: whatever the book looks like, they never trade on arrival.
#[test]
fn zero_intelligence_limit_orders_never_cross() {
    let mut rng = stream(9, Purpose::Noise, 0, 0);
    let mut ex = exchange(vec![None; 4]);
    let mut out = StepOutcomes::default();
    let mut stats = RunStats::default();
    let mut t = 0;
    for step in 0..2000u64 {
        let mut reqs = Vec::new();
        for _ in 0..5 {
            t += 1;
            let side = if coin(&mut rng) {
                Side::Buy
            } else {
                Side::Sell
            };
            let action = if below(&mut rng, 10) == 0 {
                Action::Market {
                    side,
                    qty: Qty(1 + below(&mut rng, 5)),
                }
            } else {
                Action::ZiLimit {
                    side,
                    offset_ticks: 1 + below(&mut rng, 8) as u32,
                    qty: Qty(1 + below(&mut rng, 3)),
                    lifetime_ns: Some(below(&mut rng, 3_000_000)),
                }
            };
            reqs.push(request(t, below(&mut rng, 4) as u32, action));
        }
        out.trades.clear();
        ex.run_step((step + 1) * 1_000_000, &reqs, &mut out, &mut stats);
        for tr in &out.trades {
            let taker = reqs
                .iter()
                .find(|r| r.agent == tr.taker && r.arrival_ns == tr.t_ns)
                .unwrap();
            assert!(
                matches!(taker.action, Action::Market { .. }),
                "a zero-intelligence limit order traded on arrival: {taker:?}"
            );
        }
        ex.book.check_invariants().unwrap();
    }
    assert!(stats.trades > 100 && stats.expiries > 100, "{stats:?}");
}

/// Orders arriving during a halt no longer queue without bound (issue 22: 3.7 GB in 12 s,
/// then an abort): beyond `max_held_orders` new orders are rejected, counted and
/// acknowledged, cancels are carried out at once, and the held ones reopen in order.
#[test]
fn a_halted_books_queue_is_bounded() {
    let mut ex = exchange(vec![None; 3]);
    ex.halt_rule = Some(HaltRule {
        move_ticks: 1_000,
        window_ns: 1_000_000,
        pause_ns: 5_000_000,
        max_held_orders: 4,
    });
    let mut out = StepOutcomes::default();
    let mut stats = RunStats::default();
    let limit = |side, price, qty| Action::Limit {
        side,
        price: Price(price),
        qty: Qty(qty),
        tif: TimeInForce::Gtc,
    };
    // a resting bid to cancel later, then a halt
    ex.run_step(
        1_000_000,
        &[request(1, 0, limit(Side::Buy, 9_990, 5))],
        &mut out,
        &mut stats,
    );
    let bid = ex.book.best_bid();
    assert_eq!(bid, Some(Price(9_990)));
    ex.halt = Some((1_000_000, 6_000_000));
    let resting_id = ex.book.orders_at(Price(9_990)).next().unwrap().id;
    let mut reqs: Vec<OrderRequest> = (0..10)
        .map(|i| {
            let mut r = request(1_000_100 + i, 1, limit(Side::Sell, 10_050 + i as i64, 1));
            r.tag = 7 + i as u32;
            r
        })
        .collect();
    reqs.push(request(1_000_200, 0, Action::Cancel { id: resting_id }));
    ex.run_step(2_000_000, &reqs, &mut out, &mut stats);
    assert_eq!(ex.held.len(), 4, "the queue stops at its bound");
    assert_eq!(ex.halt_rejected_orders, 6);
    assert_eq!(stats.rejections, 6);
    assert_eq!(
        out.acks.iter().filter(|a| a.resting.is_none()).count(),
        6,
        "each rejected order is acknowledged as refused"
    );
    assert_eq!(
        ex.book.best_bid(),
        None,
        "the cancel was carried out at once"
    );
    // at the reopening the four held orders go in, in arrival order
    ex.run_step(7_000_000, &[], &mut out, &mut stats);
    assert!(ex.halt.is_none() && ex.held.is_empty());
    assert_eq!(ex.book.best_ask(), Some(Price(10_050)));
    ex.book.check_invariants().unwrap();
}

#[test]
fn risk_gate_cuts_orders_that_could_breach_the_limit() {
    let mut ex = exchange(vec![Some(10), None]);
    let mut out = StepOutcomes::default();
    let mut stats = RunStats::default();
    let limit = |side, price, qty| Action::Limit {
        side,
        price: Price(price),
        qty: Qty(qty),
        tif: TimeInForce::Gtc,
    };
    // 6 resting bids, then 7 more: only 4 may go in; an unlimited agent sells into them.
    let reqs = [
        request(1, 0, limit(Side::Buy, 9_990, 6)),
        request(2, 0, limit(Side::Buy, 9_989, 7)),
        request(
            3,
            1,
            Action::Market {
                side: Side::Sell,
                qty: Qty(50),
            },
        ),
        request(4, 0, limit(Side::Buy, 9_980, 1)),
        request(5, 0, limit(Side::Sell, 10_100, 25)),
    ];
    ex.run_step(1_000_000, &reqs, &mut out, &mut stats);
    assert_eq!(ex.risk.position(0), 10);
    assert_eq!(
        ex.risk.resting(0, Side::Buy),
        0,
        "the bid at 9 980 was refused"
    );
    assert_eq!(
        ex.risk.resting(0, Side::Sell),
        20,
        "a seller may rest up to position + limit"
    );
    assert_eq!(stats.rejections, 1);
    assert_eq!(ex.risk.position(1), -10);
}

fn tagged(t: u64, agent: u32, tag: u32, action: Action) -> OrderRequest {
    OrderRequest {
        tag,
        ..request(t, agent, action)
    }
}

/// A replace moves what is left of a resting order to a new price, never more: a
/// partly filled order is replaced by its remainder, and one that is gone is rejected
/// (acknowledged without resting) with nothing entering.
#[test]
fn replace_enters_at_most_the_remainder_and_never_for_a_finished_order() {
    let mut ex = exchange(vec![None; 3]);
    let mut out = StepOutcomes::default();
    let mut stats = RunStats::default();
    let bid = |price, qty| Action::Limit {
        side: Side::Buy,
        price: Price(price),
        qty: Qty(qty),
        tif: TimeInForce::Gtc,
    };
    ex.run_step(
        1_000_000,
        &[
            tagged(1, 0, 7, bid(9_990, 10)),
            request(2, 1, bid(9_980, 5)),
            request(
                3,
                2,
                Action::Market {
                    side: Side::Sell,
                    qty: Qty(4),
                },
            ),
        ],
        &mut out,
        &mut stats,
    );
    let id = out.acks[0].resting.expect("rests");
    assert_eq!(ex.risk.resting(0, Side::Buy), 6);
    out.acks.clear();
    out.trades.clear();
    // asks for 50 at a better price: gets the 6 left, a new id, the old one gone
    let replace = Action::Replace {
        id,
        price: Price(9_995),
        qty: Qty(50),
        tif: TimeInForce::PostOnly,
    };
    ex.run_step(
        2_000_000,
        &[tagged(1_000_001, 0, 8, replace)],
        &mut out,
        &mut stats,
    );
    let ack = out.acks[0];
    assert_eq!((ack.tag, ack.rested_lots), (8, 6));
    let new_id = ack.resting.unwrap();
    assert_ne!(new_id, id);
    assert!(ex.book.order(id).is_none());
    assert_eq!(ex.book.best_bid(), Some(Price(9_995)));
    assert_eq!(ex.risk.resting(0, Side::Buy), 6);
    // a marketable replace takes liquidity, its fills carry its tag; the rest of an IOC
    // is dropped
    out.acks.clear();
    let cross = Action::Replace {
        id: new_id,
        price: Price(10_010),
        qty: Qty(6),
        tif: TimeInForce::Ioc,
    };
    ex.run_step(
        3_000_000,
        &[
            request(
                2_000_001,
                1,
                Action::Limit {
                    side: Side::Sell,
                    price: Price(10_005),
                    qty: Qty(2),
                    tif: TimeInForce::Gtc,
                },
            ),
            tagged(2_000_002, 0, 9, cross),
        ],
        &mut out,
        &mut stats,
    );
    let taken: Vec<_> = out.trades.iter().filter(|t| t.taker == 0).collect();
    assert_eq!(taken.len(), 1);
    assert_eq!((taken[0].taker_tag, taken[0].qty_lots), (9, 2));
    assert_eq!(out.acks.last().unwrap().resting, None);
    assert_eq!(ex.risk.resting(0, Side::Buy), 0);
    assert_eq!(ex.risk.position(0), 4 + 2);
    // the order is gone: a replace of it is rejected, nothing enters
    out.acks.clear();
    let rejections = stats.rejections;
    let again = Action::Replace {
        id: new_id,
        price: Price(9_000),
        qty: Qty(3),
        tif: TimeInForce::Gtc,
    };
    ex.run_step(
        4_000_000,
        &[tagged(3_000_001, 0, 10, again)],
        &mut out,
        &mut stats,
    );
    assert_eq!(stats.rejections, rejections + 1);
    assert_eq!((out.acks[0].tag, out.acks[0].resting), (10, None));
    assert_eq!(ex.book.best_bid(), Some(Price(9_980)));
    ex.book.check_invariants().unwrap();
}

/// A tagged cancel is acknowledged whether the order was there or not; an untagged one
/// is not.
#[test]
fn tagged_cancels_are_acknowledged() {
    let mut ex = exchange(vec![None; 1]);
    let mut out = StepOutcomes::default();
    let mut stats = RunStats::default();
    let ask = Action::Limit {
        side: Side::Sell,
        price: Price(10_010),
        qty: Qty(3),
        tif: TimeInForce::Gtc,
    };
    ex.run_step(1_000_000, &[tagged(1, 0, 1, ask)], &mut out, &mut stats);
    let id = out.acks[0].resting.unwrap();
    out.acks.clear();
    ex.run_step(
        2_000_000,
        &[
            request(1_000_001, 0, Action::Cancel { id }),
            tagged(1_000_002, 0, 2, Action::Cancel { id }),
        ],
        &mut out,
        &mut stats,
    );
    assert_eq!(out.acks.len(), 1);
    assert_eq!((out.acks[0].tag, out.acks[0].resting), (2, None));
    assert_eq!(stats.rejections, 1, "the second cancel found nothing");
    assert_eq!(ex.risk.resting(0, Side::Sell), 0);
}

/// The requests' insertion sort and the standard sort give the same order, on nearly sorted
/// and on random input, below and above the size where it hands over.
#[test]
fn requests_sort_by_arrival_then_sequence() {
    let mut rng = stream(3, Purpose::Noise, 0, 0);
    for n in [0usize, 1, 2, 5, 40, 128, 129, 500] {
        for shuffled in [false, true] {
            let mut reqs: Vec<OrderRequest> = (0..n as u64)
                .map(|i| OrderRequest {
                    arrival_ns: if shuffled {
                        below(&mut rng, 50)
                    } else {
                        i / 3 * 10 + below(&mut rng, 4) * 7
                    },
                    seq: 1000 - i,
                    book: BookId(0),
                    agent: i as u32,
                    tag: NO_TAG,
                    action: Action::Cancel { id: OrderId(i) },
                })
                .collect();
            let mut expected = reqs.clone();
            expected.sort_by_key(|r| (r.arrival_ns, r.seq));
            super::sort_requests(&mut reqs);
            let order = |v: &[OrderRequest]| v.iter().map(|r| r.agent).collect::<Vec<_>>();
            assert_eq!(
                order(&reqs),
                order(&expected),
                "n = {n}, shuffled: {shuffled}"
            );
        }
    }
}
