//! Hedging makers: the shipped scenario `hedge_in_thin_book` (shortened) has makers that
//! quote a busy book and hedge their inventory in a thin one. Their hedges show in
//! hedges.csv and in the thin book's trades, cost slippage, sometimes fail, add up in
//! summary.csv, and the run reproduces byte for byte (run to run, with one or two threads).

mod common;

use common::{assert_same_files, int, num, rows, run_ok, run_ok_with_env};
use std::fs;

fn scenario() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/hedge_in_thin_book.toml"
    );
    let text = fs::read_to_string(path).unwrap();
    let long = "duration_s = 600.0 ";
    assert!(text.contains(long));
    text.replace(long, "duration_s = 240.0 ")
}

#[test]
fn makers_hedge_in_the_thin_book_pay_slippage_sometimes_fail_and_reproduce() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("hedge.toml");
    fs::write(&file, scenario()).unwrap();
    // run to run, and with one or two worker threads allowed: the same bytes
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_ok_with_env(&file, &a, &[("RAYON_NUM_THREADS", "1")]);
    run_ok_with_env(&file, &b, &[("RAYON_NUM_THREADS", "2")]);
    assert_same_files(
        &a,
        &b,
        &[
            "hedges.csv",
            "trades.csv",
            "book.csv",
            "quotes.csv",
            "agents.csv",
            "summary.csv",
        ],
    );

    let hedges = rows(&a.join("hedges.csv"));
    assert!(hedges.len() >= 10, "only {} hedges", hedges.len());
    let mut filled_total = 0;
    for h in &hedges {
        assert_eq!(h["venue"], "thin");
        let (net, wanted, filled) = (
            int(h, "net_delta_lots"),
            int(h, "wanted_lots"),
            int(h, "filled_lots"),
        );
        assert!(net.abs() > 4, "hedged inside the band: {h:?}");
        assert_eq!(net + wanted, 0, "trades back to the target 0: {h:?}");
        assert!(
            filled * wanted >= 0 && filled.abs() <= wanted.abs(),
            "{h:?}"
        );
        assert_eq!(int(h, "unfilled_lots"), wanted - filled, "{h:?}");
        assert_eq!(h["avg_fill_price"].is_empty(), filled == 0, "{h:?}");
        if filled != 0 {
            // an IOC never fills beyond its limit: the decision mid ± 3 ticks
            let slip: f64 = h["slippage_ticks"].parse().unwrap();
            assert!(slip <= 3.0, "{h:?}");
            let per_lot: f64 = h["slippage"].parse().unwrap();
            assert!((per_lot - slip * 0.01).abs() < 1e-9, "{h:?}");
        }
        filled_total += filled.abs();
    }
    assert!(
        hedges
            .iter()
            .any(|h| !h["slippage_ticks"].is_empty() && h["slippage_ticks"] != "0.0"),
        "no hedge paid or gained against the mid"
    );
    assert!(
        hedges.iter().any(|h| int(h, "unfilled_lots") != 0),
        "every hedge filled in full"
    );

    // the thin book's trades taken by the makers are exactly the hedges' fills
    let trades = rows(&a.join("trades.csv"));
    let taken: i64 = trades
        .iter()
        .filter(|t| t["book"] == "thin")
        .filter(|t| {
            let taker = if t["aggressor"] == "buy" {
                "buyer_kind"
            } else {
                "seller_kind"
            };
            t[taker] == "market_maker"
        })
        .map(|t| int(t, "qty_lots"))
        .sum();
    assert!(taken > 0, "no maker hedge traded in the thin book");
    assert_eq!(taken, filled_total);

    // summary.csv's hedge statistics are hedges.csv's
    let summary = &rows(&a.join("summary.csv"))[0];
    assert_eq!(int(summary, "hedges"), hedges.len() as i64);
    let failed = hedges
        .iter()
        .filter(|h| int(h, "unfilled_lots") != 0)
        .count();
    assert!(failed >= 1);
    assert_eq!(int(summary, "hedges_failed"), failed as i64);
    assert_eq!(int(summary, "hedge_lots"), filled_total);
    let unfilled: i64 = hedges.iter().map(|h| int(h, "unfilled_lots").abs()).sum();
    assert_eq!(int(summary, "hedge_unfilled_lots"), unfilled);
    let cost: f64 = hedges
        .iter()
        .filter(|h| int(h, "filled_lots") != 0)
        .map(|h| num(h, "slippage_ticks").unwrap() * int(h, "filled_lots").abs() as f64)
        .sum();
    let mean = num(summary, "hedge_mean_slippage_ticks").unwrap();
    assert!((mean - cost / filled_total as f64).abs() < 1e-9, "{mean}");
}

