//! Agents' decide-phase systems: thin adapters that pop the agents due this step from their
//! agenda, call the pure decision code, and push order requests into the inbox.

pub mod informed;
pub mod market_maker;
pub mod noise;
