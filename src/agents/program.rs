//! Sell and buy programs (`[[shocks]]` of kind `sell_program` / `buy_program`): one agent each
//! that, from its start, executes a total quantity by market orders at a fixed share of the
//! volume traded in its book over a trailing window, whatever the price — the mechanism of
//! 6 May 2010 (75,000 E-mini contracts sold at 9 % of the previous minute's volume). It
//! decides every `interval_s` ([`crate::models::program`]), sends nothing while its book is
//! halted, and is done when it has filled its quantity (or the run ends).

use crate::lob::{Qty, Side};
use crate::models::program::{PovParams, PovState};
use crate::scenario::{Scenario, ShockKind, secs_to_ns};
use crate::sim::components::{Account, Agent, AgentKind};
use crate::sim::events::{EventKind, EventLog, EventRecord, ValueUnit};
use crate::sim::kind::{KindPlugin, SetupContext};
use crate::sim::phase::{DecideTurn, Phase};
use crate::sim::resources::{
    AGENDA_STEPS, Action, Agenda, BookId, Clock, Inbox, MarketViews, NO_TAG,
};
use crate::sim::shocks::ShockFactors;
use bevy_ecs::prelude::*;

/// The programs, as the wiring installs them.
pub const PLUGIN: KindPlugin = KindPlugin { install, systems };

/// Default trailing window, seconds.
const DEFAULT_WINDOW_S: f64 = 60.0;
/// Default time between decisions, seconds.
const DEFAULT_INTERVAL_S: f64 = 1.0;

/// A program's parameters and progress.
#[derive(Component, Debug, Clone)]
pub struct Program {
    /// `sell_program` or `buy_program`.
    pub name: &'static str,
    /// Its side.
    pub side: Side,
    /// The book it trades.
    pub book: BookId,
    /// Lots to execute.
    pub quantity_lots: u64,
    /// Its execution rule.
    pub rule: PovParams,
    /// Start, ns.
    pub start_ns: u64,
    /// Time between decisions, ns.
    pub interval_ns: u64,
    /// The rule's memory.
    pub pov: PovState,
    /// The book's cumulative volume when it started (`None`: not yet started).
    pub volume_at_start: Option<u64>,
    /// When it finished and the book's cumulative volume then (`None`: not done).
    pub done: Option<(u64, u64)>,
    /// Tenths of the quantity reported in events.csv so far.
    pub tenths_reported: u64,
}

impl Program {
    /// Lots filled: the size of its position.
    pub fn filled_lots(account: &Account) -> u64 {
        account.inventory_lots.unsigned_abs()
    }
}

/// Spawns one agent per program in the file (after every other kind, so the other agents'
/// ids do not depend on the programs) with its first wake-up one window before its start.
pub fn install(world: &mut World, scenario: &Scenario, ctx: &mut SetupContext) {
    let mut agenda = Agenda::<Program>::new(ctx.dt_ns, AGENDA_STEPS);
    let programs = scenario
        .params
        .shocks
        .iter()
        .filter(|s| s.kind.is_program());
    for (pi, sh) in programs.enumerate() {
        let b = scenario.book_index(sh.book.as_deref());
        let book = BookId(b as u16);
        let name = sh.kind.as_str();
        let (id, e) = ctx.spawn(world, AgentKind::Program, pi, book, name, None);
        let window_ns = secs_to_ns(sh.window_s.unwrap_or(DEFAULT_WINDOW_S));
        let start_ns = secs_to_ns(sh.start_s);
        let program = Program {
            name,
            side: if sh.kind == ShockKind::SellProgram {
                Side::Sell
            } else {
                Side::Buy
            },
            book,
            quantity_lots: sh.quantity_lots.expect("validated"),
            rule: PovParams {
                participation: sh.participation.expect("validated"),
                window_ns,
                min_child_lots: sh.min_child_lots.unwrap_or(1),
                max_child_lots: sh.max_child_lots.unwrap_or(u64::MAX),
            },
            start_ns,
            interval_ns: secs_to_ns(sh.interval_s.unwrap_or(DEFAULT_INTERVAL_S)),
            pov: PovState::default(),
            volume_at_start: None,
            done: None,
            tenths_reported: 0,
        };
        // watch the volume for one window before the start, on the start's own grid
        let mut first = start_ns;
        while first >= program.interval_ns && first - program.interval_ns + window_ns >= start_ns {
            first -= program.interval_ns;
        }
        agenda.calendar.push(first, (id, e));
        world.entity_mut(e).insert(program);
    }
    world.insert_resource(agenda);
}

/// The programs' one system, in its decide turn (none without a program).
pub fn systems(schedule: &mut Schedule, turn: DecideTurn, scenario: &Scenario) {
    if scenario.params.shocks.iter().any(|s| s.kind.is_program()) {
        schedule.add_systems(run_programs.in_set(Phase::Decide).in_set(turn));
    }
}

/// Decide phase: programs due this step watch the volume, and from their start send their
/// child orders.
pub fn run_programs(
    clock: Res<Clock>,
    views: Res<MarketViews>,
    mut agenda: ResMut<Agenda<Program>>,
    mut inbox: ResMut<Inbox>,
    mut factors: ResMut<ShockFactors>,
    mut events: ResMut<EventLog>,
    mut programs: Query<(&Agent, &Account, &mut Program)>,
) {
    agenda.run_due(clock.end_ns(), |id, entity, t| {
        let (agent, account, mut p) = programs.get_mut(entity).expect("program entity");
        let view = &views.0[usize::from(agent.book.0)];
        let volume = view.volume_lots;
        let next = t.saturating_add(p.interval_ns);
        let name = p.name;
        let event = |kind, value: u64, threshold: u64| EventRecord {
            t_ns: t,
            book: Some(agent.book),
            agent: Some(id),
            kind,
            from: None,
            to: None,
            trigger: Some(name),
            value: Some(value as f64),
            threshold: Some(threshold as f64),
            unit: ValueUnit::Lots,
        };
        if t < p.start_ns {
            let w = p.rule.window_ns;
            p.pov.observe(t, volume, w);
            return next;
        }
        let filled = Program::filled_lots(account);
        if p.volume_at_start.is_none() {
            p.volume_at_start = Some(volume);
            factors.active += 1;
            events.0.push(event(
                EventKind::ShockStart,
                p.quantity_lots,
                p.quantity_lots,
            ));
        }
        let tenths = (filled * 10 / p.quantity_lots).min(10);
        while p.tenths_reported < tenths {
            p.tenths_reported += 1;
            if p.tenths_reported < 10 {
                events
                    .0
                    .push(event(EventKind::ProgramProgress, filled, p.quantity_lots));
            }
        }
        if filled >= p.quantity_lots {
            p.done = Some((t, volume));
            factors.active -= 1;
            events
                .0
                .push(event(EventKind::ProgramDone, filled, p.quantity_lots));
            return u64::MAX;
        }
        let remaining = p.quantity_lots - filled;
        let rule = p.rule;
        let interval = p.interval_ns;
        let child = p.pov.decide(&rule, t, interval, volume, remaining);
        if child > 0 && !view.halted {
            inbox.push(
                t,
                agent.book,
                id,
                NO_TAG,
                Action::Market {
                    side: p.side,
                    qty: Qty(child),
                },
            );
        }
        next
    });
}
