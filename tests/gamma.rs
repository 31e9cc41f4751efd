//! Dealers' gamma feeds back into the market they hedge in: the shipped `short_gamma`,
//! `long_gamma` and `no_gamma` scenarios, each over five seeds. Short-gamma dealers' hedges
//! buy rallies and sell dips and raise the variance of the mid against the control;
//! long-gamma dealers' hedges lean against the moves and lower it. At the hedging horizon
//! (the dealers' minimum interval between hedges, 5 s) the lag-one autocorrelation of mid
//! returns is positive with short gamma (momentum) and negative with long gamma (reversal).
//!
//! The statistics use the mid up to 1500 s: in the straddle's last five minutes its gamma
//! grows without bound and discrete hedging overshoots, which is another effect. Every run
//! also has PnL parts that add up to its PnL at every sample (agents.csv).

mod common;

use common::{num, rows, run_ok};
use std::fs;
use std::path::Path;

const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];
/// The window the statistics use, seconds from the open.
const WINDOW_END_S: f64 = 1500.0;
/// Hedging horizon: the dealers' `hedge.min_interval_s`, seconds (book.csv samples each 1 s).
const HEDGE_HORIZON_S: usize = 5;
/// Horizon of the variance, seconds.
const VARIANCE_HORIZON_S: usize = 30;

/// Variance of the mid's changes over `VARIANCE_HORIZON_S`, and lag-one autocorrelation of
/// its changes over `HEDGE_HORIZON_S`, up to `WINDOW_END_S`.
struct MidStats {
    variance: f64,
    autocorr: f64,
}

fn mid_stats(book_csv: &Path) -> MidStats {
    // A sample with a side empty has no mid: the last one carries (leading ones are dropped).
    let mut last = None;
    let mids: Vec<f64> = rows(book_csv)
        .iter()
        .filter(|r| num(r, "t_s").unwrap() <= WINDOW_END_S)
        .filter_map(|r| {
            last = num(r, "mid").or(last);
            last
        })
        .collect();
    let changes = |h: usize| -> Vec<f64> {
        mids.iter()
            .step_by(h)
            .collect::<Vec<_>>()
            .windows(2)
            .map(|w| w[1] - w[0])
            .collect()
    };
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let long = changes(VARIANCE_HORIZON_S);
    let m = mean(&long);
    let variance = long.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (long.len() - 1) as f64;
    let short = changes(HEDGE_HORIZON_S);
    let (a, b) = (&short[..short.len() - 1], &short[1..]);
    let (ma, mb) = (mean(a), mean(b));
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    MidStats {
        variance,
        autocorr: cov / (va * vb).sqrt(),
    }
}

/// Runs the shipped scenario `name` with `seed` into `dir` and checks that every market
/// maker's PnL parts add up to its PnL at every agents.csv sample.
fn run_seed(name: &str, seed: u64, dir: &Path) -> MidStats {
    let text = fs::read_to_string(format!(
        "{}/scenarios/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("seed = "))
        .expect("a seed line");
    let file = dir.join(format!("{name}_{seed}.toml"));
    fs::write(
        &file,
        text.replacen(line, &format!("seed = {seed}  # the test's"), 1),
    )
    .unwrap();
    let out = dir.join(format!("{name}_{seed}"));
    run_ok(&file, &out);
    for r in rows(&out.join("agents.csv"))
        .iter()
        .filter(|r| r["kind"] == "market_maker")
    {
        let parts: f64 = [
            "pnl_spread",
            "pnl_inventory",
            "pnl_hedging",
            "pnl_option_premium",
            "pnl_option_revaluation",
            "pnl_settlement",
        ]
        .iter()
        .map(|c| num(r, c).unwrap())
        .sum();
        let pnl = num(r, "pnl").unwrap();
        assert!(
            (parts - pnl).abs() <= 1e-9 * pnl.abs().max(1.0),
            "{name} seed {seed}: parts {parts} ≠ pnl {pnl}: {r:?}"
        );
    }
    mid_stats(&out.join("book.csv"))
}

#[test]
fn short_gamma_amplifies_and_long_gamma_dampens_the_mid() {
    let tmp = tempfile::tempdir().unwrap();
    let mean = |name: &str| {
        let s: Vec<MidStats> = SEEDS
            .iter()
            .map(|&seed| run_seed(name, seed, tmp.path()))
            .collect();
        let n = s.len() as f64;
        (
            s.iter().map(|x| x.variance).sum::<f64>() / n,
            s.iter().map(|x| x.autocorr).sum::<f64>() / n,
        )
    };
    let (short_var, short_ac) = mean("short_gamma");
    let (none_var, none_ac) = mean("no_gamma");
    let (long_var, long_ac) = mean("long_gamma");
    let report = format!(
        "variance of 30-s mid changes (currency²) and lag-one autocorrelation of 5-s changes, \
         mean over seeds: short {short_var:.5} {short_ac:+.3}, none {none_var:.5} \
         {none_ac:+.3}, long {long_var:.5} {long_ac:+.3}"
    );
    assert!(short_var > none_var, "{report}");
    assert!(long_var < none_var, "{report}");
    assert!(short_ac > 0.0, "{report}");
    assert!(long_ac < 0.0, "{report}");
}
