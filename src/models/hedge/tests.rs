use super::*;

const S: u64 = 1_000_000_000;

fn rule(plan: Plan) -> HedgeRule {
    HedgeRule {
        band_lots: 5,
        target_lots: 0,
        ratio: 1.0,
        min_interval_ns: 1_000,
        plan,
    }
}

fn inputs(net: i64) -> HedgeInputs {
    HedgeInputs {
        net_delta_lots: net,
        now_ns: 10_000,
        last_hedge_ns: None,
    }
}

fn touch(bid: i64, ask: i64) -> Touch {
    Touch {
        best_bid: Some(bid),
        best_ask: Some(ask),
        mid_ticks: (bid + ask) as f64 / 2.0,
        volume_lots: 0,
    }
}

#[test]
fn never_trades_within_the_band() {
    for net in -5..=5 {
        assert_eq!(
            decide_hedge(&rule(Plan::market()), &inputs(net)),
            None,
            "{net}"
        );
    }
}

#[test]
fn trades_the_ratio_of_the_distance_to_the_target() {
    for target in -5..=5 {
        let r = HedgeRule {
            target_lots: target,
            ..rule(Plan::market())
        };
        for net in (-40i64..=40).filter(|n| n.abs() > 5) {
            let (side, lots) = decide_hedge(&r, &inputs(net)).expect("outside the band");
            assert_eq!(
                net + side.sign() * lots as i64,
                target,
                "net {net} target {target}"
            );
        }
    }
    let half = HedgeRule {
        ratio: 0.5,
        ..rule(Plan::market())
    };
    assert_eq!(
        decide_hedge(&half, &inputs(9)),
        Some((Side::Sell, 5)),
        "4.5 rounds up"
    );
    assert_eq!(decide_hedge(&half, &inputs(-12)), Some((Side::Buy, 6)));
    let tiny = HedgeRule {
        ratio: 0.05,
        ..rule(Plan::market())
    };
    assert_eq!(
        decide_hedge(&tiny, &inputs(6)),
        None,
        "0.3 lots rounds to nothing"
    );
}

#[test]
fn respects_the_minimum_interval() {
    let r = rule(Plan::market());
    let mut x = inputs(9);
    x.last_hedge_ns = Some(9_001);
    assert_eq!(decide_hedge(&r, &x), None);
    x.last_hedge_ns = Some(9_000);
    assert!(decide_hedge(&r, &x).is_some());
}

#[test]
fn ioc_limit_is_the_mid_plus_or_minus_the_slippage() {
    assert_eq!(
        ioc_limit_ticks(Side::Buy, 10_000.5, 3),
        10_003,
        "⌊10 000.5 + 3⌋"
    );
    assert_eq!(
        ioc_limit_ticks(Side::Sell, 10_000.5, 3),
        9_998,
        "⌈10 000.5 − 3⌉"
    );
    assert_eq!(ioc_limit_ticks(Side::Sell, 10_000.0, 3), 9_997);
    assert_eq!(ioc_limit_ticks(Side::Sell, 2.0, 5), 1, "never below a tick");
}

#[test]
fn net_delta_adds_the_options_delta_rounded_to_a_lot() {
    assert_eq!(net_delta_lots(10, 0.0), 10);
    assert_eq!(net_delta_lots(10, -2.4), 8);
    assert_eq!(net_delta_lots(10, -2.5), 7);
    assert_eq!(net_delta_lots(-3, 7.6), 5);
    assert_eq!(net_delta_lots(0, f64::NAN), 0);
    assert_eq!(net_delta_lots(0, 1e300), 1 << 62);
}

#[test]
fn passive_prices_join_or_improve_and_never_cross() {
    let t = touch(100, 104);
    assert_eq!(passive_price_ticks(Side::Buy, &t, false), 100);
    assert_eq!(passive_price_ticks(Side::Buy, &t, true), 101);
    assert_eq!(passive_price_ticks(Side::Sell, &t, false), 104);
    assert_eq!(passive_price_ticks(Side::Sell, &t, true), 103);
    let tight = touch(100, 101);
    assert_eq!(
        passive_price_ticks(Side::Buy, &tight, true),
        100,
        "no room to improve"
    );
    assert_eq!(passive_price_ticks(Side::Sell, &tight, true), 101);
    let no_bid = Touch {
        best_bid: None,
        ..t
    };
    assert_eq!(passive_price_ticks(Side::Buy, &no_bid, false), 103);
    let empty = Touch {
        best_bid: None,
        best_ask: None,
        mid_ticks: 50.5,
        volume_lots: 0,
    };
    assert_eq!(passive_price_ticks(Side::Buy, &empty, false), 50);
    assert_eq!(passive_price_ticks(Side::Sell, &empty, false), 51);
}

