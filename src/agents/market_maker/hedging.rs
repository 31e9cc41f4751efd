//! A maker's hedges in the venue: starting a parent hedge at a look and working its child
//! orders ([`hedge_at_look`]), learning what became of them as the exchange answers
//! ([`hedge_ack`], [`hedge_fill`], [`hedge_removed`]), and finishing it into the
//! [`HedgeLog`]. The rule itself is the pure [`crate::models::hedge`].

use super::Hedger;
use super::state::{MarketMaker, WorkingHedge};
use crate::lob::{OrderId, Price, Qty, Side, TimeInForce};
use crate::models::hedge::{
    Child, HedgeInputs, Order, Parent, Step, Touch, decide_hedge, next_step,
};
use crate::sim::events::{EventKind, EventLog, EventRecord, ValueUnit};
use crate::sim::resources::{Action, BookId, Inbox, MarketView, NO_TAG, TradeEvent};
use bevy_ecs::prelude::*;

/// A finished parent hedge: what the maker wanted, what it got and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgeRecord {
    /// Time of the decision, ns.
    pub t_ns: u64,
    /// The maker.
    pub agent: u32,
    /// The venue.
    pub venue: BookId,
    /// The group's hedge style, as the scenario names it.
    pub style: &'static str,
    /// Net delta at the decision, lots.
    pub net_delta_lots: i64,
    /// Lots wanted, signed (positive: buy).
    pub wanted_lots: i64,
    /// Lots filled, signed like `wanted_lots`.
    pub filled_lots: i64,
    /// Of the filled lots, those filled resting (providing liquidity).
    pub passive_lots: u64,
    /// Of the filled lots, those filled taking liquidity.
    pub aggressive_lots: u64,
    /// Child orders sent (a cancel/replace counts as one).
    pub children: u32,
    /// When it finished: its last request's arrival or its last fill, whichever is later,
    /// ns.
    pub done_ns: u64,
    /// Average fill price, ticks (`None`: nothing filled).
    pub avg_fill_ticks: Option<f64>,
    /// The venue's reference mid at the decision (the arrival mid), ticks.
    pub mid_ticks: f64,
}

