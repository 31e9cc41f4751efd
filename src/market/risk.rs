//! The exchange's pre-trade risk gate: per-agent position limits and the positions and
//! resting lots it checks them against.

use crate::lob::Side;

/// Per-agent position limits enforced before an order reaches the book, the way a broker's
/// risk check does: an order is cut (or refused) so that even if every resting order of the
/// agent on that side and the new order all filled, |position| stays within the limit.
#[derive(Debug, Clone, Default)]
pub struct RiskGate {
    limit_lots: Vec<Option<u64>>,
    position_lots: Vec<i64>,
    resting_lots: Vec<[u64; 2]>,
}

fn ix(side: Side) -> usize {
    match side {
        Side::Buy => 0,
        Side::Sell => 1,
    }
}

impl RiskGate {
    /// A gate for `limits.len()` agents (`None`: unlimited).
    pub fn new(limits: Vec<Option<u64>>) -> Self {
        let n = limits.len();
        RiskGate {
            limit_lots: limits,
            position_lots: vec![0; n],
            resting_lots: vec![[0, 0]; n],
        }
    }

    /// How much of `qty` the agent may send on `side`.
    #[inline]
    pub fn allowed(&self, agent: u32, side: Side, qty: u64) -> u64 {
        let a = agent as usize;
        let Some(limit) = self.limit_lots[a] else {
            return qty;
        };
        let exposure = self.position_lots[a] * side.sign() + self.resting_lots[a][ix(side)] as i64;
        let room = limit as i64 - exposure;
        qty.min(room.max(0) as u64)
    }

    /// Sets the agent's limit (`None`: unlimited); orders already resting stay.
    pub fn set_limit(&mut self, agent: u32, limit_lots: Option<u64>) {
        self.limit_lots[agent as usize] = limit_lots;
    }

    /// The agent's position as the exchange knows it, lots.
    pub fn position(&self, agent: u32) -> i64 {
        self.position_lots[agent as usize]
    }

    /// The agent's resting lots on `side`.
    pub fn resting(&self, agent: u32, side: Side) -> u64 {
        self.resting_lots[agent as usize][ix(side)]
    }

    #[inline]
    pub(super) fn on_rest(&mut self, agent: u32, side: Side, qty: u64) {
        self.resting_lots[agent as usize][ix(side)] += qty;
    }

    #[inline]
    pub(super) fn on_remove(&mut self, agent: u32, side: Side, qty: u64) {
        self.resting_lots[agent as usize][ix(side)] -= qty;
    }

    #[inline]
    pub(super) fn on_fill(&mut self, maker: u32, taker: u32, aggressor: Side, qty: u64) {
        let q = qty as i64;
        self.position_lots[taker as usize] += aggressor.sign() * q;
        let maker_side = aggressor.opposite();
        self.position_lots[maker as usize] += maker_side.sign() * q;
        self.resting_lots[maker as usize][ix(maker_side)] -= qty;
    }
}
