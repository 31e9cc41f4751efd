//! A market maker's hedging rule: when its net delta leaves the band `[−band, +band]` it trades
//! back to the target (the part not already covered by hedges still on their way), at most
//! once per `min_interval`. Net delta is in lots of the underlying: the maker's inventory
//! summed over its books plus its options' delta ([`net_delta_lots`]).

use crate::lob::Side;
use crate::scenario::HedgeStyle;

/// The rule's settings, in the units the decision uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgeRule {
    /// Half-width of the no-hedge band, lots (≥ 0).
    pub band_lots: i64,
    /// Net delta to trade back to, lots (|target| ≤ band).
    pub target_lots: i64,
    /// Market or IOC.
    pub style: HedgeStyle,
    /// IOC only: the limit's distance from the decision mid, ticks.
    pub max_slippage_ticks: u32,
    /// Shortest time between two hedges, ns.
    pub min_interval_ns: u64,
}

/// What the maker knows when it decides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgeInputs {
    /// Net delta, lots of the underlying (positive: long).
    pub net_delta_lots: i64,
    /// Signed lots of hedges sent and not yet finished (positive: buying).
    pub in_flight_lots: i64,
    /// The venue's reference mid at the decision, ticks.
    pub mid_ticks: f64,
    /// Time of the decision, ns.
    pub now_ns: u64,
    /// Time of the last hedge decision, ns (`None`: never hedged).
    pub last_hedge_ns: Option<u64>,
}

/// A hedge order to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HedgeOrder {
    /// Buy or sell.
    pub side: Side,
    /// Lots (≥ 1).
    pub lots: u64,
    /// IOC limit, ticks (`None`: a market order).
    pub limit_ticks: Option<i64>,
}

/// Net delta in whole lots of the underlying: the inventory (summed over every book the
/// agent trades; each lot is one lot of the underlying) plus its options' delta, rounded to
/// the nearest lot (half away from zero). A delta beyond ±2⁶² lots saturates.
#[inline]
pub fn net_delta_lots(inventory_lots: i64, option_delta_lots: f64) -> i64 {
    const LIMIT: f64 = (1u64 << 62) as f64;
    let d = option_delta_lots.round();
    let d = if d.is_finite() {
        d.clamp(-LIMIT, LIMIT)
    } else {
        0.0
    };
    inventory_lots.saturating_add(d as i64)
}

