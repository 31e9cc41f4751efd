//! A self-exciting (Hawkes) point process with an exponential kernel, as plain state.
//!
//! The intensity is `λ(t) = λ₀ + x(t)` with the *excess* `x(t) = Σᵢ n·β·e^{−β(t − tᵢ)}` over
//! the past exciting events `tᵢ`: each one adds `n·β` (per second) that decays at rate `β`
//! (`decay_per_s`). `n` (`branching_ratio`) is the kernel's integral, the mean number of events
//! an event triggers directly; with `0 ≤ n < 1` the process is stationary and its mean rate is
//! `λ₀ / (1 − n)` (Hawkes 1971). Between events the excess only decays, so the state is one
//! number and both updating it and drawing the next event cost O(1) whatever the history
//! (the recursive intensity).
//!
//! The next event is drawn exactly by Dassios & Zhao's (2013) decomposition: the first event
//! of the baseline (an exponential wait at rate `λ₀`) races the first event of the decaying
//! excess, whose waiting time has the closed form `−ln(1 + β ln(u)/x) / β` when
//! `1 + β ln(u)/x > 0`, and is infinite otherwise (the excess can die out first). No thinning,
//! no rejection: two draws per event. The draws are given to this module (an Exp(1) variate
//! and a uniform), so it stays free of randomness; `agents::noise` supplies them from the
//! group's seeded stream.
//!
//! The process can also be *scaled*: an intensity `c·(λ₀ + x(t))` for a constant `c > 0`
//! (a group whose market orders are the exciting events and whose other orders follow the
//! same activity). [`HawkesState::next_wait_s`] takes `c`.

/// The stationary mean rate `λ₀ / (1 − n)` of a Hawkes process with baseline `λ₀` and
/// branching ratio `n` (`0 ≤ n < 1`).
pub fn mean_rate_per_s(baseline_per_s: f64, branching_ratio: f64) -> f64 {
    baseline_per_s / (1.0 - branching_ratio)
}

/// The baseline `λ₀ = λ̄ (1 − n)` that gives the mean rate `λ̄`.
pub fn baseline_for_mean(mean_per_s: f64, branching_ratio: f64) -> f64 {
    mean_per_s * (1.0 - branching_ratio)
}

/// The limit, for long windows `T ≫ 1/β`, of the variance of the number of events in a
/// window over its mean: `1 / (1 − n)²` (a Poisson process has 1).
pub fn long_window_fano_factor(branching_ratio: f64) -> f64 {
    1.0 / ((1.0 - branching_ratio) * (1.0 - branching_ratio))
}

/// The stationary autocorrelation time of the intensity, `1 / (β (1 − n))` seconds: how long
/// a burst of activity lasts with its offspring.
pub fn memory_s(branching_ratio: f64, decay_per_s: f64) -> f64 {
    1.0 / (decay_per_s * (1.0 - branching_ratio))
}

/// The state of one Hawkes process: its excess intensity at a time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HawkesState {
    /// `n`, the kernel's integral (`0 ≤ n < 1`).
    pub branching_ratio: f64,
    /// `β`, the kernel's decay rate, per second (> 0).
    pub decay_per_s: f64,
    /// The excess intensity `x` at `at_s`, per second (≥ 0).
    pub excess_per_s: f64,
    /// When `excess_per_s` was last brought up to date, seconds.
    pub at_s: f64,
}

impl HawkesState {
    /// A process with no excess at time 0.
    pub fn new(branching_ratio: f64, decay_per_s: f64) -> Self {
        HawkesState {
            branching_ratio,
            decay_per_s,
            excess_per_s: 0.0,
            at_s: 0.0,
        }
    }

    /// Brings the excess up to time `t_s` (≥ `at_s`): it decays by `e^{−β(t − at)}`.
    #[inline]
    pub fn advance_to(&mut self, t_s: f64) {
        let dt = t_s - self.at_s;
        if dt > 0.0 {
            self.excess_per_s *= libm::exp(-self.decay_per_s * dt);
            self.at_s = t_s;
        }
    }

