//! depthsim: an agent-based market-microstructure simulator for studying systemic depth
//! collapse — market makers widening, shrinking or pulling their quotes all at once.
//!
//! Layers, each importing only the ones below it:
//! - [`lob`]: the order book (no ECS, no randomness, no I/O) and [`models`]: pure maths;
//! - [`rng`]: named, seeded random streams;
//! - [`sim`], [`agents`], [`market`], [`record`]: the bevy_ecs world, its systems and outputs;
//! - [`scenario`], [`run`]: scenario files and one complete run.

pub mod agents;
pub mod lob;
pub mod market;
pub mod models;
pub mod record;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sim;
