//! trades.csv, the one file with a row per event (millions in a trading day), written by a
//! specialised row formatter on a thread of its own ([`TradeFile`]): each agent's
//! `id,kind,group` fields are escaped once up front; times, prices and mids, exact decimals,
//! are written from their integers ([`decimal_text`]), other numbers through `ryu`/`itoa`,
//! all exactly as the `csv` crate formats them; short fields are copied 32 bytes at a time
//! ([`Short`]) into a row buffer sized for the longest row. The columns are [`TradeRow`]'s fields; a test checks the output is
//! byte-identical to serialising `TradeRow`s with `csv`.

use super::PriceScale;
use super::decimal::{Short, decimal_text};
use super::rows::TradeRow;
use crate::lob::Side;
use crate::sim::components::AgentKind;
use crate::sim::resources::TradeEvent;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Writes trades.csv rows to `W`.
pub struct TradeWriter<W: Write> {
    out: W,
    /// Per agent id: its `id,kind,group` fields, CSV-escaped.
    labels: Vec<Field>,
    /// Per book id: its name, CSV-escaped.
    books: Vec<Field>,
    /// The book of the last row: the cached prices below are that book's.
    last_book: Option<u16>,
    /// The row being written, in a buffer 32 bytes longer than the longest row, so that
    /// every copy of 32 bytes fits.
    row: Vec<u8>,
    /// The last text of each number column but the quantity: the fills of one arriving order
    /// share its time and mid and often their price, and a step's trades its fundamental, so
    /// many rows copy these instead of formatting them again.
    t_s: LastFormatted,
    price: LastFormatted,
    mid: LastFormatted,
    fundamental: LastFormatted,
}

/// A field's text, also as a [`Short`] when it fits.
struct Field {
    bytes: Vec<u8>,
    short: Option<Short>,
}

impl Field {
    fn new(bytes: Vec<u8>) -> Self {
        Field {
            short: Short::new(&bytes),
            bytes,
        }
    }

    /// The most bytes it writes.
    fn max_len(&self) -> usize {
        self.bytes.len()
    }
}

/// A number's CSV text, kept for the key it was made from (`ryu`'s text is at most 24 bytes).
struct LastFormatted {
    key: Option<u64>,
    text: Short,
}

impl LastFormatted {
    fn new() -> Self {
        LastFormatted {
            key: None,
            text: Short {
                bytes: [0; 32],
                len: 0,
            },
        }
    }

    /// The text for `key`, made by `format` only when `key` differs from the last one.
    #[inline]
    fn get(&mut self, key: u64, format: impl FnOnce() -> Short) -> &Short {
        if self.key != Some(key) {
            self.key = Some(key);
            self.text = format();
        }
        &self.text
    }
}

/// `ryu`'s text for `value` (at most 24 bytes).
#[inline]
fn float_text(value: f64) -> Short {
    Short::new(ryu::Buffer::new().format(value).as_bytes()).expect("ryu writes at most 24 bytes")
}

/// The most bytes a number column other than the quantity takes.
const NUMBER_MAX: usize = 32;

/// The header line of a CSV file of `T` rows, as `csv` writes it (without the newline).
pub(crate) fn header_of<T: serde::Serialize>(sample: &T) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(sample).map_err(io::Error::other)?;
    let bytes = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    Ok(bytes[..end].to_vec())
}

