//! depthsim: an agent-based market-microstructure simulator for studying systemic depth
//! collapse — market makers widening, shrinking or pulling their quotes all at once.
//!
//! Layers:
//! - core, no ECS: [`lob`] (the order book: no randomness, no I/O), [`models`] (pure
//!   functions), [`rng`] (named, seeded random streams), [`scenario`] (files → checked
//!   parameters);
//! - simulation: [`sim`], [`agents`], [`market`], [`record`] — the bevy_ecs world, its
//!   systems and outputs;
//! - [`run`]: one complete run, used by the command line.

pub mod agents;
pub mod lob;
pub mod market;
pub mod models;
pub mod record;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sim;
