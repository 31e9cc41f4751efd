//! Building the world for a scenario: resources, the book entity and the agent entities.

use super::components::{
    Account, Agent, AgentId, AgentKind, AgentRng, InformedTrader, MarketMaker, NoiseTrader,
};
use super::resources::{
    Agenda, AgentDirectory, AgentIndex, BookId, Clock, Inbox, MarketView, MarketViews, RunStats,
    StepOutcomes,
};
use crate::agents::informed::{InformedGroup, InformedGroups, TickSize};
use crate::agents::market_maker::{MakerGroups, QuoteLog, maker_group};
use crate::agents::noise::{NoiseGroup, NoiseGroups};
use crate::lob::{BookConfig, OwnerId, SelfTradePolicy};
use crate::market::exchange::{BookIndex, Exchange, RiskGate};
use crate::market::fundamental::Fundamental;
use crate::market::metrics::StatsBand;
use crate::market::observe::PublicVol;
use crate::models::vol::VolEstimator;
use crate::rng::{self, Purpose, exponential, uniform};
use crate::scenario::{Scenario, SelfTradeParam, secs_to_ns};
use bevy_ecs::prelude::*;

/// Wheel size of the agendas, in steps (items further out wait in an overflow heap).
const AGENDA_STEPS: usize = 4096;

/// Creates the world of `scenario` at time 0, every agent's first wake-up queued.
pub fn build_world(scenario: &Scenario) -> World {
    let p = &scenario.params;
    let seed = scenario.seed;
    let dt_ns = scenario.dt_ns;
    let mut world = World::new();

    let mut directory = Vec::new();
    let mut index = Vec::new();
    let mut limits = Vec::new();
    let mut mm_agenda = Agenda::<MarketMaker>::new(dt_ns, AGENDA_STEPS);
    let mut inf_agenda = Agenda::<InformedTrader>::new(dt_ns, AGENDA_STEPS);

    let mut next_id = 0u32;
    let mut spawn =
        |world: &mut World, kind: AgentKind, group: usize, name: &str, limit: Option<u64>| {
            let id = next_id;
            next_id += 1;
            let e = world
                .spawn((
                    AgentId(id),
                    Agent {
                        kind,
                        group: group as u32,
                    },
                    Account::default(),
                ))
                .id();
            directory.push((kind, name.to_string()));
            index.push(e);
            limits.push(limit);
            (id, e)
        };

    for (gi, g) in p.market_maker.iter().enumerate() {
        let name = g.name.clone().unwrap_or_default();
        for member in 0..g.count {
            let (id, e) = spawn(
                &mut world,
                AgentKind::MarketMaker,
                gi,
                &name,
                Some(g.max_position_lots),
            );
            let mut r = rng::stream(seed, Purpose::MarketMaker, gi as u32, u64::from(member));
            let first = secs_to_ns(uniform(&mut r) * g.requote_interval_s);
            mm_agenda.calendar.push(first, (id, e));
            world.entity_mut(e).insert((MarketMaker::new(
                VolEstimator::new(
                    g.vol_halflife_s,
                    g.sigma_prior_ticks_per_sqrt_s,
                    g.vol_sample_interval_s,
                ),
                secs_to_ns(g.markout_horizon_s),
            ),));
        }
    }
    let mut max_delay_steps = 0;
    let mut informed_groups = Vec::new();
    for (gi, g) in p.informed.iter().enumerate() {
        let name = g.name.clone().unwrap_or_default();
        let delay_steps = (g.observation_delay_s / scenario.dt_s()).round() as usize;
        max_delay_steps = max_delay_steps.max(delay_steps);
        informed_groups.push(InformedGroup::new(g.clone(), delay_steps));
        for member in 0..g.count {
            let (id, e) = spawn(
                &mut world,
                AgentKind::Informed,
                gi,
                &name,
                Some(g.max_position_lots),
            );
            let mut r = rng::stream(seed, Purpose::Informed, gi as u32, u64::from(member));
            inf_agenda
                .calendar
                .push(secs_to_ns(exponential(&mut r, g.rate_per_s)), (id, e));
            world
                .entity_mut(e)
                .insert((InformedTrader::default(), AgentRng(r)));
        }
    }
    let mut noise_groups = Vec::new();
    let mut anonymous = Vec::new();
    for (gi, g) in p.noise.iter().enumerate() {
        let name = g.name.clone().unwrap_or_default();
        let mut first_agent = None;
        for _ in 0..g.count {
            let (id, e) = spawn(&mut world, AgentKind::Noise, gi, &name, None);
            first_agent.get_or_insert(id);
            anonymous.push(id);
            world.entity_mut(e).insert(NoiseTrader);
        }
        let r = rng::stream(seed, Purpose::Noise, gi as u32, 0);
        noise_groups.push(NoiseGroup::new(
            g.clone(),
            first_agent.expect("count ≥ 1"),
            r,
        ));
    }

    let m = &p.market;
    let opening_ticks = (m.initial_price / m.tick_size).round() as i64;
    let config = BookConfig {
        max_span_ticks: m.max_span_ticks,
        self_trade: match m.self_trade {
            SelfTradeParam::CancelResting => SelfTradePolicy::CancelResting,
            SelfTradeParam::CancelIncoming => SelfTradePolicy::CancelIncoming,
            SelfTradeParam::Allow => SelfTradePolicy::Allow,
        },
    };
    let mut exchange = Exchange::new(
        BookId(0),
        config,
        opening_ticks,
        RiskGate::new(limits),
        dt_ns,
    );
    // Zero-intelligence orders have no owner in the model: no self-trade prevention for them.
    for id in anonymous {
        exchange.book.set_anonymous(OwnerId(id));
    }
    let book = world.spawn((BookId(0), exchange)).id();

    world.insert_resource(Clock {
        step: 0,
        next_step: 0,
        dt_ns,
    });
    world.insert_resource(Inbox::default());
    world.insert_resource(StepOutcomes::default());
    world.insert_resource(MarketViews(vec![MarketView::default()]));
    world.insert_resource(PublicVol(vec![VolEstimator::new(
        m.vol_halflife_s,
        0.0,
        m.vol_sample_interval_s,
    )]));
    world.insert_resource(BookIndex(vec![book]));
    world.insert_resource(AgentIndex(index));
    world.insert_resource(AgentDirectory(directory));
    world.insert_resource(RunStats::default());
    world.insert_resource(StatsBand(p.output.depth_bands_ticks[0]));
    world.insert_resource(TickSize(m.tick_size));
    world.insert_resource(Fundamental::new(
        p.fundamental.clone(),
        m.initial_price,
        seed,
        max_delay_steps,
    ));
    world.insert_resource(NoiseGroups(noise_groups));
    world.insert_resource(InformedGroups(informed_groups));
    world.insert_resource(MakerGroups(
        p.market_maker.iter().cloned().map(maker_group).collect(),
    ));
    world.insert_resource(QuoteLog::default());
    world.insert_resource(mm_agenda);
    world.insert_resource(inf_agenda);
    world
}