    /// An exciting event at the current time (call [`advance_to`](Self::advance_to) first):
    /// the excess jumps by `n·β`.
    #[inline]
    pub fn excite(&mut self) {
        self.excess_per_s += self.branching_ratio * self.decay_per_s;
    }

    /// The unscaled intensity `λ₀ + x` at the current time.
    #[inline]
    pub fn intensity_per_s(&self, baseline_per_s: f64) -> f64 {
        baseline_per_s + self.excess_per_s
    }

    /// The wait from the current time to the next event of the process with intensity
    /// `scale·(λ₀ + x(t))`, given an Exp(1) draw `e1` (the baseline's wait, in units of its
    /// mean) and a uniform `u` in `(0, 1]` (the excess's); `f64::INFINITY` if neither part
    /// ever fires (a baseline of 0 and an excess that dies out). Exact (Dassios & Zhao 2013).
    #[inline]
    pub fn next_wait_s(&self, baseline_per_s: f64, scale: f64, e1: f64, u: f64) -> f64 {
        let base = baseline_per_s * scale;
        let from_base = if base > 0.0 { e1 / base } else { f64::INFINITY };
        let x = self.excess_per_s * scale;
        let from_excess = if x > 0.0 {
            // ln(1 + z) by log1p: with a slow decay z is tiny, and 1 + z would round to 1
            // (a wait of 0, and events without end)
            let z = self.decay_per_s * libm::log(u) / x;
            if z > -1.0 {
                -libm::log1p(z) / self.decay_per_s
            } else {
                f64::INFINITY
            }
        } else {
            f64::INFINITY
        };
        from_base.min(from_excess)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, standard_exponential, stream, uniform};

    /// Simulates `duration_s` of a Hawkes process whose every event excites; event times.
    fn simulate(baseline: f64, n: f64, beta: f64, duration_s: f64, seed: u64) -> Vec<f64> {
        let mut r = stream(seed, Purpose::Noise, 0, 0);
        let mut h = HawkesState::new(n, beta);
        let (mut t, mut out) = (0.0, Vec::new());
        loop {
            let w = h.next_wait_s(
                baseline,
                1.0,
                standard_exponential(&mut r),
                1.0 - uniform(&mut r),
            );
            t += w;
            if t >= duration_s {
                return out;
            }
            h.advance_to(t);
            h.excite();
            out.push(t);
        }
    }

    #[test]
    fn the_mean_rate_is_the_baseline_over_one_minus_n() {
        for (baseline, n, beta) in [(1.0, 0.0, 1.0), (0.5, 0.5, 2.0), (0.2, 0.9, 0.5)] {
            let duration = 200_000.0;
            let events = simulate(baseline, n, beta, duration, 7);
            let rate = events.len() as f64 / duration;
            let expected = mean_rate_per_s(baseline, n);
            // the count's sd over a long window is √(λ̄ T)/(1 − n)
            let sd = (expected * duration).sqrt() / (1.0 - n) / duration;
            assert!(
                (rate - expected).abs() < 4.0 * sd,
                "n = {n}: rate {rate}, expected {expected} ± {sd}"
            );
            assert!((baseline_for_mean(expected, n) - baseline).abs() < 1e-12);
        }
    }

