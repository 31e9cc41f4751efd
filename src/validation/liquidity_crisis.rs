//! Fosset, Bouchaud & Benzaquen (2020), "Endogenous liquidity crises", J. Stat. Mech.: when
//! liquidity provision falls with past volatility, a zero-intelligence book goes through a
//! phase transition. Below a critical feedback strength it is stable; above it, liquidity
//! crises (the book running dry) arise with probability one given time. In finite runs the
//! probability of a crisis is a sigmoid in the strength, which moves to lower strengths and
//! sharpens as the runs get longer.
//!
//! depthsim's feedback is its own smooth form, in the spirit of theirs (the limit-order rate
//! × exp(−s · max(0, σ̂/σ₀ − 1)), `[noise.feedback]`), so the comparison is of the shape, not
//! of the critical value. The experiment (`scenarios/validation/liquidity_crisis.toml`): a
//! zero-intelligence book (μ = 2, α = 0.5, δ = 0.1, W = 20), σ₀ = 1 tick/√s, the feedback
//! silent for the first 300 s while the book forms from empty; points: strengths × run
//! lengths of 600, 2,400 and 9,600 s after those 300 s. A run has a *crisis* when a side of the
//! book is empty at a 1-s sample of book.csv after the 300 s. The seeds are the same at every
//! point (common random numbers), so a longer run extends a shorter one.

use super::gamma_failure::critical;
use super::measure::{MeasureSpec, RunMeasure};
use super::{Check, Experiment, Outcome, Point, Size, Verdict, fixed};
use std::path::PathBuf;

/// The check.
pub const CHECK: Check = Check {
    name: "liquidity_crisis",
    experiment,
    evaluate,
};

/// Seconds the book forms before the feedback acts (and before crises count).
const FORM_S: f64 = 300.0;

fn strengths(quick: bool) -> &'static [f64] {
    if quick {
        &[0.5, 1.0, 2.0, 3.0]
    } else {
        &[0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0]
    }
}

fn lengths(quick: bool) -> &'static [f64] {
    if quick {
        &[600.0, 2400.0]
    } else {
        &[600.0, 2400.0, 9600.0]
    }
}

fn experiment(size: &Size) -> Experiment {
    let mut points = Vec::new();
    for &t in lengths(size.quick) {
        for &s in strengths(size.quick) {
            points.push(Point {
                label: format!("T {t} s {s}"),
                set: vec![
                    format!("run.duration_s={:?}", t + FORM_S),
                    format!("noise[0].feedback.strength={s:?}"),
                ],
                file: None,
            });
        }
    }
    Experiment {
        file: PathBuf::from("liquidity_crisis.toml"),
        points,
        seeds: size.seeds.unwrap_or(if size.quick { 4 } else { 10 }),
        measure: MeasureSpec::after(FORM_S),
    }
}

/// The strengths and lengths of an experiment, read back from its points.
fn grid(e: &Experiment) -> (Vec<f64>, Vec<f64>) {
    let quick = e.points.len() == strengths(true).len() * lengths(true).len();
    (strengths(quick).to_vec(), lengths(quick).to_vec())
}

/// The first strength at which `p` reaches `level`, interpolated; `None` if it never does.
fn crossing(s: &[f64], p: &[f64], level: f64) -> Option<f64> {
    // `critical` finds ½; shift the curve so that `level` sits at ½
    let shifted: Vec<f64> = p.iter().map(|x| x - level + 0.5).collect();
    critical(s, &shifted)
}

fn evaluate(e: &Experiment, runs: &[Vec<RunMeasure>]) -> Outcome {
    let (s, t) = grid(e);
    let share: Vec<Vec<f64>> = t
        .iter()
        .enumerate()
        .map(|(ti, _)| {
            (0..s.len())
                .map(|si| {
                    let r = &runs[ti * s.len() + si];
                    r.iter()
                        .filter(|m| m.facts.first_empty_side_s.is_some())
                        .count() as f64
                        / r.len() as f64
                })
                .collect()
        })
        .collect();
    let half: Vec<Option<f64>> = share.iter().map(|p| crossing(&s, p, 0.5)).collect();
    let width: Vec<Option<f64>> = share
        .iter()
        .map(|p| Some(crossing(&s, p, 0.8)? - crossing(&s, p, 0.2)?))
        .collect();
    // a sigmoid: from (almost) none to (almost) all, never falling by more than one run in ten
    let sigmoid = share
        .iter()
        .all(|p| p[0] <= 0.1 && p[p.len() - 1] >= 0.9 && p.windows(2).all(|w| w[1] >= w[0] - 0.1));
    let top = s[s.len() - 1] * 2.0;
    let h = |i: usize| half[i].unwrap_or(top);
    let moves = (1..t.len()).all(|i| h(i) <= h(i - 1)) && h(t.len() - 1) < h(0);
    let w = |i: usize| width[i].unwrap_or(f64::INFINITY);
    let sharpens = (1..t.len()).all(|i| w(i) <= w(i - 1));
    let show = |v: Option<f64>| v.map_or("—".to_string(), |x| fixed(x, 2));
    let per_t = |v: &[Option<f64>]| {
        t.iter()
            .zip(v)
            .map(|(tt, x)| format!("{} s: {}", fixed(*tt, 0), show(*x)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let verdict = Verdict {
        check: CHECK.name,
        claim: "With a volatility → liquidity feedback the probability of a liquidity crisis is \
                a sigmoid in the feedback strength that moves to weaker feedback and sharpens as \
                runs get longer"
            .into(),
        source: "Fosset, Bouchaud & Benzaquen (2020), J. Stat. Mech., \"Endogenous liquidity \
                 crises\"",
        expected: "crisis share rising from ≤ 0.1 to ≥ 0.9 with the strength at every length; \
                   the strength at which it reaches ½ falling with the length; the 0.2–0.8 width \
                   not growing"
            .into(),
        measured: format!(
            "strength at ½: {}; 0.2–0.8 width: {}",
            per_t(&half),
            per_t(&width)
        ),
        seeds: e.seeds,
        verdict: match (sigmoid && moves, sharpens) {
            (true, true) => "reproduced",
            (true, false) => "partly reproduced",
            _ if sigmoid || moves => "partly reproduced",
            _ => "not reproduced",
        },
    };
    let mut md = format!(
        "**`liquidity_crisis`** (share of {} seeds in which a side of the book emptied; rows: \
         the run's length after the book formed, s; columns: the feedback strength s)\n\n\
         | length |",
        e.seeds
    );
    for x in &s {
        md += &format!(" {} |", fixed(*x, 2));
    }
    md += " s at ½ | 0.2–0.8 width |\n|---|";
    md += &"---|".repeat(s.len() + 2);
    md += "\n";
    let mut csv = String::from("length_s,strength,runs,crisis_share\n");
    for (ti, tt) in t.iter().enumerate() {
        md += &format!("| {} |", fixed(*tt, 0));
        for (si, x) in s.iter().enumerate() {
            md += &format!(" {} |", fixed(share[ti][si], 1));
            csv += &format!("{tt},{x},{},{}\n", e.seeds, share[ti][si]);
        }
        md += &format!(" {} | {} |\n", show(half[ti]), show(width[ti]));
    }
    Outcome {
        verdicts: vec![verdict],
        detail_md: md,
        detail_csv: csv,
    }
}
