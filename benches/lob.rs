//! Order-book throughput benchmarks.
//!
//! - `lob_mixed/{1k,10k,100k}`: a seeded mixed stream of requests (60 % GTC limit orders priced
//!   from 5 ticks through the same-side touch to 45 ticks behind it, 10 % market orders, 30 %
//!   cancels of recently rested orders) against a book pre-populated with that many resting
//!   orders. Reported as operations per second.
//! - `lob_depth_within/{size}/k={5,20,100}`: one `depth_within` query on the bid side around the
//!   mid of a pre-populated book.
//!
//! All random draws are made in setup; the timed loop only resolves prices relative to the
//! current touch and keeps a ring of recent ids to cancel. Each timed iteration starts from a
//! fresh clone of the same pre-populated book (cloned outside the timing), so every iteration
//! replays exactly the same operations on exactly the same state.
//!
//! Run: `cargo bench --bench lob -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use depthsim::lob::{Book, BookConfig, Event, OrderId, OwnerId, Price, Qty, Side, TimeInForce};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The price around which books are pre-populated, and the fallback touch of an empty book.
const REF_PRICE: i64 = 100_000;
/// Distinct owners sending orders (some self-trades happen; the default policy handles them).
const OWNERS: u32 = 16;
/// Number of recently rested orders that cancels pick from.
const RING: usize = 1_000;
/// Operations replayed per timed iteration of the mixed stream.
const OPS_PER_ITER: usize = 20_000;
/// Starting book sizes (resting orders).
const BOOK_SIZES: [(usize, &str); 3] = [(1_000, "1k"), (10_000, "10k"), (100_000, "100k")];
/// Ticks of the `depth_within` band.
const DEPTH_KS: [u32; 3] = [5, 20, 100];

/// One pre-drawn operation of the mixed stream.
#[derive(Clone, Copy)]
enum Op {
    /// A GTC limit order `offset` ticks behind (same-side touch + 5).
    Limit {
        side: Side,
        owner: OwnerId,
        offset: u8,
        qty: Qty,
    },
    /// A market order.
    Market {
        side: Side,
        owner: OwnerId,
        qty: Qty,
    },
    /// Cancel the entry `pick` of the recent-ids ring.
    Cancel { pick: u16 },
}

fn random_side(rng: &mut ChaCha8Rng) -> Side {
    if rng.random_bool(0.5) {
        Side::Buy
    } else {
        Side::Sell
    }
}