#[test]
fn a_market_hedge_is_one_order_then_finished() {
    let plan = Plan::market();
    let mut p = Parent::new(Side::Sell, 30, 0, 0);
    assert_eq!(
        next_step(&plan, &mut p, &touch(99, 101), 0),
        Step::Send(Order::Market(30))
    );
    p.child = Child::Pending;
    assert_eq!(next_step(&plan, &mut p, &touch(99, 101), 0), Step::Wait);
    // the venue filled 12 of it
    p.child = Child::None;
    p.filled_lots = 12;
    assert!(p.is_finished(&plan, 1));
    assert_eq!(next_step(&plan, &mut p, &touch(99, 101), S), Step::Finish);
}

#[test]
fn a_passive_hedge_rests_at_the_touch_follows_it_and_escalates_at_the_deadline() {
    let plan = Plan::passive(10 * S, 2, false);
    let mut p = Parent::new(Side::Buy, 8, 0, 0);
    let post = next_step(&plan, &mut p, &touch(100, 103), 0);
    assert_eq!(
        post,
        Step::Send(Order::Post {
            price_ticks: 100,
            lots: 8
        })
    );
    p.child = Child::Resting(100);
    // still at the touch: it waits
    assert_eq!(next_step(&plan, &mut p, &touch(100, 103), S), Step::Wait);
    // a better bid stands in front: moved up to it, with what is left
    p.filled_lots = 3;
    assert_eq!(
        next_step(&plan, &mut p, &touch(101, 103), 2 * S),
        Step::Replace(Order::Post {
            price_ticks: 101,
            lots: 5
        })
    );
    p.child = Child::Resting(101);
    // a lower touch does not move it (it is the best bid itself or better)
    assert_eq!(next_step(&plan, &mut p, &touch(99, 103), 3 * S), Step::Wait);
    assert!(!p.is_finished(&plan, 3 * S));
    // the deadline: the rest becomes an IOC within 2 ticks of the mid (102 + 2)
    assert_eq!(
        next_step(&plan, &mut p, &touch(101, 103), 10 * S),
        Step::Replace(Order::Ioc {
            limit_ticks: 104,
            lots: 5
        })
    );
    p.child = Child::Pending;
    assert!(!p.is_finished(&plan, 10 * S));
    // the IOC filled 4: finished with one lot unfilled
    p.child = Child::None;
    p.filled_lots = 7;
    assert!(p.is_finished(&plan, 10 * S));
    assert_eq!(
        next_step(&plan, &mut p, &touch(101, 103), 11 * S),
        Step::Finish
    );
}

#[test]
fn a_passive_child_refused_before_the_deadline_is_posted_again() {
    let plan = Plan::passive(10 * S, 1, true);
    let mut p = Parent::new(Side::Sell, 4, 0, 0);
    assert_eq!(
        next_step(&plan, &mut p, &touch(100, 104), 0),
        Step::Send(Order::Post {
            price_ticks: 103,
            lots: 4
        })
    );
    // post-only refused (the book moved): nothing working, not finished
    p.child = Child::None;
    assert!(!p.is_finished(&plan, S));
    assert_eq!(
        next_step(&plan, &mut p, &touch(98, 100), S),
        Step::Send(Order::Post {
            price_ticks: 99,
            lots: 4
        })
    );
    // refused again, and the deadline has passed: an IOC for the rest
    p.child = Child::None;
    assert_eq!(
        next_step(&plan, &mut p, &touch(98, 100), 12 * S),
        Step::Send(Order::Ioc {
            limit_ticks: 98,
            lots: 4
        })
    );
}

