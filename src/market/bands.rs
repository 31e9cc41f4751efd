//! Price bands (limit up–limit down style): a book may trade only within a fraction of a
//! reference price. The reference is the last trade price at the start of each reference
//! interval (the opening price until the first trade). Incoming orders priced beyond a band
//! are repriced to it, as US equity exchanges slide orders to the LULD band: a buy limit
//! above the upper band rests or trades at the upper band, a sell limit below the lower band
//! at the lower band, and a market order becomes an immediate-or-cancel limit at the band on
//! its side. Resting orders keep their prices when the reference moves, so an order that
//! rested within the old band and lies beyond the new one (a bid above the new upper band,
//! an offer below the new lower band) can still be met and trade there; the bands bind what
//! arrives, not what already rests. Pure: no ECS, no allocation.

use crate::lob::Side;

/// A book's band rule, in ns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandRule {
    /// The band's half-width as a fraction of the reference, in (0, 1).
    pub fraction: f64,
    /// How often the reference is reset to the last trade price, ns (> 0).
    pub interval_ns: u64,
}

/// A book's bands: the rule, the reference in force, and how many orders were repriced.
#[derive(Debug, Clone)]
pub struct PriceBands {
    rule: BandRule,
    /// The reference price, ticks.
    reference_ticks: i64,
    /// The next reset of the reference, ns.
    next_reset_ns: u64,
    /// The lower and upper band, ticks, for the reference in force.
    limits: (i64, i64),
    /// Orders the bands changed so far: accepted limit orders slid to a band, and market
    /// orders that did not fill in full within it (counted by the exchange, [`Self::count`]).
    pub repriced: u64,
}

impl PriceBands {
    /// Bands around `opening_ticks` until the first reset, at `rule.interval_ns`.
    pub fn new(rule: BandRule, opening_ticks: i64) -> Self {
        PriceBands {
            rule,
            reference_ticks: opening_ticks,
            next_reset_ns: rule.interval_ns,
            limits: band_limits(opening_ticks, rule.fraction),
            repriced: 0,
        }
    }

    /// Brings the reference up to date for a request at `t_ns`: if a reset time has passed,
    /// the reference becomes `last_trade` (unchanged when nothing has traded yet).
    pub fn update(&mut self, t_ns: u64, last_trade: Option<i64>) {
        if t_ns < self.next_reset_ns {
            return;
        }
        let behind = (t_ns - self.next_reset_ns) / self.rule.interval_ns;
        self.next_reset_ns = self
            .next_reset_ns
            .saturating_add((behind + 1).saturating_mul(self.rule.interval_ns));
        if let Some(p) = last_trade {
            self.reference_ticks = p;
            self.limits = band_limits(p, self.rule.fraction);
        }
    }

    /// The reference price, ticks.
    pub fn reference_ticks(&self) -> i64 {
        self.reference_ticks
    }

    /// The lower and upper band, ticks.
    pub fn limits(&self) -> (i64, i64) {
        self.limits
    }

    /// The price an order on `side` at `price_ticks` is given: the band on its side if it is
    /// beyond it, else its own; and whether it was slid.
    pub fn slide(&self, side: Side, price_ticks: i64) -> (i64, bool) {
        let (lower, upper) = self.limits;
        let slid = match side {
            Side::Buy => price_ticks.min(upper),
            Side::Sell => price_ticks.max(lower),
        };
        (slid, slid != price_ticks)
    }

    /// The limit a market order on `side` is given: the band on its side.
    pub fn market_limit(&self, side: Side) -> i64 {
        match side {
            Side::Buy => self.limits.1,
            Side::Sell => self.limits.0,
        }
    }

    /// Counts one order the bands changed.
    pub fn count(&mut self) {
        self.repriced += 1;
    }
}

/// `⌈r·(1 − f)⌉` and `⌊r·(1 + f)⌋` ticks, the products computed in `f64` (so a product
/// that is an integer in exact arithmetic may round just below it, and its band come out a
/// tick narrower), each at least one tick from `r`, and the lower band at least one tick
/// (for `r = 1` it is then `r` itself).
pub fn band_limits(reference_ticks: i64, fraction: f64) -> (i64, i64) {
    let r = reference_ticks as f64;
    let lower = ((r * (1.0 - fraction)).ceil() as i64)
        .min(reference_ticks - 1)
        .max(1);
    let upper = ((r * (1.0 + fraction)).floor() as i64).max(reference_ticks + 1);
    (lower, upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    fn rule() -> BandRule {
        BandRule {
            fraction: 0.05,
            interval_ns: 10 * S,
        }
    }

    #[test]
    fn the_bands_are_the_fraction_of_the_reference_rounded_inward() {
        assert_eq!(band_limits(2000, 0.05), (1900, 2100));
        assert_eq!(
            band_limits(1999, 0.05),
            (1900, 2098),
            "1899.05 up, 2098.95 down"
        );
        // never closer than a tick, never below one tick
        assert_eq!(band_limits(10, 0.01), (9, 11));
        assert_eq!(band_limits(1, 0.5), (1, 2));
        // the products are f64: 100 × 1.15 is 114.999…, so the upper band is 114
        assert_eq!(band_limits(100, 0.15), (85, 114));
    }

    #[test]
    fn orders_beyond_a_band_slide_to_it() {
        let b = PriceBands::new(rule(), 2000);
        assert_eq!(b.slide(Side::Buy, 2150), (2100, true));
        assert_eq!(b.slide(Side::Buy, 2100), (2100, false));
        assert_eq!(
            b.slide(Side::Buy, 1500),
            (1500, false),
            "a low bid is its own"
        );
        assert_eq!(b.slide(Side::Sell, 1800), (1900, true));
        assert_eq!(
            b.slide(Side::Sell, 2500),
            (2500, false),
            "a high offer is its own"
        );
        assert_eq!(b.market_limit(Side::Buy), 2100);
        assert_eq!(b.market_limit(Side::Sell), 1900);
    }

    #[test]
    fn the_reference_resets_to_the_last_trade_at_each_interval() {
        let mut b = PriceBands::new(rule(), 2000);
        b.update(9 * S, Some(2050));
        assert_eq!(b.reference_ticks(), 2000, "before the first reset");
        b.update(10 * S, Some(2050));
        assert_eq!((b.reference_ticks(), b.limits()), (2050, (1948, 2152)));
        // the next reset is at 20 s: nothing changes before it
        b.update(19 * S, Some(1900));
        assert_eq!(b.reference_ticks(), 2050);
        // several intervals without a request: one reset, then the next at 60 s
        b.update(55 * S, Some(1900));
        assert_eq!(b.reference_ticks(), 1900);
        b.update(59 * S, Some(1800));
        assert_eq!(b.reference_ticks(), 1900);
        b.update(60 * S, Some(1800));
        assert_eq!(b.reference_ticks(), 1800);
        // no trade yet: the opening price stays the reference
        let mut c = PriceBands::new(rule(), 2000);
        c.update(30 * S, None);
        assert_eq!(c.reference_ticks(), 2000);
    }
}
