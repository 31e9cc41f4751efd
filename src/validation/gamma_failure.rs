//! Buis, Pieterse-Bloem, Verschoor & Zwinkels (2024), "Gamma positioning and market quality",
//! Journal of Economic Dynamics and Control 164: in a zero-intelligence book with informed
//! traders, news and one dynamic hedger, the probability that the book fails (a side
//! empties) rises with the informed traders' intensity, and the critical intensity at which
//! half the runs fail rises from short to long hedger gamma (their Table 1: about 0.35, 0.40
//! and 0.50 of the order flow at positions −80, 0 and +80). Compare the ordering, not the
//! cells: the two models differ in every detail.
//!
//! The experiment (`scenarios/validation/gamma_failure.toml`): a thin zero-intelligence book,
//! a fundamental with news (jumps), informed traders whose look rate is the intensity, and
//! one dealer that does not quote, holds an at-the-money straddle of 5 trading days and
//! hedges like Buis et al.'s hedger: passively at the touch first, escalating the rest to an
//! IOC after 3 s. A run *fails*, as in the paper, when a side of the book empties: no order
//! at all on one side at the end of a step, after 60 s of warm-up (summary.csv's
//! `first_one_sided_s`, checked every step whatever book.csv's sampling). The
//! points: short, zero and long gamma (−4, 0 and +4 lots per tick at the open) × informed
//! look rates; the intensity is also given as the informed traders' share of the lots traded
//! (taker side), measured. The critical intensity is where the failure share first reaches
//! ½, interpolated linearly between rates.

use super::measure::{MeasureSpec, RunMeasure};
use super::{Check, Experiment, Outcome, Point, Size, Verdict, fixed, over_seeds};
use std::path::PathBuf;

/// The check.
pub const CHECK: Check = Check {
    name: "gamma_failure",
    experiment,
    evaluate,
};

/// The dealer's gamma at the open, lots per tick: short, zero, long.
const GAMMAS: [f64; 3] = [-4.0, 0.0, 4.0];

/// How long the hedger rests before escalating, s: the scenario's 3 s, and 1 s (a hedger
/// that takes liquidity sooner) as a sensitivity.
const WAITS_S: [f64; 2] = [3.0, 1.0];

fn rates(quick: bool) -> &'static [f64] {
    if quick {
        &[0.1, 0.3, 0.6]
    } else {
        &[0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.2]
    }
}

fn experiment(size: &Size) -> Experiment {
    let mut points = Vec::new();
    let waits: &[f64] = if size.quick { &WAITS_S[..1] } else { &WAITS_S };
    for &w in waits {
        for g in GAMMAS {
            for &r in rates(size.quick) {
                let mut set = vec![
                    format!("informed[0].rate_per_s={r}"),
                    format!("market_maker[0].options[0].gamma_lots_per_tick={}", g / 2.0),
                    format!("market_maker[0].options[1].gamma_lots_per_tick={}", g / 2.0),
                    format!("market_maker[0].hedge.max_wait_s={w:?}"),
                ];
                if size.quick {
                    set.push("run.duration_s=1200.0".into());
                }
                points.push(Point {
                    label: format!("{w} s {g:+} {r}"),
                    set,
                    file: None,
                });
            }
        }
    }
    Experiment {
        file: PathBuf::from("gamma_failure.toml"),
        points,
        seeds: size.seeds.unwrap_or(if size.quick { 8 } else { 20 }),
        measure: MeasureSpec {
            short_s: 5,
            fails_on_empty_side: true,
            ..MeasureSpec::after(60.0)
        },
    }
}

/// The intensity at which `share` (failure share per intensity, increasing intensities)
/// first reaches ½, linearly interpolated; `None` if it never does.
pub fn critical(intensities: &[f64], share: &[f64]) -> Option<f64> {
    let mut prev: Option<(f64, f64)> = None;
    for (&x, &y) in intensities.iter().zip(share) {
        if y >= 0.5 {
            return Some(match prev {
                Some((x0, y0)) if y > y0 => x0 + (0.5 - y0) * (x - x0) / (y - y0),
                _ => x,
            });
        }
        prev = Some((x, y));
    }
    None
}

fn evaluate(e: &Experiment, runs: &[Vec<RunMeasure>]) -> Outcome {
    let per_wait = GAMMAS.len() * rates_in(e).len();
    let mut out = Outcome {
        verdicts: Vec::new(),
        detail_md: String::new(),
        detail_csv: String::from(
            "max_wait_s,gamma_lots_per_tick,informed_rate_per_s,informed_share,runs,failed_share\n",
        ),
    };
    for (wi, chunk) in runs.chunks(per_wait).enumerate() {
        let wait = WAITS_S[wi];
        let block = evaluate_wait(e, chunk, wait);
        if wi == 0 {
            out.verdicts.push(block.verdict);
        } else {
            // the sensitivity: its own row, said to be one
            let mut v = block.verdict;
            v.claim = format!(
                "(sensitivity: the hedger escalates after {wait} s) {}",
                v.claim
            );
            out.verdicts.push(v);
        }
        out.detail_md += &block.md;
        out.detail_md += "\n";
        out.detail_csv += &block.csv;
    }
    out
}

