//! The options a market-maker group holds (`[[market_maker.options]]`), the clients who trade
//! options with it (`[market_maker.client_flow]`), and the scenario's time-to-expiry
//! convention (`[option_time]`).

use super::one_u64;
use serde::{Deserialize, Serialize};

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

/// `[[market_maker.options]]`: one line of European options on the group's book (one strike,
/// or a ladder of strikes around the open), held by every maker of the group from the open,
/// booked at its Black–Scholes value at the implied volatility (so a maker's PnL starts at
/// 0). Give the strike as `strike` or `strike_ladder`, the expiry as `expiry_s` or `expiry`,
/// and the size as `contracts`, `gamma_lots_per_tick` or `gamma_lots_per_pct`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionLineParams {
    /// "call" or "put".
    pub kind: OptionKindParam,
    /// Strike, currency (> 0; a multiple of the book's tick_size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike: Option<f64>,
    /// A ladder of strikes around the open instead of one `strike`; see [`StrikeLadder`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_ladder: Option<StrikeLadder>,
    /// Expiry, seconds of the options' clock from the open (> 0; it may lie beyond the run's
    /// end: the options then live on after it). The line settles in cash at the book's mid at
    /// the first step ending at or after it. The resolved scenario always gives this key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_s: Option<f64>,
    /// Expiry as a number and a unit, e.g. "90s", "30min", "2h", "1d", "21d", "1y": `d` and
    /// `y` are days and years of the `[option_time]` convention (a trading day of
    /// `trading_day_s`, or a calendar day of 86 400 s). Resolved into `expiry_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
    /// Contracts per strike, signed: positive long, negative short (≠ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts: Option<i64>,
    /// Size the line by its gamma at the open instead: lots of the underlying per tick of
    /// spot, signed (positive: long gamma), for the whole line (every strike of a ladder
    /// together), at the open price and the implied volatility. The contracts per strike are
    /// this over the line's gamma per contract, rounded to the nearest whole contract (at
    /// least one), so the gamma achieved is within half a contract's of it (options.csv's
    /// `open` rows give the contracts). 0: the line holds nothing (a control point in a
    /// sweep over the gamma position).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamma_lots_per_tick: Option<f64>,
    /// Size the line by the lots of the underlying its delta changes by for a 1 % move of
    /// the spot at the open, signed (positive: long gamma): `gamma_lots_per_tick × 1 % of the
    /// open price in ticks`. The trader's "lots to trade per 1 % move".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamma_lots_per_pct: Option<f64>,
    /// Lots of the underlying per contract (≥ 1). Default 1.
    #[serde(default = "one_u64")]
    pub multiplier_lots: u64,
}

/// `strike_ladder = { count = 5, spacing = 0.50 }`: `count` strikes `spacing` apart, centred
/// on the open price (an odd count has the open's nearest multiple of `spacing` in the
/// middle; an even count straddles it), each rounded to the book's tick.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrikeLadder {
    /// Number of strikes (1 to 101).
    pub count: u32,
    /// Distance between neighbouring strikes, currency (> 0, at least one tick).
    pub spacing: f64,
}

impl StrikeLadder {
    /// The strikes around the open price `open` (currency), lowest first, before rounding to
    /// the tick: an odd count has the multiple of `spacing` nearest the open in the middle, an
    /// even one straddles the open's nearest odd multiple of half the spacing.
    pub fn strikes(&self, open: f64) -> Vec<f64> {
        let n = f64::from(self.count);
        let centre = if self.count % 2 == 1 {
            (open / self.spacing).round() * self.spacing
        } else {
            ((open / self.spacing - 0.5).round() + 0.5) * self.spacing
        };
        (0..self.count)
            .map(|i| centre + (f64::from(i) - (n - 1.0) / 2.0) * self.spacing)
            .collect()
    }
}

/// How time to expiry is counted, for every option of the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TimeConvention {
    /// Trading time: the simulated seconds are seconds of trading; a day is `trading_day_s`
    /// of them and a year `days_per_year` days (default 252).
    #[default]
    Trading,
    /// Calendar time: a day is 86 400 s and a year `days_per_year` days (default 365); the
    /// simulated seconds count as calendar seconds.
    Calendar,
}

/// `[option_time]`: the time-to-expiry convention of the scenario's options. It fixes what
/// the units `d` and `y` of an `expiry`, and an annual volatility (`implied_vol_annual`),
/// mean; Black–Scholes always takes time in seconds of the options' clock and volatility per
/// √second of it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionTimeParams {
    /// "trading" (default) or "calendar".
    #[serde(default)]
    pub convention: TimeConvention,
    /// trading only: seconds of trading in a day (> 0, ≤ 86 400). Default 23 400 (6.5 h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trading_day_s: Option<f64>,
    /// Days in a year (> 0, ≤ 366). Default 252 (trading) or 365 (calendar).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_per_year: Option<f64>,
}

impl Default for OptionTimeParams {
    fn default() -> Self {
        OptionTimeParams {
            convention: TimeConvention::Trading,
            trading_day_s: None,
            days_per_year: None,
        }
    }
}

impl OptionTimeParams {
    /// Seconds in a day of the convention.
    pub fn day_s(&self) -> f64 {
        match self.convention {
            TimeConvention::Trading => self.trading_day_s.unwrap_or(23_400.0),
            TimeConvention::Calendar => 86_400.0,
        }
    }

    /// Seconds in a year of the convention.
    pub fn year_s(&self) -> f64 {
        let days = self.days_per_year.unwrap_or(match self.convention {
            TimeConvention::Trading => 252.0,
            TimeConvention::Calendar => 365.0,
        });
        days * self.day_s()
    }

    /// Seconds of an expiry written as a number and a unit ("90s", "30min", "2h", "1d",
    /// "1y"), or why it cannot be read.
    pub fn parse_expiry_s(&self, text: &str) -> Result<f64, String> {
        let t = text.trim();
        let split = t
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(|| format!("{text:?} has no unit (one of s, min, h, d, y)"))?;
        let (num, unit) = t.split_at(split);
        let x: f64 = num
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} does not start with a number"))?;
        let scale = match unit.trim() {
            "s" => 1.0,
            "min" => 60.0,
            "h" => 3_600.0,
            "d" => self.day_s(),
            "y" => self.year_s(),
            other => {
                return Err(format!(
                    "{text:?} has the unknown unit {other:?} (allowed: s, min, h, d, y)"
                ));
            }
        };
        Ok(x * scale)
    }
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
    /// Expiries the clients trade, seconds of the options' clock from the open (each > 0;
    /// they may lie beyond the run's end). The resolved scenario always gives this key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expiries_s: Vec<f64>,
    /// The same as numbers with units, like a line's `expiry` ("1d", "1w" is not a unit:
    /// write "5d"). Resolved into `expiries_s`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expiries: Vec<String>,
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
