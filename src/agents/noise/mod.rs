//! Zero-intelligence noise traders (Smith, Farmer, Gillemot & Krishnamurthy 2003).
//!
//! A group with totals μ (market orders/s), α (limit orders/s per tick per side), δ, σ and W
//! is one Poisson process of rate `μ + 2αW` on the group's own random stream. Each event is a
//! market order with probability `μ / (μ + 2αW)`, else a limit order, on a fair coin's side, and
//! is sent by one of the group's `count` traders drawn uniformly. By the superposition and
//! thinning theorems this is exactly `count` independent traders of rate `(μ + 2αW)/count`
//! each, at O(1) per order whatever the number of traders (no per-trader clock or state to
//! visit). Changing `count` re-attributes a group's orders but leaves its flow — times, sides,
//! prices, lifetimes — unchanged; other groups are never affected.
//!
//! A limit order's price is fixed on arrival at the exchange, 1..=W ticks (uniform) beyond the
//! opposite best quote, and its lifetime, drawn at placement from Exp(δ), is enforced by the
//! exchange as a good-till-time expiry.
//!
//! A group with `[noise.hawkes]` or `[noise.feedback]` has order flow with memory
//! ([`memory`]): self-exciting activity and/or a limit-order rate that falls with recent
//! volatility. A group with neither takes the Poisson path below, unchanged.
//!
//! A large plain group (no memory, no standing back, no liquidity shock in the scenario) is
//! drawn ahead on a helper thread ([`ahead`]): the same draws in the same order, so the same
//! orders, while the simulation thread runs the market.

pub mod ahead;
pub mod memory;

use crate::lob::{Qty, Side};
use crate::rng::{self, Purpose, below, coin, exponential, uniform};
use crate::scenario::{NoiseParams, Scenario, ShockKind, secs_to_ns};
use crate::sim::components::AgentKind;
use crate::sim::kind::{KindPlugin, SetupContext};
use crate::sim::phase::{DecideTurn, Phase};
use crate::sim::resources::{Action, BookId, Clock, Inbox, MarketViews, NO_TAG};
use crate::sim::shocks::ShockFactors;
use bevy_ecs::prelude::*;
use rand_chacha::ChaCha8Rng;

/// The noise traders, as the wiring installs them.
pub const PLUGIN: KindPlugin = KindPlugin { install, systems };

/// A zero-intelligence trader: its behaviour is its group's parameters.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct NoiseTrader;

/// Spawns every noise group's traders (anonymous to self-trade prevention) and inserts
/// [`NoiseGroups`]; each group draws from its own stream.
pub fn install(world: &mut World, scenario: &Scenario, ctx: &mut SetupContext) {
    let mut groups = Vec::new();
    let shocked = scenario
        .params
        .shocks
        .iter()
        .any(|sh| sh.kind == ShockKind::NoiseLiquidity);
    let run_s = scenario.steps as f64 * scenario.dt_ns as f64 * 1e-9;
    let mut drawn_ahead = 0;
    for (gi, g) in scenario.params.noise.iter().enumerate() {
        let name = g.name.clone().unwrap_or_default();
        let book = BookId(scenario.book_index(g.book.as_deref()) as u16);
        let mut first_agent = None;
        for _ in 0..g.count {
            let (id, e) = ctx.spawn(world, AgentKind::Noise, gi, book, &name, None);
            first_agent.get_or_insert(id);
            // Zero-intelligence orders have no owner in the model: no self-trade prevention.
            ctx.anonymous.push(id);
            world.entity_mut(e).insert(NoiseTrader);
        }
        let r = rng::stream(scenario.seed, Purpose::Noise, gi as u32, 0);
        let mut group = NoiseGroup::new(g.clone(), first_agent.expect("count ≥ 1"), book, r);
        group.draw_ahead = drawn_ahead < ahead::MAX_GROUPS
            && ahead::is_plain(g, shocked)
            && group.rate_per_s * run_s >= ahead::MIN_EVENTS;
        drawn_ahead += usize::from(group.draw_ahead);
        groups.push(group);
    }
    world.insert_resource(NoiseGroups(groups));
}

/// The noise traders' one system, in its decide turn.
pub fn systems(schedule: &mut Schedule, turn: DecideTurn, _: &Scenario) {
    schedule.add_systems(decide_noise.in_set(Phase::Decide).in_set(turn));
}

