//! The kinds of agent, one module each. A kind owns its components, its group resources, the
//! spawning of its agents and the registration of its systems, exported as a
//! [`KindPlugin`](crate::sim::kind::KindPlugin) named `PLUGIN` that the wiring
//! ([`crate::engine`]) lists once. Its decide system is a thin adapter: it pops the agents due
//! this step from the kind's agenda (or runs the kind's group clocks), calls the pure decision
//! code in [`crate::models`], and pushes order requests into the inbox.

pub mod informed;
pub mod market_maker;
pub mod noise;
pub mod program;
