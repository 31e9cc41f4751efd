//! Scheduled shocks and what a run writes: `[[shocks]]`, `[output]`, `[output.collapse]`.

use super::Presence::{Conditional, Default, Described, Required};
use super::{Key, Section};

pub(super) const SHOCKS: Section = Section {
    name: "shocks",
    paths: &["shocks"],
    array: true,
    about: "One scheduled shock, in any order. Each kind takes its own keys (beyond kind and \
            start_s) and refuses the others: fundamental_jump a size; volatility a duration \
            and factor; informed_burst, noise_liquidity, maker_limit, loss_limit and latency \
            a duration, factor and group; sell_program and buy_program a quantity and \
            participation.",
    keys: &[
        Key {
            name: "kind",
            unit: "—",
            presence: Required,
            range: "\"fundamental_jump\", \"volatility\", \"informed_burst\", \
                    \"noise_liquidity\", \"sell_program\", \"buy_program\", \
                    \"maker_limit\", \"loss_limit\" or \"latency\"",
            example: "\"sell_program\"",
            meaning: "What the shock does: jump the value; multiply the fundamental's \
                      volatility, a group's informed look rate, noise limit-order rate, \
                      makers' position limit, loss limit or latency; or sell or buy a program \
                      at a share of the volume.",
        },
        Key {
            name: "start_s",
            unit: "s",
            presence: Required,
            range: "0 ≤ start_s < duration_s",
            example: "600.0",
            meaning: "When it starts, from the open.",
        },
        Key {
            name: "duration_s",
            unit: "s",
            presence: Conditional("required with every kind but fundamental_jump and the programs"),
            range: "> 0; cut at the run's end",
            example: "120.0",
            meaning: "How long it lasts.",
        },
        Key {
            name: "group",
            unit: "—",
            presence: Conditional(
                "required with informed_burst, noise_liquidity, maker_limit, loss_limit and \
                 latency",
            ),
            range: "an [[informed]] (informed_burst), [[noise]] (noise_liquidity) or \
                    [[market_maker]] group's name (the others; loss_limit: one with a loss \
                    trigger)",
            example: "\"zi\"",
            meaning: "The group it acts on.",
        },
        Key {
            name: "factor",
            unit: "×",
            presence: Conditional("required with every kind but fundamental_jump and the programs"),
            range: "> 0, at most 1000",
            example: "0.2",
            meaning: "The multiplier.",
        },
        Key {
            name: "size_ticks",
            unit: "ticks",
            presence: Conditional("fundamental_jump: this or size_fraction is required"),
            range: "finite, signed",
            example: "-60.0",
            meaning: "The jump, in ticks of the first book.",
        },
        Key {
            name: "size_fraction",
            unit: "fraction",
            presence: Conditional("fundamental_jump: this or size_ticks is required"),
            range: "> −1, signed",
            example: "-0.05",
            meaning: "The jump as a fraction of the value.",
        },
        Key {
            name: "quantity_lots",
            unit: "lots",
            presence: Conditional("required with the programs"),
            range: "1 to 10⁹",
            example: "4000",
            meaning: "The program's total quantity.",
        },
        Key {
            name: "participation",
            unit: "fraction",
            presence: Conditional("required with the programs"),
            range: "in (0, 1]",
            example: "0.4",
            meaning: "The program's target share of the volume traded in its book over the \
                      trailing window_s.",
        },
        Key {
            name: "window_s",
            unit: "s",
            presence: Conditional("60.0 with the programs"),
            range: "at least dt_s, at most duration_s",
            example: "60.0",
            meaning: "The trailing window a program measures the volume over.",
        },
        Key {
            name: "interval_s",
            unit: "s",
            presence: Conditional("1.0 with the programs"),
            range: "at least dt_s, at most duration_s",
            example: "1.0",
            meaning: "Time between a program's child orders.",
        },
        Key {
            name: "min_child_lots",
            unit: "lots",
            presence: Conditional("1 with the programs"),
            range: "1 to 10⁹",
            example: "1",
            meaning: "A program's smallest child order: less owed waits.",
        },
        Key {
            name: "max_child_lots",
            unit: "lots",
            presence: Conditional("no bound, with the programs"),
            range: "min_child_lots to 10⁹",
            example: "50",
            meaning: "A program's largest child order.",
        },
        Key {
            name: "book",
            unit: "—",
            presence: Conditional("the first book, with the programs"),
            range: "a book's name",
            example: "\"main\"",
            meaning: "The book a program trades.",
        },
    ],
};

