//! The options a maker group holds and trades: `[[market_maker.options]]` and its
//! `strike_ladder`, `[market_maker.client_flow]`, `[option_time]`.

use super::Presence::{Conditional, Default, Required};
use super::{Key, Section};

pub(super) const OPTIONS: Section = Section {
    name: "market_maker.options",
    paths: &["market_maker.options"],
    array: true,
    about: "One line of European options on the group's book (one strike, or a ladder of \
            strikes around the open), held by every maker of the group from the open and \
            booked at its Black–Scholes value. Give the strike as `strike` or \
            `strike_ladder`, the expiry as `expiry_s` or `expiry`, the size as `contracts`, \
            `gamma_lots_per_tick` or `gamma_lots_per_pct`.",
    keys: &[
        Key {
            name: "kind",
            unit: "—",
            presence: Required,
            range: "\"call\" or \"put\"",
            example: "\"call\"",
            meaning: "The right to buy, or to sell, at the strike.",
        },
        Key {
            name: "strike",
            unit: "currency",
            presence: Conditional("this or strike_ladder is required"),
            range: "> 0, a multiple of the book's tick_size",
            example: "100.0",
            meaning: "The strike.",
        },
        Key {
            name: "strike_ladder",
            unit: "table",
            presence: Conditional("this or strike is required"),
            range: "see [market_maker.options.strike_ladder]",
            example: "{ count = 5, spacing = 0.5 }",
            meaning: "A ladder of strikes around the open instead of one strike.",
        },
        Key {
            name: "expiry_s",
            unit: "s",
            presence: Conditional("this or expiry is required"),
            range: "> 0, at most 50 years; it may lie beyond the run's end",
            example: "117000.0",
            meaning: "Expiry, seconds of the options' clock from the open. The line settles in \
                      cash at the book's mid at the first step ending at or after it.",
        },
        Key {
            name: "expiry",
            unit: "—",
            presence: Conditional("this or expiry_s is required"),
            range: "a number and a unit: s, min, h, d or y (\"90s\", \"30min\", \"2h\", \
                    \"5d\", \"1y\")",
            example: "\"5d\"",
            meaning: "Expiry with a unit; d and y are days and years of the [option_time] \
                      convention. Resolved into expiry_s.",
        },
        Key {
            name: "contracts",
            unit: "contracts",
            presence: Conditional(
                "one of contracts, gamma_lots_per_tick and gamma_lots_per_pct is required",
            ),
            range: "≠ 0, −10⁹ to 10⁹",
            example: "-10",
            meaning: "Contracts per strike, signed: positive long, negative short.",
        },
        Key {
            name: "gamma_lots_per_tick",
            unit: "lots per tick",
            presence: Conditional("instead of contracts"),
            range: "−10⁹ to 10⁹",
            example: "-2.0",
            meaning: "Size the line by its gamma at the open: lots of delta per tick of spot, \
                      signed (positive: long gamma), for the whole line; 0 holds nothing.",
        },
        Key {
            name: "gamma_lots_per_pct",
            unit: "lots per 1 %",
            presence: Conditional("instead of contracts"),
            range: "−10⁹ to 10⁹",
            example: "-200.0",
            meaning: "Size the line by the lots its delta changes for a 1 % move of the spot \
                      at the open, signed.",
        },
        Key {
            name: "multiplier_lots",
            unit: "lots per contract",
            presence: Default("1"),
            range: "1 to 10⁹",
            example: "1",
            meaning: "Lots of the underlying per contract.",
        },
    ],
};

pub(super) const STRIKE_LADDER: Section = Section {
    name: "market_maker.options.strike_ladder",
    paths: &["market_maker.options.strike_ladder"],
    array: false,
    about: "`count` strikes `spacing` apart, centred on the open price (an odd count has \
            the open's nearest multiple of `spacing` in the middle; an even count straddles \
            it), each rounded to the book's tick. Usually written inline: \
            `strike_ladder = { count = 5, spacing = 0.5 }`.",
    keys: &[
        Key {
            name: "count",
            unit: "strikes",
            presence: Required,
            range: "1 to 101",
            example: "5",
            meaning: "Number of strikes.",
        },
        Key {
            name: "spacing",
            unit: "currency",
            presence: Required,
            range: "at least one tick; the lowest strike at least one tick",
            example: "0.5",
            meaning: "Distance between neighbouring strikes.",
        },
    ],
};

