//! The memory a run will need, estimated from its scenario before it starts, and the limit
//! it is checked against (`--max-memory`).
//!
//! The estimate is a sum of terms, each the count of something a run keeps in memory times
//! a size per item measured on the built program with room to spare (peak resident memory
//! with `/usr/bin/time -v`, release build; see docs/safety.md for the table):
//!
//! | term | count | bytes each |
//! |---|---|---|
//! | the program | 1 | 32 MiB (the shipped scenarios peak at 8–18 MB) |
//! | noise traders | Σ `noise[i].count` | 512 (measured ≈ 360) |
//! | informed traders | Σ `informed[i].count` | 6 KiB (measured ≈ 3.8 K at its peak) |
//! | market makers | Σ `market_maker[i].count` | 10 KiB (measured ≈ 8 K) |
//! | makers' quotes | Σ count × `levels` × 2 sides | 256 (measured ≈ 140–190) |
//! | makers' option lines | Σ count × (option lines + client-flow series) | 256 |
//! | noise traders' resting orders | Σ 2 × α × W × min(1/δ, run) (× a liquidity shock's factor) | 256 (measured ≈ 70–220) |
//! | books' price ladders | Σ `max_span_ticks` | 25 |
//! | halted books' queues | Σ `halt.max_held_orders` | 2 × a request |
//! | requests in flight | order rate × (step + longest latency) | 4 × a request |
//! | delayed observations | longest `observation_delay_s` / `dt_s` | 16 |
//! | programs' volume windows | Σ `window_s` / `interval_s` | 32 |
//!
//! It is computed once, before the world is built (no cost while the run goes), and errs on
//! the high side: it is there to refuse a scenario that would exhaust a machine, with the
//! keys that drive it, not to predict memory to the byte.

use crate::scenario::{Scenario, ShockKind};
use crate::sim::resources::OrderRequest;
use std::fmt;
use std::str::FromStr;

const KIB: u64 = 1 << 10;
const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// The program itself, its output buffers and the world's fixed parts, bytes.
const BASE_BYTES: u64 = 32 * MIB;
/// Per noise trader, bytes.
const NOISE_TRADER_BYTES: u64 = 512;
/// Per informed trader, bytes.
const INFORMED_TRADER_BYTES: u64 = 6 * KIB;
/// Per market maker, bytes (its quotes aside).
const MAKER_BYTES: u64 = 10 * KIB;
/// Per quote a maker keeps on the book (its record and the book's), bytes.
const QUOTE_BYTES: u64 = 256;
/// Per option line a maker's book holds, bytes.
const OPTION_LINE_BYTES: u64 = 256;
/// Per resting zero-intelligence order (the book's slot and its expiry), bytes.
const RESTING_ORDER_BYTES: u64 = 256;
/// Per tick of a book's price span (a level and its bit), bytes.
const LADDER_TICK_BYTES: u64 = 25;
/// Per delayed observation kept, bytes.
const OBSERVATION_BYTES: u64 = 16;
/// Per sample of a program's volume window, bytes.
const WINDOW_SAMPLE_BYTES: u64 = 32;

/// The default `--max-memory`: 4 GiB, within what a laptop can give one process.
pub const DEFAULT_LIMIT_BYTES: u64 = 4 * GIB;

/// One term of an estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// What it counts, with the numbers: `market makers' quotes: 999970 × 1000 levels × 2 sides`.
    pub what: String,
    /// The scenario keys that drive it.
    pub keys: Vec<String>,
    /// Bytes.
    pub bytes: u64,
}

/// A run's estimated memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Its terms, in a fixed order.
    pub terms: Vec<Term>,
}

/// A count × size, saturating.
fn times(count: f64, each: u64) -> u64 {
    let b = count * each as f64;
    if b.is_finite() && b >= 0.0 {
        b.min(u64::MAX as f64) as u64
    } else {
        u64::MAX
    }
}

