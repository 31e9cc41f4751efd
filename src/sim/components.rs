//! Components every agent entity carries, whatever its kind (a kind adds its own, in its
//! module under [`crate::agents`]).

use super::resources::BookId;
use crate::lob::Side;
use bevy_ecs::prelude::*;
use rand_chacha::ChaCha8Rng;

/// An agent's id: its index in [`AgentIndex`](super::resources::AgentIndex) and its owner id in
/// the book. Assigned in scenario order (market makers, informed, noise groups, then programs, in file order).
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
    /// A sell or buy program.
    Program,
}

impl AgentKind {
    /// The name written in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentKind::Noise => "noise",
            AgentKind::Informed => "informed",
            AgentKind::MarketMaker => "market_maker",
            AgentKind::Program => "program",
        }
    }
}

/// Which kind and group an agent belongs to (group: index into that kind's scenario groups),
/// and the book it trades.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agent {
    /// Its kind.
    pub kind: AgentKind,
    /// Its group's index among the groups of its kind.
    pub group: u32,
    /// The book it trades.
    pub book: BookId,
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

#[cfg(test)]
mod tests {
    use super::*;

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
