//! Components carried by agent entities.

use crate::lob::{OrderId, Side};
use crate::models::quotes::{Ladder, Level};
use crate::models::vol::VolEstimator;
use bevy_ecs::prelude::*;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// An agent's id: its index in [`AgentIndex`](super::resources::AgentIndex) and its owner id in
/// the book. Assigned in scenario order (market makers, informed, noise groups, in file order).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId(pub u32);

/// The kinds of agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgentKind {
    /// A zero-intelligence noise trader.
    Noise,
    /// An informed trader.
    Informed,
    /// A market maker.
    MarketMaker,
}

impl AgentKind {
    /// The name written in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentKind::Noise => "noise",
            AgentKind::Informed => "informed",
            AgentKind::MarketMaker => "market_maker",
        }
    }
}

/// Which kind and group an agent belongs to (group: index into that kind's scenario groups).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agent {
    /// Its kind.
    pub kind: AgentKind,
    /// Its group's index among the groups of its kind.
    pub group: u32,
}

/// Position and cash. Cash is kept in tick·lots (integer) and converted at the output edge.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Account {
    /// Net position, lots (positive long).
    pub inventory_lots: i64,
    /// Cash, in ticks × lots: −Σ side·price·qty over the agent's fills (128 bits: prices up
    /// to 10¹⁵ ticks times sizes up to 10⁹ lots overflow 64).
    pub cash_tick_lots: i128,
    /// Lots traded, both sides.
    pub volume_lots: u64,
    /// Number of fills.
    pub fills: u64,
}

impl Account {
    /// Books one fill: `side` is this agent's side of the trade.
    #[inline]
    pub fn apply_fill(&mut self, side: Side, price_ticks: i64, qty_lots: u64) {
        let q = qty_lots as i64;
        self.inventory_lots += side.sign() * q;
        self.cash_tick_lots -= i128::from(side.sign() * q) * i128::from(price_ticks);
        self.volume_lots += qty_lots;
        self.fills += 1;
    }

    /// Mark-to-market value at `mid_ticks`, in tick·lots.
    pub fn pnl_tick_lots(&self, mid_ticks: f64) -> f64 {
        self.cash_tick_lots as f64 + self.inventory_lots as f64 * mid_ticks
    }
}

/// The agent's own random stream.
#[derive(Component, Debug, Clone)]
pub struct AgentRng(pub ChaCha8Rng);

/// A zero-intelligence trader: its behaviour is its group's parameters.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct NoiseTrader;

/// An informed trader's private state.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct InformedTrader {
    /// Signed lots sent (not yet settled) during the current step.
    pub pending_lots: i64,
    /// The step `pending_lots` refers to.
    pub pending_step: u64,
}

/// One of a market maker's own orders, as it knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveQuote {
    /// Its tag on the request (to match the exchange's acknowledgement).
    pub tag: u32,
    /// The book's id once acknowledged.
    pub id: Option<OrderId>,
    /// Side.
    pub side: Side,
    /// Price, ticks.
    pub price_ticks: i64,
    /// Remaining lots.
    pub qty_lots: u64,
}

/// A fill waiting to be scored against the mid `markout_horizon_s` later.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PendingMarkout {
    /// When to score it, ns.
    pub due_ns: u64,
    /// The maker's side.
    pub side: Side,
    /// Fill price, ticks.
    pub price_ticks: i64,
    /// Lots.
    pub qty_lots: u64,
}

/// A market maker's private state.
#[derive(Component, Debug, Clone)]
pub struct MarketMaker {
    /// Its orders in the book (or on their way).
    pub quotes: Vec<LiveQuote>,
    /// Next request tag.
    pub next_tag: u32,
    /// Its estimate of the mid's volatility (ticks).
    pub vol: VolEstimator,
    /// Fills waiting for their markout, oldest first.
    pub pending_markouts: VecDeque<PendingMarkout>,
    /// Σ markout over scored fills, tick·lots (positive: the mid moved in the maker's favour).
    pub markout_tick_lots: f64,
    /// Lots scored.
    pub markout_lots: u64,
    /// Requotes sent (sides replaced).
    pub requotes: u64,
    /// Markout horizon, ns.
    pub markout_horizon_ns: u64,
    /// Reused buffer for the target ladder (no allocation per look).
    pub target: Ladder,
    /// Reused buffer for one side's current quotes.
    pub scratch: Vec<Level>,
}

impl MarketMaker {
    /// A maker with no quotes and a prior volatility.
    pub fn new(vol: VolEstimator, markout_horizon_ns: u64) -> Self {
        MarketMaker {
            quotes: Vec::new(),
            next_tag: 0,
            vol,
            pending_markouts: VecDeque::new(),
            markout_tick_lots: 0.0,
            markout_lots: 0,
            requotes: 0,
            markout_horizon_ns,
            target: Ladder::default(),
            scratch: Vec::new(),
        }
    }

    /// "both", "bid_only", "ask_only" or "none": which sides it has orders on.
    pub fn quoting_state(&self) -> &'static str {
        let bid = self.quotes.iter().any(|q| q.side == Side::Buy);
        let ask = self.quotes.iter().any(|q| q.side == Side::Sell);
        match (bid, ask) {
            (true, true) => "both",
            (true, false) => "bid_only",
            (false, true) => "ask_only",
            (false, false) => "none",
        }
    }
}
