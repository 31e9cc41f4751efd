//! The scenario file's sections, as serde structs. Field names are the TOML keys; every field
//! that has a default says so. Units are in the names (`_s` seconds, `_ticks`, `_lots`,
//! `_per_s` rates).

use super::output::OutputParams;
use serde::{Deserialize, Serialize};

mod maker;
mod options;
mod shocks;

pub use maker::*;
pub use options::*;
pub use shocks::*;

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
/// at the reopening in their arrival order, at most `max_held_orders` of them: beyond that,
/// new orders are rejected (and counted) and cancels are carried out at once.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HaltParams {
    /// The move that halts, ticks (≥ 1).
    pub move_ticks: u64,
    /// The trailing window the move is measured over, seconds (> 0).
    pub window_s: f64,
    /// How long the book stays halted, seconds (> 0).
    pub pause_s: f64,
    /// Most requests the halted book holds at once (1 to 100,000,000; default 100,000).
    #[serde(default = "default_max_held_orders")]
    pub max_held_orders: u64,
}

/// [`HaltParams::max_held_orders`]' default: far above what a halt of the shipped scenarios
/// holds, and at most about 6 MB of requests (13 MB with the vector's spare room).
pub fn default_max_held_orders() -> u64 {
    100_000
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
    /// Optional self-exciting (Hawkes) activity: market orders excite the group's flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hawkes: Option<HawkesParams>,
    /// Optional continuous volatility → liquidity feedback on the limit-order rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<FeedbackParams>,
}

/// `[noise.hawkes]`: the group's market orders are a Hawkes process with an exponential
/// kernel, and its limit orders and cancellations follow the same activity (see
/// [`crate::models::hawkes`] and `agents::noise`). The mean rates stay μ, α and δ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HawkesParams {
    /// n: market orders triggered directly by one market order, on average (0 ≤ n < 1).
    pub branching_ratio: f64,
    /// β: the kernel's decay rate, per second (> 0); an excitation lasts 1/β seconds.
    pub decay_per_s: f64,
}

/// The largest feedback strength a scenario may set.
pub const MAX_FEEDBACK_STRENGTH: f64 = 50.0;

/// `[noise.feedback]`: the limit-order rate α is multiplied by
/// `exp(−strength · max(0, σ̂/σ₀ − 1))`, with σ̂ the public realised volatility and σ₀
/// `vol_ref_ticks_per_sqrt_s`: unchanged while σ̂ ≤ σ₀, smoothly fewer orders above it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackParams {
    /// s: how strongly limit orders dry up per unit of relative excess volatility
    /// (0 ≤ s ≤ [`MAX_FEEDBACK_STRENGTH`]; 0 = no feedback).
    pub strength: f64,
    /// σ₀: the volatility below which the feedback is silent, ticks per √s (> 0).
    pub vol_ref_ticks_per_sqrt_s: f64,
    /// The feedback is silent before this time, s (≥ 0; default 0): lets a book that starts
    /// empty form first.
    #[serde(default)]
    pub after_s: f64,
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
    /// `[option_time]`: how the options' time to expiry is counted (default: trading time,
    /// 23 400-s days, 252-day years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_time: Option<OptionTimeParams>,
    /// `[[shocks]]`: scheduled shocks, in any order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shocks: Vec<ShockParams>,
    /// `[output]`
    #[serde(default)]
    pub output: OutputParams,
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
