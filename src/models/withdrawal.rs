//! A market maker's withdrawal state machine: `Quoting → Widened → Withdrawn → Cooldown →
//! Quoting`, driven by its own risk signals, with hysteresis.
//!
//! Every trigger has an entry level for widening and/or for withdrawing, and a lower exit
//! level (or none: a trigger without an exit level, such as a loss limit, never clears). The
//! rule, [`next_state`], is a pure function of the state, the time it was entered, the
//! signals, the parameters and the time:
//! - nothing changes within `min_time_in_state` of the last change;
//! - **Quoting**: a trigger at or above its withdraw level → Withdrawn; else one at or above
//!   its widen level → Widened;
//! - **Widened**: a trigger at or above its withdraw level → Withdrawn; every trigger below
//!   its exit level → Quoting;
//! - **Withdrawn**: every trigger below its exit level → Cooldown;
//! - **Cooldown**: a trigger at or above its widen (or withdraw) level → Withdrawn; after
//!   `cooldown` in the state with every trigger below its exit level → Quoting.
//!
//! Triggers are checked in [`Trigger::ALL`]'s order and the first that fires is reported,
//! with its value and the level it crossed. A move back (to Quoting or to Cooldown) reports
//! the trigger with the highest value relative to its exit level, and that exit level. The
//! cooldown's end reports [`Trigger::Cooldown`] with the time in state and the cooldown.

/// Where a maker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum MakerState {
    /// Quoting normally.
    #[default]
    Quoting,
    /// Quoting wider and smaller.
    Widened,
    /// No quotes.
    Withdrawn,
    /// Back, at reduced size, until the cooldown has passed.
    Cooldown,
}

impl MakerState {
    /// The name written in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            MakerState::Quoting => "quoting",
            MakerState::Widened => "widened",
            MakerState::Withdrawn => "withdrawn",
            MakerState::Cooldown => "cooldown",
        }
    }
}

/// What moved a maker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trigger {
    /// |inventory| / position limit.
    Inventory,
    /// Its short-run volatility estimate over its own trailing baseline.
    Volatility,
    /// Adverse selection: minus its recent mean markout, ticks per lot.
    Toxicity,
    /// Its PnL below its running peak, currency.
    Drawdown,
    /// The unfilled share of its recent hedges.
    HedgeFailure,
    /// Its loss (minus its PnL), currency.
    Loss,
    /// The cooldown's timer (seconds in state).
    Cooldown,
}

impl Trigger {
    /// The signal triggers, in the order they are checked.
    pub const ALL: [Trigger; 6] = [
        Trigger::Loss,
        Trigger::Inventory,
        Trigger::HedgeFailure,
        Trigger::Drawdown,
        Trigger::Toxicity,
        Trigger::Volatility,
    ];

    /// The name written in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Inventory => "inventory",
            Trigger::Volatility => "volatility",
            Trigger::Toxicity => "toxicity",
            Trigger::Drawdown => "drawdown",
            Trigger::HedgeFailure => "hedge_failure",
            Trigger::Loss => "loss",
            Trigger::Cooldown => "cooldown",
        }
    }

    /// Its index in a [`Signals`] array (the cooldown has none).
    pub fn index(self) -> usize {
        match self {
            Trigger::Loss => 0,
            Trigger::Inventory => 1,
            Trigger::HedgeFailure => 2,
            Trigger::Drawdown => 3,
            Trigger::Toxicity => 4,
            Trigger::Volatility => 5,
            Trigger::Cooldown => usize::MAX,
        }
    }
}

/// One trigger's levels. `exit` below both entry levels (validated).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Levels {
    /// Widen at or above this (`None`: never widens for this trigger).
    pub widen: Option<f64>,
    /// Withdraw at or above this (`None`: never withdraws for this trigger).
    pub withdraw: Option<f64>,
    /// Below this the trigger has cleared (`None`: it never clears).
    pub exit: Option<f64>,
}

/// The rule's parameters: levels per trigger (by [`Trigger::index`]; `None`: the trigger is
/// off), and times in ns.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WithdrawalRule {
    /// Levels by trigger index.
    pub levels: [Option<Levels>; 6],
    /// Shortest time between two changes of state, ns.
    pub min_time_in_state_ns: u64,
    /// Time in Cooldown before quoting normally again, ns.
    pub cooldown_ns: u64,
}

/// The signals by trigger index (units: see [`Trigger`]).
pub type Signals = [f64; 6];

/// A change of state, with what caused it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transition {
    /// From.
    pub from: MakerState,
    /// To.
    pub to: MakerState,
    /// The trigger.
    pub trigger: Trigger,
    /// Its value.
    pub value: f64,
    /// The level it crossed (entry, exit, or the cooldown in seconds).
    pub threshold: f64,
}

