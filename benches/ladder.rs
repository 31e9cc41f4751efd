//! depthsim's [`Book`] against a fixed-range price-ladder book ([`ladder_ref::LadderBook`]) on
//! two pre-generated, seeded streams of 10⁶ operations each:
//!
//! - `mixed`: 60 % GTC limit orders priced from 5 ticks through the same-side touch to 45
//!   ticks behind it, 10 % market orders, 30 % cancels of recently rested orders, starting from
//!   a book of 10,000 orders 1..=50 ticks either side of the reference price (the stream of
//!   `benches/lob.rs`, longer).
//! - `sparse`: the shape of a depth collapse. 90 % of the limit orders rest far from the
//!   reference price (300..=3000 ticks away), 10 % near it (0..=4 ticks); market orders (up to
//!   20 lots) sweep the thin touch, so that the next best price is often hundreds of empty
//!   ticks away. Prices are fixed offsets from the reference price (not from the touch), so the
//!   stream stays inside the ladder's range. Starts from 10,000 orders drawn the same way.
//!
//! Before anything is timed, each stream is replayed on both books in lockstep and every
//! report and every event (fills with maker and taker ids and owners, prices, quantities;
//! self-trade cancels) must be identical.
//!
//! Each timed iteration replays the whole stream on a fresh clone of the pre-filled state
//! (cloned outside the timing). Throughput is in operations; ns per operation is the time per
//! iteration divided by 10⁶.
//!
//! Run: `cargo bench --bench ladder -- --warm-up-time 1 --measurement-time 3`.
//!
//! Instruction counts: with `LADDER_ONLY=<book|ladder>:<mixed|sparse>` set, the binary builds
//! that stream and replays it once on that book, without criterion, e.g.
//! `LADDER_ONLY=book:mixed valgrind --tool=callgrind --toggle-collect='*run_ops*'
//! target/release/deps/ladder-<hash>`; the instructions of `run_ops` divided by 10⁶ are the
//! instructions per operation.

#[allow(dead_code)]
mod ladder_ref;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput};
use depthsim::lob::{
    Book, BookConfig, Cancelled, Event, LobError, OrderId, OwnerId, Price, Qty, Report, Side,
    TimeInForce,
};
use ladder_ref::LadderBook;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The reference price: books are pre-filled around it.
const REF_PRICE: i64 = 100_000;
/// The ladder book's fixed range: `REF_PRICE ± LADDER_HALF` ticks.
const LADDER_HALF: i64 = 1 << 15;
/// Distinct owners (some self-trades happen; the default policy handles them).
const OWNERS: u32 = 16;
/// Number of recently rested orders that cancels pick from.
const RING: usize = 1_000;
/// Operations per stream.
const OPS: usize = 1_000_000;
/// Orders in the book before the stream starts.
const PREFILL: usize = 10_000;

/// One pre-drawn operation.
#[derive(Clone, Copy)]
enum Op {
    /// A GTC limit order `offset - 5` ticks behind the same-side touch.
    LimitTouch {
        side: Side,
        owner: OwnerId,
        offset: u8,
        qty: u8,
    },
    /// A GTC limit order at `REF_PRICE + delta`.
    LimitAt {
        side: Side,
        owner: OwnerId,
        delta: i32,
        qty: u8,
    },
    /// A market order.
    Market { side: Side, owner: OwnerId, qty: u8 },
    /// Cancel the entry `pick` of the recent-ids ring.
    Cancel { pick: u16 },
}

/// The operations both books offer to the driver.
trait BenchBook: Clone {
    fn limit(
        &mut self,
        owner: OwnerId,
        side: Side,
        price: Price,
        qty: Qty,
        events: &mut Vec<Event>,
    ) -> Result<Report, LobError>;
    fn market(
        &mut self,
        owner: OwnerId,
        side: Side,
        qty: Qty,
        events: &mut Vec<Event>,
    ) -> Result<Report, LobError>;
    fn cancel(&mut self, owner: OwnerId, id: OrderId) -> Result<Cancelled, LobError>;
    fn best_bid(&self) -> Option<Price>;
    fn best_ask(&self) -> Option<Price>;
    fn order_count(&self) -> usize;
}

