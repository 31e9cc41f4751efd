//! Informed traders: at Poisson times they compare the (possibly noisy, delayed) fundamental
//! with the mid and send an immediate-or-cancel order toward the value.

use crate::lob::{Price, Qty, TimeInForce};
use crate::market::fundamental::Fundamental;
use crate::models::informed::{InformedRuleParams, InformedView, decide};
use crate::rng::{self, Purpose, exponential, standard_normal};
use crate::scenario::{InformedParams, Scenario, secs_to_ns};
use crate::sim::components::{Account, Agent, AgentKind, AgentRng};
use crate::sim::kind::{KindPlugin, SetupContext};
use crate::sim::phase::{DecideTurn, Phase};
use crate::sim::resources::{
    AGENDA_STEPS, Action, Agenda, BookId, Clock, Inbox, MarketViews, NO_TAG,
};
use crate::sim::shocks::ShockFactors;
use bevy_ecs::prelude::*;
use std::collections::VecDeque;

/// The informed traders, as the wiring installs them.
pub const PLUGIN: KindPlugin = KindPlugin { install, systems };

/// An informed trader's private state: its orders still on their way to the exchange.
#[derive(Component, Debug, Clone, Default)]
pub struct InformedTrader {
    /// (arrival time ns, signed lots) of orders sent but not yet processed, oldest first.
    /// An order arriving before the current step's start has been matched and settled into
    /// the account, so it is dropped at the next decision.
    pub in_flight: VecDeque<(u64, i64)>,
}

impl InformedTrader {
    /// Forgets orders processed before `step_start_ns` and returns the signed lots still in
    /// flight.
    pub fn in_flight_lots(&mut self, step_start_ns: u64) -> i64 {
        while self
            .in_flight
            .front()
            .is_some_and(|&(t, _)| t < step_start_ns)
        {
            self.in_flight.pop_front();
        }
        self.in_flight.iter().map(|&(_, q)| q).sum()
    }
}

/// Spawns every informed group's traders, each with its own stream and first wake-up, and
/// inserts [`InformedGroups`] and their agenda; asks the fundamental to keep the longest
/// observation delay's history.
pub fn install(world: &mut World, scenario: &Scenario, ctx: &mut SetupContext) {
    let mut agenda = Agenda::<InformedTrader>::new(ctx.dt_ns, AGENDA_STEPS);
    let mut groups = Vec::new();
    for (gi, g) in scenario.params.informed.iter().enumerate() {
        let name = g.name.clone().unwrap_or_default();
        let delay_steps = (g.observation_delay_s / scenario.dt_s()).round() as usize;
        ctx.history_steps = ctx.history_steps.max(delay_steps);
        let b = scenario.book_index(g.book.as_deref());
        let book = BookId(b as u16);
        let spec = &scenario.books[b];
        groups.push(InformedGroup::new(
            g.clone(),
            delay_steps,
            book,
            spec.tick_size,
            spec.basis,
        ));
        for member in 0..g.count {
            let (id, e) = ctx.spawn(
                world,
                AgentKind::Informed,
                gi,
                book,
                &name,
                Some(g.max_position_lots),
            );
            let mut r = rng::stream(
                scenario.seed,
                Purpose::Informed,
                gi as u32,
                u64::from(member),
            );
            agenda
                .calendar
                .push(secs_to_ns(exponential(&mut r, g.rate_per_s)), (id, e));
            world
                .entity_mut(e)
                .insert((InformedTrader::default(), AgentRng(r)));
        }
    }
    world.insert_resource(InformedGroups(groups));
    world.insert_resource(agenda);
}

/// The informed traders' one system, in its decide turn.
pub fn systems(schedule: &mut Schedule, turn: DecideTurn, _: &Scenario) {
    schedule.add_systems(decide_informed.in_set(Phase::Decide).in_set(turn));
}

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
    /// The book it trades.
    pub book: BookId,
    /// That book's tick size, currency.
    pub tick_size: f64,
    /// That book's basis over the fundamental, currency.
    pub basis: f64,
}

impl InformedGroup {
    /// The group of a validated `params` trading `book` (of `tick_size` and `basis`);
    /// `delay_steps` is its observation delay in steps.
    pub fn new(
        params: InformedParams,
        delay_steps: usize,
        book: BookId,
        tick_size: f64,
        basis: f64,
    ) -> Self {
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
            book,
            tick_size,
            basis,
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
    mut agenda: ResMut<Agenda<InformedTrader>>,
    mut inbox: ResMut<Inbox>,
    factors: Res<ShockFactors>,
    mut traders: Query<(&Agent, &Account, &mut InformedTrader, &mut AgentRng)>,
) {
    agenda.run_due(clock.end_ns(), |id, entity, t| {
        let (agent, account, mut state, mut rng) =
            traders.get_mut(entity).expect("informed trader entity");
        let g = &groups.0[agent.group as usize];
        let p = &g.params;
        let view = &views.0[usize::from(g.book.0)];
        let mut value_ticks = (fundamental.value_steps_ago(g.delay_steps) + g.basis) / g.tick_size;
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
            inbox.push(arrival_ns, g.book, id, NO_TAG, action);
        }
        let rate = p.rate_per_s * factors.informed_rate[agent.group as usize];
        t.saturating_add(secs_to_ns(exponential(&mut rng.0, rate)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn informed_orders_stay_in_flight_until_their_arrival_step_has_passed() {
        let mut s = InformedTrader::default();
        s.in_flight.push_back((100, 5));
        s.in_flight.push_back((250, -2));
        assert_eq!(
            s.in_flight_lots(100),
            3,
            "arriving at the step's start: not yet processed"
        );
        assert_eq!(
            s.in_flight_lots(101),
            -2,
            "processed in an earlier step: settled"
        );
        assert_eq!(s.in_flight_lots(1000), 0);
        assert!(s.in_flight.is_empty());
    }
}
