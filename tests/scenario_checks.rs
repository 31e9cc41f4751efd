//! Scenario checks that name the key: every refusal says which key, what is allowed, and never
//! panics. (The corpus of broken files run through the binary is in tests/cli.rs and
//! tests/robustness.rs; these go through the library.)

use depthsim::scenario::{Overrides, Scenario, ScenarioError};
use std::path::Path;

fn tiny() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tiny.toml")).unwrap()
}

fn load(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_toml(text, Path::new("x.toml"), &Overrides::default())
}

/// Loads `text`, expects a refusal whose message contains every one of `needles`.
fn refused(text: &str, needles: &[&str]) {
    let e = load(text).expect_err("should be refused").to_string();
    assert!(e.starts_with("x.toml: "), "names the file: {e}");
    for n in needles {
        assert!(e.contains(n), "expected {n:?} in: {e}");
    }
}

fn with_name(name: &str) -> String {
    tiny().replace("[run]\n", &format!("[run]\nname = {name}\n"))
}

#[test]
fn run_name_must_be_a_plain_folder_name() {
    let long = format!("\"{}\"", "x".repeat(201));
    for bad in [
        long.as_str(),
        r#""a/b""#,
        r#""a\\b""#,
        r#""nul\u0000here""#,
        r#""two\nlines""#,
        r#""..""#,
        r#""""#,
        r#"".hidden""#,
    ] {
        refused(&with_name(bad), &["`run.name`", "plain folder name"]);
    }
    assert_eq!(load(&with_name("\"a b-c_é\"")).unwrap().name, "a b-c_é");
}

#[test]
fn a_missing_key_in_an_array_table_names_the_group() {
    let text = tiny().replace("mu_per_s = 1.0 ", "").replace(
        "[[informed]]",
        "[[noise]]\ncount = 1\nalpha_per_tick_s = 0.1\ndelta_per_s = 0.1\nsigma_lots = 1\n\
         window_ticks = 5\n\n[[informed]]",
    );
    // noise[0] lacks mu_per_s
    refused(&text, &["noise[0]", "mu_per_s"]);
    let text = tiny().replace(
        "[[informed]]",
        "[[noise]]\ncount = 1\nalpha_per_tick_s = 0.1\ndelta_per_s = 0.1\nsigma_lots = 1\n\
         window_ticks = 5\n\n[[informed]]",
    );
    refused(&text, &["noise[1]", "missing", "mu_per_s"]);
    refused(
        &tiny().replace("levels = 2 ", ""),
        &["market_maker[0]", "levels"],
    );
    // a missing section is not blamed on the table before it
    let text = tiny();
    let cut = text.find("[fundamental]").unwrap();
    let end = text.find("[[noise]]").unwrap();
    let no_comments: String = format!("{}{}", &text[..cut], &text[end..])
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let e = load(&no_comments).unwrap_err().to_string();
    assert_eq!(e, "x.toml: missing field `fundamental`");
}

#[test]
fn keys_of_another_strategy_are_refused_naming_key_and_strategy() {
    let fixed = tiny()
        .replace("strategy = \"avellaneda_stoikov\"", "strategy = \"fixed\"")
        .replace("horizon_s = 10.0 ", "")
        .replace("k = 1.5 ", "");
    refused(&fixed, &["market_maker[0].gamma", "strategy = \"fixed\""]);
    let as_with_half = tiny().replace("levels = 2 ", "half_spread_ticks = 2.0\nlevels = 2 ");
    refused(
        &as_with_half,
        &[
            "market_maker[0].half_spread_ticks",
            "strategy = \"avellaneda_stoikov\"",
        ],
    );
    let threshold_with_target =
        tiny().replace("rule = \"target_position\"", "rule = \"threshold\"");
    refused(
        &threshold_with_target,
        &["informed[0].target_lots_per_tick", "rule = \"threshold\""],
    );
    let target_without = tiny().replace("target_lots_per_tick = 2.0 ", "");
    refused(
        &target_without,
        &["informed[0].target_lots_per_tick", "required"],
    );
}

/// The resolved scenario (validate's output, the manifest) lists only the keys that apply, with
/// their defaults filled in.
#[test]
fn resolved_scenario_lists_only_the_keys_that_apply() {
    let s = load(&tiny()).unwrap();
    let text = toml::to_string(&s.params).unwrap();
    assert!(text.contains("gamma = 0.01"), "{text}");
    assert!(!text.contains("half_spread_ticks"), "{text}");
    assert!(!text.contains("skew_ticks_per_lot"), "{text}");
    let fixed = tiny()
        .replace("strategy = \"avellaneda_stoikov\"", "strategy = \"fixed\"")
        .replace("gamma = 0.01 ", "")
        .replace("horizon_s = 10.0 ", "")
        .replace("k = 1.5 ", "");
    let text = toml::to_string(&load(&fixed).unwrap().params).unwrap();
    assert!(text.contains("half_spread_ticks = 1.0"), "{text}");
    assert!(text.contains("skew_ticks_per_lot = 0.0"), "{text}");
    assert!(
        !text.contains("gamma") && !text.contains("\nhorizon_s"),
        "{text}"
    );
}

