//! A dealer's book of European options on the simulated asset, as plain data, and its
//! aggregate exposure under Black–Scholes at a zero rate ([`super::black_scholes`]).
//!
//! Units are the simulator's: prices (spot, strikes, option values) in ticks, quantities of
//! the underlying in lots, times in nanoseconds of simulation time, volatility per √second (a
//! fraction, like the `gbm` fundamental's). A line of `contracts` options, each on
//! `multiplier_lots` lots, weighs its per-unit greeks by `contracts × multiplier_lots`:
//! its delta is then in lots of the underlying and its value in ticks·lots (ticks times lots,
//! the currency of one lot moving by one tick).
//!
//! Evaluating the exposure allocates nothing; settling expired lines removes them in place.

use super::black_scholes::{OptionKind, greeks, intrinsic};

/// One position: `contracts` European options of one kind, strike and expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionLine {
    /// Call or put.
    pub kind: OptionKind,
    /// Strike, ticks.
    pub strike_ticks: i64,
    /// Expiry, nanoseconds of simulation time.
    pub expiry_ns: u64,
    /// Number of contracts: positive long, negative short.
    pub contracts: i64,
    /// Lots of the underlying per contract.
    pub multiplier_lots: u64,
}

impl OptionLine {
    /// `contracts × multiplier_lots`: the signed number of lots the line's per-unit greeks
    /// are multiplied by.
    #[inline]
    pub fn weight_lots(&self) -> f64 {
        self.contracts as f64 * self.multiplier_lots as f64
    }
}

/// A book's aggregate value and sensitivities. Units: see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BookGreeks {
    /// Black–Scholes value of the live lines, ticks·lots.
    pub value: f64,
    /// Delta, lots of the underlying (the position that would hedge it is its negative).
    pub delta_lots: f64,
    /// Change in `delta_lots` per tick of spot.
    pub gamma_lots_per_tick: f64,
    /// Change in `value` per unit of volatility per √s, ticks·lots.
    pub vega: f64,
    /// Change in `value` per second of time passing, ticks·lots per second.
    pub theta: f64,
}

/// A dealer's options, in the order they were added.
///
/// Alongside the lines the book keeps, per line, the numbers [`Self::exposure`] needs in a
/// struct-of-arrays layout (the strike and its logarithm, the weight in lots, the kind as a
/// sign, the expiry), so the fields are private: every change goes through [`Self::push`],
/// [`Self::add`] or [`Self::settle_expired`], which keep the two in step. Two books are equal
/// when their lines are.
#[derive(Debug, Clone, Default)]
pub struct OptionBook {
    /// The positions, as added (several lines may share a kind, strike and expiry when they
    /// were [pushed](Self::push)).
    lines: Vec<OptionLine>,
    /// Per-line numbers for [`Self::exposure`], index for index with `lines`.
    cache: LineCache,
}

/// The numbers [`OptionBook::exposure`] reads per line, one vector each, all as long as the
/// book's lines: derived from the lines alone.
#[derive(Debug, Clone, Default)]
struct LineCache {
    /// Strike, ticks.
    strike_ticks: Vec<f64>,
    /// `ln(strike_ticks)` (`libm::log`); 0 for a strike ≤ 0, which the fast path never reads.
    ln_strike: Vec<f64>,
    /// `contracts × multiplier_lots`.
    weight_lots: Vec<f64>,
    /// +1 for a call, −1 for a put.
    kind_sign: Vec<f64>,
    /// Expiry, ns.
    expiry_ns: Vec<u64>,
}

impl LineCache {
    fn push(&mut self, line: &OptionLine) {
        let strike = line.strike_ticks as f64;
        self.strike_ticks.push(strike);
        self.ln_strike
            .push(if strike > 0.0 { libm::log(strike) } else { 0.0 });
        self.weight_lots.push(line.weight_lots());
        self.kind_sign.push(match line.kind {
            OptionKind::Call => 1.0,
            OptionKind::Put => -1.0,
        });
        self.expiry_ns.push(line.expiry_ns);
    }

    fn remove(&mut self, i: usize) {
        self.strike_ticks.remove(i);
        self.ln_strike.remove(i);
        self.weight_lots.remove(i);
        self.kind_sign.remove(i);
        self.expiry_ns.remove(i);
    }

    /// Copies entry `from` over entry `to`.
    fn copy_within(&mut self, from: usize, to: usize) {
        self.strike_ticks[to] = self.strike_ticks[from];
        self.ln_strike[to] = self.ln_strike[from];
        self.weight_lots[to] = self.weight_lots[from];
        self.kind_sign[to] = self.kind_sign[from];
        self.expiry_ns[to] = self.expiry_ns[from];
    }