impl Estimate {
    /// The total, bytes (saturating).
    pub fn total_bytes(&self) -> u64 {
        self.terms
            .iter()
            .fold(0u64, |a, t| a.saturating_add(t.bytes))
    }

    /// The terms that drive the total: the largest ones, down to a tenth of it (at most
    /// four), largest first.
    pub fn drivers(&self) -> Vec<&Term> {
        let total = self.total_bytes();
        let mut t: Vec<&Term> = self.terms.iter().filter(|t| !t.keys.is_empty()).collect();
        t.sort_by_key(|t| std::cmp::Reverse(t.bytes));
        let mut out: Vec<&Term> = t
            .iter()
            .copied()
            .filter(|t| t.bytes >= total / 10)
            .take(4)
            .collect();
        if out.is_empty() {
            out.extend(t.first());
        }
        out
    }
}

/// The memory `s` will need, estimated from its parameters (see the [module docs](self)).
pub fn estimate(s: &Scenario) -> Estimate {
    let p = &s.params;
    let request = std::mem::size_of::<OrderRequest>() as u64;
    let dt_s = s.dt_s();
    let run_s = s.steps as f64 * dt_s;
    let mut terms = vec![Term {
        what: "the program, its output buffers and the world's fixed parts".into(),
        keys: Vec::new(),
        bytes: BASE_BYTES,
    }];
    let mut push = |what: String, keys: Vec<String>, bytes: u64| {
        if bytes > 0 {
            terms.push(Term { what, keys, bytes });
        }
    };
    // the largest factor a shock of `kind` applies to group `name`
    let factor = |kind: ShockKind, name: Option<&str>| {
        p.shocks
            .iter()
            .filter(|sh| sh.kind == kind && sh.group.as_deref() == name)
            .filter_map(|sh| sh.factor)
            .fold(1.0f64, f64::max)
    };
    // order requests per second, by the keys that set them; the longest latency and its key
    let mut rates: Vec<(f64, Vec<String>)> = Vec::new();
    let mut latency_s: f64 = 0.0;
    let mut latency_key = String::new();
    let mut later = |l: f64, key: String| {
        if l > latency_s {
            latency_s = l;
            latency_key = key;
        }
    };
    for (i, g) in p.noise.iter().enumerate() {
        let k = |n: &str| format!("noise[{i}].{n}");
        push(
            format!("noise traders: {} × {NOISE_TRADER_BYTES} B", g.count),
            vec![k("count")],
            u64::from(g.count) * NOISE_TRADER_BYTES,
        );
        let alpha = g.alpha_per_tick_s * factor(ShockKind::NoiseLiquidity, g.name.as_deref());
        let limit_rate = 2.0 * alpha * f64::from(g.window_ticks);
        let life_s = if g.delta_per_s > 0.0 {
            (1.0 / g.delta_per_s).min(run_s)
        } else {
            run_s
        };
        let resting = limit_rate * life_s;
        push(
            format!(
                "noise[{i}]'s resting orders: 2 sides × α {} × W {} × a life of {life_s:.4} s = \
                 {resting:.0} orders × {RESTING_ORDER_BYTES} B",
                alpha, g.window_ticks
            ),
            vec![k("alpha_per_tick_s"), k("window_ticks"), k("delta_per_s")],
            times(resting, RESTING_ORDER_BYTES),
        );
        rates.push((
            g.mu_per_s + limit_rate,
            vec![k("mu_per_s"), k("alpha_per_tick_s"), k("window_ticks")],
        ));
        later(g.latency_s, k("latency_s"));
    }
    let mut delay_s: f64 = 0.0;
    let mut delay_key = String::new();
    for (i, g) in p.informed.iter().enumerate() {
        push(
            format!("informed traders: {} × {INFORMED_TRADER_BYTES} B", g.count),
            vec![format!("informed[{i}].count")],
            u64::from(g.count) * INFORMED_TRADER_BYTES,
        );
        rates.push((
            f64::from(g.count) * g.rate_per_s * factor(ShockKind::InformedBurst, g.name.as_deref()),
            vec![
                format!("informed[{i}].count"),
                format!("informed[{i}].rate_per_s"),
            ],
        ));
        later(g.latency_s, format!("informed[{i}].latency_s"));
        if g.observation_delay_s > delay_s {
            delay_s = g.observation_delay_s;
            delay_key = format!("informed[{i}].observation_delay_s");
        }
    }
    for (i, g) in p.market_maker.iter().enumerate() {
        let k = |n: &str| format!("market_maker[{i}].{n}");
        let count = u64::from(g.count);
        push(
            format!("market makers: {count} × {MAKER_BYTES} B"),
            vec![k("count")],
            count.saturating_mul(MAKER_BYTES),
        );
        let quotes = count as f64 * f64::from(g.levels) * 2.0;
        push(
            format!(
                "market_maker[{i}]'s quotes: {count} makers × {} levels × 2 sides = {quotes:.0} \
                 × {QUOTE_BYTES} B",
                g.levels
            ),
            vec![k("count"), k("levels")],
            times(quotes, QUOTE_BYTES),
        );
        let series = g.client_flow.as_ref().map_or(0.0, |f| {
            let distinct = (f.kinds.len() * f.strikes.len() * f.expiries_s.len()) as f64;
            distinct.min(f.rate_per_s * run_s)
        });
        let lines = count as f64 * (g.options.len() as f64 + series);
        push(
            format!("market_maker[{i}]'s option lines: {lines:.0} × {OPTION_LINE_BYTES} B"),
            vec![
                k("count"),
                k("client_flow.strikes"),
                k("client_flow.expiries_s"),
            ],
            times(lines, OPTION_LINE_BYTES),
        );
        let latency = g.latency_s * factor(ShockKind::Latency, g.name.as_deref());
        later(latency, k("latency_s"));
        // at most every quote cancelled and replaced at every look
        rates.push((
            quotes * 2.0 / g.requote_interval_s,
            vec![k("count"), k("levels"), k("requote_interval_s")],
        ));
    }
    for (i, b) in s.books.iter().enumerate() {
        let key = if p.market.is_some() {
            "market".to_string()
        } else {
            format!("book[{i}]")
        };
        push(
            format!(
                "book {:?}'s price ladder: {} ticks × {LADDER_TICK_BYTES} B",
                b.name, b.max_span_ticks
            ),
            vec![format!("{key}.max_span_ticks")],
            (b.max_span_ticks as u64).saturating_mul(LADDER_TICK_BYTES),
        );
        if let Some(h) = &b.halt {
            push(
                format!(
                    "book {:?}'s queue while halted: {} requests × {} B",
                    b.name,
                    h.max_held_orders,
                    2 * request
                ),
                vec![format!("{key}.halt.max_held_orders")],
                h.max_held_orders.saturating_mul(2 * request),
            );
        }
    }
    for (i, sh) in p.shocks.iter().enumerate() {
        if sh.kind.is_program() {
            let window = sh.window_s.unwrap_or(60.0);
            let interval = sh.interval_s.unwrap_or(1.0).max(dt_s);
            rates.push((1.0 / interval, vec![format!("shocks[{i}].interval_s")]));
            let samples = window / interval;
            push(
                format!(
                    "shocks[{i}]'s volume window: {samples:.0} samples × {WINDOW_SAMPLE_BYTES} B"
                ),
                vec![
                    format!("shocks[{i}].window_s"),
                    format!("shocks[{i}].interval_s"),
                ],
                times(samples, WINDOW_SAMPLE_BYTES),
            );
        }
    }
    let rate_per_s: f64 = rates.iter().map(|r| r.0).sum();
    let in_flight = rate_per_s * (dt_s + latency_s);
    let mut keys: Vec<String> = rates
        .iter()
        .filter(|r| r.0 >= rate_per_s / 10.0)
        .flat_map(|r| r.1.iter().cloned())
        .collect();
    keys.push("run.dt_s".into());
    if latency_s > 0.0 {
        keys.push(latency_key);
    }
    push(
        format!(
            "requests in flight: up to {rate_per_s:.0} per s × (a step of {dt_s} s + a latency \
             of {latency_s} s) = {in_flight:.0} × {} B",
            4 * request
        ),
        keys,
        times(in_flight, 4 * request),
    );
    let observations = delay_s / dt_s;
    push(
        format!("delayed observations: {observations:.0} steps × {OBSERVATION_BYTES} B"),
        vec![delay_key, "run.dt_s".into()],
        times(observations, OBSERVATION_BYTES),
    );
    Estimate { terms }
}

