//! Row types of the CSV files. For the fixed-column files the header is the struct's field
//! names; book.csv's columns depend on the configured depth bands and are listed once, in
//! [`book_header`], next to the code that writes them.

use super::columns::{ColType, Column};
use serde::{Deserialize, Serialize};

crate::row_struct! {
/// A row of trades.csv: one trade.
#[derive(Debug, Serialize)]
pub struct TradeRow<'a> {
    /// Time of the trade, seconds from the open.
    pub t_s: f64,
    /// The book's name.
    pub book: &'a str,
    /// Trade price, currency.
    pub price: f64,
    /// Quantity, lots.
    pub qty_lots: u64,
    /// The side that took liquidity: "buy" or "sell".
    pub aggressor: &'static str,
    /// Mid of the book just before the aggressive order arrived, currency (empty when a side
    /// was empty): `(price - mid) * sign` is the trade's half effective spread.
    pub mid_before: Option<f64>,
    /// The fundamental value in the step of the trade (its value at the step's start, what
    /// informed traders observed), currency.
    pub fundamental: f64,
    /// Buyer's agent id.
    pub buyer_id: u32,
    /// Buyer's kind: "noise", "informed" or "market_maker".
    pub buyer_kind: &'static str,
    /// Buyer's group name.
    pub buyer_group: &'a str,
    /// Seller's agent id.
    pub seller_id: u32,
    /// Seller's kind.
    pub seller_kind: &'static str,
    /// Seller's group name.
    pub seller_group: &'a str,
}
}

crate::row_struct! {
/// A row of quotes.csv: what a market maker wanted when it replaced quotes (one row per look
/// at which it replaced at least one side).
#[derive(Debug, Serialize)]
pub struct QuoteRow<'a> {
    /// Time of the look, seconds from the open.
    pub t_s: f64,
    /// The book's name.
    pub book: &'a str,
    /// The maker's agent id.
    pub agent_id: u32,
    /// Its group name.
    pub group: &'a str,
    /// The reference mid it saw (end of the previous step), currency.
    pub mid: f64,
    /// The model's centre: the Avellaneda–Stoikov reservation price, or the mid shifted by the
    /// fixed strategy's inventory skew, currency.
    pub reservation_price: f64,
    /// The model's half-spread before rounding, ticks.
    pub half_spread_ticks: f64,
    /// The maker's variance estimate σ² used by the model, ticks² per second.
    pub sigma2_ticks2_per_s: f64,
    /// Its inventory when it looked, lots.
    pub inventory_lots: i64,
    /// Target best bid after rounding, currency (empty: no bid, inventory at its limit).
    pub target_bid: Option<f64>,
    /// Target best ask after rounding, currency (empty: no ask).
    pub target_ask: Option<f64>,
    /// Lots wanted on the bid side, all levels together.
    pub bid_lots: u64,
    /// Lots wanted on the ask side, all levels together.
    pub ask_lots: u64,
    /// Which sides were replaced: "bid", "ask" or "both".
    pub requoted: &'static str,
}
}

crate::row_struct! {
/// A row of hedges.csv: one market-maker hedge, once finished (its acknowledgement seen).
#[derive(Debug, Serialize)]
pub struct HedgeRow<'a> {
    /// Time of the hedge decision, seconds from the open.
    pub t_s: f64,
    /// The maker's agent id.
    pub agent_id: u32,
    /// Its group name.
    pub group: &'a str,
    /// The venue's (the hedge's book's) name.
    pub venue: &'a str,
    /// The group's hedge style: market, ioc, passive or sliced.
    pub style: &'a str,
    /// The maker's net delta at the decision, lots of the underlying (before the hedge).
    pub net_delta_lots: i64,
    /// Lots the hedge asked for, signed (positive: buy).
    pub wanted_lots: i64,
    /// Lots it got, signed like `wanted_lots`.
    pub filled_lots: i64,
    /// Of the filled lots, those filled resting in the book (providing liquidity), ≥ 0.
    pub passive_lots: u64,
    /// Of the filled lots, those filled taking liquidity, ≥ 0.
    pub aggressive_lots: u64,
    /// Child orders sent for it (a cancel/replace counts as one).
    pub children: u32,
    /// Seconds from the decision to the end of the hedge: its last order's arrival or its
    /// last fill, whichever is later.
    pub time_to_complete_s: f64,
    /// Average price of its fills, currency (empty: nothing filled).
    pub avg_fill_price: Option<f64>,
    /// The venue's reference mid at the decision (the arrival mid: what the maker saw),
    /// currency.
    pub decision_mid: f64,
    /// Average fill price minus the arrival mid, ticks, signed so that positive is a cost
    /// (bought above or sold below the mid; a passive fill inside the mid is negative); empty
    /// when nothing filled.
    pub slippage_ticks: Option<f64>,
    /// The same cost in currency per lot of the hedge filled: `slippage_ticks` × tick size ×
    /// lot size (empty when nothing filled).
    pub slippage: Option<f64>,
    /// Lots wanted and not filled, signed like `wanted_lots` (0: filled in full).
    pub unfilled_lots: i64,
}
}