/// The hedge to send now, if any: none while |net delta| ≤ band, none within `min_interval`
/// of the last hedge, else one trading `target − net − in-flight` lots (none if the hedges in
/// flight already reach or overshoot the target). An IOC's limit is the decision mid plus the
/// slippage for a buy (rounded down to a tick), minus it for a sell (rounded up): never
/// beyond the slippage allowed.
pub fn decide_hedge(rule: &HedgeRule, x: &HedgeInputs) -> Option<HedgeOrder> {
    if x.net_delta_lots.abs() <= rule.band_lots {
        return None;
    }
    if x.last_hedge_ns
        .is_some_and(|last| x.now_ns < last.saturating_add(rule.min_interval_ns))
    {
        return None;
    }
    let toward = rule.target_lots - x.net_delta_lots;
    let needed = toward - x.in_flight_lots;
    // only trade in the direction of the target, and never past it
    if needed == 0 || needed.signum() != toward.signum() {
        return None;
    }
    let side = if needed > 0 { Side::Buy } else { Side::Sell };
    let limit_ticks = match rule.style {
        HedgeStyle::Market => None,
        HedgeStyle::Ioc => {
            let slip = f64::from(rule.max_slippage_ticks);
            Some(match side {
                Side::Buy => (x.mid_ticks + slip).floor() as i64,
                Side::Sell => (x.mid_ticks - slip).ceil() as i64,
            })
        }
    };
    Some(HedgeOrder {
        side,
        lots: needed.unsigned_abs(),
        limit_ticks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(style: HedgeStyle) -> HedgeRule {
        HedgeRule {
            band_lots: 5,
            target_lots: 0,
            style,
            max_slippage_ticks: 3,
            min_interval_ns: 1_000,
        }
    }

    fn inputs(net: i64) -> HedgeInputs {
        HedgeInputs {
            net_delta_lots: net,
            in_flight_lots: 0,
            mid_ticks: 10_000.5,
            now_ns: 10_000,
            last_hedge_ns: None,
        }
    }

    #[test]
    fn never_trades_within_the_band() {
        for style in [HedgeStyle::Market, HedgeStyle::Ioc] {
            for net in -5..=5 {
                assert_eq!(decide_hedge(&rule(style), &inputs(net)), None, "{net}");
            }
        }
    }

    #[test]
    fn trades_exactly_back_to_the_target_outside_the_band() {
        for target in -5..=5 {
            let r = HedgeRule {
                target_lots: target,
                ..rule(HedgeStyle::Market)
            };
            for net in (-40i64..=40).filter(|n| n.abs() > 5) {
                let o = decide_hedge(&r, &inputs(net)).expect("outside the band");
                let signed = o.side.sign() * o.lots as i64;
                assert_eq!(net + signed, target, "net {net} target {target}");
            }
        }
    }

    #[test]
    fn hedges_in_flight_count_toward_the_target() {
        let r = rule(HedgeStyle::Market);
        let mut x = inputs(12);
        x.in_flight_lots = -4;
        assert_eq!(
            decide_hedge(&r, &x),
            Some(HedgeOrder {
                side: Side::Sell,
                lots: 8,
                limit_ticks: None
            })
        );
        x.in_flight_lots = -12;
        assert_eq!(decide_hedge(&r, &x), None, "fully covered");
        x.in_flight_lots = -15;
        assert_eq!(
            decide_hedge(&r, &x),
            None,
            "never trades away from the target"
        );
    }

    #[test]
    fn respects_the_minimum_interval() {
        let r = rule(HedgeStyle::Market);
        let mut x = inputs(9);
        x.last_hedge_ns = Some(9_001);
        assert_eq!(decide_hedge(&r, &x), None);
        x.last_hedge_ns = Some(9_000);
        assert!(decide_hedge(&r, &x).is_some());
    }

    #[test]
    fn ioc_limit_is_the_mid_plus_or_minus_the_slippage() {
        let r = rule(HedgeStyle::Ioc);
        let buy = decide_hedge(&r, &inputs(-7)).unwrap();
        assert_eq!((buy.side, buy.lots), (Side::Buy, 7));
        assert_eq!(buy.limit_ticks, Some(10_003), "⌊10 000.5 + 3⌋");
        let sell = decide_hedge(&r, &inputs(7)).unwrap();
        assert_eq!(sell.limit_ticks, Some(9_998), "⌈10 000.5 − 3⌉");
        let mut x = inputs(7);
        x.mid_ticks = 10_000.0;
        assert_eq!(decide_hedge(&r, &x).unwrap().limit_ticks, Some(9_997));
    }

    #[test]
    fn net_delta_adds_the_options_delta_rounded_to_a_lot() {
        assert_eq!(net_delta_lots(10, 0.0), 10);
        assert_eq!(net_delta_lots(10, -2.4), 8);
        assert_eq!(net_delta_lots(10, -2.5), 7);
        assert_eq!(net_delta_lots(-3, 7.6), 5);
        assert_eq!(net_delta_lots(0, f64::NAN), 0);
        assert_eq!(net_delta_lots(0, 1e300), 1 << 62);
    }

    #[test]
    fn market_style_has_no_limit() {
        let o = decide_hedge(&rule(HedgeStyle::Market), &inputs(30)).unwrap();
        assert_eq!(o.limit_ticks, None);
        assert_eq!((o.side, o.lots), (Side::Sell, 30));
    }
}
