//! World-wide resources every kind shares: the clock, the order inbox, per-step outcomes, the
//! books and their published views, agendas and the agent directory.

use super::calendar::{Calendar, Timed};
use super::components::AgentKind;
use crate::lob::{OrderId, Price, Qty, Side, TimeInForce};
use bevy_ecs::prelude::*;
use std::marker::PhantomData;

/// Index of a book (an exchange entity), in scenario order; requests name theirs.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct BookId(pub u16);

/// Simulation time. Step `step` covers `[start_ns, end_ns)`.
#[derive(Resource, Debug, Clone, Copy)]
pub struct Clock {
    /// The current step.
    pub step: u64,
    /// The step to run next.
    pub next_step: u64,
    /// Step length, ns.
    pub dt_ns: u64,
}

impl Clock {
    /// Start of the current step, ns.
    pub fn start_ns(&self) -> u64 {
        self.step * self.dt_ns
    }
    /// End of the current step (exclusive), ns.
    pub fn end_ns(&self) -> u64 {
        (self.step + 1) * self.dt_ns
    }
    /// Start of the current step, seconds.
    pub fn start_s(&self) -> f64 {
        self.start_ns() as f64 / 1e9
    }
    /// End of the current step, seconds.
    pub fn end_s(&self) -> f64 {
        self.end_ns() as f64 / 1e9
    }
}

/// Moves the clock to the next step and clears the previous step's outcomes: the first
/// system of every step.
pub fn begin_step(
    mut clock: ResMut<Clock>,
    mut out: ResMut<StepOutcomes>,
    mut events: ResMut<super::events::EventLog>,
) {
    start_step(&mut clock, &mut out, &mut events);
}

/// What [`begin_step`] does, on plain references.
pub fn start_step(clock: &mut Clock, out: &mut StepOutcomes, events: &mut super::events::EventLog) {
    clock.step = clock.next_step;
    clock.next_step += 1;
    out.trades.clear();
    out.acks.clear();
    out.removed.clear();
    events.0.clear();
}

/// What an order request asks the exchange to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A limit order at a fixed price.
    Limit {
        /// Side.
        side: Side,
        /// Price, ticks.
        price: Price,
        /// Lots.
        qty: Qty,
        /// Time in force.
        tif: TimeInForce,
    },
    /// A zero-intelligence limit order whose price is set on arrival: `offset_ticks` (≥ 1)
    /// beyond the opposite best quote, so it never crosses. If the opposite side is empty, the
    /// offset is taken from the last trade price (or the opening price). The exchange expires
    /// it `lifetime_ns` after it comes to rest, if given.
    ZiLimit {
        /// Side.
        side: Side,
        /// Distance from the opposite best quote, ticks.
        offset_ticks: u32,
        /// Lots.
        qty: Qty,
        /// Time it may rest before the exchange cancels it, ns.
        lifetime_ns: Option<u64>,
    },
    /// A market order.
    Market {
        /// Side.
        side: Side,
        /// Lots.
        qty: Qty,
    },
    /// Cancel a resting order. A tagged cancel is acknowledged (`resting: None`) whether
    /// or not the order was still there: by then every fill it had is reported.
    Cancel {
        /// The order.
        id: OrderId,
    },
    /// Cancel/replace, as exchanges offer it: the resting order `id` is cancelled and a new
    /// limit order on its side enters at `price` with `tif`, for `qty` or the cancelled
    /// order's remaining quantity if that is smaller (so a replace never trades more than the
    /// original order had left). If `id` is no longer resting (filled, cancelled), nothing
    /// enters and the request is rejected. The new order has a new id and loses the old one's
    /// queue position.
    Replace {
        /// The resting order to replace.
        id: OrderId,
        /// The new order's price, ticks.
        price: Price,
        /// The new order's largest size, lots.
        qty: Qty,
        /// The new order's time in force.
        tif: TimeInForce,
    },
}

