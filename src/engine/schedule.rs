//! The step schedule: the shared systems in their phases, every kind's systems (its decide
//! system in its turn), phases in a declared, chained order, run by the single-threaded
//! executor, with ambiguity detection as an error.

use super::KINDS;
use crate::market::exchange::match_orders;
use crate::market::fundamental::{Fundamental, advance_fundamental};
use crate::market::observe::publish_views;
use crate::market::settle::settle_trades;
use crate::market::shocks::apply_shocks;
use crate::record::lobster::{LobsterRecorder, record_lobster};
use crate::record::record_step;
use crate::scenario::Scenario;
use crate::sim::events::EventLog;
use crate::sim::phase::{DecideTurn, Phase};
use crate::sim::resources::{Clock, StepOutcomes, begin_step, start_step};
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{
    LogLevel, ScheduleBuildError, ScheduleBuildSettings, SingleThreadedExecutor,
};

/// Clock phase in a run without shocks: [`begin_step`], then [`advance_fundamental`].
fn begin_step_and_advance(
    mut clock: ResMut<Clock>,
    mut out: ResMut<StepOutcomes>,
    mut events: ResMut<EventLog>,
    mut f: ResMut<Fundamental>,
) {
    start_step(&mut clock, &mut out, &mut events);
    f.advance(clock.dt_ns as f64 / 1e9, clock.end_ns());
}

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
    // the shocks' system only in a scenario that has shocks (it would find none to apply);
    // without them nothing runs between the clock and the fundamental, so one system does
    // both (a system costs its dispatch and look-ups every step)
    if scenario.params.shocks.is_empty() {
        s.add_systems(begin_step_and_advance.in_set(Phase::Clock));
    } else {
        s.add_systems(begin_step.in_set(Phase::Clock));
        s.add_systems(
            (apply_shocks, advance_fundamental)
                .chain()
                .in_set(Phase::Exogenous),
        );
    }
    s.add_systems(publish_views.in_set(Phase::Observe));
    s.add_systems(match_orders.in_set(Phase::Match));
    s.add_systems(settle_trades.in_set(Phase::Settle));
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
