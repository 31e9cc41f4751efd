//! Dealers' gamma feeds back into the market they hedge in: the shipped `short_gamma`,
//! `long_gamma` and `no_gamma` scenarios (the same market, the same dealers and the same
//! passive-then-IOC hedging; they differ only in the sign, or the absence, of the dealers'
//! 5-day straddle), each over five seeds. Long-gamma dealers' hedges lean against the moves:
//! the mid's 5-s changes (the hedging interval) are less autocorrelated and its 60-s changes
//! less variable than the control's; short-gamma dealers' hedges follow the moves and do the
//! opposite. The options outlive the run, so the dealers' gamma keeps its order of magnitude
//! throughout; the PnL parts add up at every sample; and the channel is the hedging alone:
//! with hedging switched off, long gamma's market is the control's, byte for byte.

mod common;

use common::{num, rows};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];
/// Hedging horizon: the dealers' `hedge.min_interval_s`, seconds (book.csv samples each 1 s).
const HEDGE_HORIZON_S: usize = 5;
/// Horizon of the variance, seconds.
const VARIANCE_HORIZON_S: usize = 60;
/// Statistics start after the book has formed, seconds.
const WARMUP_S: f64 = 60.0;

/// Variance of the mid's changes over `VARIANCE_HORIZON_S`, and lag-one autocorrelation of
/// its changes over `HEDGE_HORIZON_S`, after the warm-up.
struct MidStats {
    variance: f64,
    autocorr: f64,
}

fn mid_stats(book_csv: &Path) -> MidStats {
    // A sample with a side empty has no mid: the last one carries (leading ones are dropped).
    let mut last = None;
    let mids: Vec<f64> = rows(book_csv)
        .iter()
        .filter(|r| num(r, "t_s").unwrap() > WARMUP_S)
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

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"))
}

fn run_with(file: &Path, out: &Path, args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(["run", "--quiet", "--out"])
        .arg(out)
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Runs the shipped scenario `name` with `seed` into `dir`; checks that every market maker's
/// PnL parts add up to its PnL at every agents.csv sample and, with options, that the
/// dealers' summed gamma stays within a factor 1.5 of itself through the run.
fn run_seed(name: &str, seed: u64, dir: &Path) -> MidStats {
    let out = dir.join(format!("{name}_{seed}"));
    run_with(&shipped(name), &out, &["--seed", &seed.to_string()]);
    let agents = rows(&out.join("agents.csv"));
    let mut gamma_by_t: Vec<(f64, f64)> = Vec::new();
    for r in agents.iter().filter(|r| r["kind"] == "market_maker") {
        let parts: f64 = [
            "pnl_spread",
            "pnl_inventory",
            "pnl_hedging",
            "pnl_option_premium",
            "pnl_option_revaluation",
            "pnl_settlement",
        ]
        .iter()
        .map(|c| num(r, c).unwrap_or(0.0))
        .sum();
        let pnl = num(r, "pnl").unwrap();
        assert!(
            (parts - pnl).abs() <= 1e-9 * pnl.abs().max(1.0),
            "{name} seed {seed}: parts {parts} ≠ pnl {pnl}: {r:?}"
        );
        if let Some(g) = num(r, "option_gamma_lots_per_tick") {
            let t = num(r, "t_s").unwrap();
            match gamma_by_t.last_mut() {
                Some((at, sum)) if *at == t => *sum += g,
                _ => gamma_by_t.push((t, g)),
            }
        }
    }
    if name != "no_gamma" {
        let (lo, hi) = gamma_by_t
            .iter()
            .map(|(_, g)| g.abs())
            .fold((f64::MAX, 0.0f64), |(a, b), g| (a.min(g), b.max(g)));
        assert!(
            lo > 3.0 && hi < 1.5 * lo,
            "{name} seed {seed}: the dealers' gamma ranged over {lo}..{hi} lots per tick"
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
        "variance of 60-s mid changes (currency²) and lag-one autocorrelation of 5-s changes, \
         mean over seeds: short {short_var:.5} {short_ac:+.3}, none {none_var:.5} \
         {none_ac:+.3}, long {long_var:.5} {long_ac:+.3}"
    );
    // printed for the README (cargo test --test gamma -- --nocapture)
    eprintln!("{report}");
    assert!(short_var > none_var && none_var > long_var, "{report}");
    assert!(short_ac > none_ac && none_ac > long_ac, "{report}");
}

/// The counterfactual behind "the options act through the hedges": with hedging switched off
/// (a band no net delta reaches), long-gamma dealers leave the market exactly as the control
/// dealers do. Holding options alone changes nothing in the book.
#[test]
fn without_hedging_the_options_leave_the_market_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let off = [
        "--seed",
        "3",
        "--set",
        "run.duration_s=600.0",
        "--set",
        "market_maker[0].hedge.band_lots=1000000000",
    ];
    let (long, none) = (tmp.path().join("long"), tmp.path().join("none"));
    run_with(&shipped("long_gamma"), &long, &off);
    run_with(&shipped("no_gamma"), &none, &off);
    for f in ["book.csv", "trades.csv", "l2.csv"] {
        assert!(
            fs::read(long.join(f)).unwrap() == fs::read(none.join(f)).unwrap(),
            "{f} differs"
        );
    }
    // and with hedging on, they differ
    let on = tmp.path().join("long_on");
    run_with(
        &shipped("long_gamma"),
        &on,
        &["--seed", "3", "--set", "run.duration_s=600.0"],
    );
    assert!(fs::read(on.join("book.csv")).unwrap() != fs::read(long.join("book.csv")).unwrap());
}