/// Tag of a request whose sender wants no acknowledgement.
pub const NO_TAG: u32 = u32::MAX;

/// One order instruction on its way to the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderRequest {
    /// When it reaches the exchange, ns.
    pub arrival_ns: u64,
    /// Global emission sequence: breaks ties between equal arrival times.
    pub seq: u64,
    /// The book it goes to.
    pub book: BookId,
    /// The sender.
    pub agent: u32,
    /// The sender's tag, echoed in the acknowledgement ([`NO_TAG`]: none wanted).
    pub tag: u32,
    /// What to do.
    pub action: Action,
}

/// Requests sent and not yet processed. Decide systems push; the exchange drains those that
/// arrive before the end of the current step, in (arrival, sequence) order.
#[derive(Resource, Debug, Default)]
pub struct Inbox {
    /// The queued requests (unsorted until the exchange sorts them).
    pub requests: Vec<OrderRequest>,
    next_seq: u64,
}

impl Inbox {
    /// Queues a request, stamping it with the next sequence number.
    #[inline]
    pub fn push(&mut self, arrival_ns: u64, book: BookId, agent: u32, tag: u32, action: Action) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.requests.push(OrderRequest {
            arrival_ns,
            seq,
            book,
            agent,
            tag,
            action,
        });
    }
}

/// A trade, as the exchange reports it to settlement and the recorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradeEvent {
    /// Time, ns.
    pub t_ns: u64,
    /// Book.
    pub book: BookId,
    /// Price, ticks.
    pub price_ticks: i64,
    /// Lots.
    pub qty_lots: u64,
    /// Twice the mid, ticks, just before the aggressive order arrived (`None`: a side was empty).
    pub mid_x2_before: Option<i64>,
    /// The taker's side.
    pub aggressor: Side,
    /// Resting side's agent.
    pub maker: u32,
    /// Arriving side's agent.
    pub taker: u32,
    /// The arriving request's tag ([`NO_TAG`] if its sender wanted none): tells a sender
    /// which of its orders took liquidity.
    pub taker_tag: u32,
    /// The resting order.
    pub maker_order: OrderId,
    /// Whether the resting order is finished.
    pub maker_done: bool,
}

/// The exchange's answer to a tagged request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack {
    /// The sender.
    pub agent: u32,
    /// Its tag.
    pub tag: u32,
    /// The order id, if it rests.
    pub resting: Option<OrderId>,
    /// Lots resting.
    pub rested_lots: u64,
}

/// Everything the exchange produced in the current step; cleared at the step's start.
#[derive(Resource, Debug, Default)]
pub struct StepOutcomes {
    /// Trades, in the order they happened.
    pub trades: Vec<TradeEvent>,
    /// Acknowledgements of tagged requests.
    pub acks: Vec<Ack>,
    /// Resting orders removed without their owner asking (self-trade prevention): (agent, id).
    pub removed: Vec<(u32, OrderId)>,
}

/// What every agent can see of one book: its state at the end of the previous step.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MarketView {
    /// Best bid, ticks.
    pub best_bid: Option<i64>,
    /// Best ask, ticks.
    pub best_ask: Option<i64>,
    /// Reference price, ticks: the mid when both sides are quoted, else the last trade, else
    /// the opening price.
    pub ref_ticks: f64,
    /// Last trade price, ticks.
    pub last_trade: Option<i64>,
    /// Public realised volatility of the reference price, ticks per √s.
    pub vol_ticks_per_sqrt_s: f64,
    /// Lots traded in the book since the open.
    pub volume_lots: u64,
    /// Whether the book is halted.
    pub halted: bool,
}

/// The book entities (each carries an [`Exchange`](crate::market::exchange::Exchange)), by
/// [`BookId`].
#[derive(Resource, Debug, Default)]
pub struct BookIndex(pub Vec<Entity>);

/// The published views, indexed by [`BookId`].
#[derive(Resource, Debug, Default)]
pub struct MarketViews(pub Vec<MarketView>);

