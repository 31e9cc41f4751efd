//! Read-only queries the simulation calls every step. All are O(1) or O(levels visited).

use super::book::{Book, side_ix};
use super::ladder::NIL;
use super::types::{OrderId, OwnerId, Price, Qty, Side};

/// A resting order as seen from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderView {
    /// Its id.
    pub id: OrderId,
    /// Its owner.
    pub owner: OwnerId,
    /// Its side.
    pub side: Side,
    /// Its price in ticks.
    pub price: Price,
    /// Its remaining quantity in lots.
    pub qty: Qty,
    /// Its arrival sequence number in the book: the time-priority key (lower is earlier).
    pub seq: u64,
}

/// One price level of an L2 view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelView {
    /// Price in ticks.
    pub price: Price,
    /// Total resting lots at this price.
    pub qty: Qty,
    /// Number of resting orders at this price.
    pub orders: u32,
}

impl Book {
    /// The highest resting bid, if any.
    #[inline]
    pub fn best_bid(&self) -> Option<Price> {
        self.bid_opt().map(Price)
    }

    /// The lowest resting ask, if any.
    #[inline]
    pub fn best_ask(&self) -> Option<Price> {
        self.ask_opt().map(Price)
    }

    /// The best price on `side`.
    #[inline]
    pub fn best(&self, side: Side) -> Option<Price> {
        match side {
            Side::Buy => self.best_bid(),
            Side::Sell => self.best_ask(),
        }
    }

    /// Best ask minus best bid in ticks, when both sides have orders.
    #[inline]
    pub fn spread_ticks(&self) -> Option<i64> {
        Some(self.ask_opt()? - self.bid_opt()?)
    }

    /// Best bid plus best ask (twice the mid, so it stays an integer number of ticks).
    #[inline]
    pub fn mid_x2_ticks(&self) -> Option<i64> {
        Some(self.ask_opt()? + self.bid_opt()?)
    }

    /// The mid price in (possibly half) ticks, when both sides have orders.
    #[inline]
    pub fn mid_ticks(&self) -> Option<f64> {
        self.mid_x2_ticks().map(|m| m as f64 / 2.0)
    }

    /// Number of resting orders.
    #[inline]
    pub fn order_count(&self) -> usize {
        self.side_orders[0] + self.side_orders[1]
    }

    /// Number of resting orders on one side.
    #[inline]
    pub fn side_order_count(&self, side: Side) -> usize {
        self.side_orders[side_ix(side)]
    }

    /// Total resting lots on one side.
    #[inline]
    pub fn side_qty(&self, side: Side) -> Qty {
        Qty(self.side_qty[side_ix(side)])
    }

    /// Resting lots on `side` priced within `k_ticks` of `reference`: bids at prices in
    /// `[reference − k, reference]`, asks in `[reference, reference + k]`. This is the depth the
    /// collapse study measures. Cost: one step per non-empty level in the band.
    pub fn depth_within(&self, side: Side, reference: Price, k_ticks: u32) -> Qty {
        let k = i64::from(k_ticks);
        let mut total = 0u64;
        match side {
            Side::Buy => {
                let Some(best) = self.bid_opt() else {
                    return Qty(0);
                };
                let hi = reference.0.min(best);
                let lo = reference.0.saturating_sub(k);
                let Some(mut idx) = self.ladder.index(hi) else {
                    return Qty(0);
                };
                while let Some(i) = self.ladder.prev_at_or_below(idx) {
                    if self.ladder.price(i) < lo {
                        break;
                    }
                    total += self.ladder.level(i).qty;
                    if i == 0 {
                        break;
                    }
                    idx = i - 1;
                }
            }
            Side::Sell => {
                let Some(best) = self.ask_opt() else {
                    return Qty(0);
                };
                let lo = reference.0.max(best);
                let hi = reference.0.saturating_add(k);
                let Some(mut idx) = self.ladder.index(lo) else {
                    return Qty(0);
                };
                while let Some(i) = self.ladder.next_at_or_above(idx) {
                    if self.ladder.price(i) > hi {
                        break;
                    }
                    total += self.ladder.level(i).qty;
                    idx = i + 1;
                }
            }
        }
        Qty(total)
    }

    /// The non-empty levels of `side`, best first (an L2 view; `.take(n)` for n levels).
    pub fn levels(&self, side: Side) -> LevelIter<'_> {
        let next = self.best(side).map(|p| self.level_index(p.0));
        LevelIter {
            book: self,
            side,
            next,
        }
    }

    /// The level at `price`, if any orders rest there.
    pub fn level_at(&self, price: Price) -> Option<LevelView> {
        let li = self.ladder.index(price.0)?;
        let l = self.ladder.level(li);
        (l.count > 0).then_some(LevelView {
            price,
            qty: Qty(l.qty),
            orders: l.count,
        })
    }

    /// A resting order, if `id` names one.
    pub fn order(&self, id: OrderId) -> Option<OrderView> {
        let slot = self.slab.resolve(id)?;
        Some(self.view(slot))
    }

    /// The orders resting at `price`, in queue (time-priority) order.
    pub fn orders_at(&self, price: Price) -> impl Iterator<Item = OrderView> + '_ {
        let mut cur = self
            .ladder
            .index(price.0)
            .map_or(NIL, |li| self.ladder.level(li).head);
        std::iter::from_fn(move || {
            (cur != NIL).then(|| {
                let v = self.view(cur);
                cur = self.slab.get(cur).next;
                v
            })
        })
    }

    /// Approximate heap bytes held by the book (ladder and order slots).
    pub fn heap_bytes(&self) -> usize {
        self.ladder.heap_bytes() + self.slab.heap_bytes()
    }

    pub(crate) fn view(&self, slot: u32) -> OrderView {
        let s = self.slab.get(slot);
        OrderView {
            id: OrderId::new(slot, s.generation),
            owner: OwnerId(s.owner),
            side: s.side(),
            price: Price(s.price()),
            qty: Qty(s.qty),
            seq: self.slab.seq(slot),
        }
    }
}

/// Iterator over one side's non-empty levels, best first. See [`Book::levels`].
#[derive(Debug, Clone)]
pub struct LevelIter<'a> {
    book: &'a Book,
    side: Side,
    next: Option<usize>,
}

impl Iterator for LevelIter<'_> {
    type Item = LevelView;

    fn next(&mut self) -> Option<LevelView> {
        let idx = self.next?;
        let ladder = &self.book.ladder;
        self.next = match self.side {
            Side::Buy => idx.checked_sub(1).and_then(|i| ladder.prev_at_or_below(i)),
            Side::Sell => ladder.next_at_or_above(idx + 1),
        };
        let l = ladder.level(idx);
        Some(LevelView {
            price: Price(ladder.price(idx)),
            qty: Qty(l.qty),
            orders: l.count,
        })
    }
}
