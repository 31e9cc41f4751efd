//! The `[[shocks]]` sections: the kinds of scheduled shock and their keys.

use super::*;

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