/// Market-order hedges in the maker's own book (`tiny.toml` with a hedge table): they trade
/// back to the target, fill in full against a two-sided book, and the maker's own quotes they
/// would cross are cancelled by the self-trade policy rather than traded with. (Noise traders
/// are anonymous to self-trade prevention by design, so only makers are checked.)
#[test]
fn market_hedges_in_the_own_book_fill_and_never_trade_with_the_maker_itself() {
    let tiny =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tiny.toml")).unwrap();
    let line = "max_position_lots = 30       # inventory limit\n";
    assert!(tiny.contains(line));
    let text = tiny.replace(
        line,
        &format!("{line}\n[market_maker.hedge]\nband_lots = 2\nstyle = \"market\"\n"),
    );
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("own.toml");
    fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    run_ok(&file, &out);
    let hedges = rows(&out.join("hedges.csv"));
    assert!(!hedges.is_empty(), "no hedge");
    for h in &hedges {
        assert_eq!(h["venue"], "main");
        let (net, wanted) = (int(h, "net_delta_lots"), int(h, "wanted_lots"));
        assert!(net.abs() > 2 && net + wanted == 0, "{h:?}");
    }
    assert!(
        hedges.iter().any(|h| int(h, "filled_lots") != 0),
        "no market hedge filled"
    );
    let trades = rows(&out.join("trades.csv"));
    assert!(
        trades
            .iter()
            .filter(|t| t["buyer_kind"] == "market_maker")
            .all(|t| t["buyer_id"] != t["seller_id"]),
        "a maker traded with itself"
    );
}

/// Resting hedges (issue 17): `hedge_in_thin_book` with passive and with sliced hedges. A
/// hedge's fills split into the lots it filled resting and taking; every lot the makers
/// traded in the thin book (where they do not quote) up to a maker's last finished hedge is
/// one of its finished hedges' lots, resting ones as the book's resting side; hedges do fill
/// resting (passive ones sometimes at or inside their arrival mid) and finish within their
/// wait or horizon plus one look; and the runs reproduce byte for byte.
#[test]
fn passive_and_sliced_hedges_rest_in_the_book_and_account_for_every_lot() {
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario().replace("style = \"ioc\"", "style = \"passive\"\nmax_wait_s = 2.0");
    let sliced = scenario().replace(
        "style = \"ioc\"",
        "style = \"sliced\"\nhorizon_s = 4.0\nslices = 4",
    );
    for (name, text, max_done_s) in [("passive", base, 2.0 + 0.1), ("sliced", sliced, 4.0 + 0.1)] {
        let file = tmp.path().join(format!("{name}.toml"));
        fs::write(&file, text).unwrap();
        let (a, b) = (tmp.path().join(name), tmp.path().join(format!("{name}2")));
        run_ok(&file, &a);
        run_ok(&file, &b);
        assert_same_files(&a, &b, &["hedges.csv", "trades.csv", "agents.csv"]);
        let hedges = rows(&a.join("hedges.csv"));
        assert!(hedges.len() >= 10, "{name}: only {} hedges", hedges.len());
        let trades = rows(&a.join("trades.csv"));
        let mut resting_total = 0;
        for maker in ["0", "1"] {
            let mine: Vec<_> = hedges.iter().filter(|h| h["agent_id"] == maker).collect();
            let mut last_done = 0.0f64;
            let (mut passive, mut aggressive) = (0, 0);
            for h in &mine {
                assert_eq!(h["style"], name);
                let filled = int(h, "filled_lots").abs();
                let (p, g) = (int(h, "passive_lots"), int(h, "aggressive_lots"));
                assert_eq!(p + g, filled, "{h:?}");
                assert!(int(h, "children") >= 1, "{h:?}");
                let done = num(h, "time_to_complete_s").unwrap();
                assert!((0.0..=max_done_s + 1e-9).contains(&done), "{name}: {h:?}");
                last_done = last_done.max(num(h, "t_s").unwrap() + done);
                passive += p;
                aggressive += g;
            }
            // the maker's lots in the thin book up to its last finished hedge
            let traded = |resting: bool| -> i64 {
                trades
                    .iter()
                    .filter(|t| t["book"] == "thin" && num(t, "t_s").unwrap() <= last_done + 1e-9)
                    .filter(|t| {
                        let buyer_rests = t["aggressor"] == "sell";
                        let id = if buyer_rests == resting {
                            "buyer_id"
                        } else {
                            "seller_id"
                        };
                        t[id] == maker
                    })
                    .map(|t| int(t, "qty_lots"))
                    .sum()
            };
            assert_eq!(traded(true), passive, "{name} maker {maker}: resting lots");
            assert_eq!(
                traded(false),
                aggressive,
                "{name} maker {maker}: taking lots"
            );
            resting_total += passive;
        }
        assert!(resting_total > 0, "{name}: no hedge ever filled resting");
        // a passive hedge filled resting in full sits at the touch or inside the mid when it
        // rests: some gain against their arrival mid
        if name == "passive" {
            assert!(
                hedges
                    .iter()
                    .any(|h| num(h, "slippage_ticks").is_some_and(|s| s <= 0.0)),
                "{name}: no hedge filled at or inside the arrival mid"
            );
        }
    }
}
