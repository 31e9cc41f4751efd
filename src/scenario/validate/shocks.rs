//! `[[shocks]]`: times inside the run, the keys of each kind and none other, known groups and
//! books, programs' quantities and participation.

use super::check_book_name;
use super::checker::Checker;
use crate::scenario::{BookParams, ScenarioError, ScenarioFile, ShockKind, ShockParams};

/// Largest factor a shock may apply.
const MAX_FACTOR: f64 = 1e3;

/// Which keys a kind takes (beyond kind and start_s).
struct Keys {
    duration: bool,
    factor: bool,
    group: bool,
    jump: bool,
    program: bool,
}

fn keys(kind: ShockKind) -> Keys {
    let none = Keys {
        duration: false,
        factor: false,
        group: false,
        jump: false,
        program: false,
    };
    match kind {
        ShockKind::FundamentalJump => Keys { jump: true, ..none },
        ShockKind::Volatility => Keys {
            duration: true,
            factor: true,
            ..none
        },
        ShockKind::InformedBurst
        | ShockKind::NoiseLiquidity
        | ShockKind::MakerLimit
        | ShockKind::LossLimit
        | ShockKind::Latency => Keys {
            duration: true,
            factor: true,
            group: true,
            ..none
        },
        ShockKind::SellProgram | ShockKind::BuyProgram => Keys {
            program: true,
            ..none
        },
    }
}

/// Checks every `[[shocks]]` table of `f` (whose books are `books`).
pub(super) fn check_shocks(
    c: &Checker,
    f: &ScenarioFile,
    books: &[BookParams],
) -> Result<(), ScenarioError> {
    for (i, sh) in f.shocks.iter().enumerate() {
        check_shock(c, f, books, i, sh)?;
    }
    Ok(())
}

fn check_shock(
    c: &Checker,
    f: &ScenarioFile,
    books: &[BookParams],
    i: usize,
    sh: &ShockParams,
) -> Result<(), ScenarioError> {
    let end = f.run.duration_s;
    let k = |name: &str| format!("shocks[{i}].{name}");
    if !(sh.start_s.is_finite() && sh.start_s >= 0.0 && sh.start_s < end) {
        return Err(c.fail(
            &k("start_s"),
            format!(
                "must lie inside the run: 0 ≤ start_s < {end} (run.duration_s), got {}",
                sh.start_s
            ),
        ));
    }
    let kind = sh.kind.as_str();
    let takes = keys(sh.kind);
    for (key, set, applies) in [
        ("duration_s", sh.duration_s.is_some(), takes.duration),
        ("factor", sh.factor.is_some(), takes.factor),
        ("group", sh.group.is_some(), takes.group),
        ("size_ticks", sh.size_ticks.is_some(), takes.jump),
        ("size_fraction", sh.size_fraction.is_some(), takes.jump),
        ("quantity_lots", sh.quantity_lots.is_some(), takes.program),
        ("participation", sh.participation.is_some(), takes.program),
        ("window_s", sh.window_s.is_some(), takes.program),
        ("interval_s", sh.interval_s.is_some(), takes.program),
        ("min_child_lots", sh.min_child_lots.is_some(), takes.program),
        ("max_child_lots", sh.max_child_lots.is_some(), takes.program),
        ("book", sh.book.is_some(), takes.program),
    ] {
        if set && !applies {
            return Err(c.not_applicable(&k(key), "kind", kind));
        }
    }
    let required = |key: &str| c.fail(&k(key), format!("is required with kind = {kind:?}"));
    if takes.jump {
        return match (sh.size_ticks, sh.size_fraction) {
            (Some(t), None) => c.finite(&k("size_ticks"), t),
            (None, Some(x)) if x.is_finite() && x > -1.0 => Ok(()),
            (None, Some(x)) => Err(c.fail(
                &k("size_fraction"),
                format!("must be a finite fraction > -1, got {x}"),
            )),
            _ => Err(c.fail(
                &k("size_ticks"),
                "a fundamental_jump needs exactly one of size_ticks and size_fraction".into(),
            )),
        };
    }
    if takes.program {
        return check_program(c, f, books, &k, sh);
    }
    let d = sh.duration_s.ok_or_else(|| required("duration_s"))?;
    c.positive(&k("duration_s"), d)?;
    let factor = sh.factor.ok_or_else(|| required("factor"))?;
    if !(factor.is_finite() && factor > 0.0 && factor <= MAX_FACTOR) {
        return Err(c.fail(
            &k("factor"),
            format!("must be a multiplier > 0 and ≤ {MAX_FACTOR}, got {factor}"),
        ));
    }
    if !takes.group {
        return Ok(());
    }
    let name = sh.group.as_deref().ok_or_else(|| required("group"))?;
    let makers = || f.market_maker.iter();
    let (names, what): (Vec<&str>, &str) = match sh.kind {
        ShockKind::InformedBurst => (
            f.informed
                .iter()
                .filter_map(|g| g.name.as_deref())
                .collect(),
            "[[informed]]",
        ),
        ShockKind::NoiseLiquidity => (
            f.noise.iter().filter_map(|g| g.name.as_deref()).collect(),
            "[[noise]]",
        ),
        ShockKind::LossLimit => (
            makers()
                .filter(|g| g.withdrawal.as_ref().is_some_and(|w| w.loss.is_some()))
                .filter_map(|g| g.name.as_deref())
                .collect(),
            "[[market_maker]] with a withdrawal.loss trigger",
        ),
        _ => (
            makers().filter_map(|g| g.name.as_deref()).collect(),
            "[[market_maker]]",
        ),
    };
    if !names.contains(&name) {
        return Err(c.fail(
            &k("group"),
            format!("names no {what} group: {name:?} (kind = {kind:?} acts on one of {names:?})"),
        ));
    }
    Ok(())
}

/// A sell or buy program's keys.
fn check_program(
    c: &Checker,
    f: &ScenarioFile,
    books: &[BookParams],
    k: &dyn Fn(&str) -> String,
    sh: &ShockParams,
) -> Result<(), ScenarioError> {
    let kind = sh.kind.as_str();
    let required = |key: &str| c.fail(&k(key), format!("is required with kind = {kind:?}"));
    let q = sh.quantity_lots.ok_or_else(|| required("quantity_lots"))?;
    c.lots(&k("quantity_lots"), q)?;
    let p = sh.participation.ok_or_else(|| required("participation"))?;
    if !(p.is_finite() && p > 0.0 && p <= 1.0) {
        return Err(c.fail(
            &k("participation"),
            format!("must be a share of volume in (0, 1], got {p}"),
        ));
    }
    let dt = f.run.dt_s;
    if let Some(w) = sh.window_s {
        c.seconds(&k("window_s"), w, dt, f.run.duration_s)?;
    }
    if let Some(iv) = sh.interval_s {
        c.seconds(&k("interval_s"), iv, dt, f.run.duration_s)?;
    }
    let min = sh.min_child_lots.unwrap_or(1);
    c.lots(&k("min_child_lots"), min)?;
    if let Some(max) = sh.max_child_lots {
        c.lots(&k("max_child_lots"), max)?;
        if max < min {
            return Err(c.fail(
                &k("max_child_lots"),
                format!("must be at least min_child_lots = {min}, got {max}"),
            ));
        }
    }
    check_book_name(c, &k("book"), sh.book.as_deref(), books)?;
    Ok(())
}
