//! The scenario file's sections, as serde structs. Field names are the TOML keys; every field
//! that has a default says so. Units are in the names (`_s` seconds, `_ticks`, `_lots`,
//! `_per_s` rates).

use super::output::OutputParams;
use serde::{Deserialize, Serialize};

/// `[run]`: identity, length and time step of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunParams {
    /// Name used for the output folder; defaults to the file's stem.
    #[serde(default)]
    pub name: Option<String>,
    /// Master seed: every random stream derives from it. `--seed` overrides it.
    pub seed: u64,
    /// Simulated time, seconds (> 0).
    pub duration_s: f64,
    /// Step length, seconds (> 0, ≤ duration): agents decide once per step from the market as
    /// it stood at the step's start. Orders still arrive at exact times inside the step.
    pub dt_s: f64,
}

/// How the book treats an order that would trade with its own owner's resting order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SelfTradeParam {
    /// Cancel the resting order, keep matching.
    #[default]
    CancelResting,
    /// Drop the arriving order's remainder.
    CancelIncoming,
    /// Trade with oneself.
    Allow,
}

/// `[market]`: the instrument and its book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketParams {
    /// Price increment in currency (> 0). All book prices are integer multiples of it.
    pub tick_size: f64,
    /// Units of the instrument per lot (≥ 1); cash and PnL are in currency for `lot_size` units per lot.
    #[serde(default = "one_u64")]
    pub lot_size: u64,
    /// Opening reference price in currency (> 0): the fundamental's start and the price agents
    /// use before the first trade.
    pub initial_price: f64,
    /// Widest price range the book may hold at once, in ticks (≥ 64).
    #[serde(default = "default_span")]
    pub max_span_ticks: usize,
    /// Self-trade policy: "cancel_resting" (default), "cancel_incoming" or "allow".
    #[serde(default)]
    pub self_trade: SelfTradeParam,
    /// Half-life, seconds, of the public realised-volatility estimate of the mid that noise
    /// traders' stand-back reads (> 0).
    #[serde(default = "default_vol_halflife")]
    pub vol_halflife_s: f64,
    /// Seconds between the mid prices that public estimate uses (> 0). Default 1.
    #[serde(default = "default_vol_sample")]
    pub vol_sample_interval_s: f64,
    /// A volatility halt on this book (`[market.halt]` / `[book.halt]`): none by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halt: Option<HaltParams>,
    /// Price bands on this book (`[market.price_bands]` / `[book.price_bands]`): none by
    /// default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_bands: Option<PriceBandParams>,
}

/// `[[book]]`: one order book, when a scenario trades several (instead of the single
/// `[market]`). Every book is its own exchange; all follow the one fundamental value, each
/// offset by its `basis`. Agent groups name theirs with `book = "name"` (default: the first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookParams {
    /// The book's name: what groups' `book` keys and the outputs' `book` column say (unique,
    /// not empty).
    pub name: String,
    /// Price increment in currency (> 0).
    pub tick_size: f64,
    /// Units of the instrument per lot (≥ 1).
    #[serde(default = "one_u64")]
    pub lot_size: u64,
    /// Opening reference price in currency (> 0). The fundamental starts at the first book's
    /// `initial_price − basis`.
    pub initial_price: f64,
    /// Widest price range the book may hold at once, in ticks (≥ 64).
    #[serde(default = "default_span")]
    pub max_span_ticks: usize,
    /// Self-trade policy: "cancel_resting" (default), "cancel_incoming" or "allow".
    #[serde(default)]
    pub self_trade: SelfTradeParam,
    /// Constant offset, currency, of this book's value from the shared fundamental: its
    /// informed traders see `fundamental + basis`, and its outputs' `fundamental` column says
    /// so. Default 0.
    #[serde(default)]
    pub basis: f64,
    /// Half-life, seconds, of this book's public realised-volatility estimate (> 0).
    #[serde(default = "default_vol_halflife")]
    pub vol_halflife_s: f64,
    /// Seconds between the mid prices that estimate uses (> 0). Default 1.
    #[serde(default = "default_vol_sample")]
    pub vol_sample_interval_s: f64,
    /// A volatility halt on this book (`[market.halt]` / `[book.halt]`): none by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halt: Option<HaltParams>,
    /// Price bands on this book (`[market.price_bands]` / `[book.price_bands]`): none by
    /// default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_bands: Option<PriceBandParams>,
}

