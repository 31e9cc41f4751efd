//! The fast path of [`super::OptionBook::exposure`]: the lines' greeks a chunk at a time
//! from their cached numbers, with one logarithm per look, a polynomial exponential and the
//! Abramowitz–Stegun 26.2.17 normal distribution (the module docs of [`super`] describe the
//! method and its accuracy).

use super::{BookGreeks, LineCache, split_ns, time_to_ns};
use std::ops::Range;

/// Lines evaluated per pass of the fast path: the scratch arrays' length (a multiple of the
/// 4 partial sums).
pub(super) const CHUNK: usize = 128;

/// The fast path's range for the spot (ticks) and the volatility (per √s); outside it every
/// line takes the exact path. Inside it no intermediate overflows or becomes subnormal.
pub(super) const FAST_INPUT_MIN: f64 = 1e-20;
/// See [`FAST_INPUT_MIN`].
pub(super) const FAST_INPUT_MAX: f64 = 1e20;

/// The smallest `σ√τ` a line is evaluated at by the fast path; below it, the exact path.
/// `ln S − ln K` is off by a few ulps of the logarithms (≈10⁻¹⁴) where the exact path's
/// `ln(S/K)` is not, and `d1` by that over `σ√τ`: at most ≈10⁻⁸ here.
pub(super) const MIN_FAST_VOL_SQRT_TAU: f64 = 1e-6;

/// `|d1|` beyond which the fast path evaluates `e^{−d1²/2}` at this bound instead: ≈10⁻¹⁹⁶,
/// far below any tolerance, and normal, so that no product of it becomes subnormal.
pub(super) const MAX_EXP_D: f64 = 30.0;

/// The time to expiry, s, the fast path gives a line at or past expiry: its `σ√τ` is then at
/// most 10⁻¹⁰, below [`MIN_FAST_VOL_SQRT_TAU`], for any volatility up to [`FAST_INPUT_MAX`],
/// every value computed from it is finite, and its `√τ` (10⁻³⁰) is below [`LIVE_SQRT_TAU`].
pub(super) const DEAD_TAU_S: f64 = 1e-60;

/// Below any live line's `√τ` (τ ≥ 1 ns, √τ ≥ 3·10⁻⁵) and above [`DEAD_TAU_S`]'s.
pub(super) const LIVE_SQRT_TAU: f64 = 1e-10;

/// `1/√(2π)`.
pub(super) const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// The sign bit of an `f64`.
pub(super) const SIGN_BIT: u64 = 1 << 63;

/// The book-wide inputs of the fast path.
pub(super) struct Market {
    /// `S`, ticks.
    spot_ticks: f64,
    /// `ln S` (`libm::log`).
    ln_spot: f64,
    /// `σ`, per √s.
    vol_per_sqrt_s: f64,
    /// `σ²`, per s.
    variance_per_s: f64,
    /// The evaluation time's high and low 32 bits, ns ([`split_ns`]).
    now_high: f64,
    /// See `now_high`.
    now_low: f64,
}

impl Market {
    pub(super) fn new(spot_ticks: f64, now_ns: u64, vol_per_sqrt_s: f64) -> Self {
        let (now_high, now_low) = split_ns(now_ns);
        Self {
            spot_ticks,
            ln_spot: libm::log(spot_ticks),
            vol_per_sqrt_s,
            variance_per_s: vol_per_sqrt_s * vol_per_sqrt_s,
            now_high,
            now_low,
        }
    }
}

