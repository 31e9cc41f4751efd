//! European calls and puts under Black–Scholes with a zero interest rate (and no dividends):
//! price, delta, gamma, vega and theta.
//!
//! Units are the simulator's: the time to expiry `tau_s` is in **seconds** and the volatility
//! `vol_per_sqrt_s` is the lognormal volatility **per √second** (a fraction, as for the `gbm`
//! fundamental's `volatility_per_sqrt_s`), so the total standard deviation of the log price
//! is `σ√T` with `T` in seconds. Spot, strike and price share one price unit (ticks, in the
//! simulator). Consequently:
//! - **vega** is the change in price per unit of that volatility (per 1.0 per √s, not per
//!   percentage point);
//! - **theta** is the change in price per second of calendar time passing (`−∂V/∂τ`),
//!   negative for a long option.
//!
//! With `d1 = ln(S/K)/(σ√T) + σ√T/2` and `d2 = d1 − σ√T`:
//! call `= S·N(d1) − K·N(d2)`, put `= K·N(−d2) − S·N(−d1)`, call delta `N(d1)`, put delta
//! `−N(−d1)`, gamma `φ(d1)/(S·σ√T)`, vega `S·φ(d1)·√T` and theta `−S·φ(d1)·σ/(2√T)` (the
//! same for both kinds at a zero rate). `N` is built on `libm::erfc`, accurate far into the
//! tails.
//!
//! Edge cases (every result is finite for any input; no input panics):
//! - **expiry** (`tau_s ≤ 0`) and **zero volatility** (`vol_per_sqrt_s ≤ 0`, the same thing
//!   at a zero rate: the forward is the spot), or `σ√T` so small that it rounds to 0: the
//!   intrinsic value; delta is a step at the strike, 1 above it and 0 below it for a call
//!   (0 and −1 for a put), and exactly ½ for a call (−½ for a put) at `S = K`, which keeps
//!   put–call parity in delta; gamma, vega and theta are 0;
//! - `S ≤ 0` or `K ≤ 0` are read as 0 (the limits of the formulas: a zero-strike call is
//!   worth the spot, and an option on a zero spot is worth its intrinsic value). Callers are
//!   expected to validate spot and strike as positive; the functions only promise finite
//!   values. A NaN input is read as 0 too, and infinities saturate to `f64::MAX`;
//! - results that would overflow (gamma near expiry at the money for a tiny spot, say)
//!   saturate at `±f64::MAX`; prices stay within their no-arbitrage bounds
//!   (`max(S − K, 0) ≤ call ≤ S`, `max(K − S, 0) ≤ put ≤ K`).

use std::f64::consts::FRAC_1_SQRT_2;

/// `1/√(2π)`.
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OptionKind {
    /// The right to buy at the strike.
    Call,
    /// The right to sell at the strike.
    Put,
}

impl OptionKind {
    /// "call" or "put", as written in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            OptionKind::Call => "call",
            OptionKind::Put => "put",
        }
    }
}

/// An option's price and sensitivities, from one evaluation. Units: see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Greeks {
    /// Price, in the unit of spot and strike.
    pub price: f64,
    /// `∂V/∂S`: in [0, 1] for a call, [−1, 0] for a put.
    pub delta: f64,
    /// `∂²V/∂S²`, per unit of spot (≥ 0).
    pub gamma: f64,
    /// `∂V/∂σ`, per unit of volatility per √s (≥ 0).
    pub vega: f64,
    /// `−∂V/∂τ`, per second of calendar time (≤ 0).
    pub theta: f64,
}

/// The standard normal cumulative distribution function, `N(x) = erfc(−x/√2)/2`: accurate
/// in both tails (no `1 − small` cancellation below the mean).
#[inline]
pub fn norm_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x * FRAC_1_SQRT_2)
}

/// The standard normal density `φ(x) = exp(−x²/2)/√(2π)` (0 for infinite `x`).
#[inline]
pub fn norm_pdf(x: f64) -> f64 {
    INV_SQRT_2PI * libm::exp(-0.5 * x * x)
}