/// The first trigger at or above its `level` (widen or withdraw), with value and level.
fn first_at_or_above(
    rule: &WithdrawalRule,
    x: &Signals,
    level: impl Fn(&Levels) -> Option<f64>,
) -> Option<(Trigger, f64, f64)> {
    Trigger::ALL.into_iter().find_map(|t| {
        let l = rule.levels[t.index()]?;
        let at = level(&l)?;
        let v = x[t.index()];
        (v >= at).then_some((t, v, at))
    })
}

/// `None` if some trigger has not cleared (at or above its exit level, or without one);
/// else the trigger closest to its exit level (highest value over exit), with value and
/// exit level (`None` inside when no trigger is on).
fn all_clear(rule: &WithdrawalRule, x: &Signals) -> Option<Option<(Trigger, f64, f64)>> {
    let mut closest: Option<(Trigger, f64, f64)> = None;
    for t in Trigger::ALL {
        let Some(l) = rule.levels[t.index()] else {
            continue;
        };
        let v = x[t.index()];
        let exit = l.exit?;
        // NaN never clears
        if v.is_nan() || v >= exit {
            return None;
        }
        let gap = v - exit;
        if closest.is_none_or(|(_, cv, ce)| gap > cv - ce) {
            closest = Some((t, v, exit));
        }
    }
    Some(closest)
}

