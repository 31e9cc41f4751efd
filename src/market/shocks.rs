//! Scheduled shocks (`[[shocks]]`): at their start and end times they move the fundamental
//! or set the factors agents read ([`ShockFactors`]), and each start and end is an event in
//! events.csv.
//!
//! A shock takes effect from the first step that ends after its start (so within one step of
//! it): a fundamental jump moves the value that step starts from; a factor applies to every
//! draw made from that step on, until the first step that ends after the shock's end. The
//! factors of overlapping shocks on one group multiply.

use super::fundamental::Fundamental;
use crate::scenario::{Scenario, ShockKind, secs_to_ns};
use crate::sim::events::{EventKind, EventLog, EventRecord, ValueUnit};
use crate::sim::resources::Clock;
use crate::sim::shocks::ShockFactors;
use bevy_ecs::prelude::*;

/// What a shock does, resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShockAction {
    /// Add this to the fundamental (currency).
    JumpBy(f64),
    /// Multiply the fundamental by this.
    JumpTimes(f64),
    /// Multiply the fundamental's volatility.
    Volatility(f64),
    /// Multiply an informed group's look rate.
    InformedRate(usize, f64),
    /// Multiply a noise group's limit-order rate.
    NoiseLimitRate(usize, f64),
    /// Multiply a market-maker group's position limit.
    MakerLimit(usize, f64),
    /// Multiply a market-maker group's loss limit.
    LossLimit(usize, f64),
    /// Multiply a market-maker group's latency.
    Latency(usize, f64),
}

impl ShockAction {
    /// The factor vector it multiplies, its group and factor (`None`: not a factor).
    fn factor_slot<'a>(&self, f: &'a mut ShockFactors) -> Option<(&'a mut f64, f64)> {
        let (v, g, x) = match *self {
            ShockAction::InformedRate(g, x) => (&mut f.informed_rate, g, x),
            ShockAction::NoiseLimitRate(g, x) => (&mut f.noise_limit_rate, g, x),
            ShockAction::MakerLimit(g, x) => (&mut f.maker_limit, g, x),
            ShockAction::LossLimit(g, x) => (&mut f.maker_loss_limit, g, x),
            ShockAction::Latency(g, x) => (&mut f.maker_latency, g, x),
            _ => return None,
        };
        Some((&mut v[g], x))
    }
}

/// One shock on the schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shock {
    /// Start, ns.
    pub start_ns: u64,
    /// End, ns (`None`: instantaneous).
    pub end_ns: Option<u64>,
    /// What it does.
    pub action: ShockAction,
    /// Its kind's name, for events.csv.
    pub name: &'static str,
    /// Whether it has started, and ended.
    pub started: bool,
    /// Whether it has ended.
    pub ended: bool,
}

/// The run's shocks, in file order.
#[derive(Resource, Debug, Clone, Default)]
pub struct Shocks(pub Vec<Shock>);

