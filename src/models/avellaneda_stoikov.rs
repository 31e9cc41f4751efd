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

#[cfg(test)]
mod tests {
    use super::*;

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
