//! A market maker's target ladder and the decision to replace its quotes.

use super::avellaneda_stoikov::{reservation_price, total_spread};
use crate::scenario::{MarketMakerParams, QuoteRounding, QuoteStrategy};

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

/// How a maker sets the centre and half-width of its quotes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpreadModel {
    /// Avellaneda–Stoikov: reservation price `r = s − q·γ·σ²·τ`, total spread
    /// `γσ²τ + (2/γ)·ln(1 + γ/k)`, in ticks.
    AvellanedaStoikov {
        /// γ, risk aversion per tick.
        gamma: f64,
        /// k, fill-intensity decay per tick.
        k: f64,
        /// τ, seconds.
        horizon_s: f64,
    },
    /// A set half-spread around the mid, shifted against inventory.
    Fixed {
        /// Half-spread, ticks.
        half_spread_ticks: f64,
        /// Shift of the centre per lot of inventory, ticks.
        skew_ticks_per_lot: f64,
    },
}

/// A maker group's quoting parameters, typed (built once from validated scenario parameters).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuoteParams {
    /// Centre and half-width.
    pub spread: SpreadModel,
    /// Rounding of the best prices to ticks.
    pub rounding: QuoteRounding,
    /// Levels per side.
    pub levels: u32,
    /// Ticks between levels.
    pub level_spacing_ticks: u32,
    /// Lots per level.
    pub lots_per_level: u64,
    /// Absolute inventory limit, lots.
    pub max_position_lots: u64,
    /// The model's half-spread is multiplied by this (1: as the model says).
    pub spread_factor: f64,
}

impl QuoteParams {
    /// From a validated `[[market_maker]]` group (validation fills in every key its strategy
    /// uses, so none is missing here).
    pub fn from_scenario(p: &MarketMakerParams) -> Self {
        let need = |v: Option<f64>, key: &str| {
            v.unwrap_or_else(|| panic!("invariant: validation fills in {key}"))
        };
        QuoteParams {
            spread: match p.strategy {
                QuoteStrategy::AvellanedaStoikov => SpreadModel::AvellanedaStoikov {
                    gamma: need(p.gamma, "gamma"),
                    k: need(p.k, "k"),
                    horizon_s: need(p.horizon_s, "horizon_s"),
                },
                QuoteStrategy::Fixed => SpreadModel::Fixed {
                    half_spread_ticks: need(p.half_spread_ticks, "half_spread_ticks"),
                    skew_ticks_per_lot: need(p.skew_ticks_per_lot, "skew_ticks_per_lot"),
                },
            },
            rounding: p.quote_rounding,
            levels: p.levels,
            level_spacing_ticks: p.level_spacing_ticks,
            lots_per_level: p.lots_per_level,
            max_position_lots: p.max_position_lots,
            spread_factor: 1.0,
        }
    }

    /// The same quotes with the half-spread times `spread_factor` and the lots per level
    /// times `size_factor` (at least one lot): how a widened or cooling-down maker quotes.
    pub fn scaled(&self, spread_factor: f64, size_factor: f64) -> Self {
        QuoteParams {
            spread_factor: self.spread_factor * spread_factor,
            lots_per_level: ((self.lots_per_level as f64 * size_factor).round() as u64).max(1),
            ..*self
        }
    }
}

/// What the model wants at the top of the book, before position limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BestQuotes {
    /// The centre: the reservation price (Avellaneda–Stoikov) or the skewed mid (fixed), ticks.
    pub centre_ticks: f64,
    /// The model's half-spread, ticks.
    pub half_spread_ticks: f64,
    /// Best bid after rounding and after keeping clear of the observed ask, ticks.
    pub bid_ticks: i64,
    /// Best ask after rounding and after keeping clear of the observed bid, ticks.
    pub ask_ticks: i64,
}

/// The best bid and ask the strategy wants, in ticks, before position limits.
pub fn best_quotes(p: &QuoteParams, x: &QuoteInputs) -> BestQuotes {
    let q = x.inventory_lots as f64;
    let (centre, half) = match p.spread {
        SpreadModel::AvellanedaStoikov {
            gamma,
            k,
            horizon_s,
        } => (
            reservation_price(x.mid_ticks, q, gamma, x.var_per_s, horizon_s),
            0.5 * total_spread(gamma, x.var_per_s, horizon_s, k),
        ),
        SpreadModel::Fixed {
            half_spread_ticks,
            skew_ticks_per_lot,
        } => (x.mid_ticks - q * skew_ticks_per_lot, half_spread_ticks),
    };
    let half = half * p.spread_factor;
    let (bid_f, ask_f) = match p.rounding {
        QuoteRounding::Outward => ((centre - half).floor(), (centre + half).ceil()),
        QuoteRounding::Nearest => ((centre - half).round(), (centre + half).round()),
    };
    // `as` saturates: a model far outside the book gives an extreme price the exchange refuses.
    let (mut bid, mut ask) = (bid_f as i64, ask_f as i64);
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
    BestQuotes {
        centre_ticks: centre,
        half_spread_ticks: half,
        bid_ticks: bid,
        ask_ticks: ask,
    }
}

