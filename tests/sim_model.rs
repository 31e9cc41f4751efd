//! Model-level tests through the library: the zero-intelligence model's known results, exact
//! behaviour at any step length, and the agents' limits.

use depthsim::engine::Simulation;
use depthsim::lob::{Price, Side};
use depthsim::scenario::{Overrides, Scenario};
use depthsim::sim::components::{Account, Agent, AgentId, AgentKind};
use depthsim::sim::resources::{StepOutcomes, TradeEvent};
use std::path::Path;

fn scenario(text: &str) -> Scenario {
    Scenario::from_toml(text, Path::new("test.toml"), &Overrides::default())
        .expect("valid scenario")
}

fn zi_text(dt_s: f64, duration_s: f64, extra: &str) -> String {
    format!(
        r#"
[run]
seed = 11
duration_s = {duration_s}
dt_s = {dt_s}
[market]
tick_size = 0.01
initial_price = 100.0
[fundamental]
model = "random_walk"
volatility_per_sqrt_s = 0.0
[[noise]]
count = 50
mu_per_s = 0.2
alpha_per_tick_s = 0.5
delta_per_s = 0.05
sigma_lots = 1
window_ticks = 40
{extra}
"#
    )
}

/// Smith, Farmer, Gillemot & Krishnamurthy (2003): far from the mid, where market orders never
/// reach, each price level is an M/M/∞ queue fed at rate α and drained at rate δ per order, so
/// it holds α/δ orders on average (here 0.5 / 0.05 = 10 lots of σ = 1).
#[test]
fn zi_book_far_from_the_mid_holds_alpha_over_delta() {
    let mut sim = Simulation::new(&scenario(&zi_text(0.1, 1500.0, ""))).unwrap();
    let steps_per_s = 10;
    let (mut sum, mut n) = (0.0, 0u64);
    for step in 0..sim.total_steps() {
        sim.step();
        // burn-in of 10 mean lifetimes (200 s), then one sample a second
        if step < 200 * steps_per_s || step % steps_per_s != 0 {
            continue;
        }
        let book = sim.book();
        let (Some(bid), Some(ask)) = (book.best_bid(), book.best_ask()) else {
            continue;
        };
        for d in 10..=25 {
            for price in [bid.0 - d, ask.0 + d] {
                sum += book.level_at(Price(price)).map_or(0, |l| l.qty.0) as f64;
                n += 1;
            }
        }
    }
    let mean = sum / n as f64;
    eprintln!("mean far depth: {mean} lots per tick over {n} level samples");
    assert!(
        (mean - 10.0).abs() < 0.5,
        "mean far depth {mean} lots per tick, expected α/δ = 10"
    );
}

/// Runs `text` to the end and returns `row(trade)` for every trade, in order.
fn trade_tape<T>(text: &str, row: impl Fn(&TradeEvent) -> T) -> Vec<T> {
    let mut sim = Simulation::new(&scenario(text)).unwrap();
    let mut trades = Vec::new();
    for _ in 0..sim.total_steps() {
        sim.step();
        trades.extend(sim.world.resource::<StepOutcomes>().trades.iter().map(&row));
    }
    trades
}

/// The zero-intelligence flow is exact in continuous time: orders arrive at their own times,
/// prices are set on arrival and lifetimes are enforced by the exchange, so the step length
/// changes nothing at all — the trade tapes are identical.
#[test]
fn zi_market_is_identical_at_any_step_length() {
    let tape = |dt: f64| {
        let trades = trade_tape(&zi_text(dt, 300.0, ""), |t| {
            (t.t_ns, t.price_ticks, t.qty_lots, t.maker, t.taker)
        });
        assert!(trades.len() > 30, "the market trades");
        trades
    };
    let reference = tape(0.1);
    assert_eq!(tape(0.01), reference);
    assert_eq!(tape(1.0), reference);
}

/// In Smith, Farmer, Gillemot & Krishnamurthy orders have no owners: a group's `count` only
/// says how its flow is attributed, never what trades. With every policy of self-trade
/// prevention the tape (time, price, size, aggressor) is the same for 1, 10 and 1000 traders.
#[test]
fn zi_trade_tape_does_not_depend_on_the_number_of_traders() {
    for policy in ["cancel_resting", "cancel_incoming", "allow"] {
        let tape = |count: u32| {
            let text = zi_text(0.1, 300.0, "")
                .replace("count = 50", &format!("count = {count}"))
                .replace(
                    "initial_price = 100.0",
                    &format!("initial_price = 100.0\nself_trade = \"{policy}\""),
                );
            trade_tape(&text, |t| (t.t_ns, t.price_ticks, t.qty_lots, t.aggressor))
        };
        let one = tape(1);
        assert!(one.len() > 30, "{policy}: a one-trader ZI market trades");
        assert_eq!(tape(10), one, "{policy}: 10 traders");
        assert_eq!(tape(1000), one, "{policy}: 1000 traders");
    }
}

