//! The exchange's order journal: every change to the resting book, in the order it happened,
//! as the messages of LOBSTER's message file (Huang & Polak 2011, lobsterdata.com). Kept only
//! when a run asks for the LOBSTER export (`[output] lobster_levels > 0`); the exchange pushes
//! to it and the recorder drains it every step.
//!
//! depthsim's order kinds, as messages:
//!
//! | depthsim | LOBSTER event type |
//! |---|---|
//! | a limit order (any, zero-intelligence or agent's) that rests, for its resting part | 1, submission |
//! | a cancel, a zero-intelligence order's expiry, a self-trade-prevention removal | 3, deletion (of all that was resting) |
//! | a replace (cancel/replace) | 3 for the old order, then 1 for the new one (a new id) |
//! | a fill against a resting order (from a market, IOC or marketable limit order) | 4, execution of a visible limit order |
//! | a halt's start and end | 7, trading halt (price −1 at the start, 1 at the resumption) |
//!
//! There is no partial cancellation (2), hidden order (5) or auction cross (6) in depthsim. A
//! market or IOC order's unfilled remainder and a risk-gate refusal leave no trace in the book
//! and so no message, as in LOBSTER.

use crate::lob::Side;

/// A LOBSTER event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LobsterEvent {
    /// 1: a new limit order rests.
    Submission = 1,
    /// 3: a resting order leaves the book without trading.
    Deletion = 3,
    /// 4: a resting (visible) order trades.
    Execution = 4,
    /// 7: trading halts (price −1) or resumes (price 1).
    Halt = 7,
}

/// One message: what changed, when, to which order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderMessage {
    /// Time, ns after the open.
    pub t_ns: u64,
    /// The event type.
    pub event: LobsterEvent,
    /// The order's id (0 for a halt).
    pub order_id: u64,
    /// Lots submitted, deleted or executed (0 for a halt).
    pub qty_lots: u64,
    /// The order's price, ticks (for a halt: −1 at the start, 1 at the resumption).
    pub price_ticks: i64,
    /// The resting order's side (for an execution, the side of the order that was hit).
    pub side: Side,
}
