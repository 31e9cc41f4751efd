//! Scheduled shocks and what they do, end to end: `informed_shock.toml` against its control
//! `calm.toml`, and `calm.toml` with a volatility and a liquidity shock added. Before a shock
//! starts the runs are identical; after it, the fundamental jumps by its size, informed
//! traders trade more during their burst, makers withdraw (none do in `calm.toml`), and
//! volatility and liquidity shocks move the value's variance and the book's orders.

mod common;

use common::{int, mean, num, rows, run_ok};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

type Row = BTreeMap<String, String>;

fn shipped(name: &str) -> String {
    fs::read_to_string(format!(
        "{}/scenarios/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn run(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let file = dir.join(format!("{name}.toml"));
    fs::write(&file, text).unwrap();
    let out = dir.join(name);
    run_ok(&file, &out);
    out
}

fn before(rows: &[Row], t: f64) -> Vec<&Row> {
    rows.iter().filter(|r| num(r, "t_s").unwrap() < t).collect()
}

#[test]
fn an_informed_shock_makes_makers_withdraw_and_the_calm_control_has_none() {
    let tmp = tempfile::tempdir().unwrap();
    let calm = run(tmp.path(), "calm", &shipped("calm"));
    let shock = run(tmp.path(), "shock", &shipped("informed_shock"));

    // identical until the shocks start at 600 s
    let (calm_book, shock_book) = (rows(&calm.join("book.csv")), rows(&shock.join("book.csv")));
    assert_eq!(before(&calm_book, 600.0), before(&shock_book, 600.0));
    let (calm_trades, shock_trades) = (
        rows(&calm.join("trades.csv")),
        rows(&shock.join("trades.csv")),
    );
    assert_eq!(before(&calm_trades, 600.0), before(&shock_trades, 600.0));

    // the shocks' events: both start at 600 s, the burst ends at 720 s
    let events = rows(&shock.join("events.csv"));
    let shock_events: Vec<_> = events
        .iter()
        .filter(|e| e["kind"].starts_with("shock_"))
        .map(|e| {
            (
                e["kind"].as_str(),
                e["trigger"].as_str(),
                num(e, "t_s").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shock_events,
        [
            ("shock_start", "fundamental_jump", 600.0),
            ("shock_start", "informed_burst", 600.0),
            ("shock_end", "informed_burst", 720.0)
        ]
    );
    // the value jumped by 60 ticks (0.60) in the step that starts at 600 s: between the
    // samples at 600 s and 601 s (book.csv samples the value at each step's end)
    let f = |t: f64| {
        num(
            shock_book
                .iter()
                .find(|r| num(r, "t_s").unwrap() == t)
                .unwrap(),
            "fundamental",
        )
        .unwrap()
    };
    let jump = f(601.0) - f(600.0);
    assert!((jump + 0.60).abs() < 0.1, "jump {jump}");

    // informed traders trade more during their burst than before it, and than in the
    // control (their position limits cap how much more)
    let informed_lots = |trades: &[Row], from: f64, to: f64| -> i64 {
        trades
            .iter()
            .filter(|t| (from..to).contains(&num(t, "t_s").unwrap()))
            .filter(|t| t["buyer_kind"] == "informed" || t["seller_kind"] == "informed")
            .map(|t| int(t, "qty_lots"))
            .sum()
    };
    let (pre, during, control) = (
        informed_lots(&shock_trades, 480.0, 600.0),
        informed_lots(&shock_trades, 600.0, 720.0),
        informed_lots(&calm_trades, 600.0, 720.0),
    );
    assert!(
        during > pre && during > control,
        "informed lots {pre} before, {during} during, {control} in the control"
    );

    // makers withdraw after the shock, never before it, and never in the control
    let withdrawals: Vec<f64> = events
        .iter()
        .filter(|e| e["to"] == "withdrawn")
        .map(|e| num(e, "t_s").unwrap())
        .collect();
    assert!(!withdrawals.is_empty());
    assert!(withdrawals.iter().all(|&t| t >= 600.0), "{withdrawals:?}");
    let calm_events = rows(&calm.join("events.csv"));
    assert!(calm_events.iter().all(|e| e["to"] != "withdrawn"));
    let summary = &rows(&calm.join("summary.csv"))[0];
    assert_eq!(num(summary, "mm_withdrawn_fraction"), Some(0.0));
}

#[test]
fn calm_has_no_withdrawal_over_seeds() {
    let tmp = tempfile::tempdir().unwrap();
    let text = shipped("calm");
    for seed in [1, 2, 3] {
        let t = text.replacen("seed = 42 ", &format!("seed = {seed} "), 1);
        assert_ne!(t, text);
        let out = run(tmp.path(), &format!("calm{seed}"), &t);
        let events = rows(&out.join("events.csv"));
        assert!(
            events.iter().all(|e| e["to"] != "withdrawn"),
            "seed {seed}: a maker withdrew"
        );
    }
}

#[test]
fn volatility_and_liquidity_shocks_move_the_value_and_the_book() {
    let tmp = tempfile::tempdir().unwrap();
    let text = shipped("calm").replace(
        "[output]",
        "[[shocks]]\nkind = \"volatility\"\nstart_s = 300.0\nduration_s = 100.0\nfactor = 10.0\n\n\
         [[shocks]]\nkind = \"noise_liquidity\"\nstart_s = 700.0\nduration_s = 100.0\n\
         group = \"zi\"\nfactor = 0.1\n\n[output]",
    );
    let out = run(tmp.path(), "vol", &text);
    let book = rows(&out.join("book.csv"));
    let sd = |from: f64, to: f64| {
        let v: Vec<f64> = book
            .iter()
            .filter(|r| (from..to).contains(&num(r, "t_s").unwrap()))
            .map(|r| num(r, "fundamental").unwrap())
            .collect();
        let d: Vec<f64> = v.windows(2).map(|w| w[1] - w[0]).collect();
        let m = d.iter().sum::<f64>() / d.len() as f64;
        (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / d.len() as f64).sqrt()
    };
    let (calm_sd, shocked_sd) = (sd(200.0, 300.0), sd(301.0, 400.0));
    assert!(
        shocked_sd > 5.0 * calm_sd,
        "sd of 1-s changes {calm_sd} before, {shocked_sd} during"
    );
    let orders_before = mean(&book, "resting_orders", 600.0, 700.0);
    let orders_during = mean(&book, "resting_orders", 740.0, 800.0);
    assert!(
        orders_during < 0.6 * orders_before,
        "resting orders {orders_before} before, {orders_during} during"
    );
    let kinds: Vec<String> = rows(&out.join("events.csv"))
        .iter()
        .filter(|e| e["kind"].starts_with("shock_"))
        .map(|e| format!("{} {}", e["kind"], e["trigger"]))
        .collect();
    assert_eq!(
        kinds,
        [
            "shock_start volatility",
            "shock_end volatility",
            "shock_start noise_liquidity",
            "shock_end noise_liquidity"
        ]
    );
}

/// A cut of a maker group's position limit makes its makers withdraw on inventory while the
/// cut lasts (none do in calm.toml), and nothing differs before it starts; a latency stretch
/// changes the run only from its start.
#[test]
fn limit_cuts_and_latency_stretches_act_from_their_start() {
    let tmp = tempfile::tempdir().unwrap();
    let calm = run(tmp.path(), "calm", &shipped("calm"));
    let calm_trades = rows(&calm.join("trades.csv"));
    let with = |shock: &str| {
        shipped("calm").replace("[output]", &format!("[[shocks]]\n{shock}\n\n[output]"))
    };
    let cut = run(
        tmp.path(),
        "cut",
        &with(
            "kind = \"maker_limit\"\nstart_s = 300.0\nduration_s = 300.0\ngroup = \"as\"\nfactor = 0.05",
        ),
    );
    let cut_trades = rows(&cut.join("trades.csv"));
    assert_eq!(before(&calm_trades, 300.0), before(&cut_trades, 300.0));
    let events = rows(&cut.join("events.csv"));
    let inventory_exits: Vec<&Row> = events
        .iter()
        .filter(|e| e["to"] == "withdrawn" && e["trigger"] == "inventory")
        .collect();
    assert!(
        !inventory_exits.is_empty(),
        "a limit of 5 lots: makers withdraw on inventory"
    );
    assert!(
        inventory_exits
            .iter()
            .all(|e| num(e, "t_s").unwrap() >= 300.0)
    );
    // the makers of "as" get 1 ms of latency, stretched 500 times for five minutes
    let delayed = |text: String| {
        let i = text.find("markout_horizon_s = 5.0      # fills are scored by the mid this much later\nlatency_s = 0.0").unwrap();
        let mut t = text.clone();
        t.replace_range(
            i..text.len(),
            &text[i..].replacen("latency_s = 0.0 ", "latency_s = 0.001", 1),
        );
        t
    };
    let base = run(tmp.path(), "base", &delayed(shipped("calm")));
    let slow = run(
        tmp.path(),
        "slow",
        &delayed(with(
            "kind = \"latency\"\nstart_s = 300.0\nduration_s = 300.0\ngroup = \"as\"\nfactor = 500.0",
        )),
    );
    let (base_trades, slow_trades) = (
        rows(&base.join("trades.csv")),
        rows(&slow.join("trades.csv")),
    );
    assert_ne!(before(&calm_trades, 300.0), before(&base_trades, 300.0));
    assert_eq!(before(&base_trades, 300.0), before(&slow_trades, 300.0));
    assert_ne!(before(&base_trades, 600.0), before(&slow_trades, 600.0));
}
