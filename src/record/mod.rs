//! Streaming outputs: rows are written as the run goes (memory stays flat in run length)
//! into a temporary folder that is renamed into place at the end ([`OutputDir`]), as CSV or
//! Parquet files, or kept in memory as Arrow tables ([`sink::Target`]).

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod collapse;
pub mod columns;
mod decimal;
pub mod lobster;
mod output;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod rows;
mod scale;
pub mod sink;
pub mod summary;
mod trades;

pub(crate) use output::foreign_among;
pub use output::{
    Committed, ForeignOutput, Listed, OutputDir, REPORT_JSON, Recovered, Replaced, ReportListing,
    check_replaceable, is_listable_path, owner, partial, recover_abandoned, recover_in,
    remove_listed, write_file_atomic,
};
pub use scale::PriceScale;
pub use sink::{Sink, Target};
use trades::TradeFile;
pub use trades::TradeWriter;

use crate::agents::market_maker::{
    HedgeLog, MarketMaker, OptionDesk, OptionLog, QuoteLog, maker_pnl,
};
use crate::lob::Side;
use crate::market::exchange::Exchange;
use crate::market::fundamental::Fundamental;
use crate::market::metrics::depth_around;
use crate::sim::components::AgentKind;
use crate::sim::components::{Account, Agent};
use crate::sim::events::{EventKind, EventLog, ValueUnit};
use crate::sim::resources::{AgentDirectory, AgentIndex, BookIndex, Clock, StepOutcomes};
use bevy_ecs::prelude::*;
use columns::Columns;
use rows::{
    AgentRow, EpisodeRow, EventRow, HedgeRow, L2Row, OptionRow, QuoteRow, TradeRow, book_columns,
};
use serde::Serialize;
use sink::{Finished, OutputFormat};
use std::path::Path;

/// The table names, in the order [`Recorder::finish`] hands in-memory tables over (summary
/// comes last, from [`summary::summarize`]).
pub const TABLES: [&str; 10] = [
    "book", "l2", "trades", "quotes", "hedges", "options", "events", "episodes", "agents",
    "summary",
];

/// Where trades.csv's rows go: the specialised CSV formatter, and serde rows into any other
/// sink (Parquet, memory).
struct TradesOut {
    csv: Option<TradeFile>,
    rows: Sink,
    /// Per agent id: its kind and group name.
    agents: Vec<(AgentKind, String)>,
}

/// One field of a row whose columns are only known at run time.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(untagged)]
enum Cell {
    F(f64),
    U(u64),
    Empty(Option<u8>),
    /// A book's name, by book id (written by [`CellRow`]).
    Book(usize),
}

/// A row of [`Cell`]s, with the book names its [`Cell::Book`]s stand for.
struct CellRow<'a> {
    cells: &'a [Cell],
    names: &'a [String],
}

impl Serialize for CellRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.cells.len()))?;
        for c in self.cells {
            match c {
                Cell::Book(i) => seq.serialize_element(self.names[*i].as_str())?,
                other => seq.serialize_element(other)?,
            }
        }
        seq.end()
    }
}

/// The makers' presence in one book at a sample.
#[derive(Debug, Clone, Copy, Default)]
struct MakerDepth {
    bid_makers: u64,
    ask_makers: u64,
    first_band_lots: u64,
}

/// The increments of the makers' summed PnL between agents samples (Welford's running mean
/// and variance), for its Sharpe ratio.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PnlPath {
    last: f64,
    n: u64,
    mean: f64,
    m2: f64,
}