/// `--max-memory`: bytes, or no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryLimit(pub Option<u64>);

impl Default for MemoryLimit {
    fn default() -> Self {
        MemoryLimit(Some(DEFAULT_LIMIT_BYTES))
    }
}

impl FromStr for MemoryLimit {
    type Err = String;

    /// `4GiB`, `512MiB`, `8G` (G, M, K and T are binary, as GiB, MiB, KiB and TiB),
    /// `1000000` (bytes), or `unlimited`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("unlimited") {
            return Ok(MemoryLimit(None));
        }
        let bad = || {
            format!(
                "expected a size such as 4GiB, 512MiB, 8G or a number of bytes, or \
                 \"unlimited\", got {s:?}"
            )
        };
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: f64 = num.parse().map_err(|_| bad())?;
        let mult = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kib" | "kb" => KIB,
            "m" | "mib" | "mb" => MIB,
            "g" | "gib" | "gb" => GIB,
            "t" | "tib" | "tb" => 1 << 40,
            _ => return Err(bad()),
        };
        let bytes = n * mult as f64;
        if !(bytes.is_finite() && bytes >= 1.0 && bytes < u64::MAX as f64) {
            return Err(bad());
        }
        Ok(MemoryLimit(Some(bytes as u64)))
    }
}

impl fmt::Display for MemoryLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("unlimited"),
            Some(b) => f.write_str(&human(b)),
        }
    }
}