#[test]
fn a_fundamental_that_would_reach_zero_or_infinity_is_refused() {
    // GBM: 0.5/√s over 60 s is σ√T ≈ 3.9, a factor e^15 on a 4-sd path
    refused(
        &tiny().replace(
            "volatility_per_sqrt_s = 0.0004",
            "volatility_per_sqrt_s = 0.5",
        ),
        &["fundamental.volatility_per_sqrt_s", "factor", "1000"],
    );
    // random walk: 4 × 2 × √60 ≈ 62 > 50 in currency
    refused(
        &tiny()
            .replace("model = \"gbm\"", "model = \"random_walk\"")
            .replace(
                "volatility_per_sqrt_s = 0.0004",
                "volatility_per_sqrt_s = 2.0",
            ),
        &["fundamental.volatility_per_sqrt_s", "below zero"],
    );
    // jumps count too, and are named when they dominate
    refused(
        &tiny().replace(
            "volatility_per_sqrt_s = 0.0004",
            "volatility_per_sqrt_s = 0.0004\njump_rate_per_s = 1.0\njump_sd = 0.5",
        ),
        &["fundamental.jump_sd"],
    );
}

#[test]
fn makers_that_could_never_quote_are_refused() {
    // γσ²τ = 1e4 · 1 · 10: the half-spread dwarfs the 5000-tick price
    refused(
        &tiny().replace("gamma = 0.01 ", "gamma = 10000.0 "),
        &["market_maker[0].gamma", "could never quote"],
    );
    refused(
        &tiny().replace("horizon_s = 10.0 ", "horizon_s = 1e9 "),
        &["market_maker[0].gamma", "horizon_s", "could never quote"],
    );
    refused(
        &tiny().replace("k = 1.5 ", "k = 1e-30 "),
        &["market_maker[0].k", "could never quote"],
    );
}

#[test]
fn degenerate_output_and_market_values_are_refused() {
    refused(
        &tiny().replace("depth_bands_ticks = [3, 10]", "depth_bands_ticks = [0, 10]"),
        &["output.depth_bands_ticks", "between 1"],
    );
    refused(
        &tiny().replace("lot_size = 1 ", "lot_size = 10000000000 "),
        &["market.lot_size", "units per lot"],
    );
}

fn with_hedge(table: &str) -> String {
    tiny().replace(
        "max_position_lots = 30       # inventory limit\n",
        &format!("max_position_lots = 30\n\n[market_maker.hedge]\n{table}\n"),
    )
}

#[test]
fn hedge_keys_are_checked_and_named() {
    refused(
        &with_hedge("venue = \"elsewhere\"\nband_lots = 5\nstyle = \"market\""),
        &["market_maker[0].hedge.venue", "names no book"],
    );
    refused(
        &with_hedge("band_lots = -1\nstyle = \"market\""),
        &["market_maker[0].hedge.band_lots", "between 0"],
    );
    refused(
        &with_hedge("band_lots = 5\ntarget_lots = -6\nstyle = \"market\""),
        &["market_maker[0].hedge.target_lots", "within the band"],
    );
    refused(
        &with_hedge("band_lots = 5\nstyle = \"market\"\nmax_slippage_ticks = 2"),
        &["market_maker[0].hedge.max_slippage_ticks", "does not apply"],
    );
    refused(
        &with_hedge("band_lots = 5\nstyle = \"ioc\""),
        &["market_maker[0].hedge.max_slippage_ticks", "required"],
    );
    refused(
        &with_hedge("band_lots = 5\nstyle = \"market\"\nmin_interval_s = -1.0"),
        &["market_maker[0].hedge.min_interval_s"],
    );
    refused(
        &with_hedge("band_lots = 5\nstyle = \"market\"\nlatency_s = -1.0"),
        &["market_maker[0].hedge.latency_s"],
    );
    // a venue whose lots are another quantity of the underlying
    let two = with_hedge("venue = \"other\"\nband_lots = 5\nstyle = \"market\"").replace(
        "[market]\ntick_size = 0.01             # currency per tick\nlot_size = 1                 # units per lot\ninitial_price = 50.00        # opening price, currency\n",
        "[[book]]\nname = \"main\"\ntick_size = 0.01\ninitial_price = 50.00\n\n[[book]]\nname = \"other\"\ntick_size = 0.01\nlot_size = 10\ninitial_price = 50.00\n",
    );
    assert!(two.contains("name = \"other\""));
    refused(&two, &["market_maker[0].hedge.venue", "lot_size"]);
    // the defaults are filled in: its own book, target 0, no interval, the group's latency
    let s = load(&with_hedge("band_lots = 5\nstyle = \"market\"")).unwrap();
    let h = s.params.market_maker[0].hedge.clone().unwrap();
    assert_eq!(h.venue.as_deref(), Some("main"));
    assert_eq!(
        (h.target_lots, h.min_interval_s, h.latency_s),
        (Some(0), Some(0.0), Some(0.0))
    );
    assert_eq!(h.max_slippage_ticks, None);
    let s = load(&with_hedge(
        "band_lots = 5\nstyle = \"ioc\"\nmax_slippage_ticks = 2",
    ))
    .unwrap();
    assert_eq!(
        s.params.market_maker[0]
            .hedge
            .as_ref()
            .unwrap()
            .max_slippage_ticks,
        Some(2)
    );
    // the resolved scenario: every default of a hedge that applies, max_slippage_ticks only
    // with ioc, no hedge table for a group that does not hedge
    let text = toml::to_string(&s.params).unwrap();
    assert!(text.contains("[market_maker.hedge]"), "{text}");
    assert!(text.contains("max_slippage_ticks = 2"), "{text}");
    assert!(text.contains("venue = \"main\""), "{text}");
    let market = load(&with_hedge("band_lots = 5\nstyle = \"market\"")).unwrap();
    let text = toml::to_string(&market.params).unwrap();
    assert!(text.contains("target_lots = 0"), "{text}");
    assert!(!text.contains("max_slippage_ticks"), "{text}");
    let text = toml::to_string(&load(&tiny()).unwrap().params).unwrap();
    assert!(!text.contains("hedge]"), "{text}");
}