crate::row_struct! {
/// A row of agents.csv: one agent at one sampling time.
#[derive(Debug, Serialize)]
pub struct AgentRow<'a> {
    /// Sampling time, seconds from the open.
    pub t_s: f64,
    /// Agent id.
    pub agent_id: u32,
    /// "noise", "informed" or "market_maker".
    pub kind: &'static str,
    /// Group name.
    pub group: &'a str,
    /// Position, lots (positive long).
    pub inventory_lots: i64,
    /// Cash, currency.
    pub cash: f64,
    /// Mark-to-market PnL, currency: cash plus inventory at the reference price (a market
    /// maker: its position in every book at that book's reference price, plus its option
    /// cash and the live options' value, unrounded, the sum of its `pnl_*` parts).
    pub pnl: f64,
    /// Lots traded so far.
    pub volume_lots: u64,
    /// Fills so far.
    pub fills: u64,
    /// Market makers: which sides they have orders on ("both", "bid_only", "ask_only", "none");
    /// empty for other kinds.
    pub quoting: &'static str,
    /// Market makers: mean markout per lot of scored fills so far, currency (positive: the mid
    /// moved their way after they traded); empty for other kinds or before any fill is scored.
    pub markout_per_lot: Option<f64>,
    /// Market makers: net delta, lots of the underlying: inventory plus `option_delta_lots`
    /// (what its hedging trades back toward the target, rounded to a lot).
    pub net_delta_lots: Option<f64>,
    /// Market makers: the options' delta, lots of the underlying (0 without options).
    pub option_delta_lots: Option<f64>,
    /// Market makers: the options' gamma, lots of delta per tick of the underlying.
    pub option_gamma_lots_per_tick: Option<f64>,
    /// Market makers: the options' vega, currency per 1.0 of volatility per √s (per 0.0001:
    /// divide by 10 000).
    pub option_vega: Option<f64>,
    /// Market makers: the options' theta, currency per second.
    pub option_theta_per_s: Option<f64>,
    /// Market makers: the live options' Black–Scholes value, currency (negative: short).
    pub option_value: Option<f64>,
    /// Market makers: hedges finished so far.
    pub hedges: Option<u64>,
    /// Market makers: lots their hedges filled so far.
    pub hedge_lots: Option<u64>,
    /// Market makers: the hedges' slippage cost so far, currency (−`pnl_hedging`).
    pub hedge_slippage: Option<f64>,
    /// Market makers, PnL part: spread capture, currency: Σ over quote fills of the fill's
    /// edge over the mid just before it.
    pub pnl_spread: Option<f64>,
    /// Market makers, PnL part: inventory revaluation, currency: the position's value at the
    /// reference prices now minus its value at the mids it was acquired against.
    pub pnl_inventory: Option<f64>,
    /// Market makers, PnL part: hedging, currency: Σ over hedge fills of the fill against
    /// the venue's mid at the decision (≤ 0 when hedges pay to trade).
    pub pnl_hedging: Option<f64>,
    /// Market makers, PnL part: option premium against fair value at each trade, currency.
    pub pnl_option_premium: Option<f64>,
    /// Market makers, PnL part: option revaluation, currency: the live options' value now
    /// minus the fair values of every option trade when made.
    pub pnl_option_revaluation: Option<f64>,
    /// Market makers, PnL part: cash settled at expiries, currency.
    pub pnl_settlement: Option<f64>,
    /// Market makers: withdrawal state ("quoting", "widened", "withdrawn", "cooldown").
    pub state: &'static str,
    /// Market makers: seconds in that state.
    pub time_in_state_s: Option<f64>,
    /// Market makers: seconds spent withdrawn since the open.
    pub withdrawn_s: Option<f64>,
}
}