/// The value at expiry: `max(S − K, 0)` for a call, `max(K − S, 0)` for a put. Spot and
/// strike are read as in [`greeks`] (non-positive or NaN as 0).
#[inline]
pub fn intrinsic(kind: OptionKind, spot: f64, strike: f64) -> f64 {
    let (s, k) = (non_negative(spot), non_negative(strike));
    match kind {
        OptionKind::Call => (s - k).max(0.0),
        OptionKind::Put => (k - s).max(0.0),
    }
}

/// Price, delta, gamma, vega and theta of a European option at a zero rate, computing the
/// shared `d1`, `d2`, `N(·)` and `φ(d1)` once. `tau_s` is the time to expiry in seconds and
/// `vol_per_sqrt_s` the volatility per √second; see the module docs for units and edge cases.
pub fn greeks(kind: OptionKind, spot: f64, strike: f64, tau_s: f64, vol_per_sqrt_s: f64) -> Greeks {
    let s = non_negative(spot);
    let k = non_negative(strike);
    let tau = non_negative(tau_s);
    let vol = non_negative(vol_per_sqrt_s);
    let sqrt_tau = tau.sqrt();
    let v = vol * sqrt_tau;
    if v == 0.0 || s == 0.0 || k == 0.0 {
        return at_expiry(kind, s, k);
    }
    // ln(S/K) from the ratio when it is an ordinary number (one log); from the two logs
    // when the ratio would overflow, underflow or lose precision as a subnormal.
    let ratio = s / k;
    let m = if ratio.is_normal() {
        libm::log(ratio)
    } else {
        libm::log(s) - libm::log(k)
    };
    // Both from m/v and v/2, never d1 − v, so that neither is inf − inf.
    let m_over_v = m / v;
    let half_v = 0.5 * v;
    let d1 = m_over_v + half_v;
    let d2 = m_over_v - half_v;
    let pdf = norm_pdf(d1);
    let (price, delta) = match kind {
        OptionKind::Call => {
            let n1 = norm_cdf(d1);
            let p = s * n1 - k * norm_cdf(d2);
            (p.clamp((s - k).max(0.0), s), n1)
        }
        OptionKind::Put => {
            let n1 = norm_cdf(-d1);
            let p = k * norm_cdf(-d2) - s * n1;
            (p.clamp((k - s).max(0.0), k), -n1)
        }
    };
    // s·φ(d1) is finite (s ≤ f64::MAX, φ ≤ 0.4); each further factor goes through `mul`,
    // which never forms 0·∞.
    let s_pdf = s * pdf;
    Greeks {
        price,
        delta,
        // φ(d1)/(S·v) as (φ/v)/S: S·v alone could underflow to 0 and give 0/0.
        gamma: saturate(saturate(pdf / v) / s),
        vega: mul(s_pdf, sqrt_tau),
        theta: -mul(s_pdf, saturate(0.5 * vol / sqrt_tau)),
    }
}

/// The option's price; see [`greeks`].
pub fn price(kind: OptionKind, spot: f64, strike: f64, tau_s: f64, vol_per_sqrt_s: f64) -> f64 {
    greeks(kind, spot, strike, tau_s, vol_per_sqrt_s).price
}

/// `∂V/∂S`; see [`greeks`].
pub fn delta(kind: OptionKind, spot: f64, strike: f64, tau_s: f64, vol_per_sqrt_s: f64) -> f64 {
    greeks(kind, spot, strike, tau_s, vol_per_sqrt_s).delta
}

/// `∂²V/∂S²` (the same for calls and puts); see [`greeks`].
pub fn gamma(kind: OptionKind, spot: f64, strike: f64, tau_s: f64, vol_per_sqrt_s: f64) -> f64 {
    greeks(kind, spot, strike, tau_s, vol_per_sqrt_s).gamma
}

