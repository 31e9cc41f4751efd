//! The latent fundamental value: an arithmetic random walk or a driftless GBM, with optional
//! compound-Poisson jumps, advanced once per step with the exact transition over `dt`.

use crate::rng::{self, Purpose};
use crate::scenario::{FundamentalModel, FundamentalParams};
use crate::sim::resources::Clock;
use bevy_ecs::prelude::*;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// The fundamental value and its recent history.
#[derive(Resource, Debug, Clone)]
pub struct Fundamental {
    params: FundamentalParams,
    /// The value at the current step's start, currency: what agents observe.
    pub value: f64,
    /// The value at the current step's end, currency: what the recorder writes for the step
    /// and the next step starts from.
    pub end_value: f64,
    rng: ChaCha8Rng,
    next_jump_ns: Option<u64>,
    /// Values at the start of recent steps, newest last (for delayed observation).
    history: VecDeque<f64>,
    keep_steps: usize,
    /// Multiplier of the volatility (scheduled volatility shocks; 1 without).
    pub vol_factor: f64,
}

impl Fundamental {
    /// Starts at `initial` with its own stream; keeps `keep_steps` past values.
    pub fn new(params: FundamentalParams, initial: f64, seed: u64, keep_steps: usize) -> Self {
        let mut rng = rng::stream(seed, Purpose::Fundamental, 0, 0);
        let next_jump_ns = (params.jump_rate_per_s > 0.0).then(|| {
            crate::scenario::secs_to_ns(rng::exponential(&mut rng, params.jump_rate_per_s))
        });
        Fundamental {
            params,
            value: initial,
            end_value: initial,
            rng,
            next_jump_ns,
            history: VecDeque::new(),
            keep_steps,
            vol_factor: 1.0,
        }
    }

    /// A scheduled jump, before the step advances: the value the step starts from becomes
    /// `(value + add) × times`.
    pub fn shift(&mut self, add: f64, times: f64) {
        self.end_value = (self.end_value + add) * times;
    }

    /// The value at the start of the step `steps_ago` steps before the current one (the
    /// oldest kept, if further back; the current value before the first step).
    pub fn value_steps_ago(&self, steps_ago: usize) -> f64 {
        let n = self.history.len();
        if n == 0 {
            return self.value;
        }
        self.history[n - 1 - steps_ago.min(n - 1)]
    }

    /// Begins a step of `dt_s` ending at `until_ns`: the value moves to the previous step's
    /// end, and the value at this step's end is drawn (diffusion, then the jumps due by then).
    pub fn advance(&mut self, dt_s: f64, until_ns: u64) {
        self.value = self.end_value;
        self.history.push_back(self.value);
        if self.history.len() > self.keep_steps + 1 {
            self.history.pop_front();
        }
        let z = rng::standard_normal(&mut self.rng);
        let s = self.params.volatility_per_sqrt_s * self.vol_factor;
        let mut v = self.value;
        match self.params.model {
            FundamentalModel::RandomWalk => v += s * dt_s.sqrt() * z,
            FundamentalModel::Gbm => v *= libm::exp(-0.5 * s * s * dt_s + s * dt_s.sqrt() * z),
        }
        while let Some(t) = self.next_jump_ns.filter(|&t| t <= until_ns) {
            let j =
                self.params.jump_mean + self.params.jump_sd * rng::standard_normal(&mut self.rng);
            match self.params.model {
                FundamentalModel::RandomWalk => v += j,
                FundamentalModel::Gbm => v *= libm::exp(j),
            }
            let wait = rng::exponential(&mut self.rng, self.params.jump_rate_per_s);
            self.next_jump_ns = Some(t.saturating_add(crate::scenario::secs_to_ns(wait).max(1)));
        }
        self.end_value = v;
    }
}

/// Exogenous phase: the value at this step's start (and, drawn now, at its end).
pub fn advance_fundamental(clock: Res<Clock>, mut f: ResMut<Fundamental>) {
    f.advance(clock.dt_ns as f64 / 1e9, clock.end_ns());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(model: FundamentalModel, vol: f64) -> FundamentalParams {
        FundamentalParams {
            model,
            volatility_per_sqrt_s: vol,
            jump_rate_per_s: 0.0,
            jump_mean: 0.0,
            jump_sd: 0.0,
        }
    }

    #[test]
    fn random_walk_variance_grows_linearly_in_time() {
        // 400 paths of 100 steps of 0.01 s with σ = 2/√s: Var(V_1s) = 4.
        let mut sum2 = 0.0;
        for seed in 0..400 {
            let mut f = Fundamental::new(params(FundamentalModel::RandomWalk, 2.0), 100.0, seed, 3);
            for step in 1..=100 {
                f.advance(0.01, step * 10_000_000);
            }
            sum2 += (f.end_value - 100.0).powi(2);
        }
        let var = sum2 / 400.0;
        assert!((var - 4.0).abs() < 0.8, "variance {var}");
    }

    #[test]
    fn delayed_values_and_jumps() {
        let mut p = params(FundamentalModel::Gbm, 0.0);
        p.jump_rate_per_s = 1.0;
        p.jump_mean = 0.1;
        let mut f = Fundamental::new(p, 100.0, 1, 2);
        for step in 1..=1000 {
            f.advance(0.01, step * 10_000_000);
        }
        // about 10 jumps of +10 % in log terms
        let jumps = libm::log(f.end_value / 100.0) / 0.1;
        assert!(
            (jumps - jumps.round()).abs() < 1e-9 && (3.0..=20.0).contains(&jumps),
            "{jumps}"
        );
        assert_eq!(f.value_steps_ago(0), f.value);
        assert!(f.value_steps_ago(99) > 0.0);
    }

    #[test]
    fn each_step_starts_where_the_last_ended() {
        let mut f = Fundamental::new(params(FundamentalModel::RandomWalk, 1.0), 100.0, 4, 5);
        f.advance(1.0, 1_000_000_000);
        assert_eq!(f.value, 100.0, "the first step starts at the initial value");
        let end0 = f.end_value;
        assert_ne!(end0, 100.0);
        f.advance(1.0, 2_000_000_000);
        assert_eq!(f.value, end0);
        assert_eq!(f.value_steps_ago(1), 100.0);
        assert_eq!(f.value_steps_ago(0), end0);
    }
}
