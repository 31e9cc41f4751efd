//! Depth-collapse episodes end to end (issue 17): episodes.csv checked against book.csv
//! sampled at the detector's own cadence (`withdrawal_cascade.toml`, two books whose makers all
//! withdraw); the same episodes whatever `output.sample_interval_s` is; a crisis that persists
//! (the noise traders standing back for good) covered by episodes; runs too short for the
//! baseline reported as such; times printed without float noise; and the summary's collapse
//! columns against episodes.csv.

mod common;

use common::{int, num, rows};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

type Row = BTreeMap<String, String>;

/// The detector's default cadence, seconds.
const CADENCE_S: f64 = 0.2;

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn depthsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `file` quietly into `out` with `extra` arguments, and requires success.
fn run(file: &Path, out: &Path, extra: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(["run", "--quiet", "--out"])
        .arg(out)
        .arg(file)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn t(r: &Row, col: &str) -> f64 {
    num(r, col).unwrap_or_else(|| panic!("{col} empty in {r:?}"))
}

#[test]
fn episodes_match_the_book_sampled_at_the_detectors_cadence() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cascade");
    // book.csv sampled at the detector's cadence: its rows are the detector's ticks
    run(
        &scenario("withdrawal_cascade.toml"),
        &out,
        &["--set", "output.sample_interval_s=0.2"],
    );
    let episodes = rows(&out.join("episodes.csv"));
    let all_books = rows(&out.join("book.csv"));
    let events = rows(&out.join("events.csv"));
    let summary = &rows(&out.join("summary.csv"))[0];
    // both books have episodes: the hedge book when its maker leaves, main when the others do
    for name in ["main", "hedge"] {
        assert!(
            episodes.iter().any(|e| e["book"] == name),
            "no episode in {name}"
        );
    }
    assert!(
        episodes.iter().any(|e| e["side"] == "bid") && episodes.iter().any(|e| e["side"] == "ask"),
        "the cascade empties both sides: {episodes:?}"
    );
    // the defaults: depth within 5 ticks, low below 0.5 of the baseline (or empty) for 5 s in
    // all, over once back at 0.8 of it for 5 s in all
    let (f, g, d) = (0.5, 0.8, 5.0);
    let end_of_run = t(summary, "duration_s");
    for e in &episodes {
        let (start, end) = (t(e, "start_s"), t(e, "end_s"));
        let col = format!("depth_{}_5t_lots", e["side"]);
        let book: Vec<(f64, i64, i64)> = all_books
            .iter()
            .filter(|r| r["book"] == e["book"])
            .map(|r| (t(r, "t_s"), int(r, &col), int(r, "volume_lots")))
            .collect();
        let baseline = t(e, "baseline_lots");
        let low = |depth: i64| depth == 0 || (depth as f64) < f * baseline;
        // the ticks of the episode: from its start up to its end (the first recovered tick)
        let inside: Vec<&(f64, i64, i64)> = book
            .iter()
            .filter(|r| r.0 >= start - 1e-9 && r.0 <= end + 1e-9)
            .collect();
        assert!(
            (inside[0].0 - start).abs() < 1e-9,
            "{e:?}: a tick at its start"
        );
        assert!(low(inside[0].1), "{e:?}: starts low");
        // its low ticks add up to below_s, at least d; the time low before the end is theirs
        let unrecovered = e["recovered"] == "false";
        let low_ticks = inside
            .iter()
            .filter(|r| (r.0 < end - 1e-9 || unrecovered) && low(r.1))
            .count();
        let below = t(e, "below_s");
        assert!(
            (low_ticks as f64 * CADENCE_S - below).abs() < 1e-6,
            "{e:?}: {low_ticks}"
        );
        assert!(below >= d - 1e-9, "{e:?}");
        // it is one episode, merged by time: before its end, no recovery completes (ticks at
        // or above g·B adding up to d, with no low tick and no pause of d below g·B)
        let recovered = |depth: i64| !low(depth) && depth as f64 >= g * baseline;
        // the first recovery to complete over the ticks given: its first tick
        let recovery = |ticks: &[&(f64, i64, i64)]| {
            let (mut since, mut total, mut pause) = (None, 0.0, 0.0);
            for r in ticks {
                if low(r.1) {
                    (since, total, pause) = (None, 0.0, 0.0);
                } else if recovered(r.1) {
                    since = since.or(Some(r.0));
                    (total, pause) = (total + CADENCE_S, 0.0);
                } else if since.is_some() {
                    pause += CADENCE_S;
                    if pause >= d - 1e-9 {
                        (since, total, pause) = (None, 0.0, 0.0);
                    }
                }
                if total >= d - 1e-9 {
                    return since;
                }
            }
            None
        };
        let before_end: Vec<_> = inside
            .iter()
            .copied()
            .filter(|r| r.0 < end - 1e-9)
            .collect();
        assert_eq!(
            recovery(&before_end),
            None,
            "{e:?}: recovered before its end"
        );
        // the trough is the lowest depth in it, first reached at trough_s
        let lowest = inside.iter().map(|r| r.1).min().unwrap();
        assert_eq!(lowest, int(e, "trough_lots"), "{e:?}");
        let first_low = inside.iter().find(|r| r.1 == lowest).unwrap();
        assert!((first_low.0 - t(e, "trough_s")).abs() < 1e-9);
        if baseline > 0.0 {
            assert!((t(e, "trough_ratio") - lowest as f64 / baseline).abs() < 1e-12);
        }
        if e["recovered"] == "true" {
            // its recovery starts at end_s, with a tick at or above g·B, and completes
            let after: Vec<_> = book.iter().filter(|r| r.0 >= end - 1e-9).collect();
            let since = recovery(&after).unwrap_or_else(|| panic!("{e:?}: no recovery"));
            assert!((since - end).abs() < 1e-9, "{e:?}: recovered from {since}");
        } else {
            assert_eq!(end, end_of_run, "{e:?}");
        }
        // the makers counted are those whose withdrawal fell in its ticks' intervals: a
        // tick at T closes the steps that began in [T − cadence, T)
        let withdrawn: BTreeSet<&str> = events
            .iter()
            .filter(|v| v["kind"] == "state_change" && v["to"] == "withdrawn")
            .filter(|v| v["book"] == e["book"])
            .filter(|v| t(v, "t_s") >= start - CADENCE_S - 1e-9 && t(v, "t_s") < end)
            .map(|v| v["agent_id"].as_str())
            .collect();
        assert_eq!(
            int(e, "makers_withdrawn") as usize,
            withdrawn.len(),
            "{e:?}"
        );
        // the volume is the book's over the ticks after the first
        let volume: i64 = inside.iter().skip(1).map(|r| r.2).sum();
        assert_eq!(volume, int(e, "volume_lots"), "{e:?}");
    }
    // the hedge book's maker withdraws on toxicity, the others on their failed hedges, and
    // the episodes say so
    assert!(
        episodes
            .iter()
            .any(|e| e["book"] == "hedge" && e["triggers"].contains("toxicity"))
    );
    assert!(
        episodes
            .iter()
            .any(|e| e["book"] == "main" && e["triggers"].contains("hedge_failure"))
    );
    assert_eq!(int(summary, "episodes") as usize, episodes.len());
    assert_eq!(summary["collapse_detectable"], "true");
    let worst = episodes
        .iter()
        .filter_map(|e| num(e, "trough_ratio"))
        .fold(1.0, f64::min);
    assert_eq!(num(summary, "worst_trough_ratio"), Some(worst));
    let longest = episodes
        .iter()
        .map(|e| t(e, "duration_s"))
        .fold(0.0, f64::max);
    let total: f64 = episodes.iter().map(|e| t(e, "duration_s")).sum();
    let collapsed = t(summary, "collapsed_s");
    assert!(collapsed >= longest && collapsed <= total, "{collapsed}");
}

