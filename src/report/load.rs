//! The report's data, gathered from the run's CSV files in one pass over each: the book's
//! series per book, the makers' samples and state changes, hedges, episodes and the summary
//! row. Only what is plotted is kept: agents.csv's rows of other agents are skipped as they
//! stream past, and trades.csv and l2.csv are read by [`super::realism`] without keeping rows.

use super::error::ReportError;
use super::read::{Csv, RunInfo};
use std::collections::BTreeMap;
use std::path::Path;

/// book.csv's series of one book, one entry per sample.
#[derive(Debug, Clone, Default)]
pub struct BookSeries {
    /// Sample times, s.
    pub t_s: Vec<f64>,
    /// Mid, currency (`None`: a side empty).
    pub mid: Vec<Option<f64>>,
    /// The fundamental value (plus nothing: the book's own basis is in it), currency.
    pub fundamental: Vec<Option<f64>>,
    /// Spread, ticks.
    pub spread_ticks: Vec<Option<f64>>,
    /// Resting lots within the first depth band, bid side.
    pub depth_bid: Vec<Option<f64>>,
    /// The same, ask side.
    pub depth_ask: Vec<Option<f64>>,
}

/// book.csv, per book.
#[derive(Debug, Clone)]
pub struct BookData {
    /// The first depth band, ticks (book.csv's first `depth_bid_{k}t_lots`).
    pub band_ticks: u32,
    /// One per book of the run, in the manifest's order.
    pub books: Vec<BookSeries>,
}

/// Reads book.csv.
pub fn book_data(run: &RunInfo) -> Result<BookData, ReportError> {
    let path = run.dir.join("book.csv");
    let mut csv = Csv::open(&path, &["t_s", "book", "mid", "spread", "fundamental"])?;
    let band_ticks = csv
        .header()
        .iter()
        .find_map(|h| {
            h.strip_prefix("depth_bid_")?
                .strip_suffix("t_lots")?
                .parse::<u32>()
                .ok()
        })
        .ok_or_else(|| ReportError::MissingColumns {
            file: path.clone(),
            columns: vec!["depth_bid_<k>t_lots".into()],
        })?;
    let ask_name = format!("depth_ask_{band_ticks}t_lots");
    let ask = csv
        .col(&ask_name)
        .ok_or_else(|| ReportError::MissingColumns {
            file: path.clone(),
            columns: vec![ask_name.clone()],
        })?;
    let bid = csv.req(&format!("depth_bid_{band_ticks}t_lots"));
    let (t, book, mid, spread, fund) = (
        csv.req("t_s"),
        csv.req("book"),
        csv.req("mid"),
        csv.req("spread"),
        csv.req("fundamental"),
    );
    let mut books = vec![BookSeries::default(); run.books.len()];
    while csv.next_row()? {
        let Some(b) = run.book_index(csv.str(book)) else {
            return Err(csv.bad(
                book,
                format!("{:?} is not a book of this run", csv.str(book)),
            ));
        };
        let tick = run.books[b].tick_size;
        let s = &mut books[b];
        s.t_s.push(csv.num(t)?);
        s.mid.push(csv.f64(mid)?);
        s.fundamental.push(csv.f64(fund)?);
        s.spread_ticks.push(csv.f64(spread)?.map(|x| x / tick));
        s.depth_bid.push(csv.f64(bid)?);
        s.depth_ask.push(csv.f64(ask)?);
    }
    Ok(BookData { band_ticks, books })
}

/// One agents.csv sample of a maker.
#[derive(Debug, Clone, PartialEq)]
pub struct MakerSample {
    /// Sample time, s.
    pub t_s: f64,
    /// Inventory, lots.
    pub inventory_lots: f64,
    /// Net delta, lots of the underlying (`None`: not in the file).
    pub net_delta_lots: Option<f64>,
    /// Which sides it quotes: `both`, `bid_only`, `ask_only`, `none`.
    pub quoting: String,
    /// Its withdrawal state.
    pub state: String,
    /// Option delta (lots), gamma (lots per tick), vega (currency per 1.0 of volatility per
    /// √s) and theta (currency per s); `None` where the file lacks them.
    pub greeks: [Option<f64>; 4],
}

