//! Settle phase: trades move positions and cash. (Each kind learns what became of its own
//! orders in a settle-phase system of its own, e.g. the market makers'.)

use crate::sim::components::Account;
use crate::sim::resources::{AgentIndex, StepOutcomes};
use bevy_ecs::prelude::*;

/// Applies the step's trades to both sides' accounts.
pub fn settle_trades(
    out: Res<StepOutcomes>,
    index: Res<AgentIndex>,
    mut accounts: Query<&mut Account>,
) {
    for t in &out.trades {
        let maker_side = t.aggressor.opposite();
        if let Ok(mut a) = accounts.get_mut(index.0[t.maker as usize]) {
            a.apply_fill(maker_side, t.price_ticks, t.qty_lots);
        }
        if let Ok(mut a) = accounts.get_mut(index.0[t.taker as usize]) {
            a.apply_fill(t.aggressor, t.price_ticks, t.qty_lots);
        }
    }
}