/// The execution styles' keys (issue 17): each applies to its styles only, the required ones
/// are named, every value out of range is refused naming its key, before any run.
#[test]
fn hedge_execution_keys_are_checked_and_named() {
    let key = |k: &str| format!("market_maker[0].hedge.{k}");
    refused(
        &with_hedge("band_lots = 5\nstyle = \"twap\""),
        &[
            "`market_maker[0].hedge.style`",
            "unknown variant `twap`",
            "passive",
            "sliced",
        ],
    );
    for bad in ["0.0", "-0.5", "1.5", "nan"] {
        refused(
            &with_hedge(&format!(
                "band_lots = 5\nstyle = \"market\"\nhedge_ratio = {bad}"
            )),
            &[&key("hedge_ratio"), "(0, 1]"],
        );
    }
    refused(
        &with_hedge("band_lots = 5\nstyle = \"ioc\"\nmax_slippage_ticks = -1"),
        &[
            "`market_maker[0].hedge.max_slippage_ticks`",
            "invalid value",
        ],
    );
    refused(
        &with_hedge("band_lots = 5\nstyle = \"passive\"\nmax_slippage_ticks = 1"),
        &[&key("max_wait_s"), "required", "passive"],
    );
    refused(
        &with_hedge("band_lots = 5\nstyle = \"passive\"\nmax_wait_s = 2.0"),
        &[&key("max_slippage_ticks"), "required"],
    );
    for bad in ["0.0", "-1.0"] {
        refused(
            &with_hedge(&format!(
                "band_lots = 5\nstyle = \"passive\"\nmax_slippage_ticks = 1\nmax_wait_s = {bad}"
            )),
            &[&key("max_wait_s"), "> 0"],
        );
        refused(
            &with_hedge(&format!(
                "band_lots = 5\nstyle = \"sliced\"\nmax_slippage_ticks = 1\nhorizon_s = {bad}"
            )),
            &[&key("horizon_s"), "> 0"],
        );
    }
    refused(
        &with_hedge("band_lots = 5\nstyle = \"sliced\"\nmax_slippage_ticks = 1"),
        &[&key("horizon_s"), "required", "sliced"],
    );
    let sliced = "band_lots = 5\nstyle = \"sliced\"\nmax_slippage_ticks = 1\nhorizon_s = 30.0";
    refused(
        &with_hedge(&format!("{sliced}\nslices = 0")),
        &[&key("slices"), "between 1"],
    );
    refused(
        &with_hedge(&format!("{sliced}\nschedule = \"volume\"")),
        &[&key("participation"), "required"],
    );
    for bad in ["0.0", "1.01"] {
        refused(
            &with_hedge(&format!(
                "{sliced}\nschedule = \"volume\"\nparticipation = {bad}"
            )),
            &[&key("participation"), "(0, 1]"],
        );
    }
    refused(
        &with_hedge(&format!("{sliced}\nparticipation = 0.1")),
        &[&key("participation"), "does not apply", "schedule"],
    );
    refused(
        &with_hedge(&format!("{sliced}\nchild_style = \"ioc\"\nimprove = true")),
        &[&key("improve"), "does not apply", "child_style"],
    );
    // a key of another style
    for (style, extra, k) in [
        ("market", "max_wait_s = 1.0", "max_wait_s"),
        (
            "ioc",
            "max_slippage_ticks = 1\nhorizon_s = 1.0",
            "horizon_s",
        ),
        ("market", "improve = true", "improve"),
        ("market", "slices = 3", "slices"),
    ] {
        refused(
            &with_hedge(&format!("band_lots = 5\nstyle = \"{style}\"\n{extra}")),
            &[&key(k), "does not apply"],
        );
    }
    // a desk that only hedges quotes nothing; one that neither quotes nor hedges is refused
    let no_quotes = |t: String| t.replace("levels = 2 ", "levels = 0 ");
    refused(&no_quotes(tiny()), &["market_maker[0].levels", "hedges"]);
    load(&no_quotes(with_hedge("band_lots = 5\nstyle = \"market\""))).unwrap();
    // the defaults of a sliced hedge are filled in
    let s = load(&with_hedge(sliced)).unwrap();
    let h = s.params.market_maker[0].hedge.clone().unwrap();
    assert_eq!(h.slices, Some(5));
    assert_eq!(h.hedge_ratio, Some(1.0));
    assert_eq!(h.improve, Some(false));
    let text = toml::to_string(&s.params).unwrap();
    for k in [
        "slices = 5",
        "schedule = \"clock\"",
        "child_style = \"passive\"",
    ] {
        assert!(text.contains(k), "{k} in {text}");
    }
    assert!(!text.contains("participation"), "{text}");
}

/// `tiny.toml` whose makers hold options: `group` keys added to the maker group (e.g. its
/// implied volatility), then `tables` (option lines, client flow, …), then `top` tables at
/// the end of the file.
fn with_options(group: &str, tables: &str, top: &str) -> String {
    let line = "max_position_lots = 30       # inventory limit\n";
    let text = tiny();
    assert!(text.contains(line));
    format!(
        "{}\n{top}\n",
        text.replace(
            line,
            &format!("max_position_lots = 30\n{group}\n\n{tables}\n")
        )
    )
}

