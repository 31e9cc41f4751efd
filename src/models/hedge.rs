//! A market maker's hedging: when to hedge and how much ([`decide_hedge`]), and how a hedge
//! is worked in the venue ([`next_step`]), as a desk would: at once with a market or IOC
//! order, passively at the touch with escalation, or sliced over a horizon.
//!
//! **The decision.** Net delta is in lots of the underlying: the maker's inventory summed over
//! its books plus its options' delta ([`net_delta_lots`]). When it leaves the band
//! `[−band, +band]` (and the last decision is at least `min_interval` old), the maker starts a
//! *parent* hedge of `round(hedge_ratio · (target − net))` lots. A maker works one parent at a
//! time: its net delta is looked at again once the parent is finished.
//!
//! **The execution.** A parent is worked in `slices` consecutive slices of equal length over
//! `horizon` (a market, IOC or passive hedge is one slice). Each slice aims at a cumulative
//! target: by its end, `round(W·(k+1)/n)` of the parent's `W` lots (clock schedule), or the
//! share `participation` of the venue's volume since the parent started (volume schedule,
//! never more than `W`). Within a slice one child order at a time works the lots still
//! missing from the target:
//! - a **market** child takes what the opposite side holds;
//! - an **IOC** child is an immediate-or-cancel limit at the current mid ± `max_slippage`
//!   (rounded inward to a tick): what does not trade at once is dropped;
//! - a **passive** child is a post-only limit at the touch: it joins the best price on its
//!   side, or improves it by a tick when `improve` is set and the spread is at least two ticks
//!   (it never crosses). At every look, a child left behind by the touch (a better price now
//!   on its side) is moved to the new touch by cancel/replace; at the slice's end its rest is
//!   *escalated*: replaced by an IOC child within `max_slippage` of the current mid.
//!
//! The parent is finished when all its lots are filled, or when its last slice has ended and
//! its last child is done; what was not filled is the parent's unfilled lots. Decisions happen
//! at the maker's looks, so a slice ends, a child is repriced and a parent is escalated at the
//! first look at or after the time due.
//!
//! Everything here is pure: the maker's system ([`crate::agents::market_maker`]) sends the
//! orders and tells the parent what became of them.

use crate::lob::Side;

/// How a child order takes or provides liquidity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildKind {
    /// A market order.
    Market,
    /// An immediate-or-cancel limit within the slippage of the mid.
    Ioc,
    /// A post-only limit at the touch, escalated to an IOC at its slice's end.
    Passive,
}

/// How a parent's cumulative target grows over its slices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Schedule {
    /// Equal shares of the parent per slice: `round(W·(k+1)/n)` by the end of slice `k`.
    Clock,
    /// A share of the venue's volume since the parent started (`participation` in (0, 1]),
    /// never more than the parent.
    Volume {
        /// Share of the venue's traded lots.
        participation: f64,
    },
}

/// How a parent hedge is worked: slices, schedule and child orders.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Slices (≥ 1).
    pub slices: u32,
    /// Length of the whole parent, ns (0: a single immediate child).
    pub horizon_ns: u64,
    /// The children's kind.
    pub child: ChildKind,
    /// The cumulative target.
    pub schedule: Schedule,
    /// IOC children (and escalations): the limit's distance from the mid, ticks.
    pub max_slippage_ticks: u32,
    /// Passive children improve the touch by a tick when the spread allows.
    pub improve: bool,
}

impl Plan {
    /// One market order at once.
    pub fn market() -> Self {
        Plan {
            slices: 1,
            horizon_ns: 0,
            child: ChildKind::Market,
            schedule: Schedule::Clock,
            max_slippage_ticks: 0,
            improve: false,
        }
    }

    /// One IOC at once, within `max_slippage_ticks` of the mid.
    pub fn ioc(max_slippage_ticks: u32) -> Self {
        Plan {
            child: ChildKind::Ioc,
            max_slippage_ticks,
            ..Plan::market()
        }
    }

