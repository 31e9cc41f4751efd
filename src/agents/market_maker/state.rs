//! A market maker's own components: its quotes as it knows them and its pending markouts.

use crate::lob::{OrderId, Side};
use crate::models::hedge::Parent;
use crate::models::quotes::{Ladder, Level};
use crate::models::vol::VolEstimator;
use crate::models::withdrawal::MakerState;
use crate::sim::resources::BookId;
use bevy_ecs::prelude::*;
use std::collections::VecDeque;

/// One of a market maker's own orders, as it knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveQuote {
    /// Its tag on the request (to match the exchange's acknowledgement).
    pub tag: u32,
    /// The book's id once acknowledged.
    pub id: Option<OrderId>,
    /// Side.
    pub side: Side,
    /// Price, ticks.
    pub price_ticks: i64,
    /// Remaining lots.
    pub qty_lots: u64,
}

/// A fill waiting to be scored against the mid `markout_horizon_s` later.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PendingMarkout {
    /// When to score it, ns.
    pub due_ns: u64,
    /// The maker's side.
    pub side: Side,
    /// Fill price, ticks.
    pub price_ticks: i64,
    /// Lots.
    pub qty_lots: u64,
}

/// A parent hedge being worked: the pure model's [`Parent`] plus what the maker tracks of
/// its child orders and fills for hedges.csv.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkingHedge {
    /// The schedule, the fills and the child's state, as the model sees them.
    pub parent: Parent,
    /// The venue.
    pub venue: BookId,
    /// Net delta at the decision, lots.
    pub net_delta_lots: i64,
    /// The venue's reference mid at the decision (the arrival mid), ticks.
    pub arrival_mid_ticks: f64,
    /// Tag of the latest request for the working child (its answer and its taker fills carry
    /// it).
    pub tag: u32,
    /// The working child's id once it rests.
    pub child_id: Option<OrderId>,
    /// The id it had before its latest replace (fills reported in the step of the replace
    /// may still name it).
    pub prev_child_id: Option<OrderId>,
    /// The price the latest request for the child was sent at, ticks (a passive child rests
    /// there).
    pub child_price_ticks: i64,
    /// Child orders sent (a replace counts as a new child).
    pub children: u32,
    /// Lots filled resting (provided liquidity).
    pub passive_lots: u64,
    /// Lots filled taking liquidity.
    pub aggressive_lots: u64,
    /// Σ price·qty over its fills, tick·lots.
    pub fill_value_tick_lots: i128,
    /// The latest arrival of one of its requests or fill, ns: its completion time once it
    /// is finished.
    pub last_event_ns: u64,
}

/// A market maker's private state.
#[derive(Component, Debug, Clone)]
pub struct MarketMaker {
    /// Its orders in the book (or on their way).
    pub quotes: Vec<LiveQuote>,
    /// Next request tag.
    pub next_tag: u32,
    /// Its estimate of the mid's volatility (ticks).
    pub vol: VolEstimator,
    /// Fills waiting for their markout, oldest first.
    pub pending_markouts: VecDeque<PendingMarkout>,
    /// Σ markout over scored fills, tick·lots (positive: the mid moved in the maker's favour).
    pub markout_tick_lots: f64,
    /// Lots scored.
    pub markout_lots: u64,
    /// Requotes sent (sides replaced).
    pub requotes: u64,
    /// Markout horizon, ns.
    pub markout_horizon_ns: u64,
    /// Reused buffer for the target ladder (no allocation per look).
    pub target: Ladder,
    /// Reused buffer for one side's current quotes.
    pub scratch: Vec<Level>,
    /// The book it quotes (its markouts are scored against that book's reference price).
    pub book: BookId,
    /// The hedge it is working, if any.
    pub hedge: Option<WorkingHedge>,
    /// Time of its last hedge decision, ns.
    pub last_hedge_ns: Option<u64>,
    /// Its PnL's attribution and hedging statistics.
    pub ledger: Ledger,
    /// Its withdrawal state and the signals that drive it.
    pub risk: RiskState,
}

