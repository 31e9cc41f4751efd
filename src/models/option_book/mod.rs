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
//!
//! # The exposure's fast path
//!
//! A dealer looks at its book often, so [`exposure`] does not call the exact [`greeks`] (a
//! logarithm, an exponential and two `erfc` per line) but evaluates the same formulas with
//! cheaper, branch-free parts, on per-line numbers the book keeps beside its lines (`ln K`,
//! the weight, the kind, the expiry split into two exact halves):
//! - one `libm::log` per call, for `ln S`; per line `√τ`, `v = σ√τ`, `d1·v = m + v²/2` and
//!   `d2·v = m − v²/2` with `m = ln S − ln K`, and a single division giving `1/v` and both
//!   `t = 1/(1 + p·|d|)` below;
//! - `e^{−d1²/2}` by a hand-written exponential (`2^y` split into an integer part set in the
//!   exponent bits and a degree-7 polynomial; relative error below 6·10⁻¹¹), and
//!   `K·e^{−d2²/2} = S·e^{−d1²/2}` (as `d1² − d2² = 2·ln(S/K)`) instead of a second one;
//! - `N(−|d|) = φ(d)·(b1·t + … + b5·t⁵)`, Abramowitz and Stegun 26.2.17 (absolute error below
//!   7.5·10⁻⁸), and `N(d) = ½ ± (½ − N(−|d|))` with the sign of `d`; the call is
//!   `S·N(d1) − K·N(d2)`, at least its intrinsic value, and the put comes by parity;
//! - gamma and theta both from `Σ w·φ(d1)/v` (times `1/S` and `−σ²·S/2`), vega from
//!   `S·Σ w·φ(d1)·√τ`.
//!
//! The lines go through these steps in chunks, one short loop per step over the chunk (so
//! that the compiler vectorizes each and the processor overlaps their iterations), with the
//! intermediate values in a per-thread scratch area (no allocation, nothing kept between
//! calls).
//!
//! **Accuracy.** Against the exact sum of [`greeks`] times the weights, the test over 2000
//! random books (spots 50 to 10⁶ ticks, volatilities 10⁻⁶ to 10⁻² per √s, strikes `e^{±4}`
//! times the spot, times to expiry 1 ns to 30 years) holds the fast exposure to
//! `|Δ value| ≤ 10⁻⁷·Σ|w|·(S + K)`, `|Δ delta_lots| ≤ 10⁻⁷·Σ|w|`, and gamma, vega and theta
//! within 10⁻⁷ of the sum of the lines' absolute terms (the worst seen: 4.5·10⁻⁸, 4.7·10⁻⁸
//! and 7·10⁻¹¹). `w` is a line's weight, `contracts × multiplier_lots`.
//!
//! **Where the exact path is kept.** A line is evaluated by [`greeks`] itself when its
//! `σ√τ` is below 10⁻⁶ (its last moments: `ln S − ln K` is a few ulps off `ln(S/K)`, and
//! `d1` by that over `σ√τ`) or its strike is not positive; every line is when the spot or
//! the volatility is outside [10⁻²⁰, 10²⁰] (zero, negative, NaN or infinite included), the
//! range in which nothing in the fast path overflows or becomes subnormal. So the edge
//! cases of [`greeks`] hold as they are.
//!
//! **Determinism.** Only IEEE `+ − × ÷ √` on `f64` (no fused multiply–add, no estimate
//! instructions), integer bit operations and `libm::log`, each on one line's numbers, so
//! vectorized or not the results are the same bits on every machine. On x86-64 with AVX2
//! the chunk loops run a copy compiled for AVX2 (chosen at run time; FMA stays off), which
//! only changes how many lines one instruction handles. The sums have a fixed
//! order: a fast-path line `i` goes to partial sum `i mod 4`, each in line order, totalled as
//! `(p₀ + p₁) + (p₂ + p₃)`; the exact-path lines are summed apart in line order and added
//! last.
//!
//! [`exposure`]: crate::models::option_book::OptionBook::exposure
//! [`greeks`]: crate::models::black_scholes::greeks

use super::black_scholes::{OptionKind, greeks, intrinsic};

mod fast;

