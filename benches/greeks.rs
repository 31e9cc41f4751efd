//! Option-greeks benchmarks.
//!
//! - `greeks/one_call`: one exact Black–Scholes evaluation (`black_scholes::greeks`: price,
//!   delta, gamma, vega, theta) of a near-the-money call.
//! - `greeks/book_100`: a dealer's cost per look at its options: `OptionBook::exposure` of a
//!   100-line book (its fast path), strikes spread from 5 % below to 5 % above the spot,
//!   calls and puts alternating in a fixed pattern, expiries from one minute to about a day,
//!   long and short lines, all live at the evaluation time.
//!
//! The book is built in setup; the timed closure only evaluates, with its inputs behind
//! `black_box`.
//!
//! Run: `cargo bench --bench greeks -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use depthsim::models::black_scholes::{OptionKind, greeks};
use depthsim::models::option_book::{OptionBook, OptionLine};

/// Spot, ticks.
const SPOT: f64 = 10_000.0;
/// Volatility per √s (about 30 % a year over 252 days of 6.5 hours).
const VOL: f64 = 1.2e-4;
/// One second, ns.
const SECOND_NS: u64 = 1_000_000_000;

fn book_of_100() -> OptionBook {
    let mut book = OptionBook::new();
    for i in 0..100_i64 {
        book.push(OptionLine {
            kind: if i % 3 == 1 {
                OptionKind::Put
            } else {
                OptionKind::Call
            },
            strike_ticks: 9_500 + 10 * i,
            expiry_ns: (60 + 877 * i as u64) * SECOND_NS,
            contracts: if i % 2 == 0 { 1 + i % 5 } else { -(1 + i % 4) },
            multiplier_lots: 100,
        });
    }
    book
}

fn bench_greeks(c: &mut Criterion) {
    let mut g = c.benchmark_group("greeks");
    g.bench_function("one_call", |b| {
        b.iter(|| {
            greeks(
                black_box(OptionKind::Call),
                black_box(SPOT),
                black_box(10_050.0),
                black_box(3_600.0),
                black_box(VOL),
            )
        })
    });
    let book = book_of_100();
    g.bench_function("book_100", |b| {
        b.iter(|| black_box(&book).exposure(black_box(SPOT), black_box(0), black_box(VOL)))
    });
    g.finish();
}

criterion_group!(benches, bench_greeks);
criterion_main!(benches);
