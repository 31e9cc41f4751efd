//! Settle phase for makers: what became of their orders (acknowledgements, fills, forced
//! removals), and the markouts of their fills that came due. (One system rather than a
//! settle and a detect one: a system costs its run overhead every step, and the book is
//! already as the step leaves it.)

use super::state::{MarketMaker, PendingMarkout};
use crate::market::exchange::Exchange;
use crate::sim::resources::{AgentIndex, BookIndex, Clock, StepOutcomes};
use bevy_ecs::prelude::*;

/// Settle phase: makers learn their orders' fate and queue their fills (as the resting or the
/// arriving side) for markouts, then score the markouts due by the step's end against their
/// book's reference price. Accounts are settled by the market's
/// [`settle_trades`](crate::market::settle::settle_trades).
pub fn settle_makers(
    clock: Res<Clock>,
    out: Res<StepOutcomes>,
    index: Res<AgentIndex>,
    books: Res<BookIndex>,
    exchanges: Query<&Exchange>,
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
    score_markouts(clock.end_ns(), &books, &exchanges, &mut makers);
}

/// Scores the fills whose markout horizon has passed by `now` against their book's current
/// reference price.
fn score_markouts(
    now: u64,
    books: &BookIndex,
    exchanges: &Query<&Exchange>,
    makers: &mut Query<&mut MarketMaker>,
) {
    for mut mm in makers.iter_mut() {
        if mm.pending_markouts.front().is_none_or(|m| m.due_ns > now) {
            continue;
        }
        let ex = exchanges
            .get(books.0[usize::from(mm.book.0)])
            .expect("book entity");
        let ref_ticks = ex.reference_x2_ticks() as f64 / 2.0;
        while let Some(m) = mm.pending_markouts.front().copied() {
            if m.due_ns > now {
                break;
            }
            mm.pending_markouts.pop_front();
            let gain =
                m.side.sign() as f64 * (ref_ticks - m.price_ticks as f64) * m.qty_lots as f64;
            mm.markout_tick_lots += gain;
            mm.markout_lots += m.qty_lots;
        }
    }
}