crate::row_struct! {
/// A row of options.csv: one change of a dealer's option position.
#[derive(Debug, Serialize)]
pub struct OptionRow<'a> {
    /// Time, seconds from the open.
    pub t_s: f64,
    /// The maker's agent id.
    pub agent_id: u32,
    /// Its group name.
    pub group: &'a str,
    /// The book the option is written on.
    pub book: &'a str,
    /// "open" (held from the open), "client" (a client trade) or "expiry" (settled and
    /// removed).
    pub event: &'static str,
    /// "call" or "put".
    pub kind: &'static str,
    /// Strike, currency.
    pub strike: f64,
    /// Expiry, seconds from the open.
    pub expiry_s: f64,
    /// Contracts the maker acquired, signed (positive: bought; an expiry: minus the line's
    /// contracts, as it leaves the book).
    pub contracts: i64,
    /// Lots of the underlying per contract.
    pub multiplier_lots: u64,
    /// Price per unit of the underlying, currency (an expiry: the intrinsic value).
    pub price: f64,
    /// The maker's fair value per unit then, currency.
    pub fair_value: f64,
    /// Volatility the price was computed at, per √s (empty at an expiry).
    pub vol_per_sqrt_s: Option<f64>,
    /// The book's reference mid, currency.
    pub mid: f64,
    /// Cash to the maker, currency: −contracts × multiplier × price (× lot size).
    pub cash: f64,
}
}

crate::row_struct! {
/// A row of l2.csv: one price level at one sampling time.
#[derive(Debug, Serialize)]
pub struct L2Row<'a> {
    /// Sampling time, seconds from the open.
    pub t_s: f64,
    /// The book's name.
    pub book: &'a str,
    /// "bid" or "ask".
    pub side: &'static str,
    /// 1 = best.
    pub level: u32,
    /// Price, currency.
    pub price: f64,
    /// Resting lots at this price.
    pub qty_lots: u64,
    /// Resting orders at this price.
    pub orders: u32,
}
}