/// A maker's withdrawal state and its running risk signals. Without a withdrawal rule the
/// state stays Quoting; the signals are kept either way (they are cheap).
#[derive(Debug, Clone, PartialEq)]
pub struct RiskState {
    /// Where it stands.
    pub state: MakerState,
    /// When it entered that state, ns.
    pub entered_ns: u64,
    /// Time spent withdrawn before the current stay, ns.
    pub withdrawn_ns: u64,
    /// Its trailing volatility baseline (a slow estimate of the same mid).
    pub baseline: VolEstimator,
    /// Minus its recent mean markout, ticks per lot (an average over fills).
    pub toxicity_ticks: f64,
    /// Weight of one scored fill in `toxicity_ticks`.
    pub toxicity_weight: f64,
    /// Unfilled share of its recent hedges.
    pub hedge_failure: f64,
    /// Weight of one finished hedge in `hedge_failure`.
    pub hedge_weight: f64,
    /// Highest PnL seen at a look, ticks·lots.
    pub peak_pnl_tick_lots: f64,
    /// Half-life of the fading of toxicity and hedge failure, seconds.
    pub signal_halflife_s: f64,
    /// Time of the last fading, ns.
    pub faded_ns: u64,
    /// Withdrawals by the trigger that fired, by [`Trigger::index`](crate::models::withdrawal::Trigger::index)
    /// (the cooldown never withdraws).
    pub withdrawals_by_trigger: [u64; 7],
}

impl RiskState {
    /// Quoting from time 0, with a baseline estimator and the two averaging weights.
    pub fn new(
        baseline: VolEstimator,
        toxicity_fills: u32,
        hedge_failure_hedges: u32,
        signal_halflife_s: f64,
    ) -> Self {
        RiskState {
            state: MakerState::Quoting,
            entered_ns: 0,
            withdrawn_ns: 0,
            baseline,
            toxicity_ticks: 0.0,
            toxicity_weight: 1.0 / f64::from(toxicity_fills.max(1)),
            hedge_failure: 0.0,
            hedge_weight: 1.0 / f64::from(hedge_failure_hedges.max(1)),
            peak_pnl_tick_lots: 0.0,
            withdrawals_by_trigger: [0; 7],
            signal_halflife_s,
            faded_ns: 0,
        }
    }

    /// Fades toxicity and hedge failure toward 0 for the time since the last fading.
    pub fn fade(&mut self, now_ns: u64) {
        let dt_s = now_ns.saturating_sub(self.faded_ns) as f64 * 1e-9;
        self.faded_ns = now_ns;
        let keep = libm::exp2(-dt_s / self.signal_halflife_s);
        self.toxicity_ticks *= keep;
        self.hedge_failure *= keep;
    }

    /// Time withdrawn up to `now_ns`, ns.
    pub fn withdrawn_ns(&self, now_ns: u64) -> u64 {
        self.withdrawn_ns
            + if self.state == MakerState::Withdrawn {
                now_ns.saturating_sub(self.entered_ns)
            } else {
                0
            }
    }
}

/// How a maker's underlying PnL arose, and what its hedges did. Money in half-ticks·lots,
/// exactly (every reference mid is a multiple of half a tick). With `m` a reference mid and
/// `s` the maker's side (+1 buy, −1 sell), every fill of `q` lots at `p` adds `s·(m − p)·q` to
/// spread capture (a quote's fill, `m` the book's mid just before the order that hit it; the
/// fill price when a side was empty) or to hedging (a hedge's fill, `m` the venue's mid at
/// the decision), and `s·q·m` to `entry_x2`. So cash = spread + hedging − entry, and the
/// inventory revaluation Σ position·mid − entry completes the three parts to
/// cash + Σ position·mid, with no rounding anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ledger {
    /// Σ s·(m − p)·q over quote fills, half-ticks·lots.
    pub spread_x2: i128,
    /// Σ s·(m − p)·q over hedge fills (minus the hedges' slippage cost), half-ticks·lots.
    pub hedging_x2: i128,
    /// Σ s·q·m over every fill, half-ticks·lots.
    pub entry_x2: i128,
    /// Hedges finished.
    pub hedges: u64,
    /// Hedges that filled less than they wanted (partly or not at all).
    pub hedges_failed: u64,
    /// Lots the hedges filled.
    pub hedge_lots: u64,
    /// Lots the hedges wanted and did not get.
    pub hedge_unfilled_lots: u64,
}

