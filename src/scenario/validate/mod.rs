//! Range and consistency checks: [`ScenarioFile`] → [`Scenario`]. One key at a time here;
//! [`sanity`] checks keys together.

use super::{
    BookParams, InformedRule, QuoteStrategy, Scenario, ScenarioError, ScenarioFile,
    WithdrawalParams, secs_to_ns,
};
use std::path::Path;

mod checker;
mod hedge;
mod lobster;
mod noise;
mod options;
mod output;
mod sanity;
mod shocks;

use checker::Checker;
use sanity::{check_fundamental_range, check_maker_can_quote, check_name};

/// Avellaneda–Stoikov γ when the file gives none, per tick.
pub(super) const DEFAULT_GAMMA: f64 = 0.1;
/// Avellaneda–Stoikov k when the file gives none, per tick.
pub(super) const DEFAULT_K: f64 = 1.5;
/// Avellaneda–Stoikov τ when the file gives none, seconds.
pub(super) const DEFAULT_HORIZON_S: f64 = 60.0;
/// Fixed strategy's half-spread when the file gives none, ticks.
pub(super) const DEFAULT_HALF_SPREAD_TICKS: f64 = 1.0;

/// Largest order size, position limit or quote size, lots: keeps every sum of quantities far
/// from overflow.
pub(super) const MAX_LOTS: u64 = 1_000_000_000;
/// Largest event rate of one group or agent, per second.
pub(super) const MAX_RATE_PER_S: f64 = 1e6;
/// Shortest interval between an agent's looks, seconds.
const MIN_INTERVAL_S: f64 = 1e-6;
/// Most price levels a maker may quote per side.
const MAX_LEVELS: u32 = 1_000;
/// Widest price span a book may be configured for, ticks (24 bytes a tick at most).
pub(super) const MAX_SPAN_TICKS: usize = 1 << 24;

/// Longest observation delay, in steps (the fundamental keeps one value per step of it).
const MAX_DELAY_STEPS: f64 = 1e6;
/// Longest run, seconds (about 31 years; time is kept in u64 nanoseconds).
const MAX_DURATION_S: f64 = 1e9;

/// Largest number of steps a run may have (about 10¹⁰): keeps step arithmetic far from overflow.
const MAX_STEPS: u64 = 10_000_000_000;
/// Largest number of units per lot.
const MAX_LOT_SIZE: u64 = 1_000_000_000;

/// Most requests a halted book may hold.
const MAX_HELD_ORDERS: u64 = 100_000_000;

/// Largest number of agents in one scenario.
const MAX_AGENTS: u64 = 1_000_000;