    /// Passive at the touch for `max_wait_ns`, then the rest as an IOC within
    /// `max_slippage_ticks`.
    pub fn passive(max_wait_ns: u64, max_slippage_ticks: u32, improve: bool) -> Self {
        Plan {
            horizon_ns: max_wait_ns,
            child: ChildKind::Passive,
            max_slippage_ticks,
            improve,
            ..Plan::market()
        }
    }

    /// The end of slice `k` (0-based) of a parent started at `start_ns`, ns.
    fn slice_end_ns(&self, start_ns: u64, k: u32) -> u64 {
        let n = u128::from(self.slices.max(1));
        let part = u128::from(self.horizon_ns) * (u128::from(k) + 1) / n;
        start_ns.saturating_add(part as u64)
    }
}

/// The decision rule's settings, in the units the decision uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgeRule {
    /// Half-width of the no-hedge band, lots (≥ 0).
    pub band_lots: i64,
    /// Net delta to trade back to, lots (|target| ≤ band).
    pub target_lots: i64,
    /// Share of the distance to the target that a hedge trades, in (0, 1].
    pub ratio: f64,
    /// Shortest time between two hedge decisions, ns.
    pub min_interval_ns: u64,
    /// How a hedge is worked.
    pub plan: Plan,
}

/// What the maker knows when it decides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgeInputs {
    /// Net delta, lots of the underlying (positive: long).
    pub net_delta_lots: i64,
    /// Time of the decision, ns.
    pub now_ns: u64,
    /// Time of the last hedge decision, ns (`None`: never hedged).
    pub last_hedge_ns: Option<u64>,
}

/// Net delta in whole lots of the underlying: the inventory (summed over every book the
/// agent trades; each lot is one lot of the underlying) plus its options' delta, rounded to
/// the nearest lot (half away from zero). A delta beyond ±2⁶² lots saturates.
#[inline]
pub fn net_delta_lots(inventory_lots: i64, option_delta_lots: f64) -> i64 {
    const LIMIT: f64 = (1u64 << 62) as f64;
    let d = option_delta_lots.round();
    let d = if d.is_finite() {
        d.clamp(-LIMIT, LIMIT)
    } else {
        0.0
    };
    inventory_lots.saturating_add(d as i64)
}

/// The parent hedge to start now, as (side, lots), if any: none while |net delta| ≤ band,
/// none within `min_interval` of the last decision, else `round(ratio · (target − net))` lots
/// (half away from zero; none if that rounds to 0).
pub fn decide_hedge(rule: &HedgeRule, x: &HedgeInputs) -> Option<(Side, u64)> {
    if x.net_delta_lots.abs() <= rule.band_lots {
        return None;
    }
    if x.last_hedge_ns
        .is_some_and(|last| x.now_ns < last.saturating_add(rule.min_interval_ns))
    {
        return None;
    }
    let toward = rule.target_lots - x.net_delta_lots;
    let lots = (rule.ratio * toward.unsigned_abs() as f64).round() as u64;
    if lots == 0 {
        return None;
    }
    Some((if toward > 0 { Side::Buy } else { Side::Sell }, lots))
}

/// The hedge venue as the maker sees it at a look.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Touch {
    /// Best bid, ticks.
    pub best_bid: Option<i64>,
    /// Best ask, ticks.
    pub best_ask: Option<i64>,
    /// Reference mid, ticks.
    pub mid_ticks: f64,
    /// Lots traded in the venue since the open.
    pub volume_lots: u64,
}

/// The child order of a parent, as far as the parent knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Child {
    /// No child is working.
    #[default]
    None,
    /// A child (or its replacement) was sent and not yet answered.
    Pending,
    /// A passive child rests at this price, ticks.
    Resting(i64),
}

/// A parent hedge being worked: what it wants, what it got, where its schedule stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parent {
    /// Buy or sell.
    pub side: Side,
    /// Lots wanted (≥ 1).
    pub wanted_lots: u64,
    /// Lots filled so far.
    pub filled_lots: u64,
    /// Time of the decision, ns.
    pub start_ns: u64,
    /// The venue's volume at the decision, lots (the volume schedule counts from it).
    pub start_volume_lots: u64,
    /// Slices begun (0 before the first child).
    pub slices_begun: u32,
    /// Whether the current slice has sent its aggressive child (an IOC, a market order, or an
    /// escalation): no more children in it.
    pub slice_closed: bool,
    /// Its working child.
    pub child: Child,
}

