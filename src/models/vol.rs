//! Realised volatility of a price path as an exponentially weighted average of squared
//! changes per unit time, with a half-life in seconds.
//!
//! Observations closer together than a minimum interval are skipped: sampled at ever shorter
//! intervals, a traded price's squared changes per unit time are dominated by bid-ask bounce
//! and grow without bound, so a fixed sampling interval keeps the estimate independent of
//! how often it is fed (and of the simulation step).

use serde::Serialize;

/// EWMA estimate of the variance rate (price units² per second) of an observed price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VolEstimator {
    halflife_s: f64,
    min_interval_s: f64,
    var_per_s: f64,
    last: Option<(f64, f64)>,
}

impl VolEstimator {
    /// Starts from a prior volatility (units per √s); uses observations at least
    /// `min_interval_s` apart.
    pub fn new(halflife_s: f64, prior_per_sqrt_s: f64, min_interval_s: f64) -> Self {
        VolEstimator {
            halflife_s,
            min_interval_s,
            var_per_s: prior_per_sqrt_s * prior_per_sqrt_s,
            last: None,
        }
    }

    /// Takes one observation of the price at time `t_s`. Observations less than the minimum
    /// interval after the last one used (or not after it at all) are ignored.
    pub fn observe(&mut self, price: f64, t_s: f64) {
        if let Some((p0, t0)) = self.last {
            let dt = t_s - t0;
            if dt <= 0.0 || dt < self.min_interval_s {
                return;
            }
            let w = 1.0 - libm::exp(-dt * std::f64::consts::LN_2 / self.halflife_s);
            let sample = (price - p0) * (price - p0) / dt;
            self.var_per_s += w * (sample - self.var_per_s);
        }
        self.last = Some((price, t_s));
    }

    /// The variance rate, units² per second.
    pub fn variance_per_s(&self) -> f64 {
        self.var_per_s
    }

    /// The volatility, units per √second.
    pub fn sigma_per_sqrt_s(&self) -> f64 {
        self.var_per_s.sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_price_decays_to_zero_and_jumps_raise_it() {
        let mut v = VolEstimator::new(1.0, 2.0, 0.5);
        assert_eq!(v.variance_per_s(), 4.0);
        v.observe(100.0, 0.0);
        v.observe(100.0, 1.0);
        assert!(
            (v.variance_per_s() - 2.0).abs() < 1e-12,
            "half-life halves it"
        );
        v.observe(150.0, 1.2); // too soon: ignored
        v.observe(102.0, 2.0);
        // w = 1/2: 2 + 0.5 * (4 - 2) = 3
        assert!((v.variance_per_s() - 3.0).abs() < 1e-12);
    }
}
