//! Prices in the CSV files print with the tick's decimals (one more for mids), whatever the
//! tick: a tick of 0.07 gives `50.05`, never `50.050000000000004`.

use depthsim::record::OutputDir;
use depthsim::run::run_into;
use depthsim::scenario::{Overrides, Scenario};
use std::path::Path;

#[test]
fn csv_prices_are_rounded_to_the_ticks_decimals() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tiny.toml"))
        .unwrap()
        .replace("tick_size = 0.01 ", "tick_size = 0.07 ")
        .replace("lot_size = 1 ", "lot_size = 3 ");
    let s = Scenario::from_toml(&text, Path::new("tick007.toml"), &Overrides::default()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = OutputDir::create(&tmp.path().join("out")).unwrap();
    run_into(&s, &dir, &mut |_, _| {}, &|| false).unwrap();
    // columns that are prices on the grid (2 decimals), mids (3), or cash/PnL (3: lot_size 3
    // times a half-tick mark)
    let checks: [(&str, &[&str], usize); 5] = [
        (
            "book.csv",
            &["best_bid", "best_ask", "spread", "last_trade"],
            2,
        ),
        ("book.csv", &["mid"], 3),
        ("trades.csv", &["price"], 2),
        ("trades.csv", &["mid_before"], 3),
        ("agents.csv", &["cash", "pnl"], 3),
    ];
    for (file, columns, max_decimals) in checks {
        let mut r = csv::Reader::from_path(dir.file(file)).unwrap();
        let header = r.headers().unwrap().clone();
        let mut seen = 0;
        for row in r.records() {
            let row = row.unwrap();
            for c in columns {
                let i = header.iter().position(|h| h == *c).unwrap();
                let v = &row[i];
                let decimals = v.split('.').nth(1).map_or(0, str::len);
                assert!(
                    decimals <= max_decimals,
                    "{file} {c} = {v}: more than {max_decimals} decimals"
                );
                seen += usize::from(!v.is_empty());
            }
        }
        assert!(seen > 10, "{file}: too few values of {columns:?} checked");
    }
}