impl PnlPath {
    /// The summed PnL at the next sample, currency.
    pub fn push(&mut self, total: f64) {
        let x = total - self.last;
        self.last = total;
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Mean over standard deviation (n − 1) of the increments; None with fewer than two or
    /// none that differ.
    pub fn sharpe_per_sample(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let sd = (self.m2 / (self.n - 1) as f64).sqrt();
        (sd > 0.0).then(|| self.mean / sd)
    }
}

/// The open CSV writers and what they need to format rows.
#[derive(Resource)]
pub struct Recorder {
    trades: Option<TradesOut>,
    book: Sink,
    l2: Option<Sink>,
    quotes: Option<Sink>,
    hedges: Option<Sink>,
    options: Option<Sink>,
    events: Sink,
    agents: Sink,
    /// The finished in-memory tables ([`Target::memory`]), in [`TABLES`] order.
    #[cfg(feature = "arrow")]
    pub tables: Vec<arrow::Table>,
    /// The collapse detectors and episodes.csv.
    pub collapse: collapse::CollapseRecorder,
    /// The makers' summed PnL at the agents samples.
    pub maker_pnl: PnlPath,
    /// Reused, per book: makers quoting the bid and the ask, and their lots within the first
    /// band.
    maker_books: Vec<MakerDepth>,
    /// Reused, per book: the collapse detectors' tick.
    collapse_ticks: Vec<collapse::BookTick>,
    /// Reused: a maker's position and twice the reference price per book.
    positions: Vec<(i64, i64)>,
    /// Per book: its price scale, name and basis (currency).
    scales: Vec<PriceScale>,
    book_names: Vec<String>,
    basis: Vec<f64>,
    /// Per book, reused: twice its reference price at the sample, ticks.
    refs_x2: Vec<i64>,
    bands: Vec<u32>,
    l2_levels: u32,
    sample_every: u64,
    agents_every: u64,
    total_steps: u64,
    error: Option<String>,
    cells: Vec<Cell>,
    /// Files whose SHA-256 was taken as they were written: (name, bytes, digest in hex).
    digests: Vec<(String, u64, String)>,
}

impl Recorder {
    /// Opens the tables of a run at `target` (a folder's files are in the scenario's
    /// `output.format`; CSV headers are written up front where a table may have no rows);
    /// `agents` gives each agent's kind and group name, by id. A table that goes nowhere is
    /// not made at all, or its rows are dropped (book, agents, events and episodes, whose
    /// recorders also feed the summary).
    pub fn create(
        target: Target<'_>,
        scenario: &crate::scenario::Scenario,
        agents: &[(AgentKind, String)],
    ) -> std::io::Result<Recorder> {
        let o = &scenario.params.output;
        let format = o.format;
        let open = |name: &str, columns: &dyn Fn() -> Vec<columns::Column>, header: bool| {
            Sink::open(target, format, name, columns, header)
        };
        // A table that only some runs write.
        let optional = |wanted: bool, name: &str, columns: &dyn Fn() -> Vec<columns::Column>| {
            if wanted && target.wants(name) {
                open(name, columns, true).map(Some)
            } else {
                Ok(None)
            }
        };
        let book_names: Vec<String> = scenario.books.iter().map(|b| b.name.clone()).collect();
        let scales: Vec<PriceScale> = scenario
            .books
            .iter()
            .map(|b| PriceScale::new(b.tick_size, b.lot_size))
            .collect();
        let trades = if o.trades && target.wants("trades") {
            // the specialised formatter for a CSV file, serde rows for anything else
            let (csv, rest) = match (target.folder, format) {
                (Some(dir), OutputFormat::Csv) => {
                    let file = TradeFile::create(
                        &dir.file(&sink::file_name("trades", format)),
                        agents,
                        &book_names,
                        scales.clone(),
                    )?;
                    let memory = Target {
                        folder: None,
                        ..target
                    };
                    (Some(file), memory)
                }
                _ => (None, target),
            };
            Some(TradesOut {
                csv,
                rows: Sink::open(rest, format, "trades", TradeRow::columns, true)?,
                agents: agents.to_vec(),
            })
        } else {
            None
        };
        Ok(Recorder {
            trades,
            book: open("book", &|| book_columns(&o.depth_bands_ticks), true)?,
            l2: optional(o.l2_levels > 0, "l2", &L2Row::columns)?,
            quotes: optional(
                o.quotes && !scenario.params.market_maker.is_empty(),
                "quotes",
                &QuoteRow::columns,
            )?,
            hedges: optional(scenario.writes_hedges(), "hedges", &HedgeRow::columns)?,
            options: optional(scenario.writes_options(), "options", &OptionRow::columns)?,
            events: open("events", &EventRow::columns, true)?,
            collapse: collapse::CollapseRecorder::new(
                scenario,
                agents
                    .iter()
                    .map(|(kind, _)| *kind == AgentKind::Program)
                    .collect(),
                open("episodes", &EpisodeRow::columns, true)?,
            ),
            maker_pnl: PnlPath::default(),
            maker_books: vec![MakerDepth::default(); book_names.len()],
            collapse_ticks: Vec::with_capacity(book_names.len()),
            // l2.csv and agents.csv take their header from the first row, as they always have
            agents: open("agents", &AgentRow::columns, false)?,
            #[cfg(feature = "arrow")]
            tables: Vec::new(),
            positions: Vec::with_capacity(book_names.len()),
            scales,
            basis: scenario.books.iter().map(|b| b.basis).collect(),
            refs_x2: Vec::with_capacity(book_names.len()),
            book_names,
            bands: o.depth_bands_ticks.clone(),
            l2_levels: o.l2_levels,
            sample_every: scenario.sample_every_steps,
            agents_every: scenario.agents_every_steps,
            total_steps: scenario.steps,
            error: None,
            cells: Vec::new(),
            digests: Vec::new(),
        })
    }

