//! Building the world for a scenario: every kind's agents (through its install, in
//! registration order), then the book entity and the shared resources.

use super::KINDS;
use crate::lob::{BookConfig, OwnerId, SelfTradePolicy};
use crate::market::exchange::{Exchange, RiskGate};
use crate::market::fundamental::Fundamental;
use crate::market::metrics::StatsBand;
use crate::market::observe::PublicVol;
use crate::models::vol::VolEstimator;
use crate::scenario::{Scenario, SelfTradeParam};
use crate::sim::kind::SetupContext;
use crate::sim::resources::{
    AgentDirectory, AgentIndex, BookId, BookIndex, Clock, Inbox, MarketView, MarketViews, RunStats,
    StepOutcomes, TickSize,
};
use bevy_ecs::prelude::*;

/// Creates the world of `scenario` at time 0, every agent's first wake-up queued.
pub fn build_world(scenario: &Scenario) -> World {
    let p = &scenario.params;
    let dt_ns = scenario.dt_ns;
    let mut world = World::new();

    let mut ctx = SetupContext::new(dt_ns);
    for kind in KINDS {
        (kind.install)(&mut world, scenario, &mut ctx);
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
        RiskGate::new(std::mem::take(&mut ctx.limits)),
        dt_ns,
    );
    for &id in &ctx.anonymous {
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
    world.insert_resource(AgentIndex(std::mem::take(&mut ctx.index)));
    world.insert_resource(AgentDirectory(std::mem::take(&mut ctx.directory)));
    world.insert_resource(RunStats::default());
    world.insert_resource(StatsBand(p.output.depth_bands_ticks[0]));
    world.insert_resource(TickSize(m.tick_size));
    world.insert_resource(Fundamental::new(
        p.fundamental.clone(),
        m.initial_price,
        scenario.seed,
        ctx.history_steps,
    ));
    world
}