impl Parent {
    /// A parent of `lots` on `side`, decided at `now_ns` when the venue had traded
    /// `volume_lots`.
    pub fn new(side: Side, lots: u64, now_ns: u64, volume_lots: u64) -> Self {
        Parent {
            side,
            wanted_lots: lots,
            filled_lots: 0,
            start_ns: now_ns,
            start_volume_lots: volume_lots,
            slices_begun: 0,
            slice_closed: false,
            child: Child::None,
        }
    }

    /// Lots still wanted.
    pub fn remaining_lots(&self) -> u64 {
        self.wanted_lots.saturating_sub(self.filled_lots)
    }

    /// Whether the parent is finished at `now_ns`: nothing working, and either every lot
    /// filled or the last slice over with its aggressive end sent (or nothing left to send).
    pub fn is_finished(&self, plan: &Plan, now_ns: u64) -> bool {
        self.child == Child::None
            && (self.remaining_lots() == 0
                || (self.slices_begun >= plan.slices
                    && self.slice_closed
                    && now_ns >= plan.slice_end_ns(self.start_ns, plan.slices - 1)))
    }
}

/// A child order to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// A market order of these lots.
    Market(u64),
    /// An IOC limit at `limit_ticks` for `lots`.
    Ioc {
        /// The limit, ticks.
        limit_ticks: i64,
        /// Lots.
        lots: u64,
    },
    /// A post-only limit at `price_ticks` for `lots`.
    Post {
        /// The price, ticks.
        price_ticks: i64,
        /// Lots.
        lots: u64,
    },
}

impl Order {
    /// Whether the order takes liquidity.
    pub fn is_aggressive(&self) -> bool {
        !matches!(self, Order::Post { .. })
    }
}

/// What to do with a parent at a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing now.
    Wait,
    /// Send a new child.
    Send(Order),
    /// Replace the resting child by this order (cancel/replace: never more than the child
    /// has left).
    Replace(Order),
    /// The parent is finished.
    Finish,
}

/// The IOC limit within `slip` ticks of `mid`: above it for a buy (rounded down to a tick),
/// below for a sell (rounded up), never below one tick.
pub fn ioc_limit_ticks(side: Side, mid_ticks: f64, slip: u32) -> i64 {
    let slip = f64::from(slip);
    let p = match side {
        Side::Buy => (mid_ticks + slip).floor(),
        Side::Sell => (mid_ticks - slip).ceil(),
    };
    (p as i64).max(1)
}

/// The passive price on `side`: the best price on that side (joined), one tick better when
/// `improve` and the spread is at least two ticks; never crossing the opposite best. With
/// its own side empty: one tick inside the opposite best, or beside the mid. At least one tick.
pub fn passive_price_ticks(side: Side, t: &Touch, improve: bool) -> i64 {
    let p = match side {
        Side::Buy => match (t.best_bid, t.best_ask) {
            (Some(b), Some(a)) if improve && a - b >= 2 => b + 1,
            (Some(b), Some(a)) => b.min(a - 1),
            (Some(b), None) => b + i64::from(improve),
            (None, Some(a)) => a - 1,
            (None, None) => t.mid_ticks.ceil() as i64 - 1,
        },
        Side::Sell => match (t.best_bid, t.best_ask) {
            (Some(b), Some(a)) if improve && a - b >= 2 => a - 1,
            (Some(b), Some(a)) => a.max(b + 1),
            (None, Some(a)) => a - i64::from(improve),
            (Some(b), None) => b + 1,
            (None, None) => t.mid_ticks.floor() as i64 + 1,
        },
    };
    p.max(1)
}

/// Whether a passive child resting at `price_ticks` has been left behind: a better price now
/// stands on its side.
fn left_behind(side: Side, price_ticks: i64, t: &Touch) -> bool {
    match side {
        Side::Buy => t.best_bid.is_some_and(|b| b > price_ticks),
        Side::Sell => t.best_ask.is_some_and(|a| a < price_ticks),
    }
}

