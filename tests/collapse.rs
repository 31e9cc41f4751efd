//! Depth-collapse episodes end to end: episodes.csv checked against the book.csv and
//! events.csv of the same run (`withdrawal_cascade.toml`, two books whose makers all
//! withdraw), and the summary's collapse columns against episodes.csv.

mod common;

use common::{int, num, rows};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

type Row = BTreeMap<String, String>;

fn run_cascade(out: &Path, extra: &[&str]) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/withdrawal_cascade.toml");
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(["run", "--quiet", "--out"])
        .arg(out)
        .arg(&file)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn t(r: &Row, col: &str) -> f64 {
    num(r, col).unwrap_or_else(|| panic!("{col} empty in {r:?}"))
}

#[test]
fn episodes_match_the_book_and_the_events_of_their_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cascade");
    run_cascade(&out, &[]);
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
    // the defaults: depth within 5 ticks, below 0.5 of the baseline for 5 s, back at 0.8
    assert!(
        episodes.iter().any(|e| e["side"] == "bid") && episodes.iter().any(|e| e["side"] == "ask"),
        "the cascade empties both sides: {episodes:?}"
    );
    for e in &episodes {
        let (start, end) = (t(e, "start_s"), t(e, "end_s"));
        let col = format!("depth_{}_5t_lots", e["side"]);
        let book: Vec<&Row> = all_books
            .iter()
            .filter(|r| r["book"] == e["book"])
            .collect();
        let depth_at = |s: f64| {
            let r = book.iter().find(|r| t(r, "t_s") == s).expect("a sample");
            int(r, &col) as f64
        };
        let baseline = t(e, "baseline_lots");
        // it starts below half the baseline and stays there 5 s
        for k in 0..=5 {
            assert!(
                depth_at(start + k as f64) < 0.5 * baseline,
                "{e:?} at +{k} s"
            );
        }
        // the trough is the lowest depth sampled in it, first reached at trough_s
        let inside: Vec<&Row> = book
            .iter()
            .copied()
            .filter(|r| (start..=end).contains(&t(r, "t_s")))
            .collect();
        let lowest = inside.iter().map(|r| int(r, &col)).min().unwrap();
        assert_eq!(lowest, int(e, "trough_lots"), "{e:?}");
        let first_low = inside.iter().find(|r| int(r, &col) == lowest).unwrap();
        assert_eq!(t(first_low, "t_s"), t(e, "trough_s"));
        assert!((t(e, "trough_ratio") - lowest as f64 / baseline).abs() < 1e-12);
        if e["recovered"] == "true" {
            // back at 0.8 of the baseline from end_s for 5 s
            for k in 0..=5 {
                assert!(
                    depth_at(end + k as f64) >= 0.8 * baseline,
                    "{e:?} at end +{k} s"
                );
            }
        }
        // the makers counted are those whose withdrawal fell in its samples' intervals: a
        // sample at T closes the steps that began in [T − 1 s, T)
        let withdrawn: BTreeSet<&str> = events
            .iter()
            .filter(|v| v["kind"] == "state_change" && v["to"] == "withdrawn")
            .filter(|v| v["book"] == e["book"])
            .filter(|v| t(v, "t_s") >= start - 1.0 - 1e-9 && t(v, "t_s") < end)
            .map(|v| v["agent_id"].as_str())
            .collect();
        assert_eq!(
            int(e, "makers_withdrawn") as usize,
            withdrawn.len(),
            "{e:?}"
        );
        // the volume is the book's over the samples after the first
        let volume: i64 = inside.iter().skip(1).map(|r| int(r, "volume_lots")).sum();
        assert_eq!(volume, int(e, "volume_lots"));
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
    let worst = episodes
        .iter()
        .map(|e| t(e, "trough_ratio"))
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

#[test]
fn stricter_thresholds_find_fewer_or_shallower_episodes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("default"), tmp.path().join("strict"));
    run_cascade(&a, &[]);
    run_cascade(
        &b,
        &[
            "--set",
            "output.collapse.fraction=0.05",
            "--set",
            "output.collapse.recover=0.1",
        ],
    );
    let (ea, eb) = (rows(&a.join("episodes.csv")), rows(&b.join("episodes.csv")));
    assert!(eb.len() <= ea.len());
    for e in &eb {
        assert!(t(e, "trough_ratio") < 0.05);
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