impl<W: Write> TradeWriter<W> {
    /// Writes the header; `agents` gives every agent's kind and group name, by id, and
    /// `books` every book's name, by id.
    pub fn new(mut out: W, agents: &[(AgentKind, String)], books: &[String]) -> io::Result<Self> {
        let sample = TradeRow {
            t_s: 0.0,
            book: "",
            price: 0.0,
            qty_lots: 0,
            aggressor: "buy",
            mid_before: None,
            fundamental: 0.0,
            buyer_id: 0,
            buyer_kind: "",
            buyer_group: "",
            seller_id: 0,
            seller_kind: "",
            seller_group: "",
        };
        out.write_all(&header_of(&sample)?)?;
        out.write_all(b"\n")?;
        let escaped = |fields: &[&str]| -> io::Result<Vec<u8>> {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            w.write_record(fields).map_err(io::Error::other)?;
            let mut bytes = w
                .into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?;
            bytes.pop(); // the terminator
            Ok(bytes)
        };
        let mut labels = Vec::with_capacity(agents.len());
        for (id, (kind, group)) in agents.iter().enumerate() {
            labels.push(Field::new(escaped(&[
                id.to_string().as_str(),
                kind.as_str(),
                group.as_str(),
            ])?));
        }
        let books: Vec<Field> = books
            .iter()
            .map(|b| escaped(&[b.as_str()]).map(Field::new))
            .collect::<io::Result<_>>()?;
        // t_s, price, mid, fundamental; the quantity (20 digits at most); ",sell,"; the book
        // and two labels; commas and the newline
        let longest = 4 * NUMBER_MAX
            + 20
            + 6
            + books.iter().map(Field::max_len).max().unwrap_or(0)
            + 2 * labels.iter().map(Field::max_len).max().unwrap_or(0)
            + 8;
        Ok(TradeWriter {
            out,
            labels,
            books,
            last_book: None,
            row: vec![0; longest + 32],
            t_s: LastFormatted::new(),
            price: LastFormatted::new(),
            mid: LastFormatted::new(),
            fundamental: LastFormatted::new(),
        })
    }

    /// Appends one trade; `scale` is its book's, `fundamental` the book's value in the trade's
    /// step, currency.
    #[inline]
    pub fn write(&mut self, t: &TradeEvent, scale: PriceScale, fundamental: f64) -> io::Result<()> {
        if self.last_book != Some(t.book.0) {
            // another book: another scale (and basis), so the cached texts do not carry over
            self.last_book = Some(t.book.0);
            self.price.key = None;
            self.mid.key = None;
            self.fundamental.key = None;
        }
        let (buyer, seller) = match t.aggressor {
            Side::Buy => (t.taker, t.maker),
            Side::Sell => (t.maker, t.taker),
        };
        let mut row = Row {
            buf: &mut self.row,
            len: 0,
        };
        // times, prices and mids are exact decimals, written from their integers
        row.short(self.t_s.get(t.t_ns, || {
            decimal_text(t.t_ns as i64, 9).unwrap_or_else(|| float_text(t.t_ns as f64 / 1e9))
        }));
        row.byte(b',');
        row.field(&self.books[usize::from(t.book.0)]);
        row.byte(b',');
        let price = t.price_ticks;
        row.short(self.price.get(price as u64, || {
            price
                .checked_mul(2)
                .and_then(|x2| scale.price_decimal_x2(x2))
                .and_then(|(n, d)| decimal_text(n, d))
                .unwrap_or_else(|| float_text(scale.price(price as f64)))
        }));
        row.byte(b',');
        if t.qty_lots < 10 {
            row.byte(b'0' + t.qty_lots as u8);
        } else {
            row.bytes(itoa::Buffer::new().format(t.qty_lots).as_bytes());
        }
        match t.aggressor {
            Side::Buy => row.fixed(b",buy,"),
            Side::Sell => row.fixed(b",sell,"),
        }
        if let Some(m) = t.mid_x2_before {
            row.short(self.mid.get(m as u64, || {
                scale
                    .price_decimal_x2(m)
                    .and_then(|(n, d)| decimal_text(n, d))
                    .unwrap_or_else(|| float_text(scale.price(m as f64 / 2.0)))
            }));
        }
        row.byte(b',');
        row.short(
            self.fundamental
                .get(fundamental.to_bits(), || float_text(fundamental)),
        );
        row.byte(b',');
        row.field(&self.labels[buyer as usize]);
        row.byte(b',');
        row.field(&self.labels[seller as usize]);
        row.byte(b'\n');
        let len = row.len;
        self.out.write_all(&self.row[..len])
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A row being written into a buffer 32 bytes longer than the longest row.
struct Row<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Row<'_> {
    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }

    /// A text of a length known at compile time.
    #[inline(always)]
    fn fixed<const N: usize>(&mut self, text: &[u8; N]) {
        self.buf[self.len..self.len + N].copy_from_slice(text);
        self.len += N;
    }

    #[inline(always)]
    fn short(&mut self, text: &Short) {
        self.fixed(&text.bytes);
        self.len -= 32 - text.len;
    }

    #[inline]
    fn bytes(&mut self, text: &[u8]) {
        self.buf[self.len..self.len + text.len()].copy_from_slice(text);
        self.len += text.len();
    }