pub(super) const OUTPUT: Section = Section {
    name: "output",
    paths: &["output"],
    array: false,
    about: "What a run writes, and how often. Every file and column is in docs/outputs.md.",
    keys: &[
        Key {
            name: "sample_interval_s",
            unit: "s",
            presence: Default("1.0"),
            range: "> 0; at least one step",
            example: "1.0",
            meaning: "Seconds between rows of book.csv and l2.csv.",
        },
        Key {
            name: "agents_sample_interval_s",
            unit: "s",
            presence: Default("10.0"),
            range: "> 0; at least one step",
            example: "10.0",
            meaning: "Seconds between snapshots of every agent in agents.csv.",
        },
        Key {
            name: "depth_bands_ticks",
            unit: "ticks",
            presence: Default("[5, 10]"),
            range: "at least one band, each 1 to 16777216, none twice",
            example: "[5, 10, 25]",
            meaning: "book.csv has the resting lots within each of these many ticks of the \
                      mid, per side; summary.csv averages the first.",
        },
        Key {
            name: "l2_levels",
            unit: "levels per side",
            presence: Default("5"),
            range: "≥ 0 (0: no l2.csv)",
            example: "5",
            meaning: "Price levels per side written to l2.csv at each sample.",
        },
        Key {
            name: "trades",
            unit: "—",
            presence: Default("true"),
            range: "true or false",
            example: "false",
            meaning: "Write trades.csv (every fill).",
        },
        Key {
            name: "quotes",
            unit: "—",
            presence: Default("true"),
            range: "true or false",
            example: "false",
            meaning: "Write quotes.csv (a row per maker requote: what it wanted).",
        },
        Key {
            name: "hedges",
            unit: "—",
            presence: Default("true"),
            range: "true or false",
            example: "false",
            meaning: "Write hedges.csv (a row per finished hedge), when some group hedges.",
        },
        Key {
            name: "options",
            unit: "—",
            presence: Default("true"),
            range: "true or false",
            example: "false",
            meaning: "Write options.csv (the open, client trades, expiries), when some group \
                      holds options or takes client flow.",
        },
        Key {
            name: "lobster_levels",
            unit: "levels per side",
            presence: Default("0"),
            range: "0 to 1000 (0: no LOBSTER files); the book's tick a whole number of \
                    hundredths of a cent",
            example: "10",
            meaning: "Write lobster_message.csv and lobster_orderbook.csv (this many levels \
                      per side) for one book, in the LOBSTER format. See docs/lobster.md.",
        },
        Key {
            name: "lobster_book",
            unit: "—",
            presence: Described("the first book"),
            range: "a [[book]]'s name (`main` for a [market] scenario)",
            example: "\"main\"",
            meaning: "The book the LOBSTER files describe.",
        },
        Key {
            name: "format",
            unit: "—",
            presence: Default("\"csv\""),
            range: "\"csv\" or \"parquet\" (\"parquet\" only in a build with the `parquet` \
                    feature, such as the Python module's)",
            example: "\"csv\"",
            meaning: "The tables' file format: comma-separated text, or one zstd-compressed \
                      `.parquet` file per table with the same columns, typed. summary.csv is \
                      written in either. See docs/python.md.",
        },
        Key {
            name: "collapse",
            unit: "table",
            presence: Described("the defaults of [output.collapse]"),
            range: "see [output.collapse]",
            example: "{ band_ticks = 5, fraction = 0.5 }",
            meaning: "How depth-collapse episodes (episodes.csv) are detected.",
        },
    ],
};

pub(super) const COLLAPSE: Section = Section {
    name: "output.collapse",
    paths: &["output.collapse"],
    array: false,
    about: "A depth-collapse episode, per book and side, starts when the depth within \
            `band_ticks` of the mid stays below `fraction` of its baseline (or at 0) for at \
            least `min_duration_s`, and ends when it has been back at or above `recover` of \
            it for as long. The detector looks every `cadence_s`, whatever the output's \
            sampling.",
    keys: &[
        Key {
            name: "band_ticks",
            unit: "ticks",
            presence: Default("5"),
            range: "1 to 16777216",
            example: "5",
            meaning: "Depth is the resting lots within this many ticks of the mid, per side.",
        },
        Key {
            name: "cadence_s",
            unit: "s",
            presence: Described("0.2 rounded up to whole steps"),
            range: "a positive whole number of steps, at most min_duration_s",
            example: "0.2",
            meaning: "Seconds between the detector's looks at the book.",
        },
        Key {
            name: "baseline",
            unit: "—",
            presence: Default("\"trailing_median\""),
            range: "\"trailing_median\" or \"pre_shock_mean\" (needs a shock after the first \
                    look)",
            example: "\"pre_shock_mean\"",
            meaning: "trailing_median: the median depth of the last baseline_window_s of calm \
                      time; pre_shock_mean: the mean depth before the first shock.",
        },
        Key {
            name: "baseline_window_s",
            unit: "s",
            presence: Default("300.0"),
            range: "> 0, at least cadence_s",
            example: "300.0",
            meaning: "The trailing median's window of calm time.",
        },
        Key {
            name: "fraction",
            unit: "fraction",
            presence: Default("0.5"),
            range: "in (0, 1), below recover",
            example: "0.5",
            meaning: "f: depth below this fraction of the baseline is a dip.",
        },
        Key {
            name: "recover",
            unit: "fraction",
            presence: Default("0.8"),
            range: "above fraction, at most 1",
            example: "0.8",
            meaning: "g: depth at or above this fraction of the baseline is recovered.",
        },
        Key {
            name: "min_duration_s",
            unit: "s",
            presence: Default("5.0"),
            range: "0 to duration_s",
            example: "5.0",
            meaning: "d: how long a dip must last to be an episode, and a recovery to end one.",
        },
        Key {
            name: "impact_window_s",
            unit: "s",
            presence: Default("300.0"),
            range: "> 0",
            example: "300.0",
            meaning: "The square-root law: σ and V are measured over this window before an \
                      episode.",
        },
        Key {
            name: "impact_horizon_s",
            unit: "s",
            presence: Default("10.0"),
            range: "at least cadence_s, below impact_window_s",
            example: "10.0",
            meaning: "The square-root law: σ comes from price changes over this horizon.",
        },
        Key {
            name: "impact_permanent_after_s",
            unit: "s",
            presence: Default("60.0"),
            range: "≥ 0",
            example: "60.0",
            meaning: "The square-root law: the permanent move is read this long after an \
                      episode's end.",
        },
        Key {
            name: "require_detection",
            unit: "—",
            presence: Described(
                "true when the file has an [output.collapse] table or a --set into it",
            ),
            range: "true or false",
            example: "true",
            meaning: "Whether a run too short for the baseline (no collapse detectable) is an \
                      error, exit 2, rather than a warning.",
        },
    ],
};