crate::row_struct! {
/// summary.csv: one row per run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SummaryRow {
    /// Scenario name.
    pub scenario: String,
    /// Master seed.
    pub seed: u64,
    /// Simulated seconds.
    pub duration_s: f64,
    /// Step length, seconds.
    pub dt_s: f64,
    /// Steps run.
    pub steps: u64,
    /// Agents.
    pub agents: u64,
    /// Order instructions: limit + market + cancel requests + exchange expiries.
    pub order_instructions: u64,
    /// Limit orders received.
    pub limit_orders: u64,
    /// Market orders received.
    pub market_orders: u64,
    /// Cancel requests received.
    pub cancels: u64,
    /// Orders expired by the exchange (zero-intelligence cancellations).
    pub expiries: u64,
    /// Requests rejected: cancels of finished orders, post-only orders that would cross, orders
    /// cut to nothing by the risk gate, prices below one tick or outside the book's span.
    pub rejections: u64,
    /// Trades.
    pub trades: u64,
    /// Lots traded.
    pub volume_lots: u64,
    /// Lots of accepted orders neither filled nor rested (market and IOC remainders, e.g. a
    /// market order meeting an empty side).
    pub unfilled_lots: u64,
    /// Mean bid-ask spread over two-sided steps, ticks.
    pub mean_spread_ticks: Option<f64>,
    /// Fraction of steps with both sides quoted.
    pub two_sided_fraction: f64,
    /// Seconds, summed over books, during which a book that had already been two-sided had
    /// a side empty at the end of a step (0: no side ever emptied once the book had formed).
    pub one_sided_s: f64,
    /// When a side of a formed book first emptied, seconds from the open (empty: never).
    pub first_one_sided_s: Option<f64>,
    /// The band (ticks from the mid) of the two depth means.
    pub depth_band_ticks: u32,
    /// Mean bid depth within the band over steps, lots.
    pub mean_depth_bid_lots: f64,
    /// Mean ask depth within the band over steps, lots.
    pub mean_depth_ask_lots: f64,
    /// Reference price at the end, currency.
    pub final_price: f64,
    /// Fundamental value at the end, currency.
    pub final_fundamental: f64,
    /// Σ PnL of market makers at the end, currency.
    pub pnl_market_makers: f64,
    /// Σ PnL of informed traders, currency.
    pub pnl_informed: f64,
    /// Σ PnL of noise traders, currency.
    pub pnl_noise: f64,
    /// Market makers' mean markout per scored lot, currency.
    pub mm_markout_per_lot: Option<f64>,
    /// Σ over market makers of their PnL part spread capture, currency (the six `pnl_mm_*`
    /// parts add up to `pnl_market_makers`; see agents.csv).
    pub pnl_mm_spread: f64,
    /// Σ of the makers' inventory revaluation, currency.
    pub pnl_mm_inventory: f64,
    /// Σ of the makers' hedging part (minus the hedges' slippage cost), currency.
    pub pnl_mm_hedging: f64,
    /// Σ of the makers' option premium against fair value, currency.
    pub pnl_mm_option_premium: f64,
    /// Σ of the makers' option revaluation, currency.
    pub pnl_mm_option_revaluation: f64,
    /// Σ of the makers' option settlements, currency.
    pub pnl_mm_settlement: f64,
    /// Hedges the makers finished.
    pub hedges: u64,
    /// Hedges that filled less than they wanted (partly or not at all).
    pub hedges_failed: u64,
    /// Lots the hedges filled.
    pub hedge_lots: u64,
    /// Lots the hedges wanted and did not get.
    pub hedge_unfilled_lots: u64,
    /// Mean slippage of hedge fills against the decision mid, ticks per lot filled (positive:
    /// a cost); empty when no hedge filled.
    pub hedge_mean_slippage_ticks: Option<f64>,
    /// Makers' withdrawals fired by their loss limit.
    pub withdrawals_loss: u64,
    /// Withdrawals fired by inventory utilisation.
    pub withdrawals_inventory: u64,
    /// Withdrawals fired by hedge failure.
    pub withdrawals_hedge_failure: u64,
    /// Withdrawals fired by drawdown.
    pub withdrawals_drawdown: u64,
    /// Withdrawals fired by toxicity.
    pub withdrawals_toxicity: u64,
    /// Withdrawals fired by volatility.
    pub withdrawals_volatility: u64,
    /// Mean over market makers of the fraction of the run they spent withdrawn (empty
    /// without makers).
    pub mm_withdrawn_fraction: Option<f64>,
    /// Halts, every book.
    pub halts: u64,
    /// Time spent halted, seconds, summed over books.
    pub halted_s: f64,
    /// Orders rejected because a halted book's queue of held requests was full
    /// (`max_held_orders`), summed over books.
    pub halt_rejected_orders: u64,
    /// Programs' total quantity, lots (0: no program).
    pub program_lots: u64,
    /// Programs' filled quantity, lots.
    pub program_filled_lots: u64,
    /// Programs' target participation, the mean over programs weighted by quantity (empty
    /// without a program).
    pub program_target_participation: Option<f64>,
    /// Programs' realised participation: lots filled over the volume their books traded while
    /// they ran, from each one's start to its end (or the run's), summed over programs
    /// (empty without a program, or before one started).
    pub program_participation: Option<f64>,
    /// Market makers' hot-potato ratio in shock windows: lots they traded over Σ |their
    /// inventory change|, both summed over makers and windows (empty without a window, or
    /// with no net change).
    pub hot_potato_ratio: Option<f64>,
    /// Depth-collapse episodes (episodes.csv rows), every book and side.
    pub episodes: u64,
    /// Seconds during which at least one side of one book was in an episode (the union of
    /// the episodes' spans).
    pub collapsed_s: f64,
    /// The lowest trough_ratio of any episode (empty: none, or only episodes with a baseline
    /// of 0).
    pub worst_trough_ratio: Option<f64>,
    /// Mean time from trough to end over the recovered episodes, seconds (empty: none).
    pub mean_recovery_s: Option<f64>,
    /// Whether the collapse detector could start before the run ended (false: the run is not
    /// longer than `output.collapse.baseline_window_s`, or ends before the first shock with
    /// `pre_shock_mean`; no episode can then be found).
    pub collapse_detectable: bool,
    /// The most time, seconds, a side of a book spent with no resting lot within
    /// `output.collapse.band_ticks` of the reference price in one stretch, from detection's
    /// start on, at the detector's cadence (empty looks at most `min_duration_s` apart make
    /// one stretch; 0: never empty). A book *failure* in the sense of Buis et al. (2024) when
    /// it lasts.
    pub longest_empty_side_s: f64,
    /// The makers' summed PnL, its increments between agents.csv samples: mean over standard
    /// deviation (empty without makers or with a constant PnL).
    pub mm_sharpe_per_sample: Option<f64>,
    /// mm_sharpe_per_sample × √(samples in a trading year), a year being 252 days of 6.5
    /// hours (5,896,800 s).
    pub mm_sharpe_annualised: Option<f64>,
    /// The first book's lowest sampled mid, currency.
    pub price_min: Option<f64>,
    /// The first book's highest sampled mid, currency.
    pub price_max: Option<f64>,
    /// The first book's largest fall of the mid from a running peak, fraction of the peak.
    pub price_max_drawdown_frac: f64,
    /// The first book's realised volatility of the sampled mid: √(Σ (Δ ln mid)² / duration),
    /// per √s.
    pub realised_vol_per_sqrt_s: Option<f64>,
    /// Orders the price bands changed, every book: accepted limit orders slid to a band, and
    /// market orders that did not fill in full within it; empty when no book has bands.
    pub band_repriced_orders: Option<u64>,
}
}