impl Ledger {
    /// Books a fill of `qty_lots` at `price_ticks` on side `side_sign` (+1 buy, −1 sell)
    /// against the reference mid `mid_x2` (twice the mid, ticks): a hedge's (its decision
    /// mid) or a quote's (the mid before the order that hit it; `None` if a side was empty:
    /// the fill price).
    #[inline]
    pub fn fill(
        &mut self,
        side_sign: i64,
        price_ticks: i64,
        qty_lots: u64,
        mid_x2: Option<i64>,
        hedge: bool,
    ) {
        let p2 = 2 * i128::from(price_ticks);
        let m2 = mid_x2.map_or(p2, i128::from);
        let sq = i128::from(side_sign) * i128::from(qty_lots);
        let edge = sq * (m2 - p2);
        if hedge {
            self.hedging_x2 += edge;
        } else {
            self.spread_x2 += edge;
        }
        self.entry_x2 += sq * m2;
    }

    /// Inventory revaluation at the given positions and marks (lots, twice the mid in
    /// ticks, per book), half-ticks·lots.
    pub fn inventory_x2(&self, positions: impl IntoIterator<Item = (i64, i64)>) -> i128 {
        positions
            .into_iter()
            .map(|(lots, mark_x2)| i128::from(lots) * i128::from(mark_x2))
            .sum::<i128>()
            - self.entry_x2
    }
}

impl MarketMaker {
    /// A maker with no quotes and a prior volatility.
    pub fn new(vol: VolEstimator, markout_horizon_ns: u64, book: BookId) -> Self {
        MarketMaker {
            quotes: Vec::new(),
            next_tag: 0,
            vol,
            pending_markouts: VecDeque::new(),
            markout_tick_lots: 0.0,
            markout_lots: 0,
            requotes: 0,
            markout_horizon_ns,
            target: Ladder::default(),
            scratch: Vec::new(),
            book,
            hedge: None,
            last_hedge_ns: None,
            ledger: Ledger::default(),
            risk: RiskState::new(VolEstimator::new(300.0, 0.0, 1.0), 20, 5, 60.0),
        }
    }

    /// Books a fill that is not a hedge's, on its `side` of trade `t`: spread capture against
    /// the mid before the trade, and a markout due one horizon later.
    pub fn book_quote_fill(&mut self, side: Side, t: &crate::sim::resources::TradeEvent) {
        self.ledger.fill(
            side.sign(),
            t.price_ticks,
            t.qty_lots,
            t.mid_x2_before,
            false,
        );
        self.pending_markouts.push_back(PendingMarkout {
            due_ns: t.t_ns.saturating_add(self.markout_horizon_ns),
            side,
            price_ticks: t.price_ticks,
            qty_lots: t.qty_lots,
        });
    }

    /// "both", "bid_only", "ask_only" or "none": which sides it has orders on.
    pub fn quoting_state(&self) -> &'static str {
        let bid = self.quotes.iter().any(|q| q.side == Side::Buy);
        let ask = self.quotes.iter().any(|q| q.side == Side::Sell);
        match (bid, ask) {
            (true, true) => "both",
            (true, false) => "bid_only",
            (false, true) => "ask_only",
            (false, false) => "none",
        }
    }
}