/// The decimals of every time in episodes.csv and of summary.csv's `collapsed_s`: at most 9
/// (whole nanoseconds), never float noise such as 121.00000000000001; `mean_recovery_s` is
/// the integer nanoseconds of the episodes' recoveries over their number.
fn assert_no_float_noise(out: &Path) {
    let decimals = |v: &str| v.split_once('.').map_or(0, |(_, d)| d.len());
    let episodes = rows(&out.join("episodes.csv"));
    for e in &episodes {
        for col in [
            "start_s",
            "end_s",
            "duration_s",
            "below_s",
            "trough_s",
            "time_to_trough_s",
            "refill_50_s",
            "refill_90_s",
        ] {
            assert!(
                decimals(&e[col]) <= 9,
                "{col} = {} in {}",
                e[col],
                out.display()
            );
        }
    }
    let s = &rows(&out.join("summary.csv"))[0];
    assert!(
        decimals(&s["collapsed_s"]) <= 9,
        "collapsed_s = {}",
        s["collapsed_s"]
    );
    let ns = |r: &Row, c: &str| (t(r, c) * 1e9).round() as u64;
    let recoveries: Vec<u64> = episodes
        .iter()
        .filter(|e| e["recovered"] == "true")
        .map(|e| ns(e, "end_s") - ns(e, "trough_s"))
        .collect();
    let mean = (!recoveries.is_empty())
        .then(|| recoveries.iter().sum::<u64>() as f64 / recoveries.len() as f64 / 1e9);
    assert_eq!(num(s, "mean_recovery_s"), mean, "in {}", out.display());
}

