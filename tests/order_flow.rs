//! Order flow with memory (`[noise.hawkes]`, `[noise.feedback]`): bad keys refused naming the
//! file and key before anything is written; the Hawkes flow keeps the scenario's mean rates
//! and is deterministic; the feedback thins the book when volatility is high; a group with
//! neither runs exactly as before (its flow is the Poisson path, byte for byte).

mod common;

use common::{assert_same_files, num, rows, run_ok};
use depthsim::scenario::{Overrides, Scenario, ScenarioError};
use std::fs;
use std::path::Path;
use std::process::Command;

fn tiny() -> String {
    fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tiny.toml")).unwrap()
}

/// tiny.toml with `tables` after its noise group.
fn with(tables: &str) -> String {
    let anchor = "window_ticks = 10            # W, ticks beyond the opposite best quote\n";
    let t = tiny();
    assert!(t.contains(anchor), "tiny.toml changed");
    t.replacen(anchor, &format!("{anchor}{tables}\n"), 1)
}

fn load(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_toml(text, Path::new("x.toml"), &Overrides::default())
}

#[test]
fn bad_hawkes_and_feedback_keys_are_refused_naming_the_key() {
    let hawkes = |n: &str, b: &str| {
        with(&format!(
            "[noise.hawkes]\nbranching_ratio = {n}\ndecay_per_s = {b}"
        ))
    };
    let feedback = |s: &str, v: &str| {
        with(&format!(
            "[noise.feedback]\nstrength = {s}\nvol_ref_ticks_per_sqrt_s = {v}"
        ))
    };
    for (text, key) in [
        (hawkes("1.0", "0.1"), "noise[0].hawkes.branching_ratio"),
        (hawkes("1.5", "0.1"), "noise[0].hawkes.branching_ratio"),
        (hawkes("-0.1", "0.1"), "noise[0].hawkes.branching_ratio"),
        (hawkes("nan", "0.1"), "noise[0].hawkes.branching_ratio"),
        (hawkes("0.5", "0.0"), "noise[0].hawkes.decay_per_s"),
        (hawkes("0.5", "-1.0"), "noise[0].hawkes.decay_per_s"),
        (hawkes("0.5", "inf"), "noise[0].hawkes.decay_per_s"),
        (feedback("-1.0", "1.0"), "noise[0].feedback.strength"),
        (feedback("51.0", "1.0"), "noise[0].feedback.strength"),
        (feedback("nan", "1.0"), "noise[0].feedback.strength"),
        (
            feedback("1.0", "0.0"),
            "noise[0].feedback.vol_ref_ticks_per_sqrt_s",
        ),
        (with("[noise.hawkes]\nbranching_ratio = 0.5"), "decay_per_s"),
        (
            with(
                "[noise.feedback]\nstrength = 1.0\nvol_ref_ticks_per_sqrt_s = 1.0\nafter_s = -5.0",
            ),
            "noise[0].feedback.after_s",
        ),
        (
            with("[noise.hawkes]\nbranching_ratio = 0.5\ndecay_per_s = 1.0\nkernel = 2"),
            "kernel",
        ),
    ] {
        let e = load(&text).expect_err(key).to_string();
        assert!(e.starts_with("x.toml: "), "names the file: {e}");
        assert!(e.contains(key), "expected {key} in: {e}");
    }
    // market orders are the exciting events: a group without them cannot have Hawkes flow
    let e = load(&hawkes("0.5", "1.0").replace("mu_per_s = 1.0 ", "mu_per_s = 0.0 "))
        .expect_err("no market orders")
        .to_string();
    assert!(
        e.contains("noise[0].hawkes") && e.contains("mu_per_s"),
        "{e}"
    );
    // the edges of the ranges are allowed
    assert!(load(&hawkes("0.0", "1e-3")).is_ok());
    assert!(load(&hawkes("0.999", "100.0")).is_ok());
    assert!(load(&feedback("0.0", "1.0")).is_ok());
    assert!(load(&feedback("50.0", "1.0")).is_ok());
}

#[test]
fn a_bad_key_exits_2_naming_file_and_key_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let base = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");
    for (set, key) in [
        (
            "noise[0].hawkes.branching_ratio=1.0",
            "noise[0].hawkes.branching_ratio",
        ),
        (
            "noise[0].hawkes.decay_per_s=0",
            "noise[0].hawkes.decay_per_s",
        ),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
            .args(["run", base, "--set", set, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{set}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("baseline.toml") && err.contains(key), "{err}");
        assert!(!out.exists(), "nothing is written");
    }
}

