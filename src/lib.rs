//! depthsim: an agent-based market-microstructure simulator for studying systemic depth
//! collapse — market makers widening, shrinking or pulling their quotes all at once.
//!
//! Layers:
//! - core, no ECS: [`lob`] (the order book: no randomness, no I/O), [`models`] (pure
//!   functions), [`rng`] (named, seeded random streams), [`scenario`] (files → checked
//!   parameters);
//! - simulation, bottom up: [`sim`] (the shared floor: clock, inbox, ids, agendas, books'
//!   index and views, shared components), [`market`] (fundamental, exchange, settlement),
//!   [`agents`] (one module per kind: its components, resources, spawning and systems),
//!   [`record`] (outputs), and [`engine`], the wiring nothing else imports (the list of
//!   kinds, the world setup, the schedule, [`engine::Simulation`]);
//! - [`run`]: one complete run, used by the command line; [`reproduce`]: a finished run
//!   rerun from its manifest and checked file by file; [`report`]: plots and pages drawn
//!   from a finished run's files; [`sweep`]: many runs of one base scenario over a grid of
//!   parameters and seeds, in parallel, sharded, resumable; [`findings`]: scenarios over
//!   seeds, their collapse statistics as medians and quantiles; [`validation`]: published
//!   results depthsim claims to reproduce, measured over seeds, with a verdict;
//! - [`memory`]: a run's memory, estimated from its scenario before it starts, and
//!   `--max-memory`; [`faults`]: the fault points the fault tests stop or kill a process at.

/// depthsim's version (manifests record it; `depthsim reproduce` compares it).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod agents;
pub mod compare;
pub mod engine;
pub mod faults;
pub mod findings;
pub mod lob;
pub mod market;
pub mod memory;
pub mod models;
pub mod record;
pub mod report;
pub mod reproduce;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sim;
pub mod sweep;
pub mod validation;