/// A noise group: its parameters and its Poisson clock.
#[derive(Debug)]
pub struct NoiseGroup {
    /// Event rate of the whole group, per second.
    pub rate_per_s: f64,
    /// Probability that an event is a market order.
    pub p_market: f64,
    /// The scenario parameters.
    pub params: NoiseParams,
    /// Latency, ns.
    pub latency_ns: u64,
    /// Agent id of the group's first trader; its traders are `first_agent .. first_agent + count`.
    pub first_agent: u32,
    /// The group's random stream.
    pub rng: ChaCha8Rng,
    /// The book it trades.
    pub book: BookId,
    /// Time of the group's next event, ns.
    pub next_event_ns: u64,
    /// The multiplier of α the rates were computed with (1 unless a shock is on).
    pub limit_factor: f64,
    /// Hawkes activity and volatility feedback, when the group has either.
    pub memory: Option<memory::FlowMemory>,
    /// Whether its flow is drawn ahead on a helper thread (a large plain group; see [`ahead`]).
    pub draw_ahead: bool,
    /// The helper's end, from the group's first decide on.
    pub ahead: Option<ahead::Ahead>,
}

impl NoiseGroup {
    /// Derives the rates and draws the first event time.
    pub fn new(params: NoiseParams, first_agent: u32, book: BookId, mut rng: ChaCha8Rng) -> Self {
        let (rate_per_s, p_market) = rates(&params, 1.0);
        let next_event_ns = secs_to_ns(exponential(&mut rng, rate_per_s));
        NoiseGroup {
            memory: memory::FlowMemory::new(&params),
            rate_per_s,
            p_market,
            limit_factor: 1.0,
            latency_ns: secs_to_ns(params.latency_s),
            params,
            first_agent,
            rng,
            book,
            next_event_ns,
            draw_ahead: false,
            ahead: None,
        }
    }

    /// The flow's fixed draws, for the helper thread.
    fn plain_flow(&self) -> ahead::PlainFlow {
        ahead::PlainFlow {
            params: self.params.clone(),
            first_agent: self.first_agent,
            p_market: self.p_market,
            rate_per_s: self.rate_per_s,
        }
    }

    /// Queues the events of a group drawn ahead that fall before `end_ns`. Starts the helper
    /// at the first call; if it cannot start, the group draws in the step from then on.
    fn send_drawn_ahead(&mut self, end_ns: u64, inbox: &mut Inbox) -> bool {
        if self.ahead.is_none() {
            self.ahead =
                ahead::Ahead::start(self.plain_flow(), self.rng.clone(), self.next_event_ns);
            if self.ahead.is_none() {
                self.draw_ahead = false;
                return false;
            }
        }
        let mut a = self.ahead.take().expect("started above");
        while let Some(d) = a.next_before(end_ns) {
            if let Some(action) = d.action {
                self.queue(inbox, d.t_ns, d.trader, action);
            }
        }
        self.next_event_ns = a.next_t_ns();
        self.ahead = Some(a);
        true
    }

    /// Queues an order of the group's `trader`, sent at `t_ns` (it arrives the group's latency
    /// later).
    #[inline]
    fn queue(&self, inbox: &mut Inbox, t_ns: u64, trader: u32, action: Action) {
        inbox.push(
            t_ns.saturating_add(self.latency_ns),
            self.book,
            trader,
            NO_TAG,
            action,
        );
    }

    /// Queues the events before `end_ns` of a group without memory, drawing them now.
    fn send_drawn_now(&mut self, end_ns: u64, standing_back: bool, inbox: &mut Inbox) {
        while self.next_event_ns < end_ns {
            let t = self.next_event_ns;
            let (trader, action, next) = draw_event(
                &mut self.rng,
                &self.params,
                self.first_agent,
                self.p_market,
                self.rate_per_s,
                standing_back,
                t,
            );
            if let Some(action) = action {
                self.queue(inbox, t, trader, action);
            }
            self.next_event_ns = next;
        }
    }
}

/// The event at `t_ns` of a group without memory: its trader (uniform among the group's
/// `p.count` from `first_agent`), its order (`None`: a limit order skipped while standing
/// back) and the time of the next event. The step and the helper thread both draw through
/// this function, so their draws cannot drift apart.
#[inline]
pub(crate) fn draw_event(
    r: &mut ChaCha8Rng,
    p: &NoiseParams,
    first_agent: u32,
    p_market: f64,
    rate_per_s: f64,
    standing_back: bool,
    t_ns: u64,
) -> (u32, Option<Action>, u64) {
    let trader = first_agent + below(r, u64::from(p.count)) as u32;
    let action = draw_action(r, p, p_market, standing_back, 1.0);
    let next = t_ns.saturating_add(secs_to_ns(exponential(r, rate_per_s)).max(1));
    (trader, action, next)
}