/// `asks_for_collapse`: the file (or a `--set`) has an `[output.collapse]` table; a run too
/// short for its baseline is then refused.
pub(super) fn validate(
    mut f: ScenarioFile,
    path: &Path,
    asks_for_collapse: bool,
) -> Result<Scenario, ScenarioError> {
    let c = Checker { path };
    c.positive("run.duration_s", f.run.duration_s)?;
    c.seconds("run.duration_s", f.run.duration_s, 0.0, MAX_DURATION_S)?;
    c.positive("run.dt_s", f.run.dt_s)?;
    let dt_ns = secs_to_ns(f.run.dt_s);
    if dt_ns == 0 {
        return Err(c.fail(
            "run.dt_s",
            format!("must be at least 1e-9 s, got {}", f.run.dt_s),
        ));
    }
    if f.run.dt_s > f.run.duration_s {
        return Err(c.fail(
            "run.dt_s",
            format!(
                "must not exceed run.duration_s ({}), got {}",
                f.run.duration_s, f.run.dt_s
            ),
        ));
    }
    let steps = (f.run.duration_s / f.run.dt_s).round() as u64;
    if steps > MAX_STEPS {
        return Err(c.fail(
            "run.dt_s",
            format!("gives {steps} steps; at most {MAX_STEPS} allowed"),
        ));
    }

    let books = check_books(&c, &f)?;
    let fundamental_start = books[0].initial_price - books[0].basis;

    let fu = &f.fundamental;
    c.non_negative(
        "fundamental.volatility_per_sqrt_s",
        fu.volatility_per_sqrt_s,
    )?;
    c.rate("fundamental.jump_rate_per_s", fu.jump_rate_per_s)?;
    c.finite("fundamental.jump_mean", fu.jump_mean)?;
    c.non_negative("fundamental.jump_sd", fu.jump_sd)?;
    // every book's value (fundamental + basis) must stay positive: check the lowest
    let lowest_start = books
        .iter()
        .map(|b| fundamental_start + b.basis)
        .fold(f64::INFINITY, f64::min);
    check_fundamental_range(&c, &f, lowest_start)?;

    let mut agents = 0u64;
    for (i, g) in f.noise.iter_mut().enumerate() {
        let k = |name: &str| format!("noise[{i}].{name}");
        c.at_least_one(&k("count"), u64::from(g.count))?;
        check_book_name(&c, &k("book"), g.book.as_deref(), &books)?;
        c.rate(&k("mu_per_s"), g.mu_per_s)?;
        c.rate(&k("alpha_per_tick_s"), g.alpha_per_tick_s)?;
        c.rate(&k("delta_per_s"), g.delta_per_s)?;
        c.lots(&k("sigma_lots"), g.sigma_lots)?;
        if !(1..=MAX_SPAN_TICKS as u64).contains(&u64::from(g.window_ticks)) {
            return Err(c.fail(
                &k("window_ticks"),
                format!(
                    "must be between 1 and {MAX_SPAN_TICKS}, got {}",
                    g.window_ticks
                ),
            ));
        }
        let limit_rate = 2.0 * g.alpha_per_tick_s * f64::from(g.window_ticks);
        if limit_rate > MAX_RATE_PER_S {
            return Err(c.fail(
                &k("alpha_per_tick_s"),
                format!(
                    "× 2 sides × window_ticks gives {limit_rate} limit orders per second; \
                     at most {MAX_RATE_PER_S} allowed"
                ),
            ));
        }
        c.seconds(&k("latency_s"), g.latency_s, 0.0, f.run.duration_s)?;
        if g.mu_per_s + g.alpha_per_tick_s == 0.0 {
            return Err(c.fail(
                &k("mu_per_s"),
                "and alpha_per_tick_s are both 0: the group would never trade".into(),
            ));
        }
        if let Some(sb) = &g.stand_back {
            c.positive(
                &k("stand_back.vol_threshold_ticks_per_sqrt_s"),
                sb.vol_threshold_ticks_per_sqrt_s,
            )?;
            if sb.extra_offset_ticks as usize > MAX_SPAN_TICKS {
                return Err(c.fail(
                    &k("stand_back.extra_offset_ticks"),
                    format!(
                        "must be at most {MAX_SPAN_TICKS}, got {}",
                        sb.extra_offset_ticks
                    ),
                ));
            }
            if !(0.0..=1.0).contains(&sb.limit_rate_factor) {
                return Err(c.fail(
                    &k("stand_back.limit_rate_factor"),
                    format!("must be between 0 and 1, got {}", sb.limit_rate_factor),
                ));
            }
        }
        noise::check_memory(&c, i, g)?;
        g.name.get_or_insert_with(|| format!("noise{i}"));
        agents += u64::from(g.count);
    }
    for (i, g) in f.informed.iter_mut().enumerate() {
        let k = |name: &str| format!("informed[{i}].{name}");
        c.at_least_one(&k("count"), u64::from(g.count))?;
        check_book_name(&c, &k("book"), g.book.as_deref(), &books)?;
        c.positive(&k("rate_per_s"), g.rate_per_s)?;
        c.rate(&k("rate_per_s"), g.rate_per_s)?;
        c.non_negative(&k("threshold_ticks"), g.threshold_ticks)?;
        match (g.rule, g.target_lots_per_tick) {
            (InformedRule::TargetPosition, Some(v)) => {
                c.positive(&k("target_lots_per_tick"), v)?;
                c.finite(&k("target_lots_per_tick"), v)?;
            }
            (InformedRule::TargetPosition, None) => {
                return Err(c.fail(
                    &k("target_lots_per_tick"),
                    "is required with rule = \"target_position\" (lots of target position \
                     per tick of gap beyond the threshold, > 0)"
                        .into(),
                ));
            }
            (InformedRule::Threshold, Some(_)) => {
                return Err(c.not_applicable(&k("target_lots_per_tick"), "rule", "threshold"));
            }
            (InformedRule::Threshold, None) => {}
        }
        c.lots(&k("order_lots"), g.order_lots)?;
        c.lots(&k("max_position_lots"), g.max_position_lots)?;
        if g.max_position_lots < g.order_lots {
            return Err(c.fail(
                &k("max_position_lots"),
                format!(
                    "must be at least order_lots ({}), got {}",
                    g.order_lots, g.max_position_lots
                ),
            ));
        }
        c.non_negative(&k("observation_noise_ticks"), g.observation_noise_ticks)?;
        c.seconds(
            &k("observation_delay_s"),
            g.observation_delay_s,
            0.0,
            f.run.duration_s,
        )?;
        if g.observation_delay_s / f.run.dt_s > MAX_DELAY_STEPS {
            return Err(c.fail(
                &k("observation_delay_s"),
                format!(
                    "is {} steps of run.dt_s; at most {MAX_DELAY_STEPS} steps of history are kept",
                    g.observation_delay_s / f.run.dt_s
                ),
            ));
        }
        c.seconds(&k("latency_s"), g.latency_s, 0.0, f.run.duration_s)?;
        g.name.get_or_insert_with(|| format!("informed{i}"));
        agents += u64::from(g.count);
    }
    let option_time = options::check_option_time(&c, &mut f.option_time, &f.market_maker)?;
    for (i, g) in f.market_maker.iter_mut().enumerate() {
        let k = |name: &str| format!("market_maker[{i}].{name}");
        c.at_least_one(&k("count"), u64::from(g.count))?;
        let book = check_book_name(&c, &k("book"), g.book.as_deref(), &books)?;
        c.seconds(
            &k("requote_interval_s"),
            g.requote_interval_s,
            MIN_INTERVAL_S,
            f.run.duration_s,
        )?;
        match g.strategy {
            QuoteStrategy::AvellanedaStoikov => {
                for (key, v) in [
                    ("half_spread_ticks", g.half_spread_ticks),
                    ("skew_ticks_per_lot", g.skew_ticks_per_lot),
                ] {
                    if v.is_some() {
                        return Err(c.not_applicable(&k(key), "strategy", "avellaneda_stoikov"));
                    }
                }
                c.positive(&k("gamma"), *g.gamma.get_or_insert(DEFAULT_GAMMA))?;
                c.positive(&k("k"), *g.k.get_or_insert(DEFAULT_K))?;
                c.positive(
                    &k("horizon_s"),
                    *g.horizon_s.get_or_insert(DEFAULT_HORIZON_S),
                )?;
            }
            QuoteStrategy::Fixed => {
                for (key, v) in [("gamma", g.gamma), ("k", g.k), ("horizon_s", g.horizon_s)] {
                    if v.is_some() {
                        return Err(c.not_applicable(&k(key), "strategy", "fixed"));
                    }
                }
                c.positive(
                    &k("half_spread_ticks"),
                    *g.half_spread_ticks.get_or_insert(DEFAULT_HALF_SPREAD_TICKS),
                )?;
                c.non_negative(
                    &k("skew_ticks_per_lot"),
                    *g.skew_ticks_per_lot.get_or_insert(0.0),
                )?;
            }
        }
        if g.levels > MAX_LEVELS {
            return Err(c.fail(
                &k("levels"),
                format!("must be between 0 and {MAX_LEVELS}, got {}", g.levels),
            ));
        }
        if g.levels == 0 && g.hedge.is_none() {
            return Err(c.fail(
                &k("levels"),
                "= 0 (no quotes) applies only to a group that hedges ([market_maker.hedge]): \
                 a desk that neither quotes nor hedges never trades"
                    .into(),
            ));
        }
        if !(1..=MAX_SPAN_TICKS as u64).contains(&u64::from(g.level_spacing_ticks)) {
            return Err(c.fail(
                &k("level_spacing_ticks"),
                format!(
                    "must be between 1 and {MAX_SPAN_TICKS}, got {}",
                    g.level_spacing_ticks
                ),
            ));
        }
        c.lots(&k("lots_per_level"), g.lots_per_level)?;
        c.lots(&k("max_position_lots"), g.max_position_lots)?;
        c.positive(&k("vol_halflife_s"), g.vol_halflife_s)?;
        c.positive(&k("vol_sample_interval_s"), g.vol_sample_interval_s)?;
        c.non_negative(
            &k("sigma_prior_ticks_per_sqrt_s"),
            g.sigma_prior_ticks_per_sqrt_s,
        )?;
        c.seconds(
            &k("markout_horizon_s"),
            g.markout_horizon_s,
            1e-9,
            f.run.duration_s,
        )?;
        c.seconds(&k("latency_s"), g.latency_s, 0.0, f.run.duration_s)?;
        check_maker_can_quote(&c, i, g, &books[book])?;
        if let Some(h) = g.hedge.as_mut() {
            hedge::check_hedge(&c, &k, h, &books, book, g.latency_s, f.run.duration_s)?;
        }
        options::check_options(&c, &k, g, &books[book], &option_time)?;
        if let Some(w) = &g.withdrawal {
            check_withdrawal(&c, &k, w, g.hedge.is_some(), f.run.duration_s)?;
        }
        g.name.get_or_insert_with(|| format!("mm{i}"));
        agents += u64::from(g.count);
    }
    if agents == 0 {
        return Err(c.fail(
            "noise",
            "no agents: add at least one [[noise]], [[informed]] or [[market_maker]] group".into(),
        ));
    }
    if agents > MAX_AGENTS {
        // name the largest group's count, and every group's
        let groups: Vec<(String, u32)> = (f.noise.iter().map(|g| g.count).enumerate())
            .map(|(i, n)| (format!("noise[{i}].count"), n))
            .chain(
                f.informed
                    .iter()
                    .enumerate()
                    .map(|(i, g)| (format!("informed[{i}].count"), g.count)),
            )
            .chain(
                f.market_maker
                    .iter()
                    .enumerate()
                    .map(|(i, g)| (format!("market_maker[{i}].count"), g.count)),
            )
            .collect();
        let largest = groups
            .iter()
            .max_by_key(|g| g.1)
            .map_or("noise[0].count".to_string(), |g| g.0.clone());
        let all: Vec<String> = groups.iter().map(|(k, n)| format!("{k} = {n}")).collect();
        return Err(c.fail(
            &largest,
            format!(
                "makes {agents} agents in all ({}); at most {MAX_AGENTS} are allowed",
                all.join(", ")
            ),
        ));
    }

    shocks::check_shocks(&c, &f, &books)?;
    lobster::check_lobster(&c, &f, &books)?;
    let warnings = warnings(path, &f);

    let collapse_every_steps = output::check_output(&c, &mut f, dt_ns, asks_for_collapse)?;
    let every = |s: f64| ((s / f.run.dt_s).round() as u64).max(1);
    let name = f.run.name.clone().unwrap_or_else(|| {
        path.file_stem().map_or_else(
            || "scenario".to_string(),
            |s| s.to_string_lossy().into_owned(),
        )
    });
    check_name(&c, &name)?;
    f.run.name = Some(name.clone());
    Ok(Scenario {
        name,
        seed: f.run.seed,
        dt_ns,
        steps: steps.max(1),
        sample_every_steps: every(f.output.sample_interval_s),
        agents_every_steps: every(f.output.agents_sample_interval_s),
        collapse_every_steps,
        params: f,
        books,
        warnings,
    })
}