#[test]
fn a_clock_sliced_hedge_trades_equal_shares_per_slice() {
    // 10 lots in 4 slices of 10 s with IOC children: cumulative targets 3, 5, 8, 10
    let plan = Plan {
        slices: 4,
        horizon_ns: 40 * S,
        child: ChildKind::Ioc,
        schedule: Schedule::Clock,
        max_slippage_ticks: 1,
        improve: false,
    };
    let mut p = Parent::new(Side::Buy, 10, 0, 0);
    let t = touch(100, 101);
    let mut sent = Vec::new();
    let mut now = 0;
    while now <= 60 * S {
        match next_step(&plan, &mut p, &t, now) {
            Step::Send(Order::Ioc { lots, .. }) => {
                sent.push((now / S, lots));
                // each child fills whole, at once
                p.filled_lots += lots;
            }
            Step::Wait => {}
            Step::Finish => break,
            other => panic!("{other:?}"),
        }
        now += S / 2;
    }
    assert_eq!(sent, vec![(0, 3), (10, 2), (20, 3), (30, 2)]);
    assert_eq!(
        now,
        30 * S + S / 2,
        "finished at the first look after the last fill"
    );
    // a child that filled nothing leaves its lots to the next slice's target
    let mut p = Parent::new(Side::Buy, 10, 0, 0);
    assert_eq!(
        next_step(&plan, &mut p, &t, 0),
        Step::Send(Order::Ioc {
            limit_ticks: 101,
            lots: 3
        })
    );
    assert_eq!(next_step(&plan, &mut p, &t, 5 * S), Step::Wait);
    assert_eq!(
        next_step(&plan, &mut p, &t, 10 * S),
        Step::Send(Order::Ioc {
            limit_ticks: 101,
            lots: 5
        })
    );
    // nothing fills; the last slice ends: finished, all 10 unfilled
    assert_eq!(
        next_step(&plan, &mut p, &t, 30 * S),
        Step::Send(Order::Ioc {
            limit_ticks: 101,
            lots: 10
        })
    );
    assert!(!p.is_finished(&plan, 39 * S));
    assert!(p.is_finished(&plan, 40 * S));
    assert_eq!(next_step(&plan, &mut p, &t, 40 * S), Step::Finish);
}

#[test]
fn a_volume_sliced_hedge_follows_the_venue_volume() {
    let plan = Plan {
        slices: 2,
        horizon_ns: 20 * S,
        child: ChildKind::Ioc,
        schedule: Schedule::Volume { participation: 0.1 },
        max_slippage_ticks: 1,
        improve: false,
    };
    let mut p = Parent::new(Side::Sell, 50, 0, 1_000);
    let mut t = touch(100, 101);
    t.volume_lots = 1_004;
    assert_eq!(
        next_step(&plan, &mut p, &t, 0),
        Step::Wait,
        "0.4 lots: nothing yet"
    );
    t.volume_lots = 1_080;
    assert_eq!(
        next_step(&plan, &mut p, &t, S),
        Step::Send(Order::Ioc {
            limit_ticks: 100,
            lots: 8
        })
    );
    p.filled_lots = 8;
    t.volume_lots = 1_200;
    // the slice has sent its aggressive child: the next one waits for slice 2
    assert_eq!(next_step(&plan, &mut p, &t, 5 * S), Step::Wait);
    assert_eq!(
        next_step(&plan, &mut p, &t, 10 * S),
        Step::Send(Order::Ioc {
            limit_ticks: 100,
            lots: 12
        })
    );
    p.filled_lots = 20;
    assert_eq!(next_step(&plan, &mut p, &t, 20 * S), Step::Finish);
    assert_eq!(
        p.remaining_lots(),
        30,
        "a participation hedge may end short"
    );
}

