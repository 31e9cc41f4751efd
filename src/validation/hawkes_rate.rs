//! Hawkes (1971), "Spectra of some self-exciting and mutually exciting point processes",
//! Biometrika 58: a stationary self-exciting process with baseline λ₀ and branching ratio
//! n < 1 has the mean rate λ₀/(1 − n). depthsim sets the baseline of a noise group's market
//! orders to μ(1 − n), so the measured rate of market orders must be μ at every n: the check
//! of the sampler (exact next event, O(1) recursive intensity) end to end.
//!
//! The experiment (`scenarios/validation/hawkes_rate.toml`): zero-intelligence flow alone,
//! μ = 4 market orders a second, β = 0.5 per second, 20,000 s per run, at n = 0, 0.5, 0.8 and
//! 0.95. The rate is summary.csv's market orders over the run's length. Over a window T ≫
//! 1/(β(1 − n)) the count's standard deviation is √(μT)/(1 − n) (0.35 % of μ at n = 0, 7 % at
//! n = 0.95 for one run), so the verdict compares the mean over N seeds with λ₀/(1 − n)
//! within three standard errors √(μ/T)/((1 − n)√N).

use super::measure::{MeasureSpec, RunMeasure};
use super::{Check, Experiment, Outcome, Point, Size, Verdict, cell, fixed, over_seeds};
use crate::models::hawkes::{baseline_for_mean, mean_rate_per_s};
use std::path::PathBuf;

/// The check.
pub const CHECK: Check = Check {
    name: "hawkes_rate",
    experiment,
    evaluate,
};

const MU: f64 = 4.0;
const BRANCHING: [f64; 4] = [0.0, 0.5, 0.8, 0.95];
/// Standard errors the mean over seeds may stray from λ₀/(1 − n).
const STANDARD_ERRORS: f64 = 3.0;

fn experiment(size: &Size) -> Experiment {
    let points = BRANCHING
        .iter()
        .map(|n| {
            let mut set = vec![format!("noise[0].hawkes.branching_ratio={n:?}")];
            if size.quick {
                set.push("run.duration_s=5000.0".into());
            }
            Point {
                label: format!("n = {n}"),
                set,
                file: None,
            }
        })
        .collect();
    Experiment {
        file: PathBuf::from("hawkes_rate.toml"),
        points,
        seeds: size.seeds.unwrap_or(if size.quick { 3 } else { 10 }),
        measure: MeasureSpec::after(0.0),
    }
}

fn evaluate(e: &Experiment, runs: &[Vec<RunMeasure>]) -> Outcome {
    let rates: Vec<_> = runs
        .iter()
        .map(|r| over_seeds(r, |m| m.facts.market_orders_per_s))
        .collect();
    let mut md = format!(
        "**`hawkes_rate`** (market orders per second, zero-intelligence flow with Hawkes \
         market orders, β = 0.5 per s; medians over {} seeds, [40 %, 60 %] quantiles)\n\n\
         | n | baseline λ₀ = μ(1 − n) | λ₀/(1 − n) | measured: median [40 %, 60 %] | mean ± \
         standard error |\n|---|---|---|---|---|\n",
        e.seeds
    );
    let mut csv = String::from(
        "branching_ratio,baseline_per_s,expected_per_s,median,q40,q60,mean,standard_error\n",
    );
    let mut all = true;
    let mut measured = Vec::new();
    for ((n, s), r) in BRANCHING.iter().zip(&rates).zip(runs) {
        let base = baseline_for_mean(MU, *n);
        let expected = mean_rate_per_s(base, *n);
        let values: Vec<f64> = r
            .iter()
            .filter_map(|m| m.facts.market_orders_per_s)
            .collect();
        let seconds = r
            .iter()
            .filter_map(|m| m.facts.duration_s)
            .next()
            .unwrap_or(f64::NAN);
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let se = (MU / seconds).sqrt() / (1.0 - n) / (values.len() as f64).sqrt();
        let ok = (mean - expected).abs() <= STANDARD_ERRORS * se;
        all &= ok;
        md += &format!(
            "| {n} | {} | {} | {} | {} ± {} |\n",
            fixed(base, 2),
            fixed(expected, 2),
            cell(s, 3),
            fixed(mean, 3),
            fixed(se, 3)
        );
        let raw = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
        csv += &format!(
            "{n},{base},{expected},{},{},{},{mean},{se}\n",
            raw(s.median),
            raw(s.q40),
            raw(s.q60)
        );
        measured.push(format!("n = {n}: {} ± {}", fixed(mean, 3), fixed(se, 3)));
    }
    Outcome {
        verdicts: vec![Verdict {
            check: CHECK.name,
            claim: "A stationary Hawkes process has the mean rate λ₀/(1 − n)".into(),
            source: "Hawkes (1971), Biometrika 58",
            expected: format!(
                "{} market orders per s at every n (mean over seeds within {} standard errors)",
                fixed(MU, 1),
                fixed(STANDARD_ERRORS, 0)
            ),
            measured: measured.join("; "),
            seeds: e.seeds,
            verdict: if all { "reproduced" } else { "not reproduced" },
        }],
        detail_md: md,
        detail_csv: csv,
    }
}
