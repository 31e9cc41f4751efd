//! The market makers: `[[market_maker]]`, `[market_maker.withdrawal]` and its triggers,
//! `[market_maker.hedge]`. Their options are in [`super::options`].

use super::Presence::{Conditional, Default, Described, Required};
use super::{Key, Section};

pub(super) const MARKET_MAKER: Section = Section {
    name: "market_maker",
    paths: &["market_maker"],
    array: true,
    about: "A group of market makers quoting a ladder around a reservation price skewed by \
            inventory: Avellaneda–Stoikov, or a fixed half-spread. Prices in the formulas \
            are in ticks; docs/calibration.md shows how γ, k and the horizon become a \
            half-spread (`depthsim calibrate`).",
    keys: &[
        Key {
            name: "name",
            unit: "—",
            presence: Described("mm<i>"),
            range: "any text",
            example: "\"as\"",
            meaning: "Label in the outputs, and the name shocks use for the group.",
        },
        Key {
            name: "book",
            unit: "—",
            presence: Described("the first book (`main` for a [market] scenario)"),
            range: "a [[book]]'s name",
            example: "\"main\"",
            meaning: "The book the group quotes.",
        },
        Key {
            name: "count",
            unit: "agents",
            presence: Required,
            range: "≥ 1; at most 10⁶ agents in the whole scenario",
            example: "3",
            meaning: "Number of makers in the group.",
        },
        Key {
            name: "strategy",
            unit: "—",
            presence: Required,
            range: "\"avellaneda_stoikov\" or \"fixed\"",
            example: "\"avellaneda_stoikov\"",
            meaning: "avellaneda_stoikov: reservation price r = s − q·γ·σ²·τ and total spread \
                      γσ²τ + (2/γ)·ln(1 + γ/k); fixed: a set half-spread, skewed by \
                      skew_ticks_per_lot.",
        },
        Key {
            name: "requote_interval_s",
            unit: "s",
            presence: Required,
            range: "10⁻⁶ to duration_s",
            example: "0.1",
            meaning: "Seconds between looks at the market; the first look is staggered \
                      within one interval.",
        },
        Key {
            name: "gamma",
            unit: "per tick",
            presence: Conditional("0.1 with avellaneda_stoikov; refused with fixed"),
            range: "> 0; the starting half-spread must fit the book",
            example: "0.005",
            meaning: "γ, risk aversion. The inventory term γσ²τ (ticks, σ in ticks/√s) is both \
                      part of the spread and the quotes' shift per lot of inventory.",
        },
        Key {
            name: "k",
            unit: "per tick",
            presence: Conditional("1.5 with avellaneda_stoikov; refused with fixed"),
            range: "> 0",
            example: "1.5",
            meaning: "k, decay of the fill intensity with distance from the mid: the spread \
                      term (2/γ)·ln(1 + γ/k) tends to 2/k ticks as γ → 0.",
        },
        Key {
            name: "horizon_s",
            unit: "s",
            presence: Conditional("60.0 with avellaneda_stoikov; refused with fixed"),
            range: "> 0",
            example: "10.0",
            meaning: "τ, the horizon in the formulas.",
        },
        Key {
            name: "half_spread_ticks",
            unit: "ticks",
            presence: Conditional("1.0 with fixed; refused with avellaneda_stoikov"),
            range: "> 0; must fit the book",
            example: "2.0",
            meaning: "Half-spread of the best quotes around the (skewed) mid.",
        },
        Key {
            name: "skew_ticks_per_lot",
            unit: "ticks per lot",
            presence: Conditional("0.0 with fixed; refused with avellaneda_stoikov"),
            range: "≥ 0",
            example: "0.1",
            meaning: "Shift of the quotes against the inventory, per lot.",
        },
        Key {
            name: "quote_rounding",
            unit: "—",
            presence: Default("\"outward\""),
            range: "\"outward\" or \"nearest\"",
            example: "\"nearest\"",
            meaning: "How the model's best prices become ticks: outward (bid down, ask up: \
                      never narrower than the model, about a tick wider on average) or each \
                      to its nearest tick. The ask stays at least a tick above the bid.",
        },
        Key {
            name: "levels",
            unit: "levels per side",
            presence: Required,
            range: "0 to 1000; 0 only for a group that hedges",
            example: "3",
            meaning: "Price levels quoted per side. 0: a desk that only hedges its options and \
                      inventory.",
        },
        Key {
            name: "level_spacing_ticks",
            unit: "ticks",
            presence: Default("1"),
            range: "1 to 16777216",
            example: "1",
            meaning: "Ticks between consecutive levels.",
        },
        Key {
            name: "lots_per_level",
            unit: "lots",
            presence: Required,
            range: "1 to 10⁹",
            example: "5",
            meaning: "Quantity at each level.",
        },
        Key {
            name: "max_position_lots",
            unit: "lots",
            presence: Required,
            range: "1 to 10⁹",
            example: "100",
            meaning: "Absolute inventory limit: a side whose fills could breach it is not \
                      quoted (the exchange's risk gate enforces it too).",
        },
        Key {
            name: "requote_tolerance_ticks",
            unit: "ticks",
            presence: Default("1"),
            range: "≥ 0",
            example: "0",
            meaning: "Quotes are replaced only when the target best price moved more than \
                      this, or the ladder lost quantity. 0 tracks the target exactly.",
        },
        Key {
            name: "vol_halflife_s",
            unit: "s",
            presence: Default("30.0"),
            range: "> 0",
            example: "30.0",
            meaning: "Half-life of the maker's own realised-volatility estimate (the σ of its \
                      formulas).",
        },
        Key {
            name: "vol_sample_interval_s",
            unit: "s",
            presence: Default("1.0"),
            range: "> 0",
            example: "1.0",
            meaning: "Seconds between the mid prices that estimate uses.",
        },
        Key {
            name: "sigma_prior_ticks_per_sqrt_s",
            unit: "ticks/√s",
            presence: Default("1.0"),
            range: "≥ 0",
            example: "2.0",
            meaning: "Volatility assumed before any observation.",
        },
        Key {
            name: "markout_horizon_s",
            unit: "s",
            presence: Default("5.0"),
            range: "> 0, at most duration_s",
            example: "5.0",
            meaning: "Each fill is scored by the mid this much later (its markout: adverse \
                      selection).",
        },
        Key {
            name: "latency_s",
            unit: "s",
            presence: Default("0.0"),
            range: "0 to duration_s",
            example: "0.01",
            meaning: "Delay between a decision and its arrival at the exchange.",
        },
        Key {
            name: "hedge",
            unit: "table",
            presence: Described("none: no hedging"),
            range: "see [market_maker.hedge]",
            example: "{ band_lots = 4, style = \"market\" }",
            meaning: "Hedging of each maker's net delta.",
        },
        Key {
            name: "options",
            unit: "tables",
            presence: Described("none"),
            range: "see [[market_maker.options]]",
            example: "[{ kind = \"call\", strike = 100.0, expiry = \"5d\", contracts = -10 }]",
            meaning: "The options each maker of the group holds from the open.",
        },
        Key {
            name: "client_flow",
            unit: "table",
            presence: Described("none"),
            range: "see [market_maker.client_flow]",
            example: "{ rate_per_s = 0.1, buy_share = 0.6, kinds = [\"call\"], strikes = \
                      [100.0], expiries = [\"5d\"], contracts = 1 }",
            meaning: "End-users trading options with the group's makers.",
        },
        Key {
            name: "option_vol",
            unit: "—",
            presence: Conditional("\"implied\" with options or client flow; refused without"),
            range: "\"implied\" or \"realised\"",
            example: "\"realised\"",
            meaning: "The volatility options are valued with: the implied one, or each \
                      maker's own estimate of its book's volatility (as a fraction of the mid \
                      per √s).",
        },
        Key {
            name: "implied_vol_per_sqrt_s",
            unit: "fraction/√s",
            presence: Conditional(
                "with options or client flow, this or implied_vol_annual is required",
            ),
            range: "> 0 and < 1",
            example: "0.0004",
            meaning: "Implied volatility per √second of the options' clock: options at the \
                      open and client trades are priced with it.",
        },
        Key {
            name: "implied_vol_annual",
            unit: "fraction/√year",
            presence: Conditional("instead of implied_vol_per_sqrt_s"),
            range: "> 0 and < 100",
            example: "0.2",
            meaning: "The implied volatility per √year of the [option_time] convention, \
                      resolved into implied_vol_per_sqrt_s.",
        },
        Key {
            name: "withdrawal",
            unit: "table",
            presence: Described("none: always quoting"),
            range: "see [market_maker.withdrawal]",
            example: "{ inventory = { withdraw = 0.9, exit = 0.5 } }",
            meaning: "The withdrawal state machine.",
        },
    ],
};

