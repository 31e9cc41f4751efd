//! Range and consistency checks: [`ScenarioFile`] → [`Scenario`].

use super::{QuoteStrategy, Scenario, ScenarioError, ScenarioFile, secs_to_ns};
use std::path::Path;

/// Collects the first violation, naming the key.
struct Checker<'a> {
    path: &'a Path,
}

impl Checker<'_> {
    fn fail(&self, key: &str, message: String) -> ScenarioError {
        ScenarioError::Invalid {
            path: self.path.to_path_buf(),
            key: key.to_string(),
            message,
        }
    }

    /// A finite number > 0.
    fn positive(&self, key: &str, v: f64) -> Result<(), ScenarioError> {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(self.fail(key, format!("must be a number > 0, got {v}")))
        }
    }

    /// A finite number ≥ 0.
    fn non_negative(&self, key: &str, v: f64) -> Result<(), ScenarioError> {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(self.fail(key, format!("must be a number ≥ 0, got {v}")))
        }
    }

    /// A finite number.
    fn finite(&self, key: &str, v: f64) -> Result<(), ScenarioError> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(self.fail(key, format!("must be a finite number, got {v}")))
        }
    }

    /// An integer ≥ 1.
    fn at_least_one(&self, key: &str, v: u64) -> Result<(), ScenarioError> {
        if v >= 1 {
            Ok(())
        } else {
            Err(self.fail(key, "must be at least 1, got 0".to_string()))
        }
    }
}

/// Largest number of steps a run may have (about 10¹⁰): keeps step arithmetic far from overflow.
const MAX_STEPS: u64 = 10_000_000_000;
/// Largest number of agents in one scenario.
const MAX_AGENTS: u64 = 1_000_000;