/// A market maker and what the run recorded of it.
#[derive(Debug, Clone)]
pub struct Maker {
    /// Agent id.
    pub id: u64,
    /// Group name.
    pub group: String,
    /// Its book's name.
    pub book: String,
    /// agents.csv samples, in time order.
    pub samples: Vec<MakerSample>,
    /// Withdrawal states from events.csv: `(from t_s, state)`, starting with `quoting` at 0.
    /// Empty when events.csv has no state change of this maker.
    pub states: Vec<(f64, String)>,
}

/// agents.csv's option greek columns, in [`MakerSample::greeks`] order.
pub const GREEKS: [&str; 4] = [
    "option_delta_lots",
    "option_gamma_lots_per_tick",
    "option_vega",
    "option_theta_per_s",
];

/// Reads the makers' rows of agents.csv and their state changes in events.csv (when the
/// run wrote it).
pub fn makers(run: &RunInfo) -> Result<Vec<Maker>, ReportError> {
    let path = run.dir.join("agents.csv");
    let mut csv = Csv::open(
        &path,
        &[
            "t_s",
            "agent_id",
            "kind",
            "group",
            "inventory_lots",
            "quoting",
        ],
    )?;
    let (t, id, kind, group, inv, quoting) = (
        csv.req("t_s"),
        csv.req("agent_id"),
        csv.req("kind"),
        csv.req("group"),
        csv.req("inventory_lots"),
        csv.req("quoting"),
    );
    let delta = csv.col("net_delta_lots");
    let state = csv.col("state");
    let greeks = GREEKS.map(|g| csv.col(g));
    let mut by_id: BTreeMap<u64, Maker> = BTreeMap::new();
    while csv.next_row()? {
        if csv.str(kind) != "market_maker" {
            continue;
        }
        let agent = csv
            .str(id)
            .parse::<u64>()
            .map_err(|_| csv.bad(id, format!("{:?} is not an agent id", csv.str(id))))?;
        let opt = |c: Option<usize>| c.map_or(Ok(None), |i| csv.f64(i));
        let sample = MakerSample {
            t_s: csv.num(t)?,
            inventory_lots: csv.num(inv)?,
            net_delta_lots: opt(delta)?,
            quoting: csv.str(quoting).to_string(),
            state: state.map_or("quoting", |i| csv.str(i)).to_string(),
            greeks: [
                opt(greeks[0])?,
                opt(greeks[1])?,
                opt(greeks[2])?,
                opt(greeks[3])?,
            ],
        };
        let g = csv.str(group);
        by_id
            .entry(agent)
            .or_insert_with(|| Maker {
                id: agent,
                group: g.to_string(),
                book: run
                    .maker_books
                    .get(g)
                    .cloned()
                    .unwrap_or_else(|| run.books[0].name.clone()),
                samples: Vec::new(),
                states: Vec::new(),
            })
            .samples
            .push(sample);
    }
    if run.has("events.csv") {
        let path = run.dir.join("events.csv");
        let mut ev = Csv::open(&path, &["t_s", "agent_id", "kind", "from", "to"])?;
        let (t, id, kind, to) = (
            ev.req("t_s"),
            ev.req("agent_id"),
            ev.req("kind"),
            ev.req("to"),
        );
        while ev.next_row()? {
            if ev.str(kind) != "state_change" {
                continue;
            }
            let Ok(agent) = ev.str(id).parse::<u64>() else {
                return Err(ev.bad(id, format!("{:?} is not an agent id", ev.str(id))));
            };
            if let Some(m) = by_id.get_mut(&agent) {
                if m.states.is_empty() {
                    m.states.push((0.0, "quoting".into()));
                }
                m.states.push((ev.num(t)?, ev.str(to).to_string()));
            }
        }
    }
    Ok(by_id.into_values().collect())
}

/// One hedge (hedges.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct Hedge {
    /// Decision time, s.
    pub t_s: f64,
    /// The maker.
    pub agent_id: u64,
    /// Lots wanted, signed.
    pub wanted_lots: f64,
    /// Lots filled, signed.
    pub filled_lots: f64,
    /// Slippage, ticks (`None`: nothing filled).
    pub slippage_ticks: Option<f64>,
}