    /// The price scale of each book, by book id.
    pub fn scales(&self) -> &[PriceScale] {
        &self.scales
    }

    /// The files whose SHA-256 was taken as they were written, once [`Recorder::finish`]ed:
    /// (name, bytes, digest in hex), for `OutputDir::note_digest`.
    pub fn digests(&self) -> &[(String, u64, String)] {
        &self.digests
    }

    /// The first write error, if any happened.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    fn note(&mut self, file: &str, r: csv::Result<()>) {
        if let Err(e) = r
            && self.error.is_none()
        {
            self.error = Some(format!("writing {file}: {e}"));
        }
    }

    /// Ends every table: flushes the files, or hands the in-memory tables over to
    /// [`Recorder::tables`] in [`TABLES`] order. The first error (of the run or of this) is
    /// returned.
    pub fn finish(&mut self, dir: &Path) -> Result<(), String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let failed = |name: &str, e: &dyn std::fmt::Display| {
            format!("writing {}: {e}", dir.join(name).display())
        };
        let mut done: Vec<Finished> = Vec::with_capacity(TABLES.len());
        let end = |done: &mut Vec<Finished>, sink: Option<&mut Sink>, name: &str| {
            if let Some(s) = sink {
                done.push(s.finish().map_err(|e| failed(name, &e))?);
            }
            Ok::<(), String>(())
        };
        end(&mut done, Some(&mut self.book), "book")?;
        end(&mut done, self.l2.as_mut(), "l2")?;
        if let Some(t) = &mut self.trades {
            if let Some(w) = &mut t.csv {
                let (bytes, sha256) = w.finish().map_err(|e| failed("trades.csv", &e))?;
                self.digests.push(("trades.csv".into(), bytes, sha256));
            }
            end(&mut done, Some(&mut t.rows), "trades")?;
        }
        end(&mut done, self.quotes.as_mut(), "quotes")?;
        end(&mut done, self.hedges.as_mut(), "hedges")?;
        end(&mut done, self.options.as_mut(), "options")?;
        end(&mut done, Some(&mut self.events), "events")?;
        done.push(
            self.collapse
                .finish(&self.book_names)
                .map_err(|e| failed("episodes", &e))?,
        );
        end(&mut done, Some(&mut self.agents), "agents")?;
        #[cfg(feature = "arrow")]
        self.tables.extend(done.into_iter().flatten());
        #[cfg(not(feature = "arrow"))]
        drop(done);
        Ok(())
    }
}