/// What is accepted but probably not meant: a withdrawal trigger that can never clear (no
/// `exit`), a shock that would run past the end of the run.
fn warnings(path: &Path, f: &ScenarioFile) -> Vec<String> {
    let mut out = Vec::new();
    let file = path.display();
    for (i, g) in f.market_maker.iter().enumerate() {
        let Some(w) = &g.withdrawal else { continue };
        for (name, t) in [
            ("inventory", w.inventory),
            ("volatility", w.volatility),
            ("toxicity", w.toxicity),
            ("drawdown", w.drawdown),
            ("hedge_failure", w.hedge_failure),
            ("loss", w.loss),
        ] {
            if t.is_some_and(|t| t.exit.is_none()) {
                out.push(format!(
                    "{file}: `market_maker[{i}].withdrawal.{name}` has no `exit` level: once it \
                     fires it never clears, and the maker stays widened or withdrawn to the end \
                     of the run (give an exit below its entry levels to let it come back)"
                ));
            }
        }
    }
    let end = f.run.duration_s;
    for (i, sh) in f.shocks.iter().enumerate() {
        if let Some(d) = sh.duration_s
            && sh.start_s + d > end
        {
            out.push(format!(
                "{file}: `shocks[{i}].duration_s` = {d} from start_s = {} runs past the end of \
                 the run ({end} s, run.duration_s): the shock is cut short at {end} s",
                sh.start_s
            ));
        }
    }
    out
}