/// One chunk of lines in the fast path: the intermediate values between its passes, and
/// its per-line results, each already times the line's weight (0 for a line whose results
/// are not used). Aligned so that every array starts on 16 bytes, which lets the vector
/// loops' loads fold into their arithmetic.
#[repr(C, align(16))]
pub(super) struct Chunk {
    /// `σ√τ`, which decides whether a line may use the fast path's results.
    pub(super) vol_sqrt_tau: [f64; CHUNK],
    /// `√τ`, τ in seconds.
    sqrt_tau: [f64; CHUNK],
    /// `1/(σ√τ)`.
    inv_vol_sqrt_tau: [f64; CHUNK],
    /// `d1`.
    d1: [f64; CHUNK],
    /// `d2·σ√τ` (its sign is `d2`'s).
    d2_v: [f64; CHUNK],
    /// `t = 1/(1 + p·|d1|)` of Abramowitz and Stegun 26.2.17 ([`as_polynomial`]), then
    /// `N(−|d1|)`.
    t1_then_tail1: [f64; CHUNK],
    /// The same at `d2`, then `K·N(−|d2|)`.
    t2_then_k_tail2: [f64; CHUNK],
    /// `e^{−d1²/2}`.
    exp1: [f64; CHUNK],
    /// Value, ticks·lots.
    value: [f64; CHUNK],
    /// Delta, lots.
    delta_lots: [f64; CHUNK],
    /// `w·φ(d1)/(σ√τ)`: gamma times `S`, and theta times `−2/(σ²·S)`.
    pdf_over_v: [f64; CHUNK],
    /// `w·φ(d1)·√τ`: vega over `S`.
    pdf_sqrt_tau: [f64; CHUNK],
}

thread_local! {
    /// The fast path's scratch space, one per thread: 12 KiB that would otherwise be zeroed
    /// on every call. Every entry read is written first in the same call, so nothing carries
    /// over from one call to the next.
    pub(super) static SCRATCH: std::cell::RefCell<Chunk> = const { std::cell::RefCell::new(Chunk::ZERO) };
}

impl Chunk {
    /// All zeros.
    pub(super) const ZERO: Self = {
        Self {
            vol_sqrt_tau: [0.0; CHUNK],
            sqrt_tau: [0.0; CHUNK],
            inv_vol_sqrt_tau: [0.0; CHUNK],
            d1: [0.0; CHUNK],
            d2_v: [0.0; CHUNK],
            t1_then_tail1: [0.0; CHUNK],
            t2_then_k_tail2: [0.0; CHUNK],
            exp1: [0.0; CHUNK],
            value: [0.0; CHUNK],
            delta_lots: [0.0; CHUNK],
            pdf_over_v: [0.0; CHUNK],
            pdf_sqrt_tau: [0.0; CHUNK],
        }
    };

    /// Evaluates the lines `range` of `cache` (at most [`CHUNK`]) by the formulas of
    /// [`greeks`], with one exponential and one division per line (see the module docs).
    /// Lines at or past expiry get zeros; so do the live lines whose results the fast path
    /// must not use (`σ√τ` below their `min_fast_vol_sqrt_tau`), and those are counted: the
    /// caller evaluates them by the exact path.
    ///
    /// Three passes over the chunk, each a loop without branches or calls that vectorizes
    /// and whose iterations are short enough to overlap in the processor.
    pub(super) fn fill(
        &mut self,
        market: &Market,
        cache: &LineCache,
        range: Range<usize>,
    ) -> usize {
        #[cfg(target_arch = "x86_64")]
        return self.fill_avx2(market, cache, range);
        #[cfg(not(target_arch = "x86_64"))]
        self.fill_portable(market, cache, range)
    }

    /// [`Self::fill`] compiled for AVX2 where the processor has it (checked here, by the
    /// standard library's cached detection), else [`Self::fill_portable`]. The AVX2 copy
    /// does the same operations, four lines to a vector instruction instead of two. Only the
    /// width changes: `+ − × ÷ √`, compares, selects and bit operations give the same bits
    /// at any width, and FMA is not enabled, so the results equal [`Self::fill_portable`]'s
    /// (tested, in the release build by `.ci/run`).
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    pub(super) fn fill_avx2(
        &mut self,
        market: &Market,
        cache: &LineCache,
        range: Range<usize>,
    ) -> usize {
        #[target_feature(enable = "avx2")]
        fn with_avx2(
            chunk: &mut Chunk,
            market: &Market,
            cache: &LineCache,
            range: Range<usize>,
        ) -> usize {
            chunk.fill_inline(market, cache, range)
        }
        if !std::arch::is_x86_feature_detected!("avx2") {
            return self.fill_portable(market, cache, range);
        }
        // SAFETY: the processor has AVX2 (checked just above), so every instruction
        // `with_avx2` may use.
        unsafe { with_avx2(self, market, cache, range) }
    }