crate::row_struct! {
/// A row of episodes.csv: one depth-collapse episode on one side of one book, written once
/// all its figures are known (its end, its refill times or the next dip's start, and the
/// price `impact_permanent_after_s` after its end or the run's end).
#[derive(Debug, Serialize)]
pub struct EpisodeRow<'a> {
    /// The book's name.
    pub book: &'a str,
    /// "bid" or "ask".
    pub side: &'static str,
    /// The first low tick of the detector, seconds from the open.
    pub start_s: f64,
    /// The first tick of the sustained recovery (or the run's end), seconds.
    pub end_s: f64,
    /// end_s − start_s.
    pub duration_s: f64,
    /// false when the run ended first (end_s is then the run's end).
    pub recovered: bool,
    /// "baseline" (depth below `fraction` × a baseline above 0) or "empty_side" (a baseline
    /// of 0: only the absolute rule, a side with nothing within the band, could see it).
    pub detected_by: &'static str,
    /// Seconds of it spent low (below `fraction` × baseline, or empty).
    pub below_s: f64,
    /// The baseline depth, lots (frozen when the dip began).
    pub baseline_lots: f64,
    /// The lowest depth, lots.
    pub trough_lots: u64,
    /// trough_lots / baseline_lots (empty: a baseline of 0).
    pub trough_ratio: Option<f64>,
    /// When the trough was first reached, seconds.
    pub trough_s: f64,
    /// trough_s − start_s.
    pub time_to_trough_s: f64,
    /// From the trough to depth back half way to the baseline, seconds (empty: not seen, or
    /// a baseline of 0).
    pub refill_50_s: Option<f64>,
    /// From the trough to depth back 90 % of the way to the baseline, seconds (empty: not
    /// seen before the next dip or the run's end, or a baseline of 0).
    pub refill_90_s: Option<f64>,
    /// The mid at the start, currency (empty: a side of the book was empty).
    pub mid_start: Option<f64>,
    /// The last mid seen in the episode, currency.
    pub mid_end: Option<f64>,
    /// (mid_end − mid_start) / mid_start.
    pub mid_move_frac: Option<f64>,
    /// The widest spread seen in the episode, currency (empty: never two-sided).
    pub max_spread: Option<f64>,
    /// Market makers of the book that entered the withdrawn state during the episode.
    pub makers_withdrawn: u32,
    /// The triggers of those withdrawals, `;`-separated, sorted (empty: none).
    pub triggers: String,
    /// The makers' share of this side's depth at the tick before the dip (empty: no depth).
    pub maker_share_before: Option<f64>,
    /// The makers' share of this side's depth at the trough (empty: no depth there).
    pub maker_share_trough: Option<f64>,
    /// Lots traded in the book during the episode.
    pub volume_lots: u64,
    /// Q: the programs' signed fills during the episode, lots (+ bought); without a program
    /// trading in it, the net aggressive volume (lots bought by arriving orders − sold).
    pub impact_q_lots: i64,
    /// "program" or "net_aggressive": what impact_q_lots is.
    pub impact_q_source: &'static str,
    /// σ: the reference price's log changes over `impact_horizon_s` within the
    /// `impact_window_s` before the start, per √s (empty: too few ticks).
    pub impact_sigma_per_sqrt_s: Option<f64>,
    /// V: lots traded in the book over that window, per second.
    pub impact_volume_per_s: Option<f64>,
    /// The reference price at the start, currency.
    pub impact_price_start: f64,
    /// The most extreme reference price in the episode in Q's direction (with Q = 0, the
    /// larger excursion's), currency.
    pub impact_price_peak: f64,
    /// The reference price `impact_permanent_after_s` after the end, currency (empty: the
    /// run ended first).
    pub impact_price_permanent: Option<f64>,
    /// Y·σ·√(|Q|/V) with Y = 1, a fraction of the price (empty: Q, σ or V is 0 or missing).
    pub impact_predicted_frac: Option<f64>,
    /// |impact_price_peak − impact_price_start| / impact_price_start.
    pub impact_peak_frac: f64,
    /// (impact_price_permanent − impact_price_start) / impact_price_start, signed in Q's
    /// direction (negative: the price came back past its start).
    pub impact_permanent_frac: Option<f64>,
    /// impact_peak_frac / impact_predicted_frac.
    pub impact_ratio_peak: Option<f64>,
    /// impact_permanent_frac / impact_predicted_frac.
    pub impact_ratio_permanent: Option<f64>,
}
}

