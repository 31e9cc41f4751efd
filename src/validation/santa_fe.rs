//! Smith, Farmer, Gillemot & Krishnamurthy (2003), "Statistical theory of the continuous
//! double auction", Quantitative Finance 3, 481–514: the zero-intelligence model's two
//! published facts that need no fitting.
//!
//! - *Asymptotic depth* (their table 4, "exact with zero tick size"): far from the mid, where
//!   market orders never reach, each price holds α/δ shares per unit price (each level is an
//!   M/M/∞ queue fed at α and drained at δ per order). Measured as the lots per tick between
//!   100 and 200 ticks from the mid (5 to 10 characteristic prices out).
//! - *Mean spread* (their §2.2.3 and figure 10): in units of the characteristic price
//!   p_c = μ/(2α) the mean spread depends only weakly on the granularity ε = 2δσ/μ, "roughly
//!   a constant (equal to approximately 0.45 in non-dimensional coordinates) plus a linear term
//!   whose slope is rather small", in the limit of a fine tick. The value is read from their
//!   text and figure; the tolerance (±0.1) says so.
//!
//! The experiment (`scenarios/validation/santa_fe.toml`): the model alone, μ = 2 orders a
//! second, σ = 1 lot, a fine tick (p_c = 40 ticks, dp/p_c = 0.025), ε = 0.01, W = 20 p_c for
//! the paper's semi-infinite interval; two hours after a 1,200-s warm-up (12 order lifetimes).
//! A sensitivity point at twice the tick (p_c = 20 ticks) and twice ε shows how far the finite
//! tick moves the spread.

use super::measure::{MeasureSpec, RunMeasure};
use super::{Check, Experiment, Outcome, Point, Size, Verdict, cell, fixed, over_seeds};
use std::path::PathBuf;

/// The check.
pub const CHECK: Check = Check {
    name: "santa_fe",
    experiment,
    evaluate,
};

/// Smith et al.'s mean spread in units of p_c at small ε, fine tick.
const SPREAD_OVER_PC: f64 = 0.45;
/// Its tolerance: the value is read from the text and a figure.
const SPREAD_TOLERANCE: f64 = 0.1;
/// Relative tolerance of the asymptotic depth (exact in the model; the rest is sampling).
const DEPTH_TOLERANCE: f64 = 0.03;

/// (label, α per tick, δ, W): the main point and the coarser-tick sensitivity; μ = 2.
const POINTS: [(&str, f64, f64, u32); 2] = [
    ("dp/p_c = 0.025; ε = 0.01", 0.025, 0.01, 800),
    ("dp/p_c = 0.05; ε = 0.02", 0.05, 0.02, 400),
];
const MU: f64 = 2.0;

fn experiment(size: &Size) -> Experiment {
    let points = POINTS
        .iter()
        .map(|&(label, alpha, delta, w)| {
            let mut set = vec![
                format!("noise[0].alpha_per_tick_s={alpha}"),
                format!("noise[0].delta_per_s={delta}"),
                format!("noise[0].window_ticks={w}"),
            ];
            if size.quick {
                set.push("run.duration_s=2400.0".into());
            }
            Point {
                label: label.into(),
                set,
                file: None,
            }
        })
        .collect();
    Experiment {
        file: PathBuf::from("santa_fe.toml"),
        points,
        seeds: size.seeds.unwrap_or(if size.quick { 2 } else { 10 }),
        measure: MeasureSpec::after(1200.0),
    }
}

fn evaluate(e: &Experiment, runs: &[Vec<RunMeasure>]) -> Outcome {
    let mut verdicts = Vec::new();
    let mut md = format!(
        "**`santa_fe`** (the zero-intelligence model alone, μ = {MU} orders/s, σ = 1 lot; \
         p_c = μ/(2α) in ticks; medians over {} seeds, [40 %, 60 %] quantiles)\n\n\
         | point | p_c, ticks | α/δ, lots per tick | far depth, lots per tick | mean spread ÷ p_c |\n\
         |---|---|---|---|---|\n",
        e.seeds
    );
    let mut csv = String::from(
        "point,alpha_per_tick_s,delta_per_s,p_c_ticks,depth_expected_lots_per_tick,\
         far_depth_median,far_depth_q40,far_depth_q60,spread_over_pc_median,spread_over_pc_q40,\
         spread_over_pc_q60\n",
    );
    for (pi, ((label, alpha, delta, _), r)) in POINTS.iter().zip(runs).enumerate() {
        let pc = MU / (2.0 * alpha);
        let expected_depth = alpha / delta;
        let depth = over_seeds(r, |m| m.facts.far_depth_lots_per_tick);
        let spread = over_seeds(r, |m| m.facts.spread_ticks.map(|s| s / pc));
        md += &format!(
            "| {label} | {} | {} | {} | {} |\n",
            fixed(pc, 0),
            fixed(expected_depth, 2),
            cell(&depth, 3),
            cell(&spread, 3)
        );
        let raw = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
        csv += &format!(
            "{label},{alpha},{delta},{pc},{expected_depth},{},{},{},{},{},{}\n",
            raw(depth.median),
            raw(depth.q40),
            raw(depth.q60),
            raw(spread.median),
            raw(spread.q40),
            raw(spread.q60)
        );
        if pi > 0 {
            continue;
        }
        let d_ok = depth
            .median
            .is_some_and(|d| (d / expected_depth - 1.0).abs() <= DEPTH_TOLERANCE);
        verdicts.push(Verdict {
            check: CHECK.name,
            claim: "Far from the mid each price level holds α/δ on average".into(),
            source: "Smith, Farmer, Gillemot & Krishnamurthy (2003), Quant. Finance 3, table 4",
            expected: format!(
                "{} lots per tick (α/δ; within {} %)",
                fixed(expected_depth, 2),
                fixed(DEPTH_TOLERANCE * 100.0, 0)
            ),
            measured: format!("{} lots per tick ({label})", cell(&depth, 3)),
            seeds: e.seeds,
            verdict: if d_ok { "reproduced" } else { "not reproduced" },
        });
        let s_ok = spread
            .median
            .is_some_and(|s| (s - SPREAD_OVER_PC).abs() <= SPREAD_TOLERANCE);
        verdicts.push(Verdict {
            check: CHECK.name,
            claim: "The mean spread is about 0.45 characteristic prices μ/(2α), nearly \
                    independent of the granularity at small ε"
                .into(),
            source: "Smith et al. (2003), §2.2.3 and figure 10 (read from the text)",
            expected: format!(
                "{} ± {} p_c (fine tick)",
                fixed(SPREAD_OVER_PC, 2),
                fixed(SPREAD_TOLERANCE, 2)
            ),
            measured: format!("{} p_c ({label})", cell(&spread, 3)),
            seeds: e.seeds,
            verdict: if s_ok { "reproduced" } else { "not reproduced" },
        });
    }
    Outcome {
        verdicts,
        detail_md: md,
        detail_csv: csv,
    }
}