/// A withdrawal trigger's key in `[market_maker.withdrawal]`.
const fn trigger(name: &'static str, signal: &'static str, example: &'static str) -> Key {
    Key {
        name,
        unit: "table",
        presence: Described("none: the trigger is off"),
        range: "see [market_maker.withdrawal.<trigger>]",
        example,
        meaning: signal,
    }
}

pub(super) const WITHDRAWAL: Section = Section {
    name: "market_maker.withdrawal",
    paths: &["market_maker.withdrawal"],
    array: false,
    about: "Each maker of the group runs the state machine Quoting → Widened → Withdrawn → \
            Cooldown → Quoting on its own signals, at its looks. Each trigger is a table of \
            levels; a trigger without a table is off.",
    keys: &[
        Key {
            name: "min_time_in_state_s",
            unit: "s",
            presence: Default("5.0"),
            range: "0 to duration_s",
            example: "5.0",
            meaning: "Shortest time between two changes of state.",
        },
        Key {
            name: "cooldown_s",
            unit: "s",
            presence: Default("30.0"),
            range: "0 to duration_s",
            example: "30.0",
            meaning: "Time in Cooldown before quoting normally again.",
        },
        Key {
            name: "widen_spread_factor",
            unit: "×",
            presence: Default("2.0"),
            range: "1 to 10⁶",
            example: "2.0",
            meaning: "Widened: the half-spread is multiplied by this.",
        },
        Key {
            name: "widen_size_factor",
            unit: "fraction",
            presence: Default("0.5"),
            range: "in (0, 1]; at least one lot",
            example: "0.5",
            meaning: "Widened: the lots per level are multiplied by this.",
        },
        Key {
            name: "cooldown_size_factor",
            unit: "fraction",
            presence: Default("0.5"),
            range: "in (0, 1]",
            example: "0.5",
            meaning: "Cooldown: the lots per level are multiplied by this.",
        },
        Key {
            name: "unwind",
            unit: "—",
            presence: Default("false"),
            range: "true or false",
            example: "true",
            meaning: "Withdrawn: whether the maker trades its inventory back to flat with \
                      market orders at its looks (otherwise it only cancels its quotes).",
        },
        Key {
            name: "unwind_lots",
            unit: "lots",
            presence: Default("10"),
            range: "1 to 10⁹",
            example: "10",
            meaning: "With unwind: the largest market order per look.",
        },
        Key {
            name: "baseline_vol_halflife_s",
            unit: "s",
            presence: Default("300.0"),
            range: "> 0",
            example: "300.0",
            meaning: "Half-life of the trailing volatility baseline the volatility trigger \
                      compares with.",
        },
        Key {
            name: "toxicity_fills",
            unit: "fills",
            presence: Default("20"),
            range: "≥ 1",
            example: "20",
            meaning: "Fills over which the toxicity signal averages.",
        },
        Key {
            name: "hedge_failure_hedges",
            unit: "hedges",
            presence: Default("5"),
            range: "≥ 1",
            example: "5",
            meaning: "Hedges over which the hedge-failure signal averages.",
        },
        Key {
            name: "signal_halflife_s",
            unit: "s",
            presence: Default("60.0"),
            range: "> 0",
            example: "60.0",
            meaning: "Half-life with which the toxicity and hedge-failure signals fade toward \
                      0 between observations.",
        },
        trigger(
            "inventory",
            "Trigger on |inventory| / max_position_lots (a fraction).",
            "{ widen = 0.6, withdraw = 0.9, exit = 0.4 }",
        ),
        trigger(
            "volatility",
            "Trigger on the maker's volatility estimate over its trailing baseline (a ratio \
             of σ's).",
            "{ widen = 2.0, exit = 1.5 }",
        ),
        trigger(
            "toxicity",
            "Trigger on minus the recent mean markout, ticks per lot (positive: adverse \
             selection).",
            "{ withdraw = 3.0, exit = 1.0 }",
        ),
        trigger(
            "drawdown",
            "Trigger on the PnL below its running peak, currency.",
            "{ withdraw = 5000.0, exit = 1000.0 }",
        ),
        trigger(
            "hedge_failure",
            "Trigger on the unfilled share of recent hedges, 0 to 1 (hedging groups only).",
            "{ withdraw = 0.5, exit = 0.2 }",
        ),
        trigger(
            "loss",
            "Trigger on the loss (minus the PnL), currency: a loss limit.",
            "{ withdraw = 20000.0 }",
        ),
    ],
};

