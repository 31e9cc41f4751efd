//! The informed trader's rule: trade toward the observed value when the gap is large enough,
//! within a position limit.

use crate::lob::Side;

/// An order an informed trader wants to send: an immediate-or-cancel limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InformedOrder {
    /// Buy when the value is above the mid.
    pub side: Side,
    /// Worst price accepted, ticks: the observed value minus (buy) or plus (sell) the threshold,
    /// so the trade keeps at least that edge.
    pub limit_ticks: i64,
    /// Lots.
    pub qty_lots: u64,
}

/// Decides on one look at the market. `position_lots` includes orders already sent this step.
pub fn decide(
    observed_value_ticks: f64,
    mid_ticks: f64,
    threshold_ticks: f64,
    order_lots: u64,
    position_lots: i64,
    max_position_lots: u64,
) -> Option<InformedOrder> {
    let gap = observed_value_ticks - mid_ticks;
    let max = max_position_lots as i64;
    if gap > threshold_ticks {
        let room = max - position_lots;
        let qty = (order_lots as i64).min(room);
        (qty > 0).then(|| InformedOrder {
            side: Side::Buy,
            limit_ticks: (observed_value_ticks - threshold_ticks).floor() as i64,
            qty_lots: qty as u64,
        })
    } else if -gap > threshold_ticks {
        let room = max + position_lots;
        let qty = (order_lots as i64).min(room);
        (qty > 0).then(|| InformedOrder {
            side: Side::Sell,
            limit_ticks: (observed_value_ticks + threshold_ticks).ceil() as i64,
            qty_lots: qty as u64,
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trades_only_beyond_threshold_and_toward_value() {
        assert_eq!(decide(1002.0, 1000.0, 3.0, 5, 0, 100), None);
        let o = decide(1010.0, 1000.0, 3.0, 5, 0, 100).unwrap();
        assert_eq!((o.side, o.limit_ticks, o.qty_lots), (Side::Buy, 1007, 5));
        let o = decide(990.0, 1000.0, 3.0, 5, 0, 100).unwrap();
        assert_eq!((o.side, o.limit_ticks, o.qty_lots), (Side::Sell, 993, 5));
    }

    #[test]
    fn respects_position_limit() {
        assert_eq!(decide(1010.0, 1000.0, 3.0, 5, 100, 100), None);
        assert_eq!(decide(1010.0, 1000.0, 3.0, 5, 98, 100).unwrap().qty_lots, 2);
        assert_eq!(decide(990.0, 1000.0, 3.0, 5, -100, 100), None);
        // a long trader may always sell down
        assert_eq!(decide(990.0, 1000.0, 3.0, 5, 100, 100).unwrap().qty_lots, 5);
    }
}
