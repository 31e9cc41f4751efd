//! The informed trader's rules: trade toward the observed value when the gap to the mid is
//! large enough, within a position limit. Two rules are offered ([`InformedRule`]):
//!
//! - **threshold** — buy `order_lots` whenever `value − mid > threshold` (sell when below), and
//!   hold what was bought: the position only ever grows toward the limit while the gap lasts.
//! - **target_position** — the trader wants the position
//!   `T(g) = sign(g) · min(limit, lots_per_tick · max(0, |g| − threshold))` for the gap
//!   `g = value − mid`, and trades up to `order_lots` toward it at each look. As the price
//!   converges to the value the target falls back to 0 and the trader sells what it bought
//!   (or buys back what it sold): it takes its profit instead of sitting at its limit.
//!
//! Either way the order is an immediate-or-cancel limit, so the trader never pays more than its
//! rule allows: under *threshold* the limit is the value ∓ threshold; under *target_position*
//! it is the price at which the target equals the position the order would leave, so that no
//! lot of it is bought above (or sold below) the price at which the rule would still want it.

use crate::lob::Side;
use crate::scenario::InformedRule;

/// An order an informed trader wants to send: an immediate-or-cancel limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InformedOrder {
    /// Buy or sell.
    pub side: Side,
    /// Worst price accepted, ticks.
    pub limit_ticks: i64,
    /// Lots.
    pub qty_lots: u64,
}

/// What an informed trader knows when it looks, in ticks and lots.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InformedView {
    /// The value it observes (with its noise and delay), ticks.
    pub value_ticks: f64,
    /// The mid (or reference price) it sees, ticks.
    pub mid_ticks: f64,
    /// Its position including orders already sent and not yet processed, lots.
    pub position_lots: i64,
}

/// An informed group's decision parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InformedRuleParams {
    /// The rule.
    pub rule: InformedRule,
    /// Minimum |value − mid| to trade (threshold) or to want a position (target_position), ticks.
    pub threshold_ticks: f64,
    /// Target lots per tick of gap beyond the threshold (target_position only).
    pub target_lots_per_tick: f64,
    /// Lots per order at most.
    pub order_lots: u64,
    /// Absolute position limit, lots.
    pub max_position_lots: u64,
}

/// Decides on one look at the market.
pub fn decide(p: &InformedRuleParams, x: &InformedView) -> Option<InformedOrder> {
    match p.rule {
        InformedRule::Threshold => decide_threshold(p, x),
        InformedRule::TargetPosition => decide_target(p, x),
    }
}

fn decide_threshold(p: &InformedRuleParams, x: &InformedView) -> Option<InformedOrder> {
    let gap = x.value_ticks - x.mid_ticks;
    let max = p.max_position_lots as i64;
    let (side, room, limit_ticks) = if gap > p.threshold_ticks {
        (
            Side::Buy,
            max - x.position_lots,
            (x.value_ticks - p.threshold_ticks).floor() as i64,
        )
    } else if -gap > p.threshold_ticks {
        (
            Side::Sell,
            max + x.position_lots,
            (x.value_ticks + p.threshold_ticks).ceil() as i64,
        )
    } else {
        return None;
    };
    let qty = (p.order_lots as i64).min(room);
    (qty > 0).then_some(InformedOrder {
        side,
        limit_ticks,
        qty_lots: qty as u64,
    })
}

/// The position the target rule wants for a gap `value − price` of `gap_ticks`, in whole lots
/// (rounded toward zero).
pub fn target_position(p: &InformedRuleParams, gap_ticks: f64) -> i64 {
    let beyond = (gap_ticks.abs() - p.threshold_ticks).max(0.0);
    let lots = (beyond * p.target_lots_per_tick).min(p.max_position_lots as f64);
    (lots.trunc() as i64) * if gap_ticks < 0.0 { -1 } else { 1 }
}