impl Shocks {
    /// The validated scenario's shocks.
    pub fn from_scenario(s: &Scenario) -> Self {
        let p = &s.params;
        let group = |names: Vec<Option<&str>>, name: &Option<String>| {
            names
                .iter()
                .position(|n| *n == name.as_deref())
                .expect("validated: a known group")
        };
        let informed = || -> Vec<_> { p.informed.iter().map(|g| g.name.as_deref()).collect() };
        let noise = || -> Vec<_> { p.noise.iter().map(|g| g.name.as_deref()).collect() };
        let makers = || -> Vec<_> { p.market_maker.iter().map(|g| g.name.as_deref()).collect() };
        Shocks(
            p.shocks
                .iter()
                .filter(|sh| !sh.kind.is_program())
                .map(|sh| {
                    let factor = sh.factor.unwrap_or(1.0);
                    let action = match sh.kind {
                        ShockKind::FundamentalJump => match (sh.size_ticks, sh.size_fraction) {
                            (Some(t), _) => ShockAction::JumpBy(t * s.books[0].tick_size),
                            (_, f) => ShockAction::JumpTimes(1.0 + f.unwrap_or(0.0)),
                        },
                        ShockKind::Volatility => ShockAction::Volatility(factor),
                        ShockKind::InformedBurst => {
                            ShockAction::InformedRate(group(informed(), &sh.group), factor)
                        }
                        ShockKind::NoiseLiquidity => {
                            ShockAction::NoiseLimitRate(group(noise(), &sh.group), factor)
                        }
                        ShockKind::MakerLimit => {
                            ShockAction::MakerLimit(group(makers(), &sh.group), factor)
                        }
                        ShockKind::LossLimit => {
                            ShockAction::LossLimit(group(makers(), &sh.group), factor)
                        }
                        ShockKind::Latency => {
                            ShockAction::Latency(group(makers(), &sh.group), factor)
                        }
                        ShockKind::SellProgram | ShockKind::BuyProgram => {
                            unreachable!("programs are agents, filtered out above")
                        }
                    };
                    let start_ns = secs_to_ns(sh.start_s);
                    Shock {
                        start_ns,
                        end_ns: sh
                            .duration_s
                            .map(|d| start_ns.saturating_add(secs_to_ns(d))),
                        action,
                        name: sh.kind.as_str(),
                        started: false,
                        ended: false,
                    }
                })
                .collect(),
        )
    }
}

/// The factors with no shock: 1 for every group.
pub fn neutral_factors(s: &Scenario) -> ShockFactors {
    ShockFactors {
        informed_rate: vec![1.0; s.params.informed.len()],
        noise_limit_rate: vec![1.0; s.params.noise.len()],
        maker_limit: vec![1.0; s.params.market_maker.len()],
        maker_loss_limit: vec![1.0; s.params.market_maker.len()],
        maker_latency: vec![1.0; s.params.market_maker.len()],
        active: 0,
    }
}

/// Exogenous phase, before the fundamental moves: starts and ends the shocks due.
pub fn apply_shocks(
    clock: Res<Clock>,
    mut shocks: ResMut<Shocks>,
    mut factors: ResMut<ShockFactors>,
    mut fundamental: ResMut<Fundamental>,
    mut events: ResMut<EventLog>,
) {
    let now = clock.end_ns();
    for sh in shocks.0.iter_mut().filter(|s| !s.ended) {
        let mut event = |kind, value| {
            events.0.push(EventRecord {
                t_ns: clock.start_ns(),
                book: None,
                agent: None,
                kind,
                from: None,
                to: None,
                trigger: Some(sh.name),
                value: Some(value),
                threshold: None,
                unit: ValueUnit::Plain,
            })
        };
        if !sh.started && now > sh.start_ns {
            sh.started = true;
            let value = match sh.action {
                ShockAction::JumpBy(x) => {
                    fundamental.shift(x, 1.0);
                    x
                }
                ShockAction::JumpTimes(m) => {
                    fundamental.shift(0.0, m);
                    m
                }
                ShockAction::Volatility(f) => {
                    fundamental.vol_factor *= f;
                    f
                }
                action => {
                    let (slot, f) = action.factor_slot(&mut factors).expect("a factor");
                    *slot *= f;
                    f
                }
            };
            if sh.end_ns.is_some() {
                factors.active += 1;
            }
            event(EventKind::ShockStart, value);
            if sh.end_ns.is_none() {
                sh.ended = true;
                continue;
            }
        }
        if sh.started && sh.end_ns.is_some_and(|e| now > e) {
            sh.ended = true;
            factors.active -= 1;
            let value = match sh.action {
                ShockAction::Volatility(f) => {
                    fundamental.vol_factor /= f;
                    f
                }
                ShockAction::JumpBy(x) => x,
                ShockAction::JumpTimes(m) => m,
                action => {
                    let (slot, f) = action.factor_slot(&mut factors).expect("a factor");
                    *slot /= f;
                    f
                }
            };
            event(EventKind::ShockEnd, value);
        }
    }
}
