//! A market maker's own components: its quotes as it knows them and its pending markouts.

use crate::lob::{OrderId, Side};
use crate::models::quotes::{Ladder, Level};
use crate::models::vol::VolEstimator;
use crate::sim::resources::BookId;
use bevy_ecs::prelude::*;
use std::collections::VecDeque;

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
    /// The book it quotes (its markouts are scored against that book's reference price).
    pub book: BookId,
}

impl MarketMaker {
    /// A maker with no quotes and a prior volatility.
    pub fn new(vol: VolEstimator, markout_horizon_ns: u64, book: BookId) -> Self {
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
            book,
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
