//! The reference market (`scenarios/baseline.toml`, the Quick start) against the stylized facts
//! of real markets, and the counterfactual that shows where its volatility clustering comes
//! from.
//!
//! - Cont (2001), "Empirical properties of asset returns: stylized facts and statistical
//!   issues", Quantitative Finance 1, 223–236: no linear autocorrelation of returns beyond the
//!   shortest (microstructure) scales; volatility clustering, the autocorrelation of absolute
//!   returns positive and slowly decaying; heavy tails whose excess kurtosis falls as returns
//!   are aggregated ("aggregational Gaussianity").
//! - Glosten & Milgrom (1985) and Menkveld (2013), "High frequency trading and the new market
//!   makers", J. Financial Markets 16: a market maker earns the spread on uninformed flow and
//!   loses to informed flow, and in a calm market the first outweighs the second.
//! - Large-tick stocks (Bouchaud, Bonart, Donier & Gould 2018, *Trades, Quotes and Prices*,
//!   ch. 3 and 7): the spread is one tick nearly all the time and the best queues are long.
//!
//! Three points: the reference market; the same market with Poisson order flow (Hawkes
//! branching ratio 0), the counterfactual that changes only the flow's memory; and
//! `scenarios/adverse_selection.toml`, the baseline before this one, for comparison. Each run is
//! the file's market for three hours (one in the quick version), so that 300-s returns are
//! enough for a kurtosis; statistics start after 60 s; mid changes are sampled every second.

use super::measure::{MeasureSpec, RunMeasure};
use super::{Check, Experiment, Outcome, Point, Size, Spread, Verdict, cell, over_seeds};
use std::path::PathBuf;

/// The check.
pub const CHECK: Check = Check {
    name: "reference_market",
    experiment,
    evaluate,
};

/// Hours per run (the file's hour, run three times as long for the statistics at minutes).
const HOURS: f64 = 3.0;
/// Largest |lag-one autocorrelation| of 10-s and 60-s returns that counts as none.
const NO_ACF: f64 = 0.1;
/// Share of seconds with a one-tick spread that makes a large-tick stock.
const ONE_TICK_SHARE: f64 = 0.8;
/// Orders of the typical size (σ = 2 lots) the best queue should hold at least.
const BEST_QUEUE_ORDERS: f64 = 5.0;

fn experiment(size: &Size) -> Experiment {
    let labels = [
        ("reference", None, None),
        ("Poisson flow (n = 0)", Some("0.0"), None),
        (
            "adverse_selection.toml",
            None,
            Some("../adverse_selection.toml"),
        ),
    ];
    let points = labels
        .iter()
        .map(|&(label, n, file)| {
            let mut set = Vec::new();
            if let Some(n) = n {
                set.push(format!("noise[0].hawkes.branching_ratio={n}"));
            }
            set.push(format!(
                "run.duration_s={}",
                if size.quick { 3600.0 } else { HOURS * 3600.0 }
            ));
            Point {
                label: label.into(),
                set,
                file: file.map(PathBuf::from),
            }
        })
        .collect();
    Experiment {
        file: PathBuf::from("../baseline.toml"),
        points,
        seeds: size.seeds.unwrap_or(if size.quick { 3 } else { 10 }),
        measure: MeasureSpec::after(60.0),
    }
}

fn med(s: &Spread) -> f64 {
    s.median.unwrap_or(f64::NAN)
}