const VOL: &str = "implied_vol_per_sqrt_s = 0.0002";
const LINE: &str = "[[market_maker.options]]\nkind = \"call\"\nstrike = 50.00\nexpiry_s = 3600.0\ncontracts = -5\nmultiplier_lots = 10";
const FLOW: &str = "[market_maker.client_flow]\nrate_per_s = 0.02\nbuy_share = 0.8\nkinds = [\"call\", \"put\"]\nstrikes = [49.50, 50.00]\nexpiries_s = [900.0, 86400.0]\ncontracts = 5\nedge_vol_per_sqrt_s = 0.00002";

/// A line with `key = value` lines replaced or added (`new` empty removes `old`).
fn line_with(old: &str, new: &str) -> String {
    let mut lines: Vec<String> = LINE.lines().map(String::from).collect();
    if let Some(i) = lines.iter().position(|l| l.starts_with(old)) {
        if new.is_empty() {
            lines.remove(i);
        } else {
            lines[i] = new.to_string();
        }
    } else {
        lines.push(new.to_string());
    }
    lines.join("\n")
}

#[test]
fn option_keys_are_checked_and_named() {
    let key = |k: &str| format!("market_maker[0].options[0].{k}");
    let one = |old: &str, new: &str| with_options(VOL, &line_with(old, new), "");
    for (old, new, k, why) in [
        ("strike", "strike = 0.0", "strike", "> 0"),
        ("strike", "strike = -5.0", "strike", "> 0"),
        (
            "strike",
            "strike = 50.005",
            "strike",
            "multiple of the book's tick_size",
        ),
        ("strike", "", "strike", "required"),
        (
            "x",
            "strike_ladder = { count = 3, spacing = 0.5 }",
            "strike_ladder",
            "give one",
        ),
        ("expiry_s", "expiry_s = 0.0", "expiry_s", "after the open"),
        ("expiry_s", "expiry_s = 2e9", "expiry_s", "at most 50 years"),
        ("expiry_s", "", "expiry_s", "required"),
        ("x", "expiry = \"1d\"", "expiry", "give one"),
        ("expiry_s", "expiry = \"3 weeks\"", "expiry", "unknown unit"),
        ("expiry_s", "expiry = \"d\"", "expiry", "number"),
        ("expiry_s", "expiry = \"90\"", "expiry", "no unit"),
        ("expiry_s", "expiry = \"-2h\"", "expiry", "after the open"),
        ("contracts", "contracts = 0", "contracts", "non-zero"),
        ("contracts", "", "contracts", "exactly one"),
        (
            "x",
            "gamma_lots_per_tick = 2.0",
            "contracts",
            "contracts and gamma_lots_per_tick",
        ),
        (
            "contracts",
            "gamma_lots_per_tick = inf",
            "gamma_lots_per_tick",
            "number of lots",
        ),
        (
            "contracts",
            "gamma_lots_per_pct = nan",
            "gamma_lots_per_pct",
            "number of lots",
        ),
        (
            "multiplier_lots",
            "multiplier_lots = 0",
            "multiplier_lots",
            "between 1",
        ),
    ] {
        refused(&one(old, new), &[&key(k), why]);
    }
    let ladder = |l: &str| {
        with_options(
            VOL,
            &line_with("strike", &format!("strike_ladder = {l}")),
            "",
        )
    };
    refused(
        &ladder("{ count = 0, spacing = 0.5 }"),
        &[&key("strike_ladder.count"), "between 1"],
    );
    refused(
        &ladder("{ count = 3, spacing = 0.001 }"),
        &[&key("strike_ladder.spacing"), "one tick"],
    );
    refused(
        &ladder("{ count = 101, spacing = 5.0 }"),
        &[&key("strike_ladder"), "below one tick"],
    );
    refused(
        &with_options("implied_vol_per_sqrt_s = 0.0", LINE, ""),
        &[
            "market_maker[0].implied_vol_per_sqrt_s",
            "volatility per √s",
        ],
    );
    refused(
        &with_options("implied_vol_per_sqrt_s = -1e-4", LINE, ""),
        &["market_maker[0].implied_vol_per_sqrt_s"],
    );
    refused(
        &with_options("", LINE, ""),
        &["market_maker[0].implied_vol_per_sqrt_s", "required"],
    );
    refused(
        &with_options(&format!("{VOL}\nimplied_vol_annual = 0.2"), LINE, ""),
        &["market_maker[0].implied_vol_annual", "give one"],
    );
    refused(
        &with_options("implied_vol_annual = 0.0", LINE, ""),
        &["market_maker[0].implied_vol_annual", "> 0"],
    );
    refused(
        &with_options(&format!("{VOL}\noption_vol = \"historic\""), LINE, ""),
        &["option_vol", "implied", "realised"],
    );
    refused(
        &with_options(VOL, &line_with("kind", "kind = \"straddle\""), ""),
        &["kind", "call", "put"],
    );
    // the convention
    refused(
        &with_options(VOL, LINE, "[option_time]\ntrading_day_s = 90000.0"),
        &["option_time.trading_day_s", "(0, 86400]"],
    );
    refused(
        &with_options(
            VOL,
            LINE,
            "[option_time]\nconvention = \"calendar\"\ntrading_day_s = 3600.0",
        ),
        &["option_time.trading_day_s", "does not apply"],
    );
    refused(
        &with_options(VOL, LINE, "[option_time]\ndays_per_year = 0.0"),
        &["option_time.days_per_year"],
    );
    refused(
        &with_options(VOL, LINE, "[option_time]\nconvention = \"lunar\""),
        &["convention", "trading", "calendar"],
    );
    refused(
        &format!("{}\n[option_time]\n", tiny()),
        &["option_time", "applies only"],
    );
    let flow = "market_maker[0].client_flow";
    for (old, new, needle) in [
        ("rate_per_s = 0.02", "rate_per_s = 0.0", "rate_per_s"),
        ("buy_share = 0.8", "buy_share = 1.5", "buy_share"),
        ("kinds = ", "kinds = []", "kinds"),
        ("strikes = ", "strikes = [50.0, -1.0]", "strikes[1]"),
        (
            "expiries_s = ",
            "expiries_s = [3600.0, -1.0]",
            "expiries_s[1]",
        ),
        (
            "expiries_s = ",
            "expiries = [\"1d\", \"2 fortnights\"]",
            "expiries[1]",
        ),
        ("contracts = 5", "contracts = 0", "contracts"),
        (
            "edge_vol_per_sqrt_s",
            "edge_vol_per_sqrt_s = 0.0002",
            "edge_vol_per_sqrt_s",
        ),
    ] {
        let f: String = FLOW
            .lines()
            .map(|l| {
                if l.starts_with(old) {
                    new.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        refused(&with_options(VOL, &f, ""), &[&format!("{flow}.{needle}")]);
    }
    // a volatility with nothing to price
    refused(
        &with_options(VOL, "", ""),
        &["market_maker[0].implied_vol_per_sqrt_s", "applies only"],
    );
    // the defaults are filled in, the expiries and the volatility resolved into seconds and
    // per √s, and the resolved scenario reloads as itself
    let text = with_options(
        "implied_vol_annual = 0.2",
        &format!(
            "{}\n\n{}",
            line_with("expiry_s", "expiry = \"2d\""),
            FLOW.replace(
                "expiries_s = [900.0, 86400.0]",
                "expiries = [\"15min\", \"1y\"]"
            )
        ),
        "[option_time]\nconvention = \"trading\"",
    );
    let s = load(&text).unwrap();
    let g = &s.params.market_maker[0];
    assert_eq!(
        g.option_vol,
        Some(depthsim::scenario::OptionVolSource::Implied)
    );
    let year_s = 252.0 * 23_400.0;
    assert!((g.implied_vol_per_sqrt_s.unwrap() - 0.2 / f64::sqrt(year_s)).abs() < 1e-15);
    assert_eq!(g.implied_vol_annual, None);
    assert_eq!(g.options[0].expiry_s, Some(2.0 * 23_400.0));
    assert_eq!(g.options[0].expiry, None);
    let flow = g.client_flow.as_ref().unwrap();
    assert_eq!(flow.expiries_s, vec![900.0, year_s]);
    let resolved = toml::to_string(&s.params).unwrap();
    assert!(resolved.contains("[[market_maker.options]]"), "{resolved}");
    assert!(
        resolved.contains("[market_maker.client_flow]"),
        "{resolved}"
    );
    assert!(resolved.contains("days_per_year = 252.0"), "{resolved}");
    let again = Scenario::from_toml(&resolved, Path::new("x.toml"), &Overrides::default()).unwrap();
    assert_eq!(
        again.params, s.params,
        "the resolved scenario reloads as itself"
    );
    // calendar days
    let cal = with_options(
        VOL,
        &line_with("expiry_s", "expiry = \"2d\""),
        "[option_time]\nconvention = \"calendar\"",
    );
    assert_eq!(
        load(&cal).unwrap().params.market_maker[0].options[0].expiry_s,
        Some(172_800.0)
    );
}

#[test]
fn a_hedge_venue_must_have_the_groups_tick() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/hedge_in_thin_book.toml"
    ))
    .unwrap();
    // the thin book's tick becomes 0.05
    let at = text.find("name = \"thin\"").expect("a thin book");
    let (head, tail) = text.split_at(at);
    assert!(tail.contains("tick_size = 0.01"));
    let text = format!(
        "{head}{}",
        tail.replacen("tick_size = 0.01", "tick_size = 0.05", 1)
    );
    refused(&text, &["market_maker[0].hedge.venue", "tick_size"]);
}

