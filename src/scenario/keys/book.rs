//! The run, the books and the fundamental value: `[run]`, `[market]`, `[[book]]`,
//! `[market.halt]`, `[market.price_bands]`, `[fundamental]`.

use super::Presence::{Default, Described, Required};
use super::{Key, Section};

pub(super) const RUN: Section = Section {
    name: "run",
    paths: &["run"],
    array: false,
    about: "Identity, length and time step of a run.",
    keys: &[
        Key {
            name: "name",
            unit: "—",
            presence: Described("the file's stem"),
            range: "a plain folder name: not empty, `.` or `..`, at most 200 bytes, no `/`",
            example: "\"baseline\"",
            meaning: "Name of the run's output folder, output/<name>/seed-<seed>/.",
        },
        Key {
            name: "seed",
            unit: "—",
            presence: Required,
            range: "0 to 18446744073709551615",
            example: "42",
            meaning: "Master seed: every random stream derives from it. `--seed` overrides it.",
        },
        Key {
            name: "duration_s",
            unit: "s",
            presence: Required,
            range: "> 0, at most 10⁹; rounded to whole steps",
            example: "3600.0",
            meaning: "Simulated time.",
        },
        Key {
            name: "dt_s",
            unit: "s",
            presence: Required,
            range: "at least 10⁻⁹ and at most duration_s; at most 10¹⁰ steps",
            example: "0.01",
            meaning: "Step length: agents decide once per step from the market as it stood at \
                      the step's start (their reaction time); orders still arrive at exact \
                      times inside the step.",
        },
    ],
};

const TICK_SIZE: Key = Key {
    name: "tick_size",
    unit: "currency",
    presence: Required,
    range: "> 0",
    example: "0.01",
    meaning: "Price increment: every book price is a whole number of ticks.",
};

const LOT_SIZE: Key = Key {
    name: "lot_size",
    unit: "units per lot",
    presence: Default("1"),
    range: "1 to 10⁹",
    example: "100",
    meaning: "Units of the instrument per lot: cash and PnL are in currency for lot_size \
              units per lot.",
};

const MAX_SPAN_TICKS: Key = Key {
    name: "max_span_ticks",
    unit: "ticks",
    presence: Default("262144"),
    range: "64 to 16777216",
    example: "262144",
    meaning: "Widest price range the book may hold at once (memory: up to 24 bytes a tick).",
};

const SELF_TRADE: Key = Key {
    name: "self_trade",
    unit: "—",
    presence: Default("\"cancel_resting\""),
    range: "\"cancel_resting\", \"cancel_incoming\" or \"allow\"",
    example: "\"cancel_incoming\"",
    meaning: "What an order that would trade with its owner's resting order does: cancel \
              the resting order and keep matching, drop the arriving order's remainder, or \
              trade.",
};

const VOL_HALFLIFE_S: Key = Key {
    name: "vol_halflife_s",
    unit: "s",
    presence: Default("10.0"),
    range: "> 0",
    example: "10.0",
    meaning: "Half-life of the book's public realised-volatility estimate of the mid, which \
              noise traders' stand-back reads.",
};

const VOL_SAMPLE_INTERVAL_S: Key = Key {
    name: "vol_sample_interval_s",
    unit: "s",
    presence: Default("1.0"),
    range: "> 0",
    example: "1.0",
    meaning: "Seconds between the mid prices that public volatility estimate uses.",
};

const HALT_KEY: Key = Key {
    name: "halt",
    unit: "table",
    presence: Described("none: no halt"),
    range: "see [market.halt]",
    example: "{ move_ticks = 50, window_s = 60.0, pause_s = 30.0 }",
    meaning: "A volatility halt on this book.",
};

const PRICE_BANDS_KEY: Key = Key {
    name: "price_bands",
    unit: "table",
    presence: Described("none: no bands"),
    range: "see [market.price_bands]",
    example: "{ fraction = 0.05, reference_interval_s = 300.0 }",
    meaning: "Price bands (limit up–limit down) on this book.",
};

pub(super) const MARKET: Section = Section {
    name: "market",
    paths: &["market"],
    array: false,
    about: "The instrument and its one book, named `main` in the outputs. A scenario gives \
            either `[market]` or several `[[book]]` tables.",
    keys: &[
        TICK_SIZE,
        LOT_SIZE,
        Key {
            name: "initial_price",
            unit: "currency",
            presence: Required,
            range: "> 0, between 1 and 10¹⁵ ticks; rounded to the nearest tick",
            example: "100.0",
            meaning: "Opening price: the fundamental's start, and the price agents use before \
                      the first trade.",
        },
        MAX_SPAN_TICKS,
        SELF_TRADE,
        VOL_HALFLIFE_S,
        VOL_SAMPLE_INTERVAL_S,
        HALT_KEY,
        PRICE_BANDS_KEY,
    ],
};

