//! Decide phase: a maker looks at the published view, computes its target ladder and
//! replaces the sides that drifted.

use super::hedging::{HedgeLog, hedge_at_look};
use super::options::OptionDesk;
use super::state::{LiveQuote, MarketMaker};
use super::{MakerGroups, Withdrawer};
use crate::lob::{Price, Qty, Side, TimeInForce};
use crate::models::hedge::net_delta_lots;
use crate::models::quotes::{Level, QuoteInputs, needs_requote, target_ladder_into};
use crate::models::withdrawal::{MakerState, Signals, Trigger, next_state};
use crate::scenario::MarketMakerParams;
use crate::sim::components::{Account, Agent};
use crate::sim::events::{EventKind, EventLog, EventRecord, ValueUnit};
use crate::sim::resources::{Action, Agenda, BookId, Clock, Inbox, MarketViews};
use bevy_ecs::prelude::*;

/// What a maker wanted when it replaced quotes: one record per look that requoted a side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuoteRecord {
    /// Time of the look, ns.
    pub t_ns: u64,
    /// The maker.
    pub agent: u32,
    /// The book it quotes.
    pub book: BookId,
    /// The reference mid it saw, ticks.
    pub mid_ticks: f64,
    /// The model's centre (reservation price, or skewed mid), ticks.
    pub centre_ticks: f64,
    /// The model's half-spread, ticks.
    pub half_spread_ticks: f64,
    /// Its variance estimate, ticks² per second.
    pub var_per_s: f64,
    /// Its inventory, lots.
    pub inventory_lots: i64,
    /// Target best bid, ticks (`None`: the bid side is not quoted, at its limit).
    pub bid_ticks: Option<i64>,
    /// Target best ask, ticks.
    pub ask_ticks: Option<i64>,
    /// Lots wanted on the bid side, all levels.
    pub bid_lots: u64,
    /// Lots wanted on the ask side, all levels.
    pub ask_lots: u64,
    /// Which sides were replaced.
    pub requoted: [bool; 2],
}

/// The current step's [`QuoteRecord`]s, for quotes.csv (cleared at each step's quoting).
#[derive(Resource, Debug, Default)]
pub struct QuoteLog(pub Vec<QuoteRecord>);