fn max_abs_inventory_by_kind(text: &str) -> (i64, i64) {
    let mut sim = Simulation::new(&scenario(text)).unwrap();
    let (mut mm, mut inf) = (0i64, 0i64);
    let mut q = sim.world.query::<(&AgentId, &Agent, &Account)>();
    for _ in 0..sim.total_steps() {
        sim.step();
        let risk = &sim.exchange().risk;
        // …and its resting quantities are what the book holds for each agent
        let book = sim.book();
        let mut resting = std::collections::BTreeMap::new();
        for side in [Side::Buy, Side::Sell] {
            for level in book.levels(side) {
                for o in book.orders_at(level.price) {
                    *resting.entry((o.owner.0, side)).or_insert(0u64) += o.qty.0;
                }
            }
        }
        for (id, _, _) in q.iter(&sim.world) {
            for side in [Side::Buy, Side::Sell] {
                let held = resting.get(&(id.0, side)).copied().unwrap_or(0);
                assert_eq!(risk.resting(id.0, side), held, "agent {} {side}", id.0);
            }
        }
        for (id, agent, acct) in q.iter(&sim.world) {
            // the exchange's risk view and the agent's own books agree after settlement
            assert_eq!(risk.position(id.0), acct.inventory_lots, "agent {}", id.0);
            match agent.kind {
                AgentKind::MarketMaker => mm = mm.max(acct.inventory_lots.abs()),
                AgentKind::Informed => inf = inf.max(acct.inventory_lots.abs()),
                AgentKind::Noise | AgentKind::Program => {}
            }
        }
    }
    (mm, inf)
}

/// A small market whose makers and informed traders run into their position limits.
const LIMITS_MARKET: &str = r#"
[run]
seed = 3
duration_s = 120.0
dt_s = 0.05
[market]
tick_size = 0.01
initial_price = 100.0
[fundamental]
model = "random_walk"
volatility_per_sqrt_s = 0.2
[[noise]]
count = 10
mu_per_s = 2.0
alpha_per_tick_s = 0.3
delta_per_s = 0.2
sigma_lots = 3
window_ticks = 10
[[informed]]
count = 5
rate_per_s = 10.0
threshold_ticks = 1.0
order_lots = 7
max_position_lots = 40
[[market_maker]]
count = 3
strategy = "fixed"
requote_interval_s = 0.2
half_spread_ticks = 1.0
levels = 4
lots_per_level = 6
max_position_lots = 15
"#;

/// A strongly trending value and aggressive informed traders push the market makers to their
/// limits; neither kind may ever hold more than its limit, at any step. Along the way, the
/// exchange's risk view (positions, resting lots per side) must agree with the agents' accounts
/// and with the book after every step.
#[test]
fn market_makers_and_informed_traders_never_breach_their_position_limits() {
    let text = LIMITS_MARKET;
    let (mm, inf) = max_abs_inventory_by_kind(text);
    assert!(mm <= 15, "a market maker reached |inventory| {mm} > 15");
    assert!(
        inf <= 40,
        "an informed trader reached |inventory| {inf} > 40"
    );
    assert!(
        mm >= 10,
        "the test should push makers near their limit (max seen {mm})"
    );
    assert!(
        inf >= 30,
        "the test should push informed traders near their limit (max seen {inf})"
    );
}

/// The same market under a hair-trigger halt rule: the book halts over and over, orders
/// pile up and are processed at each reopening, and the exchange's risk view, the agents'
/// accounts, the book and the position limits still agree after every step.
#[test]
fn halts_keep_the_exchange_and_the_agents_consistent() {
    let with_halt = LIMITS_MARKET.replace(
        "initial_price = 100.0\n",
        "initial_price = 100.0\n[market.halt]\nmove_ticks = 3\nwindow_s = 2.0\npause_s = 1.0\n",
    );
    assert_ne!(with_halt, LIMITS_MARKET);
    let text = with_halt.as_str();
    let (mm, inf) = max_abs_inventory_by_kind(text);
    assert!(mm <= 15 && inf <= 40, "limits breached: {mm}, {inf}");
    let mut sim = Simulation::new(&scenario(text)).unwrap();
    for _ in 0..sim.total_steps() {
        sim.step();
    }
    let ex = sim.exchange();
    assert!(
        ex.halts >= 10,
        "the rule should fire often: {} halts",
        ex.halts
    );
    ex.book.check_invariants().unwrap();
}

