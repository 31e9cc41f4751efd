//! Settle phase for makers: what became of their orders (acknowledgements, fills, forced
//! removals), and the markouts of their fills that came due. (One system rather than a
//! settle and a detect one: a system costs its run overhead every step, and the book is
//! already as the step leaves it.)

use super::MakerGroups;
use super::hedging::{HedgeLog, finish_if_done, hedge_ack, hedge_fill, hedge_removed};
use super::state::MarketMaker;
use crate::market::exchange::Exchange;
use crate::sim::components::Agent;
use crate::sim::events::EventLog;
use crate::sim::resources::{AgentIndex, BookIndex, Clock, StepOutcomes};
use bevy_ecs::prelude::*;

/// Settle phase: makers learn their orders' fate and queue their fills (as the resting or the
/// arriving side) for markouts, then score the markouts due by the step's end against their
/// book's reference price. Accounts are settled by the market's
/// [`settle_trades`](crate::market::settle::settle_trades).
///
/// Hedges: the fills of a maker's working hedge (its child as the resting side, known by
/// order id; as the taker, known by the request's tag) are kept with the hedge, not scored as
/// markouts; a hedge that is done goes to the [`HedgeLog`] (see [`super::hedging`]).
#[allow(
    clippy::too_many_arguments,
    reason = "a bevy system takes its resources as parameters"
)]
pub fn settle_makers(
    clock: Res<Clock>,
    out: Res<StepOutcomes>,
    index: Res<AgentIndex>,
    books: Res<BookIndex>,
    groups: Res<MakerGroups>,
    exchanges: Query<&Exchange>,
    mut makers: Query<(&Agent, &mut MarketMaker)>,
    mut hedge_log: ResMut<HedgeLog>,
    mut events: ResMut<EventLog>,
) {
    let hedging = hedge_log.active;
    // Acknowledgements first: a quote may rest and then fill within the same step.
    for ack in &out.acks {
        let Ok((_, mut mm)) = makers.get_mut(index.0[ack.agent as usize]) else {
            continue;
        };
        if let Some(pos) = mm
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
        } else if hedging {
            hedge_ack(&mut mm, ack.tag, ack.resting);
        }
    }
    for t in &out.trades {
        let maker_side = t.aggressor.opposite();
        if let Ok((_, mut mm)) = makers.get_mut(index.0[t.maker as usize]) {
            if let Some(pos) = mm.quotes.iter().position(|q| q.id == Some(t.maker_order)) {
                if t.maker_done {
                    mm.quotes.swap_remove(pos);
                } else {
                    mm.quotes[pos].qty_lots -= t.qty_lots;
                }
                mm.book_quote_fill(maker_side, t);
            } else if !(hedging && hedge_fill(&mut mm, t, true)) {
                mm.book_quote_fill(maker_side, t);
            }
        }
        if let Ok((_, mut mm)) = makers.get_mut(index.0[t.taker as usize])
            && !(hedging && hedge_fill(&mut mm, t, false))
        {
            mm.book_quote_fill(t.aggressor, t);
        }
    }
    for &(agent, id) in &out.removed {
        if let Ok((_, mut mm)) = makers.get_mut(index.0[agent as usize]) {
            if let Some(pos) = mm.quotes.iter().position(|q| q.id == Some(id)) {
                mm.quotes.swap_remove(pos);
            } else if hedging {
                hedge_removed(&mut mm, id);
            }
        }
    }
    if hedging {
        // in id order: hedges.csv lists a step's finished hedges by maker
        let now = clock.end_ns();
        for (id, &entity) in index.0.iter().enumerate() {
            if let Ok((agent, mut mm)) = makers.get_mut(entity)
                && mm.hedge.is_some()
                && let Some(h) = &groups.0[agent.group as usize].hedge
            {
                finish_if_done(&mut mm, h, id as u32, now, &mut hedge_log, &mut events);
            }
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
    makers: &mut Query<(&Agent, &mut MarketMaker)>,
) {
    for (_, mut mm) in makers.iter_mut() {
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
            // toxicity: the adverse move per lot, averaged over fills
            let adverse = -gain / m.qty_lots as f64;
            let risk = &mut mm.risk;
            risk.toxicity_ticks += risk.toxicity_weight * (adverse - risk.toxicity_ticks);
        }
    }
}