/// Record phase, as one system (a system costs its dispatch and its parameters' look-ups
/// every step): the step's trades ([`record_trades`]), quotes and hedges
/// ([`record_quotes`]), then the samples ([`record_samples`]).
#[allow(clippy::too_many_arguments)]
pub fn record_step(
    out: Res<StepOutcomes>,
    fundamental: Res<Fundamental>,
    quotes: Res<QuoteLog>,
    hedges: Res<HedgeLog>,
    option_log: Res<OptionLog>,
    events: Res<EventLog>,
    dir: Res<AgentDirectory>,
    clock: Res<Clock>,
    books: Res<BookIndex>,
    mut exchanges: Query<&mut Exchange>,
    index: Res<AgentIndex>,
    agents: Query<(&Agent, &Account, Option<&MarketMaker>, Option<&OptionDesk>)>,
    makers: Query<&MarketMaker>,
    mut rec: ResMut<Recorder>,
) {
    let rec = &mut *rec;
    record_trades(&out, &fundamental, rec);
    record_quotes(&quotes, &hedges, &option_log, &events, &dir, rec);
    record_samples(
        &clock,
        &books,
        &mut exchanges,
        &fundamental,
        &index,
        &dir,
        &agents,
        &makers,
        rec,
    );
}

/// Every trade of the step to the collapse detectors' counters (programs' fills, net
/// aggressive volume) and to trades.csv.
pub fn record_trades(out: &StepOutcomes, fundamental: &Fundamental, rec: &mut Recorder) {
    if rec.collapse.watching() {
        rec.collapse.note_trades(&out.trades);
    }
    if rec.error.is_some() || out.trades.is_empty() {
        return;
    }
    let Some(w) = rec.trades.as_mut() else {
        return;
    };
    let result = out.trades.iter().try_for_each(|t| {
        let b = usize::from(t.book.0);
        let (scale, value) = (rec.scales[b], fundamental.value + rec.basis[b]);
        if let Some(csv) = &mut w.csv {
            csv.write(t, value)?;
        }
        if !matches!(w.rows, Sink::Discard) {
            let row = trade_row(t, &w.agents, &rec.book_names[b], scale, value);
            w.rows.serialize(row)?;
        }
        Ok::<(), csv::Error>(())
    });
    rec.note("trades.csv", result);
}

/// trades.csv's row of `t` (what [`TradeWriter`] writes as text).
fn trade_row<'a>(
    t: &crate::sim::resources::TradeEvent,
    agents: &'a [(AgentKind, String)],
    book: &'a str,
    scale: PriceScale,
    fundamental: f64,
) -> TradeRow<'a> {
    let (buyer, seller) = match t.aggressor {
        Side::Buy => (t.taker, t.maker),
        Side::Sell => (t.maker, t.taker),
    };
    TradeRow {
        t_s: t.t_ns as f64 / 1e9,
        book,
        price: scale.price(t.price_ticks as f64),
        qty_lots: t.qty_lots,
        aggressor: t.aggressor.as_str(),
        mid_before: t.mid_x2_before.map(|m| scale.price(m as f64 / 2.0)),
        fundamental,
        buyer_id: buyer,
        buyer_kind: agents[buyer as usize].0.as_str(),
        buyer_group: &agents[buyer as usize].1,
        seller_id: seller,
        seller_kind: agents[seller as usize].0.as_str(),
        seller_group: &agents[seller as usize].1,
    }
}