/// A book's volatility halt (CME-style stop logic): a trade that prints at least
/// `move_ticks` from a trade of the last `window_s` halts the book for `pause_s`. The order
/// that made that trade completes; requests arriving during the halt are held and processed
/// at the reopening in their arrival order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HaltParams {
    /// The move that halts, ticks (≥ 1).
    pub move_ticks: u64,
    /// The trailing window the move is measured over, seconds (> 0).
    pub window_s: f64,
    /// How long the book stays halted, seconds (> 0).
    pub pause_s: f64,
}

/// A book's price bands (limit up–limit down style): orders are repriced so that none trades
/// more than `fraction` away from a reference, the last trade price at the start of each
/// `reference_interval_s` (the opening price until the first trade).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceBandParams {
    /// The band's half-width as a fraction of the reference, in (0, 1).
    pub fraction: f64,
    /// Seconds between resets of the reference to the last trade price (> 0).
    pub reference_interval_s: f64,
}

impl BookParams {
    /// The one book of a `[market]` scenario: named "main", no basis.
    pub fn from_market(m: &MarketParams) -> Self {
        BookParams {
            name: "main".to_string(),
            tick_size: m.tick_size,
            lot_size: m.lot_size,
            initial_price: m.initial_price,
            max_span_ticks: m.max_span_ticks,
            self_trade: m.self_trade,
            basis: 0.0,
            vol_halflife_s: m.vol_halflife_s,
            vol_sample_interval_s: m.vol_sample_interval_s,
            halt: m.halt,
            price_bands: m.price_bands,
        }
    }
}

/// The fundamental value's law.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundamentalModel {
    /// Arithmetic random walk: `dV = σ dW` (+ jumps of `jump_mean ± jump_sd`, currency).
    RandomWalk,
    /// Geometric Brownian motion without drift: `dV/V = σ dW` (+ jumps of log-size
    /// `jump_mean ± jump_sd`).
    Gbm,
}

/// `[fundamental]`: the latent value informed traders observe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundamentalParams {
    /// "random_walk" or "gbm".
    pub model: FundamentalModel,
    /// Diffusion per √second (≥ 0): currency for random_walk, a fraction for gbm.
    pub volatility_per_sqrt_s: f64,
    /// Poisson rate of jumps per second (≥ 0). Default 0.
    #[serde(default)]
    pub jump_rate_per_s: f64,
    /// Mean jump (currency for random_walk, log-return for gbm). Default 0.
    #[serde(default)]
    pub jump_mean: f64,
    /// Jump standard deviation (≥ 0), same units. Default 0.
    #[serde(default)]
    pub jump_sd: f64,
}

/// `[[noise]]`: a group of zero-intelligence traders (Smith, Farmer, Gillemot & Krishnamurthy
/// 2003). Rates are the group's totals; each of the `count` traders carries an equal share, as
/// an independent Poisson process of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoiseParams {
    /// Label used in outputs; defaults to `noise<i>`.
    #[serde(default)]
    pub name: Option<String>,
    /// The book this group trades: a `[[book]]`'s name (default: the first book; a `[market]`
    /// scenario's one book is "main").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book: Option<String>,
    /// Number of traders (≥ 1).
    pub count: u32,
    /// μ: market orders per second, both sides together (≥ 0); half buy, half sell.
    pub mu_per_s: f64,
    /// α: limit orders per second per tick of price, per side (≥ 0).
    pub alpha_per_tick_s: f64,
    /// δ: rate per second at which each resting limit order is cancelled (≥ 0; 0 = never).
    pub delta_per_s: f64,
    /// σ: size of every order, lots (≥ 1).
    pub sigma_lots: u64,
    /// W: a limit order is placed 1..=W ticks beyond the opposite best quote, uniformly
    /// (never crossing), at the moment it arrives (≥ 1).
    pub window_ticks: u32,
    /// Delay between a decision and its arrival at the exchange, seconds (≥ 0). Default 0.
    #[serde(default)]
    pub latency_s: f64,
    /// Optional stand-back when short-term volatility rises.
    #[serde(default)]
    pub stand_back: Option<StandBackParams>,
}

