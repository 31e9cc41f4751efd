//! Makers' withdrawal: `adverse_selection.toml` (the toxic market that was the baseline) with a withdrawal table on its Avellaneda–Stoikov
//! makers (toxicity withdraws; inventory and volatility widen). Informed traders pick the
//! makers off, their markouts turn toxic and they widen, withdraw, cool down and come back;
//! events.csv carries every change with its trigger, agents.csv the state, book.csv how many
//! makers quote, and depth is thinner while makers are out.

mod common;

use common::{assert_same_files, int, num, rows, run_ok};
use std::collections::BTreeMap;
use std::fs;

const TABLE: &str = "
[market_maker.withdrawal]
min_time_in_state_s = 5.0
cooldown_s = 30.0
inventory = { widen = 0.5, withdraw = 0.8, exit = 0.3 }
toxicity = { widen = 1.0, withdraw = 3.0, exit = 0.5 }
volatility = { widen = 1.5, exit = 1.2 }
";

fn scenario() -> String {
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/adverse_selection.toml"
    ))
    .unwrap();
    let anchor = "markout_horizon_s = 5.0      # fills are scored by the mid this much later\n\
                  latency_s = 0.0              # decision-to-exchange delay, s\n";
    assert!(text.contains(anchor));
    text.replacen(anchor, &format!("{anchor}{TABLE}"), 1)
        .replace("duration_s = 3600.0 ", "duration_s = 900.0 ")
}

#[test]
fn makers_withdraw_on_their_triggers_and_the_book_thins_while_they_are_out() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("w.toml");
    fs::write(&file, scenario()).unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_ok(&file, &a);
    run_ok(&file, &b);
    assert_same_files(
        &a,
        &b,
        &[
            "events.csv",
            "episodes.csv",
            "book.csv",
            "agents.csv",
            "trades.csv",
            "summary.csv",
        ],
    );

    // every state change names its trigger, value and level, and follows the state machine
    let events = rows(&a.join("events.csv"));
    let changes: Vec<_> = events
        .iter()
        .filter(|e| e["kind"] == "state_change")
        .collect();
    assert!(!changes.is_empty(), "no maker changed state");
    let mut state: BTreeMap<String, String> = BTreeMap::new();
    let mut last_t: BTreeMap<String, f64> = BTreeMap::new();
    let allowed = [
        ("quoting", "widened"),
        ("quoting", "withdrawn"),
        ("widened", "withdrawn"),
        ("widened", "quoting"),
        ("withdrawn", "cooldown"),
        ("cooldown", "withdrawn"),
        ("cooldown", "quoting"),
    ];
    for e in &changes {
        let agent = e["agent_id"].clone();
        let from = state.get(&agent).map_or("quoting", String::as_str);
        assert_eq!(e["from"], from, "{e:?}");
        assert!(
            allowed.contains(&(e["from"].as_str(), e["to"].as_str())),
            "{e:?}"
        );
        assert!(!e["trigger"].is_empty(), "{e:?}");
        let (value, level) = (num(e, "value").unwrap(), num(e, "threshold").unwrap());
        match (e["from"].as_str(), e["to"].as_str(), e["trigger"].as_str()) {
            (_, _, "cooldown") => assert!(value >= level, "{e:?}"),
            (_, "quoting" | "cooldown", _) => assert!(value < level, "an exit: {e:?}"),
            _ => assert!(value >= level, "an entry: {e:?}"),
        }
        // the minimum time in state (5 s) between two changes of one maker
        let t = num(e, "t_s").unwrap();
        if let Some(t0) = last_t.insert(agent.clone(), t) {
            assert!(t - t0 >= 5.0 - 1e-9, "{e:?}");
        }
        state.insert(agent, e["to"].clone());
    }
    // volatility never withdraws a maker here: it has no withdraw level
    assert!(
        changes
            .iter()
            .filter(|e| e["to"] == "withdrawn")
            .all(|e| e["trigger"] != "volatility")
    );
    let withdrawals = changes.iter().filter(|e| e["to"] == "withdrawn").count();
    assert!(withdrawals >= 1, "no maker withdrew");
    let summary = &rows(&a.join("summary.csv"))[0];
    let by_trigger: i64 = [
        "loss",
        "inventory",
        "hedge_failure",
        "drawdown",
        "toxicity",
        "volatility",
    ]
    .iter()
    .map(|t| int(summary, &format!("withdrawals_{t}")))
    .sum();
    assert_eq!(by_trigger, withdrawals as i64);
    let out = num(summary, "mm_withdrawn_fraction").unwrap();
    assert!(out > 0.0 && out < 1.0, "{out}");

    // agents.csv's state is the last change's at or before each sample
    for r in rows(&a.join("agents.csv"))
        .iter()
        .filter(|r| r["kind"] == "market_maker")
    {
        let t = num(r, "t_s").unwrap();
        let last = changes
            .iter()
            .rfind(|e| e["agent_id"] == r["agent_id"] && num(e, "t_s").unwrap() <= t)
            .map_or("quoting", |e| e["to"].as_str());
        assert_eq!(r["state"], last, "{r:?}");
        if r["state"] == "withdrawn" {
            assert_eq!(
                r["quoting"], "none",
                "a withdrawn maker has no quotes: {r:?}"
            );
        }
    }

    // the book is thinner within the first band while fewer makers quote
    let book = rows(&a.join("book.csv"));
    let mean_depth = |makers: i64| {
        let d: Vec<f64> = book
            .iter()
            .filter(|r| int(r, "makers_quoting_bid") == makers)
            .map(|r| num(r, "depth_bid_5t_lots").unwrap())
            .collect();
        (d.len(), d.iter().sum::<f64>() / d.len().max(1) as f64)
    };
    let (n_all, all_in) = mean_depth(4);
    let (n_few, few) = mean_depth(1);
    assert!(n_all > 10 && n_few > 10, "{n_all} {n_few}");
    assert!(
        few < all_in,
        "depth {few} with one maker quoting vs {all_in} with four"
    );
}