    fn truncate(&mut self, len: usize) {
        self.strike_ticks.truncate(len);
        self.ln_strike.truncate(len);
        self.weight_lots.truncate(len);
        self.kind_sign.truncate(len);
        self.expiry_ns.truncate(len);
    }
}

impl PartialEq for OptionBook {
    fn eq(&self, other: &Self) -> bool {
        self.lines == other.lines
    }
}

impl Eq for OptionBook {}

impl OptionBook {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// The lines, in book order.
    pub fn lines(&self) -> &[OptionLine] {
        &self.lines
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the book has no lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds a line at the end, even when another line has the same kind, strike and expiry
    /// (see [`Self::add`] to merge instead).
    pub fn push(&mut self, line: OptionLine) {
        self.cache.push(&line);
        self.lines.push(line);
    }

    /// Adds `line` to the book, merging it into the first line with the same kind,
    /// `strike_ticks`, `expiry_ns` and `multiplier_lots`: their contracts are summed
    /// (saturating at the `i64` bounds), and a line whose contracts reach 0 is removed, the
    /// others keeping their order. Without such a line it is appended, as by [`Self::push`],
    /// unless its contracts are 0 (then nothing changes).
    pub fn add(&mut self, line: OptionLine) {
        let same = self.lines.iter().position(|l| {
            l.kind == line.kind
                && l.strike_ticks == line.strike_ticks
                && l.expiry_ns == line.expiry_ns
                && l.multiplier_lots == line.multiplier_lots
        });
        match same {
            Some(i) => {
                let merged = &mut self.lines[i];
                merged.contracts = merged.contracts.saturating_add(line.contracts);
                if merged.contracts == 0 {
                    self.lines.remove(i);
                    self.cache.remove(i);
                } else {
                    self.cache.weight_lots[i] = merged.weight_lots();
                }
            }
            None if line.contracts != 0 => self.push(line),
            None => {}
        }
    }

    /// The sum over live lines (`now_ns < expiry_ns`) of their Black–Scholes greeks at
    /// `spot_ticks` and `vol_per_sqrt_s`, each times `contracts × multiplier_lots`. Lines at
    /// or past expiry contribute nothing, not even their value: [`Self::settle_expired`]
    /// turns them into cash. Allocation-free.
    pub fn exposure(&self, spot_ticks: f64, now_ns: u64, vol_per_sqrt_s: f64) -> BookGreeks {
        let mut sum = BookGreeks::default();
        for line in &self.lines {
            if now_ns >= line.expiry_ns {
                continue;
            }
            let tau_s = (line.expiry_ns - now_ns) as f64 * 1e-9;
            let g = greeks(
                line.kind,
                spot_ticks,
                line.strike_ticks as f64,
                tau_s,
                vol_per_sqrt_s,
            );
            let w = line.weight_lots();
            sum.value += g.price * w;
            sum.delta_lots += g.delta * w;
            sum.gamma_lots_per_tick += g.gamma * w;
            sum.vega += g.vega * w;
            sum.theta += g.theta * w;
        }
        sum
    }

    /// Removes every line at or past expiry (`now_ns ≥ expiry_ns`) and returns their cash
    /// settlement in ticks·lots: each line's intrinsic value at `spot_ticks` times
    /// `contracts × multiplier_lots` (positive when the book receives, negative when it pays
    /// for short lines). The spot given is the settlement price for every line removed, so a
    /// caller that wants each line settled at its own expiry calls this as soon as the
    /// expiry passes. The remaining lines keep their order; nothing is allocated.
    pub fn settle_expired(&mut self, spot_ticks: f64, now_ns: u64) -> f64 {
        let mut cash = 0.0;
        let mut kept = 0;
        for i in 0..self.lines.len() {
            let line = self.lines[i];
            if now_ns >= line.expiry_ns {
                cash +=
                    intrinsic(line.kind, spot_ticks, line.strike_ticks as f64) * line.weight_lots();
            } else {
                if kept != i {
                    self.lines[kept] = line;
                    self.cache.copy_within(i, kept);
                }
                kept += 1;
            }
        }
        self.lines.truncate(kept);
        self.cache.truncate(kept);
        cash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OptionKind::{Call, Put};

    /// One second, in ns.
    const S: u64 = 1_000_000_000;

    fn line(kind: OptionKind, strike: i64, expiry_ns: u64, contracts: i64) -> OptionLine {
        OptionLine {
            kind,
            strike_ticks: strike,
            expiry_ns,
            contracts,
            multiplier_lots: 10,
        }
    }

    fn book(lines: &[OptionLine]) -> OptionBook {
        let mut b = OptionBook::new();
        for &l in lines {
            b.push(l);
        }
        b
    }

    #[test]
    fn a_long_straddle_at_the_money_is_long_gamma_and_nearly_delta_neutral() {
        // one hour, 0.0005 per √s: σ√T = 0.03
        let b = book(&[
            line(Call, 10_000, 3600 * S, 5),
            line(Put, 10_000, 3600 * S, 5),
        ]);
        let e = b.exposure(10_000.0, 0, 5e-4);
        assert!(e.gamma_lots_per_tick > 0.0, "{e:?}");
        assert!(e.vega > 0.0 && e.theta < 0.0 && e.value > 0.0, "{e:?}");
        // call delta + put delta = 2·N(d1) − 1, with d1 = σ√T/2: 50 lots · 0.012
        assert!(e.delta_lots.abs() < 50.0 * 0.02, "{e:?}");
        // ... and exactly neutral at the forward with σ√T → 0
        let e = b.exposure(10_000.0, 3600 * S - 1, 5e-4);
        assert!(e.delta_lots.abs() < 1e-3, "{e:?}");
    }

    #[test]
    fn a_short_call_book_is_short_gamma_and_short_delta() {
        let b = book(&[
            line(Call, 9_900, 600 * S, -3),
            line(Call, 10_100, 1200 * S, -7),
        ]);
        let e = b.exposure(10_000.0, 0, 5e-4);
        assert!(e.gamma_lots_per_tick < 0.0, "{e:?}");
        assert!(e.delta_lots < 0.0, "{e:?}");
        assert!(e.value < 0.0 && e.vega < 0.0 && e.theta > 0.0, "{e:?}");
        // delta is bounded by the lots written
        assert!(e.delta_lots >= -100.0, "{e:?}");
    }

    #[test]
    fn every_greek_flips_with_the_sign_of_the_contracts() {
        let lines = [
            line(Call, 9_950, 300 * S, 4),
            line(Put, 10_050, 900 * S, -2),
            line(Put, 9_800, 60 * S, 1),
        ];
        let long = book(&lines);
        let short = book(&lines.map(|l| OptionLine {
            contracts: -l.contracts,
            ..l
        }));
        let (a, b) = (
            long.exposure(10_010.0, 5 * S, 2e-4),
            short.exposure(10_010.0, 5 * S, 2e-4),
        );
        assert_eq!(a.value, -b.value);
        assert_eq!(a.delta_lots, -b.delta_lots);
        assert_eq!(a.gamma_lots_per_tick, -b.gamma_lots_per_tick);
        assert_eq!(a.vega, -b.vega);
        assert_eq!(a.theta, -b.theta);
    }

    #[test]
    fn expired_lines_carry_no_greeks_and_settle_at_intrinsic_value() {
        let mut b = book(&[
            line(Call, 9_900, 10 * S, 2),   // expired: 100 ticks in the money, long
            line(Put, 10_000, 60 * S, 1),   // live
            line(Put, 10_300, 10 * S, -3),  // expired: 300 in the money, short
            line(Call, 10_500, 5 * S, 4),   // expired out of the money: worth nothing
            line(Call, 10_000, 90 * S, -1), // live
        ]);
        let live = book(&[b.lines()[1], b.lines()[4]]);
        let now = 10 * S;
        assert_eq!(
            b.exposure(10_000.0, now, 3e-4),
            live.exposure(10_000.0, now, 3e-4)
        );
        // 2·10·100 − 3·10·300 + 0 = −7000 ticks·lots
        let cash = b.settle_expired(10_000.0, now);
        assert_eq!(cash, -7_000.0);
        assert_eq!(b, live, "the live lines stay, in order");
        // nothing left to settle
        assert_eq!(b.settle_expired(10_000.0, now), 0.0);
        assert_eq!(b.len(), 2);
        // a step before expiry the line is live and worth about its intrinsic value
        let one = book(&[line(Call, 9_900, 10 * S, 2)]);
        let e = one.exposure(10_000.0, now - 1, 3e-4);
        assert!(
            (e.value - 2_000.0).abs() < 1e-6 && e.delta_lots == 20.0,
            "{e:?}"
        );
    }

    #[test]
    fn a_book_of_a_hundred_lines_is_the_sum_of_its_lines() {
        let lines: Vec<OptionLine> = (0..100)
            .map(|i: i64| OptionLine {
                kind: if i % 3 == 0 { Put } else { Call },
                strike_ticks: 9_500 + 10 * i,
                expiry_ns: (60 + 37 * i as u64) * S,
                contracts: (i % 7) - 3,
                multiplier_lots: 1 + (i % 4) as u64,
            })
            .collect();
        let whole = book(&lines);
        for &(spot, now, vol) in &[(10_000.0, 0, 3e-4), (9_700.0, 1_500 * S, 1e-3)] {
            let e = whole.exposure(spot, now, vol);
            let mut sum = BookGreeks::default();
            for l in &lines {
                let one = book(&[*l]).exposure(spot, now, vol);
                sum.value += one.value;
                sum.delta_lots += one.delta_lots;
                sum.gamma_lots_per_tick += one.gamma_lots_per_tick;
                sum.vega += one.vega;
                sum.theta += one.theta;
            }
            let near = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
            assert!(near(e.value, sum.value), "{e:?} {sum:?}");
            assert!(near(e.delta_lots, sum.delta_lots), "{e:?} {sum:?}");
            assert!(
                near(e.gamma_lots_per_tick, sum.gamma_lots_per_tick),
                "{e:?}"
            );
            assert!(near(e.vega, sum.vega), "{e:?} {sum:?}");
            assert!(near(e.theta, sum.theta), "{e:?} {sum:?}");
        }
    }

    #[test]
    fn add_merges_lines_with_the_same_terms_and_removes_those_that_net_to_zero() {
        let mut b = OptionBook::new();
        b.add(line(Call, 10_000, 60 * S, 3));
        b.add(line(Put, 10_000, 60 * S, -2));
        b.add(line(Call, 10_000, 90 * S, 1));
        // same kind, strike, expiry and multiplier as the first: merged in place
        b.add(line(Call, 10_000, 60 * S, 4));
        // another multiplier: a line of its own
        b.add(OptionLine {
            multiplier_lots: 100,
            ..line(Call, 10_000, 60 * S, 1)
        });
        assert_eq!(
            b.lines(),
            &[
                line(Call, 10_000, 60 * S, 7),
                line(Put, 10_000, 60 * S, -2),
                line(Call, 10_000, 90 * S, 1),
                OptionLine {
                    multiplier_lots: 100,
                    ..line(Call, 10_000, 60 * S, 1)
                },
            ]
        );
        // the cache follows: the same exposure as a book pushed line by line
        let pushed = book(b.lines());
        assert_eq!(
            b.exposure(10_020.0, S, 3e-4),
            pushed.exposure(10_020.0, S, 3e-4)
        );
        // netting to zero removes the line; the others keep their order
        b.add(line(Put, 10_000, 60 * S, 2));
        assert_eq!(b.len(), 3);
        assert_eq!(b.lines()[1], line(Call, 10_000, 90 * S, 1));
        assert_eq!(
            b.exposure(10_020.0, S, 3e-4),
            book(b.lines()).exposure(10_020.0, S, 3e-4)
        );
        // a zero-contract line with nothing to merge into changes nothing
        let before = b.clone();
        b.add(line(Put, 9_000, 60 * S, 0));
        assert_eq!(b, before);
        // push never merges
        b.push(line(Call, 10_000, 90 * S, 1));
        assert_eq!(b.len(), 4);
    }

    #[test]
    fn settling_keeps_the_cache_in_step_with_the_lines() {
        let mut b = OptionBook::new();
        for i in 0..20_i64 {
            b.push(OptionLine {
                kind: if i % 2 == 0 { Call } else { Put },
                strike_ticks: 9_800 + 25 * i,
                expiry_ns: (1 + (i as u64 * 7) % 10) * 10 * S,
                contracts: i - 9,
                multiplier_lots: 1 + i as u64 % 3,
            });
        }
        for now in [15 * S, 45 * S, 75 * S] {
            b.settle_expired(10_000.0, now);
            assert!(b.lines().iter().all(|l| l.expiry_ns > now));
            for spot in [9_900.0, 10_000.0, 10_150.0] {
                assert_eq!(
                    b.exposure(spot, now, 4e-4),
                    book(b.lines()).exposure(spot, now, 4e-4)
                );
            }
            b.add(line(Call, 10_000, now + 30 * S, 2));
        }
    }

    #[test]
    fn an_empty_book_has_no_exposure() {
        let mut b = OptionBook::new();
        assert_eq!(b.exposure(10_000.0, 0, 1e-3), BookGreeks::default());
        assert_eq!(b.settle_expired(10_000.0, u64::MAX), 0.0);
        b.push(line(Call, 10_000, S, 1));
        assert_eq!(b.len(), 1);
        assert!(!b.is_empty() && OptionBook::new().is_empty());
    }
}