/// `[noise.stand_back]`: while the public realised volatility of the mid exceeds a threshold,
/// noise traders send fewer limit orders and place them farther out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandBackParams {
    /// Threshold on realised volatility, ticks per √second (> 0).
    pub vol_threshold_ticks_per_sqrt_s: f64,
    /// Fraction of limit orders still sent while standing back (0..=1).
    pub limit_rate_factor: f64,
    /// Ticks added to each limit order's distance from the opposite best quote while standing back.
    #[serde(default)]
    pub extra_offset_ticks: u32,
}

/// How an informed trader turns the gap between value and mid into orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InformedRule {
    /// Buy `order_lots` whenever value − mid exceeds the threshold (sell when below), and hold
    /// the position: it only grows toward the limit while the gap lasts.
    #[default]
    Threshold,
    /// Trade toward a target position that grows with the gap beyond the threshold
    /// (`target_lots_per_tick` per tick), clipped at the limit: the trader unwinds as the
    /// price converges to the value.
    TargetPosition,
}

/// `[[informed]]`: traders who observe the fundamental and trade toward it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InformedParams {
    /// Label used in outputs; defaults to `informed<i>`.
    #[serde(default)]
    pub name: Option<String>,
    /// The book this group trades: a `[[book]]`'s name (default: the first book; a `[market]`
    /// scenario's one book is "main").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book: Option<String>,
    /// Number of traders (≥ 1).
    pub count: u32,
    /// Each trader looks at the market at Poisson times with this rate per second (> 0).
    pub rate_per_s: f64,
    /// "threshold" (default) or "target_position"; see [`InformedRule`].
    #[serde(default)]
    pub rule: InformedRule,
    /// Trades only when |observed value − mid| exceeds this many ticks (≥ 0).
    pub threshold_ticks: f64,
    /// target_position only: lots of target position per tick of gap beyond the threshold
    /// (> 0). Required with that rule, refused with the other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_lots_per_tick: Option<f64>,
    /// Lots per order at most (≥ 1). Orders are immediate-or-cancel limits: at the observed
    /// value ∓ threshold (threshold), or at the price where the target equals the position the
    /// order leaves (target_position), so an informed trader never pays more than its rule allows.
    pub order_lots: u64,
    /// Absolute position limit, lots (≥ order_lots).
    pub max_position_lots: u64,
    /// Standard deviation of the trader's error in observing the value, ticks (≥ 0). Default 0.
    #[serde(default)]
    pub observation_noise_ticks: f64,
    /// The value observed is this many seconds old (≥ 0, rounded to whole steps, at most 10⁶
    /// steps). Default 0.
    #[serde(default)]
    pub observation_delay_s: f64,
    /// Decision-to-arrival delay, seconds (≥ 0). Default 0.
    #[serde(default)]
    pub latency_s: f64,
}

/// How a market maker sets its spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStrategy {
    /// Avellaneda–Stoikov: reservation price `r = s − q·γ·σ²·τ`, total spread
    /// `γσ²τ + (2/γ)·ln(1 + γ/k)`, prices in ticks.
    AvellanedaStoikov,
    /// A fixed half-spread around the mid, skewed by inventory through `skew_ticks_per_lot`.
    Fixed,
}

/// How a model's real-valued quote prices are rounded to ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum QuoteRounding {
    /// Bid down, ask up: never narrower than the model.
    #[default]
    Outward,
    /// Each to its nearest tick (halves away from zero).
    Nearest,
}

