//! Every CSV file of a run loads with pandas `read_csv`, with the documented columns and
//! numeric columns parsed as numbers. Needs python3 with pandas (`.ci/run` installs it); where
//! pandas is missing the test fails under CI (`CI` set) and is reported as skipped otherwise.

mod common;

use common::run_ok;
use std::path::Path;
use std::process::Command;

const SCRIPT: &str = r#"
import sys, pandas as pd
out = sys.argv[1]
expect = {
    "book.csv": ["t_s","book","best_bid","best_ask","mid","spread","resting_orders","depth_bid_3t_lots",
                 "depth_ask_3t_lots","depth_bid_10t_lots","depth_ask_10t_lots","fundamental",
                 "last_trade","volume_lots","trades","makers_quoting_bid","makers_quoting_ask",
                 "maker_depth_share"],
    "l2.csv": ["t_s","book","side","level","price","qty_lots","orders"],
    "trades.csv": ["t_s","book","price","qty_lots","aggressor","mid_before","fundamental","buyer_id",
                   "buyer_kind","buyer_group","seller_id","seller_kind","seller_group"],
    "quotes.csv": ["t_s","book","agent_id","group","mid","reservation_price","half_spread_ticks",
                   "sigma2_ticks2_per_s","inventory_lots","target_bid","target_ask","bid_lots",
                   "ask_lots","requoted"],
    "agents.csv": ["t_s","agent_id","kind","group","inventory_lots","cash","pnl","volume_lots",
                   "fills","quoting","markout_per_lot","net_delta_lots","option_delta_lots",
                   "option_gamma_lots_per_tick","option_vega","option_theta_per_s","option_value",
                   "hedges","hedge_lots","hedge_slippage","pnl_spread","pnl_inventory","pnl_hedging",
                   "pnl_option_premium","pnl_option_revaluation","pnl_settlement","state",
                   "time_in_state_s", "withdrawn_s"],
    "summary.csv": ["scenario","seed","duration_s","dt_s","steps","agents","order_instructions",
                    "limit_orders","market_orders","cancels","expiries","rejections","trades",
                    "volume_lots","unfilled_lots","mean_spread_ticks","two_sided_fraction","one_sided_s","first_one_sided_s","depth_band_ticks",
                    "mean_depth_bid_lots","mean_depth_ask_lots","final_price","final_fundamental",
                    "pnl_market_makers","pnl_informed","pnl_noise","mm_markout_per_lot",
                    "pnl_mm_spread","pnl_mm_inventory","pnl_mm_hedging","pnl_mm_option_premium",
                    "pnl_mm_option_revaluation","pnl_mm_settlement","hedges","hedges_failed",
                    "hedge_lots","hedge_unfilled_lots","hedge_mean_slippage_ticks",
                    "withdrawals_loss","withdrawals_inventory","withdrawals_hedge_failure",
                    "withdrawals_drawdown","withdrawals_toxicity","withdrawals_volatility",
                    "mm_withdrawn_fraction", "halts", "halted_s", "halt_rejected_orders",
                    "program_lots",
                    "program_filled_lots", "program_target_participation",
                    "program_participation", "hot_potato_ratio", "episodes", "collapsed_s",
                    "worst_trough_ratio", "mean_recovery_s", "collapse_detectable", "longest_empty_side_s",
                    "mm_sharpe_per_sample",
                    "mm_sharpe_annualised", "price_min", "price_max", "price_max_drawdown_frac",
                    "realised_vol_per_sqrt_s", "band_repriced_orders"],
}
# the tiny run is shorter than the collapse baseline's window: episodes.csv has its columns only
episodes = pd.read_csv(f"{out}/episodes.csv")
assert list(episodes.columns) == ["book","side","start_s","end_s","duration_s","recovered",
    "detected_by","below_s","baseline_lots","trough_lots","trough_ratio","trough_s",
    "time_to_trough_s","refill_50_s","refill_90_s","mid_start","mid_end","mid_move_frac",
    "max_spread","makers_withdrawn","triggers","maker_share_before","maker_share_trough",
    "volume_lots","impact_q_lots","impact_q_source","impact_sigma_per_sqrt_s",
    "impact_volume_per_s","impact_price_start","impact_price_peak","impact_price_permanent",
    "impact_predicted_frac","impact_peak_frac","impact_permanent_frac","impact_ratio_peak",
    "impact_ratio_permanent"], list(episodes.columns)
