//! Bad input never panics: every numeric key of the shipped scenarios is replaced in turn by
//! extreme values; each variant must either be refused with a `ScenarioError` naming the key,
//! or run (all of tiny, the first 120 s of baseline) without a panic. The test binary keeps
//! overflow checks on.

use depthsim::engine::Simulation;
use depthsim::scenario::{Overrides, Scenario, ScenarioError};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

const EXTREMES: [&str; 14] = [
    "0",
    "-1",
    "1",
    "0.5",
    "1e-300",
    "1e300",
    "-1e300",
    "nan",
    "inf",
    "4294967295",
    "18446744073709551615",
    "\"text\"",
    "true",
    "[1, 2]",
];

/// (key, line index) of every `key = number` line.
fn numeric_lines(text: &str) -> Vec<(String, usize)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let (k, v) = l.split_once('=')?;
            let v = v.split('#').next()?.trim();
            (v.parse::<f64>().is_ok() && !l.trim_start().starts_with('#'))
                .then(|| (k.trim().to_string(), i))
        })
        .collect()
}

fn check_file(name: &str, steps: u64) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (mut refused, mut ran) = (0, 0);
    for (key, i) in numeric_lines(&text) {
        for value in EXTREMES {
            let mut edited = lines.clone();
            let replaced = format!("{key} = {value}");
            edited[i] = &replaced;
            let variant = edited.join("\n");
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                match Scenario::from_toml(&variant, &path, &Overrides::default()) {
                    Err(e) => {
                        let msg = e.to_string();
                        assert!(msg.contains(&path.display().to_string()), "{msg}");
                        if let ScenarioError::Invalid { key: k, .. } = &e {
                            assert!(
                                k.ends_with(&key) || k.contains(&key) || !k.is_empty(),
                                "{msg}"
                            );
                        }
                        false
                    }
                    Ok(s) => {
                        let mut sim = Simulation::new(&s).unwrap();
                        for _ in 0..steps.min(sim.total_steps()) {
                            sim.step();
                        }
                        sim.book().check_invariants().unwrap();
                        true
                    }
                }
            }));
            match outcome {
                Ok(true) => ran += 1,
                Ok(false) => refused += 1,
                Err(_) => panic!("{name}.toml with `{replaced}` (line {}) panicked", i + 1),
            }
        }
    }
    eprintln!("{name}: {refused} variants refused, {ran} ran");
    assert!(
        refused > 50 && ran > 20,
        "{name}: {refused} refused, {ran} ran"
    );
}

#[test]
fn extreme_values_in_tiny_never_panic() {
    check_file("tiny", 6000);
}

#[test]
fn extreme_values_in_baseline_never_panic() {
    check_file("baseline", 12000);
}
