//! The step's events for events.csv: makers' state changes, failed hedges, shocks, programs'
//! progress and halts. Every kind pushes into one [`EventLog`], cleared as each step
//! begins.

use super::resources::BookId;
use bevy_ecs::prelude::*;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A maker's withdrawal state changed.
    StateChange,
    /// A hedge finished with less than it wanted.
    HedgeFailed,
    /// A scheduled shock began.
    ShockStart,
    /// A scheduled shock ended.
    ShockEnd,
    /// A program filled another tenth of its quantity.
    ProgramProgress,
    /// A program filled its whole quantity.
    ProgramDone,
    /// A book halted.
    HaltStart,
    /// A halted book reopened.
    HaltEnd,
}

impl EventKind {
    /// The name written in events.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::StateChange => "state_change",
            EventKind::HedgeFailed => "hedge_failed",
            EventKind::ShockStart => "shock_start",
            EventKind::ShockEnd => "shock_end",
            EventKind::ProgramProgress => "program_progress",
            EventKind::ProgramDone => "program_done",
            EventKind::HaltStart => "halt_start",
            EventKind::HaltEnd => "halt_end",
        }
    }
}

/// The unit of an event's value and threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueUnit {
    /// A plain number (a ratio, a share, seconds, ticks per lot).
    Plain,
    /// Money in ticks·lots of the event's book (written in currency).
    TickLots,
    /// Lots.
    Lots,
}

/// One event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventRecord {
    /// Time, ns.
    pub t_ns: u64,
    /// The book it concerns.
    pub book: Option<BookId>,
    /// The agent it concerns.
    pub agent: Option<u32>,
    /// What happened.
    pub kind: EventKind,
    /// State before (state changes).
    pub from: Option<&'static str>,
    /// State after (state changes).
    pub to: Option<&'static str>,
    /// What caused it: a trigger's name, or the hedge's venue side.
    pub trigger: Option<&'static str>,
    /// The trigger's value (a failed hedge: the lots it missed).
    pub value: Option<f64>,
    /// The level crossed (a failed hedge: the lots it wanted).
    pub threshold: Option<f64>,
    /// The unit of `value` and `threshold`.
    pub unit: ValueUnit,
}

/// The current step's events, in the order they happened within each system.
#[derive(Resource, Debug, Default)]
pub struct EventLog(pub Vec<EventRecord>);