/// Bytes for people: `512 B`, `37 KiB`, `4.0 GiB`.
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if bytes >= GIB {
        format!("{:.1} GiB", b / GIB as f64)
    } else if bytes >= MIB {
        format!("{:.0} MiB", b / MIB as f64)
    } else if bytes >= KIB {
        format!("{:.0} KiB", b / KIB as f64)
    } else {
        format!("{bytes} B")
    }
}

/// A run (or several at once) that would need more memory than the limit allows. Bad input
/// (exit code 2): the message shows the estimate and the keys that drive it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.message())]
pub struct TooMuchMemory {
    /// The scenario (or sweep) file.
    pub file: String,
    /// What is estimated: `the run`, `point 3`…
    pub what: String,
    /// One run's estimate.
    pub estimate: Estimate,
    /// Runs at once.
    pub at_once: u64,
    /// The limit, bytes.
    pub limit_bytes: u64,
}

impl TooMuchMemory {
    fn message(&self) -> String {
        let one = self.estimate.total_bytes();
        let all = one.saturating_mul(self.at_once);
        let mut m = if self.at_once > 1 {
            format!(
                "{}: {} would need about {} of memory per run, {} for the {} runs at once \
                 (--jobs), more than --max-memory allows ({}). What drives the estimate:",
                self.file,
                self.what,
                human(one),
                human(all),
                self.at_once,
                human(self.limit_bytes)
            )
        } else {
            format!(
                "{}: {} would need about {} of memory, more than --max-memory allows ({}). \
                 What drives the estimate:",
                self.file,
                self.what,
                human(one),
                human(self.limit_bytes)
            )
        };
        for t in self.estimate.drivers() {
            m.push_str(&format!(
                "\n  {:>9}  {} (keys: {})",
                human(t.bytes),
                t.what,
                t.keys.join(", ")
            ));
        }
        let want = all.saturating_add(all / 4).max(GIB);
        m.push_str(&format!(
            "\nLower those keys{}, or, if this machine has the memory, raise the limit (e.g. \
             --max-memory {}GiB; --max-memory unlimited turns the check off)",
            if self.at_once > 1 { " or --jobs" } else { "" },
            want.div_ceil(GIB)
        ));
        m
    }
}

