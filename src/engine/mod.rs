//! The wiring: the list of kinds, the world setup, the step schedule and [`Simulation`].
//! Nothing in the simulation imports this module; adding a kind of agent is its module under
//! [`crate::agents`] and one line in [`KINDS`].

mod schedule;
mod setup;

pub use schedule::build as build_schedule;
pub use setup::build_world;

use crate::agents::{informed, market_maker, noise, program};
use crate::lob::Book;
use crate::market::exchange::Exchange;
use crate::scenario::Scenario;
use crate::sim::kind::KindPlugin;
use crate::sim::resources::BookIndex;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::ScheduleBuildError;

/// Every kind of agent, in registration order: the order agent ids are assigned in (each
/// kind's groups in file order) and the order kinds decide in within a step.
pub const KINDS: &[KindPlugin] = &[
    market_maker::PLUGIN,
    informed::PLUGIN,
    noise::PLUGIN,
    program::PLUGIN,
];

/// A world and its schedule, ready to step.
pub struct Simulation {
    /// The ECS world.
    pub world: World,
    schedule: Schedule,
    steps: u64,
}

impl Simulation {
    /// Builds the world for `scenario` (no recorder: add a [`crate::record::Recorder`]
    /// resource to write CSV files).
    pub fn new(scenario: &Scenario) -> Result<Simulation, ScheduleBuildError> {
        let mut world = build_world(scenario);
        let schedule = schedule::build(&mut world, scenario)?;
        Ok(Simulation {
            world,
            schedule,
            steps: scenario.steps,
        })
    }

    /// Runs one step.
    #[inline]
    pub fn step(&mut self) {
        self.schedule.run(&mut self.world);
    }

    /// Number of steps the scenario asks for.
    pub fn total_steps(&self) -> u64 {
        self.steps
    }

    /// The first book (for tests and tools).
    pub fn book(&self) -> &Book {
        &self.exchange().book
    }

    /// The first book's exchange state.
    pub fn exchange(&self) -> &Exchange {
        let e = self.world.resource::<BookIndex>().0[0];
        self.world.get::<Exchange>(e).expect("book entity")
    }
}
