//! Tests of the option book: exposures against the exact sum of the lines' greeks, the
//! fast path's accuracy and edges, settlement, and the AVX2 copy against the portable one.

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
