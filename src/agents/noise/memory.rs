//! Order flow with memory for a noise group: Hawkes activity and a continuous volatility →
//! liquidity feedback.
//!
//! **Hawkes activity** (`[noise.hawkes]`, branching ratio `n`, decay `β`). The group's market
//! orders are a Hawkes process ([`crate::models::hawkes`]) with baseline `μ(1 − n)` and kernel
//! `n·β·e^{−βt}`: each market order adds `n·β` to the market-order intensity `λ_M(t)`, which
//! decays back at rate `β`. Its mean is `μ(1 − n)/(1 − n) = μ`, the scenario's rate. The
//! group's *activity* is `a(t) = λ_M(t)/μ` (mean 1), and the whole Santa Fe flow runs at that
//! speed: limit orders arrive at `2αW·a(t)` (market orders excite them with the same kernel,
//! a bivariate Hawkes process whose branching matrix has spectral radius `n`), and each limit
//! order's lifetime is drawn at placement from `Exp(δ·a(t))`. As `a` is constant between
//! events only to the extent that the kernel is slow, this last step is exact in the limit
//! `β ≪ δ` (an order's life is short against a burst); the shipped scenarios keep
//! `1/β` at least several times `1/δ`. In the Santa Fe model the price diffuses at a rate
//! proportional to δ at fixed μ/α (Smith et al. 2003, table 4), so scaling all three rates by
//! `a(t)` is a change of clock ("business time"): volatility per unit of real time follows
//! `√a(t)`, and clusters as long as bursts last, about `1/(β(1 − n))` seconds.
//!
//! **Feedback** (`[noise.feedback]`, strength `s`, reference σ₀): the limit-order rate is
//! multiplied by `exp(−s · max(0, σ̂/σ₀ − 1))`, σ̂ the book's public realised volatility as
//! it stood at the step's start (the same estimate `[noise.stand_back]` reads). Continuous in
//! σ̂ and in `s`; silent while σ̂ ≤ σ₀, and before `after_s`. In the spirit of Fosset, Bouchaud & Benzaquen (2020):
//! liquidity provision falls with past volatility, which raises volatility.
//!
//! **Start.** The excess starts at its stationary mean `μ·n`, so the flow opens at its mean
//! rate rather than at the baseline (a process started empty would take about
//! `1/(β(1 − n))` seconds to reach it); its fluctuations build up over that time.
//!
//! **Sampling.** The next event is drawn exactly for the current rates (two draws per event:
//! an Exp(1) and a uniform). Rates change only at a step's start (a shock, or a new σ̂); when
//! they do, the pending event is dropped and the next one is drawn afresh from the step's
//! start, which is exact because the flow is Markov in its state (the Hawkes excess). Cost:
//! O(1) per event and per rate change, whatever the history; the state is three numbers.

use super::{NoiseGroup, draw_action, rates};
use crate::models::hawkes::{HawkesState, baseline_for_mean};
use crate::rng::{below, standard_exponential, uniform};
use crate::scenario::{FeedbackParams, NoiseParams, secs_to_ns};
use crate::sim::resources::{Action, Inbox, MarketView};

/// A group's flow memory: its Hawkes state and feedback parameters.
#[derive(Debug, Clone)]
pub struct FlowMemory {
    /// The market orders' Hawkes process (`None`: Poisson activity, `a ≡ 1`).
    pub hawkes: Option<HawkesState>,
    /// The feedback (`None`: none).
    pub feedback: Option<FeedbackParams>,
    /// The limit-order multiplier the group's rates were last computed with (`NaN` before
    /// the first step, so that the first step draws).
    pub limit_factor: f64,
}

impl FlowMemory {
    /// The memory of a group with `[noise.hawkes]` or `[noise.feedback]`; `None` otherwise.
    pub fn new(p: &NoiseParams) -> Option<Self> {
        if p.hawkes.is_none() && p.feedback.is_none() {
            return None;
        }
        Some(FlowMemory {
            // the excess starts at its stationary mean μn: the flow opens at its mean rate
            hawkes: p.hawkes.map(|h| HawkesState {
                excess_per_s: p.mu_per_s * h.branching_ratio,
                ..HawkesState::new(h.branching_ratio, h.decay_per_s)
            }),
            feedback: p.feedback,
            limit_factor: f64::NAN,
        })
    }
}

