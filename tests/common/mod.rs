//! Helpers shared by the end-to-end test binaries (each includes this module with
//! `mod common;` and uses what it needs).
#![allow(dead_code, reason = "each test binary uses only some of these helpers")]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the built binary on `file` into `out`, quietly, and requires success.
pub fn run_ok(file: &Path, out: &Path) {
    run_ok_with_env(file, out, &[]);
}

/// [`run_ok`] with extra environment variables.
pub fn run_ok_with_env(file: &Path, out: &Path, env: &[(&str, &str)]) {
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(["run", "--quiet", "--out"])
        .arg(out)
        .arg(file)
        .envs(env.iter().copied())
        .output()
        .expect("depthsim runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Requires each of `files` to be byte-identical in the result folders `a` and `b`.
pub fn assert_same_files(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        assert!(
            fs::read(a.join(f)).unwrap() == fs::read(b.join(f)).unwrap(),
            "{f} differs between identical runs"
        );
    }
}

/// Every file and folder under `dir`, with file contents: to show that nothing changed.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut all = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().to_path_buf();
            if fs::symlink_metadata(&p).unwrap().is_dir() {
                all.insert(rel, None);
                todo.push(p);
            } else {
                all.insert(rel, Some(fs::read(&p).unwrap()));
            }
        }
    }
    all
}

/// The rows of a CSV file as column → value maps (no quoted commas in these files).
pub fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

/// A row's integer cell.
pub fn int(r: &BTreeMap<String, String>, col: &str) -> i64 {
    r[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col}: {:?}", r[col]))
}

/// A row's number cell (`None` when empty).
pub fn num(r: &BTreeMap<String, String>, col: &str) -> Option<f64> {
    let v = &r[col];
    (!v.is_empty()).then(|| v.parse().unwrap_or_else(|_| panic!("{col}: {v:?}")))
}

/// The mean of `col` over the rows with `from ≤ t_s < to` (empty fields skipped); there must
/// be at least one.
pub fn mean(rows: &[BTreeMap<String, String>], col: &str, from: f64, to: f64) -> f64 {
    let v: Vec<f64> = rows
        .iter()
        .filter(|r| (from..to).contains(&num(r, "t_s").unwrap()))
        .filter_map(|r| num(r, col))
        .collect();
    assert!(!v.is_empty(), "no {col} in [{from}, {to})");
    v.iter().sum::<f64>() / v.len() as f64
}

/// Waits until a process of process group `pgid` named `comm` is stopped (state `T` in
/// /proc): a process that prints "stopped" and then stops itself may not have stopped yet
/// when the line is read, and a SIGCONT sent before would be lost. Bounded: panics after
/// many polls.
#[cfg(target_os = "linux")]
pub fn wait_stopped(pgid: u32, comm: &str) {
    for _ in 0..6_000 {
        for e in fs::read_dir("/proc").unwrap().flatten() {
            let Ok(stat) = fs::read_to_string(e.path().join("stat")) else {
                continue;
            };
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                continue;
            };
            let name = &stat[open + 1..close];
            let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
            // after the name: state, ppid, pgrp
            if name == comm
                && rest.first() == Some(&"T")
                && rest.get(2) == Some(&&*pgid.to_string())
            {
                return;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("no stopped {comm} in process group {pgid}");
}