/// The columns of book.csv for the given depth bands, in the order [`super::Recorder`]
/// writes them, with their types.
pub fn book_columns(bands: &[u32]) -> Vec<Column> {
    use ColType::{F64, Str, U64};
    let fixed = |cols: &[(&str, ColType, bool)]| {
        cols.iter()
            .map(|&(n, t, null)| Column::new(n, t, null))
            .collect::<Vec<_>>()
    };
    let mut c = fixed(&[
        ("t_s", F64, false),
        ("book", Str, false),
        ("best_bid", F64, true),
        ("best_ask", F64, true),
        ("mid", F64, true),
        ("spread", F64, true),
        ("resting_orders", U64, false),
    ]);
    for k in bands {
        c.push(Column::new(format!("depth_bid_{k}t_lots"), U64, false));
        c.push(Column::new(format!("depth_ask_{k}t_lots"), U64, false));
    }
    c.extend(fixed(&[
        ("fundamental", F64, false),
        ("last_trade", F64, true),
        ("volume_lots", U64, false),
        ("trades", U64, false),
        ("makers_quoting_bid", U64, false),
        ("makers_quoting_ask", U64, false),
        ("maker_depth_share", F64, true),
    ]));
    c
}

/// The header of book.csv for the given depth bands: [`book_columns`]' names.
pub fn book_header(bands: &[u32]) -> Vec<String> {
    super::columns::names(&book_columns(bands))
}

crate::row_struct! {
/// A row of events.csv: one event.
#[derive(Debug, Serialize)]
pub struct EventRow<'a> {
    /// Time, seconds from the open.
    pub t_s: f64,
    /// The book it concerns (empty: market-wide).
    pub book: &'a str,
    /// The agent it concerns (empty: market-wide).
    pub agent_id: Option<u32>,
    /// The agent's group.
    pub group: &'a str,
    /// "state_change" or "hedge_failed".
    pub kind: &'static str,
    /// State before a state change.
    pub from: &'static str,
    /// State after a state change.
    pub to: &'static str,
    /// What caused it: the trigger that fired.
    pub trigger: &'static str,
    /// The trigger's value (currency for drawdown and loss; lots for a failed hedge).
    pub value: Option<f64>,
    /// The level it crossed (a failed hedge: the lots it wanted).
    pub threshold: Option<f64>,
}
}
