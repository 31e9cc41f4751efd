//! Sell programs, halts and the withdrawal cascade, end to end on the shipped scenarios:
//! `flash_crash.toml` (a percentage-of-volume sell program into inventory-limited makers),
//! `flash_crash_halt.toml` (the same with a volatility halt) and `withdrawal_cascade.toml`,
//! over several seeds each.

mod common;

use common::{assert_same_files, int, mean, num, rows, run_ok};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

type Row = BTreeMap<String, String>;

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"))
}

/// Runs `name` at `seed` into `dir/<name>-<seed>`.
fn run(dir: &Path, name: &str, seed: u64) -> PathBuf {
    let text = fs::read_to_string(shipped(name)).unwrap();
    let text = text.replacen("seed = 42 ", &format!("seed = {seed} "), 1);
    assert!(text.contains(&format!("seed = {seed} ")));
    let file = dir.join(format!("{name}-{seed}.toml"));
    fs::write(&file, text).unwrap();
    let out = dir.join(format!("{name}-{seed}"));
    run_ok(&file, &out);
    out
}

fn withdrawals(events: &[Row]) -> Vec<&Row> {
    events
        .iter()
        .filter(|e| e["kind"] == "state_change" && e["to"] == "withdrawn")
        .collect()
}

/// The program sells all it was asked to at 40 % of the volume (within a percentage
/// point), the price falls at least 2 % below where it stood and recovers part of the fall
/// once the program is done, and makers withdraw, each withdrawal naming its trigger.
#[test]
fn the_sell_program_crashes_the_price_at_its_participation_and_makers_withdraw() {
    let tmp = tempfile::tempdir().unwrap();
    for seed in [1, 2, 42] {
        let out = run(tmp.path(), "flash_crash", seed);
        let s = &rows(&out.join("summary.csv"))[0];
        assert_eq!(int(s, "program_lots"), 4000);
        assert_eq!(int(s, "program_filled_lots"), 4000, "seed {seed}");
        let p = num(s, "program_participation").unwrap();
        assert!((p - 0.40).abs() <= 0.01, "seed {seed}: participation {p}");
        assert_eq!(num(s, "program_target_participation"), Some(0.4));
        let book = rows(&out.join("book.csv"));
        let before = mean(&book, "mid", 540.0, 600.0);
        let trough = book
            .iter()
            .filter(|r| num(r, "t_s").unwrap() >= 600.0)
            .filter_map(|r| num(r, "mid"))
            .fold(f64::INFINITY, f64::min);
        assert!(trough < 0.98 * before, "seed {seed}: {before} → {trough}");
        let events = rows(&out.join("events.csv"));
        let done = events
            .iter()
            .find(|e| e["kind"] == "program_done")
            .expect("the program finishes");
        let done_s = num(done, "t_s").unwrap();
        let last = mean(&book, "mid", 1740.0, 1800.0);
        assert!(
            last > trough + 0.25 * (before - trough),
            "seed {seed}: no rebound: {before} → {trough} → {last}"
        );
        assert!(done_s < 1740.0);
        let w = withdrawals(&events);
        assert!(!w.is_empty(), "seed {seed}: no maker withdrew");
        for e in &w {
            assert!(!e["trigger"].is_empty() && num(e, "value") >= num(e, "threshold"));
        }
        let progress = events
            .iter()
            .filter(|e| e["kind"] == "program_progress")
            .count();
        assert_eq!(progress, 9, "one event per tenth filled, then program_done");
        assert!(num(s, "hot_potato_ratio").unwrap() > 1.0);
    }
}

/// No trade prints while a book is halted: every trade is at or before a halt's start (the
/// order that moved the price completes) or at or after its reopening.
#[test]
fn no_order_trades_during_a_halt() {
    let tmp = tempfile::tempdir().unwrap();
    let mut halts_seen = 0;
    for seed in [1, 42] {
        let out = run(tmp.path(), "flash_crash_halt", seed);
        let events = rows(&out.join("events.csv"));
        let starts: Vec<f64> = events
            .iter()
            .filter(|e| e["kind"] == "halt_start")
            .map(|e| num(e, "t_s").unwrap())
            .collect();
        let ends: Vec<f64> = events
            .iter()
            .filter(|e| e["kind"] == "halt_end")
            .map(|e| num(e, "t_s").unwrap())
            .collect();
        assert!(!starts.is_empty(), "seed {seed}: the halt rule never fired");
        assert!(ends.len() == starts.len() || ends.len() + 1 == starts.len());
        let s = &rows(&out.join("summary.csv"))[0];
        assert_eq!(int(s, "halts") as usize, starts.len());
        let trades = rows(&out.join("trades.csv"));
        for (i, &a) in starts.iter().enumerate() {
            let b = ends.get(i).copied().unwrap_or(f64::INFINITY);
            assert!(
                (b - a - 30.0).abs() < 1e-6 || b.is_infinite(),
                "a 30 s pause"
            );
            let inside = trades
                .iter()
                .filter(|t| {
                    let x = num(t, "t_s").unwrap();
                    x > a && x < b
                })
                .count();
            assert_eq!(inside, 0, "seed {seed}: trades during the halt {a}–{b}");
        }
        halts_seen += starts.len();
    }
    assert!(halts_seen >= 2);
}

/// Makers withdraw in the cascade scenario, not all at the same moment, and depth within
/// the first band is lower while they are out than before the shock.
#[test]
fn cascade_withdrawals_are_staggered_and_thin_the_book() {
    let tmp = tempfile::tempdir().unwrap();
    for seed in [1, 2, 42] {
        let out = run(tmp.path(), "withdrawal_cascade", seed);
        let events = rows(&out.join("events.csv"));
        let mut first: BTreeMap<String, f64> = BTreeMap::new();
        for e in withdrawals(&events) {
            let t = num(e, "t_s").unwrap();
            if t >= 600.0 {
                first.entry(e["agent_id"].clone()).or_insert(t);
            }
        }
        assert!(first.len() >= 2, "seed {seed}: {first:?}");
        let mut times: Vec<f64> = first.values().copied().collect();
        times.sort_by(f64::total_cmp);
        let spread_s = times[times.len() - 1] - times[0];
        assert!(
            spread_s >= 0.1,
            "seed {seed}: exits within one look: {times:?}"
        );
        let book = rows(&out.join("book.csv"));
        let depth =
            |a, b| mean(&book, "depth_bid_5t_lots", a, b) + mean(&book, "depth_ask_5t_lots", a, b);
        let out_from = times[0] + 1.0;
        assert!(
            depth(out_from, out_from + 60.0) < depth(500.0, 600.0),
            "seed {seed}: depth did not fall while makers were out"
        );
    }
}

/// Every new scenario is byte-identical run to run.
#[test]
fn the_new_scenarios_rerun_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["flash_crash_halt", "withdrawal_cascade"] {
        let a = run(tmp.path(), name, 5);
        let b = tmp.path().join(format!("{name}-again"));
        run_ok(&tmp.path().join(format!("{name}-5.toml")), &b);
        assert_same_files(
            &a,
            &b,
            &[
                "book.csv",
                "trades.csv",
                "events.csv",
                "episodes.csv",
                "agents.csv",
                "summary.csv",
            ],
        );
    }
}