/// `[[market_maker]]`: a group of market makers quoting a ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketMakerParams {
    /// Label used in outputs; defaults to `mm<i>`.
    #[serde(default)]
    pub name: Option<String>,
    /// The book this group trades: a `[[book]]`'s name (default: the first book; a `[market]`
    /// scenario's one book is "main").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book: Option<String>,
    /// Number of market makers (≥ 1).
    pub count: u32,
    /// "avellaneda_stoikov" or "fixed".
    pub strategy: QuoteStrategy,
    /// Seconds between looks at the market (> 0); the first look is staggered within one interval.
    pub requote_interval_s: f64,
    /// γ, risk aversion per tick (> 0). avellaneda_stoikov only; default 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamma: Option<f64>,
    /// k, decay of fill intensity with distance, per tick (> 0). avellaneda_stoikov only;
    /// default 1.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<f64>,
    /// τ, the horizon in the formulas, seconds (> 0). avellaneda_stoikov only; default 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_s: Option<f64>,
    /// Half-spread of the best quotes, ticks (> 0). fixed only; default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_spread_ticks: Option<f64>,
    /// Reservation-price shift per lot of inventory, ticks (≥ 0). fixed only; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skew_ticks_per_lot: Option<f64>,
    /// How the model's best bid and ask (real numbers of ticks) become prices: "outward"
    /// (default: bid rounded down, ask up, so the quoted spread is never narrower than the
    /// model's, about one tick wider on average) or "nearest" (each to the nearest tick:
    /// closer to the model's spread). Either way the ask is at least one tick above the bid.
    #[serde(default)]
    pub quote_rounding: QuoteRounding,
    /// Price levels quoted per side (≥ 1).
    pub levels: u32,
    /// Ticks between consecutive levels (≥ 1).
    #[serde(default = "one_u32")]
    pub level_spacing_ticks: u32,
    /// Lots per level (≥ 1).
    pub lots_per_level: u64,
    /// Absolute inventory limit, lots (≥ 1): a side whose fills could breach it is not quoted.
    pub max_position_lots: u64,
    /// Quotes are replaced only when the target best price moved more than this many ticks
    /// (≥ 0), or when the ladder lost quantity. With the default 1, the live best quote may sit
    /// one tick from the target for as long as the target moves by no more than a tick: in a
    /// calm market that is a large share of the time (quotes.csv shows the targets). 0 tracks
    /// the target exactly, at the cost of a cancel and a new order per move.
    #[serde(default = "one_u32")]
    pub requote_tolerance_ticks: u32,
    /// Half-life of the maker's own realised-volatility estimate, seconds (> 0).
    #[serde(default = "default_mm_vol_halflife")]
    pub vol_halflife_s: f64,
    /// Seconds between the mid prices that estimate uses (> 0). Default 1.
    #[serde(default = "default_vol_sample")]
    pub vol_sample_interval_s: f64,
    /// Volatility assumed before any observation, ticks per √second (≥ 0).
    #[serde(default = "default_sigma_prior")]
    pub sigma_prior_ticks_per_sqrt_s: f64,
    /// Markout horizon: each fill is scored by the mid this many seconds later (> 0).
    #[serde(default = "default_markout")]
    pub markout_horizon_s: f64,
    /// Decision-to-arrival delay, seconds (≥ 0). Default 0.
    #[serde(default)]
    pub latency_s: f64,
    /// Optional hedging of the group's net delta; see [`HedgeParams`]. Default: no hedging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge: Option<HedgeParams>,
    /// The options each maker of the group holds at the open (`[[market_maker.options]]`); see
    /// [`OptionLineParams`]. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionLineParams>,
    /// A stream of end-users trading options with the group's makers; see
    /// [`ClientFlowParams`]. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_flow: Option<ClientFlowParams>,
    /// The volatility the makers value their options with: "implied" (the configured
    /// `implied_vol_per_sqrt_s`, the default) or "realised" (each maker's own estimate of its
    /// book's volatility, as a fraction of the mid per √s). Options or client flow only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_vol: Option<OptionVolSource>,
    /// Implied volatility, a fraction per √second (> 0; like the `gbm` fundamental's
    /// `volatility_per_sqrt_s`): options at the open and client trades are priced with it,
    /// and with `option_vol = "implied"` every valuation is. Required with options or client
    /// flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implied_vol_per_sqrt_s: Option<f64>,
    /// Optional withdrawal state machine; see [`WithdrawalParams`]. Default: always quoting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<WithdrawalParams>,
}

/// One withdrawal trigger's levels (`[market_maker.withdrawal.<trigger>]`): at least one entry
/// level; an exit level below every entry level (none: the trigger never clears).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerParams {
    /// Widen at or above this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widen: Option<f64>,
    /// Withdraw at or above this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdraw: Option<f64>,
    /// The trigger has cleared below this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<f64>,
}

