//! Market makers: at each look they compute a target ladder (Avellaneda–Stoikov or fixed
//! spread), and replace a side's quotes when it drifted beyond tolerance or lost quantity.
//! Quotes are post-only limit orders; the exchange's risk gate enforces the position limit.

mod fills;
pub mod hedging;
mod hot_potato;
pub mod options;
mod quote;
mod shocked;
mod state;

pub use fills::settle_makers;
pub use hedging::{HedgeLog, HedgeRecord};
pub use hot_potato::{HotPotato, track_hot_potato};
pub use options::{OptionDesk, OptionDesks, OptionLog, OptionRecord, run_option_desks};
pub use quote::{QuoteLog, QuoteRecord, quote_market_makers};
pub use shocked::{MakerGroupsBase, follow_maker_shocks};
pub use state::{Ledger, LiveQuote, MarketMaker, PendingMarkout, RiskState, WorkingHedge};

use crate::models::hedge::{ChildKind, HedgeRule, Plan, Schedule as HedgeSchedule};
use crate::models::quotes::QuoteParams;
use crate::models::vol::VolEstimator;
use crate::models::withdrawal::{Levels, Trigger, WithdrawalRule};
use crate::rng::{self, Purpose, uniform};
use crate::scenario::{
    ChildStyle, HedgeParams, HedgeStyle, MarketMakerParams, Scenario, ShockKind, SliceSchedule,
    TriggerParams, WithdrawalParams, secs_to_ns,
};
use crate::sim::components::AgentKind;
use crate::sim::kind::{KindPlugin, SetupContext};
use crate::sim::phase::{DecideTurn, Phase};
use crate::sim::resources::{AGENDA_STEPS, Agenda, BookId};
use bevy_ecs::prelude::*;

/// The market makers, as the wiring installs them.
pub const PLUGIN: KindPlugin = KindPlugin { install, systems };

/// Spawns every maker group's members, each with its volatility prior, a first look drawn
/// uniformly within its requote interval and, for a group with options or client flow, an
/// [`OptionDesk`] holding its opening lines; inserts [`MakerGroups`], the logs, the client
/// flows and the agenda.
pub fn install(world: &mut World, scenario: &Scenario, ctx: &mut SetupContext) {
    let mut agenda = Agenda::<MarketMaker>::new(ctx.dt_ns, AGENDA_STEPS);
    let makers = &scenario.params.market_maker;
    let mut option_log = Vec::new();
    let mut flows = Vec::new();
    let mut any_desk = false;
    for (gi, g) in makers.iter().enumerate() {
        let name = g.name.clone().unwrap_or_default();
        let bi = scenario.book_index(g.book.as_deref());
        let book = BookId(bi as u16);
        let tick_size = scenario.books[bi].tick_size;
        let open_ticks = (scenario.books[bi].initial_price / tick_size).round();
        let mut members = Vec::new();
        for member in 0..g.count {
            let (id, e) = ctx.spawn(
                world,
                AgentKind::MarketMaker,
                gi,
                book,
                &name,
                Some(g.max_position_lots),
            );
            let mut r = rng::stream(
                scenario.seed,
                Purpose::MarketMaker,
                gi as u32,
                u64::from(member),
            );
            let first = secs_to_ns(uniform(&mut r) * g.requote_interval_s);
            agenda.calendar.push(first, (id, e));
            world.entity_mut(e).insert((MarketMaker::new(
                VolEstimator::new(
                    g.vol_halflife_s,
                    g.sigma_prior_ticks_per_sqrt_s,
                    g.vol_sample_interval_s,
                ),
                secs_to_ns(g.markout_horizon_s),
                book,
            ),));
            if let Some(w) = &g.withdrawal {
                let mut mm = world.get_mut::<MarketMaker>(e).expect("just inserted");
                mm.risk = state::RiskState::new(
                    VolEstimator::new(
                        w.baseline_vol_halflife_s,
                        g.sigma_prior_ticks_per_sqrt_s,
                        g.vol_sample_interval_s,
                    ),
                    w.toxicity_fills,
                    w.hedge_failure_hedges,
                    w.signal_halflife_s,
                );
            }
            if let Some(desk) =
                options::open_desk(g, tick_size, open_ticks, id, book, &mut option_log)
            {
                world.entity_mut(e).insert(desk);
                any_desk = true;
            }
            members.push((id, e));
        }
        if let Some(flow) = &g.client_flow {
            flows.push(options::ClientFlow::new(
                flow,
                gi,
                members,
                tick_size,
                scenario.seed,
            ));
        }
    }
    world.insert_resource(OptionDesks {
        flows,
        active: any_desk,
    });
    // The opening lines, written with the first step's records.
    world.insert_resource(OptionLog(option_log));
    let groups: Vec<MakerGroup> = makers
        .iter()
        .map(|g| {
            let venue = g
                .hedge
                .as_ref()
                .map(|h| BookId(scenario.book_index(h.venue.as_deref()) as u16));
            let bi = scenario.book_index(g.book.as_deref());
            let b = &scenario.books[bi];
            maker_group(
                g.clone(),
                BookId(bi as u16),
                venue,
                b.tick_size * b.lot_size as f64,
            )
        })
        .collect();
    let shocked = scenario.params.shocks.iter().any(|sh| {
        matches!(
            sh.kind,
            ShockKind::MakerLimit | ShockKind::LossLimit | ShockKind::Latency
        )
    });
    if shocked {
        world.insert_resource(MakerGroupsBase {
            applied: vec![[1.0; 3]; groups.len()],
            groups: groups.clone(),
        });
    }
    world.insert_resource(MakerGroups(groups));
    world.insert_resource(HotPotato::default());
    world.insert_resource(QuoteLog::default());
    world.insert_resource(HedgeLog {
        records: Vec::new(),
        active: makers.iter().any(|g| g.hedge.is_some()),
    });
    world.insert_resource(agenda);
}