/// Issue 17: book.csv sampled every 0.1 s, 1 s and 5 s gives byte-identical episodes.csv and
/// the same collapse columns in summary.csv, on a shock scenario and on both gamma scenarios
/// as shipped (long_gamma seed 1 used to give 2, 8 and 15 episodes).
#[test]
fn the_same_episodes_whatever_the_output_sampling() {
    let tmp = tempfile::tempdir().unwrap();
    let collapse_cols = [
        "episodes",
        "collapsed_s",
        "worst_trough_ratio",
        "mean_recovery_s",
        "collapse_detectable",
    ];
    let mut total = 0;
    for file in ["informed_shock.toml", "short_gamma.toml", "long_gamma.toml"] {
        let mut first: Option<(Vec<u8>, Vec<String>)> = None;
        for interval in ["0.1", "1", "5"] {
            let out = tmp.path().join(format!("{file}-{interval}"));
            let set = format!("output.sample_interval_s={interval}");
            run(&scenario(file), &out, &["--seed", "1", "--set", &set]);
            assert_no_float_noise(&out);
            let episodes = fs::read(out.join("episodes.csv")).unwrap();
            let s = &rows(&out.join("summary.csv"))[0];
            let cols: Vec<String> = collapse_cols.iter().map(|c| s[*c].clone()).collect();
            match &first {
                None => {
                    total += int(s, "episodes");
                    first = Some((episodes, cols));
                }
                Some((e0, c0)) => {
                    assert!(
                        *e0 == episodes,
                        "{file}: episodes.csv differs at sample_interval_s = {interval}"
                    );
                    assert_eq!(*c0, cols, "{file}: at sample_interval_s = {interval}");
                }
            }
        }
    }
    assert!(
        total > 0,
        "no episode at all: the comparison would prove nothing"
    );
}

