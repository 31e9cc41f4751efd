//! Dealers' lagged delta hedging feeds their gamma back into the price (the "GAM-2b" relation
//! of the dealer-gamma literature). A dealer with gamma Γ (lots of delta per tick) that
//! re-hedges every Δ trades −Γ·r_{t−1} lots after a move r_{t−1}; with a price impact λ (ticks
//! per lot) the next change is r_t = e_t − λΓ·r_{t−1}: an AR(1) with coefficient −λΓ. So at
//! the hedge interval the lag-one autocorrelation is −λΓ (negative when long gamma, positive
//! when short) and the variance is 1/(1 − (λΓ)²) times the no-dealer variance (above it for
//! either sign), while over a long horizon the variance is 1/(1 + λΓ)² times it (below for
//! long gamma, above for short).
//!
//! The experiment (`scenarios/validation/gamma_feedback.toml`): a zero-intelligence market
//! with informed traders and one dealer that does not quote, holds an at-the-money straddle
//! of 5 trading days (its gamma stays of the same order through the hour) and hedges its net
//! delta back to 0 with a market order every 5 s. The points vary the straddle's gamma at
//! the open from −2 to +2 lots per tick; Γ = 0 is the control (no options, no hedges). Per
//! run: the variance and lag-one autocorrelation of the mid's 5-s changes and the variance of
//! its 60-s changes (after 60 s of warm-up), λ from the hedges (the mid's change over the 5 s
//! after each hedge decision, regressed on the hedge's signed lots), and Γ from agents.csv.
//! Variance ratios are paired: each seed against the control at the same seed.

use super::measure::{MeasureSpec, RunMeasure};
use super::{Check, Experiment, Outcome, Point, Size, Verdict, cell, fixed, over_seeds};
use crate::findings::spread;
use std::path::PathBuf;

/// The check.
pub const CHECK: Check = Check {
    name: "gamma_feedback",
    experiment,
    evaluate,
};

const HEDGE_S: usize = 5;
const LONG_S: usize = 60;

fn experiment(size: &Size) -> Experiment {
    let gammas: &[f64] = if size.quick {
        &[-2.0, 0.0, 2.0]
    } else {
        &[-2.0, -1.0, 0.0, 1.0, 2.0]
    };
    let points = gammas
        .iter()
        .map(|&g| {
            let mut set = vec![
                format!("market_maker[0].options[0].gamma_lots_per_tick={}", g / 2.0),
                format!("market_maker[0].options[1].gamma_lots_per_tick={}", g / 2.0),
            ];
            if size.quick {
                set.push("run.duration_s=1200.0".into());
            }
            Point {
                label: format!("{g:+}"),
                set,
                file: None,
            }
        })
        .collect();
    Experiment {
        file: PathBuf::from("gamma_feedback.toml"),
        points,
        seeds: size.seeds.unwrap_or(if size.quick { 3 } else { 10 }),
        measure: MeasureSpec {
            short_s: HEDGE_S,
            long_s: LONG_S,
            ..MeasureSpec::after(60.0)
        },
    }
}

/// A point's figures: medians over seeds, the paired ratios, and the AR(1)'s predictions.
struct Row {
    label: String,
    gamma: Option<f64>,
    lambda: Option<f64>,
    lambda_gamma: Option<f64>,
    acf: super::Spread,
    ratio_short: super::Spread,
    ratio_long: super::Spread,
}