    /// The bits of every value the first `n` lines left in the chunk, array by array (for
    /// the tests that compare two ways of filling it).
    #[cfg(test)]
    pub(super) fn bits(&self, n: usize) -> Vec<u64> {
        [
            &self.vol_sqrt_tau,
            &self.sqrt_tau,
            &self.inv_vol_sqrt_tau,
            &self.d1,
            &self.d2_v,
            &self.t1_then_tail1,
            &self.t2_then_k_tail2,
            &self.exp1,
            &self.value,
            &self.delta_lots,
            &self.pdf_over_v,
            &self.pdf_sqrt_tau,
        ]
        .iter()
        .flat_map(|a| a[..n].iter().map(|x| x.to_bits()))
        .collect()
    }

    /// [`Self::fill`] for the target's baseline instruction set.
    pub(super) fn fill_portable(
        &mut self,
        market: &Market,
        cache: &LineCache,
        range: Range<usize>,
    ) -> usize {
        self.fill_inline(market, cache, range)
    }

    /// The body of [`Self::fill`], inlined into each instruction-set variant.
    #[inline(always)]
    fn fill_inline<'a>(
        &mut self,
        market: &Market,
        cache: &'a LineCache,
        range: Range<usize>,
    ) -> usize {
        let n = range.len();
        // every slice exactly `n` long, as the loops' bounds, so that they vectorize
        let line = |field: &'a [f64]| &field[range.clone()][..n];
        let (v, sqrt_tau) = (&mut self.vol_sqrt_tau[..n], &mut self.sqrt_tau[..n]);
        let (inv_v, d1) = (&mut self.inv_vol_sqrt_tau[..n], &mut self.d1[..n]);
        let d2_v = &mut self.d2_v[..n];
        let (t1, t2) = (&mut self.t1_then_tail1[..n], &mut self.t2_then_k_tail2[..n]);
        let ln_strike = line(&cache.ln_strike);
        let (expiry_high, expiry_low) = (line(&cache.expiry_high), line(&cache.expiry_low));
        // With m = ln S − ln K and v = σ√τ: d1·v = m + v²/2 and d2·v = m − v²/2 (never
        // d1 − v); A&S's t = 1/(1 + p·|d|) as v/(v + p·|d·v|); 1/v and both t from one
        // division, 1/(v²·(v + p·|d1·v|)·(v + p·|d2·v|)). A line at or past expiry gets
        // τ = DEAD_TAU_S instead: meaningless but finite values, and √τ below LIVE_SQRT_TAU.
        for j in 0..n {
            let tau_ns = time_to_ns(
                expiry_high[j],
                expiry_low[j],
                market.now_high,
                market.now_low,
            );
            let tau_s = tau_ns * 1e-9;
            let tau_s = select(tau_s > DEAD_TAU_S, tau_s, DEAD_TAU_S);
            sqrt_tau[j] = tau_s.sqrt();
            v[j] = market.vol_per_sqrt_s * sqrt_tau[j];
            let variance = market.variance_per_s * tau_s; // v²
            let m = market.ln_spot - ln_strike[j];
            let d1_v = m + 0.5 * variance;
            d2_v[j] = m - 0.5 * variance;
            // stored for the second loop: A&S's denominators, and v² in place of 1/v
            t1[j] = v[j] + AS_P * d1_v.abs();
            t2[j] = v[j] + AS_P * d2_v[j].abs();
            inv_v[j] = variance;
            d1[j] = d1_v;
        }
        for j in 0..n {
            let (den1, den2, variance, d1_v) = (t1[j], t2[j], inv_v[j], d1[j]);
            let den12 = den1 * den2;
            let inv = 1.0 / (variance * den12);
            inv_v[j] = v[j] * den12 * inv;
            let v_over_den12 = v[j] * variance * inv;
            t1[j] = v_over_den12 * den2;
            t2[j] = v_over_den12 * den1;
            d1[j] = d1_v * inv_v[j];
        }
        // e^{−d1²/2}, N(−|d1|) and K·N(−|d2|): K·e^{−d2²/2} is S·e^{−d1²/2}, since
        // d1² − d2² = 2·ln(S/K)
        let s = market.spot_ticks;
        let exp1 = &mut self.exp1[..n];
        for j in 0..n {
            let a = d1[j].abs();
            exp1[j] = exp_neg_half_square(select(a < MAX_EXP_D, a, MAX_EXP_D));
            t1[j] = exp1[j] * as_polynomial(t1[j]);
            t2[j] = (s * exp1[j]) * as_polynomial(t2[j]);
        }
        let (tail1, k_tail2) = (t1, t2);
        let (half_strike, put) = (line(&cache.half_strike_ticks), line(&cache.put));
        let (weight_lots, weight_pdf) = (line(&cache.weight_lots), line(&cache.weight_pdf));
        let min_fast_v = line(&cache.min_fast_vol_sqrt_tau);
        let (value, delta_lots) = (&mut self.value[..n], &mut self.delta_lots[..n]);
        let (pdf_over_v, pdf_sqrt_tau) = (&mut self.pdf_over_v[..n], &mut self.pdf_sqrt_tau[..n]);
        let mut exact_lines = 0;
        for j in 0..n {
            // N(d1) and K·N(d2): ½ ± (½ − N(−|d|)), the sign d's
            let n1 = 0.5 + flip_if_negative(0.5 - tail1[j], d1[j]);
            let k_n2 = half_strike[j] + flip_if_negative(half_strike[j] - k_tail2[j], d2_v[j]);
            // the call, S·N(d1) − K·N(d2), at least its intrinsic value (and at most S, as
            // N(d1) ≤ 1 and K·N(d2) ≥ 0); the put by parity, C − P = S − K
            let forward = s - 2.0 * half_strike[j];
            let floor = select(forward > 0.0, forward, 0.0);
            let call = s * n1 - k_n2;
            let call = select(call > floor, call, floor);
            // the weight, or 0 for a line at or past expiry or off the fast path (whose
            // values are meaningless, but finite)
            let live = sqrt_tau[j] > LIVE_SQRT_TAU;
            let fast = v[j] >= min_fast_v[j];
            exact_lines += usize::from(live && !fast);
            let mask = 0_u64.wrapping_sub(u64::from(fast));
            let keep = |x: f64| f64::from_bits(x.to_bits() & mask);
            let w = keep(weight_lots[j]);
            let w_pdf = keep(weight_pdf[j]) * exp1[j]; // w·φ(d1)
            value[j] = w * (call - put[j] * forward);
            delta_lots[j] = w * (n1 - put[j]);
            pdf_over_v[j] = w_pdf * inv_v[j];
            pdf_sqrt_tau[j] = w_pdf * sqrt_tau[j];
        }
        exact_lines
    }
}

