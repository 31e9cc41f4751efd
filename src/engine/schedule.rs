//! The step schedule: the shared systems in their phases, every kind's systems (its decide
//! system in its turn), phases in a declared, chained order, run by the single-threaded
//! executor, with ambiguity detection as an error.

use super::KINDS;
use crate::market::exchange::match_orders;
use crate::market::fundamental::advance_fundamental;
use crate::market::metrics::accumulate_stats;
use crate::market::observe::publish_views;
use crate::market::settle::settle_trades;
use crate::market::shocks::apply_shocks;
use crate::record::lobster::{LobsterRecorder, record_lobster};
use crate::record::record_step;
use crate::scenario::Scenario;
use crate::sim::phase::{DecideTurn, Phase};
use crate::sim::resources::begin_step;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{
    LogLevel, ScheduleBuildError, ScheduleBuildSettings, SingleThreadedExecutor,
};

fn has_recorder(rec: Option<Res<crate::record::Recorder>>) -> bool {
    rec.is_some()
}

/// Builds the schedule and checks it (ambiguities are errors).
pub fn build(world: &mut World, scenario: &Scenario) -> Result<Schedule, ScheduleBuildError> {
    let mut s = Schedule::default();
    s.set_executor(SingleThreadedExecutor::new());
    s.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..Default::default()
    });
    s.configure_sets(
        (
            Phase::Clock,
            Phase::Exogenous,
            Phase::Observe,
            Phase::Decide,
            Phase::Match,
            Phase::Settle,
            Phase::Detect,
            Phase::Record,
        )
            .chain(),
    );
    // Kinds decide one after another, in registration order.
    for turn in 1..KINDS.len() {
        s.configure_sets(DecideTurn(turn - 1).before(DecideTurn(turn)));
    }
    s.add_systems(begin_step.in_set(Phase::Clock));
    // the shocks' system only in a scenario that has shocks (it would find none to apply)
    if scenario.params.shocks.is_empty() {
        s.add_systems(advance_fundamental.in_set(Phase::Exogenous));
    } else {
        s.add_systems(
            (apply_shocks, advance_fundamental)
                .chain()
                .in_set(Phase::Exogenous),
        );
    }
    s.add_systems(publish_views.in_set(Phase::Observe));
    s.add_systems(match_orders.in_set(Phase::Match));
    s.add_systems(settle_trades.in_set(Phase::Settle));
    s.add_systems(accumulate_stats.in_set(Phase::Detect));
    for (turn, kind) in KINDS.iter().enumerate() {
        (kind.systems)(&mut s, DecideTurn(turn), scenario);
    }
    s.add_systems(record_step.run_if(has_recorder).in_set(Phase::Record));
    // the LOBSTER export only in a run that asks for it (no cost otherwise)
    if scenario.params.output.lobster_levels > 0 {
        s.add_systems(
            record_lobster
                .after(record_step)
                .run_if(resource_exists::<LobsterRecorder>)
                .in_set(Phase::Record),
        );
    }
    s.initialize(world)?;
    Ok(s)
}