/// Checks `at_once` runs of `s` against `limit`.
pub fn check(
    s: &Scenario,
    file: &str,
    what: &str,
    at_once: u64,
    limit: MemoryLimit,
) -> Result<Estimate, Box<TooMuchMemory>> {
    let e = estimate(s);
    match limit.0 {
        Some(limit_bytes) if e.total_bytes().saturating_mul(at_once.max(1)) > limit_bytes => {
            Err(Box::new(TooMuchMemory {
                file: file.to_string(),
                what: what.to_string(),
                estimate: e,
                at_once: at_once.max(1),
                limit_bytes,
            }))
        }
        _ => Ok(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Override, Overrides};
    use std::path::Path;

    fn load(name: &str, set: &[&str]) -> Scenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.toml"));
        let overrides = Overrides {
            seed: None,
            set: set.iter().map(|s| s.parse::<Override>().unwrap()).collect(),
        };
        Scenario::load(&path, &overrides).unwrap()
    }

    #[test]
    fn limits_read_as_people_write_them() {
        for (text, bytes) in [
            ("4GiB", Some(4 * GIB)),
            ("4G", Some(4 * GIB)),
            ("512 MiB", Some(512 * MIB)),
            ("1.5g", Some(3 * GIB / 2)),
            ("1000", Some(1000)),
            ("unlimited", None),
        ] {
            assert_eq!(
                text.parse::<MemoryLimit>(),
                Ok(MemoryLimit(bytes)),
                "{text}"
            );
        }
        for bad in ["", "x", "4 parsecs", "-1G", "0", "1e400"] {
            assert!(bad.parse::<MemoryLimit>().is_err(), "{bad}");
        }
    }

    /// Every shipped scenario fits the default limit many times over; the cases of issue 22
    /// do not.
    #[test]
    fn shipped_scenarios_fit_and_the_issues_cases_do_not() {
        for name in [
            "tiny",
            "baseline",
            "flash_crash_halt",
            "large_market",
            "large_flash_crash",
            "short_gamma",
            "withdrawal_cascade",
        ] {
            let e = estimate(&load(name, &[]));
            assert!(
                e.total_bytes() < DEFAULT_LIMIT_BYTES / 16,
                "{name}: {}",
                human(e.total_bytes())
            );
        }
        let huge = load(
            "tiny",
            &[
                "market_maker[0].count=999970",
                "market_maker[0].levels=1000",
            ],
        );
        let e = check(&huge, "tiny.toml", "the run", 1, MemoryLimit::default()).unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("market_maker[0].count, market_maker[0].levels"),
            "{m}"
        );
        assert!(m.contains("--max-memory"), "{m}");
        assert!(e.estimate.total_bytes() > 100 * GIB, "{m}");
        // a limit of its own, and jobs at once
        let tiny = load("tiny", &[]);
        assert!(check(&tiny, "t", "the run", 1, "1MiB".parse().unwrap()).is_err());
        assert!(check(&tiny, "t", "the run", 1, MemoryLimit(None)).is_ok());
        let one = estimate(&tiny).total_bytes();
        let limit = MemoryLimit(Some(one * 3));
        assert!(check(&tiny, "t", "the run", 3, limit).is_ok());
        assert!(check(&tiny, "t", "the run", 4, limit).is_err());
    }

    /// The terms grow with the keys that drive them.
    #[test]
    fn the_estimate_follows_its_keys() {
        let base = estimate(&load("tiny", &[])).total_bytes();
        for set in [
            "noise[0].count=100000",
            "informed[0].count=100000",
            "market_maker[0].levels=500",
            "noise[0].delta_per_s=0.001",
            "market.max_span_ticks=4000000",
        ] {
            let e = estimate(&load("tiny", &[set])).total_bytes();
            assert!(e > base, "{set}: {} vs {}", human(e), human(base));
        }
    }
}