    #[inline(always)]
    fn field(&mut self, f: &Field) {
        match &f.short {
            Some(s) => self.short(s),
            None => self.bytes(&f.bytes),
        }
    }
}

/// A file that takes the SHA-256 of what is written to it, as it is written.
pub(crate) struct HashingFile {
    file: File,
    sha: Sha256,
    bytes: u64,
}

impl HashingFile {
    /// Creates (truncates) `path`.
    pub fn create(path: &Path) -> io::Result<Self> {
        Ok(HashingFile {
            file: File::create(path)?,
            sha: Sha256::new(),
            bytes: 0,
        })
    }

    /// The bytes written and their SHA-256 in hex.
    pub fn digest(self) -> (u64, String) {
        (self.bytes, super::summary::hex(&self.sha.finalize()))
    }
}

impl Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Trades in a batch: each with its book's fundamental value in its step, currency.
type Batch = Vec<(TradeEvent, f64)>;

/// Trades per batch handed to the writing thread (about 80 bytes each).
const BATCH_TRADES: usize = 4096;

/// Batches that may wait for the writing thread: the simulation waits beyond that, so memory
/// stays bounded (a few batches) however far the disk falls behind.
const QUEUED_BATCHES: usize = 2;

/// The writing thread and its channels.
struct Worker {
    full: SyncSender<Batch>,
    /// In a mutex only to make the recorder `Sync` (a resource must be): it is only ever
    /// reached through `&mut`, without locking.
    empty: Mutex<Receiver<Batch>>,
    handle: JoinHandle<io::Result<TradeWriter<BufWriter<HashingFile>>>>,
}

/// trades.csv, formatted and written on a thread of its own while the simulation goes on.
///
/// The simulation thread only copies each trade into a batch; full batches go, in order, to
/// one thread that formats and writes them (and takes the file's SHA-256 on the way, for
/// manifest.json), so the file's bytes are exactly those [`TradeWriter`] writes on its own.
/// The thread starts with the first full batch: a run with fewer trades writes them at the
/// end, without one. Batches come back empty to be refilled, and at most
/// [`QUEUED_BATCHES`] wait, so memory is bounded.
pub(crate) struct TradeFile {
    batch: Batch,
    /// The writer until the thread starts (and after it ends).
    writer: Option<TradeWriter<BufWriter<HashingFile>>>,
    worker: Option<Worker>,
    /// Per book id: its price scale.
    scales: Vec<PriceScale>,
}

impl TradeFile {
    /// trades.csv at `path`, with its header; `agents` and `books` as [`TradeWriter::new`]'s,
    /// `scales` every book's price scale, by id.
    pub fn create(
        path: &Path,
        agents: &[(AgentKind, String)],
        books: &[String],
        scales: Vec<PriceScale>,
    ) -> io::Result<Self> {
        let file = BufWriter::with_capacity(1 << 16, HashingFile::create(path)?);
        Ok(TradeFile {
            batch: Vec::with_capacity(BATCH_TRADES),
            writer: Some(TradeWriter::new(file, agents, books)?),
            worker: None,
            scales,
        })
    }

    /// Appends one trade; `fundamental` is its book's value in the trade's step, currency.
    /// An error is the writing thread's, from an earlier batch.
    #[inline]
    pub fn write(&mut self, t: &TradeEvent, fundamental: f64) -> io::Result<()> {
        self.batch.push((*t, fundamental));
        if self.batch.len() == BATCH_TRADES {
            self.hand_over()?;
        }
        Ok(())
    }

    /// Sends the full batch to the writing thread, starting it the first time.
    #[cold]
    fn hand_over(&mut self) -> io::Result<()> {
        if self.worker.is_none() {
            let mut writer = self.writer.take().expect("the writer, before the thread");
            let scales = self.scales.clone();
            let (full, to_write) = sync_channel::<Batch>(QUEUED_BATCHES);
            let (give_back, empty) = sync_channel::<Batch>(QUEUED_BATCHES + 2);
            let handle = std::thread::Builder::new()
                .name("trades.csv".into())
                .spawn(move || {
                    for mut batch in to_write {
                        for (t, fundamental) in &batch {
                            writer.write(t, scales[usize::from(t.book.0)], *fundamental)?;
                        }
                        batch.clear();
                        // refused only when the simulation side has gone
                        let _ = give_back.try_send(batch);
                    }
                    Ok(writer)
                })?;
            self.worker = Some(Worker {
                full,
                empty: Mutex::new(empty),
                handle,
            });
        }
        let worker = self.worker.as_mut().expect("started above");
        let next = worker
            .empty
            .get_mut()
            .ok()
            .and_then(|e| e.try_recv().ok())
            .unwrap_or_else(|| Vec::with_capacity(BATCH_TRADES));
        let batch = std::mem::replace(&mut self.batch, next);
        if worker.full.send(batch).is_err() {
            // the thread stopped on an error: collect it
            self.join()?;
        }
        Ok(())
    }