/// The mixed stream: 60 % limits, 10 % markets, 30 % cancels.
fn gen_ops(rng: &mut ChaCha8Rng, n: usize) -> Vec<Op> {
    (0..n)
        .map(|_| {
            let roll = rng.random_range(0..100u32);
            if roll < 60 {
                Op::Limit {
                    side: random_side(rng),
                    owner: OwnerId(rng.random_range(0..OWNERS)),
                    offset: rng.random_range(0..=50u8),
                    qty: Qty(rng.random_range(1..=10u64)),
                }
            } else if roll < 70 {
                Op::Market {
                    side: random_side(rng),
                    owner: OwnerId(rng.random_range(0..OWNERS)),
                    qty: Qty(rng.random_range(1..=10u64)),
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
struct State {
    book: Book,
    /// Ids (and owners) of the last `RING` orders that came to rest, written cyclically.
    ring: Vec<(OrderId, OwnerId)>,
    ring_pos: usize,
    events: Vec<Event>,
}

/// A book with `n` resting orders, 1..=50 ticks either side of `REF_PRICE` (random side, size
/// and owner), and the ring filled with the last ones placed.
fn populated(rng: &mut ChaCha8Rng, n: usize) -> State {
    let mut book = Book::new(BookConfig::default());
    let mut events = Vec::with_capacity(64);
    let mut ring = Vec::with_capacity(RING);
    let mut ring_pos = 0;
    for _ in 0..n {
        let side = random_side(rng);
        let dist = rng.random_range(1..=50i64);
        let price = match side {
            Side::Buy => REF_PRICE - dist,
            Side::Sell => REF_PRICE + dist,
        };
        let owner = OwnerId(rng.random_range(0..OWNERS));
        let qty = Qty(rng.random_range(1..=10u64));
        events.clear();
        let r = book
            .limit(
                owner,
                side,
                Price(price),
                qty,
                TimeInForce::Gtc,
                &mut events,
            )
            .expect("pre-population order accepted");
        assert_eq!(r.rested, qty, "pre-population never crosses");
        if ring.len() < RING {
            ring.push((r.id, owner));
        } else {
            ring[ring_pos] = (r.id, owner);
        }
        ring_pos = (ring_pos + 1) % RING;
    }
    assert_eq!(book.order_count(), n);
    assert_eq!(
        ring.len(),
        RING,
        "books smaller than the ring are not benchmarked"
    );
    events.clear();
    State {
        book,
        ring,
        ring_pos,
        events,
    }
}

/// The same-side touch, or one tick inside the other side's touch, or `REF_PRICE`.
#[inline]
fn touch(book: &Book, side: Side) -> i64 {
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

/// Replays `ops` on `st`; returns a checksum so nothing is optimised away.
fn run(st: &mut State, ops: &[Op]) -> u64 {
    let mut sum = 0u64;
    for op in ops {
        st.events.clear();
        match *op {
            Op::Limit {
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
                if let Ok(r) = st.book.limit(
                    owner,
                    side,
                    Price(price),
                    qty,
                    TimeInForce::Gtc,
                    &mut st.events,
                ) {
                    sum = sum.wrapping_add(r.filled.0);
                    if r.rested.0 > 0 {
                        st.ring[st.ring_pos] = (r.id, owner);
                        st.ring_pos += 1;
                        if st.ring_pos == RING {
                            st.ring_pos = 0;
                        }
                    }
                }
            }
            Op::Market { side, owner, qty } => {
                if let Ok(r) = st.book.market(owner, side, qty, &mut st.events) {
                    sum = sum.wrapping_add(r.filled.0);
                }
            }
            Op::Cancel { pick } => {
                let (id, owner) = st.ring[usize::from(pick)];
                if let Ok(c) = st.book.cancel(owner, id) {
                    sum = sum.wrapping_add(c.qty.0);
                }
            }
        }
        sum = sum.wrapping_add(st.events.len() as u64);
    }
    sum
}

fn bench_mixed(c: &mut Criterion) {
    let mut group = c.benchmark_group("lob_mixed");
    group.throughput(Throughput::Elements(OPS_PER_ITER as u64));
    for (size, label) in BOOK_SIZES {
        let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_0000 + size as u64);
        let base = populated(&mut rng, size);
        let ops = gen_ops(&mut rng, OPS_PER_ITER);
        group.bench_with_input(BenchmarkId::from_parameter(label), &ops, |b, ops| {
            b.iter_batched(
                || base.clone(),
                |mut st| {
                    black_box(run(&mut st, ops));
                    st
                },
                BatchSize::PerIteration,
            );
        });
    }
    group.finish();
}

fn bench_depth(c: &mut Criterion) {
    let mut group = c.benchmark_group("lob_depth_within");
    for (size, label) in BOOK_SIZES {
        let mut rng = ChaCha8Rng::seed_from_u64(0xde97_0000 + size as u64);
        let st = populated(&mut rng, size);
        let mid = Price(st.book.mid_x2_ticks().expect("two-sided book") / 2);
        for k in DEPTH_KS {
            group.bench_with_input(BenchmarkId::new(label, format!("k={k}")), &k, |b, &k| {
                b.iter(|| {
                    st.book
                        .depth_within(black_box(Side::Buy), black_box(mid), black_box(k))
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_mixed, bench_depth);
criterion_main!(benches);
