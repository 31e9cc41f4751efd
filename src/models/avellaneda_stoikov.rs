//! Avellaneda & Stoikov (2008), "High-frequency trading in a limit order book": the
//! reservation price and optimal total spread of an inventory-averse market maker.
//! Prices in ticks, inventory in lots, σ² in ticks² per second, τ in seconds.

/// `r = s − q·γ·σ²·τ`: the mid shifted against the inventory.
pub fn reservation_price(
    mid: f64,
    inventory_lots: f64,
    gamma: f64,
    var_per_s: f64,
    tau_s: f64,
) -> f64 {
    mid - inventory_lots * gamma * var_per_s * tau_s
}

/// `γσ²τ + (2/γ)·ln(1 + γ/k)`: the total (bid-to-ask) spread. `ln(1 + x)` is computed as
/// `log1p`, exact for the tiny γ/k at which `1 + x` would round to 1 (the spread tends to 2/k).
pub fn total_spread(gamma: f64, var_per_s: f64, tau_s: f64, k: f64) -> f64 {
    gamma * var_per_s * tau_s + (2.0 / gamma) * libm::log1p(gamma / k)
}

/// What one set of Avellaneda–Stoikov parameters quotes, in ticks (see docs/calibration.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// γ, risk aversion per tick.
    pub gamma: f64,
    /// k, fill-intensity decay per tick.
    pub k: f64,
    /// τ, the horizon, seconds.
    pub horizon_s: f64,
    /// σ, the maker's volatility estimate, ticks per √s.
    pub sigma_ticks_per_sqrt_s: f64,
    /// The half-spread `½γσ²τ + (1/γ)·ln(1 + γ/k)`, ticks.
    pub half_spread_ticks: f64,
    /// Its inventory-risk part `½γσ²τ`, ticks.
    pub risk_ticks: f64,
    /// The skew: how far the reservation price moves per lot of inventory, `γσ²τ` ticks.
    pub skew_ticks_per_lot: f64,
}

impl Calibration {
    /// The quotes of `γ`, `k` and `τ` at a volatility of `σ` ticks per √s.
    pub fn new(gamma: f64, k: f64, horizon_s: f64, sigma_ticks_per_sqrt_s: f64) -> Self {
        let var = sigma_ticks_per_sqrt_s * sigma_ticks_per_sqrt_s;
        Calibration {
            gamma,
            k,
            horizon_s,
            sigma_ticks_per_sqrt_s,
            half_spread_ticks: 0.5 * total_spread(gamma, var, horizon_s, k),
            risk_ticks: 0.5 * gamma * var * horizon_s,
            // the reservation price one lot short: s + γσ²τ, at s = 0
            skew_ticks_per_lot: reservation_price(0.0, -1.0, gamma, var, horizon_s),
        }
    }

    /// The best quotes' distance from a mid on a tick at no inventory, with
    /// `quote_rounding = "outward"` (bid rounded down, ask up): ⌈half-spread⌉ ticks.
    pub fn quoted_ticks(&self) -> f64 {
        self.half_spread_ticks.ceil()
    }

    /// The inventory that moves the reservation price by one tick, lots.
    pub fn lots_per_tick_of_skew(&self) -> f64 {
        1.0 / self.skew_ticks_per_lot
    }
}

/// The (γ, k, τ, σ) rows of docs/calibration.md's table: a maker that gives none of the keys
/// (γ = 0.1, k = 1.5, τ = 60 s, at the prior σ of 1 tick/√s), baseline.toml's makers
/// (γ = 0.005, k = 1.5, τ = 10 s) and one parameter at a time changed from γ = 0.05.
pub const CALIBRATION_GRID: &[(f64, f64, f64, f64)] = &[
    (0.1, 1.5, 60.0, 1.0),
    (0.005, 1.5, 10.0, 0.5),
    (0.005, 1.5, 10.0, 2.0),
    (0.05, 1.5, 10.0, 0.5),
    (0.05, 1.5, 10.0, 2.0),
    (0.5, 1.5, 10.0, 0.5),
    (0.5, 1.5, 10.0, 2.0),
    (0.05, 0.5, 10.0, 2.0),
    (0.05, 5.0, 10.0, 2.0),
    (0.05, 1.5, 1.0, 2.0),
    (0.05, 1.5, 60.0, 2.0),
];