/// Issue 17: a crisis that persists. zi_only with the noise traders standing back hard
/// (limit orders cut to 3 % above 1 tick/√s of volatility) has a side empty within 5 ticks
/// about three quarters of the time; the trailing median of such a book is 0, and it used to
/// report no episode. The absolute rule sees it: the episodes cover most of the time a side
/// is empty (measured on book.csv sampled at the detector's cadence), and all of it once
/// detection has started.
#[test]
fn a_crisis_that_persists_is_covered_by_episodes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("standback");
    run(
        &scenario("zi_only.toml"),
        &out,
        &[
            "--seed",
            "1",
            "--set",
            "run.duration_s=2400",
            "--set",
            "noise[0].stand_back.limit_rate_factor=0.03",
            "--set",
            "noise[0].stand_back.vol_threshold_ticks_per_sqrt_s=1.0",
            "--set",
            "output.sample_interval_s=0.2",
        ],
    );
    let episodes = rows(&out.join("episodes.csv"));
    let spans: Vec<(f64, f64)> = episodes
        .iter()
        .map(|e| (t(e, "start_s"), t(e, "end_s")))
        .collect();
    let book = rows(&out.join("book.csv"));
    let empty: Vec<f64> = book
        .iter()
        .filter(|r| int(r, "depth_bid_5t_lots") == 0 || int(r, "depth_ask_5t_lots") == 0)
        .map(|r| t(r, "t_s"))
        .collect();
    let share_empty = empty.len() as f64 / book.len() as f64;
    assert!(
        share_empty > 0.6,
        "a side empty {share_empty:.2} of the time"
    );
    // a tick at T stands for [T, T + cadence)
    let covered = |from: f64| {
        let e: Vec<&f64> = empty.iter().filter(|&&x| x >= from).collect();
        let c = e
            .iter()
            .filter(|&&&x| spans.iter().any(|&(a, b)| a <= x + 1e-9 && x < b - 1e-9))
            .count();
        c as f64 / e.len() as f64
    };
    let overall = covered(0.0);
    assert!(
        overall > 0.8,
        "episodes cover {overall:.3} of the empty time"
    );
    // detection starts once the first 300-s window has been seen
    let detecting = covered(300.0 + CADENCE_S);
    assert!(detecting > 0.99, "{detecting:.3} after 300 s");
    // a baseline of 0: only the absolute rule could see these
    assert!(episodes.iter().any(|e| e["detected_by"] == "empty_side"));
    for e in episodes.iter().filter(|e| e["detected_by"] == "empty_side") {
        assert_eq!(e["trough_ratio"], "", "{e:?}");
        assert_eq!(t(e, "baseline_lots"), 0.0);
    }
    assert_no_float_noise(&out);
}