fn evaluate(e: &Experiment, runs: &[Vec<RunMeasure>]) -> Outcome {
    let (r, cf, before) = (&runs[0], &runs[1], &runs[2]);
    let f = |rs: &[RunMeasure], g: fn(&super::market_facts::MarketFacts) -> Option<f64>| {
        over_seeds(rs, |m| g(&m.facts))
    };
    let hours = |m: &RunMeasure| m.facts.duration_s.map(|d| d / 3600.0);
    let pnl = over_seeds(r, |m| m.facts.maker_pnl.zip(hours(m)).map(|(p, h)| p / h));
    let mk_inf = f(r, |x| x.markout_vs_informed);
    let mk_noise = f(r, |x| x.markout_vs_noise);
    let acf10 = f(r, |x| x.acf_10s);
    let acf60 = f(r, |x| x.acf_60s);
    let abs: Vec<Spread> = (0..3)
        .map(|i| over_seeds(r, |m| m.facts.abs_acf[i]))
        .collect();
    let abs_cf: Vec<Spread> = (0..3)
        .map(|i| over_seeds(cf, |m| m.facts.abs_acf[i]))
        .collect();
    let kurt: Vec<Spread> = (0..4)
        .map(|i| over_seeds(r, |m| m.facts.kurtosis[i]))
        .collect();
    let kurt_cf: Vec<Spread> = (0..4)
        .map(|i| over_seeds(cf, |m| m.facts.kurtosis[i]))
        .collect();
    let spread = f(r, |x| x.spread_ticks);
    let one = f(r, |x| x.one_tick_share);
    let best = f(r, |x| x.best_lots);
    let ok = |b: bool| if b { "reproduced" } else { "not reproduced" };
    let source_cont = "Cont (2001), Quant. Finance 1, 223–236";
    let lags = ["10 s", "60 s", "300 s"];
    let scales = ["1 s", "10 s", "60 s", "300 s"];
    let listed = |v: &[Spread], names: &[&str], d: usize| {
        v.iter()
            .zip(names)
            .map(|(s, n)| format!("{n}: {}", cell(s, d)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let clustering = med(&abs[1]) > 0.0
        && med(&abs[2]) > 0.0
        && med(&abs[1]) > med(&abs_cf[1])
        && med(&abs[2]) > med(&abs_cf[2]);
    let falls = med(&kurt[1]) > med(&kurt[2]) && med(&kurt[2]) > med(&kurt[3]);
    let large_short = med(&kurt[0]).max(med(&kurt[1])) >= 3.0;
    let verdicts = vec![
        Verdict {
            check: CHECK.name,
            claim: "Makers earn the spread in a calm market while informed traders pick them \
                    off"
            .into(),
            source: "Glosten & Milgrom (1985); Menkveld (2013), J. Financial Markets 16",
            expected: "makers' PnL > 0; 5-s markout of their fills < 0 against informed \
                       takers, > 0 against noise takers"
                .into(),
            measured: format!(
                "PnL per hour: {}; markout, ticks per lot: against informed {}, against noise \
                 {}",
                cell(&pnl, 0),
                cell(&mk_inf, 3),
                cell(&mk_noise, 3)
            ),
            seeds: e.seeds,
            verdict: ok(med(&pnl) > 0.0 && med(&mk_inf) < 0.0 && med(&mk_noise) > 0.0),
        },
        Verdict {
            check: CHECK.name,
            claim: "Mid returns have no linear autocorrelation beyond a few seconds".into(),
            source: source_cont,
            expected: format!("lag-1 autocorrelation within ±{NO_ACF} at 10 s and 60 s"),
            measured: format!("10 s: {}; 60 s: {}", cell(&acf10, 3), cell(&acf60, 3)),
            seeds: e.seeds,
            verdict: ok(med(&acf10).abs() < NO_ACF && med(&acf60).abs() < NO_ACF),
        },
        Verdict {
            check: CHECK.name,
            claim: "Volatility clusters: absolute returns stay positively autocorrelated over \
                    minutes (and the Hawkes flow is the cause)"
                .into(),
            source: source_cont,
            expected: "autocorrelation of absolute 1-s returns > 0 at lags of 60 s and 300 s, \
                       above the same market with Poisson flow"
                .into(),
            measured: format!(
                "{}; Poisson flow: {}",
                listed(&abs, &lags, 3),
                listed(&abs_cf, &lags, 3)
            ),
            seeds: e.seeds,
            verdict: ok(clustering),
        },
        Verdict {
            check: CHECK.name,
            claim: "Returns are heavy-tailed at short scales and closer to Gaussian when \
                    aggregated"
                .into(),
            source: source_cont,
            expected: "excess kurtosis ≥ 3 at seconds, falling from 10 s to 60 s to 300 s".into(),
            measured: format!(
                "{}; Poisson flow: {}",
                listed(&kurt, &scales, 2),
                listed(&kurt_cf, &scales, 2)
            ),
            seeds: e.seeds,
            verdict: match (large_short, falls) {
                (true, true) => "reproduced",
                (false, false) => "not reproduced",
                _ => "partly reproduced",
            },
        },
        Verdict {
            check: CHECK.name,
            claim: "Spread and depth of a large-tick stock".into(),
            source: "Bouchaud, Bonart, Donier & Gould (2018), Trades, Quotes and Prices, ch. 3",
            expected: format!(
                "spread of one tick ≥ {} % of seconds; ≥ {BEST_QUEUE_ORDERS} orders (σ = 2 lots) \
                 at the best quote",
                ONE_TICK_SHARE * 100.0
            ),
            measured: format!(
                "one-tick share {}; mean spread {} ticks; lots at the best {}",
                cell(&one, 3),
                cell(&spread, 3),
                cell(&best, 1)
            ),
            seeds: e.seeds,
            verdict: ok(med(&one) >= ONE_TICK_SHARE && med(&best) >= 2.0 * BEST_QUEUE_ORDERS),
        },
    ];
    let mut md = format!(
        "**`reference_market`** (`scenarios/baseline.toml` run for {HOURS} hours, statistics after \
         60 s; medians over {} seeds, [40 %, 60 %] quantiles; returns are mid changes in ticks \
         at 1-s samples; beside it the same market with Poisson flow, the counterfactual of its \
         Hawkes activity, and `adverse_selection.toml`, the baseline before this reference \
         market, run as long)\n\n| statistic | reference | Poisson flow (n = 0) | \
         adverse_selection.toml |\n|---|---|---|---|\n",
        e.seeds
    );
    let mut csv = String::from("statistic,point,median,q40,q60\n");
    let raw = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
    // `name` for validation.md, `key` (no commas) for the CSV
    let mut row = |name: &str, key: &str, g: &dyn Fn(&RunMeasure) -> Option<f64>, d: usize| {
        let a = over_seeds(r, g);
        let b = over_seeds(cf, g);
        let c = over_seeds(before, g);
        md += &format!(
            "| {name} | {} | {} | {} |\n",
            cell(&a, d),
            cell(&b, d),
            cell(&c, d)
        );
        for (p, s) in [
            ("reference", &a),
            ("poisson", &b),
            ("adverse_selection", &c),
        ] {
            csv += &format!(
                "{key},{p},{},{},{}\n",
                raw(s.median),
                raw(s.q40),
                raw(s.q60)
            );
        }
    };
    let per_hour = |m: &RunMeasure| m.facts.maker_pnl.zip(hours(m)).map(|(p, h)| p / h);
    row(
        "makers' PnL per hour, currency",
        "maker_pnl_per_hour",
        &per_hour,
        0,
    );
    row(
        "markout vs informed, ticks/lot",
        "markout_vs_informed_ticks_per_lot",
        &|m| m.facts.markout_vs_informed,
        3,
    );
    row(
        "markout vs noise, ticks/lot",
        "markout_vs_noise_ticks_per_lot",
        &|m| m.facts.markout_vs_noise,
        3,
    );
    row(
        "lag-1 autocorrelation, 1-s returns",
        "acf_lag1_1s",
        &|m| m.facts.acf_1s,
        3,
    );
    row(
        "lag-1 autocorrelation, 10-s returns",
        "acf_lag1_10s",
        &|m| m.facts.acf_10s,
        3,
    );
    row(
        "lag-1 autocorrelation, 60-s returns",
        "acf_lag1_60s",
        &|m| m.facts.acf_60s,
        3,
    );
    for (i, l) in lags.iter().enumerate() {
        row(
            &format!("autocorrelation of absolute 1-s returns at {l}"),
            &format!("abs_acf_{}", l.replace(' ', "")),
            &move |m: &RunMeasure| m.facts.abs_acf[i],
            3,
        );
    }
    for (i, s) in scales.iter().enumerate() {
        row(
            &format!("excess kurtosis, {s} returns"),
            &format!("kurtosis_{}", s.replace(' ', "")),
            &move |m: &RunMeasure| m.facts.kurtosis[i],
            2,
        );
    }
    row(
        "mean spread, ticks",
        "spread_ticks",
        &|m| m.facts.spread_ticks,
        3,
    );
    row(
        "one-tick share",
        "one_tick_share",
        &|m| m.facts.one_tick_share,
        3,
    );
    row(
        "lots at the best quote",
        "best_lots",
        &|m| m.facts.best_lots,
        1,
    );
    row(
        "market orders per second",
        "market_orders_per_s",
        &|m| m.facts.market_orders_per_s,
        3,
    );
    Outcome {
        verdicts,
        detail_md: md,
        detail_csv: csv,
    }
}