/// The books of a file, checked: its `[[book]]` tables, or its `[market]` as one book.
fn check_books(c: &Checker, f: &ScenarioFile) -> Result<Vec<BookParams>, ScenarioError> {
    let books = match (&f.market, f.book.is_empty()) {
        (Some(_), false) => {
            return Err(c.fail(
                "book",
                "and [market] are both given: describe one book in [market], or several in \
                 [[book]] tables"
                    .into(),
            ));
        }
        (None, true) => {
            return Err(c.fail(
                "market",
                "is missing: describe the book in [market] (or several in [[book]] tables)".into(),
            ));
        }
        (Some(m), true) => vec![BookParams::from_market(m)],
        (None, false) => f.book.clone(),
    };
    for (i, b) in books.iter().enumerate() {
        let prefix = if f.market.is_some() {
            "market".to_string()
        } else {
            format!("book[{i}]")
        };
        let k = |name: &str| format!("{prefix}.{name}");
        if f.market.is_none() {
            if b.name.is_empty() {
                return Err(c.fail(&k("name"), "must not be empty".into()));
            }
            if books[..i].iter().any(|o| o.name == b.name) {
                return Err(c.fail(
                    &k("name"),
                    format!("{:?} names two books; each book needs its own name", b.name),
                ));
            }
            c.finite(&k("basis"), b.basis)?;
        }
        c.positive(&k("tick_size"), b.tick_size)?;
        if !(1..=MAX_LOT_SIZE).contains(&b.lot_size) {
            return Err(c.fail(
                &k("lot_size"),
                format!(
                    "must be between 1 and {MAX_LOT_SIZE} units per lot, got {} \
                     (cash and PnL are tick·lots × lot_size)",
                    b.lot_size
                ),
            ));
        }
        c.positive(&k("initial_price"), b.initial_price)?;
        c.positive(&k("vol_halflife_s"), b.vol_halflife_s)?;
        c.positive(&k("vol_sample_interval_s"), b.vol_sample_interval_s)?;
        if let Some(h) = &b.halt {
            c.at_least_one(&k("halt.move_ticks"), h.move_ticks)?;
            c.seconds(
                &k("halt.window_s"),
                h.window_s,
                f.run.dt_s,
                f.run.duration_s,
            )?;
            c.seconds(&k("halt.pause_s"), h.pause_s, f.run.dt_s, f.run.duration_s)?;
            if !(1..=MAX_HELD_ORDERS).contains(&h.max_held_orders) {
                return Err(c.fail(
                    &k("halt.max_held_orders"),
                    format!(
                        "must be between 1 and {MAX_HELD_ORDERS} requests, got {}",
                        h.max_held_orders
                    ),
                ));
            }
        }
        if let Some(p) = &b.price_bands {
            if !(p.fraction > 0.0 && p.fraction < 1.0) {
                return Err(c.fail(
                    &k("price_bands.fraction"),
                    format!(
                        "must be in (0, 1) (the band's half-width over the reference), got {}",
                        p.fraction
                    ),
                ));
            }
            c.seconds(
                &k("price_bands.reference_interval_s"),
                p.reference_interval_s,
                f.run.dt_s,
                f.run.duration_s,
            )?;
        }
        if !(64..=MAX_SPAN_TICKS).contains(&b.max_span_ticks) {
            return Err(c.fail(
                &k("max_span_ticks"),
                format!(
                    "must be between 64 and {MAX_SPAN_TICKS}, got {}",
                    b.max_span_ticks
                ),
            ));
        }
        let initial_ticks = b.initial_price / b.tick_size;
        if !(1.0..=1e15).contains(&initial_ticks) {
            return Err(c.fail(
                &k("initial_price"),
                format!(
                    "is {initial_ticks} ticks of {} ({}); must be between 1 and 1e15 ticks",
                    k("tick_size"),
                    b.tick_size
                ),
            ));
        }
    }
    // The fundamental starts at the first book's initial_price − basis; every book's value,
    // fundamental + basis, must start positive.
    let start = books[0].initial_price - books[0].basis;
    for (i, b) in books.iter().enumerate() {
        if start + b.basis <= 0.0 {
            return Err(c.fail(
                &format!("book[{i}].basis"),
                format!(
                    "gives this book a starting value of {} (the fundamental starts at the \
                     first book's initial_price − basis = {start}); it must be positive",
                    start + b.basis
                ),
            ));
        }
    }
    Ok(books)
}