fn with_withdrawal(table: &str) -> String {
    tiny().replace(
        "max_position_lots = 30       # inventory limit\n",
        &format!("max_position_lots = 30\n\n[market_maker.withdrawal]\n{table}\n"),
    )
}

#[test]
fn withdrawal_keys_are_checked_and_named() {
    let key = "market_maker[0].withdrawal";
    for (table, needle, why) in [
        (
            "inventory = { widen = 0.6, withdraw = 0.9, exit = 0.7 }",
            "inventory.exit",
            "below the entry level",
        ),
        (
            "toxicity = { widen = 3.0, withdraw = 1.0 }",
            "toxicity.widen",
            "not be above withdraw",
        ),
        (
            "drawdown = { exit = 1.0 }",
            "drawdown",
            "needs an entry level",
        ),
        ("loss = { withdraw = inf }", "loss.withdraw", "finite"),
        (
            "hedge_failure = { withdraw = 0.5, exit = 0.1 }",
            "hedge_failure",
            "group that hedges",
        ),
        (
            "min_time_in_state_s = -1.0",
            "min_time_in_state_s",
            "seconds",
        ),
        ("cooldown_s = 1e9", "cooldown_s", "seconds"),
        (
            "widen_spread_factor = 0.5",
            "widen_spread_factor",
            "between 1",
        ),
        ("widen_size_factor = 0.0", "widen_size_factor", "(0, 1]"),
        (
            "cooldown_size_factor = 2.0",
            "cooldown_size_factor",
            "(0, 1]",
        ),
        ("unwind_lots = 0", "unwind_lots", "between 1"),
        ("toxicity_fills = 0", "toxicity_fills", "at least 1"),
        ("signal_halflife_s = 0.0", "signal_halflife_s", "> 0"),
        (
            "volatility = { widen = 2.0, panic = 3.0 }",
            "panic",
            "unknown field",
        ),
    ] {
        refused(
            &with_withdrawal(table),
            &[
                &format!("{key}.{needle}").replace(&format!("{key}.panic"), "panic"),
                why,
            ],
        );
    }
    // the defaults are filled in, and a table without triggers is accepted
    let s = load(&with_withdrawal("inventory = { widen = 0.5, exit = 0.2 }")).unwrap();
    let w = s.params.market_maker[0].withdrawal.clone().unwrap();
    assert_eq!((w.min_time_in_state_s, w.cooldown_s), (5.0, 30.0));
    assert!(!w.unwind && w.unwind_lots == 10);
    assert!(load(&with_withdrawal("")).is_ok());
}