/// The calibration table of docs/calibration.md (`depthsim keys --calibrate`): per row of
/// [`CALIBRATION_GRID`] the half-spread, its inventory-risk part, the quoted distance, the
/// skew per lot and the inventory that moves the quotes a tick; σ also in currency per √s
/// for a tick of `tick_size`.
pub fn calibration_markdown(tick_size: f64) -> String {
    let mut out = format!(
        "| γ (per tick) | k (per tick) | τ (s) | σ (ticks/√s) | σ (currency/√s, tick {tick_size}) \
         | half-spread (ticks) | of which ½γσ²τ | best quotes at q = 0 (ticks from mid, outward) \
         | skew γσ²τ (ticks per lot) | lots per tick of skew |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    );
    for &(g, k, tau, sigma) in CALIBRATION_GRID {
        let c = Calibration::new(g, k, tau, sigma);
        out.push_str(&format!(
            "| {g} | {k} | {tau} | {sigma} | {:.4} | {:.3} | {:.3} | {} | {:.4} | {:.1} |\n",
            sigma * tick_size,
            c.half_spread_ticks,
            c.risk_ticks,
            c.quoted_ticks(),
            c.skew_ticks_per_lot,
            c.lots_per_tick_of_skew(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_is_the_model_in_ticks() {
        // γ = 0.1, k = 1.5, τ = 2, σ = 2 (σ² = 4): the hand-computed values above.
        let c = Calibration::new(0.1, 1.5, 2.0, 2.0);
        assert!((c.half_spread_ticks - 2.090_770_2 / 2.0).abs() < 1e-6);
        assert!((c.risk_ticks - 0.4).abs() < 1e-12);
        assert!((c.skew_ticks_per_lot - 0.8).abs() < 1e-12);
        assert_eq!(c.quoted_ticks(), 2.0);
        assert!((c.lots_per_tick_of_skew() - 1.25).abs() < 1e-12);
        let table = calibration_markdown(0.01);
        assert_eq!(table.lines().count(), 2 + CALIBRATION_GRID.len());
        // baseline's makers at σ = 2 ticks/√s: ½·0.005·4·10 = 0.1, + 200·ln(1 + 0.005/1.5)
        assert!(
            table.contains("| 0.005 | 1.5 | 10 | 2 | 0.0200 | 0.766 | 0.100 | 1 | 0.2000 | 5.0 |"),
            "{table}"
        );
    }

    #[test]
    fn hand_computed_values() {
        // s = 1000, q = 10, γ = 0.1, σ² = 4, τ = 2: r = 1000 − 10·0.1·4·2 = 992.
        assert!((reservation_price(1000.0, 10.0, 0.1, 4.0, 2.0) - 992.0).abs() < 1e-12);
        // short inventory shifts up
        assert!((reservation_price(1000.0, -5.0, 0.1, 4.0, 2.0) - 1004.0).abs() < 1e-12);
        // γσ²τ = 0.8; (2/0.1)·ln(1 + 0.1/1.5) = 20·ln(1.0666…) = 1.290 770 …
        let s = total_spread(0.1, 4.0, 2.0, 1.5);
        let expected = 0.8 + 20.0 * libm::log(1.0 + 0.1 / 1.5);
        assert!((s - expected).abs() < 1e-12);
        assert!((s - 2.090_770_2).abs() < 1e-6, "{s}");
    }

    #[test]
    fn spread_of_a_nearly_risk_neutral_maker_tends_to_two_over_k() {
        // γ = 1e-17: 1 + γ/k rounds to 1 in f64, so a plain ln would give a spread of 0
        let s = total_spread(1e-17, 4.0, 2.0, 1.5);
        assert!((s - 2.0 / 1.5).abs() < 1e-9, "{s}");
    }
}