#[test]
fn a_run_shorter_than_the_baseline_window_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tiny");
    let file = scenario("tiny.toml");
    // tiny lasts 60 s, the default window 300 s: a warning naming the keys, and a false
    // collapse_detectable in summary.csv
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(["run", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning")
            && stderr.contains("output.collapse.baseline_window_s")
            && stderr.contains("collapse_detectable = false"),
        "{stderr}"
    );
    assert_eq!(
        rows(&out.join("summary.csv"))[0]["collapse_detectable"],
        "false"
    );
    // `validate` says so too
    let o = depthsim(&["validate", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("collapse_detectable = false"));
    // a window the run fills: detectable, no warning
    let out2 = tmp.path().join("tiny2");
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(["run", "--out"])
        .arg(&out2)
        .arg(&file)
        .args(["--set", "output.collapse.baseline_window_s=30"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"));
    assert_eq!(
        rows(&out2.join("summary.csv"))[0]["collapse_detectable"],
        "true"
    );
    // a sweep of short runs says it once, for all its points
    let sweep = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweeps/tiny_grid.toml");
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(["sweep", "--jobs", "1", "--out"])
        .arg(tmp.path().join("grid"))
        .arg(&sweep)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert_eq!(stderr.matches("warning").count(), 1, "{stderr}");
    assert!(stderr.contains("6 of 6 points") && stderr.contains("collapse_detectable = false"));
    let runs = rows(&tmp.path().join("grid/runs.csv"));
    assert!(runs.iter().all(|r| r["collapse_detectable"] == "false"));
}

#[test]
fn bad_detector_settings_exit_2_before_any_output_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario("tiny.toml");
    for (set, key) in [
        (
            "output.collapse.cadence_s=0.015",
            "output.collapse.cadence_s",
        ),
        ("output.collapse.cadence_s=0", "output.collapse.cadence_s"),
        ("output.collapse.cadence_s=10", "output.collapse.cadence_s"),
        // asked for with a window the 60-s run cannot fill
        (
            "output.collapse.baseline_window_s=120",
            "output.collapse.baseline_window_s",
        ),
        (
            "output.collapse.impact_horizon_s=0.1",
            "output.collapse.impact_horizon_s",
        ),
    ] {
        let out = tmp.path().join("never");
        let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
            .args(["run", "--quiet", "--out"])
            .arg(&out)
            .arg(&file)
            .args(["--set", set])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{set}: {stderr}");
        assert!(
            stderr.contains("tiny.toml") && stderr.contains(key),
            "{set}: {stderr}"
        );
        assert!(!out.exists(), "{set}: an output folder was made");
    }
}

/// A stricter rule sees only collapses the default rule sees too: each of its episodes
/// overlaps one of the default's on the same book and side, and is deeper. (It may find more
/// of them: recovering at 0.1 of the baseline, a long default episode can split.)
#[test]
fn stricter_thresholds_see_only_what_the_defaults_see() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("default"), tmp.path().join("strict"));
    let file = scenario("withdrawal_cascade.toml");
    run(&file, &a, &[]);
    run(
        &file,
        &b,
        &[
            "--set",
            "output.collapse.fraction=0.05",
            "--set",
            "output.collapse.recover=0.1",
        ],
    );
    let (ea, eb) = (rows(&a.join("episodes.csv")), rows(&b.join("episodes.csv")));
    assert!(!eb.is_empty());
    for e in &eb {
        // below 0.05 of a baseline above 0, or an empty side
        assert!(num(e, "trough_ratio").is_none_or(|r| r < 0.05), "{e:?}");
        let overlaps = ea.iter().any(|d| {
            d["book"] == e["book"]
                && d["side"] == e["side"]
                && t(d, "start_s") <= t(e, "end_s")
                && t(e, "start_s") <= t(d, "end_s")
        });
        assert!(overlaps, "{e:?} is no default episode");
    }
    // the other outputs do not depend on the detector
    for f in ["book.csv", "trades.csv", "events.csv", "agents.csv"] {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

/// The square-root-law columns on the flash crash: Q is the sell program's fills (negative),
/// the peak is the fall in its direction, and the ratio is the peak over the prediction.
#[test]
fn the_flash_crash_measures_the_programs_impact() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("crash");
    run(&scenario("flash_crash.toml"), &out, &["--seed", "1"]);
    let episodes = rows(&out.join("episodes.csv"));
    assert!(!episodes.is_empty());
    for e in &episodes {
        assert_eq!(e["impact_q_source"], "program", "{e:?}");
        let q = int(e, "impact_q_lots");
        assert!((-4000..0).contains(&q), "{e:?}");
        let (start, peak) = (t(e, "impact_price_start"), t(e, "impact_price_peak"));
        assert!(peak < start, "{e:?}");
        assert!((t(e, "impact_peak_frac") - (start - peak) / start).abs() < 1e-9);
        let (sigma, v) = (t(e, "impact_sigma_per_sqrt_s"), t(e, "impact_volume_per_s"));
        let predicted = sigma * ((-q) as f64 / v).sqrt();
        assert!((t(e, "impact_predicted_frac") - predicted).abs() < 1e-12 * predicted.max(1.0));
        let ratio = t(e, "impact_ratio_peak");
        assert!((ratio - t(e, "impact_peak_frac") / predicted).abs() < 1e-9 * ratio);
        // the crash moves the price many times what the law predicts for the program
        assert!(ratio > 5.0, "{e:?}");
    }
}