/// Runs `text` (as `<dir>/<name>.toml`) into `<dir>/<name><suffix>`.
fn run_text(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    run_twice(dir, name, text, 1).remove(0)
}

/// Runs `text` `times` times from one file, into `<dir>/<name>-<i>`.
fn run_twice(dir: &Path, name: &str, text: &str, times: usize) -> Vec<std::path::PathBuf> {
    let file = dir.join(format!("{name}.toml"));
    fs::write(&file, text).unwrap();
    (0..times)
        .map(|i| {
            let out = dir.join(format!("{name}-{i}"));
            run_ok(&file, &out);
            out
        })
        .collect()
}

/// A zero-intelligence market alone (no informed traders, no makers) with `tables` after
/// its group.
fn zi(tables: &str) -> String {
    format!(
        "[run]\nseed = 3\nduration_s = 600.0\ndt_s = 0.01\n[market]\ntick_size = 0.01\n\
         initial_price = 100.0\nvol_halflife_s = 5.0\n[fundamental]\nmodel = \"random_walk\"\n\
         volatility_per_sqrt_s = 0.0\n[[noise]]\ncount = 10\nmu_per_s = 2.0\n\
         alpha_per_tick_s = 0.5\ndelta_per_s = 0.2\nsigma_lots = 1\nwindow_ticks = 20\n{tables}\n"
    )
}

#[test]
fn hawkes_flow_keeps_the_mean_rates_and_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    // a long run of the zero-intelligence group alone: 4 market orders a second on average
    let text = with("[noise.hawkes]\nbranching_ratio = 0.9\ndecay_per_s = 0.5")
        .replace("duration_s = ", "duration_s = 3000.0 # was ")
        .replace("mu_per_s = 1.0 ", "mu_per_s = 4.0 ");
    let runs = run_twice(tmp.path(), "a", &text, 2);
    let (a, b) = (&runs[0], &runs[1]);
    assert_same_files(a, b, &["book.csv", "trades.csv", "summary.csv"]);
    let s = &rows(&a.join("summary.csv"))[0];
    let duration = num(s, "duration_s").unwrap();
    let market = num(s, "market_orders").unwrap();
    // noise market orders only: the informed traders send IOC limits, the makers limits
    let rate = market / duration;
    // the count's sd over a long run is √(μT)/(1 − n): ± 0.12 a second here
    assert!((rate - 4.0).abs() < 0.4, "market orders per second {rate}");
    let poisson = run_text(
        tmp.path(),
        "p",
        &text.replace("branching_ratio = 0.9", "branching_ratio = 0.0"),
    );
    let sp = &rows(&poisson.join("summary.csv"))[0];
    assert!(
        (num(sp, "market_orders").unwrap() / duration - 4.0).abs() < 0.2,
        "n = 0 is a Poisson flow at μ"
    );
}

#[test]
fn a_strong_feedback_thins_the_book_and_strength_0_changes_nothing_but_the_draws() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = run_text(tmp.path(), "plain", &zi(""));
    // strength 0: the feedback never acts, but the group takes the memory path (its own
    // draws), so compare statistics, not bytes
    let table =
        |s: f64| format!("[noise.feedback]\nstrength = {s:?}\nvol_ref_ticks_per_sqrt_s = 0.2");
    let off = run_text(tmp.path(), "off", &zi(&table(0.0)));
    let strong = run_text(tmp.path(), "strong", &zi(&table(5.0)));
    let s = |d: &Path, c: &str| num(&rows(&d.join("summary.csv"))[0], c).unwrap();
    assert!(
        s(&strong, "limit_orders") < 0.8 * s(&off, "limit_orders"),
        "fewer limit orders: {} against {}",
        s(&strong, "limit_orders"),
        s(&off, "limit_orders")
    );
    assert!(
        s(&strong, "mean_depth_bid_lots") < s(&off, "mean_depth_bid_lots"),
        "a thinner book"
    );
    let ratio = s(&off, "limit_orders") / s(&plain, "limit_orders");
    assert!(
        (ratio - 1.0).abs() < 0.03,
        "strength 0 is the Poisson flow: {ratio}"
    );
    // a scenario without memory keys takes the Poisson path, unchanged: tests/cli.rs compares
    // tiny.toml's files with their golden copies byte for byte
}
