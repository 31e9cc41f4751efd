//! Several books: a scenario with `[[book]]` tables runs each as its own exchange, its agents
//! trading the book their group names, and every output says which book a row is about.

mod common;

use common::{assert_same_files, run_ok};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// A busy book and a thin one (coarser tick, a basis over the fundamental), each with a noise
/// group and a maker group; informed traders on the thin book.
const TWO_BOOKS: &str = r#"
[run]
seed = 3
duration_s = 30.0
dt_s = 0.01

[[book]]
name = "busy"
tick_size = 0.01
initial_price = 50.00

[[book]]
name = "thin"
tick_size = 0.05
lot_size = 10
initial_price = 50.50
basis = 0.5

[fundamental]
model = "gbm"
volatility_per_sqrt_s = 0.0004

[[noise]]
count = 20
mu_per_s = 1.0
alpha_per_tick_s = 0.4
delta_per_s = 0.2
sigma_lots = 1
window_ticks = 10

[[noise]]
name = "thin_zi"
book = "thin"
count = 5
mu_per_s = 0.2
alpha_per_tick_s = 0.1
delta_per_s = 0.1
sigma_lots = 1
window_ticks = 5

[[informed]]
book = "thin"
count = 1
rate_per_s = 1.0
threshold_ticks = 2.0
order_lots = 1
max_position_lots = 5

[[market_maker]]
book = "busy"
count = 1
strategy = "fixed"
requote_interval_s = 0.1
half_spread_ticks = 2.0
levels = 1
lots_per_level = 2
max_position_lots = 20

[[market_maker]]
name = "thin_mm"
book = "thin"
count = 1
strategy = "fixed"
requote_interval_s = 0.5
half_spread_ticks = 1.0
levels = 1
lots_per_level = 1
max_position_lots = 10

[output]
sample_interval_s = 1.0
depth_bands_ticks = [3]
l2_levels = 2
"#;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(args)
        .output()
        .expect("depthsim runs")
}

/// The values of column `col` of a CSV file (no quoted commas in these files).
fn column(path: &Path, col: &str) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|&h| h == col).expect("column");
    lines
        .map(|l| l.split(',').nth(i).unwrap().to_string())
        .collect()
}

#[test]
fn two_books_trade_write_rows_for_both_and_reproduce_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("two_books.toml");
    fs::write(&file, TWO_BOOKS).unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_ok(&file, &a);
    run_ok(&file, &b);
    assert_same_files(
        &a,
        &b,
        &[
            "book.csv",
            "l2.csv",
            "trades.csv",
            "quotes.csv",
            "agents.csv",
            "summary.csv",
        ],
    );
    // both books trade
    let trades = column(&a.join("trades.csv"), "book");
    for name in ["busy", "thin"] {
        let n = trades.iter().filter(|b| *b == name).count();
        assert!(n > 0, "no trade in book {name}");
    }
    // book.csv: one row per book per sample, in book order (30 samples)
    let books = column(&a.join("book.csv"), "book");
    assert_eq!(books.len(), 60);
    for pair in books.chunks(2) {
        assert_eq!(pair, ["busy", "thin"]);
    }
    // l2.csv and quotes.csv have rows for both books
    for f in ["l2.csv", "quotes.csv"] {
        let col = column(&a.join(f), "book");
        for name in ["busy", "thin"] {
            assert!(col.iter().any(|b| b == name), "{f} has no row of {name}");
        }
    }
    // each book's prices are on its own grid, and its fundamental carries its basis
    let text = fs::read_to_string(a.join("book.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    for pair in rows.chunks(2) {
        let f_busy: f64 = pair[0][9].parse().unwrap();
        let f_thin: f64 = pair[1][9].parse().unwrap();
        assert!((f_thin - f_busy - 0.5).abs() < 1e-9, "{pair:?}");
        if let Ok(bid) = pair[1][2].parse::<f64>() {
            let ticks = bid / 0.05;
            assert!(
                (ticks - ticks.round()).abs() < 1e-6,
                "thin bid {bid} off its grid"
            );
        }
    }
}

fn refused(text: &str, must_mention: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.toml");
    fs::write(&file, text).unwrap();
    for cmd in ["validate", "run"] {
        let o = run(&[cmd, file.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {stderr}");
        for m in must_mention {
            assert!(stderr.contains(m), "{cmd} should mention {m:?}: {stderr}");
        }
    }
}

#[test]
fn an_unknown_book_is_refused_naming_the_key() {
    refused(
        &TWO_BOOKS.replacen("book = \"thin\"", "book = \"thick\"", 1),
        &["noise[1].book", "thick", "busy", "thin"],
    );
}

#[test]
fn books_need_distinct_names_and_exclude_a_market_table() {
    refused(
        &TWO_BOOKS.replace("name = \"thin\"\n", "name = \"busy\"\n"),
        &["book[1].name", "busy"],
    );
    refused(
        &TWO_BOOKS.replacen(
            "[[book]]",
            "[market]\ntick_size = 0.01\ninitial_price = 50.0\n\n[[book]]",
            1,
        ),
        &["[market]"],
    );
}

#[test]
fn a_basis_that_makes_a_book_worth_nothing_is_refused() {
    refused(
        &TWO_BOOKS.replace("basis = 0.5", "basis = -50.0"),
        &["book[1].basis", "positive"],
    );
}
