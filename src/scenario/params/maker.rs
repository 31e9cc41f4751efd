//! The `[[market_maker]]` sections: quoting, withdrawal rules and their triggers, and
//! hedging (the options a group holds are in [`super::options`]).

use super::*;

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
    /// Price levels quoted per side (≥ 0). 0: the group quotes nothing, a desk that only
    /// hedges its options and inventory (it needs `[market_maker.hedge]`).
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
    /// Implied volatility, a fraction per √second of the options' clock (> 0; like the `gbm`
    /// fundamental's `volatility_per_sqrt_s` in trading time): options at the open and client
    /// trades are priced with it, and with `option_vol = "implied"` every valuation is. With
    /// options or client flow, give this or `implied_vol_annual`. The resolved scenario always
    /// gives this key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implied_vol_per_sqrt_s: Option<f64>,
    /// The implied volatility per √year of the `[option_time]` convention (e.g. 0.2 for 20 %
    /// a year): `implied_vol_per_sqrt_s = implied_vol_annual / √(seconds in a year)`.
    /// Resolved into `implied_vol_per_sqrt_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implied_vol_annual: Option<f64>,
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

/// How a hedge is worked in its venue (see `models::hedge` for the full rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HedgeStyle {
    /// One market order: it trades whatever the venue's opposite side holds.
    Market,
    /// One immediate-or-cancel limit at the decision mid ± `max_slippage_ticks`: what does not
    /// fill at once is dropped.
    Ioc,
    /// A post-only limit at the touch (joining it, or one tick better with `improve`), moved
    /// to the touch when a better price stands in front of it, and after `max_wait_s` the
    /// rest escalated to an IOC within `max_slippage_ticks` of the mid.
    Passive,
    /// `slices` child orders over `horizon_s`, each passive (escalated at its slice's end)
    /// or IOC (`child_style`), their sizes set by the clock or by the venue's volume
    /// (`schedule`).
    Sliced,
}

/// How a sliced hedge sizes its slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SliceSchedule {
    /// Equal shares: by the end of slice k of n, (k+1)/n of the hedge.
    #[default]
    Clock,
    /// A share (`participation`) of the venue's traded lots since the hedge started.
    Volume,
}

/// The kind of a sliced hedge's child orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ChildStyle {
    /// Post-only at the touch, the rest escalated to an IOC at the slice's end.
    #[default]
    Passive,
    /// One IOC within `max_slippage_ticks` of the mid at the slice's start.
    Ioc,
}

/// `[market_maker.hedge]`: each maker of the group trades its net delta (its inventory, in
/// lots of the underlying, summed over every book it holds positions in, plus its options'
/// delta) back toward a target whenever it leaves a band, at its looks. A hedge (the
/// *parent*) is `round(hedge_ratio · (target − net delta))` lots, worked in `venue` in the
/// chosen `style`; a maker works one hedge at a time. Its orders are ordinary orders: the
/// exchange's risk gate and the venue's self-trade policy apply to them as to any (a hedge in
/// the maker's own book may cancel its own resting quotes), and a resting hedge counts toward
/// the maker's exposure while it rests. hedges.csv has one row per parent.
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
    /// Share of the distance from the net delta to the target that a hedge trades, in
    /// (0, 1]. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge_ratio: Option<f64>,
    /// "market", "ioc", "passive" or "sliced"; see [`HedgeStyle`].
    pub style: HedgeStyle,
    /// ioc, passive and sliced (required there, refused with market): an IOC's (or an
    /// escalation's) limit distance from the venue's mid at the moment it is sent, ticks
    /// (≥ 0), above it for a buy, below for a sell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_slippage_ticks: Option<u32>,
    /// passive only (required): how long the hedge rests before its rest is escalated,
    /// seconds (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait_s: Option<f64>,
    /// passive, and sliced with passive children: improve the touch by a tick when the spread
    /// is at least two ticks, instead of joining it. Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub improve: Option<bool>,
    /// sliced only (required): the time over which the slices run, seconds (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_s: Option<f64>,
    /// sliced only: the number of slices (≥ 1). Default 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slices: Option<u32>,
    /// sliced only: "clock" (default) or "volume"; see [`SliceSchedule`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<SliceSchedule>,
    /// sliced with schedule = "volume" only (required there): the share of the venue's
    /// traded lots to trade, in (0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participation: Option<f64>,
    /// sliced only: "passive" (default) or "ioc"; see [`ChildStyle`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_style: Option<ChildStyle>,
    /// Shortest time between two hedge decisions of one maker, seconds (≥ 0). Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_interval_s: Option<f64>,
    /// Decision-to-arrival delay of hedge orders, seconds (≥ 0). Default: the group's
    /// `latency_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_s: Option<f64>,
}