/// The makers' systems: option expiries and client trades, then requoting and hedging, in
/// their decide turn; learning their orders' fate and scoring markouts once the step is
/// matched.
pub fn systems(schedule: &mut Schedule, turn: DecideTurn, scenario: &Scenario) {
    // the desk system only where a maker has a desk (a group with an implied volatility:
    // see `options::open_desk`); without one it would do nothing but cost a dispatch a step
    let desks = scenario
        .params
        .market_maker
        .iter()
        .any(|g| g.count > 0 && g.implied_vol_per_sqrt_s.is_some());
    if desks {
        schedule.add_systems(
            (run_option_desks, quote_market_makers)
                .chain()
                .in_set(Phase::Decide)
                .in_set(turn),
        );
    } else {
        schedule.add_systems(quote_market_makers.in_set(Phase::Decide).in_set(turn));
    }
    schedule.add_systems(settle_makers.in_set(Phase::Settle));
    let shocks = &scenario.params.shocks;
    // shock windows: a shock with a duration, or a program
    if shocks
        .iter()
        .any(|s| s.duration_s.is_some() || s.kind.is_program())
    {
        schedule.add_systems(track_hot_potato.in_set(Phase::Detect));
    }
    if shocks.iter().any(|s| {
        matches!(
            s.kind,
            ShockKind::MakerLimit | ShockKind::LossLimit | ShockKind::Latency
        )
    }) {
        schedule.add_systems(
            follow_maker_shocks
                .in_set(Phase::Exogenous)
                .after(crate::market::shocks::apply_shocks),
        );
    }
}

/// A market-maker group's parameters in the form the system uses.
#[derive(Debug, Clone)]
pub struct MakerGroup {
    /// The scenario parameters.
    pub params: MarketMakerParams,
    /// Its quoting model, typed.
    pub quote: QuoteParams,
    /// Interval between looks, ns.
    pub interval_ns: u64,
    /// Latency, ns.
    pub latency_ns: u64,
    /// The book it quotes.
    pub book: BookId,
    /// Its hedging, if it hedges.
    pub hedge: Option<Hedger>,
    /// Its withdrawal rule, if it has one.
    pub withdrawal: Option<Withdrawer>,
}