fn decide_target(p: &InformedRuleParams, x: &InformedView) -> Option<InformedOrder> {
    let target = target_position(p, x.value_ticks - x.mid_ticks);
    let diff = target - x.position_lots;
    if diff == 0 {
        return None;
    }
    let qty = diff.unsigned_abs().min(p.order_lots);
    let side = if diff > 0 { Side::Buy } else { Side::Sell };
    let after = x.position_lots + side.sign() * qty as i64;
    // A buy to `after` is worth it up to the highest price whose target is still ≥ `after`; a
    // sell down to the lowest price whose target is still ≤ `after`. A flat position is wanted
    // anywhere in the dead band, so flattening accepts the band's far edge.
    let beyond = after.unsigned_abs() as f64 / p.target_lots_per_tick;
    let limit = if after > 0 || (after == 0 && side == Side::Sell) {
        x.value_ticks - p.threshold_ticks - beyond
    } else {
        x.value_ticks + p.threshold_ticks + beyond
    };
    Some(InformedOrder {
        side,
        limit_ticks: match side {
            Side::Buy => limit.floor() as i64,
            Side::Sell => limit.ceil() as i64,
        },
        qty_lots: qty,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(rule: InformedRule) -> InformedRuleParams {
        InformedRuleParams {
            rule,
            threshold_ticks: 3.0,
            target_lots_per_tick: 2.0,
            order_lots: 5,
            max_position_lots: 100,
        }
    }

    fn view(value: f64, mid: f64, position: i64) -> InformedView {
        InformedView {
            value_ticks: value,
            mid_ticks: mid,
            position_lots: position,
        }
    }

    fn order(side: Side, limit_ticks: i64, qty_lots: u64) -> Option<InformedOrder> {
        Some(InformedOrder {
            side,
            limit_ticks,
            qty_lots,
        })
    }

    #[test]
    fn threshold_rule_trades_only_beyond_threshold_and_toward_value() {
        let p = params(InformedRule::Threshold);
        assert_eq!(decide(&p, &view(1002.0, 1000.0, 0)), None);
        assert_eq!(
            decide(&p, &view(1010.0, 1000.0, 0)),
            order(Side::Buy, 1007, 5)
        );
        assert_eq!(
            decide(&p, &view(990.0, 1000.0, 0)),
            order(Side::Sell, 993, 5)
        );
        // it holds what it bought when the gap closes
        assert_eq!(decide(&p, &view(1000.0, 1000.0, 40)), None);
    }

    #[test]
    fn threshold_rule_respects_position_limit() {
        let p = params(InformedRule::Threshold);
        assert_eq!(decide(&p, &view(1010.0, 1000.0, 100)), None);
        assert_eq!(decide(&p, &view(1010.0, 1000.0, 98)).unwrap().qty_lots, 2);
        assert_eq!(decide(&p, &view(990.0, 1000.0, -100)), None);
        // a long trader may always sell down
        assert_eq!(decide(&p, &view(990.0, 1000.0, 100)).unwrap().qty_lots, 5);
    }

    #[test]
    fn target_grows_with_the_gap_beyond_the_threshold_and_is_clipped_at_the_limit() {
        let p = params(InformedRule::TargetPosition);
        assert_eq!(target_position(&p, 2.9), 0);
        assert_eq!(target_position(&p, -3.0), 0);
        assert_eq!(target_position(&p, 5.0), 4);
        assert_eq!(target_position(&p, 5.7), 5, "whole lots, toward zero");
        assert_eq!(target_position(&p, -8.0), -10);
        assert_eq!(target_position(&p, 1e6), 100);
        assert_eq!(target_position(&p, -1e6), -100);
    }

    #[test]
    fn target_rule_buys_toward_its_target_at_a_price_it_still_wants() {
        let p = params(InformedRule::TargetPosition);
        // gap 10: target 14; from flat it buys 5, wanting them up to the price where T = 5:
        // value − threshold − 5/2 = 1010 − 3 − 2.5 = 1004.5 → 1004
        assert_eq!(
            decide(&p, &view(1010.0, 1000.0, 0)),
            order(Side::Buy, 1004, 5)
        );
        // 3 lots short of the target: only those
        assert_eq!(
            decide(&p, &view(1010.0, 1000.0, 11)),
            order(Side::Buy, 1000, 3)
        );
        assert_eq!(decide(&p, &view(1010.0, 1000.0, 14)), None);
        // mirrored
        assert_eq!(
            decide(&p, &view(990.0, 1000.0, 0)),
            order(Side::Sell, 996, 5)
        );
    }

    /// The point of the rule: as the price converges to the value, the trader unwinds.
    #[test]
    fn target_rule_sells_as_the_price_converges() {
        let p = params(InformedRule::TargetPosition);
        // long 20 (target at gap 13), the gap has closed to 5: target 4, sell 5 down to 15,
        // acceptable down to the price where T = 15: 1005 − 3 − 7.5 = 994.5 → 995
        assert_eq!(
            decide(&p, &view(1005.0, 1000.0, 20)),
            order(Side::Sell, 995, 5)
        );
        // no gap left: flatten, the last lots down to the dead band's lower edge (value − 3)
        assert_eq!(
            decide(&p, &view(1000.0, 1000.0, 3)),
            order(Side::Sell, 997, 3)
        );
        // short 4 with no gap: buy back up to the upper edge (value + 3)
        assert_eq!(
            decide(&p, &view(1000.0, 1000.0, -4)),
            order(Side::Buy, 1003, 4)
        );
        // a long trader whose value fell below the mid sells through zero to a short target,
        // the lots below zero only at value + threshold + |position| / 2 or better
        assert_eq!(
            decide(&p, &view(990.0, 1000.0, 2)),
            order(Side::Sell, 995, 5)
        );
    }

    #[test]
    fn target_rule_limit_never_contradicts_the_target() {
        // For any view: buying to `after` at the limit price leaves a target ≥ `after`, and
        // selling leaves a target ≤ `after`.
        let p = params(InformedRule::TargetPosition);
        for value in [990.0, 996.5, 1000.0, 1003.2, 1012.0] {
            for pos in [-30, -5, -1, 0, 1, 5, 30] {
                let Some(o) = decide(&p, &view(value, 1000.0, pos)) else {
                    continue;
                };
                let after = pos + o.side.sign() * o.qty_lots as i64;
                let t = target_position(&p, value - o.limit_ticks as f64);
                match o.side {
                    Side::Buy => assert!(t >= after, "{value} {pos}: {o:?} target {t}"),
                    Side::Sell => assert!(t <= after, "{value} {pos}: {o:?} target {t}"),
                }
            }
        }
    }
}
