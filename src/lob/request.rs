//! What goes into the book (requests) and what comes out (reports, events, errors).

use super::types::{OrderId, OwnerId, Price, Qty, Side};
use thiserror::Error;

/// How long a limit order may live, and whether it may take liquidity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeInForce {
    /// Good till cancelled: match what crosses, rest the remainder.
    Gtc,
    /// Immediate or cancel: match what crosses, drop the remainder (reported as unfilled).
    Ioc,
    /// Post only: rest in full, or be rejected with [`LobError::WouldCross`] if any of it would
    /// match on arrival. Never takes liquidity.
    PostOnly,
}

/// One instruction to the book. [`Book::submit`](super::Book::submit) dispatches on it; the
/// typed methods ([`Book::limit`](super::Book::limit) and friends) do the same work directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// A limit order.
    Limit {
        /// Who sends it.
        owner: OwnerId,
        /// Buy or sell.
        side: Side,
        /// Limit price in ticks.
        price: Price,
        /// Quantity in lots, > 0.
        qty: Qty,
        /// Lifetime and liquidity rule.
        tif: TimeInForce,
    },
    /// A market order: sweeps the opposite side until filled or the side is empty.
    Market {
        /// Who sends it.
        owner: OwnerId,
        /// Buy or sell.
        side: Side,
        /// Quantity in lots, > 0.
        qty: Qty,
    },
    /// Cancel a resting order.
    Cancel {
        /// Who asks (must own the order).
        owner: OwnerId,
        /// The order.
        id: OrderId,
    },
    /// Change a resting order's price and/or remaining quantity (see the module docs for
    /// which changes keep queue priority).
    Modify {
        /// Who asks (must own the order).
        owner: OwnerId,
        /// The order.
        id: OrderId,
        /// New limit price in ticks.
        price: Price,
        /// New remaining quantity in lots, > 0.
        qty: Qty,
    },
}

/// What became of an accepted limit, market or modify request. Every lot of the request's
/// quantity is accounted for: `filled + rested + unfilled` equals it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// The order's id (also the taker id in its fills). Valid for lookups while `rested > 0`.
    pub id: OrderId,
    /// Lots matched on arrival.
    pub filled: Qty,
    /// Lots left resting in the book.
    pub rested: Qty,
    /// Lots neither matched nor resting: a market or IOC remainder, or a remainder dropped by
    /// the self-trade policy `CancelIncoming`.
    pub unfilled: Qty,
}

/// A resting order removed by a cancel request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled {
    /// The order.
    pub id: OrderId,
    /// Its owner.
    pub owner: OwnerId,
    /// Its side.
    pub side: Side,
    /// Its price in ticks.
    pub price: Price,
    /// The quantity that was still resting, in lots.
    pub qty: Qty,
}

/// One trade between a resting (maker) and an arriving (taker) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill {
    /// The resting order.
    pub maker_id: OrderId,
    /// Its owner.
    pub maker_owner: OwnerId,
    /// The arriving order.
    pub taker_id: OrderId,
    /// Its owner.
    pub taker_owner: OwnerId,
    /// Trade price in ticks: always the maker's price.
    pub price: Price,
    /// Traded lots.
    pub qty: Qty,
    /// The taker's side (a `Buy` aggressor lifts the offer).
    pub aggressor: Side,
    /// True when this fill finished the maker order (it left the book).
    pub maker_done: bool,
}

/// Something that happened while a request was processed, in the order it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A trade.
    Fill(Fill),
    /// A resting order removed by the self-trade policy `CancelResting`, because its own owner's
    /// arriving order would have traded with it.
    SelfTradeCancel(Cancelled),
}

/// Why a request was rejected. A rejected request leaves the book unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LobError {
    /// Orders and modifications must carry at least one lot.
    #[error("quantity must be at least one lot")]
    ZeroQuantity,
    /// No live order has this id (never existed, filled or cancelled).
    #[error("no resting order with id {0}")]
    UnknownOrder(OrderId),
    /// The order belongs to another owner.
    #[error("order {id} is not owned by agent {owner:?}")]
    NotOwner {
        /// The order.
        id: OrderId,
        /// Who asked.
        owner: OwnerId,
    },
    /// The price lies outside the span of price levels the book may hold at once
    /// (see [`BookConfig::max_span_ticks`](super::BookConfig::max_span_ticks)), or a resting
    /// price is not within ±2⁶² ticks (so that mid and spread cannot overflow).
    #[error(
        "price {price:?} is outside the book's price span (at most {max_span_ticks} ticks around resting orders)"
    )]
    PriceOutOfRange {
        /// The offending price.
        price: Price,
        /// The configured span.
        max_span_ticks: usize,
    },
    /// A post-only order would have matched on arrival.
    #[error("post-only order at {price:?} would cross the book")]
    WouldCross {
        /// Its price.
        price: Price,
    },
}