/// The feedback's multiplier of the limit-order rate at volatility `vol` (ticks per √s).
pub fn feedback_factor(f: &FeedbackParams, vol_ticks_per_sqrt_s: f64) -> f64 {
    let excess = (vol_ticks_per_sqrt_s / f.vol_ref_ticks_per_sqrt_s - 1.0).max(0.0);
    if excess == 0.0 || f.strength == 0.0 {
        1.0
    } else {
        libm::exp(-f.strength * excess)
    }
}

/// The group's activity `a(t)` at the Hawkes state's time (1 without Hawkes flow).
fn activity(p: &NoiseParams, h: Option<&HawkesState>) -> f64 {
    match h {
        Some(h) => h.intensity_per_s(baseline_for_mean(p.mu_per_s, h.branching_ratio)) / p.mu_per_s,
        None => 1.0,
    }
}

/// The wait from `t_ns` to the group's next event at its current rates, ns (at least 1).
fn next_wait_ns(g: &mut NoiseGroup, t_ns: u64) -> u64 {
    let m = g.memory.as_mut().expect("a group with memory");
    let e1 = standard_exponential(&mut g.rng);
    let wait_s = match m.hawkes.as_mut() {
        Some(h) => {
            h.advance_to(t_ns as f64 * 1e-9);
            let u = 1.0 - uniform(&mut g.rng);
            // the group's intensity is (R/μ)·λ_M(t), R its total mean rate at these rates
            let scale = g.rate_per_s / g.params.mu_per_s;
            h.next_wait_s(
                baseline_for_mean(g.params.mu_per_s, h.branching_ratio),
                scale,
                e1,
                u,
            )
        }
        None => e1 / g.rate_per_s,
    };
    if wait_s.is_finite() {
        secs_to_ns(wait_s).max(1)
    } else {
        u64::MAX
    }
}

/// Decide phase for a group with memory: its rates for this step (shock factor `shock`, the
/// feedback on `view`'s volatility), then its events in `[start_ns, end_ns)`.
pub fn decide(
    g: &mut NoiseGroup,
    shock: f64,
    view: &MarketView,
    start_ns: u64,
    end_ns: u64,
    inbox: &mut Inbox,
) {
    let m = g.memory.as_ref().expect("a group with memory");
    let factor = shock
        * m.feedback
            .as_ref()
            .filter(|f| start_ns >= secs_to_ns(f.after_s))
            .map_or(1.0, |f| feedback_factor(f, view.vol_ticks_per_sqrt_s));
    // NaN ≠ NaN: the first step always draws
    if factor != m.limit_factor {
        (g.rate_per_s, g.p_market) = rates(&g.params, factor);
        g.memory.as_mut().expect("memory").limit_factor = factor;
        g.limit_factor = factor;
        g.next_event_ns = start_ns.saturating_add(next_wait_ns(g, start_ns));
    }
    if g.next_event_ns >= end_ns {
        return;
    }
    let standing_back = g
        .params
        .stand_back
        .as_ref()
        .is_some_and(|sb| view.vol_ticks_per_sqrt_s > sb.vol_threshold_ticks_per_sqrt_s);
    let count = u64::from(g.params.count);
    while g.next_event_ns < end_ns {
        let t = g.next_event_ns;
        let trader = g.first_agent + below(&mut g.rng, count) as u32;
        let m = g.memory.as_mut().expect("memory");
        if let Some(h) = m.hawkes.as_mut() {
            h.advance_to(t as f64 * 1e-9);
        }
        let a = activity(&g.params, m.hawkes.as_ref());
        let action = draw_action(&mut g.rng, &g.params, g.p_market, standing_back, a);
        if let (Some(Action::Market { .. }), Some(h)) = (&action, m.hawkes.as_mut()) {
            h.excite();
        }
        if let Some(action) = action {
            g.queue(inbox, t, trader, action);
        }
        g.next_event_ns = t.saturating_add(next_wait_ns(g, t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_is_silent_below_the_reference_and_falls_smoothly_above() {
        let f = FeedbackParams {
            strength: 2.0,
            vol_ref_ticks_per_sqrt_s: 1.0,
            after_s: 0.0,
        };
        assert_eq!(feedback_factor(&f, 0.5), 1.0);
        assert_eq!(feedback_factor(&f, 1.0), 1.0);
        assert!((feedback_factor(&f, 1.5) - libm::exp(-1.0f64)).abs() < 1e-15);
        assert!(feedback_factor(&f, 3.0) < feedback_factor(&f, 2.0));
        let none = FeedbackParams { strength: 0.0, ..f };
        assert_eq!(feedback_factor(&none, 100.0), 1.0);
    }
}
