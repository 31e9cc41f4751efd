//! A market maker's target ladder and the decision to replace its quotes.

use super::avellaneda_stoikov::{reservation_price, total_spread};
use crate::scenario::{MarketMakerParams, QuoteStrategy};

/// One quote: price in ticks, quantity in lots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// Price, ticks.
    pub price_ticks: i64,
    /// Quantity, lots.
    pub qty_lots: u64,
}

/// The ladder a market maker wants in the book, best level first on each side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ladder {
    /// Bids, highest first.
    pub bids: Vec<Level>,
    /// Asks, lowest first.
    pub asks: Vec<Level>,
}

/// What the maker sees when it decides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuoteInputs {
    /// Reference mid, ticks.
    pub mid_ticks: f64,
    /// Inventory, lots (positive long).
    pub inventory_lots: i64,
    /// Its volatility estimate, ticks² per second.
    pub var_per_s: f64,
    /// Best bid and ask in the book it observed, ticks: its quotes are kept from crossing them.
    pub book_bid_ticks: Option<i64>,
    /// See `book_bid_ticks`.
    pub book_ask_ticks: Option<i64>,
}

/// The best bid and ask the strategy wants, in ticks, before position limits.
pub fn best_quotes(p: &MarketMakerParams, x: &QuoteInputs) -> (i64, i64) {
    let q = x.inventory_lots as f64;
    let (centre, half) = match p.strategy {
        QuoteStrategy::AvellanedaStoikov => (
            reservation_price(x.mid_ticks, q, p.gamma, x.var_per_s, p.horizon_s),
            0.5 * total_spread(p.gamma, x.var_per_s, p.horizon_s, p.k),
        ),
        QuoteStrategy::Fixed => (x.mid_ticks - q * p.skew_ticks_per_lot, p.half_spread_ticks),
    };
    let mut bid = (centre - half).floor() as i64;
    let mut ask = (centre + half).ceil() as i64;
    if ask <= bid {
        ask = bid.saturating_add(1);
    }
    // Never cross the book as observed: a quote is meant to rest, not to take.
    if let Some(a) = x.book_ask_ticks {
        bid = bid.min(a.saturating_sub(1));
    }
    if let Some(b) = x.book_bid_ticks {
        ask = ask.max(b.saturating_add(1));
    }
    (bid, ask)
}

/// The full ladder: `levels` levels per side, `level_spacing_ticks` apart, `lots_per_level`
/// each, cut so that if every bid (ask) filled the inventory would stay within
/// ±`max_position_lots`. A side with no room is left empty.
pub fn target_ladder(p: &MarketMakerParams, x: &QuoteInputs) -> Ladder {
    let mut out = Ladder::default();
    target_ladder_into(p, x, &mut out);
    out
}

/// [`target_ladder`] into a reused `out` (its vectors are cleared first), allocation-free
/// once warmed up.
pub fn target_ladder_into(p: &MarketMakerParams, x: &QuoteInputs, out: &mut Ladder) {
    let (bid, ask) = best_quotes(p, x);
    let max = p.max_position_lots as i64;
    let fill = |levels: &mut Vec<Level>, top: i64, dir: i64, mut room: i64| {
        levels.clear();
        for i in 0..i64::from(p.levels) {
            if room <= 0 {
                break;
            }
            let qty = (p.lots_per_level as i64).min(room);
            room -= qty;
            levels.push(Level {
                price_ticks: top.saturating_add(dir * i * i64::from(p.level_spacing_ticks)),
                qty_lots: qty as u64,
            });
        }
    };
    fill(&mut out.bids, bid, -1, max - x.inventory_lots);
    fill(&mut out.asks, ask, 1, max + x.inventory_lots);
}

