//! Book measurements shared by the statistics, the detector and the recorder.

use crate::lob::{Book, Price, Side};

/// Resting lots per side priced within `k_ticks` of a reference price given as twice its value
/// in ticks (so a mid between two ticks stays exact): bids at prices ≥ ref − k, asks at prices
/// ≤ ref + k.
pub fn depth_around(book: &Book, ref_x2_ticks: i64, k_ticks: u32) -> (u64, u64) {
    let k2 = 2 * i64::from(k_ticks);
    // bids: floor(ref) down to ceil(ref − k)
    let bid_ref = ref_x2_ticks.div_euclid(2);
    let bid_lo = (ref_x2_ticks - k2 + 1).div_euclid(2);
    // asks: ceil(ref) up to floor(ref + k)
    let ask_ref = (ref_x2_ticks + 1).div_euclid(2);
    let ask_hi = (ref_x2_ticks + k2).div_euclid(2);
    let bid = if bid_ref >= bid_lo {
        book.depth_within(Side::Buy, Price(bid_ref), (bid_ref - bid_lo) as u32)
            .0
    } else {
        0
    };
    let ask = if ask_hi >= ask_ref {
        book.depth_within(Side::Sell, Price(ask_ref), (ask_hi - ask_ref) as u32)
            .0
    } else {
        0
    };
    (bid, ask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lob::{OwnerId, Qty, TimeInForce};

    #[test]
    fn bands_are_measured_from_a_half_tick_mid() {
        let mut book = Book::default();
        let mut ev = Vec::new();
        for (side, p) in [
            (Side::Buy, 100),
            (Side::Buy, 96),
            (Side::Buy, 95),
            (Side::Sell, 101),
            (Side::Sell, 105),
            (Side::Sell, 106),
        ] {
            book.limit(
                OwnerId(1),
                side,
                Price(p),
                Qty(1),
                TimeInForce::Gtc,
                &mut ev,
            )
            .unwrap();
        }
        // mid 100.5, k = 5: bids ≥ 95.5 → 100, 96; asks ≤ 105.5 → 101, 105
        assert_eq!(depth_around(&book, 201, 5), (2, 2));
        // reference 100 exactly, k = 5: bids ≥ 95 → 3; asks ≤ 105 → 2
        assert_eq!(depth_around(&book, 200, 5), (3, 2));
        assert_eq!(depth_around(&book, 201, 0), (0, 0));
    }
}

/// The first depth band, in ticks, that the run statistics average.
#[derive(bevy_ecs::prelude::Resource, Debug, Clone, Copy)]
pub struct StatsBand(pub u32);

/// One step's spread and depth sums over every book, for summary.csv, and the steps at whose
/// end a book that had been two-sided had a side empty (a *failure* of the book in the sense
/// of Buis et al. 2024). `exchanges` are the books in index order, as the step left them;
/// `end_ns` is the step's end. The matching system calls this once its books have run
/// (nothing after it in a step changes a book).
pub fn accumulate_stats<'a>(
    stats: &mut crate::sim::resources::RunStats,
    exchanges: impl ExactSizeIterator<Item = &'a super::exchange::Exchange>,
    band_ticks: u32,
    end_ns: u64,
) {
    stats.steps += 1;
    if stats.formed.len() < exchanges.len() {
        stats.formed.resize(exchanges.len(), false);
    }
    // summed over books: summary.csv divides by book-steps
    for (i, ex) in exchanges.enumerate() {
        if let Some(s) = ex.book.spread_ticks() {
            stats.two_sided_steps += 1;
            stats.spread_sum_ticks += s as f64;
            stats.formed[i] = true;
        } else if stats.formed[i] {
            stats.one_sided_steps += 1;
            stats.first_one_sided_ns.get_or_insert(end_ns);
        }
        let (bid, ask) = depth_around(&ex.book, ex.reference_x2_ticks(), band_ticks);
        stats.depth_bid_sum_lots += bid as f64;
        stats.depth_ask_sum_lots += ask as f64;
    }
}
