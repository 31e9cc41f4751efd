//! Zero-intelligence noise traders (Smith, Farmer, Gillemot & Krishnamurthy 2003).
//!
//! A group with totals μ (market orders/s), α (limit orders/s per tick per side), δ, σ and W
//! is `count` traders, each an independent Poisson process of rate `(μ + 2αW)/count`; each
//! event is a market order with probability `μ / (μ + 2αW)`, else a limit order, on a fair
//! coin's side. By superposition the group's flow is exactly the model's. A limit order's
//! price is fixed on arrival at the exchange, 1..=W ticks (uniform) beyond the opposite best
//! quote, and its lifetime, drawn at placement from Exp(δ), is enforced by the exchange.

use crate::rng::{below, coin, exponential, uniform};
use crate::scenario::{NoiseParams, secs_to_ns};
use crate::sim::components::{Agent, AgentRng, NoiseTrader};
use crate::sim::resources::{Action, Agenda, BookId, Clock, Inbox, MarketViews, NO_TAG};
use crate::lob::{Qty, Side};
use bevy_ecs::prelude::*;

/// A noise group's parameters in the form the system uses.
#[derive(Debug, Clone)]
pub struct NoiseGroup {
    /// Event rate of one trader, per second.
    pub rate_per_agent_per_s: f64,
    /// Probability that an event is a market order.
    pub p_market: f64,
    /// The scenario parameters.
    pub params: NoiseParams,
    /// Latency, ns.
    pub latency_ns: u64,
}

impl NoiseGroup {
    /// Derives the per-trader rates.
    pub fn new(params: NoiseParams) -> Self {
        let limit_rate = 2.0 * params.alpha_per_tick_s * f64::from(params.window_ticks);
        let total = params.mu_per_s + limit_rate;
        NoiseGroup {
            rate_per_agent_per_s: total / f64::from(params.count),
            p_market: params.mu_per_s / total,
            latency_ns: secs_to_ns(params.latency_s),
            params,
        }
    }
}

/// All noise groups, by group index.
#[derive(Resource, Debug, Default)]
pub struct NoiseGroups(pub Vec<NoiseGroup>);

/// Draws one noise trader's action, or `None` when standing back skips a limit order.
#[inline]
pub fn draw_action(rng: &mut AgentRng, g: &NoiseGroup, standing_back: bool) -> Option<Action> {
    let r = &mut rng.0;
    let p = &g.params;
    let side = if coin(r) { Side::Buy } else { Side::Sell };
    if uniform(r) < g.p_market {
        return Some(Action::Market {
            side,
            qty: Qty(p.sigma_lots),
        });
    }
    let mut extra = 0;
    if standing_back && let Some(sb) = &p.stand_back {
        if uniform(r) >= sb.limit_rate_factor {
            return None;
        }
        extra = sb.extra_offset_ticks;
    }
    let offset_ticks = 1 + below(r, u64::from(p.window_ticks)) as u32 + extra;
    let lifetime_ns = (p.delta_per_s > 0.0).then(|| secs_to_ns(exponential(r, p.delta_per_s)));
    Some(Action::ZiLimit {
        side,
        offset_ticks,
        qty: Qty(p.sigma_lots),
        lifetime_ns,
    })
}

/// Decide phase, last: every noise trader due this step acts at its own event times.
pub fn decide_noise(
    clock: Res<Clock>,
    groups: Res<NoiseGroups>,
    views: Res<MarketViews>,
    mut agenda: ResMut<Agenda<NoiseTrader>>,
    mut inbox: ResMut<Inbox>,
    mut traders: Query<(&Agent, &mut AgentRng), With<NoiseTrader>>,
) {
    let end = clock.end_ns();
    let view = views.0[0];
    let agenda = &mut *agenda;
    agenda.calendar.drain_step(&mut agenda.due);
    for wake in &agenda.due {
        let (id, entity) = wake.item;
        let (agent, mut rng) = traders.get_mut(entity).expect("noise trader entity");
        let g = &groups.0[agent.group as usize];
        let standing_back = g
            .params
            .stand_back
            .as_ref()
            .is_some_and(|sb| view.vol_ticks_per_sqrt_s > sb.vol_threshold_ticks_per_sqrt_s);
        let mut t = wake.time_ns;
        loop {
            if let Some(action) = draw_action(&mut rng, g, standing_back) {
                inbox.push(t + g.latency_ns, BookId(0), id, NO_TAG, action);
            }
            t += secs_to_ns(exponential(&mut rng.0, g.rate_per_agent_per_s)).max(1);
            if t >= end {
                agenda.calendar.push(t, (id, entity));
                break;
            }
        }
    }
}