text = {"book","side","aggressor","buyer_kind","buyer_group","seller_kind","seller_group","kind","group",
        "quoting","scenario","requoted","state"}
for name, cols in expect.items():
    df = pd.read_csv(f"{out}/{name}")
    assert list(df.columns) == cols, (name, list(df.columns))
    assert len(df) > 0, name
    for c in cols:
        if c not in text:
            assert pd.api.types.is_numeric_dtype(df[c]), (name, c, df[c].dtype)
book = pd.read_csv(f"{out}/book.csv")
two = book.dropna(subset=["best_bid", "best_ask"])
assert len(two) > 0 and (two["best_ask"] > two["best_bid"]).all(), "book crossed in book.csv"
assert book["t_s"].is_monotonic_increasing
quotes = pd.read_csv(f"{out}/quotes.csv")
both = quotes.dropna(subset=["target_bid", "target_ask"])
assert len(both) > 0 and (both["target_ask"] > both["target_bid"]).all(), "a maker's target crossed"
trades = pd.read_csv(f"{out}/trades.csv")
assert trades["mid_before"].notna().mean() > 0.5, "most trades meet a two-sided book"
print("pandas ok:", ", ".join(f"{n} {len(pd.read_csv(f'{out}/{n}'))} rows" for n in expect))
"#;

