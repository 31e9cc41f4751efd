//! Building the world for a scenario: every kind's agents (through its install, in
//! registration order), then one entity per book and the shared resources.

use super::KINDS;
use crate::lob::{BookConfig, OwnerId, SelfTradePolicy};
use crate::market::bands::{BandRule, PriceBands};
use crate::market::exchange::{Exchange, RiskGate};
use crate::market::fundamental::Fundamental;
use crate::market::halt::HaltRule;
use crate::market::metrics::StatsBand;
use crate::market::observe::PublicVol;
use crate::models::vol::VolEstimator;
use crate::scenario::{Scenario, SelfTradeParam, secs_to_ns};
use crate::sim::kind::SetupContext;
use crate::sim::resources::{
    AgentDirectory, AgentIndex, BookId, BookIndex, Clock, Inbox, MarketView, MarketViews, RunStats,
    StepOutcomes,
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

    let mut book_entities = Vec::new();
    let mut public_vols = Vec::new();
    for (i, b) in scenario.books.iter().enumerate() {
        let opening_ticks = (b.initial_price / b.tick_size).round() as i64;
        let config = BookConfig {
            max_span_ticks: b.max_span_ticks,
            self_trade: match b.self_trade {
                SelfTradeParam::CancelResting => SelfTradePolicy::CancelResting,
                SelfTradeParam::CancelIncoming => SelfTradePolicy::CancelIncoming,
                SelfTradeParam::Allow => SelfTradePolicy::Allow,
            },
        };
        let id = BookId(i as u16);
        let mut exchange = Exchange::new(
            id,
            config,
            opening_ticks,
            RiskGate::new(ctx.limits.clone()),
            dt_ns,
        );
        exchange.halt_rule = b.halt.map(|h| HaltRule {
            move_ticks: h.move_ticks as i64,
            window_ns: secs_to_ns(h.window_s),
            pause_ns: secs_to_ns(h.pause_s),
            max_held_orders: usize::try_from(h.max_held_orders).unwrap_or(usize::MAX),
        });
        exchange.bands = b.price_bands.map(|p| {
            PriceBands::new(
                BandRule {
                    fraction: p.fraction,
                    interval_ns: secs_to_ns(p.reference_interval_s),
                },
                opening_ticks,
            )
        });
        for &agent in &ctx.anonymous {
            exchange.book.set_anonymous(OwnerId(agent));
        }
        book_entities.push(world.spawn((id, exchange)).id());
        public_vols.push(VolEstimator::new(
            b.vol_halflife_s,
            0.0,
            b.vol_sample_interval_s,
        ));
    }
    let first = &scenario.books[0];

    world.insert_resource(Clock {
        step: 0,
        next_step: 0,
        dt_ns,
    });
    world.insert_resource(Inbox::default());
    world.insert_resource(StepOutcomes::default());
    world.insert_resource(crate::sim::events::EventLog::default());
    world.insert_resource(crate::market::shocks::Shocks::from_scenario(scenario));
    world.insert_resource(crate::market::shocks::neutral_factors(scenario));
    world.insert_resource(MarketViews(vec![
        MarketView::default();
        book_entities.len()
    ]));
    world.insert_resource(PublicVol(public_vols));
    world.insert_resource(BookIndex(book_entities));
    world.insert_resource(AgentIndex(std::mem::take(&mut ctx.index)));
    world.insert_resource(AgentDirectory(std::mem::take(&mut ctx.directory)));
    world.insert_resource(RunStats::default());
    world.insert_resource(StatsBand(p.output.depth_bands_ticks[0]));
    world.insert_resource(Fundamental::new(
        p.fundamental.clone(),
        first.initial_price - first.basis,
        scenario.seed,
        ctx.history_steps,
    ));
    world
}