fn with_shock(table: &str) -> String {
    tiny().replace("[output]", &format!("[[shocks]]\n{table}\n\n[output]"))
}

#[test]
fn shock_keys_are_checked_and_named() {
    assert!(tiny().contains("[output]"));
    for (table, needle, why) in [
        (
            "kind = \"fundamental_jump\"\nstart_s = 60.0\nsize_ticks = 5.0",
            "shocks[0].start_s",
            "inside the run",
        ),
        (
            "kind = \"fundamental_jump\"\nstart_s = -1.0\nsize_ticks = 5.0",
            "shocks[0].start_s",
            "inside the run",
        ),
        (
            "kind = \"fundamental_jump\"\nstart_s = 1.0",
            "shocks[0].size_ticks",
            "exactly one",
        ),
        (
            "kind = \"fundamental_jump\"\nstart_s = 1.0\nsize_fraction = -1.5",
            "shocks[0].size_fraction",
            "> -1",
        ),
        (
            "kind = \"fundamental_jump\"\nstart_s = 1.0\nsize_ticks = 5.0\nduration_s = 3.0",
            "shocks[0].duration_s",
            "does not apply",
        ),
        (
            "kind = \"volatility\"\nstart_s = 1.0\nfactor = 2.0",
            "shocks[0].duration_s",
            "required",
        ),
        (
            "kind = \"volatility\"\nstart_s = 1.0\nduration_s = -2.0\nfactor = 2.0",
            "shocks[0].duration_s",
            "> 0",
        ),
        (
            "kind = \"volatility\"\nstart_s = 1.0\nduration_s = 2.0\nfactor = 0.0",
            "shocks[0].factor",
            "> 0",
        ),
        (
            "kind = \"informed_burst\"\nstart_s = 1.0\nduration_s = 2.0\nfactor = 2.0\ngroup = \"nobody\"",
            "shocks[0].group",
            "names no [[informed]] group",
        ),
        (
            "kind = \"noise_liquidity\"\nstart_s = 1.0\nduration_s = 2.0\nfactor = 2.0",
            "shocks[0].group",
            "required",
        ),
        (
            "kind = \"volatility\"\nstart_s = 1.0\nduration_s = 2.0\nfactor = 2.0\ngroup = \"x\"",
            "shocks[0].group",
            "does not apply",
        ),
        (
            "kind = \"sell_program\"\nstart_s = 1.0\nparticipation = 0.1",
            "shocks[0].quantity_lots",
            "required",
        ),
        (
            "kind = \"sell_program\"\nstart_s = 1.0\nquantity_lots = 0\nparticipation = 0.1",
            "shocks[0].quantity_lots",
            "between 1 and",
        ),
        (
            "kind = \"buy_program\"\nstart_s = 1.0\nquantity_lots = 10\nparticipation = 0.0",
            "shocks[0].participation",
            "(0, 1]",
        ),
        (
            "kind = \"buy_program\"\nstart_s = 1.0\nquantity_lots = 10\nparticipation = 1.5",
            "shocks[0].participation",
            "(0, 1]",
        ),
        (
            "kind = \"sell_program\"\nstart_s = 1.0\nquantity_lots = 10\nparticipation = 0.1\nduration_s = 5.0",
            "shocks[0].duration_s",
            "does not apply",
        ),
        (
            "kind = \"sell_program\"\nstart_s = 1.0\nquantity_lots = 10\nparticipation = 0.1\nmin_child_lots = 5\nmax_child_lots = 2",
            "shocks[0].max_child_lots",
            "at least min_child_lots",
        ),
        (
            "kind = \"sell_program\"\nstart_s = 1.0\nquantity_lots = 10\nparticipation = 0.1\nbook = \"elsewhere\"",
            "shocks[0].book",
            "names no book",
        ),
        (
            "kind = \"sell_program\"\nstart_s = 1.0\nquantity_lots = 10\nparticipation = 0.1\nwindow_s = 0.0",
            "shocks[0].window_s",
            "seconds",
        ),
        (
            "kind = \"maker_limit\"\nstart_s = 1.0\nduration_s = 2.0\nfactor = 0.5\ngroup = \"nobody\"",
            "shocks[0].group",
            "names no [[market_maker]] group",
        ),
        (
            "kind = \"loss_limit\"\nstart_s = 1.0\nduration_s = 2.0\nfactor = 0.5\ngroup = \"mm\"",
            "shocks[0].group",
            "with a withdrawal.loss trigger",
        ),
        (
            "kind = \"latency\"\nstart_s = 1.0\nduration_s = 2.0\nfactor = 3.0",
            "shocks[0].group",
            "required",
        ),
        (
            "kind = \"earthquake\"\nstart_s = 1.0",
            "kind",
            "fundamental_jump",
        ),
    ] {
        refused(&with_shock(table), &[needle, why]);
    }
    assert!(
        load(&with_shock(
            "kind = \"volatility\"\nstart_s = 1.0\nduration_s = 2.0\nfactor = 2.0"
        ))
        .is_ok()
    );
    assert!(
        load(&with_shock(
            "kind = \"sell_program\"\nstart_s = 1.0\nquantity_lots = 10\nparticipation = 0.1"
        ))
        .is_ok()
    );
}