/// `∂V/∂σ` per unit of volatility per √s (the same for calls and puts); see [`greeks`].
pub fn vega(kind: OptionKind, spot: f64, strike: f64, tau_s: f64, vol_per_sqrt_s: f64) -> f64 {
    greeks(kind, spot, strike, tau_s, vol_per_sqrt_s).vega
}

/// `−∂V/∂τ` per second (the same for calls and puts at a zero rate); see [`greeks`].
pub fn theta(kind: OptionKind, spot: f64, strike: f64, tau_s: f64, vol_per_sqrt_s: f64) -> f64 {
    greeks(kind, spot, strike, tau_s, vol_per_sqrt_s).theta
}

/// The expiry (or zero-volatility) limit: intrinsic value, a step delta (½ at the strike).
fn at_expiry(kind: OptionKind, s: f64, k: f64) -> Greeks {
    let call_delta = if s > k {
        1.0
    } else if s < k {
        0.0
    } else {
        0.5
    };
    let (price, delta) = match kind {
        OptionKind::Call => ((s - k).max(0.0), call_delta),
        OptionKind::Put => ((k - s).max(0.0), call_delta - 1.0),
    };
    Greeks {
        price,
        delta,
        ..Greeks::default()
    }
}

/// `x` in [0, f64::MAX]: negative values and NaN read as 0, +∞ as f64::MAX.
#[inline]
fn non_negative(x: f64) -> f64 {
    if x > 0.0 { x.min(f64::MAX) } else { 0.0 }
}

/// ±∞ to ±f64::MAX (finite values unchanged).
#[inline]
fn saturate(x: f64) -> f64 {
    x.clamp(-f64::MAX, f64::MAX)
}

/// `a·b`, saturating, and 0 when either factor is 0 (so never 0·∞).
#[inline]
fn mul(a: f64, b: f64) -> f64 {
    if a == 0.0 || b == 0.0 {
        0.0
    } else {
        saturate(a * b)
    }
}

#[cfg(test)]
mod tests {
    use super::OptionKind::{Call, Put};
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn reference_values() {
        // S = K = 100, σ√T = 0.2: the same whether T = 1 s and σ = 0.2 per √s, or a year of
        // seconds with σ scaled to keep σ√T; vega and theta rescale with the units.
        let c = greeks(Call, 100.0, 100.0, 1.0, 0.2);
        let p = greeks(Put, 100.0, 100.0, 1.0, 0.2);
        assert!(close(c.price, 7.965_567, 1e-6), "{c:?}");
        assert!(close(p.price, 7.965_567, 1e-6), "{p:?}");
        assert!(close(c.delta, 0.539_828, 1e-6), "{c:?}");
        assert!(close(p.delta, 0.539_828 - 1.0, 1e-6), "{p:?}");
        assert!(close(c.gamma, 0.019_847_6, 1e-7), "{c:?}");
        assert!(close(p.gamma, c.gamma, 1e-15));
        assert!(close(c.vega, 39.695_3, 1e-4), "{c:?}");
        assert!(close(p.vega, c.vega, 1e-12));
        assert!(close(c.theta, -3.969_53, 1e-5), "{c:?}");
        assert!(close(p.theta, c.theta, 1e-12));

        let year_s = 31_536_000.0_f64;
        let sigma = 0.2 / year_s.sqrt();
        let y = greeks(Call, 100.0, 100.0, year_s, sigma);
        assert!(close(y.price, 7.965_567, 1e-6), "{y:?}");
        assert!(close(y.delta, 0.539_828, 1e-6), "{y:?}");
        assert!(close(y.gamma, 0.019_847_6, 1e-7), "{y:?}");
        // per unit of σ per √s: σ is √year times smaller, so vega is √year times larger
        assert!(close(y.vega / year_s.sqrt(), 39.695_3, 1e-4), "{y:?}");
        // per second instead of per year
        assert!(close(y.theta * year_s, -3.969_53, 1e-5), "{y:?}");
    }

