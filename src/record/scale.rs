//! Integer ticks and lots to currency, at the output edge.
//!
//! A price on the tick grid is printed with the tick's decimals and nothing else: a tick of
//! 0.07 prints 715 ticks as `50.05`, not `50.050000000000004` (what `715.0 * 0.07` gives).
//! Mids fall on half ticks and need one decimal more, so every currency value is rounded to
//! one decimal beyond the tick's: exact for grid prices, mids, cash and PnL (cash is an
//! integer number of tick·lots; PnL adds inventory × mid). Model values and averages (a
//! reservation price, a mean markout) are not on the grid and are converted unrounded.

/// Converts tick prices and tick·lot amounts to currency, rounded as the module docs say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceScale {
    tick_size: f64,
    /// `Some((u, p))` when the tick is `u / 10^(p-1)` for an integer `u` (its decimals are
    /// `p - 1`, at most [`MAX_DECIMALS`]); `None` for a tick with no short decimal form (1/3).
    decimal: Option<(f64, f64)>,
    /// `decimal` as integers: `(u, p)`.
    decimal_int: Option<(i64, u32)>,
    lot_size: f64,
}

/// Most decimals a tick size may have for exact printing.
const MAX_DECIMALS: i32 = 9;

/// Magnitudes below which integers are exact in f64.
const EXACT: f64 = 9_007_199_254_740_992.0;

impl PriceScale {
    /// A scale for `tick_size` currency per tick and `lot_size` units per lot.
    pub fn new(tick_size: f64, lot_size: u64) -> Self {
        // the tick as u / 10^d for an integer u
        let short = (0..=MAX_DECIMALS).find_map(|d| {
            let scaled = tick_size * 10f64.powi(d);
            let units = scaled.round();
            ((scaled - units).abs() <= 1e-6 && units >= 1.0).then_some((units, d))
        });
        let decimal = short.map(|(u, d)| (u, 10f64.powi(d + 1)));
        let decimal_int = short
            .filter(|&(u, _)| u < EXACT)
            .map(|(u, d)| (u as i64, d as u32 + 1));
        PriceScale {
            tick_size,
            decimal,
            decimal_int,
            lot_size: lot_size as f64,
        }
    }

    /// A price of `ticks_x2` half ticks as `(n, d)` such that [`PriceScale::price`] of it is
    /// the double nearest to `n / 10^d` and `n` has at most 15 digits, so that its text can
    /// be written from the integers ([`super::decimal::decimal_text`]); `None` otherwise.
    #[inline]
    pub(crate) fn price_decimal_x2(&self, ticks_x2: i64) -> Option<(i64, u32)> {
        let (units, decimals) = self.decimal_int?;
        // currency() computes (ticks · units · 10).round() / 10^d: below 10^15 every product
        // is an exact integer in f64, so that is this n over the same power of ten
        let n = ticks_x2.checked_mul(units)?.checked_mul(5)?;
        (n.unsigned_abs() < 1_000_000_000_000_000).then_some((n, decimals))
    }

    /// `ticks` (any real number of ticks) in currency, rounded to one decimal beyond the tick's.
    #[inline]
    fn currency(&self, ticks: f64) -> f64 {
        if let Some((units, pow)) = self.decimal {
            // ticks · units is the value in units of 10^-d; ×10 for the extra decimal. An exact
            // integer divided by a power of ten is the closest double to the decimal, which
            // prints as that decimal.
            let n = (ticks * units * 10.0).round();
            if n.abs() < EXACT {
                return n / pow;
            }
        }
        ticks * self.tick_size
    }

    /// A price (or price difference) in ticks, in currency.
    #[inline]
    pub fn price(&self, ticks: f64) -> f64 {
        self.currency(ticks)
    }

    /// An amount in tick·lots (cash, PnL), in currency.
    #[inline]
    pub fn money(&self, tick_lots: f64) -> f64 {
        self.currency(tick_lots * self.lot_size)
    }

    /// A model value or an average in ticks (a reservation price), in currency, not rounded:
    /// it is not on the tick grid and rounding would lose its precision.
    #[inline]
    pub fn price_unrounded(&self, ticks: f64) -> f64 {
        ticks * self.tick_size
    }

    /// The sum of rounded currency amounts of several books (each from its own scale), itself
    /// rounded to the finest of their decimals: the books' amounts are exact decimals, and so
    /// is their sum, which f64 addition alone may print as `0.30000000000000004`. Left as
    /// added when a tick has no short decimal form.
    pub fn sum_money(scales: &[PriceScale], amounts: impl IntoIterator<Item = f64>) -> f64 {
        let sum: f64 = amounts.into_iter().sum();
        let pow = scales
            .iter()
            .map(|s| s.decimal.map(|d| d.1))
            .try_fold(1.0f64, |acc, p| p.map(|p| acc.max(p)));
        match pow {
            Some(pow) if (sum * pow).abs() < EXACT => (sum * pow).round() / pow,
            _ => sum,
        }
    }

    /// An average in tick·lots per lot (a markout), in currency, not rounded.
    #[inline]
    pub fn money_unrounded(&self, tick_lots: f64) -> f64 {
        tick_lots * self.tick_size * self.lot_size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_of_books_amounts_print_cleanly() {
        let a = PriceScale::new(0.01, 1);
        let b = PriceScale::new(0.05, 100);
        // 0.1 + 0.2 is 0.30000000000000004 in f64
        assert_eq!((0.1f64 + 0.2).to_string(), "0.30000000000000004");
        assert_eq!(
            PriceScale::sum_money(&[a, b], [0.1, 0.2]).to_string(),
            "0.3"
        );
        assert_eq!(
            PriceScale::sum_money(&[a, b], [-3.5, -3.44]).to_string(),
            "-6.94"
        );
        let third = PriceScale::new(1.0 / 3.0, 1);
        assert_eq!(PriceScale::sum_money(&[a, third], [0.1, 0.2]), 0.1 + 0.2);
    }

    #[test]
    fn decimal_ticks_print_cleanly() {
        let s = PriceScale::new(0.01, 100);
        assert_eq!(s.price(10001.0).to_string(), "100.01");
        assert_eq!(s.money(3.0), 3.0);
        let s = PriceScale::new(0.25, 1);
        assert_eq!(s.price(3.0), 0.75);
        let s = PriceScale::new(0.3, 1);
        assert_eq!(s.price(10.0), 3.0);
    }

    /// Prices print rounded to the tick's decimals (one more for half-tick mids).
    #[test]
    fn prices_print_with_the_ticks_decimals() {
        let s = PriceScale::new(0.07, 3);
        assert_eq!(715.0 * 0.07, 50.050000000000004, "the artefact this avoids");
        assert_eq!(s.price(715.0).to_string(), "50.05");
        assert_eq!(s.price(715.5).to_string(), "50.085");
        assert_eq!(s.money(715.0).to_string(), "150.15");
        assert_eq!(s.price(-3.0).to_string(), "-0.21");
        for ticks in 0..100_000 {
            let p = s.price(f64::from(ticks)).to_string();
            let decimals = p.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 2, "{ticks} ticks print as {p}");
        }
        let s = PriceScale::new(5.0, 1);
        assert_eq!(s.price(3.0).to_string(), "15");
        assert_eq!(s.price(3.5).to_string(), "17.5");
        // a tick with no short decimal form is multiplied out
        let third = 1.0 / 3.0;
        assert_eq!(PriceScale::new(third, 1).price(3.0), 3.0 * third);
    }
}