#[test]
fn a_sliced_hedge_with_passive_children_escalates_each_slice_at_its_end() {
    let plan = Plan {
        slices: 2,
        horizon_ns: 20 * S,
        child: ChildKind::Passive,
        schedule: Schedule::Clock,
        max_slippage_ticks: 3,
        improve: false,
    };
    let mut p = Parent::new(Side::Buy, 10, 0, 0);
    let t = touch(100, 102);
    assert_eq!(
        next_step(&plan, &mut p, &t, 0),
        Step::Send(Order::Post {
            price_ticks: 100,
            lots: 5
        })
    );
    p.child = Child::Resting(100);
    p.filled_lots = 2;
    assert_eq!(
        next_step(&plan, &mut p, &t, 10 * S),
        Step::Replace(Order::Ioc {
            limit_ticks: 104,
            lots: 8
        }),
        "the exchange caps a replace at the child's 3 lots left"
    );
    p.child = Child::None;
    p.filled_lots = 5;
    assert_eq!(
        next_step(&plan, &mut p, &t, 10 * S + 1),
        Step::Send(Order::Post {
            price_ticks: 100,
            lots: 5
        }),
        "the second slice starts at once"
    );
}

/// Random venues: whatever fills, refusals and answers come, a parent never has more than
/// one child, never asks for more than it still wants, and finishes by its horizon's end
/// (plus one look), with its fills never above its size.
#[test]
fn any_venue_behaviour_keeps_a_parent_within_its_size_and_horizon() {
    use crate::rng::{Purpose, below, stream, uniform};
    let mut rng = stream(3, Purpose::Noise, 0, 0);
    for case in 0..400 {
        let child = [ChildKind::Market, ChildKind::Ioc, ChildKind::Passive][case % 3];
        let plan = Plan {
            slices: 1 + below(&mut rng, 5) as u32,
            horizon_ns: below(&mut rng, 60) * S,
            child,
            schedule: if case % 2 == 0 {
                Schedule::Clock
            } else {
                Schedule::Volume {
                    participation: 0.05 + 0.9 * uniform(&mut rng),
                }
            },
            max_slippage_ticks: below(&mut rng, 4) as u32,
            improve: case % 5 == 0,
        };
        let side = if case % 4 < 2 { Side::Buy } else { Side::Sell };
        let mut p = Parent::new(side, 1 + below(&mut rng, 40), 0, 0);
        let look = S / 2;
        let mut now = 0;
        let mut t = touch(100, 102);
        // what the venue holds of the working child: lots left
        let mut working: u64 = 0;
        let mut finished = false;
        while now <= plan.horizon_ns + 2 * look {
            t.volume_lots += below(&mut rng, 20);
            let mid = 100 + below(&mut rng, 6) as i64;
            t.best_bid = Some(mid);
            t.best_ask = Some(mid + 1 + below(&mut rng, 3) as i64);
            t.mid_ticks = (t.best_bid.unwrap() + t.best_ask.unwrap()) as f64 / 2.0;
            // the venue fills part of a resting child between looks
            if let Child::Resting(_) = p.child {
                let f = below(&mut rng, working + 1);
                working -= f;
                p.filled_lots += f;
                if working == 0 {
                    p.child = Child::None;
                }
            }
            let before = p.child;
            match next_step(&plan, &mut p, &t, now) {
                Step::Finish => {
                    assert_eq!(p.child, Child::None);
                    finished = true;
                    break;
                }
                Step::Wait => {}
                Step::Send(o) | Step::Replace(o) => {
                    let (lots, resting) = match o {
                        Order::Market(l) => (l, false),
                        Order::Ioc { lots, .. } => (lots, false),
                        Order::Post { lots, .. } => (lots, true),
                    };
                    assert!(lots >= 1 && lots <= p.remaining_lots(), "{o:?} {p:?}");
                    let lots = if matches!(before, Child::Resting(_)) {
                        // a replace: the exchange caps it at what the child has left
                        lots.min(working)
                    } else {
                        assert_eq!(before, Child::None, "one child at a time");
                        lots
                    };
                    // the answer: aggressive orders fill part and are done; posts may be
                    // refused or rest
                    if resting && below(&mut rng, 4) > 0 {
                        working = lots;
                        p.child = Child::Resting(match o {
                            Order::Post { price_ticks, .. } => price_ticks,
                            _ => unreachable!(),
                        });
                    } else {
                        if !resting {
                            p.filled_lots += below(&mut rng, lots + 1);
                        }
                        working = 0;
                        p.child = Child::None;
                    }
                }
            }
            assert!(p.filled_lots <= p.wanted_lots, "{p:?}");
            now += look;
        }
        assert!(finished, "case {case}: {plan:?} {p:?} at {now}");
    }
}