/// Informed traders earn from market makers (adverse selection): over a long enough run with a
/// moving value, informed PnL is positive and the makers' markouts are negative.
#[test]
fn informed_flow_is_toxic_for_market_makers() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tiny.toml"))
        .unwrap();
    // a value that moves fast (5 ticks/√s) against informed traders that see it exactly
    let text = text
        .replace("duration_s = 60.0", "duration_s = 600.0")
        .replace(
            "volatility_per_sqrt_s = 0.0004",
            "volatility_per_sqrt_s = 0.001",
        );
    let mut sim = Simulation::new(&scenario(&text)).unwrap();
    for _ in 0..sim.total_steps() {
        sim.step();
    }
    let summary = depthsim::record::summary::summarize(&mut sim.world, &scenario(&text));
    assert!(summary.pnl_informed > 0.0, "{summary:?}");
    assert!(summary.mm_markout_per_lot.unwrap() < 0.0, "{summary:?}");
}

/// Runs `text` and returns the informed traders' mean |position| over the steps in which the
/// mid is within `band_ticks` of the value (the mispricing is gone), and their round-trip lots
/// (lots traded − |final position|).
fn informed_position_once_priced(text: &str, band_ticks: f64) -> (f64, i64) {
    let s = scenario(text);
    let tick = s.books[0].tick_size;
    let mut sim = Simulation::new(&s).unwrap();
    let mut q = sim.world.query::<(&Agent, &Account)>();
    let (mut sum, mut n) = (0i64, 0u64);
    for _ in 0..sim.total_steps() {
        sim.step();
        let value = sim
            .world
            .resource::<depthsim::market::fundamental::Fundamental>()
            .end_value
            / tick;
        let Some(mid) = sim.book().mid_ticks() else {
            continue;
        };
        if (value - mid).abs() >= band_ticks {
            continue;
        }
        for (agent, acct) in q.iter(&sim.world) {
            if agent.kind == AgentKind::Informed {
                sum += acct.inventory_lots.abs();
                n += 1;
            }
        }
    }
    let round_trips = q
        .iter(&sim.world)
        .filter(|(a, _)| a.kind == AgentKind::Informed)
        .map(|(_, acct)| acct.volume_lots as i64 - acct.inventory_lots.abs())
        .sum();
    assert!(
        n > 1000,
        "the price should often be near the value ({n} samples)"
    );
    (sum as f64 / n as f64, round_trips)
}

/// The target-position rule unwinds. The value jumps now and then and stays put in between;
/// informed traders push the price to it. Once the mispricing is gone, traders under the
/// threshold rule still hold what they bought, while traders under the target rule have sold
/// it back (their target is 0 inside the threshold band).
#[test]
fn informed_target_position_rule_unwinds_as_the_price_converges() {
    let text = |rule: &str| {
        format!(
            r#"
[run]
seed = 5
duration_s = 1200.0
dt_s = 0.05
[market]
tick_size = 0.01
initial_price = 100.0
[fundamental]
model = "random_walk"
volatility_per_sqrt_s = 0.0
jump_rate_per_s = 0.02
jump_sd = 0.15
[[noise]]
count = 10
mu_per_s = 1.0
alpha_per_tick_s = 0.3
delta_per_s = 0.1
sigma_lots = 1
window_ticks = 10
[[informed]]
count = 4
rate_per_s = 2.0
threshold_ticks = 2.0
order_lots = 2
max_position_lots = 40
{rule}
"#
        )
    };
    let (held_threshold, rt_threshold) =
        informed_position_once_priced(&text("rule = \"threshold\""), 2.0);
    let (held_target, rt_target) = informed_position_once_priced(
        &text("rule = \"target_position\"\ntarget_lots_per_tick = 2.0"),
        2.0,
    );
    eprintln!(
        "mean |position| once priced, round-trip lots: threshold {held_threshold:.2} \
         {rt_threshold}; target {held_target:.2} {rt_target}"
    );
    assert!(
        held_threshold > 5.0,
        "the threshold rule keeps its positions: {held_threshold}"
    );
    assert!(
        held_target < 0.25 * held_threshold,
        "the target rule should have unwound: {held_target} vs {held_threshold}"
    );
    assert!(
        rt_target > rt_threshold,
        "and traded round trips to do so: {rt_target} vs {rt_threshold}"
    );
}
