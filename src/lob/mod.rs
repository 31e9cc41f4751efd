//! The limit order book: plain Rust, no ECS, no randomness, no I/O. Values in, values out.
//!
//! # Model
//! - **Units.** Prices are integer ticks ([`Price`]), quantities integer lots ([`Qty`]).
//! - **Priority.** Price first, then arrival: each order that comes to rest gets the next value
//!   of a book-wide sequence counter, and a level's queue is kept in that order. Timestamps play
//!   no part, so two orders "at the same time" never collide.
//! - **Requests.** Limit (GTC, IOC or post-only), market, cancel, modify; see [`Request`].
//!   A market order sweeps the opposite side best price first until it is filled or the side is
//!   empty; what is left is reported `unfilled`, never left hanging.
//! - **Modify.** A quantity reduction at the same price keeps the order's queue position. A
//!   price change or a quantity increase loses it: the order is taken out and handled as a new
//!   limit order with the same id (it may match at its new price; its remainder rests at the
//!   back of the queue).
//! - **Self-trade.** When an arriving order would trade with a resting order of the same owner,
//!   the [`SelfTradePolicy`] decides; the default cancels the resting order
//!   ([`Event::SelfTradeCancel`]) and goes on matching. Owners marked anonymous
//!   ([`Book::set_anonymous`]) are exempt: their orders trade with each other.
//! - **Outcomes.** Every request returns a [`Report`] or a [`LobError`] (a rejection leaves the
//!   book unchanged); fills and self-trade cancels are appended, in order, to a caller-owned
//!   `Vec<Event>` so the hot path allocates nothing.
//!
//! # Example
//! ```
//! use depthsim::lob::{Book, Event, OwnerId, Price, Qty, Side, TimeInForce};
//!
//! let mut book = Book::default();
//! let mut events = Vec::new();
//! let (maker, taker) = (OwnerId(1), OwnerId(2));
//! book.limit(maker, Side::Sell, Price(10_001), Qty(5), TimeInForce::Gtc, &mut events).unwrap();
//! book.limit(maker, Side::Buy, Price(9_999), Qty(5), TimeInForce::Gtc, &mut events).unwrap();
//! assert_eq!(book.spread_ticks(), Some(2));
//!
//! // A market buy of 8 lots takes the 5 offered and reports 3 unfilled.
//! let report = book.market(taker, Side::Buy, Qty(8), &mut events).unwrap();
//! assert_eq!((report.filled, report.unfilled), (Qty(5), Qty(3)));
//! let Event::Fill(fill) = events[0] else { panic!("expected a fill") };
//! assert_eq!((fill.price, fill.qty, fill.maker_owner), (Price(10_001), Qty(5), maker));
//! assert_eq!(book.best_ask(), None);
//! ```
//!
//! # Layout
//! - A dense *ladder*: one level per tick over a window of prices that grows by doubling (and
//!   drops empty far levels when it reaches [`BookConfig::max_span_ticks`]). A level holds a
//!   FIFO list of orders, linked through their slots, with its cached count and quantity.
//! - A bitset of non-empty levels: after a level empties, the next best price is found 64 ticks
//!   per machine word.
//! - Order *slots* in one vector with a free list: memory follows the number of live orders,
//!   not the number ever placed. An [`OrderId`] is a slot index plus the slot's generation, so
//!   lookups are an index and a compare, and stale ids are rejected.
//!
//! # Complexity
//! Add at an existing or new level: O(1). Cancel: O(1), plus a bitset scan when it empties the
//! best level. A match: O(levels crossed + orders filled). Best bid/ask, spread, mid: O(1).
//! Depth within k ticks: O(non-empty levels in the band). L2 of n levels: O(n) plus gaps.
//!
//! # Invariants
//! [`Book::check_invariants`] verifies all of them; the property tests call it after every
//! operation of long random sequences and compare every result with a naive reference book.

mod book;
mod invariants;
mod ladder;
mod queries;
mod request;
mod slab;
mod types;

pub use book::{Book, BookConfig, SelfTradePolicy};
pub use queries::{LevelIter, LevelView, OrderView};
pub use request::{Cancelled, Event, Fill, LobError, Report, Request, TimeInForce};
pub use types::{OrderId, OwnerId, Price, Qty, Side};