use fast::{
    CHUNK, Chunk, FAST_INPUT_MAX, FAST_INPUT_MIN, FastSums, INV_SQRT_2PI, MIN_FAST_VOL_SQRT_TAU,
    Market, SCRATCH,
};

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
/// struct-of-arrays layout (the strike and its logarithm, the weight, the kind, the expiry),
/// so the fields are private: every change goes through [`Self::push`], [`Self::add`] or
/// [`Self::settle_expired`], which keep the two in step. Two books are equal when their lines
/// are.
#[derive(Debug, Clone, Default)]
pub struct OptionBook {
    /// The positions, as added (several lines may share a kind, strike and expiry when they
    /// were [pushed](Self::push)).
    lines: Vec<OptionLine>,
    /// Per-line numbers for [`Self::exposure`], index for index with `lines`.
    cache: LineCache,
}

/// The numbers the fast path of [`OptionBook::exposure`] reads per line: derived from the
/// line alone.
#[derive(Debug, Clone, Copy)]
struct LineNumbers {
    /// Half the strike, ticks.
    half_strike_ticks: f64,
    /// `ln(strike_ticks)` (`libm::log`); 0 for a strike ≤ 0, which takes the exact path.
    ln_strike: f64,
    /// 1 for a put, 0 for a call.
    put: f64,
    /// `w = contracts × multiplier_lots`.
    weight_lots: f64,
    /// `w/√(2π)`.
    weight_pdf: f64,
    /// The smallest `σ√τ` at which the fast path's results are used:
    /// [`MIN_FAST_VOL_SQRT_TAU`], or +∞ for a strike ≤ 0 (always the exact path).
    min_fast_vol_sqrt_tau: f64,
    /// The expiry's high and low 32 bits, ns (each exact as an `f64`): see [`time_to_ns`].
    expiry_high: f64,
    /// See `expiry_high`.
    expiry_low: f64,
}

impl LineNumbers {
    fn of(line: &OptionLine) -> Self {
        let strike = line.strike_ticks as f64;
        let (expiry_high, expiry_low) = split_ns(line.expiry_ns);
        Self {
            half_strike_ticks: 0.5 * strike,
            ln_strike: if strike > 0.0 { libm::log(strike) } else { 0.0 },
            put: match line.kind {
                OptionKind::Call => 0.0,
                OptionKind::Put => 1.0,
            },
            weight_lots: line.weight_lots(),
            weight_pdf: line.weight_lots() * INV_SQRT_2PI,
            min_fast_vol_sqrt_tau: if strike > 0.0 {
                MIN_FAST_VOL_SQRT_TAU
            } else {
                f64::INFINITY
            },
            expiry_high,
            expiry_low,
        }
    }
}

/// The lines' [`LineNumbers`] as a struct of arrays (one vector per field, index for index
/// with the book's lines), the layout the fast path's loops vectorize over.
#[derive(Debug, Clone, Default)]
struct LineCache {
    half_strike_ticks: Vec<f64>,
    ln_strike: Vec<f64>,
    put: Vec<f64>,
    weight_lots: Vec<f64>,
    weight_pdf: Vec<f64>,
    min_fast_vol_sqrt_tau: Vec<f64>,
    expiry_high: Vec<f64>,
    expiry_low: Vec<f64>,
}

impl LineCache {
    fn push(&mut self, n: LineNumbers) {
        self.half_strike_ticks.push(n.half_strike_ticks);
        self.ln_strike.push(n.ln_strike);
        self.put.push(n.put);
        self.weight_lots.push(n.weight_lots);
        self.weight_pdf.push(n.weight_pdf);
        self.min_fast_vol_sqrt_tau.push(n.min_fast_vol_sqrt_tau);
        self.expiry_high.push(n.expiry_high);
        self.expiry_low.push(n.expiry_low);
    }

    fn set(&mut self, i: usize, n: LineNumbers) {
        self.half_strike_ticks[i] = n.half_strike_ticks;
        self.ln_strike[i] = n.ln_strike;
        self.put[i] = n.put;
        self.weight_lots[i] = n.weight_lots;
        self.weight_pdf[i] = n.weight_pdf;
        self.min_fast_vol_sqrt_tau[i] = n.min_fast_vol_sqrt_tau;
        self.expiry_high[i] = n.expiry_high;
        self.expiry_low[i] = n.expiry_low;
    }

    fn remove(&mut self, i: usize) {
        self.half_strike_ticks.remove(i);
        self.ln_strike.remove(i);
        self.put.remove(i);
        self.weight_lots.remove(i);
        self.weight_pdf.remove(i);
        self.min_fast_vol_sqrt_tau.remove(i);
        self.expiry_high.remove(i);
        self.expiry_low.remove(i);
    }

