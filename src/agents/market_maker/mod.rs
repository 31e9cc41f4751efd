//! Market makers: at each look they compute a target ladder (Avellaneda–Stoikov or fixed
//! spread), and replace a side's quotes when it drifted beyond tolerance or lost quantity.
//! Quotes are post-only limit orders; the exchange's risk gate enforces the position limit.

mod fills;
mod quote;
mod state;

pub use fills::{HedgeLog, HedgeRecord, settle_makers};
pub use quote::{QuoteLog, QuoteRecord, quote_market_makers};
pub use state::{HedgeInFlight, LiveQuote, MarketMaker, PendingMarkout};

use crate::models::hedge::HedgeRule;
use crate::models::quotes::QuoteParams;
use crate::models::vol::VolEstimator;
use crate::rng::{self, Purpose, uniform};
use crate::scenario::{HedgeStyle, MarketMakerParams, Scenario, secs_to_ns};
use crate::sim::components::AgentKind;
use crate::sim::kind::{KindPlugin, SetupContext};
use crate::sim::phase::{DecideTurn, Phase};
use crate::sim::resources::{AGENDA_STEPS, Agenda, BookId};
use bevy_ecs::prelude::*;

/// The market makers, as the wiring installs them.
pub const PLUGIN: KindPlugin = KindPlugin { install, systems };

/// Spawns every maker group's members, each with its volatility prior and a first look drawn
/// uniformly within its requote interval, and inserts [`MakerGroups`], the [`QuoteLog`] and
/// their agenda.
pub fn install(world: &mut World, scenario: &Scenario, ctx: &mut SetupContext) {
    let mut agenda = Agenda::<MarketMaker>::new(ctx.dt_ns, AGENDA_STEPS);
    let makers = &scenario.params.market_maker;
    for (gi, g) in makers.iter().enumerate() {
        let name = g.name.clone().unwrap_or_default();
        let book = BookId(scenario.book_index(g.book.as_deref()) as u16);
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
        }
    }
    world.insert_resource(MakerGroups(
        makers
            .iter()
            .map(|g| {
                let venue = g
                    .hedge
                    .as_ref()
                    .map(|h| BookId(scenario.book_index(h.venue.as_deref()) as u16));
                maker_group(
                    g.clone(),
                    BookId(scenario.book_index(g.book.as_deref()) as u16),
                    venue,
                )
            })
            .collect(),
    ));
    world.insert_resource(QuoteLog::default());
    world.insert_resource(HedgeLog {
        records: Vec::new(),
        active: makers.iter().any(|g| g.hedge.is_some()),
    });
    world.insert_resource(agenda);
}

/// The makers' systems: requoting in their decide turn, and learning their orders' fate and
/// scoring markouts once the step is matched.
pub fn systems(schedule: &mut Schedule, turn: DecideTurn) {
    schedule.add_systems((
        quote_market_makers.in_set(Phase::Decide).in_set(turn),
        settle_makers.in_set(Phase::Settle),
    ));
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
}

/// A group's hedging, in the form the system uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hedger {
    /// The decision rule.
    pub rule: HedgeRule,
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
pub fn maker_group(params: MarketMakerParams, book: BookId, venue: Option<BookId>) -> MakerGroup {
    let hedge = params.hedge.as_ref().map(|h| Hedger {
        rule: HedgeRule {
            band_lots: h.band_lots,
            target_lots: h.target_lots.unwrap_or(0),
            style: h.style,
            max_slippage_ticks: match h.style {
                HedgeStyle::Market => 0,
                HedgeStyle::Ioc => h.max_slippage_ticks.unwrap_or(0),
            },
            min_interval_ns: secs_to_ns(h.min_interval_s.unwrap_or(0.0)),
        },
        venue: venue.unwrap_or(book),
        latency_ns: secs_to_ns(h.latency_s.unwrap_or(params.latency_s)),
    });
    MakerGroup {
        quote: QuoteParams::from_scenario(&params),
        interval_ns: secs_to_ns(params.requote_interval_s).max(1),
        latency_ns: secs_to_ns(params.latency_s),
        book,
        hedge,
        params,
    }
}
