//! Dealers' option books: the options a maker holds, what they are worth, the client trades
//! that add to them and the expiries that settle them, and the accounting of their PnL.
//!
//! A maker of a group with `[[market_maker.options]]` or `[market_maker.client_flow]` carries
//! an [`OptionDesk`]. Its options are European, written on its own book's reference price,
//! and valued by Black–Scholes at a zero rate with the group's volatility source
//! ([`OptionVolSource`]): the configured implied volatility, or the maker's own realised
//! estimate as a fraction of the mid. Their delta adds to the maker's inventory in the net
//! delta it hedges; greeks are re-evaluated at every look.
//!
//! Option cash is kept apart from the account's (integer) cash, in ticks·lots as an `f64`:
//! premiums are Black–Scholes prices, not multiples of a tick. The desk's PnL is split into
//! three parts that add up to its option cash plus the live lines' value:
//! - **premium** — `Σ (F − P)·w` over trades: the price `P` paid (or received) against the
//!   fair value `F` at the valuation volatility at that moment, `w` the signed lots of the
//!   trade (`contracts × multiplier_lots`, positive when the maker buys). The opening lines
//!   are booked at `P = F`; a client who buys at implied + edge pays the edge;
//! - **revaluation** — `V − Σ F·w`: the live lines' value now against their fair values when
//!   they were traded (an expired line's fair value drops out of `V` and stays in the sum);
//! - **settlement** — the cash of expired lines, `Σ intrinsic·w`.

use super::state::MarketMaker;
use crate::models::black_scholes::{self, OptionKind};
use crate::models::option_book::{BookGreeks, OptionBook, OptionLine};
use crate::rng::{self, Purpose, below, exponential, uniform};
use crate::scenario::{
    ClientFlowParams, MarketMakerParams, OptionKindParam, OptionLineParams, OptionVolSource,
    secs_to_ns,
};
use crate::sim::components::Agent;
use crate::sim::resources::{BookId, Clock, MarketViews};
use bevy_ecs::prelude::*;
use rand_chacha::ChaCha8Rng;

/// Why an option position changed, as options.csv says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionEvent {
    /// A line held from the open.
    Open,
    /// A client trade.
    Client,
    /// An expiry: the line settles in cash and leaves the book.
    Expiry,
}

impl OptionEvent {
    /// The name written in options.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            OptionEvent::Open => "open",
            OptionEvent::Client => "client",
            OptionEvent::Expiry => "expiry",
        }
    }
}

/// One change of a dealer's option position, for options.csv.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionRecord {
    /// Time, ns.
    pub t_ns: u64,
    /// The maker.
    pub agent: u32,
    /// The book the option is written on.
    pub book: BookId,
    /// Why.
    pub event: OptionEvent,
    /// The series.
    pub kind: OptionKind,
    /// Strike, ticks.
    pub strike_ticks: i64,
    /// Expiry, ns.
    pub expiry_ns: u64,
    /// Contracts the maker acquired, signed (positive: bought; an expiry removes the line,
    /// so its contracts are the line's with the opposite sign).
    pub contracts: i64,
    /// Lots per contract.
    pub multiplier_lots: u64,
    /// Price per unit of the underlying, ticks (an expiry: the intrinsic value).
    pub price_ticks: f64,
    /// The maker's fair value per unit at that moment, ticks (an expiry: the intrinsic
    /// value).
    pub fair_ticks: f64,
    /// The volatility the price was computed with, per √s (`None` at an expiry).
    pub vol_per_sqrt_s: Option<f64>,
    /// The reference mid, ticks.
    pub mid_ticks: f64,
}

/// The current step's [`OptionRecord`]s, for options.csv (cleared at each step's desk run).
#[derive(Resource, Debug, Default)]
pub struct OptionLog(pub Vec<OptionRecord>);

/// A maker's options and their accounting. Units: ticks·lots for money (see the module
/// docs).
#[derive(Component, Debug, Clone)]
pub struct OptionDesk {
    /// The live lines.
    pub book: OptionBook,
    /// Where the valuation volatility comes from.
    pub vol_source: OptionVolSource,
    /// The group's implied volatility, per √s.
    pub implied_vol_per_sqrt_s: f64,
    /// Cash paid and received for options: −Σ P·w plus settlements.
    pub cash_tick_lots: f64,
    /// PnL part: Σ (F − P)·w.
    pub premium_tick_lots: f64,
    /// Σ F·w over every trade (the revaluation's base).
    pub traded_fair_tick_lots: f64,
    /// PnL part: cash of expired lines.
    pub settlement_tick_lots: f64,
    /// The earliest expiry among the live lines, ns (`u64::MAX`: none).
    pub next_expiry_ns: u64,
}