/// Implements [`BenchBook`] for a book whose methods have the trait's names and arguments,
/// `limit` apart: `$limit` calls it (depthsim's book also takes a time in force).
macro_rules! bench_book {
    ($book:ident, |$b:ident, $owner:ident, $side:ident, $price:ident, $qty:ident, $events:ident| $limit:expr) => {
        impl BenchBook for $book {
            #[inline]
            fn limit(
                &mut self,
                $owner: OwnerId,
                $side: Side,
                $price: Price,
                $qty: Qty,
                $events: &mut Vec<Event>,
            ) -> Result<Report, LobError> {
                let $b = self;
                $limit
            }
            #[inline]
            fn market(
                &mut self,
                owner: OwnerId,
                side: Side,
                qty: Qty,
                events: &mut Vec<Event>,
            ) -> Result<Report, LobError> {
                $book::market(self, owner, side, qty, events)
            }
            #[inline]
            fn cancel(&mut self, owner: OwnerId, id: OrderId) -> Result<Cancelled, LobError> {
                $book::cancel(self, owner, id)
            }
            #[inline]
            fn best_bid(&self) -> Option<Price> {
                $book::best_bid(self)
            }
            #[inline]
            fn best_ask(&self) -> Option<Price> {
                $book::best_ask(self)
            }
            fn order_count(&self) -> usize {
                $book::order_count(self)
            }
        }
    };
}

bench_book!(Book, |b, owner, side, price, qty, events| {
    b.limit(owner, side, price, qty, TimeInForce::Gtc, events)
});
bench_book!(LadderBook, |b, owner, side, price, qty, events| {
    b.limit(owner, side, price, qty, events)
});

fn random_side(rng: &mut ChaCha8Rng) -> Side {
    if rng.random_bool(0.5) {
        Side::Buy
    } else {
        Side::Sell
    }
}

/// The mixed stream: 60 % limits around the touch, 10 % markets, 30 % cancels.
fn gen_mixed(rng: &mut ChaCha8Rng, n: usize) -> Vec<Op> {
    (0..n)
        .map(|_| {
            let roll = rng.random_range(0..100u32);
            if roll < 60 {
                Op::LimitTouch {
                    side: random_side(rng),
                    owner: OwnerId(rng.random_range(0..OWNERS)),
                    offset: rng.random_range(0..=50u8),
                    qty: rng.random_range(1..=10u8),
                }
            } else if roll < 70 {
                Op::Market {
                    side: random_side(rng),
                    owner: OwnerId(rng.random_range(0..OWNERS)),
                    qty: rng.random_range(1..=10u8),
                }
            } else {
                Op::Cancel {
                    pick: rng.random_range(0..RING as u16),
                }
            }
        })
        .collect()
}

/// A sparse-stream limit order: 90 % far (300..=3000 ticks), 10 % near (0..=4 ticks).
fn sparse_limit(rng: &mut ChaCha8Rng) -> Op {
    let side = random_side(rng);
    let dist = if rng.random_range(0..10u32) == 0 {
        rng.random_range(0..=4i32)
    } else {
        rng.random_range(300..=3000i32)
    };
    Op::LimitAt {
        side,
        owner: OwnerId(rng.random_range(0..OWNERS)),
        delta: match side {
            Side::Buy => -dist,
            Side::Sell => dist,
        },
        qty: rng.random_range(1..=10u8),
    }
}

/// The sparse stream: 62 % limits (mostly far), 8 % markets of up to 20 lots, 30 % cancels.
fn gen_sparse(rng: &mut ChaCha8Rng, n: usize) -> Vec<Op> {
    (0..n)
        .map(|_| {
            let roll = rng.random_range(0..100u32);
            if roll < 62 {
                sparse_limit(rng)
            } else if roll < 70 {
                Op::Market {
                    side: random_side(rng),
                    owner: OwnerId(rng.random_range(0..OWNERS)),
                    qty: rng.random_range(1..=20u8),
                }
            } else {
                Op::Cancel {
                    pick: rng.random_range(0..RING as u16),
                }
            }
        })
        .collect()
}

/// The state one timed iteration runs on.
#[derive(Clone)]
struct State<B> {
    book: B,
    /// Ids (and owners) of the last `RING` orders that came to rest, written cyclically.
    ring: Vec<(OrderId, OwnerId)>,
    ring_pos: usize,
    events: Vec<Event>,
}