    /// Copies entry `from` over entry `to`.
    fn copy_within(&mut self, from: usize, to: usize) {
        self.half_strike_ticks[to] = self.half_strike_ticks[from];
        self.ln_strike[to] = self.ln_strike[from];
        self.put[to] = self.put[from];
        self.weight_lots[to] = self.weight_lots[from];
        self.weight_pdf[to] = self.weight_pdf[from];
        self.min_fast_vol_sqrt_tau[to] = self.min_fast_vol_sqrt_tau[from];
        self.expiry_high[to] = self.expiry_high[from];
        self.expiry_low[to] = self.expiry_low[from];
    }

    fn truncate(&mut self, len: usize) {
        self.half_strike_ticks.truncate(len);
        self.ln_strike.truncate(len);
        self.put.truncate(len);
        self.weight_lots.truncate(len);
        self.weight_pdf.truncate(len);
        self.min_fast_vol_sqrt_tau.truncate(len);
        self.expiry_high.truncate(len);
        self.expiry_low.truncate(len);
    }
}

/// A time in ns as its high and low 32 bits, each exactly an `f64`.
fn split_ns(t_ns: u64) -> (f64, f64) {
    ((t_ns >> 32) as f64, (t_ns & 0xffff_ffff) as f64)
}

/// `expiry − now` in ns, from the [`split_ns`] halves: both differences and the scaling by
/// 2³² are exact, so the one rounding of the sum gives exactly `(expiry − now) as f64` when
/// the line is live, and a value ≤ 0 (exactly 0 at expiry) when it is not.
#[inline(always)]
fn time_to_ns(expiry_high: f64, expiry_low: f64, now_high: f64, now_low: f64) -> f64 {
    (expiry_high - now_high) * 4_294_967_296.0 + (expiry_low - now_low)
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
        self.cache.push(LineNumbers::of(&line));
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
                    self.cache.set(i, LineNumbers::of(merged));
                }
            }
            None if line.contracts != 0 => self.push(line),
            None => {}
        }
    }

    /// The sum over live lines (`now_ns < expiry_ns`) of their Black–Scholes greeks at
    /// `spot_ticks` and `vol_per_sqrt_s`, each times `contracts × multiplier_lots`. Lines at
    /// or past expiry contribute nothing, not even their value: [`Self::settle_expired`]
    /// turns them into cash. Allocation-free and deterministic: plain IEEE arithmetic and
    /// `libm`, summed in a fixed order (see the module docs), so the same bits on every
    /// machine.
    ///
    /// A line is evaluated by the fast approximation of [`greeks`] described in the module
    /// docs when the book's inputs are ordinary — `spot_ticks` and `vol_per_sqrt_s` in
    /// [10⁻²⁰, 10²⁰] — and the line's too: a positive strike and `σ√τ ≥ 10⁻⁶`. Every other
    /// live line (in its last moments before expiry, or at a zero, negative or non-finite
    /// input) is evaluated by the exact [`greeks`], with its edge cases.
    pub fn exposure(&self, spot_ticks: f64, now_ns: u64, vol_per_sqrt_s: f64) -> BookGreeks {
        let fast_book = (FAST_INPUT_MIN..=FAST_INPUT_MAX).contains(&spot_ticks)
            && (FAST_INPUT_MIN..=FAST_INPUT_MAX).contains(&vol_per_sqrt_s);
        if fast_book {
            SCRATCH.with_borrow_mut(|chunk| {
                self.fast_exposure(chunk, spot_ticks, now_ns, vol_per_sqrt_s)
            })
        } else {
            let mut sum = BookGreeks::default();
            for (i, line) in self.lines.iter().enumerate() {
                if now_ns < line.expiry_ns {
                    self.add_exact(&mut sum, i, spot_ticks, now_ns, vol_per_sqrt_s);
                }
            }
            sum
        }
    }

    /// [`Self::exposure`] of a book whose spot and volatility are in the fast path's
    /// range, with `chunk` as scratch space.
    fn fast_exposure(
        &self,
        chunk: &mut Chunk,
        spot_ticks: f64,
        now_ns: u64,
        vol_per_sqrt_s: f64,
    ) -> BookGreeks {
        let market = Market::new(spot_ticks, now_ns, vol_per_sqrt_s);
        let mut sums = FastSums::default();
        let mut exact = BookGreeks::default();
        for start in (0..self.lines.len()).step_by(CHUNK) {
            let range = start..(start + CHUNK).min(self.lines.len());
            if chunk.fill(&market, &self.cache, range.clone()) > 0 {
                for (j, i) in range.clone().enumerate() {
                    if now_ns < self.lines[i].expiry_ns
                        && chunk.vol_sqrt_tau[j] < self.cache.min_fast_vol_sqrt_tau[i]
                    {
                        self.add_exact(&mut exact, i, spot_ticks, now_ns, vol_per_sqrt_s);
                    }
                }
            }
            sums.add(chunk, range.len());
        }
        let fast = sums.total(&market);
        BookGreeks {
            value: fast.value + exact.value,
            delta_lots: fast.delta_lots + exact.delta_lots,
            gamma_lots_per_tick: fast.gamma_lots_per_tick + exact.gamma_lots_per_tick,
            vega: fast.vega + exact.vega,
            theta: fast.theta + exact.theta,
        }
    }

    /// Adds line `i`'s exact greeks times its weight to `sum` (the line must be live).
    fn add_exact(
        &self,
        sum: &mut BookGreeks,
        i: usize,
        spot_ticks: f64,
        now_ns: u64,
        vol_per_sqrt_s: f64,
    ) {
        let line = &self.lines[i];
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
    use super::super::black_scholes::norm_cdf;
    use super::fast::*;
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

    /// The exact reference: each live line's [`greeks`] times its weight, summed in line
    /// order, and beside it the sums of the terms' absolute values.
    fn exact_sum(b: &OptionBook, spot: f64, now: u64, vol: f64) -> (BookGreeks, BookGreeks) {
        let (mut sum, mut abs) = (BookGreeks::default(), BookGreeks::default());
        for l in b.lines().iter().filter(|l| now < l.expiry_ns) {
            let tau_s = (l.expiry_ns - now) as f64 * 1e-9;
            let g = greeks(l.kind, spot, l.strike_ticks as f64, tau_s, vol);
            let w = l.weight_lots();
            let terms = [
                g.price * w,
                g.delta * w,
                g.gamma * w,
                g.vega * w,
                g.theta * w,
            ];
            sum.value += terms[0];
            sum.delta_lots += terms[1];
            sum.gamma_lots_per_tick += terms[2];
            sum.vega += terms[3];
            sum.theta += terms[4];
            abs.value += terms[0].abs();
            abs.delta_lots += terms[1].abs();
            abs.gamma_lots_per_tick += terms[2].abs();
            abs.vega += terms[3].abs();
            abs.theta += terms[4].abs();
        }
        (sum, abs)
    }

    /// A deterministic stream of uniform numbers in [0, 1).
    struct Uniform(u64);

    impl Uniform {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(1);
            (crate::rng::splitmix64(self.0) >> 11) as f64 / (1_u64 << 53) as f64
        }

        /// `10^x`, `x` uniform in [lo, hi].
        fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
            libm::pow(10.0, lo + (hi - lo) * self.next())
        }
    }

    #[test]
    fn the_fast_exposure_is_within_its_documented_bound_of_the_exact_sum() {
        // 2000 books of 0 to 300 lines (more than one chunk), at spots from 50 to 10⁶ ticks
        // and volatilities from 10⁻⁶ to 10⁻² per √s; strikes from e⁻⁴ to e⁴ times the spot,
        // times to expiry from 1 ns to 30 years (log-uniform: many lines in their last
        // seconds, some below MIN_FAST_VOL_SQRT_TAU, deep in and out of the money), a tenth
        // of the lines expired, a few with a zero or negative strike
        let mut u = Uniform(0x5eed);
        let mut worst = [0.0_f64; 5];
        let mut b = OptionBook::new();
        for _ in 0..2000 {
            let spot = u.log_uniform(1.7, 6.0);
            let vol = u.log_uniform(-6.0, -2.0);
            let now = (u.next() * 1e15) as u64;
            b = OptionBook::new();
            for _ in 0..(u.next() * 300.0) as usize {
                let strike = if u.next() < 0.02 {
                    -(u.next() * 5.0) as i64
                } else {
                    (spot * libm::exp(8.0 * u.next() - 4.0)).round().max(1.0) as i64
                };
                let tau_ns = u.log_uniform(0.0, 18.0) as u64;
                let expiry_ns = if u.next() < 0.1 {
                    now - tau_ns.min(now)
                } else {
                    now + tau_ns
                };
                b.push(OptionLine {
                    kind: if u.next() < 0.5 { Call } else { Put },
                    strike_ticks: strike,
                    expiry_ns,
                    contracts: (u.next() * 101.0) as i64 - 50,
                    multiplier_lots: 1 + (u.next() * 1000.0) as u64,
                });
            }
            let fast = b.exposure(spot, now, vol);
            let (exact, abs) = exact_sum(&b, spot, now, vol);
            // the bounds: value 10⁻⁷·Σ|w|·(S + K), delta 10⁻⁷·Σ|w|, and gamma, vega and
            // theta 10⁻⁷ of the sum of the absolute values of the lines' terms, or of
            // 10⁻¹⁴³ per lot where those underflow (lines 30 standard deviations and more
            // from the money)
            let (mut weights, mut weights_spot_strike) = (0.0, 0.0);
            for l in b.lines().iter().filter(|l| now < l.expiry_ns) {
                weights += l.weight_lots().abs();
                weights_spot_strike +=
                    l.weight_lots().abs() * (spot + (l.strike_ticks as f64).max(0.0));
            }
            let floor = (1e-143 * weights).max(f64::MIN_POSITIVE);
            let errors = [
                (fast.value - exact.value).abs() / weights_spot_strike.max(f64::MIN_POSITIVE),
                (fast.delta_lots - exact.delta_lots).abs() / weights.max(f64::MIN_POSITIVE),
                (fast.gamma_lots_per_tick - exact.gamma_lots_per_tick).abs()
                    / abs.gamma_lots_per_tick.max(floor),
                (fast.vega - exact.vega).abs() / abs.vega.max(floor),
                (fast.theta - exact.theta).abs() / abs.theta.max(floor),
            ];
            for (w, e) in worst.iter_mut().zip(errors) {
                *w = w.max(e);
            }
            let what = format!("S={spot} t={now} σ={vol}: {fast:?} vs {exact:?}");
            assert!(errors.iter().all(|&e| e <= 1e-7), "{errors:?} {what}");
        }
        eprintln!("worst relative errors (value, delta, gamma, vega, theta): {worst:?}");
        assert!(b.len() < 301);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_fast_path_gives_the_same_bits_as_the_portable_one() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            eprintln!("no AVX2 here: nothing to compare");
            return;
        }
        // books like the accuracy test's, lines of every kind of input (expired, off the
        // fast path, deep in and out of the money), every chunk compared array by array
        let mut u = Uniform(0xa7c2);
        let (mut a, mut b) = (Chunk::ZERO, Chunk::ZERO);
        let mut compared = 0;
        for _ in 0..300 {
            let spot = u.log_uniform(1.7, 6.0);
            let vol = u.log_uniform(-6.0, -2.0);
            let now = (u.next() * 1e15) as u64;
            let mut book = OptionBook::new();
            for _ in 0..(u.next() * 300.0) as usize {
                let tau_ns = u.log_uniform(0.0, 18.0) as u64;
                book.push(OptionLine {
                    kind: if u.next() < 0.5 { Call } else { Put },
                    strike_ticks: (spot * libm::exp(8.0 * u.next() - 4.0)).round().max(1.0) as i64,
                    expiry_ns: if u.next() < 0.1 {
                        now - tau_ns.min(now)
                    } else {
                        now + tau_ns
                    },
                    contracts: (u.next() * 101.0) as i64 - 50,
                    multiplier_lots: 1 + (u.next() * 1000.0) as u64,
                });
            }
            let market = Market::new(spot, now, vol);
            for start in (0..book.len()).step_by(CHUNK) {
                let range = start..(start + CHUNK).min(book.len());
                let exact_a = a.fill_portable(&market, &book.cache, range.clone());
                let exact_b = b.fill_avx2(&market, &book.cache, range.clone());
                assert_eq!(exact_a, exact_b);
                assert!(
                    a.bits(range.len()) == b.bits(range.len()),
                    "S={spot} t={now} σ={vol}"
                );
                compared += range.len();
            }
        }
        assert!(compared > 10_000, "{compared}");
    }

    #[test]
    fn lines_off_the_fast_path_are_the_exact_greeks() {
        let now = 1_000 * S;
        // in their last moments (σ√τ < 10⁻⁶: τ < 1 ms at σ = 3·10⁻⁵), with a zero or negative
        // strike, or expired
        let lines = [
            line(Call, 10_000, now + 1, 3),
            line(Put, 10_000, now + 999_000, -2),
            line(Call, 9_990, now + 500_000, 1),
            line(Put, 0, now + 60 * S, 4),
            line(Call, -5, now + 60 * S, -1),
            line(Put, 10_010, now, 7),
        ];
        for l in lines {
            let one = book(&[l]);
            assert_eq!(
                one.exposure(10_000.0, now, 3e-5),
                exact_sum(&one, 10_000.0, now, 3e-5).0,
                "{l:?}"
            );
        }
        let all = book(&lines);
        assert_eq!(
            all.exposure(10_000.0, now, 3e-5),
            exact_sum(&all, 10_000.0, now, 3e-5).0
        );
        // a spot or volatility outside the fast path's range takes every line to the exact
        // path, with its edge cases: all finite
        let ordinary = book(&[
            line(Call, 9_900, now + 60 * S, 2),
            line(Put, 10_100, now + S, -3),
        ]);
        for (spot, vol) in [
            (0.0, 1e-3),
            (-10.0, 1e-3),
            (f64::NAN, 1e-3),
            (f64::INFINITY, 1e-3),
            (1e25, 1e-3),
            (10_000.0, 0.0),
            (10_000.0, -1e-3),
            (10_000.0, f64::NAN),
            (10_000.0, 1e30),
        ] {
            let e = ordinary.exposure(spot, now, vol);
            let (exact, _) = exact_sum(&ordinary, spot, now, vol);
            assert_eq!(format!("{e:?}"), format!("{exact:?}"), "S={spot} σ={vol}");
            // (an infinite spot saturates the prices at f64::MAX, times the weights)
            if spot.is_finite() {
                for x in [
                    e.value,
                    e.delta_lots,
                    e.gamma_lots_per_tick,
                    e.vega,
                    e.theta,
                ] {
                    assert!(x.is_finite(), "S={spot} σ={vol}: {e:?}");
                }
            }
        }
    }

    #[test]
    fn the_fast_exposure_is_finite_at_the_edges_of_its_range() {
        let now = 5 * S;
        let mut b = OptionBook::new();
        for (k, tau_ns) in [
            (1, 1_000),
            (1, u64::MAX - now),
            (i64::MAX, 1_000),
            (i64::MAX, u64::MAX - now),
            (10_000, 1),
            (10_000, u64::MAX - now),
        ] {
            for kind in [Call, Put] {
                b.push(OptionLine {
                    kind,
                    strike_ticks: k,
                    expiry_ns: now + tau_ns,
                    contracts: 7,
                    multiplier_lots: 3,
                });
            }
        }
        for spot in [1e-20, 1e-3, 1.0, 1e4, 1e20] {
            for vol in [1e-20, 1e-9, 1e-4, 1.0, 1e20] {
                let e = b.exposure(spot, now, vol);
                for x in [
                    e.value,
                    e.delta_lots,
                    e.gamma_lots_per_tick,
                    e.vega,
                    e.theta,
                ] {
                    assert!(x.is_finite(), "S={spot} σ={vol}: {e:?}");
                }
                assert!(e.gamma_lots_per_tick >= 0.0 && e.vega >= 0.0 && e.theta <= 0.0);
            }
        }
    }

    #[test]
    fn the_fast_normal_functions_are_within_their_bounds() {
        let mut worst_exp = 0.0_f64;
        let mut worst_cdf = 0.0_f64;
        for i in 0..=300_000 {
            let a = i as f64 * 1e-4; // 0 to 30
            let e = exp_neg_half_square(a);
            let exact = libm::exp(-0.5 * a * a);
            worst_exp = worst_exp.max((e / exact - 1.0).abs());
            let t = 1.0 / (1.0 + AS_P * a);
            let tail = e * as_polynomial(t);
            worst_cdf = worst_cdf.max((tail - norm_cdf(-a)).abs());
        }
        eprintln!("exp relative error {worst_exp:e}, N absolute error {worst_cdf:e}");
        assert!(worst_exp < 1e-10, "{worst_exp}");
        assert!(worst_cdf < 7.5e-8, "{worst_cdf}");
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