/// A desk's valuation at one moment: its greeks and its PnL parts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DeskValuation {
    /// Value and greeks of the live lines.
    pub greeks: BookGreeks,
    /// PnL part: premium against fair value, ticks·lots.
    pub premium_tick_lots: f64,
    /// PnL part: revaluation, ticks·lots.
    pub revaluation_tick_lots: f64,
    /// PnL part: settlement, ticks·lots.
    pub settlement_tick_lots: f64,
}

impl DeskValuation {
    /// The desk's PnL: option cash plus the live lines' value (the three parts' sum).
    pub fn pnl_tick_lots(&self) -> f64 {
        self.premium_tick_lots + self.revaluation_tick_lots + self.settlement_tick_lots
    }
}

impl OptionDesk {
    /// An empty desk valuing with `vol_source` (the implied volatility `implied`).
    pub fn new(vol_source: OptionVolSource, implied: f64) -> Self {
        OptionDesk {
            book: OptionBook::new(),
            vol_source,
            implied_vol_per_sqrt_s: implied,
            cash_tick_lots: 0.0,
            premium_tick_lots: 0.0,
            traded_fair_tick_lots: 0.0,
            settlement_tick_lots: 0.0,
            next_expiry_ns: u64::MAX,
        }
    }

    /// The valuation volatility per √s: the implied one, or the realised variance estimate
    /// `var_ticks2_per_s` (ticks² per second) as a fraction of `mid_ticks` (the implied one if
    /// the estimate or the mid is not positive).
    pub fn vol_per_sqrt_s(&self, var_ticks2_per_s: f64, mid_ticks: f64) -> f64 {
        match self.vol_source {
            OptionVolSource::Implied => self.implied_vol_per_sqrt_s,
            OptionVolSource::Realised => {
                let v = var_ticks2_per_s.sqrt() / mid_ticks;
                if v.is_finite() && v > 0.0 {
                    v
                } else {
                    self.implied_vol_per_sqrt_s
                }
            }
        }
    }

    /// Books a trade of `line` (its contracts signed from the maker's side) at `price_ticks`
    /// per unit, whose fair value is `fair_ticks` per unit.
    pub fn trade(&mut self, line: OptionLine, price_ticks: f64, fair_ticks: f64) {
        let w = line.weight_lots();
        self.cash_tick_lots -= price_ticks * w;
        self.premium_tick_lots += (fair_ticks - price_ticks) * w;
        self.traded_fair_tick_lots += fair_ticks * w;
        self.next_expiry_ns = self.next_expiry_ns.min(line.expiry_ns);
        self.book.add(line);
    }

    /// Settles every line expired by `now_ns` at `spot_ticks`, pushing one record per line to
    /// `log` (for `agent` on `book`), and returns the cash, ticks·lots.
    pub fn settle(
        &mut self,
        spot_ticks: f64,
        now_ns: u64,
        agent: u32,
        book: BookId,
        log: &mut Vec<OptionRecord>,
    ) -> f64 {
        if now_ns < self.next_expiry_ns {
            return 0.0;
        }
        for l in self.book.lines().iter().filter(|l| now_ns >= l.expiry_ns) {
            let intrinsic = black_scholes::intrinsic(l.kind, spot_ticks, l.strike_ticks as f64);
            log.push(OptionRecord {
                t_ns: now_ns,
                agent,
                book,
                event: OptionEvent::Expiry,
                kind: l.kind,
                strike_ticks: l.strike_ticks,
                expiry_ns: l.expiry_ns,
                contracts: -l.contracts,
                multiplier_lots: l.multiplier_lots,
                price_ticks: intrinsic,
                fair_ticks: intrinsic,
                vol_per_sqrt_s: None,
                mid_ticks: spot_ticks,
            });
        }
        let cash = self.book.settle_expired(spot_ticks, now_ns);
        self.cash_tick_lots += cash;
        self.settlement_tick_lots += cash;
        self.next_expiry_ns = self
            .book
            .lines()
            .iter()
            .map(|l| l.expiry_ns)
            .min()
            .unwrap_or(u64::MAX);
        cash
    }

    /// Greeks and PnL parts at `spot_ticks`, `now_ns` and volatility `vol` per √s.
    pub fn value(&self, spot_ticks: f64, now_ns: u64, vol: f64) -> DeskValuation {
        let greeks = self.book.exposure(spot_ticks, now_ns, vol);
        DeskValuation {
            greeks,
            premium_tick_lots: self.premium_tick_lots,
            revaluation_tick_lots: greeks.value - self.traded_fair_tick_lots,
            settlement_tick_lots: self.settlement_tick_lots,
        }
    }
}

