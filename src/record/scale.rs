//! Integer ticks and lots to currency, at the output edge.

/// Converts tick prices to currency without the `0.1 + 0.2` artefacts of multiplying by a
/// fractional tick: when `1 / tick_size` is a whole number, prices are divided by it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceScale {
    tick_size: f64,
    ticks_per_unit: Option<f64>,
    lot_size: f64,
}

impl PriceScale {
    /// A scale for `tick_size` currency per tick and `lot_size` units per lot.
    pub fn new(tick_size: f64, lot_size: u64) -> Self {
        let inv = 1.0 / tick_size;
        let ticks_per_unit = ((inv - inv.round()).abs() < 1e-9 * inv.max(1.0)).then(|| inv.round());
        PriceScale {
            tick_size,
            ticks_per_unit,
            lot_size: lot_size as f64,
        }
    }

    /// A price (or price difference) in ticks, in currency.
    #[inline]
    pub fn price(&self, ticks: f64) -> f64 {
        match self.ticks_per_unit {
            Some(n) => ticks / n,
            None => ticks * self.tick_size,
        }
    }

    /// An amount in tick·lots (cash, PnL), in currency.
    #[inline]
    pub fn money(&self, tick_lots: f64) -> f64 {
        self.price(tick_lots) * self.lot_size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_ticks_print_cleanly() {
        let s = PriceScale::new(0.01, 100);
        assert_eq!(s.price(10001.0).to_string(), "100.01");
        assert_eq!(s.money(3.0), 3.0);
        let s = PriceScale::new(0.25, 1);
        assert_eq!(s.price(3.0), 0.75);
        let s = PriceScale::new(0.3, 1);
        assert!((s.price(10.0) - 3.0).abs() < 1e-12);
    }
}