    #[test]
    fn the_single_greek_functions_agree_with_greeks() {
        for kind in [Call, Put] {
            let g = greeks(kind, 103.0, 97.0, 40.0, 0.01);
            assert_eq!(price(kind, 103.0, 97.0, 40.0, 0.01), g.price);
            assert_eq!(delta(kind, 103.0, 97.0, 40.0, 0.01), g.delta);
            assert_eq!(gamma(kind, 103.0, 97.0, 40.0, 0.01), g.gamma);
            assert_eq!(vega(kind, 103.0, 97.0, 40.0, 0.01), g.vega);
            assert_eq!(theta(kind, 103.0, 97.0, 40.0, 0.01), g.theta);
        }
    }

    #[test]
    fn put_call_parity_over_a_grid() {
        for &s in &[1.0, 50.0, 80.0, 99.0, 100.0, 101.0, 120.0, 200.0, 1e4] {
            for &k in &[1.0, 50.0, 90.0, 100.0, 110.0, 200.0, 1e4] {
                for &tau in &[0.0, 1e-3, 1.0, 60.0, 3600.0, 86_400.0] {
                    for &vol in &[0.0, 1e-4, 1e-2, 0.2, 1.0] {
                        let c = greeks(Call, s, k, tau, vol);
                        let p = greeks(Put, s, k, tau, vol);
                        let scale = s.max(k);
                        let what = format!("S={s} K={k} T={tau} σ={vol}: {c:?} {p:?}");
                        assert!(close(c.price - p.price, s - k, 1e-12 * scale), "{what}");
                        assert!(close(c.delta - p.delta, 1.0, 1e-12), "{what}");
                        assert!(close(c.gamma, p.gamma, 1e-12 * c.gamma.max(1.0)), "{what}");
                        assert!(close(c.vega, p.vega, 1e-12 * c.vega.max(1.0)), "{what}");
                        assert!(close(c.theta, p.theta, 1e-12 * c.theta.abs().max(1.0)));
                    }
                }
            }
        }
    }

    #[test]
    fn delta_and_gamma_match_finite_differences_of_the_price() {
        for kind in [Call, Put] {
            for &s in &[70.0, 90.0, 100.0, 105.0, 130.0] {
                for &(tau, vol) in &[(1.0, 0.2), (3600.0, 0.002), (100.0, 0.05)] {
                    let h = 1e-4 * s;
                    let up = price(kind, s + h, 100.0, tau, vol);
                    let mid = price(kind, s, 100.0, tau, vol);
                    let down = price(kind, s - h, 100.0, tau, vol);
                    let g = greeks(kind, s, 100.0, tau, vol);
                    let fd_delta = (up - down) / (2.0 * h);
                    let fd_gamma = (up - 2.0 * mid + down) / (h * h);
                    assert!(
                        close(g.delta, fd_delta, 1e-6),
                        "{kind:?} S={s}: {g:?} {fd_delta}"
                    );
                    assert!(
                        close(g.gamma, fd_gamma, 1e-4 * g.gamma + 1e-9),
                        "{kind:?} S={s}: {g:?} {fd_gamma}"
                    );
                }
            }
        }
    }

    #[test]
    fn vega_and_theta_match_finite_differences_of_the_price() {
        for kind in [Call, Put] {
            for &s in &[80.0, 100.0, 125.0] {
                let (tau, vol) = (900.0, 0.004);
                let g = greeks(kind, s, 100.0, tau, vol);
                let hv = 1e-6;
                let fd_vega = (price(kind, s, 100.0, tau, vol + hv)
                    - price(kind, s, 100.0, tau, vol - hv))
                    / (2.0 * hv);
                let ht = 1e-2;
                // theta is per second of time passing: the time to expiry shrinks
                let fd_theta = (price(kind, s, 100.0, tau - ht, vol)
                    - price(kind, s, 100.0, tau + ht, vol))
                    / (2.0 * ht);
                assert!(
                    close(g.vega, fd_vega, 1e-6 * g.vega.max(1.0)),
                    "{g:?} {fd_vega}"
                );
                assert!(close(g.theta, fd_theta, 1e-6), "{g:?} {fd_theta}");
            }
        }
    }