pub(super) const CLIENT_FLOW: Section = Section {
    name: "market_maker.client_flow",
    paths: &["market_maker.client_flow"],
    array: false,
    about: "End-users trading options with the group's makers, as a Poisson stream: each \
            arrival picks a maker, a series (kind × strike × expiry, among those not yet \
            expired) and a direction, and trades at the Black–Scholes price at the implied \
            volatility ± the edge.",
    keys: &[
        Key {
            name: "rate_per_s",
            unit: "per s",
            presence: Required,
            range: "> 0, at most 10⁶",
            example: "0.1",
            meaning: "Client trades per second, for the whole group.",
        },
        Key {
            name: "buy_share",
            unit: "fraction",
            presence: Required,
            range: "0 to 1",
            example: "0.6",
            meaning: "Share of client trades that are purchases: above ½ the makers drift \
                      short.",
        },
        Key {
            name: "kinds",
            unit: "—",
            presence: Required,
            range: "1 to 1000 of \"call\" and \"put\"",
            example: "[\"call\", \"put\"]",
            meaning: "The kinds the clients trade.",
        },
        Key {
            name: "strikes",
            unit: "currency",
            presence: Required,
            range: "1 to 1000 values, each > 0 and a multiple of tick_size",
            example: "[99.0, 100.0, 101.0]",
            meaning: "The strikes the clients trade.",
        },
        Key {
            name: "expiries_s",
            unit: "s",
            presence: Conditional("this or expiries is required"),
            range: "1 to 1000 values, each > 0 and at most 50 years",
            example: "[117000.0]",
            meaning: "The expiries the clients trade, seconds of the options' clock from the \
                      open.",
        },
        Key {
            name: "expiries",
            unit: "—",
            presence: Conditional("this or expiries_s is required"),
            range: "1 to 1000 values, each like a line's expiry",
            example: "[\"5d\", \"21d\"]",
            meaning: "The same with units; resolved into expiries_s.",
        },
        Key {
            name: "contracts",
            unit: "contracts",
            presence: Required,
            range: "1 to 10⁹",
            example: "1",
            meaning: "Contracts per client trade.",
        },
        Key {
            name: "multiplier_lots",
            unit: "lots per contract",
            presence: Default("1"),
            range: "1 to 10⁹",
            example: "1",
            meaning: "Lots of the underlying per contract.",
        },
        Key {
            name: "edge_vol_per_sqrt_s",
            unit: "fraction/√s",
            presence: Default("0.0"),
            range: "≥ 0, below the implied volatility",
            example: "0.00002",
            meaning: "The makers' volatility edge: clients buy at implied + edge and sell at \
                      implied − edge.",
        },
    ],
};

pub(super) const OPTION_TIME: Section = Section {
    name: "option_time",
    paths: &["option_time"],
    array: false,
    about: "How the options' time to expiry is counted: what the units d and y of an expiry, \
            and an annual volatility, mean. Only in a scenario whose makers hold options or \
            take client flow.",
    keys: &[
        Key {
            name: "convention",
            unit: "—",
            presence: Default("\"trading\""),
            range: "\"trading\" or \"calendar\"",
            example: "\"calendar\"",
            meaning: "trading: the simulated seconds are seconds of trading, a day is \
                      trading_day_s of them; calendar: a day is 86,400 s.",
        },
        Key {
            name: "trading_day_s",
            unit: "s",
            presence: Conditional("23400.0 with trading; refused with calendar"),
            range: "in (0, 86400]",
            example: "23400.0",
            meaning: "Seconds of trading in a day.",
        },
        Key {
            name: "days_per_year",
            unit: "days",
            presence: Conditional("252.0 with trading, 365.0 with calendar"),
            range: "in (0, 366]",
            example: "252.0",
            meaning: "Days in a year.",
        },
    ],
};