/// The makers' requotes of the step to quotes.csv, and their hedges finished in the step to
/// hedges.csv.
pub fn record_quotes(
    log: &QuoteLog,
    hedges: &HedgeLog,
    option_log: &OptionLog,
    events: &EventLog,
    dir: &AgentDirectory,
    rec: &mut Recorder,
) {
    if rec.error.is_some() {
        return;
    }
    if !events.0.is_empty() {
        let mut r = Ok(());
        for e in &events.0 {
            let b = e.book.map(|b| usize::from(b.0));
            if let (EventKind::StateChange, Some(book), Some(agent), Some("withdrawn")) =
                (e.kind, b, e.agent, e.to)
            {
                rec.collapse
                    .note_withdrawal(book, agent, e.trigger.unwrap_or(""));
            }
            let s = b.map(|b| rec.scales[b]);
            let convert = |v: f64| match (e.unit, s) {
                (ValueUnit::TickLots, Some(s)) => s.money_unrounded(v),
                _ => v,
            };
            r = r.and(rec.events.serialize(EventRow {
                t_s: e.t_ns as f64 / 1e9,
                book: b.map_or("", |b| rec.book_names[b].as_str()),
                agent_id: e.agent,
                group: e.agent.map_or("", |a| dir.0[a as usize].1.as_str()),
                kind: e.kind.as_str(),
                from: e.from.unwrap_or(""),
                to: e.to.unwrap_or(""),
                trigger: e.trigger.unwrap_or(""),
                value: e.value.map(convert),
                threshold: e.threshold.map(convert),
            }));
        }
        rec.note("events.csv", r);
    }
    if !option_log.0.is_empty()
        && let Some(w) = rec.options.as_mut()
    {
        let mut r = Ok(());
        for o in &option_log.0 {
            let b = usize::from(o.book.0);
            let s = rec.scales[b];
            let weight = o.contracts as f64 * o.multiplier_lots as f64;
            r = r.and(w.serialize(OptionRow {
                t_s: o.t_ns as f64 / 1e9,
                agent_id: o.agent,
                group: &dir.0[o.agent as usize].1,
                book: &rec.book_names[b],
                event: o.event.as_str(),
                kind: o.kind.as_str(),
                strike: s.price(o.strike_ticks as f64),
                expiry_s: o.expiry_ns as f64 / 1e9,
                contracts: o.contracts,
                multiplier_lots: o.multiplier_lots,
                price: s.price_unrounded(o.price_ticks),
                fair_value: s.price_unrounded(o.fair_ticks),
                vol_per_sqrt_s: o.vol_per_sqrt_s,
                mid: s.price(o.mid_ticks),
                cash: s.money_unrounded(-weight * o.price_ticks),
            }));
        }
        rec.note("options.csv", r);
    }
    if !hedges.records.is_empty()
        && let Some(w) = rec.hedges.as_mut()
    {
        let mut r = Ok(());
        for h in &hedges.records {
            let b = usize::from(h.venue.0);
            let s = rec.scales[b];
            let slip = h.slippage_ticks();
            r = r.and(w.serialize(HedgeRow {
                t_s: h.t_ns as f64 / 1e9,
                agent_id: h.agent,
                group: &dir.0[h.agent as usize].1,
                venue: &rec.book_names[b],
                style: h.style,
                net_delta_lots: h.net_delta_lots,
                wanted_lots: h.wanted_lots,
                filled_lots: h.filled_lots,
                passive_lots: h.passive_lots,
                aggressive_lots: h.aggressive_lots,
                children: h.children,
                time_to_complete_s: (h.done_ns - h.t_ns) as f64 / 1e9,
                avg_fill_price: h.avg_fill_ticks.map(|p| s.price_unrounded(p)),
                decision_mid: s.price(h.mid_ticks),
                slippage_ticks: slip,
                slippage: slip.map(|t| s.money_unrounded(t)),
                unfilled_lots: h.unfilled_lots(),
            }));
        }
        rec.note("hedges.csv", r);
    }
    let Some(w) = rec.quotes.as_mut() else {
        return;
    };
    let mut r = Ok(());
    for q in &log.0 {
        let b = usize::from(q.book.0);
        let s = rec.scales[b];
        r = r.and(w.serialize(QuoteRow {
            t_s: q.t_ns as f64 / 1e9,
            book: &rec.book_names[b],
            agent_id: q.agent,
            group: &dir.0[q.agent as usize].1,
            mid: s.price(q.mid_ticks),
            reservation_price: s.price_unrounded(q.centre_ticks),
            half_spread_ticks: q.half_spread_ticks,
            sigma2_ticks2_per_s: q.var_per_s,
            inventory_lots: q.inventory_lots,
            target_bid: q.bid_ticks.map(|p| s.price(p as f64)),
            target_ask: q.ask_ticks.map(|p| s.price(p as f64)),
            bid_lots: q.bid_lots,
            ask_lots: q.ask_lots,
            requoted: match q.requoted {
                [true, true] => "both",
                [true, false] => "bid",
                _ => "ask",
            },
        }));
    }
    rec.note("quotes.csv", r);
}