#[test]
fn halt_keys_are_checked_and_named() {
    let with_halt = |table: &str| {
        tiny().replace(
            "[fundamental]",
            &format!("[market.halt]\n{table}\n\n[fundamental]"),
        )
    };
    assert!(tiny().contains("[market]") && tiny().contains("[fundamental]"));
    for (table, needle, why) in [
        (
            "move_ticks = 10\nwindow_s = 5.0\npause_s = 0.0",
            "market.halt.pause_s",
            "seconds",
        ),
        (
            "move_ticks = 0\nwindow_s = 5.0\npause_s = 3.0",
            "market.halt.move_ticks",
            "at least 1",
        ),
        (
            "move_ticks = 10\nwindow_s = -5.0\npause_s = 3.0",
            "market.halt.window_s",
            "seconds",
        ),
        ("move_ticks = 10\nwindow_s = 5.0", "pause_s", "missing"),
        (
            "move_ticks = 10\nwindow_s = 5.0\npause_s = 3.0\nmax_held_orders = 0",
            "market.halt.max_held_orders",
            "between 1 and",
        ),
        (
            "move_ticks = 10\nwindow_s = 5.0\npause_s = 3.0\nbands = 2",
            "bands",
            "unknown",
        ),
    ] {
        refused(&with_halt(table), &[needle, why]);
    }
    assert!(load(&with_halt("move_ticks = 10\nwindow_s = 5.0\npause_s = 3.0")).is_ok());
}

#[test]
fn price_band_keys_are_checked_and_named() {
    let with_bands = |table: &str| {
        tiny().replace(
            "[fundamental]",
            &format!("[market.price_bands]\n{table}\n\n[fundamental]"),
        )
    };
    for (table, needle, why) in [
        (
            "fraction = 0.0\nreference_interval_s = 60.0",
            "market.price_bands.fraction",
            "(0, 1)",
        ),
        (
            "fraction = 1.0\nreference_interval_s = 60.0",
            "market.price_bands.fraction",
            "(0, 1)",
        ),
        (
            "fraction = 0.05\nreference_interval_s = 0.0",
            "market.price_bands.reference_interval_s",
            "seconds",
        ),
        ("fraction = 0.05", "reference_interval_s", "missing"),
        (
            "fraction = 0.05\nreference_interval_s = 60.0\nlimit_state_s = 15.0",
            "limit_state_s",
            "unknown",
        ),
    ] {
        refused(&with_bands(table), &[needle, why]);
    }
    assert!(load(&with_bands("fraction = 0.05\nreference_interval_s = 30.0")).is_ok());
}