/// `[market_maker.withdrawal]`: each maker of the group runs the state machine
/// Quoting → Widened → Withdrawn → Cooldown → Quoting on its own signals, evaluated at its
/// looks. Triggers without a table are off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalParams {
    /// Shortest time between two changes of state, seconds (≥ 0). Default 5.
    #[serde(default = "default_min_time_in_state")]
    pub min_time_in_state_s: f64,
    /// Time in Cooldown before quoting normally again, seconds (≥ 0). Default 30.
    #[serde(default = "default_cooldown")]
    pub cooldown_s: f64,
    /// Widened: the half-spread is multiplied by this (≥ 1). Default 2.
    #[serde(default = "default_widen_spread")]
    pub widen_spread_factor: f64,
    /// Widened: the lots per level are multiplied by this (in (0, 1], at least one lot).
    /// Default 0.5.
    #[serde(default = "half")]
    pub widen_size_factor: f64,
    /// Cooldown: the lots per level are multiplied by this (in (0, 1]). Default 0.5.
    #[serde(default = "half")]
    pub cooldown_size_factor: f64,
    /// Withdrawn: whether the maker trades its inventory back to flat with market orders at
    /// its looks (at most `unwind_lots` a look) — how intermediaries dumped inventory in
    /// May 2010. Default false: it only cancels its quotes (and still hedges, if it hedges).
    #[serde(default)]
    pub unwind: bool,
    /// Withdrawn with `unwind`: the largest market order per look, lots (≥ 1). Default 10.
    #[serde(default = "default_unwind_lots")]
    pub unwind_lots: u64,
    /// Half-life of the maker's trailing volatility baseline, seconds (> 0). Default 300.
    #[serde(default = "default_baseline_halflife")]
    pub baseline_vol_halflife_s: f64,
    /// Fills over which the toxicity signal averages (each scored fill moves it 1/n of the
    /// way), ≥ 1. Default 20.
    #[serde(default = "default_toxicity_fills")]
    pub toxicity_fills: u32,
    /// Hedges over which the hedge-failure signal averages, ≥ 1. Default 5.
    #[serde(default = "default_hedge_failure_hedges")]
    pub hedge_failure_hedges: u32,
    /// Half-life, seconds (> 0), with which the toxicity and hedge-failure signals fade
    /// toward 0 between observations: a maker that has withdrawn sees no new fills, and its
    /// memory of the last ones fades. Default 60.
    #[serde(default = "default_signal_halflife")]
    pub signal_halflife_s: f64,
    /// |inventory| / max_position_lots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<TriggerParams>,
    /// The maker's volatility estimate over its trailing baseline (a ratio of σ's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volatility: Option<TriggerParams>,
    /// Minus its recent mean markout, ticks per lot (positive: adverse selection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toxicity: Option<TriggerParams>,
    /// Its PnL below its running peak, currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drawdown: Option<TriggerParams>,
    /// The unfilled share of its recent hedges (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge_failure: Option<TriggerParams>,
    /// Its loss, currency (minus its PnL): a loss limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<TriggerParams>,
}

/// Which volatility a dealer values its options with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OptionVolSource {
    /// The group's `implied_vol_per_sqrt_s`.
    #[default]
    Implied,
    /// The maker's own realised-volatility estimate of its book's mid (the one its quoting
    /// uses), divided by the mid: a fraction per √s.
    Realised,
}

/// Call or put, as written in a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionKindParam {
    /// The right to buy at the strike.
    Call,
    /// The right to sell at the strike.
    Put,
}

/// `[[market_maker.options]]`: one line of European options on the group's book, held by
/// every maker of the group from the open, booked at its Black–Scholes value at the implied
/// volatility (so a maker's PnL starts at 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionLineParams {
    /// "call" or "put".
    pub kind: OptionKindParam,
    /// Strike, currency (> 0; a multiple of the book's tick_size).
    pub strike: f64,
    /// Expiry, seconds from the open (> 0, ≤ run.duration_s). The line settles in cash at the
    /// book's mid at the first step ending at or after it.
    pub expiry_s: f64,
    /// Contracts, signed: positive long, negative short (≠ 0).
    pub contracts: i64,
    /// Lots of the underlying per contract (≥ 1). Default 1.
    #[serde(default = "one_u64")]
    pub multiplier_lots: u64,
}

