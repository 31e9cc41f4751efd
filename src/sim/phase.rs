//! The phases of a step, as system sets: every kind puts its systems in them, and the wiring
//! ([`crate::engine`]) chains them.

use bevy_ecs::prelude::*;

/// The phases of a step, in order (see the [module docs](super)).
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Advance time, clear last step's outcomes.
    Clock,
    /// Fundamental value, scheduled shocks.
    Exogenous,
    /// Publish market views.
    Observe,
    /// Agents decide and send requests.
    Decide,
    /// The exchange matches.
    Match,
    /// Fills reach the agents.
    Settle,
    /// Metrics and detectors.
    Detect,
    /// CSV output.
    Record,
}

/// A kind's turn within [`Phase::Decide`]: the kinds' decide systems all push into the inbox,
/// whose sequence numbers break ties, so they run one after another in registration order
/// (turn 0 first). Only decide-phase systems belong to a turn.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecideTurn(pub usize);