pub(super) const TRIGGER: Section = Section {
    name: "market_maker.withdrawal.<trigger>",
    paths: &[
        "market_maker.withdrawal.inventory",
        "market_maker.withdrawal.volatility",
        "market_maker.withdrawal.toxicity",
        "market_maker.withdrawal.drawdown",
        "market_maker.withdrawal.hedge_failure",
        "market_maker.withdrawal.loss",
    ],
    array: false,
    about: "One trigger's levels, in its signal's unit (see [market_maker.withdrawal]): \
            <trigger> is inventory, volatility, toxicity, drawdown, hedge_failure or loss. \
            At least one entry level (widen, withdraw); the exit below every entry level \
            (hysteresis).",
    keys: &[
        Key {
            name: "widen",
            unit: "the signal's",
            presence: Described("none: no widening on this signal"),
            range: "finite, at most withdraw",
            example: "0.6",
            meaning: "Widen at or above this value.",
        },
        Key {
            name: "withdraw",
            unit: "the signal's",
            presence: Described("none: no withdrawal on this signal"),
            range: "finite, at least widen",
            example: "0.9",
            meaning: "Withdraw at or above this value.",
        },
        Key {
            name: "exit",
            unit: "the signal's",
            presence: Described("none: once fired, the trigger never clears (a warning)"),
            range: "below every entry level",
            example: "0.4",
            meaning: "The trigger has cleared below this value.",
        },
    ],
};