#[test]
fn collapse_keys_are_checked_and_named() {
    let with_collapse = |table: &str| format!("{}\n[output.collapse]\n{table}\n", tiny());
    for (table, needle, why) in [
        ("fraction = 0.0", "output.collapse.fraction", "in (0, 1)"),
        ("fraction = 1.5", "output.collapse.fraction", "in (0, 1)"),
        (
            "fraction = 0.6\nrecover = 0.5",
            "output.collapse.recover",
            "above output.collapse.fraction",
        ),
        ("recover = 1.2", "output.collapse.recover", "at most 1"),
        (
            "min_duration_s = -1.0",
            "output.collapse.min_duration_s",
            "between 0",
        ),
        (
            "baseline_window_s = 0.0",
            "output.collapse.baseline_window_s",
            "> 0",
        ),
        ("band_ticks = 0", "output.collapse.band_ticks", "between 1"),
        (
            "baseline = \"pre_shock_mean\"",
            "output.collapse.baseline",
            "no [[shocks]]",
        ),
        ("baseline = \"median\"", "baseline", "trailing_median"),
        ("window_s = 10.0", "window_s", "unknown field"),
        // the detector's cadence: a whole number of steps (tiny's dt is 0.01 s), no longer
        // than a dip must last, and no longer than the run
        ("cadence_s = 0.0", "output.collapse.cadence_s", "> 0"),
        ("cadence_s = -0.1", "output.collapse.cadence_s", "> 0"),
        (
            "cadence_s = 0.015",
            "output.collapse.cadence_s",
            "whole number of steps",
        ),
        (
            "cadence_s = 6.0",
            "output.collapse.cadence_s",
            "longer than output.collapse.min_duration_s",
        ),
        // issue 17: a file that asks for detection with a window the run cannot fill
        (
            "baseline_window_s = 60.0",
            "output.collapse.baseline_window_s",
            "could never show a collapse",
        ),
        (
            "impact_window_s = 0.0",
            "output.collapse.impact_window_s",
            "> 0",
        ),
        (
            "impact_horizon_s = 0.001",
            "output.collapse.impact_horizon_s",
            "between 0.2",
        ),
        (
            "impact_horizon_s = 400.0",
            "output.collapse.impact_horizon_s",
            "shorter than output.collapse.impact_window_s",
        ),
        (
            "impact_permanent_after_s = -1.0",
            "output.collapse.impact_permanent_after_s",
            "between 0",
        ),
    ] {
        refused(&with_collapse(table), &[needle, why]);
    }
    let ok = load(&with_collapse(
        "fraction = 0.3\nrecover = 0.6\nmin_duration_s = 0.0\nbaseline_window_s = 30.0",
    ))
    .unwrap();
    assert!(ok.collapse_detectable());
    // the default cadence is 0.2 s, in whole steps, filled in for the manifest
    assert_eq!(ok.collapse_every_steps, 20);
    assert_eq!(ok.params.output.collapse.cadence_s, Some(0.2));
    // a run shorter than the default window, without [output.collapse], is loaded and
    // reported as undetectable rather than refused
    let tiny = load(&tiny()).unwrap();
    assert!(!tiny.collapse_detectable());
    assert!(
        tiny.collapse_warning()
            .is_some_and(|w| w.contains("output.collapse.baseline_window_s")),
        "{:?}",
        tiny.collapse_warning()
    );
}

#[test]
fn a_set_into_output_collapse_asks_for_detection() {
    // issue 17: `--set output.collapse.…` asks for detection as the file's table would, so a
    // window the run cannot fill is refused; without it the same run only warns
    let with = |set: &[&str]| {
        Scenario::from_toml(
            &tiny(),
            Path::new("x.toml"),
            &Overrides {
                seed: None,
                set: set.iter().map(|s| s.parse().unwrap()).collect(),
            },
        )
    };
    let e = with(&["output.collapse.fraction=0.4"])
        .unwrap_err()
        .to_string();
    assert!(e.contains("output.collapse.baseline_window_s"), "{e}");
    assert!(with(&["output.collapse.baseline_window_s=20.0"]).is_ok());
    let plain = with(&["run.duration_s=30.0"]).unwrap();
    // the resolved scenario says whether detection was required, so that it loads again as
    // the original did
    assert_eq!(plain.params.output.collapse.require_detection, Some(false));
    let ok = with(&[
        "output.collapse.require_detection=false",
        "output.collapse.fraction=0.4",
    ]);
    assert!(!ok.unwrap().collapse_detectable());
    let table = |t: &str| format!("{}\n[output.collapse]\n{t}\n", tiny());
    assert!(
        load(&table(
            "require_detection = false\nbaseline_window_s = 300.0"
        ))
        .is_ok()
    );
    refused(
        &table("require_detection = true"),
        &[
            "output.collapse.baseline_window_s",
            "require_detection = false",
        ],
    );
}

/// Issue 22: keys accepted but probably not meant are warned about (not refused): a
/// withdrawal trigger without an `exit` level (it can never clear) and a shock that runs past
/// the end of the run; each warning names the file and the full key.
#[test]
fn a_trigger_without_exit_and_a_shock_past_the_end_are_warned_about() {
    assert!(load(&tiny()).unwrap().warnings.is_empty());
    let s = load(&with_withdrawal(
        "inventory = { widen = 0.5, withdraw = 0.8 }",
    ))
    .unwrap();
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0].starts_with("x.toml: `market_maker[0].withdrawal.inventory` has no `exit`"),
        "{:?}",
        s.warnings
    );
    assert!(
        load(&with_withdrawal("inventory = { widen = 0.5, exit = 0.2 }"))
            .unwrap()
            .warnings
            .is_empty()
    );
    let s = load(&with_shock(
        "kind = \"volatility\"\nstart_s = 50.0\nduration_s = 30.0\nfactor = 2.0",
    ))
    .unwrap();
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0].contains("`shocks[0].duration_s`") && s.warnings[0].contains("past the end"),
        "{:?}",
        s.warnings
    );
}

/// Issue 22: every error names the key by its full path: a TOML type error inside an array
/// table, an unknown key there, and the total number of agents (which named `count`).
#[test]
fn errors_name_the_full_key_path() {
    refused(
        &tiny().replace("count = 20 ", "count = 99999999999 "),
        &["line", "key `noise[0].count`", "u32"],
    );
    refused(
        &tiny().replace("mu_per_s = 1.0 ", "muu = 1.0 "),
        &["key `noise[0].muu`", "unknown field"],
    );
    refused(
        &tiny().replace("count = 20 ", "count = 999999 "),
        &[
            "`noise[0].count`",
            "1000003 agents in all",
            "at most 1000000",
        ],
    );
}

/// Issue 22: `depthsim run` given a sweep file said "unknown field `grid`"; now it points to
/// `depthsim sweep`.
#[test]
fn a_sweep_file_given_as_a_scenario_points_to_depthsim_sweep() {
    let sweep = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/sweeps/tiny_grid.toml"
    ))
    .unwrap();
    refused(&sweep, &["sweep file", "depthsim sweep FILE"]);
}
