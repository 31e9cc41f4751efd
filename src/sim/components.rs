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

/// An informed trader's private state: its orders still on their way to the exchange.
#[derive(Component, Debug, Clone, Default)]
pub struct InformedTrader {
    /// (arrival time ns, signed lots) of orders sent but not yet processed, oldest first.
    /// An order arriving before the current step's start has been matched and settled into
    /// the account, so it is dropped at the next decision.
    pub in_flight: VecDeque<(u64, i64)>,
}

impl InformedTrader {
    /// Forgets orders processed before `step_start_ns` and returns the signed lots still in
    /// flight.
    pub fn in_flight_lots(&mut self, step_start_ns: u64) -> i64 {
        while self
            .in_flight
            .front()
            .is_some_and(|&(t, _)| t < step_start_ns)
        {
            self.in_flight.pop_front();
        }
        self.in_flight.iter().map(|&(_, q)| q).sum()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn informed_orders_stay_in_flight_until_their_arrival_step_has_passed() {
        let mut s = InformedTrader::default();
        s.in_flight.push_back((100, 5));
        s.in_flight.push_back((250, -2));
        assert_eq!(
            s.in_flight_lots(100),
            3,
            "arriving at the step's start: not yet processed"
        );
        assert_eq!(
            s.in_flight_lots(101),
            -2,
            "processed in an earlier step: settled"
        );
        assert_eq!(s.in_flight_lots(1000), 0);
        assert!(s.in_flight.is_empty());
    }

    #[test]
    fn fills_move_inventory_and_cash_in_opposite_directions() {
        let mut a = Account::default();
        a.apply_fill(Side::Buy, 10_000, 3);
        a.apply_fill(Side::Sell, 10_010, 1);
        assert_eq!(a.inventory_lots, 2);
        assert_eq!(a.cash_tick_lots, -30_000 + 10_010);
        assert_eq!((a.volume_lots, a.fills), (4, 2));
        assert_eq!(
            a.pnl_tick_lots(10_005.0),
            (-30_000 + 10_010 + 2 * 10_005) as f64
        );
    }
}
