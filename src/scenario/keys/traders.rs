//! The traders who are not market makers: `[[noise]]`, `[noise.stand_back]`, `[[informed]]`.

use super::Presence::{Conditional, Default, Described, Required};
use super::{Key, Section};

const COUNT: Key = Key {
    name: "count",
    unit: "agents",
    presence: Required,
    range: "≥ 1; at most 10⁶ agents in the whole scenario",
    example: "10",
    meaning: "Number of agents in the group.",
};

const BOOK: Key = Key {
    name: "book",
    unit: "—",
    presence: Described("the first book (`main` for a [market] scenario)"),
    range: "a [[book]]'s name",
    example: "\"main\"",
    meaning: "The book the group trades.",
};

const LATENCY_S: Key = Key {
    name: "latency_s",
    unit: "s",
    presence: Default("0.0"),
    range: "0 to duration_s",
    example: "0.05",
    meaning: "Delay between a decision and its arrival at the exchange.",
};

pub(super) const NOISE: Section = Section {
    name: "noise",
    paths: &["noise"],
    array: true,
    about: "A group of zero-intelligence traders (Smith, Farmer, Gillemot & Krishnamurthy \
            2003). Rates are the group's totals, shared equally by its `count` traders, each \
            an independent Poisson process.",
    keys: &[
        Key {
            name: "name",
            unit: "—",
            presence: Described("noise<i>"),
            range: "any text",
            example: "\"zi\"",
            meaning: "Label in the outputs, and the name shocks use for the group.",
        },
        BOOK,
        COUNT,
        Key {
            name: "mu_per_s",
            unit: "per s",
            presence: Required,
            range: "0 to 10⁶; mu_per_s and alpha_per_tick_s not both 0",
            example: "2.0",
            meaning: "μ: market orders per second, both sides together, half buys and half \
                      sells.",
        },
        Key {
            name: "alpha_per_tick_s",
            unit: "per tick per s",
            presence: Required,
            range: "0 to 10⁶; 2 × α × window_ticks at most 10⁶",
            example: "0.5",
            meaning: "α: limit orders per second per tick of price, per side.",
        },
        Key {
            name: "delta_per_s",
            unit: "per s",
            presence: Required,
            range: "0 to 10⁶ (0: never cancelled)",
            example: "0.1",
            meaning: "δ: the rate at which each resting limit order is cancelled (its mean \
                      life is 1/δ).",
        },
        Key {
            name: "sigma_lots",
            unit: "lots",
            presence: Required,
            range: "1 to 10⁹",
            example: "2",
            meaning: "σ: the size of every order.",
        },
        Key {
            name: "window_ticks",
            unit: "ticks",
            presence: Required,
            range: "1 to 16777216",
            example: "20",
            meaning: "W: a limit order is placed 1 to W ticks beyond the opposite best quote, \
                      uniformly, at the moment it arrives (never crossing).",
        },
        LATENCY_S,
        Key {
            name: "stand_back",
            unit: "table",
            presence: Described("none: the flow ignores volatility"),
            range: "see [noise.stand_back]",
            example: "{ vol_threshold_ticks_per_sqrt_s = 6.0, limit_rate_factor = 0.5 }",
            meaning: "Fewer and farther limit orders while the public volatility is high.",
        },
        Key {
            name: "hawkes",
            unit: "table",
            presence: Described("none: market orders arrive as a Poisson process"),
            range: "see [noise.hawkes]",
            example: "{ branching_ratio = 0.9, decay_per_s = 0.1 }",
            meaning: "Self-exciting (Hawkes) activity: the group's market orders excite its \
                      whole flow; the mean rates stay mu_per_s, alpha_per_tick_s and \
                      delta_per_s. See docs/order-flow.md.",
        },
        Key {
            name: "feedback",
            unit: "table",
            presence: Described("none: the limit-order rate ignores volatility"),
            range: "see [noise.feedback]",
            example: "{ strength = 1.0, vol_ref_ticks_per_sqrt_s = 1.0 }",
            meaning: "Continuous volatility → liquidity feedback: fewer limit orders as the \
                      public volatility rises above a reference. See docs/order-flow.md.",
        },
    ],
};

pub(super) const HAWKES: Section = Section {
    name: "noise.hawkes",
    paths: &["noise.hawkes"],
    array: false,
    about: "The group's market orders are a Hawkes process with an exponential kernel, \
            λ(t) = μ(1 − n) + Σ n·β·e^{−β(t − tᵢ)} over its past market orders tᵢ, so their mean \
            rate stays mu_per_s; its limit orders and cancellations follow the same activity. \
            Needs mu_per_s > 0.",
    keys: &[
        Key {
            name: "branching_ratio",
            unit: "—",
            presence: Required,
            range: "0 ≤ n < 1",
            example: "0.9",
            meaning: "n: market orders one market order triggers directly, on average.",
        },
        Key {
            name: "decay_per_s",
            unit: "per s",
            presence: Required,
            range: "> 0, at most 10⁶",
            example: "0.1",
            meaning: "β: the kernel's decay rate; an excitation lasts about 1/β seconds.",
        },
    ],
};