/// Whether python3 with pandas is here; under CI its absence is a failure, not a skip.
fn pandas_available() -> bool {
    let has_pandas = Command::new("python3")
        .args(["-c", "import pandas"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_pandas {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have python3 with pandas (.ci/run installs it)"
        );
        eprintln!("skipped: python3 with pandas is not installed (pip install pandas)");
    }
    has_pandas
}

/// Runs the scenario text into a temporary folder and checks its files with `script`
/// (which gets the folder as its argument); returns what the script printed.
fn check_with_pandas(scenario_text: &str, script: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("scenario.toml");
    std::fs::write(&file, scenario_text).unwrap();
    let out = tmp.path().join("out");
    run_ok(&file, &out);
    let py = Command::new("python3")
        .args(["-c", script, out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "pandas check failed:\n{}{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );
    String::from_utf8_lossy(&py.stdout).into_owned()
}

fn shipped(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name),
    )
    .unwrap()
}

#[test]
fn every_csv_loads_with_pandas_with_the_documented_columns() {
    if !pandas_available() {
        return;
    }
    eprintln!("{}", check_with_pandas(&shipped("tiny.toml"), SCRIPT));
}

const HEDGES_SCRIPT: &str = r#"
import sys, pandas as pd
h = pd.read_csv(f"{sys.argv[1]}/hedges.csv")
cols = ["t_s","agent_id","group","venue","style","net_delta_lots","wanted_lots","filled_lots",
        "passive_lots","aggressive_lots","children","time_to_complete_s",
        "avg_fill_price","decision_mid","slippage_ticks","slippage","unfilled_lots"]
assert list(h.columns) == cols, list(h.columns)
assert len(h) > 0
for c in cols:
    if c not in {"group", "venue", "style"}:
        assert pd.api.types.is_numeric_dtype(h[c]), (c, h[c].dtype)
assert (h.unfilled_lots == h.wanted_lots - h.filled_lots).all()
assert (h.passive_lots + h.aggressive_lots == h.filled_lots.abs()).all()
assert (h.children >= 1).all() and (h.time_to_complete_s >= 0).all()
assert (h.avg_fill_price.isna() == (h.filled_lots == 0)).all()
print("pandas ok: hedges.csv", len(h), "rows")
"#;

#[test]
fn hedges_csv_loads_with_pandas_with_the_documented_columns() {
    if !pandas_available() {
        return;
    }
    let text = shipped("hedge_in_thin_book.toml");
    assert!(text.contains("duration_s = 600.0 "));
    let text = text.replace("duration_s = 600.0 ", "duration_s = 60.0 ");
    check_with_pandas(&text, HEDGES_SCRIPT);
}

const OPTIONS_SCRIPT: &str = r#"
import sys, pandas as pd
out = sys.argv[1]
o = pd.read_csv(f"{out}/options.csv")
cols = ["t_s","agent_id","group","book","event","kind","strike","expiry_s","contracts",
        "multiplier_lots","price","fair_value","vol_per_sqrt_s","mid","cash"]
assert list(o.columns) == cols, list(o.columns)
for c in cols:
    if c not in {"group", "book", "event", "kind"}:
        assert pd.api.types.is_numeric_dtype(o[c]), (c, o[c].dtype)
assert set(o.event) == {"open", "client", "expiry"}, set(o.event)
opened = o[o.event == "open"]
assert (opened.t_s == 0).all() and (opened.price == opened.fair_value).all()
client = o[o.event == "client"]
# the dealers sell above fair value and buy below it
sold, bought = client[client.contracts < 0], client[client.contracts > 0]
assert len(sold) > len(bought) > 0
assert (sold.price > sold.fair_value).all() and (bought.price < bought.fair_value).all()
# the cash column is -contracts x multiplier x price (lot_size 1)
assert ((o.cash + o.contracts * o.multiplier_lots * o.price).abs() < 1e-6).all()
# every line opened or traded and not expired is still held: contracts net per series
held = o.groupby(["agent_id", "kind", "strike", "expiry_s"]).contracts.sum()
end = pd.read_csv(f"{out}/summary.csv").duration_s[0]
assert (held[held.index.get_level_values("expiry_s") <= end] == 0).all(), held
# the PnL parts add up, per maker and sample, and in summary.csv
a = pd.read_csv(f"{out}/agents.csv")
m = a[a.kind == "market_maker"]
parts = ["pnl_spread","pnl_inventory","pnl_hedging","pnl_option_premium",
         "pnl_option_revaluation","pnl_settlement"]
assert ((m[parts].sum(axis=1) - m.pnl).abs() <= 1e-9 * m.pnl.abs().clip(lower=1)).all()
assert (m.net_delta_lots - m.inventory_lots - m.option_delta_lots).abs().max() < 1e-9
assert (m.option_gamma_lots_per_tick[m.t_s < end] < 0).all(), "short gamma until expiry"
assert (m.hedge_slippage == -m.pnl_hedging).all()
s = pd.read_csv(f"{out}/summary.csv").iloc[0]
total = sum(s["pnl_mm_" + p[4:]] for p in parts)
assert abs(total - s.pnl_market_makers) < 1e-6, (total, s.pnl_market_makers)
last = m[m.t_s == m.t_s.max()]
assert abs(last.pnl.sum() - s.pnl_market_makers) < 1e-6
assert abs(last.pnl_settlement.sum() - s.pnl_mm_settlement) < 1e-6
assert s.hedges == last.hedges.sum() and s.hedge_lots == last.hedge_lots.sum()
print("pandas ok: options.csv", len(o), "rows")
"#;

/// The dealers of `short_gamma.toml`, their straddle expiring inside a 30-minute run and
/// clients buying options from them (80 % of the time, with an edge): options.csv loads,
/// with its events, premiums on the right side of fair value and its cash; the PnL parts add
/// up in agents.csv and summary.csv.
#[test]
fn options_csv_and_the_pnl_parts_check_out_in_pandas() {
    if !pandas_available() {
        return;
    }
    let text = shipped("short_gamma.toml");
    for old in [
        "duration_s = 3600.0",
        "expiry = \"5d\"",
        "[market_maker.hedge]",
    ] {
        assert!(text.contains(old), "{old}");
    }
    let text = text
        .replace("duration_s = 3600.0", "duration_s = 1800.0")
        .replace("expiry = \"5d\"", "expiry = \"25min\"")
        .replace(
            "[market_maker.hedge]",
            "[market_maker.client_flow]\nrate_per_s = 0.02\nbuy_share = 0.8\n\
             kinds = [\"call\", \"put\"]\nstrikes = [99.50, 100.00, 100.50]\n\
             expiries = [\"15min\", \"30min\"]\ncontracts = 5\nmultiplier_lots = 10\n\
             edge_vol_per_sqrt_s = 0.00002\n\n[market_maker.hedge]",
        );
    check_with_pandas(&text, OPTIONS_SCRIPT);
}
