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

/// A hedge order sent and not yet finished (its acknowledgement not yet seen), with what it
/// has filled so far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgeInFlight {
    /// Its tag on the request.
    pub tag: u32,
    /// Time of the decision, ns.
    pub t_ns: u64,
    /// When it reaches the venue, ns (its fills carry this time).
    pub arrival_ns: u64,
    /// The venue.
    pub venue: BookId,
    /// Net delta at the decision, lots.
    pub net_delta_lots: i64,
    /// Lots wanted, signed (positive: buy).
    pub wanted_lots: i64,
    /// Lots filled so far (unsigned).
    pub filled_lots: u64,
    /// Σ price·qty over its fills, tick·lots.
    pub fill_value_tick_lots: i128,
    /// The venue's reference mid at the decision, ticks.
    pub mid_ticks: f64,
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
    /// Its hedges on their way or in the venue (empty unless its group hedges).
    pub hedges: Vec<HedgeInFlight>,
    /// Time of its last hedge decision, ns.
    pub last_hedge_ns: Option<u64>,
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
            hedges: Vec::new(),
            last_hedge_ns: None,
        }
    }

    /// Signed lots of its hedges not yet finished (positive: buying), as sent.
    pub fn hedge_in_flight_lots(&self) -> i64 {
        self.hedges.iter().map(|h| h.wanted_lots).sum()
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