    #[test]
    fn at_expiry_and_at_zero_volatility_the_option_is_its_intrinsic_value() {
        for &(tau, vol) in &[
            (0.0, 0.2),
            (-5.0, 0.2),
            (10.0, 0.0),
            (10.0, -1.0),
            (0.0, 0.0),
        ] {
            let c = greeks(Call, 110.0, 100.0, tau, vol);
            let p = greeks(Put, 110.0, 100.0, tau, vol);
            assert_eq!((c.price, c.delta), (10.0, 1.0));
            assert_eq!((p.price, p.delta), (0.0, 0.0));
            let c = greeks(Call, 90.0, 100.0, tau, vol);
            let p = greeks(Put, 90.0, 100.0, tau, vol);
            assert_eq!((c.price, c.delta), (0.0, 0.0));
            assert_eq!((p.price, p.delta), (10.0, -1.0));
            // the step is defined at the strike: ½ for a call, −½ for a put
            let c = greeks(Call, 100.0, 100.0, tau, vol);
            let p = greeks(Put, 100.0, 100.0, tau, vol);
            assert_eq!((c.price, c.delta), (0.0, 0.5));
            assert_eq!((p.price, p.delta), (0.0, -0.5));
            for g in [c, p] {
                assert_eq!((g.gamma, g.vega, g.theta), (0.0, 0.0, 0.0));
            }
        }
    }

    #[test]
    fn approaching_expiry_converges_to_the_intrinsic_value() {
        for &s in &[95.0, 105.0] {
            for kind in [Call, Put] {
                let g = greeks(kind, s, 100.0, 1e-6, 0.2);
                let at = greeks(kind, s, 100.0, 0.0, 0.2);
                assert!(close(g.price, at.price, 1e-12), "{g:?}");
                assert!(close(g.delta, at.delta, 1e-12), "{g:?}");
                assert!(g.gamma < 1e-12 && g.vega < 1e-12, "{g:?}");
            }
        }
        // at the money the time value shrinks like S·σ√T/√(2π) and delta tends to ½
        let g = greeks(Call, 100.0, 100.0, 1e-6, 0.2);
        assert!(close(g.price, 100.0 * 0.2e-3 * INV_SQRT_2PI, 1e-9), "{g:?}");
        assert!(close(g.delta, 0.5, 1e-4), "{g:?}");
    }

    #[test]
    fn deep_in_and_out_of_the_money() {
        // σ√T = 0.2, spot 1000× and 1/1000 of the strike: ln ratio = ±6.9, 35 sd away
        let itm = greeks(Call, 1e5, 100.0, 1.0, 0.2);
        assert!(close(itm.price, 1e5 - 100.0, 1e-9), "{itm:?}");
        assert_eq!(itm.delta, 1.0);
        let otm = greeks(Call, 0.1, 100.0, 1.0, 0.2);
        assert!(otm.price >= 0.0 && otm.price < 1e-200, "{otm:?}");
        assert!(otm.delta >= 0.0 && otm.delta < 1e-200, "{otm:?}");
        let put_itm = greeks(Put, 0.1, 100.0, 1.0, 0.2);
        assert!(close(put_itm.price, 99.9, 1e-12), "{put_itm:?}");
        assert_eq!(put_itm.delta, -1.0);
        // far tails: erfc keeps a tiny but correct, positive value where 1 − N would give 0
        let tail = greeks(Call, 100.0, 300.0, 1.0, 0.2);
        assert!(tail.price > 0.0 && tail.price < 1e-6, "{tail:?}");
        assert!(tail.delta > 0.0 && tail.delta < 1e-6, "{tail:?}");
        for g in [itm, otm, put_itm, tail] {
            assert!(g.gamma >= 0.0 && g.gamma < 1e-6, "{g:?}");
            assert!(g.vega >= 0.0 && g.vega < 1e-3, "{g:?}");
            assert!(g.theta <= 0.0 && g.theta > -1e-4, "{g:?}");
        }
    }