    #[test]
    fn rescaled_inter_arrival_times_are_unit_exponentials() {
        // time-rescaling theorem: the compensator's increments between events are Exp(1)
        let (baseline, n, beta) = (0.3, 0.8, 1.5);
        let events = simulate(baseline, n, beta, 100_000.0, 3);
        let mut h = HawkesState::new(n, beta);
        let mut prev = 0.0;
        let mut taus = Vec::with_capacity(events.len());
        for &t in &events {
            // ∫ λ over (prev, t] = λ₀ (t − prev) + x(prev) (1 − e^{−β(t − prev)}) / β
            let dt = t - prev;
            let tau = baseline * dt + h.excess_per_s * (1.0 - libm::exp(-beta * dt)) / beta;
            taus.push(tau);
            h.advance_to(t);
            h.excite();
            prev = t;
        }
        let m = taus.len() as f64;
        let mean = taus.iter().sum::<f64>() / m;
        let var = taus.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / m;
        assert!((mean - 1.0).abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
        for c in [0.1, 1.0, 3.0] {
            let p = taus.iter().filter(|&&x| x > c).count() as f64 / m;
            assert!((p - libm::exp(-c)).abs() < 0.01, "P(τ > {c}) = {p}");
        }
        // the raw inter-arrival times are over-dispersed: coefficient of variation above 1
        let gaps: Vec<f64> = events.windows(2).map(|w| w[1] - w[0]).collect();
        let gm = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let gsd = (gaps.iter().map(|x| (x - gm).powi(2)).sum::<f64>() / gaps.len() as f64).sqrt();
        assert!(gsd / gm > 1.2, "CV {}", gsd / gm);
    }

    #[test]
    fn counts_over_long_windows_have_the_hawkes_fano_factor() {
        let (baseline, n, beta) = (1.0, 0.5, 2.0);
        let events = simulate(baseline, n, beta, 400_000.0, 11);
        let window = 50.0; // 100 kernel lifetimes, 50 memory times
        let mut counts = vec![0.0; (400_000.0 / window) as usize];
        for t in events {
            counts[(t / window) as usize] += 1.0;
        }
        let m = counts.len() as f64;
        let mean = counts.iter().sum::<f64>() / m;
        let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (m - 1.0);
        let fano = var / mean;
        // finite windows fall a little short of the limit (by about 2 memory times / window)
        let limit = long_window_fano_factor(n);
        assert!(
            fano > 0.85 * limit && fano < 1.1 * limit,
            "Fano {fano}, limit {limit}"
        );
    }

    #[test]
    fn without_excitation_it_is_a_poisson_process_and_scaling_speeds_it_up() {
        let h = HawkesState::new(0.0, 1.0);
        assert_eq!(h.next_wait_s(2.0, 1.0, 1.0, 0.5), 0.5);
        assert_eq!(h.next_wait_s(2.0, 4.0, 1.0, 0.5), 0.125);
        assert_eq!(h.next_wait_s(0.0, 1.0, 1.0, 0.5), f64::INFINITY);
        // an excess that dies out before u's share of it is used up never fires
        let mut e = HawkesState::new(0.5, 1.0);
        e.excite();
        assert_eq!(e.excess_per_s, 0.5);
        assert_eq!(e.next_wait_s(0.0, 1.0, 1.0, 0.1), f64::INFINITY);
        let w = e.next_wait_s(0.0, 1.0, 1.0, 0.9);
        // ∫₀^w 0.5 e^{−s} ds = −ln 0.9
        assert!((0.5 * (1.0 - libm::exp(-w)) + libm::log(0.9)).abs() < 1e-12);
        e.advance_to(2.0);
        assert!((e.excess_per_s - 0.5 * libm::exp(-2.0f64)).abs() < 1e-15);
        assert!((memory_s(0.5, 2.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_very_slow_decay_is_a_poisson_process_at_the_excess_rate_not_a_wait_of_zero() {
        // β = 1e-300: the excess never decays, so its wait is −ln(u)/x; 1 + β ln(u)/x
        // rounds to 1 in floating point, which must not give a wait of 0
        let mut h = HawkesState::new(0.98, 1e-300);
        h.excess_per_s = 4.0;
        let w = h.next_wait_s(0.0, 1.0, 1.0, 0.5);
        assert!((w - libm::log(2.0) / 4.0).abs() < 1e-12, "wait {w}");
    }
}