/// `x`, negated when `sign` is negative (sign bit set).
#[inline(always)]
pub(super) fn flip_if_negative(x: f64, sign: f64) -> f64 {
    f64::from_bits(x.to_bits() ^ (sign.to_bits() & SIGN_BIT))
}

/// The fast-path lines' sums, each as 4 partial sums: line `i` goes to partial sum `i mod 4`.
#[derive(Default)]
pub(super) struct FastSums {
    /// Value, delta, `w·φ(d1)/(σ√τ)` and `w·φ(d1)·√τ`.
    partial: [[f64; 4]; 4],
}

impl FastSums {
    /// Adds the first `n` lines of a chunk (which starts at a multiple of 4).
    pub(super) fn add(&mut self, chunk: &Chunk, n: usize) {
        let columns = [
            &chunk.value[..n],
            &chunk.delta_lots[..n],
            &chunk.pdf_over_v[..n],
            &chunk.pdf_sqrt_tau[..n],
        ];
        let quads = n / 4;
        for q in 0..quads {
            for (partial, column) in self.partial.iter_mut().zip(columns) {
                let x = &column[4 * q..4 * q + 4];
                for lane in 0..4 {
                    partial[lane] += x[lane];
                }
            }
        }
        for (partial, column) in self.partial.iter_mut().zip(columns) {
            for (p, &x) in partial.iter_mut().zip(&column[4 * quads..]) {
                *p += x;
            }
        }
    }