pub(super) fn validate(mut f: ScenarioFile, path: &Path) -> Result<Scenario, ScenarioError> {
    let c = Checker { path };
    c.positive("run.duration_s", f.run.duration_s)?;
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

    let m = &f.market;
    c.positive("market.tick_size", m.tick_size)?;
    c.at_least_one("market.lot_size", m.lot_size)?;
    c.positive("market.initial_price", m.initial_price)?;
    c.positive("market.vol_halflife_s", m.vol_halflife_s)?;
    c.positive("market.vol_sample_interval_s", m.vol_sample_interval_s)?;
    if m.max_span_ticks < 64 {
        return Err(c.fail(
            "market.max_span_ticks",
            format!("must be at least 64, got {}", m.max_span_ticks),
        ));
    }
    let initial_ticks = m.initial_price / m.tick_size;
    if !(1.0..=1e15).contains(&initial_ticks) {
        return Err(c.fail(
            "market.initial_price",
            format!("must be between 1 tick and 1e15 ticks, got {initial_ticks} ticks"),
        ));
    }

    let fu = &f.fundamental;
    c.non_negative(
        "fundamental.volatility_per_sqrt_s",
        fu.volatility_per_sqrt_s,
    )?;
    c.non_negative("fundamental.jump_rate_per_s", fu.jump_rate_per_s)?;
    c.finite("fundamental.jump_mean", fu.jump_mean)?;
    c.non_negative("fundamental.jump_sd", fu.jump_sd)?;

    let mut agents = 0u64;
    for (i, g) in f.noise.iter_mut().enumerate() {
        let k = |name: &str| format!("noise[{i}].{name}");
        c.at_least_one(&k("count"), u64::from(g.count))?;
        c.non_negative(&k("mu_per_s"), g.mu_per_s)?;
        c.non_negative(&k("alpha_per_tick_s"), g.alpha_per_tick_s)?;
        c.non_negative(&k("delta_per_s"), g.delta_per_s)?;
        c.at_least_one(&k("sigma_lots"), g.sigma_lots)?;
        c.at_least_one(&k("window_ticks"), u64::from(g.window_ticks))?;
        c.non_negative(&k("latency_s"), g.latency_s)?;
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
            if !(0.0..=1.0).contains(&sb.limit_rate_factor) {
                return Err(c.fail(
                    &k("stand_back.limit_rate_factor"),
                    format!("must be between 0 and 1, got {}", sb.limit_rate_factor),
                ));
            }
        }
        g.name.get_or_insert_with(|| format!("noise{i}"));
        agents += u64::from(g.count);
    }
    for (i, g) in f.informed.iter_mut().enumerate() {
        let k = |name: &str| format!("informed[{i}].{name}");
        c.at_least_one(&k("count"), u64::from(g.count))?;
        c.positive(&k("rate_per_s"), g.rate_per_s)?;
        c.non_negative(&k("threshold_ticks"), g.threshold_ticks)?;
        c.at_least_one(&k("order_lots"), g.order_lots)?;
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
        c.non_negative(&k("observation_delay_s"), g.observation_delay_s)?;
        c.non_negative(&k("latency_s"), g.latency_s)?;
        g.name.get_or_insert_with(|| format!("informed{i}"));
        agents += u64::from(g.count);
    }
    for (i, g) in f.market_maker.iter_mut().enumerate() {
        let k = |name: &str| format!("market_maker[{i}].{name}");
        c.at_least_one(&k("count"), u64::from(g.count))?;
        c.positive(&k("requote_interval_s"), g.requote_interval_s)?;
        match g.strategy {
            QuoteStrategy::AvellanedaStoikov => {
                c.positive(&k("gamma"), g.gamma)?;
                c.positive(&k("k"), g.k)?;
                c.positive(&k("horizon_s"), g.horizon_s)?;
            }
            QuoteStrategy::Fixed => {
                c.positive(&k("half_spread_ticks"), g.half_spread_ticks)?;
                c.non_negative(&k("skew_ticks_per_lot"), g.skew_ticks_per_lot)?;
            }
        }
        c.at_least_one(&k("levels"), u64::from(g.levels))?;
        c.at_least_one(&k("level_spacing_ticks"), u64::from(g.level_spacing_ticks))?;
        c.at_least_one(&k("lots_per_level"), g.lots_per_level)?;
        c.at_least_one(&k("max_position_lots"), g.max_position_lots)?;
        c.positive(&k("vol_halflife_s"), g.vol_halflife_s)?;
        c.positive(&k("vol_sample_interval_s"), g.vol_sample_interval_s)?;
        c.non_negative(
            &k("sigma_prior_ticks_per_sqrt_s"),
            g.sigma_prior_ticks_per_sqrt_s,
        )?;
        c.positive(&k("markout_horizon_s"), g.markout_horizon_s)?;
        c.non_negative(&k("latency_s"), g.latency_s)?;
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
        return Err(c.fail(
            "count",
            format!("the groups hold {agents} agents; at most {MAX_AGENTS} allowed"),
        ));
    }

    let o = &f.output;
    c.positive("output.sample_interval_s", o.sample_interval_s)?;
    c.positive(
        "output.agents_sample_interval_s",
        o.agents_sample_interval_s,
    )?;
    if o.depth_bands_ticks.is_empty() {
        return Err(c.fail(
            "output.depth_bands_ticks",
            "must list at least one band, e.g. [5, 10]".into(),
        ));
    }
    let every = |s: f64| ((s / f.run.dt_s).round() as u64).max(1);
    let name = f.run.name.clone().unwrap_or_else(|| {
        path.file_stem().map_or_else(
            || "scenario".to_string(),
            |s| s.to_string_lossy().into_owned(),
        )
    });
    if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(c.fail(
            "run.name",
            format!("must be a plain folder name, got {name:?}"),
        ));
    }
    f.run.name = Some(name.clone());
    Ok(Scenario {
        name,
        seed: f.run.seed,
        dt_ns,
        steps: steps.max(1),
        sample_every_steps: every(f.output.sample_interval_s),
        agents_every_steps: every(f.output.agents_sample_interval_s),
        params: f,
    })
}
