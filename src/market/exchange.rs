//! The exchange: one book entity, a pre-trade risk gate ([`RiskGate`]), good-till-time
//! expiries, volatility halts, and the matching system that drains the inbox in (arrival
//! time, sequence) order.
//!
//! Requests that arrive while a book is halted are held, in a queue bounded by the halt
//! rule's `max_held_orders`. When it is full, a new order (limit or market) is rejected:
//! counted in [`Exchange::halt_rejected_orders`] and in the run's rejections, and
//! acknowledged as refused like any rejected order; a cancel is carried out at once (it
//! cannot trade or move the price, and the book already loses expiring orders during a
//! halt), so that a maker's cancel is never lost. Memory stays bounded however fast orders
//! arrive, and the shipped scenarios never fill the queue.

use super::bands::PriceBands;
use super::halt::{HaltRule, MoveDetector};
use super::journal::{LobsterEvent, OrderMessage};
use super::metrics::{StatsBand, accumulate_stats};
pub use super::risk::RiskGate;
use crate::lob::{
    Book, BookConfig, Cancelled, Event, OrderId, OwnerId, Price, Qty, Report, Side, TimeInForce,
};
use crate::sim::calendar::Wheel;
use crate::sim::events::{EventKind, EventLog, EventRecord, ValueUnit};
use crate::sim::resources::{
    Ack, Action, BookId, BookIndex, Clock, Inbox, NO_TAG, OrderRequest, RunStats, StepOutcomes,
    TradeEvent,
};
use bevy_ecs::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Steps the expiry wheel covers before orders wait in its overflow heap: 512 (25.6 s at the
/// benchmark day's 50 ms steps, five of its orders' mean lifetime). Where an order expires
/// does not change when (the wheel and the heap both give (time, id) order); a smaller wheel
/// keeps the buckets a push lands in warm in the cache. Measured on the benchmark day, side by
/// side: 512 and 1,024 steps alike, 4,096 about 5 % slower, 256 and 128 slower as more orders
/// go through the heap.
const EXPIRY_WHEEL_STEPS: usize = 512;

/// A book and everything the exchange keeps around it.
#[derive(Component, Debug)]
pub struct Exchange {
    /// Its id.
    pub id: BookId,
    /// The order book.
    pub book: Book,
    /// Last trade price, ticks.
    pub last_trade: Option<i64>,
    /// The opening reference price, ticks.
    pub opening_ticks: i64,
    /// Position limits.
    pub risk: RiskGate,
    /// Lots traded since the recorder last sampled.
    pub volume_since_sample: u64,
    /// Trades since the recorder last sampled.
    pub trades_since_sample: u64,
    /// Lots traded since the open.
    pub volume_lots: u64,
    /// Its halt rule, if it has one.
    pub halt_rule: Option<HaltRule>,
    /// Halts so far.
    pub halts: u64,
    /// Time spent halted in finished halts, ns.
    pub halted_ns: u64,
    /// Start and reopening time of the halt in force, ns.
    pub halt: Option<(u64, u64)>,
    /// Halt starts and ends of the current step, for events.csv.
    pub halt_events: Vec<EventRecord>,
    /// Orders rejected because the halted book's queue was full.
    pub halt_rejected_orders: u64,
    /// Its price bands, if it has them.
    pub bands: Option<PriceBands>,
    /// Every change to the resting book as LOBSTER messages, when the run exports them
    /// (`None`: not kept). The recorder drains it each step.
    pub journal: Option<Vec<OrderMessage>>,
    moves: MoveDetector,
    held: Vec<OrderRequest>,
    /// Good-till-time orders by expiry time; an order id names one order (unless a book slot
    /// is reused 2³² times: see [`OrderId`]), so (time, id) is a total order, and the order's
    /// owner is the book's to tell when it is removed.
    expiries: Wheel<OrderId>,
    due_now: Vec<(u64, OrderId)>,
    due_heap: BinaryHeap<Reverse<(u64, OrderId)>>,
    events: Vec<Event>,
}

impl Exchange {
    /// An empty book opening at `opening_ticks`.
    pub fn new(
        id: BookId,
        config: BookConfig,
        opening_ticks: i64,
        risk: RiskGate,
        dt_ns: u64,
    ) -> Self {
        Exchange {
            id,
            book: Book::new(config),
            last_trade: None,
            opening_ticks,
            risk,
            volume_since_sample: 0,
            trades_since_sample: 0,
            volume_lots: 0,
            halt_rule: None,
            halts: 0,
            halted_ns: 0,
            halt: None,
            halt_events: Vec::new(),
            halt_rejected_orders: 0,
            bands: None,
            journal: None,
            moves: MoveDetector::default(),
            held: Vec::new(),
            expiries: Wheel::new(dt_ns, EXPIRY_WHEEL_STEPS),
            due_now: Vec::new(),
            due_heap: BinaryHeap::new(),
            events: Vec::new(),
        }
    }

    /// Twice the reference price in ticks: the mid when both sides are quoted, else twice the
    /// last trade, else twice the opening price.
    pub fn reference_x2_ticks(&self) -> i64 {
        self.book
            .mid_x2_ticks()
            .unwrap_or_else(|| 2 * self.last_trade.unwrap_or(self.opening_ticks))
    }

    /// Whether the book is halted at `t_ns`.
    pub fn halted_at(&self, t_ns: u64) -> bool {
        self.halt.is_some_and(|(_, until)| t_ns < until)
    }

    /// Processes this step's requests (sorted, all arriving before `end_ns`) merged in time
    /// with the expiries due before `end_ns`. While the book is halted, arriving requests are
    /// held; at the reopening they are processed in arrival order, at the reopening time.
    pub fn run_step(
        &mut self,
        end_ns: u64,
        requests: &[OrderRequest],
        out: &mut StepOutcomes,
        stats: &mut RunStats,
    ) {
        // Expiries due this step, in (time, order id) order: a total, deterministic order.
        // Orders that come to rest and expire within this same step join a small heap.
        self.expiries.drain_step(&mut self.due_now);
        let mut next = 0;
        let id = self.id;
        for r in requests.iter().filter(|r| r.book == id) {
            while let Some((_, until)) = self.halt
                && until <= r.arrival_ns
            {
                self.expire_until(until, &mut next, stats);
                self.reopen(until, end_ns, out, stats);
            }
            self.expire_until(r.arrival_ns, &mut next, stats);
            if self.halt.is_some() {
                self.hold(r, r.arrival_ns, out, stats);
                continue;
            }
            self.process(r, r.arrival_ns, end_ns, out, stats);
        }
        while let Some((_, until)) = self.halt
            && until < end_ns
        {
            self.expire_until(until, &mut next, stats);
            self.reopen(until, end_ns, out, stats);
        }
        self.expire_until(u64::MAX, &mut next, stats);
        self.due_now.clear();
    }

    /// Expires, in time order, every due order with expiry time ≤ `t_ns`, merging the step's
    /// sorted expiries (from `next` on) with those queued during the step.
    fn expire_until(&mut self, t_ns: u64, next: &mut usize, stats: &mut RunStats) {
        loop {
            let listed = self.due_now.get(*next).copied();
            let queued = self.due_heap.peek().map(|r| r.0);
            let (due, from_list) = match (listed, queued) {
                (Some(a), Some(b)) if a <= b => (a, true),
                (_, Some(b)) => (b, false),
                (Some(a), None) => (a, true),
                (None, None) => return,
            };
            if due.0 > t_ns {
                return;
            }
            if from_list {
                *next += 1;
            } else {
                self.due_heap.pop();
            }
            self.expire(due.0, due.1, stats);
        }
    }

    /// Ends the halt at `t_ns` and processes the held requests in arrival order, at `t_ns`;
    /// if one of them halts the book again, the rest stay held.
    fn reopen(&mut self, t_ns: u64, end_ns: u64, out: &mut StepOutcomes, stats: &mut RunStats) {
        let (start, until) = self.halt.take().expect("halted");
        self.halted_ns += until - start;
        self.log_halt(t_ns, false);
        self.halt_events
            .push(self.halt_event(t_ns, EventKind::HaltEnd, None));
        let batch = std::mem::take(&mut self.held);
        for (i, r) in batch.iter().enumerate() {
            if self.halt.is_some() {
                self.held.extend_from_slice(&batch[i..]);
                break;
            }
            self.process(r, t_ns, end_ns, out, stats);
        }
        // keep the buffer's allocation for the next halt
        if self.held.is_empty() {
            let mut buffer = batch;
            buffer.clear();
            self.held = buffer;
        }
    }

    /// Holds `r` until the reopening, or, when the queue is full, rejects it (an order) or
    /// carries it out at once (a cancel): see the module docs.
    fn hold(&mut self, r: &OrderRequest, t_ns: u64, out: &mut StepOutcomes, stats: &mut RunStats) {
        let max = self.halt_rule.map_or(usize::MAX, |h| h.max_held_orders);
        if self.held.len() < max {
            self.held.push(*r);
            return;
        }
        match r.action {
            Action::Cancel { id } => self.cancel(r, id, t_ns, out, stats),
            Action::Limit { .. }
            | Action::ZiLimit { .. }
            | Action::Market { .. }
            | Action::Replace { .. } => {
                match r.action {
                    Action::Market { .. } => stats.market_orders += 1,
                    Action::Replace { id, .. } => {
                        // the cancel part is carried out, the new order is not
                        stats.cancels += 1;
                        if let Ok(c) = self.book.cancel(OwnerId(r.agent), id) {
                            self.risk.on_remove(r.agent, c.side, c.qty.0);
                            self.log_deletion(t_ns, &c);
                        }
                        stats.limit_orders += 1;
                    }
                    _ => stats.limit_orders += 1,
                }
                stats.rejections += 1;
                self.halt_rejected_orders += 1;
                acknowledge(r, None, 0, out);
            }
        }
    }

    /// A cancel request; a tagged one is acknowledged (`resting: None`) whether or not the
    /// order was still there.
    #[inline]
    fn cancel(
        &mut self,
        r: &OrderRequest,
        id: OrderId,
        t_ns: u64,
        out: &mut StepOutcomes,
        stats: &mut RunStats,
    ) {
        stats.cancels += 1;
        match self.book.cancel(OwnerId(r.agent), id) {
            Ok(c) => {
                self.risk.on_remove(r.agent, c.side, c.qty.0);
                self.log_deletion(t_ns, &c);
            }
            Err(_) => stats.rejections += 1,
        }
        acknowledge(r, None, 0, out);
    }

    fn halt_event(&self, t_ns: u64, kind: EventKind, moved: Option<i64>) -> EventRecord {
        EventRecord {
            t_ns,
            book: Some(self.id),
            agent: None,
            kind,
            from: None,
            to: None,
            trigger: Some("price_move"),
            value: moved.map(|m| m as f64),
            threshold: self.halt_rule.map(|h| h.move_ticks as f64),
            unit: ValueUnit::Plain,
        }
    }

    fn expire(&mut self, t_ns: u64, id: OrderId, stats: &mut RunStats) {
        if let Ok(c) = self.book.remove(id) {
            self.risk.on_remove(c.owner.0, c.side, c.qty.0);
            stats.expiries += 1;
            self.log_deletion(t_ns, &c);
        }
    }

    /// Journals a message, if the journal is kept.
    #[inline]
    fn log(&mut self, m: OrderMessage) {
        if let Some(j) = &mut self.journal {
            j.push(m);
        }
    }

    /// Journals the deletion of `c`.
    #[inline]
    fn log_deletion(&mut self, t_ns: u64, c: &Cancelled) {
        self.log(OrderMessage {
            t_ns,
            event: LobsterEvent::Deletion,
            order_id: c.id.0,
            qty_lots: c.qty.0,
            price_ticks: c.price.0,
            side: c.side,
        });
    }

    /// Journals a halt's start (price −1) or end (1).
    fn log_halt(&mut self, t_ns: u64, start: bool) {
        self.log(OrderMessage {
            t_ns,
            event: LobsterEvent::Halt,
            order_id: 0,
            qty_lots: 0,
            price_ticks: if start { -1 } else { 1 },
            side: Side::Buy,
        });
    }

    /// Processes `r` at `t_ns` (its arrival, or the reopening it was held for).
    fn process(
        &mut self,
        r: &OrderRequest,
        t_ns: u64,
        end_ns: u64,
        out: &mut StepOutcomes,
        stats: &mut RunStats,
    ) {
        let owner = OwnerId(r.agent);
        self.events.clear();
        let mid_x2_before = self.book.mid_x2_ticks();
        if let Some(b) = &mut self.bands {
            b.update(t_ns, self.last_trade);
        }
        let (result, side, lifetime) = match r.action {
            Action::Limit {
                side,
                price,
                qty,
                tif,
            } => {
                stats.limit_orders += 1;
                let (price, slid) = self.slide(side, price.0);
                let res = self.place(r.agent, side, Price(price), qty, tif);
                self.count_band(slid && res.is_some());
                (res, side, None)
            }
            Action::ZiLimit {
                side,
                offset_ticks,
                qty,
                lifetime_ns,
            } => {
                stats.limit_orders += 1;
                let off = i64::from(offset_ticks);
                let anchor = self.last_trade.unwrap_or(self.opening_ticks);
                let price = match side {
                    Side::Buy => self
                        .book
                        .best_ask()
                        .map_or(anchor, |p| p.0)
                        .saturating_sub(off),
                    Side::Sell => self
                        .book
                        .best_bid()
                        .map_or(anchor, |p| p.0)
                        .saturating_add(off),
                };
                let (price, slid) = self.slide(side, price);
                let res = self.place(r.agent, side, Price(price), qty, TimeInForce::Gtc);
                self.count_band(slid && res.is_some());
                (res, side, lifetime_ns)
            }
            Action::Market { side, qty } if self.bands.is_some() => {
                // within bands, a market order is an IOC limit at the band on its side
                stats.market_orders += 1;
                let limit = self.bands.as_ref().map_or(0, |b| b.market_limit(side));
                let res = self.place(r.agent, side, Price(limit), qty, TimeInForce::Ioc);
                // the band changed it if it stopped short of its full size
                self.count_band(res.is_some_and(|rep| rep.unfilled.0 > 0));
                (res, side, None)
            }
            Action::Market { side, qty } => {
                stats.market_orders += 1;
                let q = self.risk.allowed(r.agent, side, qty.0);
                let res = (q > 0)
                    .then(|| self.book.market(owner, side, Qty(q), &mut self.events).ok())
                    .flatten();
                (res, side, None)
            }
            Action::Cancel { id } => {
                self.cancel(r, id, t_ns, out, stats);
                return;
            }
            Action::Replace {
                id,
                price,
                qty,
                tif,
            } => {
                stats.cancels += 1;
                match self.book.cancel(owner, id) {
                    Ok(c) => {
                        self.risk.on_remove(r.agent, c.side, c.qty.0);
                        self.log_deletion(t_ns, &c);
                        stats.limit_orders += 1;
                        let (price, slid) = self.slide(c.side, price.0);
                        let q = Qty(qty.0.min(c.qty.0));
                        let res = self.place(r.agent, c.side, Price(price), q, tif);
                        self.count_band(slid && res.is_some());
                        (res, c.side, None)
                    }
                    // gone already: nothing enters (a rejection, acknowledged below)
                    Err(_) => (None, Side::Buy, None),
                }
            }
        };
        self.apply_events(t_ns, mid_x2_before, r.tag, out, stats);
        match result {
            Some(Report {
                id,
                rested,
                unfilled,
                ..
            }) => {
                stats.unfilled_lots += unfilled.0;
                if rested.0 > 0 {
                    self.risk.on_rest(r.agent, side, rested.0);
                    if self.journal.is_some()
                        && let Some(price) = self.book.order(id).map(|o| o.price)
                    {
                        self.log(OrderMessage {
                            t_ns,
                            event: LobsterEvent::Submission,
                            order_id: id.0,
                            qty_lots: rested.0,
                            price_ticks: price.0,
                            side,
                        });
                    }
                    if let Some(life) = lifetime {
                        let t = t_ns.saturating_add(life);
                        if t < end_ns {
                            self.due_heap.push(Reverse((t, id)));
                        } else {
                            self.expiries.push(t, id);
                        }
                    }
                }
                acknowledge(r, (rested.0 > 0).then_some(id), rested.0, out);
            }
            None => {
                stats.rejections += 1;
                acknowledge(r, None, 0, out);
            }
        }
    }

    /// `price_ticks` slid to the band on `side` if the book has bands and it lies beyond,
    /// and whether it was.
    fn slide(&self, side: Side, price_ticks: i64) -> (i64, bool) {
        match &self.bands {
            Some(b) => b.slide(side, price_ticks),
            None => (price_ticks, false),
        }
    }

    /// Counts an order the bands changed, if `changed`.
    fn count_band(&mut self, changed: bool) {
        if changed && let Some(b) = &mut self.bands {
            b.count();
        }
    }

    /// A limit order through the risk gate; `None` if refused (cut to nothing, priced below
    /// one tick, or rejected by the book). Fills are left in `self.events`.
    fn place(
        &mut self,
        agent: u32,
        side: Side,
        price: Price,
        qty: Qty,
        tif: TimeInForce,
    ) -> Option<Report> {
        let q = self.risk.allowed(agent, side, qty.0);
        if q == 0 || price.0 < 1 {
            return None;
        }
        self.book
            .limit(OwnerId(agent), side, price, Qty(q), tif, &mut self.events)
            .ok()
    }

    fn apply_events(
        &mut self,
        t_ns: u64,
        mid_x2_before: Option<i64>,
        taker_tag: u32,
        out: &mut StepOutcomes,
        stats: &mut RunStats,
    ) {
        let mut moved = 0;
        if let Some(j) = &mut self.journal {
            for ev in &self.events {
                j.push(match *ev {
                    Event::Fill(f) => OrderMessage {
                        t_ns,
                        event: LobsterEvent::Execution,
                        order_id: f.maker_id.0,
                        qty_lots: f.qty.0,
                        price_ticks: f.price.0,
                        side: f.aggressor.opposite(),
                    },
                    Event::SelfTradeCancel(c) => OrderMessage {
                        t_ns,
                        event: LobsterEvent::Deletion,
                        order_id: c.id.0,
                        qty_lots: c.qty.0,
                        price_ticks: c.price.0,
                        side: c.side,
                    },
                });
            }
        }
        for ev in &self.events {
            match *ev {
                Event::Fill(f) => {
                    if let Some(rule) = self.halt_rule {
                        moved = moved.max(self.moves.trade(t_ns, f.price.0, rule.window_ns));
                    }
                    self.risk
                        .on_fill(f.maker_owner.0, f.taker_owner.0, f.aggressor, f.qty.0);
                    self.last_trade = Some(f.price.0);
                    self.volume_since_sample += f.qty.0;
                    self.volume_lots += f.qty.0;
                    self.trades_since_sample += 1;
                    stats.trades += 1;
                    stats.volume_lots += f.qty.0;
                    out.trades.push(TradeEvent {
                        t_ns,
                        book: self.id,
                        price_ticks: f.price.0,
                        qty_lots: f.qty.0,
                        mid_x2_before,
                        aggressor: f.aggressor,
                        maker: f.maker_owner.0,
                        taker: f.taker_owner.0,
                        taker_tag,
                        maker_order: f.maker_id,
                        maker_done: f.maker_done,
                    });
                }
                Event::SelfTradeCancel(c) => {
                    self.risk.on_remove(c.owner.0, c.side, c.qty.0);
                    out.removed.push((c.owner.0, c.id));
                }
            }
        }
        // the order that moved the price that far completes; the book halts after it
        if let Some(rule) = self.halt_rule
            && moved >= rule.move_ticks
            && self.halt.is_none()
        {
            self.halt = Some((t_ns, t_ns.saturating_add(rule.pause_ns)));
            self.halts += 1;
            self.log_halt(t_ns, true);
            self.moves.clear();
            self.halt_events
                .push(self.halt_event(t_ns, EventKind::HaltStart, Some(moved)));
        }
    }
}

/// Answers `r` if its sender tagged it: the order's id if it rests, and the lots resting.
#[inline]
fn acknowledge(
    r: &OrderRequest,
    resting: Option<OrderId>,
    rested_lots: u64,
    out: &mut StepOutcomes,
) {
    if r.tag != NO_TAG {
        out.acks.push(Ack {
            agent: r.agent,
            tag: r.tag,
            resting,
            rested_lots,
        });
    }
}

/// The most requests [`sort_requests`] sorts by insertion.
const INSERTION_SORT_MAX: usize = 128;

/// Sorts requests by (arrival, sequence), a total order. They come partly sorted (each kind
/// sends in time order; only the kinds' batches, and the requests left from the step before,
/// interleave), where insertion sort does less work than the standard library's sorts
/// (measured with callgrind on the benchmark day: 1 % fewer instructions in all than the
/// unstable sort, whose partitioning treats the input as random, and than the stable sort,
/// whose merging copies every request); beyond [`INSERTION_SORT_MAX`] requests, where its
/// worst case (quadratic) would show, the standard sort it is.
fn sort_requests(requests: &mut [OrderRequest]) {
    let key = |r: &OrderRequest| (r.arrival_ns, r.seq);
    if requests.len() > INSERTION_SORT_MAX {
        requests.sort_unstable_by_key(key);
        return;
    }
    for i in 1..requests.len() {
        let k = key(&requests[i]);
        if key(&requests[i - 1]) <= k {
            continue;
        }
        let moving = requests[i];
        let mut j = i;
        while j > 0 && key(&requests[j - 1]) > k {
            requests[j] = requests[j - 1];
            j -= 1;
        }
        requests[j] = moving;
    }
}

/// Match phase: every book processes the requests that arrive before the step ends; then the
/// step's book statistics ([`accumulate_stats`]; in this system because a system costs its
/// dispatch and look-ups every step, and nothing later in the step changes a book).
#[allow(clippy::too_many_arguments)]
pub fn match_orders(
    clock: Res<Clock>,
    books: Res<BookIndex>,
    mut inbox: ResMut<Inbox>,
    mut exchanges: Query<&mut Exchange>,
    mut out: ResMut<StepOutcomes>,
    mut stats: ResMut<RunStats>,
    mut events: ResMut<EventLog>,
    band: Res<StatsBand>,
) {
    let end = clock.end_ns();
    let requests = &mut inbox.requests;
    sort_requests(requests);
    let due = requests.partition_point(|r| r.arrival_ns < end);
    for &entity in &books.0 {
        let mut ex = exchanges
            .get_mut(entity)
            .expect("book entity has an Exchange");
        ex.run_step(end, &requests[..due], &mut out, &mut stats);
        if !ex.halt_events.is_empty() {
            events.0.append(&mut ex.halt_events);
        }
    }
    requests.drain(..due);
    let books = books
        .0
        .iter()
        .map(|&e| exchanges.get(e).expect("book entity"));
    accumulate_stats(&mut stats, books, band.0, end);
}

#[cfg(test)]
mod tests;