/// The option kind a scenario names.
pub fn option_kind(k: OptionKindParam) -> OptionKind {
    match k {
        OptionKindParam::Call => OptionKind::Call,
        OptionKindParam::Put => OptionKind::Put,
    }
}

/// A maker group's client option flow, in the form the system uses.
#[derive(Debug, Clone)]
pub struct ClientFlow {
    /// The group's makers: agent id and entity, in id order.
    pub members: Vec<(u32, Entity)>,
    /// The series the clients trade: kind, strike in ticks, expiry in ns.
    pub series: Vec<(OptionKind, i64, u64)>,
    /// Client trades per second.
    pub rate_per_s: f64,
    /// Share of purchases.
    pub buy_share: f64,
    /// Contracts per trade.
    pub contracts: i64,
    /// Lots per contract.
    pub multiplier_lots: u64,
    /// Volatility edge per √s.
    pub edge_vol_per_sqrt_s: f64,
    /// Time of the next client trade, ns.
    pub next_ns: u64,
    /// The flow's own random stream.
    pub rng: ChaCha8Rng,
}

impl ClientFlow {
    /// The flow of group `group` (its makers `members`), from its parameters; `tick_size` is
    /// its book's.
    pub fn new(
        p: &ClientFlowParams,
        group: usize,
        members: Vec<(u32, Entity)>,
        tick_size: f64,
        seed: u64,
    ) -> Self {
        let mut series = Vec::new();
        for &k in &p.kinds {
            for &strike in &p.strikes {
                for &expiry in &p.expiries_s {
                    series.push((
                        option_kind(k),
                        (strike / tick_size).round() as i64,
                        secs_to_ns(expiry),
                    ));
                }
            }
        }
        let mut rng = rng::stream(seed, Purpose::ClientFlow, group as u32, 0);
        let first = secs_to_ns(exponential(&mut rng, p.rate_per_s));
        ClientFlow {
            members,
            series,
            rate_per_s: p.rate_per_s,
            buy_share: p.buy_share,
            contracts: p.contracts as i64,
            multiplier_lots: p.multiplier_lots,
            edge_vol_per_sqrt_s: p.edge_vol_per_sqrt_s,
            next_ns: first,
            rng,
        }
    }
}

/// Every group's client flow, and whether any maker holds options at all.
#[derive(Resource, Debug, Default)]
pub struct OptionDesks {
    /// The flows, in group order.
    pub flows: Vec<ClientFlow>,
    /// Whether any maker has a desk (if not, the desk system does nothing).
    pub active: bool,
}

/// The option lines of a validated `[[market_maker.options]]` table: one per strike (a
/// ladder's, or the one `strike`), each with the same contracts: the given ones, or those
/// whose gamma at the open (`open_ticks`, volatility `implied` per √s, the line's expiry)
/// makes the line's `gamma_lots_per_tick` (or `gamma_lots_per_pct` over 1 % of the open),
/// rounded to whole contracts, at least one (none at all for a target of 0).
pub fn option_lines(
    o: &OptionLineParams,
    tick_size: f64,
    open_ticks: f64,
    implied: f64,
) -> Vec<OptionLine> {
    let kind = option_kind(o.kind);
    let strikes: Vec<i64> = match (o.strike, &o.strike_ladder) {
        (Some(k), _) => vec![(k / tick_size).round() as i64],
        (None, Some(l)) => l
            .strikes(open_ticks * tick_size)
            .into_iter()
            .map(|k| (k / tick_size).round() as i64)
            .collect(),
        (None, None) => unreachable!("validated: a strike or a ladder"),
    };
    let expiry_s = o.expiry_s.expect("validated: expiry resolved to seconds");
    let target_gamma = o
        .gamma_lots_per_tick
        .or_else(|| o.gamma_lots_per_pct.map(|g| g / (0.01 * open_ticks)));
    let contracts = match (o.contracts, target_gamma) {
        (Some(c), _) => c,
        (None, Some(0.0)) => return Vec::new(),
        (None, Some(target)) => {
            let per_contract: f64 = strikes
                .iter()
                .map(|&k| {
                    black_scholes::greeks(kind, open_ticks, k as f64, expiry_s, implied).gamma
                        * o.multiplier_lots as f64
                })
                .sum();
            let n = if per_contract > 0.0 {
                (target.abs() / per_contract).round().max(1.0)
            } else {
                1.0
            };
            // at most 10⁹ contracts, the limit a contracts key has
            (n.min(1e9) as i64) * target.signum() as i64
        }
        (None, None) => unreachable!("validated: a size"),
    };
    strikes
        .into_iter()
        .map(|strike_ticks| OptionLine {
            kind,
            strike_ticks,
            expiry_ns: secs_to_ns(expiry_s),
            contracts,
            multiplier_lots: o.multiplier_lots,
        })
        .collect()
}