/// The full ladder: `levels` levels per side, `level_spacing_ticks` apart, `lots_per_level`
/// each, cut so that if every bid (ask) filled the inventory would stay within
/// ±`max_position_lots`. A side with no room is left empty.
pub fn target_ladder(p: &QuoteParams, x: &QuoteInputs) -> Ladder {
    let mut out = Ladder::default();
    target_ladder_into(p, x, &mut out);
    out
}

/// [`target_ladder`] into a reused `out` (its vectors are cleared first), allocation-free
/// once warmed up; returns the best quotes it was built from.
pub fn target_ladder_into(p: &QuoteParams, x: &QuoteInputs, out: &mut Ladder) -> BestQuotes {
    let best = best_quotes(p, x);
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
    fill(&mut out.bids, best.bid_ticks, -1, max - x.inventory_lots);
    fill(&mut out.asks, best.ask_ticks, 1, max + x.inventory_lots);
    best
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

    fn params(strategy: QuoteStrategy) -> QuoteParams {
        QuoteParams {
            spread: match strategy {
                QuoteStrategy::AvellanedaStoikov => SpreadModel::AvellanedaStoikov {
                    gamma: 0.1,
                    k: 1.5,
                    horizon_s: 2.0,
                },
                QuoteStrategy::Fixed => SpreadModel::Fixed {
                    half_spread_ticks: 2.0,
                    skew_ticks_per_lot: 0.5,
                },
            },
            rounding: QuoteRounding::Outward,
            levels: 3,
            level_spacing_ticks: 2,
            lots_per_level: 4,
            max_position_lots: 10,
            spread_factor: 1.0,
        }
    }

    fn top(p: &QuoteParams, x: &QuoteInputs) -> (i64, i64) {
        let b = best_quotes(p, x);
        (b.bid_ticks, b.ask_ticks)
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
        assert_eq!(top(&p, &inputs(0)), (998, 1002));
        // q = 5: r = 1000 − 5·0.1·4·2 = 996 → 994 / 998
        assert_eq!(top(&p, &inputs(5)), (994, 998));
    }

    #[test]
    fn fixed_strategy_skews_with_inventory_and_never_crosses_the_book() {
        let p = params(QuoteStrategy::Fixed);
        assert_eq!(top(&p, &inputs(0)), (998, 1002));
        assert_eq!(top(&p, &inputs(-4)), (1000, 1004));
        let mut x = inputs(0);
        x.book_ask_ticks = Some(997);
        x.book_bid_ticks = Some(1003);
        assert_eq!(top(&p, &x), (996, 1004));
    }

    /// Outward rounding widens the Avellaneda–Stoikov spread to whole ticks on both sides;
    /// nearest rounding keeps the model's spread on average.
    #[test]
    fn quote_rounding_outward_or_nearest() {
        let mut p = params(QuoteStrategy::AvellanedaStoikov);
        let mut x = inputs(0);
        x.var_per_s = 0.0; // spread (2/γ)·ln(1 + γ/k) = 1.2908 ticks
        let b = best_quotes(&p, &x);
        assert!((b.half_spread_ticks - 0.645_385).abs() < 1e-5, "{b:?}");
        assert_eq!((b.bid_ticks, b.ask_ticks), (999, 1001));
        p.rounding = QuoteRounding::Nearest;
        assert_eq!(top(&p, &x), (999, 1001), "999.35 → 999, 1000.65 → 1001");
        let (mut outward, mut nearest) = (0.0, 0.0);
        for i in 0..100 {
            x.mid_ticks = 1000.0 + f64::from(i) / 100.0;
            p.rounding = QuoteRounding::Outward;
            let (b, a) = top(&p, &x);
            outward += (a - b) as f64 / 100.0;
            p.rounding = QuoteRounding::Nearest;
            let (b, a) = top(&p, &x);
            nearest += (a - b) as f64 / 100.0;
        }
        assert!(
            (outward - 2.29).abs() < 0.02,
            "outward mean spread {outward}"
        );
        assert!(
            (nearest - 1.29).abs() < 0.02,
            "nearest mean spread {nearest}"
        );
        // a half-spread under half a tick still leaves one tick between bid and ask
        p.spread = SpreadModel::Fixed {
            half_spread_ticks: 0.2,
            skew_ticks_per_lot: 0.0,
        };
        x.mid_ticks = 1000.0;
        assert_eq!(top(&p, &x), (1000, 1001));
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

    #[test]
    fn scaled_quotes_are_wider_and_smaller() {
        let p = params(QuoteStrategy::Fixed);
        let x = QuoteInputs {
            mid_ticks: 10_000.0,
            inventory_lots: 0,
            var_per_s: 1.0,
            book_bid_ticks: None,
            book_ask_ticks: None,
        };
        let normal = best_quotes(&p, &x);
        let wide = p.scaled(3.0, 0.5);
        let w = best_quotes(&wide, &x);
        assert_eq!(w.half_spread_ticks, 3.0 * normal.half_spread_ticks);
        assert!(w.ask_ticks - w.bid_ticks > normal.ask_ticks - normal.bid_ticks);
        assert_eq!(wide.lots_per_level, (p.lots_per_level / 2).max(1));
        assert_eq!(p.scaled(1.0, 1e-9).lots_per_level, 1, "at least one lot");
    }
}
