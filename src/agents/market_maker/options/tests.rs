use super::*;

const S: u64 = 1_000_000_000;

fn line(kind: OptionKind, contracts: i64, expiry_ns: u64) -> OptionLine {
    OptionLine {
        kind,
        strike_ticks: 10_000,
        expiry_ns,
        contracts,
        multiplier_lots: 10,
    }
}

#[test]
fn the_parts_add_up_to_option_cash_plus_value_through_trades_and_expiry() {
    let mut d = OptionDesk::new(OptionVolSource::Implied, 3e-4);
    let mut log = Vec::new();
    let f0 = black_scholes::price(OptionKind::Call, 10_000.0, 10_000.0, 60.0, 3e-4);
    d.trade(line(OptionKind::Call, -5, 60 * S), f0 * 1.1, f0);
    let f1 = black_scholes::price(OptionKind::Put, 10_020.0, 10_000.0, 110.0, 3e-4);
    d.trade(line(OptionKind::Put, 3, 120 * S), f1 * 0.95, f1);
    for (spot, now) in [(10_000.0, 10 * S), (10_150.0, 59 * S), (9_800.0, 61 * S)] {
        d.settle(spot, now, 0, BookId(0), &mut log);
        let v = d.value(spot, now, 3e-4);
        let direct = d.cash_tick_lots + v.greeks.value;
        assert!(
            (v.pnl_tick_lots() - direct).abs() < 1e-9 * direct.abs().max(1.0),
            "{v:?} vs {direct}"
        );
    }
    // the call expired at 9 800, out of the money: settled for nothing, logged once
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].event, OptionEvent::Expiry);
    assert_eq!(log[0].contracts, 5);
    assert_eq!(d.settlement_tick_lots, 0.0);
    assert_eq!(d.book.lines().len(), 1);
    assert_eq!(d.next_expiry_ns, 120 * S);
    // selling above fair value is a positive premium part
    assert!(d.premium_tick_lots > 0.0);
}

#[test]
fn an_in_the_money_short_call_pays_its_intrinsic_value_at_expiry() {
    let mut d = OptionDesk::new(OptionVolSource::Implied, 3e-4);
    d.trade(line(OptionKind::Call, -2, 30 * S), 50.0, 50.0);
    let cash = d.settle(10_120.0, 30 * S, 0, BookId(0), &mut Vec::new());
    assert_eq!(cash, -2.0 * 10.0 * 120.0);
    assert!(d.book.lines().is_empty());
    assert_eq!(d.next_expiry_ns, u64::MAX);
}

#[test]
fn realised_volatility_is_the_estimate_over_the_mid() {
    let d = OptionDesk::new(OptionVolSource::Realised, 3e-4);
    // 4 ticks per √s at 10 000 ticks: 4e-4
    assert!((d.vol_per_sqrt_s(16.0, 10_000.0) - 4e-4).abs() < 1e-15);
    assert_eq!(d.vol_per_sqrt_s(0.0, 10_000.0), 3e-4, "no estimate yet");
    let i = OptionDesk::new(OptionVolSource::Implied, 3e-4);
    assert_eq!(i.vol_per_sqrt_s(16.0, 10_000.0), 3e-4);
}

fn params(toml_text: &str) -> OptionLineParams {
    toml::from_str(toml_text).unwrap()
}

#[test]
fn a_ladder_is_centred_on_the_open_and_shares_the_contracts() {
    let o = params(
        "kind = \"put\"\nstrike_ladder = { count = 5, spacing = 0.5 }\nexpiry_s = 23400.0\n\
         contracts = -3\nmultiplier_lots = 10",
    );
    let lines = option_lines(&o, 0.01, 10_003.0, 2e-4);
    let strikes: Vec<i64> = lines.iter().map(|l| l.strike_ticks).collect();
    assert_eq!(strikes, vec![9_900, 9_950, 10_000, 10_050, 10_100]);
    assert!(
        lines
            .iter()
            .all(|l| l.contracts == -3 && l.expiry_ns == 23_400 * S)
    );
    // an even count straddles the grid point nearest the open's half-spacing
    let o = params(
        "kind = \"call\"\nstrike_ladder = { count = 2, spacing = 1.0 }\nexpiry_s = 60.0\n\
         contracts = 1",
    );
    let strikes: Vec<i64> = option_lines(&o, 0.01, 10_040.0, 2e-4)
        .iter()
        .map(|l| l.strike_ticks)
        .collect();
    assert_eq!(strikes, vec![10_000, 10_100]);
}

/// A line sized by its gamma at the open gets the whole contracts whose gamma comes
/// nearest, the sign giving long or short; by the percent move, the same through 1 % of
/// the open.
#[test]
fn a_line_sized_by_gamma_has_that_gamma_at_the_open() {
    let (open, vol, tau) = (10_000.0, 2e-4, 23_400.0);
    let o = params(
        "kind = \"call\"\nstrike = 100.0\nexpiry_s = 23400.0\n\
         gamma_lots_per_tick = -2.0\nmultiplier_lots = 10",
    );
    let lines = option_lines(&o, 0.01, open, vol);
    let per_contract =
        black_scholes::greeks(OptionKind::Call, open, 10_000.0, tau, vol).gamma * 10.0;
    let n = lines[0].contracts;
    assert!(n < 0, "short gamma: {n}");
    let achieved = n as f64 * per_contract;
    assert!(
        (achieved + 2.0).abs() <= 0.5 * per_contract,
        "{achieved} vs -2"
    );
    // 40 lots per 1 % move at 10 000 ticks: 0.4 lots per tick
    let o = params(
        "kind = \"put\"\nstrike_ladder = { count = 3, spacing = 1.0 }\nexpiry_s = 23400.0\n\
         gamma_lots_per_pct = 40.0",
    );
    let lines = option_lines(&o, 0.01, open, vol);
    let total: f64 = lines
        .iter()
        .map(|l| {
            l.contracts as f64
                * black_scholes::greeks(OptionKind::Put, open, l.strike_ticks as f64, tau, vol)
                    .gamma
        })
        .sum();
    let per: f64 = total / lines[0].contracts as f64;
    assert!((total - 0.4).abs() <= 0.5 * per, "{total} vs 0.4");
    // a target below half a contract still holds one
    let o =
        params("kind = \"put\"\nstrike = 100.0\nexpiry_s = 23400.0\ngamma_lots_per_tick = 1e-9");
    assert_eq!(option_lines(&o, 0.01, open, vol)[0].contracts, 1);
    // a target of 0 holds nothing
    let o = params("kind = \"put\"\nstrike = 100.0\nexpiry_s = 60.0\ngamma_lots_per_tick = 0.0");
    assert!(option_lines(&o, 0.01, open, vol).is_empty());
}