impl HedgeRecord {
    /// Average fill price against the arrival mid, ticks, signed so that positive is a cost
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

/// The hedges finished in the current step (at a look or once its answers came), for
/// hedges.csv; emptied at the start of the makers' next decide turn.
#[derive(Resource, Debug, Default)]
pub struct HedgeLog {
    /// The finished hedges, in the order they finished.
    pub records: Vec<HedgeRecord>,
    /// Whether any maker group hedges (if not, the settle phase does no hedge work at all).
    pub active: bool,
}

/// At a look of a hedging maker at `t_ns`: works its current parent hedge one step (sending,
/// repricing or escalating its child), finishing it into `log` when it is done; with no
/// parent working, decides whether to start one from its net delta `net` (lots) and starts
/// it at once.
#[allow(clippy::too_many_arguments)]
pub fn hedge_at_look(
    mm: &mut MarketMaker,
    h: &Hedger,
    agent: u32,
    t_ns: u64,
    net: i64,
    view: &MarketView,
    inbox: &mut Inbox,
    log: &mut HedgeLog,
    events: &mut EventLog,
) {
    let touch = Touch {
        best_bid: view.best_bid,
        best_ask: view.best_ask,
        mid_ticks: view.ref_ticks,
        volume_lots: view.volume_lots,
    };
    if mm.hedge.is_some() {
        advance(mm, h, agent, t_ns, &touch, inbox, log, events);
    }
    if mm.hedge.is_some() {
        return;
    }
    let inputs = HedgeInputs {
        net_delta_lots: net,
        now_ns: t_ns,
        last_hedge_ns: mm.last_hedge_ns,
    };
    let Some((side, lots)) = decide_hedge(&h.rule, &inputs) else {
        return;
    };
    mm.last_hedge_ns = Some(t_ns);
    mm.hedge = Some(WorkingHedge {
        parent: Parent::new(side, lots, t_ns, view.volume_lots),
        venue: h.venue,
        net_delta_lots: net,
        arrival_mid_ticks: view.ref_ticks,
        tag: NO_TAG,
        child_id: None,
        prev_child_id: None,
        child_price_ticks: 0,
        children: 0,
        passive_lots: 0,
        aggressive_lots: 0,
        fill_value_tick_lots: 0,
        last_event_ns: t_ns,
    });
    advance(mm, h, agent, t_ns, &touch, inbox, log, events);
}

/// One step of the working parent: the model's [`next_step`], turned into a request.
#[allow(clippy::too_many_arguments)]
fn advance(
    mm: &mut MarketMaker,
    h: &Hedger,
    agent: u32,
    t_ns: u64,
    touch: &Touch,
    inbox: &mut Inbox,
    log: &mut HedgeLog,
    events: &mut EventLog,
) {
    let Some(w) = mm.hedge.as_mut() else {
        return;
    };
    let step = next_step(&h.rule.plan, &mut w.parent, touch, t_ns);
    let (order, replace) = match step {
        Step::Wait => return,
        Step::Finish => {
            finish(mm, h.style, agent, log, events);
            return;
        }
        Step::Send(o) => (o, None),
        Step::Replace(o) => (o, w.child_id),
    };
    let tag = mm.next_tag;
    mm.next_tag = mm.next_tag.wrapping_add(1) % NO_TAG;
    let side = w.parent.side;
    let (action, price) = match (order, replace) {
        (Order::Market(lots), _) => (
            Action::Market {
                side,
                qty: Qty(lots),
            },
            0,
        ),
        (Order::Ioc { limit_ticks, lots }, None) => (
            limit(side, limit_ticks, lots, TimeInForce::Ioc),
            limit_ticks,
        ),
        (Order::Post { price_ticks, lots }, None) => (
            limit(side, price_ticks, lots, TimeInForce::PostOnly),
            price_ticks,
        ),
        (Order::Ioc { limit_ticks, lots }, Some(id)) => (
            replace_with(id, limit_ticks, lots, TimeInForce::Ioc),
            limit_ticks,
        ),
        (Order::Post { price_ticks, lots }, Some(id)) => (
            replace_with(id, price_ticks, lots, TimeInForce::PostOnly),
            price_ticks,
        ),
    };
    let arrival_ns = t_ns.saturating_add(h.latency_ns);
    inbox.push(arrival_ns, w.venue, agent, tag, action);
    w.tag = tag;
    if replace.is_some() {
        w.prev_child_id = w.child_id;
    }
    w.child_id = None;
    w.child_price_ticks = price;
    w.children += 1;
    w.parent.child = Child::Pending;
    w.last_event_ns = w.last_event_ns.max(arrival_ns);
}

fn limit(side: Side, price_ticks: i64, lots: u64, tif: TimeInForce) -> Action {
    Action::Limit {
        side,
        price: Price(price_ticks),
        qty: Qty(lots),
        tif,
    }
}

fn replace_with(id: OrderId, price_ticks: i64, lots: u64, tif: TimeInForce) -> Action {
    Action::Replace {
        id,
        price: Price(price_ticks),
        qty: Qty(lots),
        tif,
    }
}

/// The exchange answered the maker's request `tag`: if it is the working child's, the child
/// now rests (with its id) or is done.
pub fn hedge_ack(mm: &mut MarketMaker, tag: u32, resting: Option<OrderId>) {
    let Some(w) = mm.hedge.as_mut() else {
        return;
    };
    if w.tag != tag || w.parent.child != Child::Pending {
        return;
    }
    w.child_id = resting;
    w.parent.child = match resting {
        Some(_) => Child::Resting(w.child_price_ticks),
        None => Child::None,
    };
}

/// Whether trade `t` is a fill of the maker's working hedge (as the resting side if
/// `resting`, else as the taker); if so it is booked to the hedge (the ledger's hedging
/// part, against the arrival mid) and the child is done when it filled whole.
pub fn hedge_fill(mm: &mut MarketMaker, t: &TradeEvent, resting: bool) -> bool {
    let Some(w) = mm.hedge.as_mut() else {
        return false;
    };
    let ours = if resting {
        t.book == w.venue
            && (w.child_id == Some(t.maker_order) || w.prev_child_id == Some(t.maker_order))
    } else {
        t.book == w.venue && t.taker_tag == w.tag
    };
    if !ours {
        return false;
    }
    w.parent.filled_lots += t.qty_lots;
    w.fill_value_tick_lots += i128::from(t.price_ticks) * i128::from(t.qty_lots);
    w.last_event_ns = w.last_event_ns.max(t.t_ns);
    if resting {
        w.passive_lots += t.qty_lots;
        if t.maker_done && w.child_id == Some(t.maker_order) {
            w.child_id = None;
            w.parent.child = Child::None;
        }
    } else {
        w.aggressive_lots += t.qty_lots;
    }
    let side = if resting {
        t.aggressor.opposite()
    } else {
        t.aggressor
    };
    // a reference mid is a multiple of half a tick: exact
    let arrival_mid_x2 = Some((2.0 * w.arrival_mid_ticks).round() as i64);
    mm.ledger
        .fill(side.sign(), t.price_ticks, t.qty_lots, arrival_mid_x2, true);
    true
}

/// A resting order of the maker was removed by the exchange (self-trade prevention): if it
/// was the hedge's child, the child is done.
pub fn hedge_removed(mm: &mut MarketMaker, id: OrderId) {
    if let Some(w) = mm.hedge.as_mut()
        && w.child_id == Some(id)
    {
        w.child_id = None;
        w.parent.child = Child::None;
    }
}

/// After a step's answers and fills: finishes the maker's parent if it is done (a market or
/// IOC hedge as soon as its child is answered, a passive one once its escalation is), so
/// that hedges.csv has it in the step it finished.
pub fn finish_if_done(
    mm: &mut MarketMaker,
    h: &Hedger,
    agent: u32,
    now_ns: u64,
    log: &mut HedgeLog,
    events: &mut EventLog,
) {
    if mm
        .hedge
        .is_some_and(|w| w.parent.is_finished(&h.rule.plan, now_ns))
    {
        finish(mm, h.style, agent, log, events);
    }
}

/// Moves the finished working hedge to the log: the ledger's hedge statistics, the
/// hedge-failure signal (its unfilled share) and, if it fell short, a hedge_failed event.
fn finish(
    mm: &mut MarketMaker,
    style: &'static str,
    agent: u32,
    log: &mut HedgeLog,
    events: &mut EventLog,
) {
    let Some(w) = mm.hedge.take() else {
        return;
    };
    let p = &w.parent;
    let ledger = &mut mm.ledger;
    ledger.hedges += 1;
    ledger.hedge_lots += p.filled_lots;
    let unfilled = p.remaining_lots();
    ledger.hedge_unfilled_lots += unfilled;
    ledger.hedges_failed += u64::from(unfilled > 0);
    let share = unfilled as f64 / p.wanted_lots.max(1) as f64;
    let risk = &mut mm.risk;
    risk.hedge_failure += risk.hedge_weight * (share - risk.hedge_failure);
    if unfilled > 0 {
        events.0.push(EventRecord {
            t_ns: w.last_event_ns,
            book: Some(w.venue),
            agent: Some(agent),
            kind: EventKind::HedgeFailed,
            from: None,
            to: None,
            trigger: Some("unfilled_lots"),
            value: Some(unfilled as f64),
            threshold: Some(p.wanted_lots as f64),
            unit: ValueUnit::Lots,
        });
    }
    let sign = p.side.sign();
    log.records.push(HedgeRecord {
        t_ns: p.start_ns,
        agent,
        venue: w.venue,
        style,
        net_delta_lots: w.net_delta_lots,
        wanted_lots: sign * p.wanted_lots as i64,
        filled_lots: sign * p.filled_lots as i64,
        passive_lots: w.passive_lots,
        aggressive_lots: w.aggressive_lots,
        children: w.children,
        done_ns: w.last_event_ns,
        avg_fill_ticks: (p.filled_lots > 0)
            .then(|| w.fill_value_tick_lots as f64 / p.filled_lots as f64),
        mid_ticks: w.arrival_mid_ticks,
    });
}
