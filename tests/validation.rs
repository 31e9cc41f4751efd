//! `depthsim validation --quick`: the small version of every published result depthsim
//! checks (issues 17 and 18). The tables are the same bytes whatever the number of jobs, and
//! the facts that hold robustly at this size hold: with lagged hedging the mid's 5-s changes
//! are less autocorrelated the longer the dealer's gamma, and long gamma lowers (short raises)
//! the 60-s variance against the control; a long-gamma hedger's book fails (a side empties)
//! less often than a zero-gamma one's, and at the lowest informed intensity a short-gamma
//! hedger's book fails most; the Santa Fe book holds α/δ far from the mid; the Hawkes flow's
//! mean rate is λ₀/(1 − n); the reference market's makers earn while the informed pick them
//! off, and its absolute returns are more autocorrelated than with Poisson flow; the crisis
//! share rises with the feedback's strength; the crashes' intermediaries pass the inventory
//! around. (The full experiment's figures, and what it does not reproduce, are in
//! docs/validation.md.)

mod common;

use common::{num, rows};
use std::path::Path;
use std::process::Command;

fn validation(out: &Path, extra: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["validation", "--quick", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // validation.md is printed on stdout too
    assert_eq!(
        o.stdout,
        std::fs::read(out.join("validation.md")).unwrap(),
        "stdout is validation.md"
    );
}

#[test]
fn the_small_validation_reproduces_its_robust_facts_and_is_thread_count_invariant() {
    let tmp = tempfile::tempdir().unwrap();
    let (all, one) = (tmp.path().join("all"), tmp.path().join("one"));
    validation(&all, &["--jobs", "2"]);
    validation(
        &one,
        &[
            "--jobs",
            "1",
            "--only",
            "gamma_feedback",
            "--only",
            "hawkes_rate",
        ],
    );
    for table in ["gamma_feedback.csv", "hawkes_rate.csv"] {
        assert_eq!(
            std::fs::read(all.join(table)).unwrap(),
            std::fs::read(one.join(table)).unwrap(),
            "{table}: the same table with one job or two"
        );
    }
    // gamma_feedback: Γ = −2, 0, +2
    let fb = rows(&all.join("gamma_feedback.csv"));
    assert_eq!(fb.len(), 3, "{fb:?}");
    let col = |r: usize, c: &str| num(&fb[r], c).unwrap_or_else(|| panic!("{c} in {:?}", fb[r]));
    assert!(
        col(0, "acf_hedge_interval") > col(1, "acf_hedge_interval")
            && col(1, "acf_hedge_interval") > col(2, "acf_hedge_interval"),
        "the autocorrelation falls as gamma rises: {fb:?}"
    );
    assert!(
        col(0, "var_ratio_long") > 1.0,
        "short gamma raises it: {fb:?}"
    );
    assert!(
        col(2, "var_ratio_long") < 1.0,
        "long gamma lowers it: {fb:?}"
    );
    assert!(col(0, "gamma_lots_per_tick") < -1.5 && col(2, "gamma_lots_per_tick") > 1.5);
    assert!(col(0, "lambda_ticks_per_lot") > 0.0 && col(2, "lambda_ticks_per_lot") > 0.0);
    // gamma_failure: long gamma fails less than zero gamma, over the grid
    let gf = rows(&all.join("gamma_failure.csv"));
    let failed = |g: f64| -> f64 {
        gf.iter()
            .filter(|r| num(r, "gamma_lots_per_tick") == Some(g))
            .map(|r| num(r, "failed_share").unwrap())
            .sum()
    };
    assert!(gf.len() >= 9, "{gf:?}");
    assert!(
        failed(4.0) < failed(0.0),
        "long gamma fails less: {} against {}",
        failed(4.0),
        failed(0.0)
    );
    assert!(failed(0.0) > 0.0, "the grid reaches failures: {gf:?}");
    // at the lowest intensity the ordering is plain: short gamma fails most, long least
    let lowest = |g: f64| -> f64 {
        gf.iter()
            .find(|r| num(r, "gamma_lots_per_tick") == Some(g))
            .map(|r| num(r, "failed_share").unwrap())
            .unwrap()
    };
    assert!(
        lowest(-4.0) > lowest(0.0) && lowest(0.0) >= lowest(4.0),
        "at the lowest intensity: {} {} {}",
        lowest(-4.0),
        lowest(0.0),
        lowest(4.0)
    );
    let md = std::fs::read_to_string(all.join("validation.md")).unwrap();
    for needle in ["`gamma_feedback`", "`gamma_failure`", "Buis", "| verdict |"] {
        assert!(md.contains(needle), "{needle} in {md}");
    }
    issue_18_checks(&all);
}

/// The checks of issue 18, at the quick size.
fn issue_18_checks(all: &Path) {
    // every row names its source and has a verdict (validation.csv quotes fields with commas)
    let mut reader = csv::Reader::from_path(all.join("validation.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let verdicts: Vec<std::collections::BTreeMap<String, String>> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect();
    for check in [
        "santa_fe",
        "reference_market",
        "hawkes_rate",
        "liquidity_crisis",
        "flash_crash",
    ] {
        let mine: Vec<_> = verdicts.iter().filter(|r| r["check"] == check).collect();
        assert!(!mine.is_empty(), "{check} has rows");
        for r in mine {
            assert!(!r["source"].is_empty() && !r["verdict"].is_empty(), "{r:?}");
        }
    }
    let verdict = |check: &str, claim_part: &str| -> String {
        verdicts
            .iter()
            .find(|r| r["check"] == check && r["claim"].contains(claim_part))
            .unwrap_or_else(|| panic!("{check}: {claim_part}"))["verdict"]
            .clone()
    };
    // Santa Fe: α/δ far from the mid (exact in the model)
    assert_eq!(verdict("santa_fe", "α/δ"), "reproduced");
    // the Hawkes mean-rate identity, within three standard errors
    assert_eq!(verdict("hawkes_rate", "λ₀/(1 − n)"), "reproduced");
    // the reference market: makers earn, informed pick them off; clustering is the flow's
    let reference = rows(&all.join("reference_market.csv"));
    let stat = |name: &str, point: &str| -> f64 {
        reference
            .iter()
            .find(|r| r["statistic"] == name && r["point"] == point)
            .and_then(|r| num(r, "median"))
            .unwrap_or_else(|| panic!("{name} {point} in {reference:?}"))
    };
    assert!(stat("maker_pnl_per_hour", "reference") > 0.0);
    assert!(stat("markout_vs_informed_ticks_per_lot", "reference") < 0.0);
    assert!(stat("markout_vs_noise_ticks_per_lot", "reference") > 0.0);
    let abs60 = "abs_acf_60s";
    assert!(
        stat(abs60, "reference") > stat(abs60, "poisson") + 0.01,
        "Hawkes flow clusters volatility: {} against {}",
        stat(abs60, "reference"),
        stat(abs60, "poisson")
    );
    // the crisis share rises with the feedback's strength, at every length
    let crisis = rows(&all.join("liquidity_crisis.csv"));
    for length in ["600", "2400"] {
        let mine: Vec<f64> = crisis
            .iter()
            .filter(|r| r["length_s"] == length)
            .map(|r| num(r, "crisis_share").unwrap())
            .collect();
        assert!(
            mine[0] <= 0.25 && mine[mine.len() - 1] >= 0.75,
            "{length} s: {mine:?}"
        );
    }
    // the crashes: falls beyond the square-root law, and intermediaries' hot potato
    for r in rows(&all.join("flash_crash.csv")) {
        assert!(num(&r, "impact_ratio_peak_median").unwrap() > 1.0, "{r:?}");
        assert!(num(&r, "hot_potato_median").unwrap() > 10.0, "{r:?}");
    }
}

#[test]
fn an_unknown_check_is_refused_with_the_list() {
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "validation",
            "--only",
            "nope",
            "--out",
            "/nonexistent/never",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("nope") && err.contains("gamma_feedback") && err.contains("gamma_failure"),
        "{err}"
    );
}

/// `validation --out` follows `run --out`'s rules: a folder holding a file of the user's is
/// refused before anything runs, and the file is left as it was.
#[test]
fn validation_never_replaces_a_folder_of_yours() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("v");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("validation.md"), "mine").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["validation", "--quick", "--only", "gamma_feedback", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("validation.md")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1, "nothing added");
}