/// The informed look rates of the experiment, in order.
fn rates_in(e: &Experiment) -> Vec<f64> {
    let n = e
        .points
        .iter()
        .take_while(|p| p.set[1] == e.points[0].set[1])
        .count();
    e.points[..n]
        .iter()
        .map(|p| {
            p.set[0]
                .rsplit('=')
                .next()
                .and_then(|v| v.parse().ok())
                .expect("a rate override")
        })
        .collect()
}

struct Block {
    verdict: Verdict,
    md: String,
    csv: String,
}

fn evaluate_wait(e: &Experiment, runs: &[Vec<RunMeasure>], wait_s: f64) -> Block {
    let rates = rates_in(e);
    let n_rates = rates.len();
    let mut share = vec![vec![0.0; n_rates]; GAMMAS.len()];
    let mut informed = vec![vec![None; n_rates]; GAMMAS.len()];
    for gi in 0..GAMMAS.len() {
        for ri in 0..n_rates {
            let r = &runs[gi * n_rates + ri];
            share[gi][ri] = r.iter().filter(|m| m.failed).count() as f64 / r.len() as f64;
            informed[gi][ri] = over_seeds(r, |m| m.informed_share).median;
        }
    }
    let crit: Vec<Option<f64>> = share.iter().map(|s| critical(&rates, s)).collect();
    let names = ["short", "zero", "long"];
    let show = |v: Option<f64>| {
        v.map_or(format!("above {}", fixed(rates[n_rates - 1], 2)), |x| {
            fixed(x, 2)
        })
    };
    let measured = (0..3)
        .map(|g| {
            format!(
                "{} ({:+} lots/tick): {}",
                names[g],
                GAMMAS[g],
                show(crit[g])
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    // never failing by half within the grid counts as above its top
    let top = rates[n_rates - 1] * 2.0;
    let c = |g: usize| crit[g].unwrap_or(top);
    // the paper's books all fail at the top of its intensity grid
    let saturates = share[1][n_rates - 1] >= 0.9;
    let ordered = c(0) < c(1) && c(1) < c(2);
    let verdict = if ordered && saturates {
        "reproduced"
    } else if ordered || c(0) < c(1) || c(1) < c(2) {
        "partly reproduced"
    } else {
        "not reproduced"
    };
    let verdict = Verdict {
        check: CHECK.name,
        claim: "The informed intensity at which the book fails in half the runs rises from \
                short to long dealer gamma"
            .into(),
        source: "Buis, Pieterse-Bloem, Verschoor & Zwinkels (2024), JEDC 164, Table 1",
        expected: "critical intensity short < zero < long (paper: ≈ 0.35, 0.40, 0.50 of the \
                   order flow at positions −80, 0, +80), and every book failing at high \
                   intensity"
            .into(),
        measured: format!(
            "critical informed look rate per trader, per s: {measured}; failure share at the \
             top rate ({}/s), zero gamma: {}",
            fixed(rates[n_rates - 1], 2),
            fixed(share[1][n_rates - 1], 2)
        ),
        seeds: e.seeds,
        verdict,
    };
    let mut md = format!(
        "**`gamma_failure`, escalation after {wait_s} s** (share of {} seeds whose book \
         failed: a side of the book emptied after 60 s; rows: the dealer's \
         gamma at the open, lots per tick; columns: the informed traders' look rate per \
         second each, with the median informed share of the lots traded, taker side, at zero \
         gamma)\n\n| Γ |",
        e.seeds
    );
    for (ri, r) in rates.iter().enumerate() {
        md += &format!(
            " {} ({}) |",
            fixed(*r, 2),
            informed[1][ri].map_or("—".into(), |v| fixed(v, 2))
        );
    }
    md += " critical rate |\n|---|";
    md += &"---|".repeat(n_rates + 1);
    md += "\n";
    let mut csv = String::new();
    for (gi, g) in GAMMAS.iter().enumerate() {
        md += &format!("| {g:+} |");
        for ri in 0..n_rates {
            md += &format!(" {} |", fixed(share[gi][ri], 2));
            csv += &format!(
                "{wait_s},{g},{},{},{},{}\n",
                rates[ri],
                informed[gi][ri].map_or(String::new(), |v| format!("{v}")),
                e.seeds,
                share[gi][ri]
            );
        }
        md += &format!(" {} |\n", show(crit[gi]));
    }
    Block { verdict, md, csv }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_critical_intensity_interpolates_the_first_crossing_of_one_half() {
        let x = [0.1, 0.2, 0.4, 0.8];
        let c = critical(&x, &[0.0, 0.25, 0.75, 1.0]).unwrap();
        assert!((c - 0.3).abs() < 1e-12, "{c}");
        assert_eq!(
            critical(&x, &[0.6, 0.2, 0.9, 1.0]),
            Some(0.1),
            "already at the first"
        );
        assert_eq!(critical(&x, &[0.0, 0.1, 0.2, 0.4]), None);
        assert_eq!(critical(&x, &[0.0, 0.5, 0.2, 0.9]), Some(0.2));
    }
}