/// The same-side touch, or one tick inside the other side's touch, or `REF_PRICE`.
#[inline]
fn touch<B: BenchBook>(book: &B, side: Side) -> i64 {
    match side {
        Side::Buy => book
            .best_bid()
            .or_else(|| book.best_ask().map(|a| Price(a.0 - 1)))
            .map_or(REF_PRICE, |p| p.0),
        Side::Sell => book
            .best_ask()
            .or_else(|| book.best_bid().map(|b| Price(b.0 + 1)))
            .map_or(REF_PRICE, |p| p.0),
    }
}

/// Applies one operation; returns a checksum of its outcome (events excluded).
#[inline(always)]
fn step<B: BenchBook>(st: &mut State<B>, op: &Op) -> u64 {
    st.events.clear();
    let (side, owner, price, qty) = match *op {
        Op::LimitTouch {
            side,
            owner,
            offset,
            qty,
        } => {
            let t = touch(&st.book, side);
            let off = i64::from(offset) - 5;
            let price = match side {
                Side::Buy => t - off,
                Side::Sell => t + off,
            };
            (side, owner, price, qty)
        }
        Op::LimitAt {
            side,
            owner,
            delta,
            qty,
        } => (side, owner, REF_PRICE + i64::from(delta), qty),
        Op::Market { side, owner, qty } => {
            return match st
                .book
                .market(owner, side, Qty(u64::from(qty)), &mut st.events)
            {
                Ok(r) => r.filled.0 + (r.id.0 << 8),
                Err(_) => u64::MAX,
            };
        }
        Op::Cancel { pick } => {
            let (id, owner) = st.ring[usize::from(pick)];
            return match st.book.cancel(owner, id) {
                Ok(c) => c.qty.0 + ((c.price.0 as u64) << 8),
                Err(_) => u64::MAX - 1,
            };
        }
    };
    match st.book.limit(
        owner,
        side,
        Price(price),
        Qty(u64::from(qty)),
        &mut st.events,
    ) {
        Ok(r) => {
            if r.rested.0 > 0 {
                st.ring[st.ring_pos] = (r.id, owner);
                st.ring_pos += 1;
                if st.ring_pos == RING {
                    st.ring_pos = 0;
                }
            }
            r.filled.0 + (r.rested.0 << 8) + (r.id.0 << 16)
        }
        Err(_) => u64::MAX - 2,
    }
}

/// Replays `ops` on `st`; returns a checksum so that nothing is optimised away.
#[inline(never)]
fn run_ops<B: BenchBook>(st: &mut State<B>, ops: &[Op]) -> u64 {
    let mut sum = 0u64;
    for op in ops {
        sum = sum.wrapping_add(step(st, op));
        sum = sum.wrapping_add(st.events.len() as u64);
    }
    sum
}

/// A state whose book holds the orders of `ops` (all limits that rest without crossing), with
/// the ring holding the last ones placed.
fn prefilled<B: BenchBook>(book: B, ops: &[Op]) -> State<B> {
    let mut st = State {
        book,
        ring: vec![(OrderId(u64::MAX), OwnerId(0)); RING],
        ring_pos: 0,
        events: Vec::with_capacity(64),
    };
    for op in ops {
        step(&mut st, op);
        assert!(st.events.is_empty(), "pre-fill orders never cross");
    }
    assert_eq!(st.book.order_count(), ops.len());
    st
}

/// The pre-fill of the mixed stream: orders 1..=50 ticks either side of `REF_PRICE`.
fn mixed_prefill(rng: &mut ChaCha8Rng) -> Vec<Op> {
    (0..PREFILL)
        .map(|_| {
            let side = random_side(rng);
            let dist = rng.random_range(1..=50i32);
            Op::LimitAt {
                side,
                owner: OwnerId(rng.random_range(0..OWNERS)),
                delta: match side {
                    Side::Buy => -dist,
                    Side::Sell => dist,
                },
                qty: rng.random_range(1..=10u8),
            }
        })
        .collect()
}