/// The transition due now, if any; see the module docs for the rule.
pub fn next_state(
    state: MakerState,
    entered_ns: u64,
    x: &Signals,
    rule: &WithdrawalRule,
    now_ns: u64,
) -> Option<Transition> {
    let in_state_ns = now_ns.saturating_sub(entered_ns);
    if in_state_ns < rule.min_time_in_state_ns {
        return None;
    }
    let go = |to, (trigger, value, threshold): (Trigger, f64, f64)| Transition {
        from: state,
        to,
        trigger,
        value,
        threshold,
    };
    let withdraw = || first_at_or_above(rule, x, |l| l.withdraw);
    let widen = || first_at_or_above(rule, x, |l| l.widen);
    let back = |to| {
        all_clear(rule, x).map(|c| {
            go(
                to,
                c.unwrap_or((Trigger::Cooldown, in_state_ns as f64 * 1e-9, 0.0)),
            )
        })
    };
    match state {
        MakerState::Quoting => withdraw()
            .map(|c| go(MakerState::Withdrawn, c))
            .or_else(|| widen().map(|c| go(MakerState::Widened, c))),
        MakerState::Widened => withdraw()
            .map(|c| go(MakerState::Withdrawn, c))
            .or_else(|| back(MakerState::Quoting)),
        MakerState::Withdrawn => back(MakerState::Cooldown),
        MakerState::Cooldown => withdraw()
            .or_else(widen)
            .map(|c| go(MakerState::Withdrawn, c))
            .or_else(|| {
                (in_state_ns >= rule.cooldown_ns)
                    .then(|| back(MakerState::Quoting))
                    .flatten()
                    .map(|t| Transition {
                        trigger: Trigger::Cooldown,
                        value: in_state_ns as f64 * 1e-9,
                        threshold: rule.cooldown_ns as f64 * 1e-9,
                        ..t
                    })
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::MakerState::*;
    use super::*;

    const S: u64 = 1_000_000_000;

    /// Inventory widens at 0.6, withdraws at 0.9, clears below 0.4; loss withdraws at 100
    /// and never clears; 2 s in state at least, 10 s of cooldown.
    fn rule() -> WithdrawalRule {
        let mut levels = [None; 6];
        levels[Trigger::Inventory.index()] = Some(Levels {
            widen: Some(0.6),
            withdraw: Some(0.9),
            exit: Some(0.4),
        });
        levels[Trigger::Volatility.index()] = Some(Levels {
            widen: Some(2.0),
            withdraw: None,
            exit: Some(1.5),
        });
        WithdrawalRule {
            levels,
            min_time_in_state_ns: 2 * S,
            cooldown_ns: 10 * S,
        }
    }

    fn signals(inventory: f64, vol: f64) -> Signals {
        let mut x = [0.0; 6];
        x[Trigger::Inventory.index()] = inventory;
        x[Trigger::Volatility.index()] = vol;
        x
    }

    fn step(state: MakerState, inv: f64, vol: f64) -> Option<(MakerState, Trigger, f64, f64)> {
        next_state(state, 0, &signals(inv, vol), &rule(), 100 * S)
            .map(|t| (t.to, t.trigger, t.value, t.threshold))
    }

    #[test]
    fn quoting_widens_or_withdraws_at_the_entry_levels() {
        assert_eq!(step(Quoting, 0.59, 1.0), None);
        assert_eq!(
            step(Quoting, 0.6, 1.0),
            Some((Widened, Trigger::Inventory, 0.6, 0.6))
        );
        assert_eq!(
            step(Quoting, 0.95, 1.0),
            Some((Withdrawn, Trigger::Inventory, 0.95, 0.9))
        );
        assert_eq!(
            step(Quoting, 0.1, 2.5),
            Some((Widened, Trigger::Volatility, 2.5, 2.0))
        );
        // volatility alone never withdraws (no withdraw level)
        assert_eq!(
            step(Quoting, 0.1, 50.0),
            Some((Widened, Trigger::Volatility, 50.0, 2.0))
        );
    }

    #[test]
    fn widened_has_hysteresis() {
        // between exit and entry: stays
        assert_eq!(step(Widened, 0.5, 1.0), None);
        assert_eq!(step(Widened, 0.45, 1.6), None, "volatility not cleared");
        assert_eq!(
            step(Widened, 0.39, 1.0),
            Some((Quoting, Trigger::Inventory, 0.39, 0.4))
        );
        assert_eq!(
            step(Widened, 0.9, 1.0),
            Some((Withdrawn, Trigger::Inventory, 0.9, 0.9))
        );
    }

    #[test]
    fn withdrawn_leaves_only_when_every_trigger_cleared() {
        assert_eq!(step(Withdrawn, 0.5, 1.0), None);
        assert_eq!(step(Withdrawn, 0.1, 1.7), None);
        let t = step(Withdrawn, 0.1, 1.4).unwrap();
        assert_eq!(t.0, Cooldown);
        // the trigger closest to its exit: volatility 1.4 (−0.1) over inventory 0.1 (−0.3)
        assert_eq!((t.1, t.2, t.3), (Trigger::Volatility, 1.4, 1.5));
    }

    #[test]
    fn cooldown_returns_after_its_time_or_withdraws_again() {
        let r = rule();
        let calm = signals(0.1, 1.0);
        assert_eq!(next_state(Cooldown, 0, &calm, &r, 9 * S), None);
        let t = next_state(Cooldown, 0, &calm, &r, 10 * S).unwrap();
        assert_eq!(
            (t.to, t.trigger, t.value, t.threshold),
            (Quoting, Trigger::Cooldown, 10.0, 10.0)
        );
        // not cleared (between exit and widen): waits
        assert_eq!(
            next_state(Cooldown, 0, &signals(0.5, 1.0), &r, 50 * S),
            None
        );
        // a widen level in cooldown sends it back out
        let t = next_state(Cooldown, 0, &signals(0.6, 1.0), &r, 3 * S).unwrap();
        assert_eq!((t.to, t.trigger), (Withdrawn, Trigger::Inventory));
    }

    #[test]
    fn nothing_changes_within_the_minimum_time_in_state() {
        let r = rule();
        let x = signals(0.99, 1.0);
        assert_eq!(next_state(Quoting, 10 * S, &x, &r, 11 * S), None);
        assert!(next_state(Quoting, 10 * S, &x, &r, 12 * S).is_some());
        assert_eq!(
            next_state(Withdrawn, 10 * S, &signals(0.0, 0.0), &r, 11 * S),
            None
        );
    }

    #[test]
    fn a_trigger_without_an_exit_level_never_clears() {
        let mut r = rule();
        r.levels[Trigger::Loss.index()] = Some(Levels {
            widen: None,
            withdraw: Some(100.0),
            exit: None,
        });
        let mut x = signals(0.0, 1.0);
        x[Trigger::Loss.index()] = 150.0;
        let t = next_state(Quoting, 0, &x, &r, 100 * S).unwrap();
        assert_eq!(
            (t.to, t.trigger, t.threshold),
            (Withdrawn, Trigger::Loss, 100.0)
        );
        x[Trigger::Loss.index()] = -500.0;
        assert_eq!(next_state(Withdrawn, 0, &x, &r, 1_000 * S), None);
    }

    #[test]
    fn no_trigger_on_means_always_quoting() {
        let r = WithdrawalRule::default();
        for s in [Quoting, Widened, Cooldown] {
            let t = next_state(s, 0, &[f64::MAX; 6], &r, u64::MAX);
            assert!(t.is_none_or(|t| t.to == Quoting), "{s:?}: {t:?}");
        }
        assert_eq!(
            next_state(Withdrawn, 0, &[0.0; 6], &r, S).map(|t| t.to),
            Some(Cooldown)
        );
    }

    #[test]
    fn a_nan_signal_never_clears_and_never_fires() {
        let x = signals(f64::NAN, 1.0);
        assert_eq!(step(Quoting, f64::NAN, 1.0), None);
        assert_eq!(next_state(Withdrawn, 0, &x, &rule(), 100 * S), None);
    }
}