/// `[market_maker.client_flow]`: end-users trading options with the group's makers, as a
/// Poisson stream. Each arrival picks one maker of the group, one series (kind × strike ×
/// expiry, uniformly among those not yet expired) and a direction (the client buys with
/// probability `buy_share`), and trades `contracts` at the Black–Scholes price at the implied
/// volatility plus `edge_vol_per_sqrt_s` when the client buys (minus it when the client sells),
/// on the mid the maker sees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFlowParams {
    /// Client trades per second, for the whole group (> 0).
    pub rate_per_s: f64,
    /// Share of client trades that are purchases (in [0, 1]): above ½ the makers' books drift
    /// short.
    pub buy_share: f64,
    /// Kinds the clients trade: ["call"], ["put"] or both.
    pub kinds: Vec<OptionKindParam>,
    /// Strikes the clients trade, currency (each > 0, a multiple of tick_size).
    pub strikes: Vec<f64>,
    /// Expiries the clients trade, seconds from the open (each > 0, ≤ run.duration_s).
    pub expiries_s: Vec<f64>,
    /// Contracts per client trade (≥ 1).
    pub contracts: u64,
    /// Lots of the underlying per contract (≥ 1). Default 1.
    #[serde(default = "one_u64")]
    pub multiplier_lots: u64,
    /// The makers' volatility edge, a fraction per √s (≥ 0, below the implied volatility):
    /// clients buy at implied + edge and sell at implied − edge. Default 0.
    #[serde(default)]
    pub edge_vol_per_sqrt_s: f64,
}

/// How a hedge order is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HedgeStyle {
    /// A market order: it trades whatever the venue's opposite side holds.
    Market,
    /// An immediate-or-cancel limit at the decision mid ± `max_slippage_ticks`: what does not
    /// fill at once within that price is dropped.
    Ioc,
}

/// `[market_maker.hedge]`: each maker of the group trades its net delta (its inventory, in
/// lots of the underlying, summed over every book it holds positions in) back toward a target
/// whenever it leaves a band, at its looks. The hedge goes to `venue` as a taking order (the
/// exchange's risk gate and the venue's self-trade policy apply to it as to any order: a hedge
/// in the maker's own book may cancel its own resting quotes). hedges.csv has one row per hedge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HedgeParams {
    /// The book the hedges go to: a book's name (the group's own book or another). Default:
    /// the group's own book.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// Half-width of the no-hedge band, lots (≥ 0): the maker hedges when |net delta| > band.
    pub band_lots: i64,
    /// Net delta the hedge trades back to, lots (|target| ≤ band_lots). Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_lots: Option<i64>,
    /// "market" or "ioc"; see [`HedgeStyle`].
    pub style: HedgeStyle,
    /// ioc only (required there, refused with market): the IOC limit's distance from the
    /// venue's decision mid, ticks (≥ 0), above it for a buy, below for a sell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_slippage_ticks: Option<u32>,
    /// Shortest time between two hedge decisions of one maker, seconds (≥ 0). Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_interval_s: Option<f64>,
    /// Decision-to-arrival delay of hedge orders, seconds (≥ 0). Default: the group's
    /// `latency_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_s: Option<f64>,
}

/// The whole file, as written (before validation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// `[run]`
    pub run: RunParams,
    /// `[market]`: the single book (give either this or `[[book]]` tables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<MarketParams>,
    /// `[[book]]` tables: several books.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub book: Vec<BookParams>,
    /// `[fundamental]`
    pub fundamental: FundamentalParams,
    /// `[[noise]]` groups.
    #[serde(default)]
    pub noise: Vec<NoiseParams>,
    /// `[[informed]]` groups.
    #[serde(default)]
    pub informed: Vec<InformedParams>,
    /// `[[market_maker]]` groups.
    #[serde(default)]
    pub market_maker: Vec<MarketMakerParams>,
    /// `[[shocks]]`: scheduled shocks, in any order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shocks: Vec<ShockParams>,
    /// `[output]`
    #[serde(default)]
    pub output: OutputParams,
}