/// The group's event rate and market-order probability with its limit-order rate α
/// multiplied by `limit_factor`.
pub(crate) fn rates(p: &NoiseParams, limit_factor: f64) -> (f64, f64) {
    let limit_rate = 2.0 * p.alpha_per_tick_s * f64::from(p.window_ticks) * limit_factor;
    let rate_per_s = p.mu_per_s + limit_rate;
    (rate_per_s, p.mu_per_s / rate_per_s)
}

/// All noise groups, in scenario order.
#[derive(Resource, Debug, Default)]
pub struct NoiseGroups(pub Vec<NoiseGroup>);

/// Draws one noise trader's action, or `None` when standing back skips a limit order. A limit
/// order's lifetime is drawn from Exp(δ · `activity`) (`activity` is 1 without Hawkes flow).
#[inline]
pub fn draw_action(
    r: &mut ChaCha8Rng,
    p: &NoiseParams,
    p_market: f64,
    standing_back: bool,
    activity: f64,
) -> Option<Action> {
    let side = if coin(r) { Side::Buy } else { Side::Sell };
    if uniform(r) < p_market {
        return Some(Action::Market {
            side,
            qty: Qty(p.sigma_lots),
        });
    }
    let mut extra = 0;
    if standing_back && let Some(sb) = &p.stand_back {
        if uniform(r) >= sb.limit_rate_factor {
            return None;
        }
        extra = sb.extra_offset_ticks;
    }
    // Validation bounds W and the extra offset by 2^24 ticks each: the sum fits a u32.
    let offset_ticks = 1 + below(r, u64::from(p.window_ticks)) as u32 + extra;
    let lifetime_ns =
        (p.delta_per_s > 0.0).then(|| secs_to_ns(exponential(r, p.delta_per_s * activity)));
    Some(Action::ZiLimit {
        side,
        offset_ticks,
        qty: Qty(p.sigma_lots),
        lifetime_ns,
    })
}

