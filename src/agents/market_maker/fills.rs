//! Settle phase for makers: what became of their orders (acknowledgements, fills, forced
//! removals), and the markouts of their fills that came due. (One system rather than a
//! settle and a detect one: a system costs its run overhead every step, and the book is
//! already as the step leaves it.)

use super::state::MarketMaker;
use crate::market::exchange::Exchange;
use crate::sim::events::{EventKind, EventLog, EventRecord, ValueUnit};
use crate::sim::resources::{AgentIndex, BookId, BookIndex, Clock, StepOutcomes};
use bevy_ecs::prelude::*;

/// A finished hedge: what the maker wanted and what it got.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgeRecord {
    /// Time of the decision, ns.
    pub t_ns: u64,
    /// The maker.
    pub agent: u32,
    /// The venue.
    pub venue: BookId,
    /// Net delta at the decision, lots.
    pub net_delta_lots: i64,
    /// Lots wanted, signed (positive: buy).
    pub wanted_lots: i64,
    /// Lots filled, signed like `wanted_lots`.
    pub filled_lots: i64,
    /// Average fill price, ticks (`None`: nothing filled).
    pub avg_fill_ticks: Option<f64>,
    /// The venue's reference mid at the decision, ticks.
    pub mid_ticks: f64,
}

impl HedgeRecord {
    /// Average fill price against the decision mid, ticks, signed so that positive is a cost
    /// (bought above, or sold below, the mid); `None` if nothing filled.
    pub fn slippage_ticks(&self) -> Option<f64> {
        self.avg_fill_ticks
            .map(|p| self.wanted_lots.signum() as f64 * (p - self.mid_ticks))
    }

    /// Lots wanted and not filled, signed like `wanted_lots`.
    pub fn unfilled_lots(&self) -> i64 {
        self.wanted_lots - self.filled_lots
    }
}

/// The hedges finished in the current step, for hedges.csv (cleared at each step's settle).
#[derive(Resource, Debug, Default)]
pub struct HedgeLog {
    /// The step's finished hedges, in the order their acknowledgements came.
    pub records: Vec<HedgeRecord>,
    /// Whether any maker group hedges (if not, the settle phase does no hedge work at all).
    pub active: bool,
}

/// Settle phase: makers learn their orders' fate and queue their fills (as the resting or the
/// arriving side) for markouts, then score the markouts due by the step's end against their
/// book's reference price. Accounts are settled by the market's
/// [`settle_trades`](crate::market::settle::settle_trades).
///
/// Hedges: a maker's quotes are post-only, so every trade it takes is one of its hedges (known
/// by venue and arrival time); hedge fills are kept with the hedge, not scored as markouts. A
/// hedge is finished when its acknowledgement comes (market and IOC orders never rest): it
/// then goes to the [`HedgeLog`].
#[allow(
    clippy::too_many_arguments,
    reason = "a bevy system takes its resources as parameters"
)]
pub fn settle_makers(
    clock: Res<Clock>,
    out: Res<StepOutcomes>,
    index: Res<AgentIndex>,
    books: Res<BookIndex>,
    exchanges: Query<&Exchange>,
    mut makers: Query<&mut MarketMaker>,
    mut hedge_log: ResMut<HedgeLog>,
    mut events: ResMut<EventLog>,
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
            mm.book_quote_fill(maker_side, t);
        }
        if let Ok(mut mm) = makers.get_mut(taker) {
            if let Some(h) = mm
                .hedges
                .iter_mut()
                .find(|h| h.venue == t.book && h.arrival_ns == t.t_ns)
            {
                h.filled_lots += t.qty_lots;
                h.fill_value_tick_lots += i128::from(t.price_ticks) * i128::from(t.qty_lots);
                // a reference mid is a multiple of half a tick: exact
                let decision_mid_x2 = Some((2.0 * h.mid_ticks).round() as i64);
                mm.ledger.fill(
                    t.aggressor.sign(),
                    t.price_ticks,
                    t.qty_lots,
                    decision_mid_x2,
                    true,
                );
                continue;
            }
            mm.book_quote_fill(t.aggressor, t);
        }
    }
    for &(agent, id) in &out.removed {
        if let Ok(mut mm) = makers.get_mut(index.0[agent as usize])
            && let Some(pos) = mm.quotes.iter().position(|q| q.id == Some(id))
        {
            mm.quotes.swap_remove(pos);
        }
    }
    if hedge_log.active {
        hedge_log.records.clear();
        finish_hedges(&out, &index, &mut makers, &mut hedge_log, &mut events);
    }
    score_markouts(clock.end_ns(), &books, &exchanges, &mut makers);
}

/// Moves every hedge acknowledged this step (its fills all in, as they come with the arrival)
/// from its maker to the log.
fn finish_hedges(
    out: &StepOutcomes,
    index: &AgentIndex,
    makers: &mut Query<&mut MarketMaker>,
    log: &mut HedgeLog,
    events: &mut EventLog,
) {
    for ack in &out.acks {
        let Ok(mut mm) = makers.get_mut(index.0[ack.agent as usize]) else {
            continue;
        };
        let Some(pos) = mm.hedges.iter().position(|h| h.tag == ack.tag) else {
            continue;
        };
        let h = mm.hedges.remove(pos);
        let filled = h.filled_lots as i64 * h.wanted_lots.signum();
        let ledger = &mut mm.ledger;
        ledger.hedges += 1;
        ledger.hedge_lots += h.filled_lots;
        let unfilled = h.wanted_lots.unsigned_abs() - h.filled_lots;
        ledger.hedge_unfilled_lots += unfilled;
        ledger.hedges_failed += u64::from(unfilled > 0);
        let share = unfilled as f64 / h.wanted_lots.unsigned_abs().max(1) as f64;
        let risk = &mut mm.risk;
        risk.hedge_failure += risk.hedge_weight * (share - risk.hedge_failure);
        if unfilled > 0 {
            events.0.push(EventRecord {
                t_ns: h.arrival_ns,
                book: Some(h.venue),
                agent: Some(ack.agent),
                kind: EventKind::HedgeFailed,
                from: None,
                to: None,
                trigger: Some("unfilled_lots"),
                value: Some(unfilled as f64),
                threshold: Some(h.wanted_lots.unsigned_abs() as f64),
                unit: ValueUnit::Lots,
            });
        }
        log.records.push(HedgeRecord {
            t_ns: h.t_ns,
            agent: ack.agent,
            venue: h.venue,
            net_delta_lots: h.net_delta_lots,
            wanted_lots: h.wanted_lots,
            filled_lots: filled,
            avg_fill_ticks: (h.filled_lots > 0)
                .then(|| h.fill_value_tick_lots as f64 / h.filled_lots as f64),
            mid_ticks: h.mid_ticks,
        });
    }
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
            // toxicity: the adverse move per lot, averaged over fills
            let adverse = -gain / m.qty_lots as f64;
            let risk = &mut mm.risk;
            risk.toxicity_ticks += risk.toxicity_weight * (adverse - risk.toxicity_ticks);
        }
    }
}
