//! Informed traders: at Poisson times they compare the (possibly noisy, delayed) fundamental
//! with the mid and send an immediate-or-cancel order toward the value.

use crate::lob::{Price, Qty, TimeInForce};
use crate::market::fundamental::Fundamental;
use crate::models::informed::{InformedRuleParams, InformedView, decide};
use crate::rng::{exponential, standard_normal};
use crate::scenario::{InformedParams, secs_to_ns};
use crate::sim::components::{Account, Agent, AgentRng, InformedTrader};
use crate::sim::resources::{Action, Agenda, BookId, Clock, Inbox, MarketViews, NO_TAG};
use bevy_ecs::prelude::*;

/// An informed group's parameters in the form the system uses.
#[derive(Debug, Clone)]
pub struct InformedGroup {
    /// The scenario parameters.
    pub params: InformedParams,
    /// Its decision rule's parameters.
    pub rule: InformedRuleParams,
    /// Observation delay, whole steps.
    pub delay_steps: usize,
    /// Latency, ns.
    pub latency_ns: u64,
}

impl InformedGroup {
    /// The group of a validated `params`; `delay_steps` is its observation delay in steps.
    pub fn new(params: InformedParams, delay_steps: usize) -> Self {
        InformedGroup {
            rule: InformedRuleParams {
                rule: params.rule,
                threshold_ticks: params.threshold_ticks,
                // validation requires it for target_position; the threshold rule ignores it
                target_lots_per_tick: params.target_lots_per_tick.unwrap_or(1.0),
                order_lots: params.order_lots,
                max_position_lots: params.max_position_lots,
            },
            delay_steps,
            latency_ns: secs_to_ns(params.latency_s),
            params,
        }
    }
}

/// All informed groups, by group index.
#[derive(Resource, Debug, Default)]
pub struct InformedGroups(pub Vec<InformedGroup>);

/// Decide phase: informed traders due this step look and maybe trade.
#[allow(clippy::too_many_arguments)]
pub fn decide_informed(
    clock: Res<Clock>,
    groups: Res<InformedGroups>,
    views: Res<MarketViews>,
    fundamental: Res<Fundamental>,
    tick: Res<TickSize>,
    mut agenda: ResMut<Agenda<InformedTrader>>,
    mut inbox: ResMut<Inbox>,
    mut traders: Query<(&Agent, &Account, &mut InformedTrader, &mut AgentRng)>,
) {
    let view = views.0[0];
    agenda.run_due(clock.end_ns(), |id, entity, t| {
        let (agent, account, mut state, mut rng) =
            traders.get_mut(entity).expect("informed trader entity");
        let g = &groups.0[agent.group as usize];
        let p = &g.params;
        let mut value_ticks = fundamental.value_steps_ago(g.delay_steps) / tick.0;
        if p.observation_noise_ticks > 0.0 {
            value_ticks += p.observation_noise_ticks * standard_normal(&mut rng.0);
        }
        // the position if everything already sent fills (an IOC may fill less)
        let position = account.inventory_lots + state.in_flight_lots(clock.start_ns());
        let seen = InformedView {
            value_ticks,
            mid_ticks: view.ref_ticks,
            position_lots: position,
        };
        if let Some(o) = decide(&g.rule, &seen) {
            let arrival_ns = t.saturating_add(g.latency_ns);
            state
                .in_flight
                .push_back((arrival_ns, o.side.sign() * o.qty_lots as i64));
            let action = Action::Limit {
                side: o.side,
                price: Price(o.limit_ticks),
                qty: Qty(o.qty_lots),
                tif: TimeInForce::Ioc,
            };
            inbox.push(arrival_ns, BookId(0), id, NO_TAG, action);
        }
        t.saturating_add(secs_to_ns(exponential(&mut rng.0, p.rate_per_s)))
    });
}

/// The market's tick size in currency, for converting the fundamental to ticks.
#[derive(Resource, Debug, Clone, Copy)]
pub struct TickSize(pub f64);
