//! `depthsim findings`: its tables are the runs' own summaries, byte-identical for any
//! --jobs, and bad input exits 2.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tiny.toml")
}

fn depthsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(args)
        .output()
        .unwrap()
}

/// tiny.toml cut to `seconds`, named `name`, in `dir`.
fn short_tiny(dir: &Path, name: &str, seconds: f64) -> PathBuf {
    let text = fs::read_to_string(tiny())
        .unwrap()
        .replacen("[run]\n", &format!("[run]\nname = \"{name}\"\n"), 1)
        .replacen(
            "duration_s = 60.0 ",
            &format!("duration_s = {seconds:?} "),
            1,
        );
    assert!(text.contains(&format!("duration_s = {seconds:?} ")));
    let file = dir.join(format!("{name}.toml"));
    fs::write(&file, text).unwrap();
    file
}

#[test]
fn findings_are_the_runs_summaries_and_do_not_depend_on_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let a = short_tiny(tmp.path(), "short_a", 8.0);
    let b = short_tiny(tmp.path(), "short_b", 5.0);
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    for (out, jobs) in [(&one, "1"), (&two, "2")] {
        let o = depthsim(&[
            "findings",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--seeds",
            "3",
            "--jobs",
            jobs,
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(
            String::from_utf8(o.stdout).unwrap(),
            fs::read_to_string(out.join("findings.md")).unwrap()
        );
    }
    for f in ["summaries.csv", "findings.csv", "findings.md"] {
        assert_eq!(
            fs::read(one.join(f)).unwrap(),
            fs::read(two.join(f)).unwrap(),
            "{f}"
        );
    }
    // no temporary run folder is left
    let mut names: Vec<String> = fs::read_dir(&one)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "findings.csv",
            "findings.md",
            "manifest.json",
            "summaries.csv"
        ]
    );
    // summaries.csv row 1 + 3 (short_a, seed 2; header first) is `depthsim run --seed 2`'s
    let single = tmp.path().join("single");
    let o = depthsim(&[
        "run",
        a.to_str().unwrap(),
        "--seed",
        "2",
        "--quiet",
        "--out",
        single.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let summary = fs::read_to_string(single.join("summary.csv")).unwrap();
    let all = fs::read_to_string(one.join("summaries.csv")).unwrap();
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 1 + 6);
    assert_eq!(lines[0], summary.lines().next().unwrap());
    assert_eq!(lines[2], summary.lines().nth(1).unwrap());
    // findings.csv: 7 statistics per scenario, with a median per seed count
    let table = fs::read_to_string(one.join("findings.csv")).unwrap();
    assert_eq!(table.lines().count(), 1 + 2 * 7);
    assert!(table.contains("short_a,episodes,3,3,0,0,0\n"), "{table}");
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.toml");
    fs::write(&broken, "[run]\nduration_s = -1.0\n").unwrap();
    let out = tmp.path().join("f");
    let o = depthsim(&[
        "findings",
        tiny().to_str().unwrap(),
        broken.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("broken.toml"));
    assert!(
        !out.exists(),
        "nothing is written before every file is checked"
    );
    // two files naming one scenario
    let again = tmp.path().join("again.toml");
    fs::copy(tiny(), &again).unwrap();
    let text =
        fs::read_to_string(&again)
            .unwrap()
            .replacen("[run]\n", "[run]\nname = \"tiny\"\n", 1);
    fs::write(&again, text).unwrap();
    let o = depthsim(&[
        "findings",
        tiny().to_str().unwrap(),
        again.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("both name their scenario"));
    assert_eq!(depthsim(&["findings"]).status.code(), Some(2));
}
