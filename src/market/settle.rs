//! Settle phase: trades move positions and cash; market makers learn what became of their
//! orders and queue their fills for markouts.

use crate::sim::components::{Account, MarketMaker, PendingMarkout};
use crate::sim::resources::{AgentIndex, StepOutcomes};
use bevy_ecs::prelude::*;

/// Applies the step's trades, acknowledgements and forced removals to the agents.
pub fn settle_trades(
    out: Res<StepOutcomes>,
    index: Res<AgentIndex>,
    mut accounts: Query<&mut Account>,
    mut makers: Query<&mut MarketMaker>,
) {
    // Acknowledgements first: a quote may rest and then fill within the same step.
    for ack in &out.acks {
        if let Ok(mut mm) = makers.get_mut(index.0[ack.agent as usize])
            && let Some(pos) = mm
                .quotes
                .iter()
                .position(|q| q.tag == ack.tag && q.id.is_none())
        {
            match ack.resting {
                Some(id) => {
                    mm.quotes[pos].id = Some(id);
                    mm.quotes[pos].qty_lots = ack.rested_lots;
                }
                None => {
                    mm.quotes.swap_remove(pos);
                }
            }
        }
    }
    for t in &out.trades {
        let maker_side = t.aggressor.opposite();
        let maker = index.0[t.maker as usize];
        let taker = index.0[t.taker as usize];
        if let Ok(mut a) = accounts.get_mut(maker) {
            a.apply_fill(maker_side, t.price_ticks, t.qty_lots);
        }
        if let Ok(mut a) = accounts.get_mut(taker) {
            a.apply_fill(t.aggressor, t.price_ticks, t.qty_lots);
        }
        if let Ok(mut mm) = makers.get_mut(maker) {
            if let Some(pos) = mm.quotes.iter().position(|q| q.id == Some(t.maker_order)) {
                if t.maker_done {
                    mm.quotes.swap_remove(pos);
                } else {
                    mm.quotes[pos].qty_lots -= t.qty_lots;
                }
            }
            let due_ns = t.t_ns.saturating_add(mm.markout_horizon_ns);
            mm.pending_markouts.push_back(PendingMarkout {
                due_ns,
                side: maker_side,
                price_ticks: t.price_ticks,
                qty_lots: t.qty_lots,
            });
        }
        if let Ok(mut mm) = makers.get_mut(taker) {
            let due_ns = t.t_ns.saturating_add(mm.markout_horizon_ns);
            mm.pending_markouts.push_back(PendingMarkout {
                due_ns,
                side: t.aggressor,
                price_ticks: t.price_ticks,
                qty_lots: t.qty_lots,
            });
        }
    }
    for &(agent, id) in &out.removed {
        if let Ok(mut mm) = makers.get_mut(index.0[agent as usize])
            && let Some(pos) = mm.quotes.iter().position(|q| q.id == Some(id))
        {
            mm.quotes.swap_remove(pos);
        }
    }
}
