//! trades.csv, the one file with a row per event (millions in a trading day), written by a
//! specialised row formatter: each agent's `id,kind,group` fields are escaped once up front,
//! numbers go through `ryu`/`itoa` exactly as the `csv` crate formats them. The columns are
//! [`TradeRow`]'s fields; a test checks the output is byte-identical to serialising
//! `TradeRow`s with `csv`.

use super::PriceScale;
use super::rows::TradeRow;
use crate::lob::Side;
use crate::sim::components::AgentKind;
use crate::sim::resources::TradeEvent;
use std::io::{self, Write};

/// Writes trades.csv rows to `W`.
pub struct TradeWriter<W: Write> {
    out: W,
    /// Per agent id: its `id,kind,group` fields, CSV-escaped.
    labels: Vec<Vec<u8>>,
    /// Per book id: its name, CSV-escaped.
    books: Vec<Vec<u8>>,
    /// The book of the last row: the cached prices below are that book's.
    last_book: Option<u16>,
    line: Vec<u8>,
    /// The last text of each float column: consecutive fills share their time (one arriving
    /// order), often their price and mid, and always their step's fundamental, so most rows
    /// copy these instead of formatting them again.
    t_s: LastFormatted,
    price: LastFormatted,
    mid: LastFormatted,
    fundamental: LastFormatted,
}

/// A float's CSV text, kept for the integer key it was made from.
struct LastFormatted {
    key: Option<u64>,
    text: Vec<u8>,
}

impl LastFormatted {
    fn new() -> Self {
        LastFormatted {
            key: None,
            text: Vec::with_capacity(32),
        }
    }

    /// The text of `value()`, formatted only when `key` differs from the last one.
    #[inline]
    fn get(&mut self, key: u64, value: impl FnOnce() -> f64) -> &[u8] {
        if self.key != Some(key) {
            self.key = Some(key);
            self.text.clear();
            self.text
                .extend_from_slice(ryu::Buffer::new().format(value()).as_bytes());
        }
        &self.text
    }
}

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
            labels.push(escaped(&[
                id.to_string().as_str(),
                kind.as_str(),
                group.as_str(),
            ])?);
        }
        let books = books
            .iter()
            .map(|b| escaped(&[b.as_str()]))
            .collect::<io::Result<_>>()?;
        Ok(TradeWriter {
            out,
            labels,
            books,
            last_book: None,
            line: Vec::with_capacity(256),
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
        let mut i = itoa::Buffer::new();
        let l = &mut self.line;
        l.clear();
        l.extend_from_slice(self.t_s.get(t.t_ns, || t.t_ns as f64 / 1e9));
        l.push(b',');
        l.extend_from_slice(&self.books[usize::from(t.book.0)]);
        l.push(b',');
        let price = t.price_ticks;
        l.extend_from_slice(self.price.get(price as u64, || scale.price(price as f64)));
        l.push(b',');
        l.extend_from_slice(i.format(t.qty_lots).as_bytes());
        l.push(b',');
        l.extend_from_slice(t.aggressor.as_str().as_bytes());
        l.push(b',');
        if let Some(m) = t.mid_x2_before {
            l.extend_from_slice(self.mid.get(m as u64, || scale.price(m as f64 / 2.0)));
        }
        l.push(b',');
        l.extend_from_slice(self.fundamental.get(fundamental.to_bits(), || fundamental));
        l.push(b',');
        l.extend_from_slice(&self.labels[buyer as usize]);
        l.push(b',');
        l.extend_from_slice(&self.labels[seller as usize]);
        l.push(b'\n');
        self.out.write_all(l)
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
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
        ];
        let books = ["main".to_string(), "thin, \"odd\"".to_string()];
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
                maker: below(&mut rng, 4) as u32,
                taker: below(&mut rng, 4) as u32,
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
}
