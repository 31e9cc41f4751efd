//! `depthsim compare` (issue 20): paired differences over seeds with bootstrap intervals.
//! The tables are the same bytes for any number of jobs; a variant that changes nothing
//! differs by zero on every seed; a variant that changes the flow shows in the statistics it
//! drives, with an interval around the median; bad arguments exit 2 naming the flag.

mod common;

use common::{num, rows};
use std::path::Path;
use std::process::{Command, Output};

fn depthsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

fn compare(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "compare",
        "scenarios/tiny.toml",
        "--quiet",
        "--seeds",
        "4",
        "--out",
    ];
    args.push(out.to_str().unwrap());
    args.extend(extra);
    depthsim(&args)
}

#[test]
fn paired_differences_are_reproducible_and_show_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let more_flow = [
        "--variant",
        "noise[0].mu_per_s=4.0",
        "--variant",
        "run.name=\"tiny\"",
    ];
    for (dir, jobs) in [(&a, "1"), (&b, "2")] {
        let mut extra = vec!["--jobs", jobs, "--resamples", "500"];
        extra.extend(more_flow);
        let o = compare(dir, &extra);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(o.stdout, std::fs::read(dir.join("compare.md")).unwrap());
    }
    for f in ["compare.csv", "compare.md", "summaries.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} with one job and two"
        );
    }
    let c = rows(&a.join("compare.csv"));
    let find = |item: &str, stat: &str| {
        c.iter()
            .find(|r| r["item"].contains(item) && r["statistic"] == stat)
            .unwrap_or_else(|| panic!("{item} {stat}"))
            .clone()
    };
    // more market orders: more trades on every seed, the interval around the median
    let t = find("mu_per_s", "trades");
    assert_eq!(num(&t, "paired_seeds"), Some(4.0));
    assert_eq!(num(&t, "same_sign_seeds"), Some(4.0), "{t:?}");
    let (lo, md, hi) = (
        num(&t, "ci_low").unwrap(),
        num(&t, "difference_median").unwrap(),
        num(&t, "ci_high").unwrap(),
    );
    assert!(lo > 0.0 && lo <= md && md <= hi, "{t:?}");
    // renaming the run changes no number: zero on every seed
    let same = find("run.name", "trades");
    assert_eq!(num(&same, "difference_median"), Some(0.0));
    assert_eq!(
        (num(&same, "ci_low"), num(&same, "ci_high")),
        (Some(0.0), Some(0.0))
    );
    let md = std::fs::read_to_string(a.join("compare.md")).unwrap();
    assert!(md.contains("| `trades` |"), "{md}");
    assert!(
        md.contains("other statistics are equal on every seed"),
        "{md}"
    );
}

#[test]
fn bad_arguments_exit_2_naming_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x");
    for (extra, needle) in [
        (vec!["--variant", "run.seed=2", "--level", "1.5"], "--level"),
        (
            vec!["--variant", "run.seed=2", "--resamples", "0"],
            "--resamples",
        ),
        (vec!["--variant", "run.seed=2", "--stat", "nope"], "--stat"),
        (vec![], "nothing to compare"),
    ] {
        let o = compare(&out, &extra);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(needle), "{needle} in {err}");
        assert!(!out.exists(), "nothing is written");
    }
}