/// The collapse detectors' tick, every `output.collapse.cadence_s`: each book's depth within
/// the collapse band per side, the makers' lots among it, its prices and volume, as of the end
/// of the step (whatever `sample_interval_s` is).
#[inline(never)] // its own entry in profiles: the detector's cost is measured on it
fn detect_collapse(
    t_ns: u64,
    books: &BookIndex,
    exchanges: &Query<&mut Exchange>,
    makers: &Query<&MarketMaker>,
    rec: &mut Recorder,
) {
    let band = rec.collapse.band_ticks;
    rec.collapse_ticks.clear();
    for &entity in &books.0 {
        let ex = exchanges.get(entity).expect("book entity");
        let (b, ref_x2) = (&ex.book, ex.reference_x2_ticks());
        let (bid, ask) = depth_around(b, ref_x2, band);
        rec.collapse_ticks.push(collapse::BookTick {
            t_ns,
            ref_x2_ticks: ref_x2,
            depth_lots: [bid, ask],
            maker_lots: [0; 2],
            mid_x2_ticks: b.mid_x2_ticks(),
            spread_ticks: b.spread_ticks(),
            volume_lots: ex.volume_lots,
        });
    }
    // the makers' lots among that depth
    let band_x2 = 2 * i64::from(band);
    for mm in makers {
        let tick = &mut rec.collapse_ticks[usize::from(mm.book.0)];
        let ref_x2 = tick.ref_x2_ticks;
        for q in mm.quotes.iter().filter(|q| q.id.is_some()) {
            // distance from the reference, half-ticks
            let (away_x2, side) = match q.side {
                Side::Buy => (ref_x2 - 2 * q.price_ticks, 0),
                Side::Sell => (2 * q.price_ticks - ref_x2, 1),
            };
            if away_x2 <= band_x2 {
                tick.maker_lots[side] += q.qty_lots;
            }
        }
    }
    for bi in 0..rec.collapse_ticks.len() {
        let tick = rec.collapse_ticks[bi];
        let r = rec.collapse.tick(bi, &rec.book_names[bi], &tick);
        rec.note("episodes.csv", r);
    }
}