/// The pre-fill of the sparse stream: sparse limits, made non-crossing (near ones 1..=4 ticks
/// away).
fn sparse_prefill(rng: &mut ChaCha8Rng) -> Vec<Op> {
    (0..PREFILL)
        .map(|_| match sparse_limit(rng) {
            Op::LimitAt {
                side,
                owner,
                delta: 0,
                qty,
            } => Op::LimitAt {
                side,
                owner,
                delta: match side {
                    Side::Buy => -1,
                    Side::Sell => 1,
                },
                qty,
            },
            op => op,
        })
        .collect()
}

/// A named stream: its pre-fill and its operations.
struct Stream {
    name: &'static str,
    prefill: Vec<Op>,
    ops: Vec<Op>,
}

fn streams() -> Vec<Stream> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x1add_e500);
    let mixed = Stream {
        name: "mixed",
        prefill: mixed_prefill(&mut rng),
        ops: gen_mixed(&mut rng, OPS),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(0x5ba5_5e00);
    let sparse = Stream {
        name: "sparse",
        prefill: sparse_prefill(&mut rng),
        ops: gen_sparse(&mut rng, OPS),
    };
    vec![mixed, sparse]
}

fn new_book() -> Book {
    Book::new(BookConfig::default())
}

fn new_ladder() -> LadderBook {
    LadderBook::new(REF_PRICE - LADDER_HALF, 2 * LADDER_HALF as usize)
}

/// Replays the stream on both books in lockstep and panics at the first difference in any
/// report or event. Returns the lowest and highest best prices seen and the final order count.
fn check_identical(s: &Stream) -> (i64, i64, usize) {
    let mut a = prefilled(new_book(), &s.prefill);
    let mut b = prefilled(new_ladder(), &s.prefill);
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    let mut events = 0usize;
    for (i, op) in s.ops.iter().enumerate() {
        let ra = step(&mut a, op);
        let rb = step(&mut b, op);
        assert_eq!(ra, rb, "{}: outcome of op {i} differs", s.name);
        assert_eq!(a.events, b.events, "{}: events of op {i} differ", s.name);
        assert!(ra != u64::MAX - 2, "{}: op {i} rejected", s.name);
        assert_eq!(a.book.best_bid(), b.book.best_bid());
        assert_eq!(a.book.best_ask(), b.book.best_ask());
        events += a.events.len();
        for p in [a.book.best_bid(), a.book.best_ask()].into_iter().flatten() {
            lo = lo.min(p.0);
            hi = hi.max(p.0);
        }
    }
    assert_eq!(a.book.order_count(), b.book.order_count());
    eprintln!(
        "{}: identical on {} ops ({events} events); best prices within [{lo}, {hi}]; {} orders at the end",
        s.name,
        s.ops.len(),
        a.book.order_count()
    );
    (lo, hi, a.book.order_count())
}

fn bench_stream(c: &mut Criterion, s: &Stream) {
    check_identical(s);
    let mut group = c.benchmark_group(format!("ladder_{}", s.name));
    group.throughput(Throughput::Elements(s.ops.len() as u64));
    group.sample_size(10);
    let base = prefilled(new_book(), &s.prefill);
    group.bench_function("book", |b| {
        b.iter_batched(
            || base.clone(),
            |mut st| {
                black_box(run_ops(&mut st, &s.ops));
                st
            },
            BatchSize::PerIteration,
        );
    });
    let base = prefilled(new_ladder(), &s.prefill);
    group.bench_function("ladder", |b| {
        b.iter_batched(
            || base.clone(),
            |mut st| {
                black_box(run_ops(&mut st, &s.ops));
                st
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

/// Replays one stream once on one book (for instruction counts under callgrind).
fn run_only(spec: &str) {
    let (which, name) = spec
        .split_once(':')
        .expect("LADDER_ONLY=<book|ladder>:<mixed|sparse>");
    let s = streams()
        .into_iter()
        .find(|s| s.name == name)
        .expect("stream is mixed or sparse");
    let sum = match which {
        "book" => run_ops(&mut prefilled(new_book(), &s.prefill), &s.ops),
        "ladder" => run_ops(&mut prefilled(new_ladder(), &s.prefill), &s.ops),
        "check" => check_identical(&s).2 as u64,
        _ => panic!("book, ladder or check"),
    };
    println!("{spec}: checksum {sum}");
}

fn main() {
    if let Ok(spec) = std::env::var("LADDER_ONLY") {
        run_only(&spec);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    for s in streams() {
        bench_stream(&mut c, &s);
    }
    c.final_summary();
}