    /// Waits for the writing thread to finish what it was given and takes the writer back.
    fn join(&mut self) -> io::Result<()> {
        if let Some(w) = self.worker.take() {
            drop(w.full);
            let writer = w
                .handle
                .join()
                .map_err(|_| io::Error::other("the thread writing trades.csv panicked"))??;
            self.writer = Some(writer);
        }
        Ok(())
    }

    /// Writes what is left, flushes, and returns the file's length and SHA-256.
    pub fn finish(&mut self) -> io::Result<(u64, String)> {
        self.join()?;
        let mut writer = self
            .writer
            .take()
            .ok_or_else(|| io::Error::other("trades.csv was already finished"))?;
        for (t, fundamental) in &self.batch {
            writer.write(t, self.scales[usize::from(t.book.0)], *fundamental)?;
        }
        self.batch.clear();
        let file = writer.out.into_inner().map_err(|e| e.into_error())?;
        Ok(file.digest())
    }
}

impl Drop for TradeFile {
    fn drop(&mut self) {
        // an unfinished run: let the thread end before the folder goes
        let _ = self.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lob::OrderId;
    use crate::rng::{Purpose, below, stream, uniform};
    use crate::sim::resources::BookId;

    #[test]
    fn rows_are_byte_identical_to_serialising_trade_rows() {
        let agents = vec![
            (AgentKind::MarketMaker, "mm, \"quoted\"".to_string()),
            (AgentKind::Informed, "informed".to_string()),
            (AgentKind::Noise, "zi\nnew line".to_string()),
            (AgentKind::Noise, String::new()),
            (
                AgentKind::Informed,
                "a group name longer than thirty-two bytes, \"quoted\"".to_string(),
            ),
        ];
        let books = [
            "main".to_string(),
            "thin, \"odd\", and a name longer than 32 bytes".to_string(),
        ];
        let scales = [PriceScale::new(0.01, 100), PriceScale::new(0.05, 1)];
        let mut fast = TradeWriter::new(Vec::new(), &agents, &books).unwrap();
        let mut reference = csv::Writer::from_writer(Vec::new());
        let mut rng = stream(5, Purpose::Noise, 0, 0);
        let mut fundamental = 50.0;
        let mut prev: Option<TradeEvent> = None;
        for i in 0..2000 {
            let mut t = TradeEvent {
                t_ns: below(&mut rng, 30_000_000_000_000),
                book: BookId(u16::from(below(&mut rng, 8) == 0)),
                price_ticks: below(&mut rng, 2_000_000) as i64 - 1000,
                qty_lots: 1 + below(&mut rng, 1000),
                mid_x2_before: (below(&mut rng, 4) > 0)
                    .then(|| below(&mut rng, 4_000_000) as i64 - 2000),
                aggressor: if uniform(&mut rng) < 0.5 {
                    Side::Buy
                } else {
                    Side::Sell
                },
                maker: below(&mut rng, 5) as u32,
                taker: below(&mut rng, 5) as u32,
                taker_tag: crate::sim::resources::NO_TAG,
                maker_order: OrderId(7),
                maker_done: false,
            };
            // fills of one order share time, mid and often price with the row before
            if let Some(p) = prev.filter(|_| i % 4 != 0) {
                t.t_ns = p.t_ns;
                t.mid_x2_before = p.mid_x2_before;
                if i % 2 == 0 {
                    t.price_ticks = p.price_ticks;
                }
            }
            prev = Some(t);
            // a step's trades share one value: it changes every few rows
            if i % 3 == 0 {
                fundamental = uniform(&mut rng) * 1e4 - 10.0;
            }
            let scale = scales[usize::from(t.book.0)];
            fast.write(&t, scale, fundamental).unwrap();
            let (b, s) = match t.aggressor {
                Side::Buy => (t.taker, t.maker),
                Side::Sell => (t.maker, t.taker),
            };
            reference
                .serialize(TradeRow {
                    t_s: t.t_ns as f64 / 1e9,
                    book: &books[usize::from(t.book.0)],
                    price: scale.price(t.price_ticks as f64),
                    qty_lots: t.qty_lots,
                    aggressor: t.aggressor.as_str(),
                    mid_before: t.mid_x2_before.map(|m| scale.price(m as f64 / 2.0)),
                    fundamental,
                    buyer_id: b,
                    buyer_kind: agents[b as usize].0.as_str(),
                    buyer_group: &agents[b as usize].1,
                    seller_id: s,
                    seller_kind: agents[s as usize].0.as_str(),
                    seller_group: &agents[s as usize].1,
                })
                .unwrap();
        }
        let fast = String::from_utf8(fast.out).unwrap();
        let reference = String::from_utf8(reference.into_inner().unwrap()).unwrap();
        assert_eq!(fast, reference);
    }

    fn trade(i: u64) -> TradeEvent {
        TradeEvent {
            t_ns: 1_000_000 * i + 7,
            book: BookId((i % 2) as u16),
            price_ticks: 10_000 + (i % 37) as i64,
            qty_lots: 1 + i % 9,
            mid_x2_before: (!i.is_multiple_of(5)).then_some(20_001 + (i % 41) as i64),
            aggressor: if i.is_multiple_of(3) {
                Side::Buy
            } else {
                Side::Sell
            },
            maker: (i % 3) as u32,
            taker: ((i + 1) % 3) as u32,
            taker_tag: crate::sim::resources::NO_TAG,
            maker_order: OrderId(i),
            maker_done: false,
        }
    }

    /// The threaded file holds exactly the bytes the writer on its own writes, over several
    /// batches and a partial last one, and its digest is theirs.
    #[test]
    fn the_writing_thread_writes_what_the_writer_writes() {
        let agents = vec![
            (AgentKind::MarketMaker, "mm".to_string()),
            (AgentKind::Informed, "informed".to_string()),
            (AgentKind::Noise, "zi".to_string()),
        ];
        let books = ["main".to_string(), "other".to_string()];
        let scales = vec![PriceScale::new(0.01, 100), PriceScale::new(0.05, 1)];
        let dir = std::env::temp_dir().join(format!("depthsim-trades-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("trades.csv");
        for n in [0, 10, BATCH_TRADES as u64 * 5 + 123] {
            let mut file = TradeFile::create(&path, &agents, &books, scales.clone()).unwrap();
            let mut alone = TradeWriter::new(Vec::new(), &agents, &books).unwrap();
            for i in 0..n {
                let t = trade(i);
                let value = 100.0 + (i / 7) as f64 * 0.013;
                file.write(&t, value).unwrap();
                alone
                    .write(&t, scales[usize::from(t.book.0)], value)
                    .unwrap();
            }
            let (bytes, digest) = file.finish().unwrap();
            let written = std::fs::read(&path).unwrap();
            assert_eq!(written, alone.out, "{n} trades");
            assert_eq!(bytes, written.len() as u64);
            assert_eq!(digest, crate::record::summary::sha256_hex(&written));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A write error on the thread reaches the simulation side: at a later batch or at the
    /// end, never lost.
    #[test]
    fn the_writing_threads_error_is_reported() {
        let full = Path::new("/dev/full");
        if !full.exists() {
            eprintln!("skipped: no /dev/full");
            return;
        }
        let agents = vec![(AgentKind::Noise, "zi".to_string())];
        let books = ["main".to_string()];
        let scales = vec![PriceScale::new(0.01, 100)];
        let mut file = TradeFile::create(full, &agents, &books, scales).unwrap();
        let mut t = trade(1);
        t.book = BookId(0);
        t.maker = 0;
        t.taker = 0;
        let mut result = Ok(());
        for _ in 0..BATCH_TRADES * 20 {
            result = file.write(&t, 1.0);
            if result.is_err() {
                break;
            }
        }
        let err = match result {
            Err(e) => e,
            Ok(()) => file.finish().unwrap_err(),
        };
        assert_eq!(err.kind(), io::ErrorKind::StorageFull, "{err}");
    }
}