pub(super) const BOOK: Section = Section {
    name: "book",
    paths: &["book"],
    array: true,
    about: "One order book, when a scenario trades several (instead of `[market]`). Every \
            book is its own exchange; all follow the one fundamental value, each offset by \
            its `basis`. Agent groups name theirs with `book = \"name\"` (default: the first).",
    keys: &[
        Key {
            name: "name",
            unit: "—",
            presence: Required,
            range: "not empty, unique among the books",
            example: "\"thin\"",
            meaning: "The book's name, as groups' `book` keys and the outputs' `book` column \
                      write it.",
        },
        TICK_SIZE,
        LOT_SIZE,
        Key {
            name: "initial_price",
            unit: "currency",
            presence: Required,
            range: "> 0, between 1 and 10¹⁵ ticks; rounded to the nearest tick",
            example: "50.0",
            meaning: "Opening price. The fundamental starts at the first book's \
                      initial_price − basis.",
        },
        MAX_SPAN_TICKS,
        SELF_TRADE,
        Key {
            name: "basis",
            unit: "currency",
            presence: Default("0.0"),
            range: "finite; every book's starting value, fundamental + basis, > 0",
            example: "0.5",
            meaning: "Constant offset of this book's value from the shared fundamental: its \
                      informed traders see fundamental + basis.",
        },
        VOL_HALFLIFE_S,
        VOL_SAMPLE_INTERVAL_S,
        HALT_KEY,
        PRICE_BANDS_KEY,
    ],
};

pub(super) const HALT: Section = Section {
    name: "market.halt",
    paths: &["market.halt", "book.halt"],
    array: false,
    about: "A volatility halt (CME-style stop logic): a trade that prints at least \
            `move_ticks` from a trade of the last `window_s` halts the book for `pause_s`. \
            Requests arriving during the halt are held and processed at the reopening in \
            arrival order.",
    keys: &[
        Key {
            name: "move_ticks",
            unit: "ticks",
            presence: Required,
            range: "≥ 1",
            example: "50",
            meaning: "The move that halts.",
        },
        Key {
            name: "window_s",
            unit: "s",
            presence: Required,
            range: "at least dt_s, at most duration_s",
            example: "60.0",
            meaning: "The trailing window the move is measured over.",
        },
        Key {
            name: "pause_s",
            unit: "s",
            presence: Required,
            range: "at least dt_s, at most duration_s",
            example: "30.0",
            meaning: "How long the book stays halted.",
        },
        Key {
            name: "max_held_orders",
            unit: "requests",
            presence: Default("100000"),
            range: "1 to 10⁸",
            example: "100000",
            meaning: "Most requests the halted book holds at once; beyond that new orders are \
                      rejected (and counted) and cancels are carried out at once.",
        },
    ],
};

pub(super) const PRICE_BANDS: Section = Section {
    name: "market.price_bands",
    paths: &["market.price_bands", "book.price_bands"],
    array: false,
    about: "Price bands (limit up–limit down style): orders are repriced so that none \
            trades more than `fraction` away from a reference, the last trade price at the \
            start of each `reference_interval_s`.",
    keys: &[
        Key {
            name: "fraction",
            unit: "fraction",
            presence: Required,
            range: "in (0, 1)",
            example: "0.05",
            meaning: "The band's half-width as a fraction of the reference price.",
        },
        Key {
            name: "reference_interval_s",
            unit: "s",
            presence: Required,
            range: "at least dt_s, at most duration_s",
            example: "300.0",
            meaning: "Seconds between resets of the reference to the last trade price.",
        },
    ],
};

pub(super) const FUNDAMENTAL: Section = Section {
    name: "fundamental",
    paths: &["fundamental"],
    array: false,
    about: "The latent value informed traders observe (with noise and delay), moved by \
            diffusion, jumps and scheduled shocks.",
    keys: &[
        Key {
            name: "model",
            unit: "—",
            presence: Required,
            range: "\"random_walk\" or \"gbm\"",
            example: "\"random_walk\"",
            meaning: "An arithmetic random walk (dV = σ dW, in currency) or a driftless \
                      geometric Brownian motion (dV/V = σ dW).",
        },
        Key {
            name: "volatility_per_sqrt_s",
            unit: "currency/√s (random_walk), fraction/√s (gbm)",
            presence: Required,
            range: "≥ 0; a 4-standard-deviation path over the run must keep the value \
                    positive (random_walk) or within a factor 1000 (gbm)",
            example: "0.02",
            meaning: "The diffusion σ. In ticks per √s: σ / tick_size (random_walk), \
                      σ × price / tick_size (gbm).",
        },
        Key {
            name: "jump_rate_per_s",
            unit: "per s",
            presence: Default("0.0"),
            range: "0 to 10⁶",
            example: "0.001",
            meaning: "Poisson rate of jumps.",
        },
        Key {
            name: "jump_mean",
            unit: "currency (random_walk), log-return (gbm)",
            presence: Default("0.0"),
            range: "finite",
            example: "0.0",
            meaning: "Mean jump.",
        },
        Key {
            name: "jump_sd",
            unit: "currency (random_walk), log-return (gbm)",
            presence: Default("0.0"),
            range: "≥ 0",
            example: "0.2",
            meaning: "Standard deviation of a jump.",
        },
    ],
};