/// Decide phase: market makers due this step requote.
#[allow(
    clippy::too_many_arguments,
    reason = "a bevy system takes its resources as parameters"
)]
pub fn quote_market_makers(
    clock: Res<Clock>,
    groups: Res<MakerGroups>,
    views: Res<MarketViews>,
    mut agenda: ResMut<Agenda<MarketMaker>>,
    mut inbox: ResMut<Inbox>,
    mut log: ResMut<QuoteLog>,
    mut events: ResMut<EventLog>,
    mut hedge_log: ResMut<HedgeLog>,
    mut makers: Query<(&Agent, &Account, &mut MarketMaker, Option<&OptionDesk>)>,
) {
    log.0.clear();
    // the last step's finished hedges were recorded with it
    hedge_log.records.clear();
    agenda.run_due(clock.end_ns(), |id, entity, t| {
        let (agent, account, mut mm, desk) = makers.get_mut(entity).expect("market maker entity");
        let g = &groups.0[agent.group as usize];
        let view = &views.0[usize::from(g.book.0)];
        mm.vol.observe(view.ref_ticks, clock.start_s());
        // The options' greeks, re-evaluated at every look on the price the maker sees now.
        let options = desk.map(|d| {
            let vol = d.vol_per_sqrt_s(mm.vol.variance_per_s(), view.ref_ticks);
            (d, d.book.exposure(view.ref_ticks, t, vol))
        });
        let quote_params = match &g.withdrawal {
            None => Some(&g.quote),
            Some(w) => {
                let option_pnl = options.map_or(0.0, |(d, e)| d.cash_tick_lots + e.value);
                let state = withdrawal_look(
                    &mut mm,
                    w,
                    account,
                    view.ref_ticks,
                    option_pnl,
                    clock.start_s(),
                    t,
                    (id, g.book),
                    &mut events,
                );
                match state {
                    MakerState::Quoting => Some(&g.quote),
                    MakerState::Widened => Some(&w.widened),
                    MakerState::Cooldown => Some(&w.cooldown),
                    MakerState::Withdrawn => None,
                }
            }
        };
        let inputs = QuoteInputs {
            mid_ticks: view.ref_ticks,
            inventory_lots: account.inventory_lots,
            var_per_s: mm.vol.variance_per_s(),
            book_bid_ticks: view.best_bid,
            book_ask_ticks: view.best_ask,
        };
        let mut target = std::mem::take(&mut mm.target);
        let best = target_ladder_into(quote_params.unwrap_or(&g.quote), &inputs, &mut target);
        if quote_params.is_none() {
            // withdrawn: no quotes at all
            target.bids.clear();
            target.asks.clear();
        }
        let mut requoted = [false; 2];
        for (i, (side, levels)) in [(Side::Buy, &target.bids), (Side::Sell, &target.asks)]
            .into_iter()
            .enumerate()
        {
            requoted[i] = requote_side(
                &mut mm,
                side,
                levels,
                &g.params,
                g.book,
                t.saturating_add(g.latency_ns),
                id,
                &mut inbox,
            );
        }
        if requoted[0] || requoted[1] {
            let lots = |l: &[Level]| l.iter().map(|q| q.qty_lots).sum();
            log.0.push(QuoteRecord {
                t_ns: t,
                agent: id,
                book: g.book,
                mid_ticks: inputs.mid_ticks,
                centre_ticks: best.centre_ticks,
                half_spread_ticks: best.half_spread_ticks,
                var_per_s: inputs.var_per_s,
                inventory_lots: inputs.inventory_lots,
                bid_ticks: target.bids.first().map(|l| l.price_ticks),
                ask_ticks: target.asks.first().map(|l| l.price_ticks),
                bid_lots: lots(&target.bids),
                ask_lots: lots(&target.asks),
                requoted,
            });
        }
        mm.target = target;
        if let Some(h) = &g.hedge {
            let option_delta_lots = options.map_or(0.0, |(_, e)| e.delta_lots);
            let net = net_delta_lots(account.inventory_lots, option_delta_lots);
            let venue = &views.0[usize::from(h.venue.0)];
            hedge_at_look(
                &mut mm,
                h,
                id,
                t,
                net,
                venue,
                &mut inbox,
                &mut hedge_log,
                &mut events,
            );
        } else if let Some(lots) = g.withdrawal.and_then(|w| w.unwind_lots)
            && mm.risk.state == MakerState::Withdrawn
            && account.inventory_lots != 0
        {
            // a withdrawn maker that unwinds: a market order back toward flat
            let inv = account.inventory_lots;
            inbox.push(
                t.saturating_add(g.latency_ns),
                g.book,
                id,
                crate::sim::resources::NO_TAG,
                Action::Market {
                    side: if inv > 0 { Side::Sell } else { Side::Buy },
                    qty: Qty(inv.unsigned_abs().min(lots)),
                },
            );
        }
        t.saturating_add(g.interval_ns)
    });
}

