//! The simulation: a bevy_ecs [`World`] of agents and books driven step by step by one
//! [`Schedule`] whose phases run in a declared order (see [`schedule`]).
//!
//! # Model (the step contract)
//! Step `n` covers simulated time `[n·dt, (n+1)·dt)`.
//! 1. **Clock**: the step begins; last step's exchange outcomes are cleared.
//! 2. **Exogenous**: the fundamental value moves to the step's start.
//! 3. **Observe**: each book's [`MarketView`](resources::MarketView) is published as it stands
//!    (the end of the previous step).
//! 4. **Decide**: market makers, then informed traders, then noise traders whose wake-up falls
//!    in the step act — each at its own wake-up times, from the published view (its reaction
//!    latency is the time since the step began). Requests carry their arrival time and a global
//!    sequence number.
//! 5. **Match**: the exchange processes requests arriving before the step's end in (arrival,
//!    sequence) order, interleaved with good-till-time expiries; prices of zero-intelligence
//!    limit orders are set on arrival. Everything is exact in continuous time whatever `dt`.
//! 6. **Settle**: trades move positions and cash; makers learn their orders' fate.
//! 7. **Detect**: markouts are scored, statistics accumulated.
//! 8. **Record**: CSV rows are streamed out.
//!
//! # Randomness
//! All draws come from named ChaCha8 streams ([`crate::rng`]); systems that draw iterate their
//! agents in wake-up order (time, then insertion sequence). The schedule is single-threaded.

pub mod calendar;
pub mod components;
pub mod resources;
pub mod schedule;
mod setup;

pub use setup::build_world;

use crate::lob::Book;
use crate::market::exchange::{BookIndex, Exchange};
use crate::scenario::Scenario;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::ScheduleBuildError;

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
        let schedule = schedule::build(&mut world)?;
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

    /// The main book.
    pub fn book(&self) -> &Book {
        let e = self.world.resource::<BookIndex>().0[0];
        &self.world.get::<Exchange>(e).expect("book entity").book
    }

    /// The main book's exchange state.
    pub fn exchange(&self) -> &Exchange {
        let e = self.world.resource::<BookIndex>().0[0];
        self.world.get::<Exchange>(e).expect("book entity")
    }
}