    /// The greeks: `(p₀ + p₁) + (p₂ + p₃)` of each sum; gamma `Σ w·φ/v` over `S`, theta
    /// the same times `−σ²·S/2`, vega `S·Σ w·φ·√τ`.
    pub(super) fn total(&self, market: &Market) -> BookGreeks {
        let [value, delta_lots, pdf_over_v, pdf_sqrt_tau] =
            self.partial.map(|p| (p[0] + p[1]) + (p[2] + p[3]));
        let s = market.spot_ticks;
        BookGreeks {
            value,
            delta_lots,
            gamma_lots_per_tick: pdf_over_v / s,
            vega: pdf_sqrt_tau * s,
            theta: pdf_over_v * (-0.5 * market.variance_per_s * s),
        }
    }
}

/// `if condition { a } else { b }`, for values that are both already computed: a select,
/// free of the NaN and signed-zero subtleties of `min` and `max`.
#[inline(always)]
pub(super) fn select(condition: bool, a: f64, b: f64) -> f64 {
    if condition { a } else { b }
}

/// `1.5·2⁵²`: adding it to a number of magnitude below 2⁵¹ rounds that number to the nearest
/// integer (ties to even), which then sits in the low bits of the sum's mantissa.
pub(super) const ROUND_TO_INTEGER: f64 = 6_755_399_441_055_744.0;

/// `e^{−a²/2}` for `a` in [0, 37.6] (the fast path passes [0, [`MAX_EXP_D`]]), relative
/// error below 2·10⁻¹³ (below 10⁻¹⁴ for `a < 6`). As `2^y`, `y = −a²·log₂(e)/2`, with
/// `y = k + f`, `k` the nearest integer and `|f| ≤ ½` (exact); `2^f` by a degree-7
/// polynomial, the Chebyshev fit to `2^f` on that interval (relative error 5.6·10⁻¹¹,
/// coefficients rounded to `f64`), evaluated by Estrin's scheme for short dependency
/// chains; `2^k` built in the exponent bits. Plain IEEE arithmetic, no branch.
#[inline(always)]
pub(super) fn exp_neg_half_square(a: f64) -> f64 {
    let y = a * a * (-0.5 * std::f64::consts::LOG2_E);
    let shifted = y + ROUND_TO_INTEGER;
    let k = shifted - ROUND_TO_INTEGER;
    let f = y - k;
    let f2 = f * f;
    let f4 = f2 * f2;
    let c01 = 0.999_999_999_959_497 + f * 0.693_147_180_556_827_4;
    let c23 = 0.240_226_512_141_200_53 + f * 0.055_504_109_063_737_37;
    let c45 = 0.009_618_025_530_398_209 + f * 0.001_333_347_840_986_539_9;
    let c67 = 0.000_154_697_557_449_258_22 + f * 1.530_372_113_080_136_7e-5;
    let p = (c01 + f2 * c23) + f4 * (c45 + f2 * c67);
    // k + 1023 in [1, 1023] is the biased exponent of 2^k; k sits in the low bits of
    // `shifted`, whose bits exceed ROUND_TO_INTEGER's by k (two's complement)
    let biased = shifted
        .to_bits()
        .wrapping_add(1023_u64.wrapping_sub(ROUND_TO_INTEGER.to_bits()));
    p * f64::from_bits(biased << 52)
}

/// `p` of Abramowitz and Stegun 26.2.17.
pub(super) const AS_P: f64 = 0.231_641_9;
/// `b1` … `b5` of Abramowitz and Stegun 26.2.17, each divided by `√(2π)`.
pub(super) const AS_B: [f64; 5] = [
    0.319_381_530 * INV_SQRT_2PI,
    -0.356_563_782 * INV_SQRT_2PI,
    1.781_477_937 * INV_SQRT_2PI,
    -1.821_255_978 * INV_SQRT_2PI,
    1.330_274_429 * INV_SQRT_2PI,
];

/// Abramowitz and Stegun 26.2.17: `N(−a) = φ(a)·(b1·t + b2·t² + … + b5·t⁵) + ε` with
/// `t = 1/(1 + p·a)` and `|ε| < 7.5·10⁻⁸` for every `a ≥ 0`. This is the sum divided by
/// `√(2π)`, so that `N(−a) ≈ e^{−a²/2}·as_polynomial(t)`, by Estrin's scheme.
#[inline(always)]
pub(super) fn as_polynomial(t: f64) -> f64 {
    let [b1, b2, b3, b4, b5] = AS_B;
    t * (b1 + t * (b2 + t * (b3 + t * (b4 + t * b5))))
}