/// At a look of a maker with a withdrawal rule: updates its signals, applies the transition
/// due (logging it to `events`) and returns the state it now quotes in. `option_pnl` is its
/// options' cash plus value, ticks·lots; `who` is its id and book.
#[allow(clippy::too_many_arguments)]
fn withdrawal_look(
    mm: &mut MarketMaker,
    w: &Withdrawer,
    account: &Account,
    mid_ticks: f64,
    option_pnl: f64,
    t_s: f64,
    t_ns: u64,
    who: (u32, BookId),
    events: &mut EventLog,
) -> MakerState {
    let risk = &mut mm.risk;
    risk.baseline.observe(mid_ticks, t_s);
    risk.fade(t_ns);
    let pnl = account.pnl_tick_lots(mid_ticks) + option_pnl;
    risk.peak_pnl_tick_lots = risk.peak_pnl_tick_lots.max(pnl);
    let base = risk.baseline.variance_per_s();
    let vol_ratio = if base > 0.0 {
        (mm.vol.variance_per_s() / base).sqrt()
    } else {
        1.0
    };
    let mut x: Signals = [0.0; 6];
    x[Trigger::Loss.index()] = -pnl;
    x[Trigger::Inventory.index()] =
        account.inventory_lots.unsigned_abs() as f64 / w.widened.max_position_lots as f64;
    x[Trigger::HedgeFailure.index()] = risk.hedge_failure;
    x[Trigger::Drawdown.index()] = risk.peak_pnl_tick_lots - pnl;
    x[Trigger::Toxicity.index()] = risk.toxicity_ticks;
    x[Trigger::Volatility.index()] = vol_ratio;
    if let Some(tr) = next_state(risk.state, risk.entered_ns, &x, &w.rule, t_ns) {
        if risk.state == MakerState::Withdrawn {
            risk.withdrawn_ns += t_ns.saturating_sub(risk.entered_ns);
        }
        risk.state = tr.to;
        risk.entered_ns = t_ns;
        risk.withdrawals_by_trigger[tr.trigger.index().min(6)] +=
            u64::from(tr.to == MakerState::Withdrawn);
        events.0.push(EventRecord {
            t_ns,
            book: Some(who.1),
            agent: Some(who.0),
            kind: EventKind::StateChange,
            from: Some(tr.from.as_str()),
            to: Some(tr.to.as_str()),
            trigger: Some(tr.trigger.as_str()),
            value: Some(tr.value),
            threshold: Some(tr.threshold),
            unit: match tr.trigger {
                Trigger::Loss | Trigger::Drawdown => ValueUnit::TickLots,
                _ => ValueUnit::Plain,
            },
        });
    }
    risk.state
}

/// Replaces one side's quotes with `target` if [`needs_requote`] says so, and says whether it
/// did. A side with an unacknowledged order is left alone until the exchange has answered.
#[allow(clippy::too_many_arguments)]
fn requote_side(
    mm: &mut MarketMaker,
    side: Side,
    target: &[Level],
    p: &MarketMakerParams,
    book: BookId,
    arrival_ns: u64,
    agent: u32,
    inbox: &mut Inbox,
) -> bool {
    let mine = || mm.quotes.iter().filter(|q| q.side == side);
    if mine().any(|q| q.id.is_none()) {
        return false;
    }
    let mut current = std::mem::take(&mut mm.scratch);
    current.clear();
    current.extend(mine().map(|q| Level {
        price_ticks: q.price_ticks,
        qty_lots: q.qty_lots,
    }));
    let requote = needs_requote(
        &current,
        target,
        p.requote_tolerance_ticks,
        side == Side::Buy,
    );
    mm.scratch = current;
    if !requote {
        return false;
    }
    for q in mine() {
        let id = q.id.expect("checked above");
        inbox.push(
            arrival_ns,
            book,
            agent,
            crate::sim::resources::NO_TAG,
            Action::Cancel { id },
        );
    }
    mm.quotes.retain(|q| q.side != side);
    for l in target {
        let tag = mm.next_tag;
        mm.next_tag = mm.next_tag.wrapping_add(1) % crate::sim::resources::NO_TAG;
        let action = Action::Limit {
            side,
            price: Price(l.price_ticks),
            qty: Qty(l.qty_lots),
            tif: TimeInForce::PostOnly,
        };
        inbox.push(arrival_ns, book, agent, tag, action);
        mm.quotes.push(LiveQuote {
            tag,
            id: None,
            side,
            price_ticks: l.price_ticks,
            qty_lots: l.qty_lots,
        });
    }
    mm.requotes += 1;
    true
}