pub(super) const FEEDBACK: Section = Section {
    name: "noise.feedback",
    paths: &["noise.feedback"],
    array: false,
    about: "The group's limit-order rate is multiplied by exp(−strength · max(0, σ̂/σ₀ − 1)), \
            σ̂ the book's public realised volatility at the step's start and σ₀ \
            vol_ref_ticks_per_sqrt_s: unchanged while σ̂ ≤ σ₀, smoothly fewer orders above it.",
    keys: &[
        Key {
            name: "strength",
            unit: "—",
            presence: Required,
            range: "0 to 50 (0: no feedback)",
            example: "1.0",
            meaning: "s: how strongly limit orders dry up per unit of relative excess \
                      volatility.",
        },
        Key {
            name: "vol_ref_ticks_per_sqrt_s",
            unit: "ticks/√s",
            presence: Required,
            range: "> 0",
            example: "1.0",
            meaning: "σ₀: the volatility below which the feedback is silent.",
        },
        Key {
            name: "after_s",
            unit: "s",
            presence: Default("0.0"),
            range: "≥ 0",
            example: "300.0",
            meaning: "The feedback is silent before this time: lets a book that opens empty \
                      form first.",
        },
    ],
};

pub(super) const STAND_BACK: Section = Section {
    name: "noise.stand_back",
    paths: &["noise.stand_back"],
    array: false,
    about: "While the book's public realised volatility of the mid exceeds a threshold, the \
            group sends fewer limit orders and places them farther out.",
    keys: &[
        Key {
            name: "vol_threshold_ticks_per_sqrt_s",
            unit: "ticks/√s",
            presence: Required,
            range: "> 0",
            example: "6.0",
            meaning: "The realised volatility above which the traders stand back.",
        },
        Key {
            name: "limit_rate_factor",
            unit: "fraction",
            presence: Required,
            range: "0 to 1",
            example: "0.5",
            meaning: "The share of limit orders still sent while standing back.",
        },
        Key {
            name: "extra_offset_ticks",
            unit: "ticks",
            presence: Default("0"),
            range: "0 to 16777216",
            example: "3",
            meaning: "Ticks added to each limit order's distance from the opposite best quote \
                      while standing back.",
        },
    ],
};

pub(super) const INFORMED: Section = Section {
    name: "informed",
    paths: &["informed"],
    array: true,
    about: "Traders who observe the fundamental value (possibly late and noisy) and trade \
            toward it with immediate-or-cancel limits: the makers' adverse selection.",
    keys: &[
        Key {
            name: "name",
            unit: "—",
            presence: Described("informed<i>"),
            range: "any text",
            example: "\"informed\"",
            meaning: "Label in the outputs, and the name shocks use for the group.",
        },
        BOOK,
        COUNT,
        Key {
            name: "rate_per_s",
            unit: "per s",
            presence: Required,
            range: "> 0, at most 10⁶",
            example: "1.0",
            meaning: "Each trader looks at the market at Poisson times with this rate.",
        },
        Key {
            name: "rule",
            unit: "—",
            presence: Default("\"threshold\""),
            range: "\"threshold\" or \"target_position\"",
            example: "\"target_position\"",
            meaning: "threshold: buy order_lots whenever value − mid exceeds the threshold \
                      (sell when below) and hold; target_position: trade toward a position \
                      that grows with the gap, unwinding as the price converges.",
        },
        Key {
            name: "threshold_ticks",
            unit: "ticks",
            presence: Required,
            range: "≥ 0",
            example: "5.0",
            meaning: "Trades only when |observed value − mid| exceeds this.",
        },
        Key {
            name: "target_lots_per_tick",
            unit: "lots per tick",
            presence: Conditional(
                "required with rule = \"target_position\", refused with \"threshold\"",
            ),
            range: "> 0",
            example: "2.0",
            meaning: "Lots of target position per tick of gap beyond the threshold, clipped \
                      at the position limit.",
        },
        Key {
            name: "order_lots",
            unit: "lots",
            presence: Required,
            range: "1 to 10⁹",
            example: "5",
            meaning: "Largest order; orders are IOC limits at the price the rule allows.",
        },
        Key {
            name: "max_position_lots",
            unit: "lots",
            presence: Required,
            range: "order_lots to 10⁹",
            example: "200",
            meaning: "Absolute position limit (the exchange's risk gate enforces it).",
        },
        Key {
            name: "observation_noise_ticks",
            unit: "ticks",
            presence: Default("0.0"),
            range: "≥ 0",
            example: "1.0",
            meaning: "Standard deviation of the error in each observation of the value.",
        },
        Key {
            name: "observation_delay_s",
            unit: "s",
            presence: Default("0.0"),
            range: "0 to duration_s, at most 10⁶ steps; rounded to whole steps",
            example: "0.5",
            meaning: "The value observed is this old.",
        },
        LATENCY_S,
    ],
};