/// Reads hedges.csv, or nothing when the run has none.
pub fn hedges(run: &RunInfo) -> Result<Option<Vec<Hedge>>, ReportError> {
    if !run.has("hedges.csv") {
        return Ok(None);
    }
    let path = run.dir.join("hedges.csv");
    let cols = [
        "t_s",
        "agent_id",
        "wanted_lots",
        "filled_lots",
        "slippage_ticks",
    ];
    let mut csv = Csv::open(&path, &cols)?;
    let [t, id, want, fill, slip] = cols.map(|c| csv.req(c));
    let mut out = Vec::new();
    while csv.next_row()? {
        out.push(Hedge {
            t_s: csv.num(t)?,
            agent_id: csv.num(id)? as u64,
            wanted_lots: csv.num(want)?,
            filled_lots: csv.num(fill)?,
            slippage_ticks: csv.f64(slip)?,
        });
    }
    Ok(Some(out))
}

/// A collapse episode (episodes.csv), as far as shading needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// Index of its book in the run's books.
    pub book: usize,
    /// `true` for the bid side, `false` for the ask.
    pub bid: bool,
    /// Start and end, s.
    pub start_s: f64,
    /// End, s (the run's end when it did not recover).
    pub end_s: f64,
    /// Whether depth came back before the run ended.
    pub recovered: bool,
}

/// episodes.csv: the episodes, and its header and rows as text for the page's table.
#[derive(Debug, Clone, Default)]
pub struct Episodes {
    /// The episodes.
    pub list: Vec<Episode>,
    /// The file's header.
    pub header: Vec<String>,
    /// Its first rows (at most [`EPISODE_ROWS_SHOWN`]), as text.
    pub rows: Vec<Vec<String>>,
}

/// Most episodes listed in the page's table.
pub const EPISODE_ROWS_SHOWN: usize = 200;

/// Reads episodes.csv, or `None` when the folder has none.
pub fn episodes(run: &RunInfo) -> Result<Option<Episodes>, ReportError> {
    let path = run.dir.join("episodes.csv");
    if !path.is_file() {
        return Ok(None);
    }
    let cols = ["book", "side", "start_s", "end_s", "recovered"];
    let mut csv = Csv::open(&path, &cols)?;
    let [book, side, start, end, rec] = cols.map(|c| csv.req(c));
    let mut e = Episodes {
        header: csv.header().iter().map(str::to_string).collect(),
        ..Episodes::default()
    };
    while csv.next_row()? {
        let b = run.book_index(csv.str(book)).ok_or_else(|| {
            csv.bad(
                book,
                format!("{:?} is not a book of this run", csv.str(book)),
            )
        })?;
        let bid = match csv.str(side) {
            "bid" => true,
            "ask" => false,
            s => return Err(csv.bad(side, format!("{s:?} is neither bid nor ask"))),
        };
        let recovered = match csv.str(rec) {
            "true" => true,
            "false" => false,
            s => return Err(csv.bad(rec, format!("{s:?} is neither true nor false"))),
        };
        e.list.push(Episode {
            book: b,
            bid,
            start_s: csv.num(start)?,
            end_s: csv.num(end)?,
            recovered,
        });
        if e.rows.len() < EPISODE_ROWS_SHOWN {
            e.rows.push(
                (0..e.header.len())
                    .map(|i| csv.str(i).to_string())
                    .collect(),
            );
        }
    }
    Ok(Some(e))
}

/// summary.csv's header and its (first) row.
pub fn summary(dir: &Path) -> Result<(Vec<String>, Vec<String>), ReportError> {
    let path = dir.join("summary.csv");
    let mut csv = Csv::open(&path, &["scenario", "seed"])?;
    let header: Vec<String> = csv.header().iter().map(str::to_string).collect();
    if !csv.next_row()? {
        return Err(ReportError::MissingFile {
            file: path,
            what: "the summary row (the file has only its header)".into(),
        });
    }
    let row = (0..header.len()).map(|i| csv.str(i).to_string()).collect();
    Ok((header, row))
}