/// A maker group's `[market_maker.withdrawal]`.
fn check_withdrawal(
    c: &Checker,
    k: &dyn Fn(&str) -> String,
    w: &WithdrawalParams,
    hedges: bool,
    duration_s: f64,
) -> Result<(), ScenarioError> {
    let kw = |name: &str| k(&format!("withdrawal.{name}"));
    c.seconds(
        &kw("min_time_in_state_s"),
        w.min_time_in_state_s,
        0.0,
        duration_s,
    )?;
    c.seconds(&kw("cooldown_s"), w.cooldown_s, 0.0, duration_s)?;
    if !(w.widen_spread_factor.is_finite() && (1.0..=1e6).contains(&w.widen_spread_factor)) {
        return Err(c.fail(
            &kw("widen_spread_factor"),
            format!("must be between 1 and 1e6, got {}", w.widen_spread_factor),
        ));
    }
    for (key, v) in [
        ("widen_size_factor", w.widen_size_factor),
        ("cooldown_size_factor", w.cooldown_size_factor),
    ] {
        if !(v > 0.0 && v <= 1.0) {
            return Err(c.fail(&kw(key), format!("must be in (0, 1], got {v}")));
        }
    }
    c.lots(&kw("unwind_lots"), w.unwind_lots)?;
    c.positive(&kw("baseline_vol_halflife_s"), w.baseline_vol_halflife_s)?;
    c.at_least_one(&kw("toxicity_fills"), u64::from(w.toxicity_fills))?;
    c.at_least_one(
        &kw("hedge_failure_hedges"),
        u64::from(w.hedge_failure_hedges),
    )?;
    c.positive(&kw("signal_halflife_s"), w.signal_halflife_s)?;
    if w.hedge_failure.is_some() && !hedges {
        return Err(c.fail(
            &kw("hedge_failure"),
            "applies only to a group that hedges ([market_maker.hedge])".into(),
        ));
    }
    for (name, t) in [
        ("inventory", w.inventory),
        ("volatility", w.volatility),
        ("toxicity", w.toxicity),
        ("drawdown", w.drawdown),
        ("hedge_failure", w.hedge_failure),
        ("loss", w.loss),
    ] {
        let Some(t) = t else { continue };
        let key = |level: &str| kw(&format!("{name}.{level}"));
        for (level, v) in [
            ("widen", t.widen),
            ("withdraw", t.withdraw),
            ("exit", t.exit),
        ] {
            if let Some(v) = v {
                c.finite(&key(level), v)?;
            }
        }
        let entries: Vec<f64> = [t.widen, t.withdraw].into_iter().flatten().collect();
        let Some(lowest) = entries.iter().copied().reduce(f64::min) else {
            return Err(c.fail(
                &kw(name),
                "needs an entry level: widen, withdraw or both".into(),
            ));
        };
        if let (Some(widen), Some(out)) = (t.widen, t.withdraw)
            && widen > out
        {
            return Err(c.fail(
                &key("widen"),
                format!("must not be above withdraw ({out}): a maker widens before it withdraws, got {widen}"),
            ));
        }
        if let Some(exit) = t.exit
            && exit >= lowest
        {
            return Err(c.fail(
                &key("exit"),
                format!(
                    "must be below the entry level {lowest} (hysteresis: a trigger clears \
                     below where it fired), got {exit}"
                ),
            ));
        }
    }
    Ok(())
}

/// A volatility per √s: > 0 and below 1 (a fraction: 1 per √s is 100 % a second).
fn check_vol(c: &Checker, key: &str, v: f64) -> Result<(), ScenarioError> {
    if v.is_finite() && v > 0.0 && v < 1.0 {
        Ok(())
    } else {
        Err(c.fail(
            key,
            format!(
                "must be a volatility per √s, a fraction > 0 and < 1 (e.g. 0.0004: 0.04 % \
                 per √s), got {v}"
            ),
        ))
    }
}

/// A group's `book` key: the index of the book it names (`None`: the first).
fn check_book_name(
    c: &Checker,
    key: &str,
    name: Option<&str>,
    books: &[BookParams],
) -> Result<usize, ScenarioError> {
    let Some(name) = name else {
        return Ok(0);
    };
    books.iter().position(|b| b.name == name).ok_or_else(|| {
        let known: Vec<&str> = books.iter().map(|b| b.name.as_str()).collect();
        c.fail(
            key,
            format!("names no book: {name:?} (the books are {known:?})"),
        )
    })
}