/// Decide phase, last: each noise group sends the orders of its events in this step.
pub fn decide_noise(
    clock: Res<Clock>,
    views: Res<MarketViews>,
    mut groups: ResMut<NoiseGroups>,
    mut inbox: ResMut<Inbox>,
    factors: Res<ShockFactors>,
) {
    let end = clock.end_ns();
    for (g, &factor) in groups.0.iter_mut().zip(&factors.noise_limit_rate) {
        if g.draw_ahead && g.send_drawn_ahead(end, &mut inbox) {
            continue;
        }
        if g.memory.is_some() {
            let view = &views.0[usize::from(g.book.0)];
            memory::decide(g, factor, view, clock.start_ns(), end, &mut inbox);
            continue;
        }
        if factor != g.limit_factor {
            // a liquidity shock started or ended: the next wait is drawn at the new rate
            (g.rate_per_s, g.p_market) = rates(&g.params, factor);
            g.limit_factor = factor;
        }
        if g.next_event_ns >= end {
            continue;
        }
        let view = &views.0[usize::from(g.book.0)];
        let standing_back = g
            .params
            .stand_back
            .as_ref()
            .is_some_and(|sb| view.vol_ticks_per_sqrt_s > sb.vol_threshold_ticks_per_sqrt_s);
        g.send_drawn_now(end, standing_back, &mut inbox);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, stream};
    use crate::scenario::StandBackParams;
    use crate::sim::resources::Inbox;

    fn params(stand_back: Option<StandBackParams>) -> NoiseParams {
        NoiseParams {
            name: None,
            book: None,
            count: 1,
            mu_per_s: 1.0,
            alpha_per_tick_s: 1.0,
            delta_per_s: 0.5,
            sigma_lots: 2,
            window_ticks: 4,
            latency_s: 0.0,
            stand_back,
            hawkes: None,
            feedback: None,
        }
    }

    fn draw_many(p: &NoiseParams, standing_back: bool) -> (u32, u32, Vec<u32>) {
        let g = NoiseGroup::new(p.clone(), 0, BookId(0), stream(1, Purpose::Noise, 0, 0));
        let mut rng = g.rng.clone();
        let (mut market, mut limit, mut offsets) = (0, 0, Vec::new());
        for _ in 0..10_000 {
            match draw_action(&mut rng, p, g.p_market, standing_back, 1.0) {
                Some(Action::Market { qty, .. }) => {
                    assert_eq!(qty, Qty(2));
                    market += 1;
                }
                Some(Action::ZiLimit {
                    offset_ticks,
                    qty,
                    lifetime_ns,
                    ..
                }) => {
                    assert_eq!(qty, Qty(2));
                    assert!(lifetime_ns.is_some());
                    limit += 1;
                    offsets.push(offset_ticks);
                }
                Some(other) => panic!("unexpected {other:?}"),
                None => {}
            }
        }
        (market, limit, offsets)
    }

    /// large_market's noise group: 500 events/s.
    fn busy_params() -> NoiseParams {
        NoiseParams {
            count: 1000,
            mu_per_s: 100.0,
            alpha_per_tick_s: 20.0,
            delta_per_s: 0.2,
            sigma_lots: 1,
            window_ticks: 10,
            latency_s: 0.001,
            ..params(None)
        }
    }

    #[test]
    fn a_group_drawn_ahead_queues_exactly_the_orders_it_would_draw_in_the_step() {
        let step_ns = 50_000_000;
        let mut now = NoiseGroup::new(busy_params(), 7, BookId(0), stream(9, Purpose::Noise, 0, 0));
        let mut ahead =
            NoiseGroup::new(busy_params(), 7, BookId(0), stream(9, Purpose::Noise, 0, 0));
        let (mut a, mut b) = (Inbox::default(), Inbox::default());
        // 400 s at 500 events/s: 200,000 events, about 100 of the helper's batches
        for step in 1..=8_000u64 {
            now.send_drawn_now(step * step_ns, false, &mut a);
            assert!(ahead.send_drawn_ahead(step * step_ns, &mut b));
            assert_eq!(now.next_event_ns, ahead.next_event_ns, "step {step}");
            if step % 100 == 0 || step < 5 {
                assert_eq!(a.requests, b.requests, "step {step}");
                a.requests.clear();
                b.requests.clear();
            }
        }
        assert!(ahead.ahead.is_some());
    }

    #[test]
    fn dropping_a_group_drawn_ahead_stops_its_helper() {
        let mut g = NoiseGroup::new(busy_params(), 0, BookId(0), stream(3, Purpose::Noise, 0, 0));
        let mut inbox = Inbox::default();
        assert!(g.send_drawn_ahead(1_000_000_000, &mut inbox));
        assert!(!inbox.requests.is_empty());
        // the helper has filled its channel by now and waits; the drop wakes and joins it
        std::thread::sleep(std::time::Duration::from_millis(20));
        drop(g); // returns only once the helper has ended
    }

    #[test]
    fn only_large_plain_groups_are_drawn_ahead() {
        let scenario = |extra: &str, duration_s: f64| {
            // the benchmark day, shortened; its noise group sends 500 events/s
            let text = include_str!("../../../scenarios/large_market.toml").replace(
                "duration_s = 23400.0",
                &format!("duration_s = {duration_s:?}"),
            ) + extra;
            let s = Scenario::from_toml(
                &text,
                std::path::Path::new("t.toml"),
                &crate::scenario::Overrides::default(),
            )
            .expect("valid scenario");
            let world = crate::engine::build_world(&s);
            world.resource::<NoiseGroups>().0[0].draw_ahead
        };
        // 500 events/s: 40 s is 20,000 events
        assert!(scenario("", 40.0));
        assert!(!scenario("", 30.0), "too few events to be worth a thread");
        assert!(!scenario(
            "[noise.stand_back]\nvol_threshold_ticks_per_sqrt_s = 2.0\nlimit_rate_factor = 0.5\n\
             extra_offset_ticks = 2\n",
            100.0
        ));
        assert!(!scenario(
            "[[shocks]]\nkind = \"noise_liquidity\"\ngroup = \"zi\"\nstart_s = 10.0\nduration_s = 5.0\nfactor = 0.5\n",
            100.0
        ));
    }

    #[test]
    fn flow_splits_between_market_and_limit_orders_as_the_rates_say() {
        // μ = 1, 2αW = 8: a ninth of events are market orders
        let (market, limit, offsets) = draw_many(&params(None), false);
        let share = f64::from(market) / f64::from(market + limit);
        assert!((share - 1.0 / 9.0).abs() < 0.01, "market share {share}");
        assert!(offsets.iter().all(|o| (1..=4).contains(o)));
        for o in 1..=4 {
            assert!(offsets.contains(&o), "offset {o} never drawn");
        }
    }

    #[test]
    fn standing_back_sends_fewer_and_farther_limit_orders() {
        let sb = StandBackParams {
            vol_threshold_ticks_per_sqrt_s: 1.0,
            limit_rate_factor: 0.25,
            extra_offset_ticks: 3,
        };
        let p = params(Some(sb));
        let (_, calm, _) = draw_many(&p, false);
        let (_, nervous, offsets) = draw_many(&p, true);
        let ratio = f64::from(nervous) / f64::from(calm);
        assert!(
            (ratio - 0.25).abs() < 0.03,
            "limit orders kept while standing back: {ratio}"
        );
        assert!(offsets.iter().all(|o| (4..=7).contains(o)));
    }
}