fn evaluate(e: &Experiment, runs: &[Vec<RunMeasure>]) -> Outcome {
    let control = e
        .points
        .iter()
        .position(|p| p.label == "+0")
        .expect("a control point");
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(x), Some(y)) if y > 0.0 => Some(x / y),
        _ => None,
    };
    let rows: Vec<Row> = e
        .points
        .iter()
        .zip(runs)
        .map(|(p, r)| {
            let gamma = over_seeds(r, |m| m.gamma_lots_per_tick).median;
            let lambda = over_seeds(r, |m| m.lambda_ticks_per_lot).median;
            Row {
                label: p.label.clone(),
                gamma,
                lambda,
                lambda_gamma: lambda.zip(gamma).map(|(l, g)| l * g),
                acf: over_seeds(r, |m| m.acf_short),
                ratio_short: spread(
                    r.iter()
                        .zip(&runs[control])
                        .map(|(a, c)| ratio(a.var_short_ticks2, c.var_short_ticks2)),
                ),
                ratio_long: spread(
                    r.iter()
                        .zip(&runs[control])
                        .map(|(a, c)| ratio(a.var_long_ticks2, c.var_long_ticks2)),
                ),
            }
        })
        .collect();
    let control_acf = rows[control].acf.median.unwrap_or(0.0);
    let dealers: Vec<&Row> = rows.iter().filter(|r| r.label != "+0").collect();
    let long: Vec<&&Row> = dealers
        .iter()
        .filter(|r| r.label.starts_with('+'))
        .collect();
    let short: Vec<&&Row> = dealers
        .iter()
        .filter(|r| r.label.starts_with('-'))
        .collect();
    let med = |s: &super::Spread| s.median.unwrap_or(f64::NAN);
    // the autocorrelation falls as gamma rises, point by point
    let acf_falls = rows.windows(2).all(|w| med(&w[1].acf) < med(&w[0].acf));
    let acf_close = dealers.iter().all(|r| {
        r.lambda_gamma
            .is_some_and(|lg| (med(&r.acf) - control_acf + lg).abs() <= 0.1)
    });
    let long_side = long.iter().all(|r| med(&r.ratio_long) < 1.0)
        && short.iter().all(|r| med(&r.ratio_long) > 1.0);
    let long_close = dealers.iter().all(|r| {
        r.lambda_gamma.is_some_and(|lg| {
            let predicted = 1.0 / (1.0 + lg).powi(2);
            (med(&r.ratio_long) / predicted - 1.0).abs() <= 0.25
        })
    });
    let short_up = dealers.iter().all(|r| med(&r.ratio_short) > 1.0);
    let short_close = dealers.iter().all(|r| {
        r.lambda_gamma.is_some_and(|lg| {
            let predicted = 1.0 / (1.0 - lg * lg);
            (med(&r.ratio_short) / predicted - 1.0).abs() <= 0.25
        })
    });
    let verdict = |direction: bool, magnitude: bool| match (direction, magnitude) {
        (true, true) => "reproduced",
        (true, false) => "direction only",
        _ => "not reproduced",
    };
    let by_point = |f: &dyn Fn(&Row) -> String| {
        rows.iter()
            .map(|r| format!("Γ {}: {}", r.label, f(r)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let source = "Lagged delta hedging of dealer gamma (GAM-2b)";
    let verdicts = vec![
        Verdict {
            check: CHECK.name,
            claim: "At the hedge interval, mid changes are autocorrelated −λΓ: negative when \
                    dealers are long gamma, positive when short"
                .into(),
            source,
            expected: "lag-1 autocorrelation of 5-s changes falling with Γ, shifted from the \
                       control's by −λΓ (within ±0.1)"
                .into(),
            measured: by_point(&|r| fixed(med(&r.acf), 3)),
            seeds: e.seeds,
            verdict: verdict(acf_falls, acf_close),
        },
        Verdict {
            check: CHECK.name,
            claim: "Over a long horizon, long gamma lowers the variance and short gamma \
                    raises it"
                .into(),
            source,
            expected: "60-s variance ÷ control's = 1/(1 + λΓ)² (within 25 %): below 1 for \
                       Γ > 0, above for Γ < 0"
                .into(),
            measured: by_point(&|r| fixed(med(&r.ratio_long), 2)),
            seeds: e.seeds,
            verdict: verdict(long_side, long_close),
        },
        Verdict {
            check: CHECK.name,
            claim: "At the hedge interval itself, hedging raises the variance whatever the \
                    sign of gamma"
                .into(),
            source,
            expected: "5-s variance ÷ control's = 1/(1 − (λΓ)²) (within 25 %): above 1 for \
                       both signs"
                .into(),
            measured: by_point(&|r| fixed(med(&r.ratio_short), 2)),
            seeds: e.seeds,
            verdict: verdict(short_up, short_close),
        },
    ];
    let mut md = format!(
        "**`gamma_feedback`** (dealers' lagged hedging; hedge interval Δ = {HEDGE_S} s, long \
         horizon {LONG_S} s; Γ is the dealer's option gamma in lots of the underlying per \
         tick, λ the hedges' impact in ticks per lot; medians over {} seeds, [40 %, 60 %] \
         quantiles; ratios are paired with the control Γ = 0 at the same seed)\n\n\
         | Γ at the open | Γ measured | λ | λΓ | autocorrelation at Δ | predicted: control − λΓ \
         | variance at Δ ÷ control | predicted 1/(1 − (λΓ)²) | variance at {LONG_S} s ÷ control \
         | predicted 1/(1 + λΓ)² |\n|---|---|---|---|---|---|---|---|---|---|\n",
        e.seeds
    );
    let mut csv = String::from(
        "gamma_target_lots_per_tick,gamma_lots_per_tick,lambda_ticks_per_lot,lambda_gamma,\
         acf_hedge_interval,acf_hedge_interval_q40,acf_hedge_interval_q60,acf_predicted,\
         var_ratio_hedge_interval,var_ratio_hedge_interval_predicted,var_ratio_long,\
         var_ratio_long_predicted\n",
    );
    let opt = |v: Option<f64>, d: usize| v.map_or("—".to_string(), |x| fixed(x, d));
    let raw = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
    for r in &rows {
        let lg = r.lambda_gamma.filter(|_| r.label != "+0");
        let acf_pred = lg.map(|x| control_acf - x);
        let short_pred = lg.map(|x| 1.0 / (1.0 - x * x));
        let long_pred = lg.map(|x| 1.0 / (1.0 + x).powi(2));
        md += &format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.label,
            opt(r.gamma, 2),
            opt(r.lambda, 3),
            opt(lg, 3),
            cell(&r.acf, 3),
            opt(acf_pred, 3),
            cell(&r.ratio_short, 2),
            opt(short_pred, 2),
            cell(&r.ratio_long, 2),
            opt(long_pred, 2),
        );
        csv += &format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.label,
            raw(r.gamma),
            raw(r.lambda),
            raw(lg),
            raw(r.acf.median),
            raw(r.acf.q40),
            raw(r.acf.q60),
            raw(acf_pred),
            raw(r.ratio_short.median),
            raw(short_pred),
            raw(r.ratio_long.median),
            raw(long_pred),
        );
    }
    Outcome {
        verdicts,
        detail_md: md,
        detail_csv: csv,
    }
}