pub(super) const HEDGE: Section = Section {
    name: "market_maker.hedge",
    paths: &["market_maker.hedge"],
    array: false,
    about: "Each maker trades its net delta (inventory over every book, plus its options' \
            delta) back toward a target whenever it leaves a band, at its looks, in the \
            chosen style. Keys of another style are refused.",
    keys: &[
        Key {
            name: "venue",
            unit: "—",
            presence: Described("the group's own book"),
            range: "a book's name, with the group's book's tick_size and lot_size",
            example: "\"thin\"",
            meaning: "The book the hedges go to.",
        },
        Key {
            name: "band_lots",
            unit: "lots",
            presence: Required,
            range: "0 to 10⁹",
            example: "4",
            meaning: "Half-width of the no-hedge band: the maker hedges when |net delta| > \
                      band_lots.",
        },
        Key {
            name: "target_lots",
            unit: "lots",
            presence: Default("0"),
            range: "−band_lots to band_lots",
            example: "0",
            meaning: "The net delta a hedge trades back to.",
        },
        Key {
            name: "hedge_ratio",
            unit: "fraction",
            presence: Default("1.0"),
            range: "in (0, 1]",
            example: "0.5",
            meaning: "Share of the distance from the net delta to the target that a hedge \
                      trades.",
        },
        Key {
            name: "style",
            unit: "—",
            presence: Required,
            range: "\"market\", \"ioc\", \"passive\" or \"sliced\"",
            example: "\"passive\"",
            meaning: "market: one market order; ioc: one IOC limit at the mid ± \
                      max_slippage_ticks; passive: post-only at the touch, escalated to an IOC \
                      after max_wait_s; sliced: child orders over horizon_s.",
        },
        Key {
            name: "max_slippage_ticks",
            unit: "ticks",
            presence: Conditional("required with ioc, passive and sliced; refused with market"),
            range: "0 to 16777216",
            example: "3",
            meaning: "An IOC's (or an escalation's) limit distance from the venue's mid when it \
                      is sent: above it for a buy, below for a sell.",
        },
        Key {
            name: "max_wait_s",
            unit: "s",
            presence: Conditional("required with passive; refused otherwise"),
            range: "> 0, at most duration_s",
            example: "2.0",
            meaning: "How long a passive hedge rests before its rest is escalated.",
        },
        Key {
            name: "improve",
            unit: "—",
            presence: Conditional(
                "false with passive and sliced passive children; refused otherwise",
            ),
            range: "true or false",
            example: "true",
            meaning: "Improve the touch by a tick when the spread is at least two ticks, \
                      instead of joining it.",
        },
        Key {
            name: "horizon_s",
            unit: "s",
            presence: Conditional("required with sliced; refused otherwise"),
            range: "> 0, at most duration_s",
            example: "10.0",
            meaning: "The time over which a sliced hedge's slices run.",
        },
        Key {
            name: "slices",
            unit: "slices",
            presence: Conditional("5 with sliced; refused otherwise"),
            range: "1 to 10000",
            example: "5",
            meaning: "The number of child orders of a sliced hedge.",
        },
        Key {
            name: "schedule",
            unit: "—",
            presence: Conditional("\"clock\" with sliced; refused otherwise"),
            range: "\"clock\" or \"volume\"",
            example: "\"volume\"",
            meaning: "clock: equal shares by the end of each slice; volume: a share \
                      (participation) of the venue's traded lots since the hedge started.",
        },
        Key {
            name: "participation",
            unit: "fraction",
            presence: Conditional(
                "required with sliced and schedule = \"volume\"; refused otherwise",
            ),
            range: "in (0, 1]",
            example: "0.2",
            meaning: "The share of the venue's traded lots a volume-paced hedge trades.",
        },
        Key {
            name: "child_style",
            unit: "—",
            presence: Conditional("\"passive\" with sliced; refused otherwise"),
            range: "\"passive\" or \"ioc\"",
            example: "\"ioc\"",
            meaning: "A sliced hedge's child orders: post-only at the touch (the rest escalated \
                      at the slice's end) or one IOC within max_slippage_ticks.",
        },
        Key {
            name: "min_interval_s",
            unit: "s",
            presence: Default("0.0"),
            range: "0 to duration_s",
            example: "1.0",
            meaning: "Shortest time between two hedge decisions of one maker.",
        },
        Key {
            name: "latency_s",
            unit: "s",
            presence: Described("the group's latency_s"),
            range: "0 to duration_s",
            example: "0.0",
            meaning: "Delay between a hedge decision and its orders' arrival.",
        },
    ],
};
