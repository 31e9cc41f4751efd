//! The LOBSTER export (`[output] lobster_levels = L > 0`): lobster_message.csv and
//! lobster_orderbook.csv for one book, in the format of LOBSTER's message and orderbook files
//! (lobsterdata.com; Huang & Polak 2011), so that tools written for LOBSTER data read a
//! simulated day.
//!
//! - **message** (one row per change to the resting book, no header): time in seconds after
//!   midnight (the run's open is 09:30:00, 34,200 s, as in LOBSTER's NASDAQ sessions; nine
//!   decimals, exact from the run's integer nanoseconds), event type, order id, size in units
//!   (lots × `lot_size`), price in currency × 10,000, direction (1 a buy order, −1 a sell
//!   order; for an execution, the side of the resting order that traded; 0 for a halt). Which
//!   of depthsim's order kinds become which event types: [`crate::market::journal`].
//! - **orderbook** (one row per message, the book just after it, no header): for levels 1 to L,
//!   ask price, ask size, bid price, bid size; a level the book does not have is written as
//!   LOBSTER writes it: ask price 9999999999, bid price −9999999999, size 0.
//!
//! The book after each message is kept here as a ladder of level sizes rebuilt from the
//! messages alone (the exchange's journal holds every change to the resting book, so nothing
//! else is needed); at each step's end it is compared with the exchange's book in debug
//! builds. Memory: the ladder holds the book's levels, and rows stream to disk.

use super::OutputDir;
use crate::lob::{Book, Side};
use crate::market::exchange::Exchange;
use crate::market::journal::{LobsterEvent, OrderMessage};
use crate::sim::resources::BookIndex;
use bevy_ecs::prelude::*;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};

/// The run's open, seconds after midnight (09:30:00).
pub const OPEN_S: u64 = 34_200;
/// LOBSTER's price of an ask level the book does not have.
pub const EMPTY_ASK: i64 = 9_999_999_999;
/// LOBSTER's price of a bid level the book does not have.
pub const EMPTY_BID: i64 = -9_999_999_999;

/// The message file's name.
pub const MESSAGE_FILE: &str = "lobster_message.csv";
/// The orderbook file's name.
pub const ORDERBOOK_FILE: &str = "lobster_orderbook.csv";

/// Level sizes by price, per side, rebuilt from messages.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Ladder {
    /// Bid levels: price ticks → lots.
    pub bids: BTreeMap<i64, u64>,
    /// Ask levels: price ticks → lots.
    pub asks: BTreeMap<i64, u64>,
}

impl Ladder {
    /// Applies one message: a submission adds its lots at its price, a deletion or an
    /// execution removes them. `false` if it removes more than the level holds (a journal
    /// that does not match the book).
    pub fn apply(&mut self, m: &OrderMessage) -> bool {
        let side = match m.side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        };
        match m.event {
            LobsterEvent::Submission => {
                *side.entry(m.price_ticks).or_default() += m.qty_lots;
                true
            }
            LobsterEvent::Deletion | LobsterEvent::Execution => {
                let Some(level) = side.get_mut(&m.price_ticks) else {
                    return false;
                };
                let Some(left) = level.checked_sub(m.qty_lots) else {
                    return false;
                };
                *level = left;
                if left == 0 {
                    side.remove(&m.price_ticks);
                }
                true
            }
            LobsterEvent::Halt => true,
        }
    }

    /// Whether the first `levels` levels per side are the book's.
    pub fn matches(&self, book: &Book, levels: usize) -> bool {
        let ours_b = self.bids.iter().rev().take(levels).map(|(&p, &q)| (p, q));
        let ours_a = self.asks.iter().take(levels).map(|(&p, &q)| (p, q));
        let theirs = |side| {
            book.levels(side)
                .take(levels)
                .map(|l| (l.price.0, l.qty.0))
                .collect::<Vec<_>>()
        };
        ours_b.collect::<Vec<_>>() == theirs(Side::Buy)
            && ours_a.collect::<Vec<_>>() == theirs(Side::Sell)
    }
}

/// Writes one message row: `time,type,order id,size,price,direction`.
pub fn message_row(
    w: &mut impl Write,
    m: &OrderMessage,
    price_units_per_tick: i64,
    units_per_lot: u64,
) -> std::io::Result<()> {
    let (price, direction) = match m.event {
        LobsterEvent::Halt => (m.price_ticks, 0),
        _ => (
            m.price_ticks * price_units_per_tick,
            match m.side {
                Side::Buy => 1,
                Side::Sell => -1,
            },
        ),
    };
    writeln!(
        w,
        "{}.{:09},{},{},{},{},{}",
        OPEN_S + m.t_ns / 1_000_000_000,
        m.t_ns % 1_000_000_000,
        m.event as u8,
        m.order_id,
        m.qty_lots * units_per_lot,
        price,
        direction
    )
}

/// Writes one orderbook row: `ask price, ask size, bid price, bid size` for each of `levels`.
pub fn orderbook_row(
    w: &mut impl Write,
    ladder: &Ladder,
    levels: usize,
    price_units_per_tick: i64,
    units_per_lot: u64,
) -> std::io::Result<()> {
    let mut asks = ladder.asks.iter();
    let mut bids = ladder.bids.iter().rev();
    for i in 0..levels {
        let (ap, aq) = asks.next().map_or((EMPTY_ASK, 0), |(&p, &q)| {
            (p * price_units_per_tick, q * units_per_lot)
        });
        let (bp, bq) = bids.next().map_or((EMPTY_BID, 0), |(&p, &q)| {
            (p * price_units_per_tick, q * units_per_lot)
        });
        let sep = if i + 1 == levels { "\n" } else { "," };
        write!(w, "{ap},{aq},{bp},{bq}{sep}")?;
    }
    Ok(())
}

