//! The market side of the simulation: the fundamental value, the exchange (matching, its risk
//! gate, halts, price bands), scheduled shocks, the published views, settlement of trades,
//! and per-step market metrics.

pub mod bands;
pub mod exchange;
pub mod fundamental;
pub mod halt;
pub mod journal;
pub mod metrics;
pub mod observe;
pub mod risk;
pub mod settle;
pub mod shocks;