/// book.csv and l2.csv every `sample_interval_s`, agents.csv every
/// `agents_sample_interval_s` (both rounded to whole steps), and both at the run's last step,
/// as of the end of the step; and the collapse detectors' tick every
/// `output.collapse.cadence_s` (a whole number of steps), independent of those.
#[allow(clippy::too_many_arguments)]
pub fn record_samples(
    clock: &Clock,
    books: &BookIndex,
    exchanges: &mut Query<&mut Exchange>,
    fundamental: &Fundamental,
    index: &AgentIndex,
    dir: &AgentDirectory,
    agents: &Query<(&Agent, &Account, Option<&MarketMaker>, Option<&OptionDesk>)>,
    makers: &Query<&MarketMaker>,
    rec: &mut Recorder,
) {
    let n = clock.step + 1;
    if rec.error.is_some() {
        return;
    }
    let t_s = clock.end_s();
    // Every interval, and the run's last step (so the final state is always recorded).
    let last = n == rec.total_steps;
    let sample = n.is_multiple_of(rec.sample_every) || last;
    let agents_sample = n.is_multiple_of(rec.agents_every) || last;
    if n.is_multiple_of(rec.collapse.every_steps) {
        detect_collapse(clock.end_ns(), books, exchanges, makers, rec);
    }
    if !sample && !agents_sample {
        return;
    }
    rec.refs_x2.clear();
    for &entity in &books.0 {
        let ex = exchanges.get(entity).expect("book entity");
        rec.refs_x2.push(ex.reference_x2_ticks());
    }
    if sample {
        // makers on each side, and their lots within the first band, per book
        let band_x2 = 2 * i64::from(rec.bands[0]);
        rec.maker_books
            .iter_mut()
            .for_each(|m| *m = MakerDepth::default());
        for mm in makers {
            let b = usize::from(mm.book.0);
            let ref_x2 = rec.refs_x2[b];
            let m = &mut rec.maker_books[b];
            let (mut bid, mut ask) = (false, false);
            for q in mm.quotes.iter().filter(|q| q.id.is_some()) {
                // distance from the reference, half-ticks
                let away_x2 = match q.side {
                    Side::Buy => {
                        bid = true;
                        ref_x2 - 2 * q.price_ticks
                    }
                    Side::Sell => {
                        ask = true;
                        2 * q.price_ticks - ref_x2
                    }
                };
                if away_x2 <= band_x2 {
                    m.first_band_lots += q.qty_lots;
                }
            }
            m.bid_makers += u64::from(bid);
            m.ask_makers += u64::from(ask);
        }
    }
    for (bi, &entity) in books.0.iter().enumerate() {
        let mut ex = exchanges.get_mut(entity).expect("book entity");
        let ref_x2 = rec.refs_x2[bi];
        if !sample {
            continue;
        }
        let s = rec.scales[bi];
        let b = &ex.book;
        let opt = |v: Option<f64>| v.map_or(Cell::Empty(None), Cell::F);
        rec.cells.clear();
        rec.cells.extend([
            Cell::F(t_s),
            Cell::Book(bi),
            opt(b.best_bid().map(|p| s.price(p.0 as f64))),
            opt(b.best_ask().map(|p| s.price(p.0 as f64))),
            opt(b.mid_ticks().map(|m| s.price(m))),
            opt(b.spread_ticks().map(|d| s.price(d as f64))),
            Cell::U(b.order_count() as u64),
        ]);
        let mut first_band_lots = 0;
        for (i, &k) in rec.bands.iter().enumerate() {
            let (bid, ask) = depth_around(b, ref_x2, k);
            if i == 0 {
                first_band_lots = bid + ask;
            }
            rec.cells.extend([Cell::U(bid), Cell::U(ask)]);
        }
        let m = rec.maker_books[bi];
        let (makers_bid, makers_ask, maker_lots) = (m.bid_makers, m.ask_makers, m.first_band_lots);
        rec.collapse
            .sample_price(bi, b.mid_ticks().map(|m| s.price(m)));
        rec.cells.extend([
            Cell::F(fundamental.end_value + rec.basis[bi]),
            opt(ex.last_trade.map(|p| s.price(p as f64))),
            Cell::U(ex.volume_since_sample),
            Cell::U(ex.trades_since_sample),
            Cell::U(makers_bid),
            Cell::U(makers_ask),
            opt((first_band_lots > 0).then(|| maker_lots as f64 / first_band_lots as f64)),
        ]);
        let r = rec.book.serialize(CellRow {
            cells: &rec.cells,
            names: &rec.book_names,
        });
        rec.note("book.csv", r);
        if let Some(w) = rec.l2.as_mut() {
            let mut r = Ok(());
            for (side, side_name) in [(Side::Buy, "bid"), (Side::Sell, "ask")] {
                for (i, l) in b.levels(side).take(rec.l2_levels as usize).enumerate() {
                    r = r.and(w.serialize(L2Row {
                        t_s,
                        book: &rec.book_names[bi],
                        side: side_name,
                        level: i as u32 + 1,
                        price: s.price(l.price.0 as f64),
                        qty_lots: l.qty.0,
                        orders: l.orders,
                    }));
                }
            }
            rec.note("l2.csv", r);
        }
        ex.volume_since_sample = 0;
        ex.trades_since_sample = 0;
    }
    if agents_sample {
        let mut r = Ok(());
        let mut makers_pnl = None;
        for (id, &entity) in index.0.iter().enumerate() {
            let Ok((agent, acct, mm, desk)) = agents.get(entity) else {
                continue;
            };
            let b = usize::from(agent.book.0);
            let mark = rec.refs_x2[b] as f64 / 2.0;
            let s = rec.scales[b];
            let pnl = mm.map(|m| {
                rec.positions.clear();
                for (bi, &e) in books.0.iter().enumerate() {
                    let ex = exchanges.get(e).expect("book entity");
                    rec.positions
                        .push((ex.risk.position(id as u32), rec.refs_x2[bi]));
                }
                maker_pnl(acct, m, desk, &rec.positions, mark, clock.end_ns())
            });
            // Underlying amounts are multiples of half a tick·lot: printed exactly at the
            // tick's decimals + 1. Option amounts are printed in full.
            let money = |f: fn(&crate::agents::market_maker::MakerPnl) -> f64| {
                pnl.as_ref().map(|p| s.money(f(p)))
            };
            let option_money = |f: fn(&crate::agents::market_maker::MakerPnl) -> f64| {
                pnl.as_ref().map(|p| s.money_unrounded(f(p)))
            };
            let greek = |f: fn(&crate::models::option_book::BookGreeks) -> f64| {
                pnl.as_ref().map(|p| f(&p.options.greeks))
            };
            let pnl_value = match &pnl {
                Some(p) if desk.is_some() => s.money_unrounded(p.total_tick_lots()),
                Some(p) => s.money(p.underlying_tick_lots),
                None => s.money(acct.pnl_tick_lots(mark)),
            };
            if mm.is_some() {
                makers_pnl = Some(makers_pnl.unwrap_or(0.0) + pnl_value);
            }
            r = r.and(
                rec.agents.serialize(AgentRow {
                    t_s,
                    agent_id: id as u32,
                    kind: agent.kind.as_str(),
                    group: &dir.0[id].1,
                    inventory_lots: acct.inventory_lots,
                    cash: s.money(acct.cash_tick_lots as f64),
                    pnl: pnl_value,
                    volume_lots: acct.volume_lots,
                    fills: acct.fills,
                    quoting: mm.map_or("", |m| m.quoting_state()),
                    markout_per_lot: mm
                        .filter(|m| m.markout_lots > 0)
                        .map(|m| s.money_unrounded(m.markout_tick_lots / m.markout_lots as f64)),
                    net_delta_lots: greek(|g| g.delta_lots).map(|d| acct.inventory_lots as f64 + d),
                    option_delta_lots: greek(|g| g.delta_lots),
                    option_gamma_lots_per_tick: greek(|g| g.gamma_lots_per_tick),
                    option_vega: option_money(|p| p.options.greeks.vega),
                    option_theta_per_s: option_money(|p| p.options.greeks.theta),
                    option_value: option_money(|p| p.options.greeks.value),
                    hedges: mm.map(|m| m.ledger.hedges),
                    hedge_lots: mm.map(|m| m.ledger.hedge_lots),
                    hedge_slippage: money(|p| -p.hedging_tick_lots),
                    pnl_spread: money(|p| p.spread_tick_lots),
                    pnl_inventory: money(|p| p.inventory_tick_lots),
                    pnl_hedging: money(|p| p.hedging_tick_lots),
                    pnl_option_premium: option_money(|p| p.options.premium_tick_lots),
                    pnl_option_revaluation: option_money(|p| p.options.revaluation_tick_lots),
                    pnl_settlement: option_money(|p| p.options.settlement_tick_lots),
                    state: mm.map_or("", |m| m.risk.state.as_str()),
                    time_in_state_s: mm
                        .map(|m| clock.end_ns().saturating_sub(m.risk.entered_ns) as f64 / 1e9),
                    withdrawn_s: mm.map(|m| m.risk.withdrawn_ns(clock.end_ns()) as f64 / 1e9),
                }),
            );
        }
        rec.note("agents.csv", r);
        if let Some(total) = makers_pnl {
            rec.maker_pnl.push(total);
        }
    }
}