/// The export's open files and the ladder they are written from.
#[derive(Resource)]
pub struct LobsterRecorder {
    /// The book exported, by index.
    pub book: usize,
    /// The first error, if writing failed.
    pub error: Option<String>,
    levels: usize,
    price_units_per_tick: i64,
    units_per_lot: u64,
    ladder: Ladder,
    message: BufWriter<File>,
    orderbook: BufWriter<File>,
}

impl LobsterRecorder {
    /// Opens the two files in `dir` for book `book` of `scenario`.
    pub fn create(
        dir: &OutputDir,
        scenario: &crate::scenario::Scenario,
    ) -> std::io::Result<LobsterRecorder> {
        let o = &scenario.params.output;
        let book = o
            .lobster_book
            .as_ref()
            .and_then(|n| scenario.books.iter().position(|b| &b.name == n))
            .unwrap_or(0);
        let b = &scenario.books[book];
        let open = |name| -> std::io::Result<BufWriter<File>> {
            Ok(BufWriter::with_capacity(
                1 << 16,
                File::create(dir.file(name))?,
            ))
        };
        Ok(LobsterRecorder {
            book,
            error: None,
            levels: o.lobster_levels as usize,
            // validation checked that the tick is a whole number of 10⁻⁴ currency units
            price_units_per_tick: (b.tick_size * 10_000.0).round() as i64,
            units_per_lot: b.lot_size,
            ladder: Ladder::default(),
            message: open(MESSAGE_FILE)?,
            orderbook: open(ORDERBOOK_FILE)?,
        })
    }

    /// Writes the rows of `messages` (one step's journal, in order) and checks, in debug
    /// builds, that the ladder is the book's at the step's end.
    pub fn write(&mut self, messages: &[OrderMessage], book: &Book) -> Result<(), String> {
        for m in messages {
            if !self.ladder.apply(m) {
                return Err(format!(
                    "the LOBSTER journal removes more than the book holds at {m:?}"
                ));
            }
            let io = |e: std::io::Error| format!("writing the LOBSTER files: {e}");
            message_row(
                &mut self.message,
                m,
                self.price_units_per_tick,
                self.units_per_lot,
            )
            .map_err(io)?;
            orderbook_row(
                &mut self.orderbook,
                &self.ladder,
                self.levels,
                self.price_units_per_tick,
                self.units_per_lot,
            )
            .map_err(io)?;
        }
        debug_assert!(
            self.ladder.matches(book, self.levels.max(1)),
            "the LOBSTER ladder departs from the book"
        );
        Ok(())
    }

    /// Flushes both files; the first error of the run or of the flush.
    pub fn finish(&mut self) -> Result<(), String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        self.message
            .flush()
            .and_then(|()| self.orderbook.flush())
            .map_err(|e| format!("writing the LOBSTER files: {e}"))
    }
}

/// Turns on the journal of the book `rec` exports.
pub fn start_journal(world: &mut World, rec: &LobsterRecorder) {
    let entity = world.resource::<BookIndex>().0[rec.book];
    world
        .get_mut::<Exchange>(entity)
        .expect("book entity")
        .journal = Some(Vec::new());
}

/// Record phase: the exported book's journal of the step to the LOBSTER files (then emptied).
pub fn record_lobster(
    books: Res<BookIndex>,
    mut exchanges: Query<&mut Exchange>,
    mut rec: ResMut<LobsterRecorder>,
) {
    let rec = &mut *rec;
    let mut ex = exchanges.get_mut(books.0[rec.book]).expect("book entity");
    let ex = &mut *ex;
    let Some(journal) = ex.journal.as_mut() else {
        return;
    };
    if rec.error.is_none()
        && let Err(e) = rec.write(journal, &ex.book)
    {
        rec.error = Some(e);
    }
    journal.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(event: LobsterEvent, id: u64, qty: u64, price: i64, side: Side) -> OrderMessage {
        OrderMessage {
            t_ns: 1_500_000_001,
            event,
            order_id: id,
            qty_lots: qty,
            price_ticks: price,
            side,
        }
    }

    #[test]
    fn rows_are_in_lobster_units_and_empty_levels_are_lobster_dummies() {
        let mut l = Ladder::default();
        let sub = msg(LobsterEvent::Submission, 7, 3, 10_000, Side::Buy);
        assert!(l.apply(&sub));
        let mut out = Vec::new();
        message_row(&mut out, &sub, 100, 100).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "34201.500000001,1,7,300,1000000,1\n"
        );
        let mut out = Vec::new();
        orderbook_row(&mut out, &l, 2, 100, 100).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "9999999999,0,1000000,300,9999999999,0,-9999999999,0\n"
        );
        // an execution of the resting buy, then the rest deleted: the level is gone
        assert!(l.apply(&msg(LobsterEvent::Execution, 7, 1, 10_000, Side::Buy)));
        assert_eq!(l.bids[&10_000], 2);
        assert!(l.apply(&msg(LobsterEvent::Deletion, 7, 2, 10_000, Side::Buy)));
        assert!(l.bids.is_empty());
        // more than the level holds is caught
        assert!(!l.apply(&msg(LobsterEvent::Deletion, 7, 1, 10_000, Side::Buy)));
        let mut out = Vec::new();
        message_row(
            &mut out,
            &msg(LobsterEvent::Halt, 0, 0, -1, Side::Buy),
            100,
            1,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "34201.500000001,7,0,0,-1,0\n"
        );
    }
}