/// A group's withdrawal rule in the form the system uses: levels in the signals' units
/// (money in ticks·lots), and the quotes of each state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Withdrawer {
    /// The transition rule.
    pub rule: WithdrawalRule,
    /// How it quotes when widened.
    pub widened: QuoteParams,
    /// How it quotes in cooldown.
    pub cooldown: QuoteParams,
    /// Withdrawn: the largest market order per look that trades the inventory back to flat
    /// (`None`: no unwinding).
    pub unwind_lots: Option<u64>,
}

impl Withdrawer {
    /// From the scenario's table; `currency_per_tick_lot` converts the drawdown and loss
    /// levels (currency) into ticks·lots.
    pub fn new(w: &WithdrawalParams, quote: &QuoteParams, currency_per_tick_lot: f64) -> Self {
        let levels = |t: Option<TriggerParams>, scale: f64| {
            t.map(|t| Levels {
                widen: t.widen.map(|v| v * scale),
                withdraw: t.withdraw.map(|v| v * scale),
                exit: t.exit.map(|v| v * scale),
            })
        };
        let money = 1.0 / currency_per_tick_lot;
        let mut all = [None; 6];
        for (trigger, t, scale) in [
            (Trigger::Loss, w.loss, money),
            (Trigger::Inventory, w.inventory, 1.0),
            (Trigger::HedgeFailure, w.hedge_failure, 1.0),
            (Trigger::Drawdown, w.drawdown, money),
            (Trigger::Toxicity, w.toxicity, 1.0),
            (Trigger::Volatility, w.volatility, 1.0),
        ] {
            all[trigger.index()] = levels(t, scale);
        }
        Withdrawer {
            rule: WithdrawalRule {
                levels: all,
                min_time_in_state_ns: secs_to_ns(w.min_time_in_state_s),
                cooldown_ns: secs_to_ns(w.cooldown_s),
            },
            widened: quote.scaled(w.widen_spread_factor, w.widen_size_factor),
            cooldown: quote.scaled(1.0, w.cooldown_size_factor),
            unwind_lots: w.unwind.then_some(w.unwind_lots),
        }
    }
}

/// A group's hedging, in the form the system uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hedger {
    /// The decision rule and its execution plan.
    pub rule: HedgeRule,
    /// The style's name, for hedges.csv.
    pub style: &'static str,
    /// The book the hedges go to.
    pub venue: BookId,
    /// Decision-to-arrival delay of a hedge, ns.
    pub latency_ns: u64,
}

/// All market-maker groups, by group index.
#[derive(Resource, Debug, Default)]
pub struct MakerGroups(pub Vec<MakerGroup>);

/// The interval and latency of a group, in ns, quoting `book` and hedging in `venue` if its
/// parameters ask for hedging (validated: every default filled in).
pub fn maker_group(
    params: MarketMakerParams,
    book: BookId,
    venue: Option<BookId>,
    currency_per_tick_lot: f64,
) -> MakerGroup {
    let hedge = params.hedge.as_ref().map(|h| Hedger {
        rule: HedgeRule {
            band_lots: h.band_lots,
            target_lots: h.target_lots.unwrap_or(0),
            ratio: h.hedge_ratio.unwrap_or(1.0),
            min_interval_ns: secs_to_ns(h.min_interval_s.unwrap_or(0.0)),
            plan: hedge_plan(h),
        },
        style: match h.style {
            HedgeStyle::Market => "market",
            HedgeStyle::Ioc => "ioc",
            HedgeStyle::Passive => "passive",
            HedgeStyle::Sliced => "sliced",
        },
        venue: venue.unwrap_or(book),
        latency_ns: secs_to_ns(h.latency_s.unwrap_or(params.latency_s)),
    });
    let quote = QuoteParams::from_scenario(&params);
    let withdrawal = params
        .withdrawal
        .as_ref()
        .map(|w| Withdrawer::new(w, &quote, currency_per_tick_lot));
    MakerGroup {
        quote,
        withdrawal,
        interval_ns: secs_to_ns(params.requote_interval_s).max(1),
        latency_ns: secs_to_ns(params.latency_s),
        book,
        hedge,
        params,
    }
}