/// A desk for a maker of group `g` with its opening lines booked at fair value at time 0 on
/// `open_ticks`, logged to `log`; `None` if the group has no options and no client flow.
pub fn open_desk(
    g: &MarketMakerParams,
    tick_size: f64,
    open_ticks: f64,
    agent: u32,
    book: BookId,
    log: &mut Vec<OptionRecord>,
) -> Option<OptionDesk> {
    let implied = g.implied_vol_per_sqrt_s?;
    let mut desk = OptionDesk::new(g.option_vol.unwrap_or_default(), implied);
    for o in &g.options {
        for line in option_lines(o, tick_size, open_ticks, implied) {
            // Valued at the implied volatility: a realised estimate has no observation yet.
            let fair = black_scholes::price(
                line.kind,
                open_ticks,
                line.strike_ticks as f64,
                line.expiry_ns as f64 * 1e-9,
                implied,
            );
            desk.trade(line, fair, fair);
            log.push(OptionRecord {
                t_ns: 0,
                agent,
                book,
                event: OptionEvent::Open,
                kind: line.kind,
                strike_ticks: line.strike_ticks,
                expiry_ns: line.expiry_ns,
                contracts: line.contracts,
                multiplier_lots: line.multiplier_lots,
                price_ticks: fair,
                fair_ticks: fair,
                vol_per_sqrt_s: Some(implied),
                mid_ticks: open_ticks,
            });
        }
    }
    Some(desk)
}

/// Decide phase, before the makers look: expired lines settle at their book's reference
/// price, then the clients due in this step trade, each with one maker of its group, at the
/// mid that maker sees. A client trade at `t` is booked at `t` (within the step).
pub fn run_option_desks(
    clock: Res<Clock>,
    views: Res<MarketViews>,
    mut desks: ResMut<OptionDesks>,
    mut log: ResMut<OptionLog>,
    mut makers: Query<(
        &Agent,
        &crate::sim::components::AgentId,
        &MarketMaker,
        &mut OptionDesk,
    )>,
) {
    if clock.step > 0 {
        log.0.clear();
    }
    if !desks.active {
        return;
    }
    let now = clock.end_ns();
    for (agent, id, _, mut desk) in makers.iter_mut() {
        if now >= desk.next_expiry_ns {
            let spot = views.0[usize::from(agent.book.0)].ref_ticks;
            desk.settle(spot, now, id.0, agent.book, &mut log.0);
        }
    }
    for flow in desks.flows.iter_mut() {
        while flow.next_ns < now {
            let t = flow.next_ns;
            let gap = exponential(&mut flow.rng, flow.rate_per_s);
            flow.next_ns = t.saturating_add(secs_to_ns(gap).max(1));
            let pick = below(&mut flow.rng, flow.members.len() as u64) as usize;
            let series = below(&mut flow.rng, flow.series.len() as u64) as usize;
            let client_buys = uniform(&mut flow.rng) < flow.buy_share;
            let (kind, strike_ticks, expiry_ns) = flow.series[series];
            if expiry_ns <= t {
                continue;
            }
            let (agent_id, entity) = flow.members[pick];
            let Ok((agent, _, mm, mut desk)) = makers.get_mut(entity) else {
                continue;
            };
            let mid = views.0[usize::from(agent.book.0)].ref_ticks;
            let tau_s = (expiry_ns - t) as f64 * 1e-9;
            let fair_vol = desk.vol_per_sqrt_s(mm.vol.variance_per_s(), mid);
            let fair = black_scholes::price(kind, mid, strike_ticks as f64, tau_s, fair_vol);
            let implied = desk.implied_vol_per_sqrt_s;
            let vol = if client_buys {
                implied + flow.edge_vol_per_sqrt_s
            } else {
                implied - flow.edge_vol_per_sqrt_s
            };
            let price = black_scholes::price(kind, mid, strike_ticks as f64, tau_s, vol);
            let contracts = if client_buys {
                -flow.contracts
            } else {
                flow.contracts
            };
            let line = OptionLine {
                kind,
                strike_ticks,
                expiry_ns,
                contracts,
                multiplier_lots: flow.multiplier_lots,
            };
            desk.trade(line, price, fair);
            log.0.push(OptionRecord {
                t_ns: t,
                agent: agent_id,
                book: agent.book,
                event: OptionEvent::Client,
                kind,
                strike_ticks,
                expiry_ns,
                contracts,
                multiplier_lots: flow.multiplier_lots,
                price_ticks: price,
                fair_ticks: fair,
                vol_per_sqrt_s: Some(vol),
                mid_ticks: mid,
            });
        }
    }
}

#[cfg(test)]
mod tests;