/// Entities by [`AgentId`](super::components::AgentId).
#[derive(Resource, Debug, Default)]
pub struct AgentIndex(pub Vec<Entity>);

/// Output labels of every agent, by id: kind and group name.
#[derive(Resource, Debug, Default)]
pub struct AgentDirectory(pub Vec<(AgentKind, String)>);

/// Wheel size of the agendas, in steps (items further out wait in an overflow heap). Most
/// wake-ups are a few steps ahead; a small wheel keeps the buckets they land in warm in the
/// cache (64 against 4,096: the benchmark day about 4 % faster). The order of wake-ups does
/// not depend on it.
pub const AGENDA_STEPS: usize = 64;

/// A time-ordered agenda of agent wake-ups, one per agent kind (`K` is a marker).
#[derive(Resource, Debug)]
pub struct Agenda<K: Send + Sync + 'static> {
    /// The wake-ups.
    pub calendar: Calendar<(u32, Entity)>,
    /// Scratch buffer for the current step's wake-ups.
    pub due: Vec<Timed<(u32, Entity)>>,
    _kind: PhantomData<K>,
}

impl<K: Send + Sync + 'static> Agenda<K> {
    /// An agenda with buckets of one step.
    pub fn new(dt_ns: u64, horizon_steps: usize) -> Self {
        Agenda {
            calendar: Calendar::new(dt_ns, horizon_steps),
            due: Vec::new(),
            _kind: PhantomData,
        }
    }

    /// Lets every agent due this step act: agents are taken in the order of their first
    /// wake-up in the step (time, then insertion), and `act(id, entity, t)` runs at each of
    /// that agent's wake-up times `t` before `end_ns`, returning the next (at least `t + 1`
    /// ns); the first one at or after `end_ns` is queued. (Requests carry their own arrival
    /// times, which the exchange sorts by.)
    pub fn run_due(&mut self, end_ns: u64, mut act: impl FnMut(u32, Entity, u64) -> u64) {
        self.calendar.drain_step(&mut self.due);
        for wake in &self.due {
            let (id, entity) = wake.item;
            let mut t = wake.time_ns;
            loop {
                t = act(id, entity, t).max(t.saturating_add(1));
                if t >= end_ns {
                    self.calendar.push(t, (id, entity));
                    break;
                }
            }
        }
    }
}

/// Counters and running sums for summary.csv.
#[derive(Resource, Debug, Default, Clone)]
pub struct RunStats {
    /// Limit orders received (fixed-price and zero-intelligence).
    pub limit_orders: u64,
    /// Market orders received.
    pub market_orders: u64,
    /// Cancel requests received.
    pub cancels: u64,
    /// Orders expired by the exchange (zero-intelligence cancellations).
    pub expiries: u64,
    /// Requests rejected (unknown order, post-only cross, risk limit, …).
    pub rejections: u64,
    /// Trades.
    pub trades: u64,
    /// Lots traded.
    pub volume_lots: u64,
    /// Lots of accepted orders neither filled nor rested: market and IOC remainders (a market
    /// order meeting an empty side), and remainders dropped by the self-trade policy.
    pub unfilled_lots: u64,
    /// Steps observed.
    pub steps: u64,
    /// Book-steps (a step of one book) with both sides quoted.
    pub two_sided_steps: u64,
    /// Σ spread over two-sided book-steps, ticks.
    pub spread_sum_ticks: f64,
    /// Σ bid depth within the first band over book-steps, lots.
    pub depth_bid_sum_lots: f64,
    /// Σ ask depth within the first band over book-steps, lots.
    pub depth_ask_sum_lots: f64,
    /// Per book: whether it has ended a step with both sides quoted (its building at the
    /// open is over).
    pub formed: Vec<bool>,
    /// Book-steps of formed books that ended with a side empty.
    pub one_sided_steps: u64,
    /// The end of the first such step, ns.
    pub first_one_sided_ns: Option<u64>,
}