/// The execution plan of a validated `[market_maker.hedge]` (every default filled in).
pub fn hedge_plan(h: &HedgeParams) -> Plan {
    let slip = h.max_slippage_ticks.unwrap_or(0);
    let improve = h.improve.unwrap_or(false);
    match h.style {
        HedgeStyle::Market => Plan::market(),
        HedgeStyle::Ioc => Plan::ioc(slip),
        HedgeStyle::Passive => {
            Plan::passive(secs_to_ns(h.max_wait_s.unwrap_or(0.0)), slip, improve)
        }
        HedgeStyle::Sliced => Plan {
            slices: h.slices.unwrap_or(5).max(1),
            horizon_ns: secs_to_ns(h.horizon_s.unwrap_or(0.0)),
            child: match h.child_style.unwrap_or_default() {
                ChildStyle::Passive => ChildKind::Passive,
                ChildStyle::Ioc => ChildKind::Ioc,
            },
            schedule: match h.schedule.unwrap_or_default() {
                SliceSchedule::Clock => HedgeSchedule::Clock,
                SliceSchedule::Volume => HedgeSchedule::Volume {
                    participation: h.participation.unwrap_or(1.0),
                },
            },
            max_slippage_ticks: slip,
            improve,
        },
    }
}

/// A maker's PnL at one moment, split into its parts, in ticks·lots of its own book (a hedge
/// venue has the same tick and lot). The parts add up to the total, which is computed
/// directly: cash + Σ position·mid over books (`underlying_tick_lots`) + option cash + the
/// live options' value (`options_tick_lots`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MakerPnl {
    /// Spread capture.
    pub spread_tick_lots: f64,
    /// Inventory revaluation.
    pub inventory_tick_lots: f64,
    /// Hedging (minus the hedges' slippage cost).
    pub hedging_tick_lots: f64,
    /// The options' value, greeks and PnL parts (zero without options).
    pub options: options::DeskValuation,
    /// The underlying's PnL: cash + Σ position·mid (a multiple of half a tick·lot, exact).
    pub underlying_tick_lots: f64,
    /// The options' PnL: option cash + the live lines' value.
    pub options_tick_lots: f64,
}

impl MakerPnl {
    /// The whole: the underlying's and the options' PnL.
    pub fn total_tick_lots(&self) -> f64 {
        self.underlying_tick_lots + self.options_tick_lots
    }
}

/// The PnL of a maker with account `acct`, state `mm` and desk `desk` at `now_ns`, given its
/// position and twice the reference mid in every book (`positions`, lots and ticks) and its
/// own book's reference price `spot_ticks` (its options' underlying).
pub fn maker_pnl(
    acct: &crate::sim::components::Account,
    mm: &MarketMaker,
    desk: Option<&OptionDesk>,
    positions: &[(i64, i64)],
    spot_ticks: f64,
    now_ns: u64,
) -> MakerPnl {
    let marks_x2: i128 = positions
        .iter()
        .map(|&(lots, mark_x2)| i128::from(lots) * i128::from(mark_x2))
        .sum();
    let underlying_x2 = 2 * acct.cash_tick_lots + marks_x2;
    let half = |x2: i128| x2 as f64 / 2.0;
    let (opts, opt_total) = desk.map_or((options::DeskValuation::default(), 0.0), |d| {
        let vol = d.vol_per_sqrt_s(mm.vol.variance_per_s(), spot_ticks);
        let v = d.value(spot_ticks, now_ns, vol);
        (v, d.cash_tick_lots + v.greeks.value)
    });
    MakerPnl {
        spread_tick_lots: half(mm.ledger.spread_x2),
        inventory_tick_lots: half(mm.ledger.inventory_x2(positions.iter().copied())),
        hedging_tick_lots: half(mm.ledger.hedging_x2),
        options: opts,
        underlying_tick_lots: half(underlying_x2),
        options_tick_lots: opt_total,
    }
}