    #[test]
    fn non_positive_spot_or_strike_gives_the_limits() {
        for &zero in &[0.0, -1.0, f64::NAN] {
            // an option on a zero spot: the call is worthless, the put worth its strike
            let c = greeks(Call, zero, 100.0, 60.0, 0.01);
            let p = greeks(Put, zero, 100.0, 60.0, 0.01);
            assert_eq!((c.price, c.delta), (0.0, 0.0));
            assert_eq!((p.price, p.delta), (100.0, -1.0));
            // a zero-strike call is the underlying; the put is worthless
            let c = greeks(Call, 100.0, zero, 60.0, 0.01);
            let p = greeks(Put, 100.0, zero, 60.0, 0.01);
            assert_eq!((c.price, c.delta), (100.0, 1.0));
            assert_eq!((p.price, p.delta), (0.0, 0.0));
            let both = greeks(Call, zero, zero, 60.0, 0.01);
            assert_eq!((both.price, both.delta), (0.0, 0.5));
        }
        assert_eq!(intrinsic(Call, -3.0, 2.0), 0.0);
        assert_eq!(intrinsic(Put, -3.0, 2.0), 2.0);
    }

    #[test]
    fn finite_and_bounded_over_extreme_inputs() {
        let taus = [0.0, 1e-300, 1e-12, 1.0, 1e12, f64::MAX, f64::INFINITY];
        let vols = [0.0, 1e-300, 1e-9, 1.0, 1e3, f64::MAX];
        let spots = [
            0.0,
            5e-324,
            1e-300,
            1e-12,
            1e-3,
            1.0,
            99.0,
            100.0,
            101.0,
            1e4,
            1e12,
            1e300,
            f64::MAX,
        ];
        let strikes = [1e-300, 1.0, 100.0, 1e12, 1e300];
        for kind in [Call, Put] {
            for &tau in &taus {
                for &vol in &vols {
                    for &s in &spots {
                        for &k in &strikes {
                            let g = greeks(kind, s, k, tau, vol);
                            let what = format!("{kind:?} S={s} K={k} T={tau} σ={vol}: {g:?}");
                            for x in [g.price, g.delta, g.gamma, g.vega, g.theta] {
                                assert!(x.is_finite(), "{what}");
                            }
                            let (lo, hi) = match kind {
                                Call => ((s - k).max(0.0), s),
                                Put => ((k - s).max(0.0), k),
                            };
                            assert!(g.price >= lo && g.price <= hi, "{what}");
                            match kind {
                                Call => assert!((0.0..=1.0).contains(&g.delta), "{what}"),
                                Put => assert!((-1.0..=0.0).contains(&g.delta), "{what}"),
                            }
                            assert!(g.gamma >= 0.0 && g.vega >= 0.0 && g.theta <= 0.0, "{what}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn norm_cdf_is_accurate_in_the_tails() {
        assert_eq!(norm_cdf(0.0), 0.5);
        // N(−10) = 7.619 853 024 160 526e-24, N(−30) = 4.906 713 927 148 187e-198
        assert!(close(
            norm_cdf(-10.0) / 7.619_853_024_160_526e-24,
            1.0,
            1e-12
        ));
        assert!(close(
            norm_cdf(-30.0) / 4.906_713_927_148_187e-198,
            1.0,
            1e-12
        ));
        assert_eq!(norm_cdf(40.0), 1.0);
        assert_eq!(norm_cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(norm_pdf(f64::INFINITY), 0.0);
        assert!(close(norm_cdf(1.0) + norm_cdf(-1.0), 1.0, 1e-16));
    }
}