/// The parent's cumulative target by the end of slice `k`, lots.
fn target_lots(plan: &Plan, p: &Parent, k: u32, t: &Touch) -> u64 {
    match plan.schedule {
        Schedule::Clock => {
            let n = u128::from(plan.slices.max(1));
            let w = u128::from(p.wanted_lots);
            // round(W·(k+1)/n), halves up
            ((2 * w * (u128::from(k) + 1) + n) / (2 * n)) as u64
        }
        Schedule::Volume { participation } => {
            let traded = t.volume_lots.saturating_sub(p.start_volume_lots);
            ((participation * traded as f64).round() as u64).min(p.wanted_lots)
        }
    }
}

/// What to do with parent `p` at a look at `now_ns`, seeing the venue `t`; advances the
/// parent's schedule (slices begun, slice closed). The caller sends the order of a
/// [`Step::Send`] or [`Step::Replace`], marks the child [`Child::Pending`], and keeps
/// [`Parent::filled_lots`] and [`Parent::child`] up to date as fills and answers come.
pub fn next_step(plan: &Plan, p: &mut Parent, t: &Touch, now_ns: u64) -> Step {
    if p.child == Child::Pending {
        return Step::Wait;
    }
    if p.remaining_lots() == 0 {
        return if p.child == Child::None {
            Step::Finish
        } else {
            Step::Wait
        };
    }
    if p.slices_begun == 0 {
        p.slices_begun = 1;
        while p.slices_begun < plan.slices
            && now_ns >= plan.slice_end_ns(p.start_ns, p.slices_begun - 1)
        {
            p.slices_begun += 1;
        }
        p.slice_closed = false;
    }
    let ioc = |p: &Parent, lots: u64| Order::Ioc {
        limit_ticks: ioc_limit_ticks(p.side, t.mid_ticks, plan.max_slippage_ticks),
        lots,
    };
    loop {
        let k = p.slices_begun - 1;
        let end_ns = plan.slice_end_ns(p.start_ns, k);
        let missing = target_lots(plan, p, k, t).saturating_sub(p.filled_lots);
        match p.child {
            Child::Pending => unreachable!("checked above"),
            Child::Resting(price) => {
                if now_ns >= end_ns {
                    p.slice_closed = true;
                    return Step::Replace(ioc(p, p.remaining_lots()));
                }
                if left_behind(p.side, price, t) {
                    let price_ticks = passive_price_ticks(p.side, t, plan.improve);
                    return Step::Replace(Order::Post {
                        price_ticks,
                        lots: p.remaining_lots(),
                    });
                }
                return Step::Wait;
            }
            Child::None => {
                if !p.slice_closed && missing > 0 {
                    match plan.child {
                        ChildKind::Market => {
                            p.slice_closed = true;
                            return Step::Send(Order::Market(missing));
                        }
                        ChildKind::Ioc => {
                            p.slice_closed = true;
                            return Step::Send(ioc(p, missing));
                        }
                        ChildKind::Passive if now_ns < end_ns => {
                            return Step::Send(Order::Post {
                                price_ticks: passive_price_ticks(p.side, t, plan.improve),
                                lots: missing,
                            });
                        }
                        ChildKind::Passive => {
                            p.slice_closed = true;
                            return Step::Send(ioc(p, missing));
                        }
                    }
                }
                if now_ns < end_ns {
                    return Step::Wait;
                }
                if p.slices_begun >= plan.slices {
                    p.slice_closed = true;
                    return Step::Finish;
                }
                // on to the slice under way now (a late look skips the slices already
                // over: the targets are cumulative, so nothing is lost)
                p.slices_begun += 1;
                while p.slices_begun < plan.slices
                    && now_ns >= plan.slice_end_ns(p.start_ns, p.slices_begun - 1)
                {
                    p.slices_begun += 1;
                }
                p.slice_closed = false;
            }
        }
    }
}

#[cfg(test)]
mod tests;