/// The kinds of scheduled shock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShockKind {
    /// The fundamental value jumps at `start_s` by `size_ticks` (ticks of the first book) or
    /// by `size_fraction` of its value.
    FundamentalJump,
    /// The fundamental's volatility is multiplied by `factor` from `start_s` for
    /// `duration_s`.
    Volatility,
    /// An informed group's look rate is multiplied by `factor` for `duration_s`.
    InformedBurst,
    /// A noise group's limit-order rate α is multiplied by `factor` for `duration_s` (below 1:
    /// liquidity supply dries up).
    NoiseLiquidity,
    /// A sell program: from `start_s` it sells `quantity_lots` by market orders at
    /// `participation` of the volume traded in its book over a trailing `window_s`, whatever
    /// the price, until done or the run ends.
    SellProgram,
    /// The same, buying.
    BuyProgram,
    /// A market-maker group's position limit is multiplied by `factor` (< 1: cut) for
    /// `duration_s`: the exchange's risk gate and the makers' own quoting limit both follow.
    MakerLimit,
    /// A market-maker group's loss limit (its `loss` trigger's thresholds) is multiplied by
    /// `factor` for `duration_s`.
    LossLimit,
    /// A market-maker group's latency (its quotes' and its hedges') is multiplied by
    /// `factor` for `duration_s`.
    Latency,
}

impl ShockKind {
    /// The name in scenario files and events.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            ShockKind::FundamentalJump => "fundamental_jump",
            ShockKind::Volatility => "volatility",
            ShockKind::InformedBurst => "informed_burst",
            ShockKind::NoiseLiquidity => "noise_liquidity",
            ShockKind::SellProgram => "sell_program",
            ShockKind::BuyProgram => "buy_program",
            ShockKind::MakerLimit => "maker_limit",
            ShockKind::LossLimit => "loss_limit",
            ShockKind::Latency => "latency",
        }
    }

    /// Whether it is a sell or buy program.
    pub fn is_program(self) -> bool {
        matches!(self, ShockKind::SellProgram | ShockKind::BuyProgram)
    }
}

/// `[[shocks]]`: one scheduled shock. Keys that do not apply to its kind are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShockParams {
    /// What it does.
    pub kind: ShockKind,
    /// When it starts, seconds from the open (0 ≤ start < run.duration_s).
    pub start_s: f64,
    /// How long it lasts, seconds (> 0; the shock ends at the run's end at the latest).
    /// Every kind but fundamental_jump.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// The group it acts on, by name: an [[informed]] group (informed_burst), a [[noise]]
    /// group (noise_liquidity), or a [[market_maker]] group (maker_limit, loss_limit,
    /// latency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The multiplier (volatility, informed_burst, noise_liquidity, maker_limit, loss_limit,
    /// latency), > 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    /// fundamental_jump: the jump in ticks of the first book (signed; give this or
    /// `size_fraction`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_ticks: Option<f64>,
    /// fundamental_jump: the jump as a fraction of the value (signed, > −1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_fraction: Option<f64>,
    /// Programs: the total quantity to execute, lots (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_lots: Option<u64>,
    /// Programs: the target share of the book's traded volume, in (0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participation: Option<f64>,
    /// Programs: the trailing window the volume is measured over, seconds (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_s: Option<f64>,
    /// Programs: time between child orders, seconds (default 1; at least one step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_s: Option<f64>,
    /// Programs: the smallest child order, lots (default 1): less owed waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_child_lots: Option<u64>,
    /// Programs: the largest child order, lots (default: no bound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_child_lots: Option<u64>,
    /// Programs: the book it trades, by name (default: the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book: Option<String>,
}

fn one_u64() -> u64 {
    1
}
fn default_min_time_in_state() -> f64 {
    5.0
}
fn default_cooldown() -> f64 {
    30.0
}
fn default_widen_spread() -> f64 {
    2.0
}
fn half() -> f64 {
    0.5
}
fn default_unwind_lots() -> u64 {
    10
}
fn default_baseline_halflife() -> f64 {
    300.0
}
fn default_toxicity_fills() -> u32 {
    20
}
fn default_signal_halflife() -> f64 {
    60.0
}
fn default_hedge_failure_hedges() -> u32 {
    5
}

fn one_u32() -> u32 {
    1
}
fn default_span() -> usize {
    1 << 18
}
fn default_vol_halflife() -> f64 {
    10.0
}
fn default_vol_sample() -> f64 {
    1.0
}
fn default_mm_vol_halflife() -> f64 {
    30.0
}
fn default_sigma_prior() -> f64 {
    1.0
}
fn default_markout() -> f64 {
    5.0
}