/// Whether one side's resting quotes (`current`, any order) should be replaced by `target`
/// (best first): the best price moved by more than `tolerance_ticks`, the number of levels
/// changed, or the side holds less quantity than wanted (fills ate into it).
pub fn needs_requote(
    current: &[Level],
    target: &[Level],
    tolerance_ticks: u32,
    is_bid: bool,
) -> bool {
    match (current.is_empty(), target.is_empty()) {
        (true, true) => false,
        (true, false) | (false, true) => true,
        (false, false) => {
            let top = if is_bid {
                current.iter().map(|l| l.price_ticks).max()
            } else {
                current.iter().map(|l| l.price_ticks).min()
            }
            .expect("non-empty");
            let have: u64 = current.iter().map(|l| l.qty_lots).sum();
            let want: u64 = target.iter().map(|l| l.qty_lots).sum();
            top.abs_diff(target[0].price_ticks) > u64::from(tolerance_ticks)
                || current.len() != target.len()
                || have < want
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(strategy: QuoteStrategy) -> MarketMakerParams {
        MarketMakerParams {
            name: None,
            count: 1,
            strategy,
            requote_interval_s: 0.1,
            gamma: 0.1,
            k: 1.5,
            horizon_s: 2.0,
            half_spread_ticks: 2.0,
            skew_ticks_per_lot: 0.5,
            levels: 3,
            level_spacing_ticks: 2,
            lots_per_level: 4,
            max_position_lots: 10,
            requote_tolerance_ticks: 1,
            vol_halflife_s: 30.0,
            vol_sample_interval_s: 1.0,
            sigma_prior_ticks_per_sqrt_s: 2.0,
            markout_horizon_s: 5.0,
            latency_s: 0.0,
        }
    }

    fn inputs(inv: i64) -> QuoteInputs {
        QuoteInputs {
            mid_ticks: 1000.0,
            inventory_lots: inv,
            var_per_s: 4.0,
            book_bid_ticks: None,
            book_ask_ticks: None,
        }
    }

    #[test]
    fn avellaneda_stoikov_quotes_match_hand_computation() {
        // r = 1000 − 0·… = 1000; spread 2.0908 → bid floor(998.95) = 998, ask ceil(1001.05) = 1002
        let p = params(QuoteStrategy::AvellanedaStoikov);
        assert_eq!(best_quotes(&p, &inputs(0)), (998, 1002));
        // q = 5: r = 1000 − 5·0.1·4·2 = 996 → 994 / 998
        assert_eq!(best_quotes(&p, &inputs(5)), (994, 998));
    }

    #[test]
    fn fixed_strategy_skews_with_inventory_and_never_crosses_the_book() {
        let p = params(QuoteStrategy::Fixed);
        assert_eq!(best_quotes(&p, &inputs(0)), (998, 1002));
        assert_eq!(best_quotes(&p, &inputs(-4)), (1000, 1004));
        let mut x = inputs(0);
        x.book_ask_ticks = Some(997);
        x.book_bid_ticks = Some(1003);
        assert_eq!(best_quotes(&p, &x), (996, 1004));
    }

    #[test]
    fn ladder_never_lets_inventory_breach_the_limit() {
        let p = params(QuoteStrategy::Fixed);
        for inv in -12..=12 {
            let l = target_ladder(&p, &inputs(inv));
            let bids: u64 = l.bids.iter().map(|q| q.qty_lots).sum();
            let asks: u64 = l.asks.iter().map(|q| q.qty_lots).sum();
            // fills of every quote keep |inventory| within 10, or (already beyond) add nothing
            assert!(inv + bids as i64 <= 10.max(inv), "inv {inv}: bids {bids}");
            assert!(
                inv - asks as i64 >= (-10).min(inv),
                "inv {inv}: asks {asks}"
            );
            assert!(l.bids.len() <= 3 && l.asks.len() <= 3);
        }
        let l = target_ladder(&p, &inputs(0));
        assert_eq!(
            l.bids
                .iter()
                .map(|q| (q.price_ticks, q.qty_lots))
                .collect::<Vec<_>>(),
            vec![(998, 4), (996, 4), (994, 2)]
        );
        assert!(target_ladder(&p, &inputs(10)).bids.is_empty());
    }

    #[test]
    fn requote_only_beyond_tolerance_or_after_fills() {
        let lv = |p, q| Level {
            price_ticks: p,
            qty_lots: q,
        };
        let target = [lv(100, 4), lv(99, 4)];
        assert!(!needs_requote(&[lv(99, 4), lv(101, 4)], &target, 1, true));
        assert!(needs_requote(&[lv(98, 4), lv(102, 4)], &target, 1, true));
        assert!(needs_requote(&[lv(100, 4), lv(99, 1)], &target, 1, true));
        assert!(needs_requote(&[], &target, 1, true));
        assert!(needs_requote(&[lv(100, 4)], &[], 1, true));
        assert!(!needs_requote(&[], &[], 1, false));
    }
}
