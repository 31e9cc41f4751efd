//! The report's figures, built from the loaded data: the run's series over time (index.html)
//! and the stylized facts (realism.html). Long series are cut to a few points per pixel
//! column ([`MinMaxBuckets`]), keeping each column's extremes.

use super::bands::StateBands;
use super::legend::{Entry, Swatch};
use super::load::{BookData, Episodes, GREEKS, Hedge, Maker};
use super::markers::{MarkKind, Marks};
use super::plots::{Bar, Figure, Panel, Series, Shade, Style, XLabels, colour};
use super::read::RunInfo;
use super::realism::{BookFacts, MIN_ORDERS};
use super::stats::{MinMaxBuckets, white_noise_band};
use plotters::style::RGBColor;

/// Pixel columns a time series is cut to.
const COLUMNS: usize = 1100;
/// The x-axis of every time plot.
const TIME: &str = "time since the open, s";

fn series(
    label: impl Into<String>,
    c: RGBColor,
    style: Style,
    t: &[f64],
    y: impl Iterator<Item = Option<f64>>,
    end_s: f64,
) -> Series {
    let mut b = MinMaxBuckets::new(0.0, end_s, COLUMNS);
    for (x, v) in t.iter().zip(y) {
        b.push(*x, v);
    }
    Series {
        label: label.into(),
        colour: c,
        style,
        segments: b.finish(),
    }
}

/// Points as one segment, not downsampled (hedges, few).
fn points(label: impl Into<String>, c: RGBColor, pts: Vec<(f64, f64)>) -> Series {
    Series {
        label: label.into(),
        colour: c,
        style: Style::Points,
        segments: vec![pts],
    }
}

fn time_panel(title: String, y_desc: &str, end_s: f64) -> Panel {
    let mut p = Panel::new(title, TIME, y_desc);
    p.x_range = Some((0.0, end_s.max(f64::MIN_POSITIVE)));
    p
}

fn book_title(run: &RunInfo, what: &str, b: usize) -> String {
    if run.books.len() == 1 {
        what.to_string()
    } else {
        format!("{what}: book {}", run.books[b].name)
    }
}

/// Mid against the fundamental, one panel per book, events marked.
pub fn mid(run: &RunInfo, data: &BookData, marks: &Marks) -> Figure {
    let end = run.duration_s;
    let panels = data
        .books
        .iter()
        .enumerate()
        .map(|(b, s)| {
            let mut p = time_panel(
                book_title(run, "Mid price and fundamental value", b),
                "price, currency",
                end,
            );
            p.marks = marks.for_book(b);
            p.series.push(series(
                "fundamental",
                colour(6),
                Style::Line,
                &s.t_s,
                s.fundamental.iter().copied(),
                end,
            ));
            p.series.push(series(
                "mid",
                colour(0),
                Style::Line,
                &s.t_s,
                s.mid.iter().copied(),
                end,
            ));
            p
        })
        .collect();
    Figure {
        name: "mid".into(),
        panels,
    }
}

/// The spread in ticks, one panel per book, events marked.
pub fn spread(run: &RunInfo, data: &BookData, marks: &Marks) -> Figure {
    let end = run.duration_s;
    let panels = data
        .books
        .iter()
        .enumerate()
        .map(|(b, s)| {
            let mut p = time_panel(book_title(run, "Bid-ask spread", b), "spread, ticks", end);
            p.marks = marks.for_book(b);
            p.y_from_zero = true;
            p.series.push(series(
                "spread (gaps: a side empty)",
                colour(1),
                Style::Line,
                &s.t_s,
                s.spread_ticks.iter().copied(),
                end,
            ));
            p
        })
        .collect();
    Figure {
        name: "spread".into(),
        panels,
    }
}

/// Depth within the first band per side, one panel per book, collapse episodes shaded (bid
/// episodes plain, ask episodes hatched, so that overlapping ones stay apart), events marked.
pub fn depth(run: &RunInfo, data: &BookData, episodes: Option<&Episodes>, marks: &Marks) -> Figure {
    let end = run.duration_s;
    let k = data.band_ticks;
    let panels = data
        .books
        .iter()
        .enumerate()
        .map(|(b, s)| {
            let mut p = time_panel(
                book_title(
                    run,
                    &format!("Resting depth within {k} ticks of the mid"),
                    b,
                ),
                "depth, lots",
                end,
            );
            p.y_from_zero = true;
            p.marks = marks.for_book(b);
            for e in episodes
                .iter()
                .flat_map(|e| &e.list)
                .filter(|e| e.book == b)
            {
                let side = if e.bid { "bid" } else { "ask" };
                p.shades.push(Shade {
                    x0: e.start_s,
                    x1: e.end_s,
                    colour: match (e.bid, e.recovered) {
                        (true, true) => colour(0),
                        (false, true) => colour(1),
                        (true, false) => colour(3),
                        (false, false) => colour(4),
                    },
                    hatched: !e.bid,
                    label: if e.recovered {
                        format!("{side} collapse episode")
                    } else {
                        format!("{side} collapse episode (not recovered)")
                    },
                });
            }
            p.series.push(series(
                "bid depth",
                colour(0),
                Style::Line,
                &s.t_s,
                s.depth_bid.iter().copied(),
                end,
            ));
            p.series.push(series(
                "ask depth",
                colour(1),
                Style::Line,
                &s.t_s,
                s.depth_ask.iter().copied(),
                end,
            ));
            p
        })
        .collect();
    Figure {
        name: "depth".into(),
        panels,
    }
}

fn maker_label(run: &RunInfo, m: &Maker) -> String {
    if run.books.len() > 1 {
        format!("{} #{} ({})", m.group, m.id, m.book)
    } else {
        format!("{} #{}", m.group, m.id)
    }
}

/// Makers' states and quoting sides: a band per maker; shocks, programs and halts marked.
pub fn states(run: &RunInfo, makers: &[Maker], marks: &Marks) -> StateBands {
    StateBands {
        name: "makers_state".into(),
        title: "Market makers: withdrawal state (band) and sides quoted (strip beneath)".into(),
        end_s: run.duration_s,
        makers: makers
            .iter()
            .map(|m| {
                let states = if m.states.is_empty() {
                    // no state change in events.csv: agents.csv's samples, each from the one before
                    let mut v: Vec<(f64, String)> = Vec::new();
                    let mut prev_t = 0.0;
                    for s in &m.samples {
                        if v.last().is_none_or(|l| l.1 != s.state) {
                            v.push((prev_t, s.state.clone()));
                        }
                        prev_t = s.t_s;
                    }
                    v
                } else {
                    m.states.clone()
                };
                let quoting = m
                    .samples
                    .iter()
                    .map(|s| (s.t_s, s.quoting.clone()))
                    .collect();
                (maker_label(run, m), states, quoting)
            })
            .collect(),
        marks: marks
            .all()
            .into_iter()
            .filter(|m| m.kind != MarkKind::Withdrawal)
            .collect(),
    }
}

/// Whether some maker's net delta differs from its inventory at some sample (it hedges in
/// another book or holds options): only then is a net-delta panel worth drawing.
pub fn net_delta_differs(makers: &[Maker]) -> bool {
    makers.iter().flat_map(|m| &m.samples).any(|s| {
        s.net_delta_lots
            .is_some_and(|d| (d - s.inventory_lots).abs() > 1e-9)
    })
}

/// Makers' inventory, and their net delta beneath when it carries information
/// ([`net_delta_differs`]); events marked.
pub fn inventory(run: &RunInfo, makers: &[Maker], marks: &Marks) -> Figure {
    let end = run.duration_s;
    let mut inv = time_panel("Market makers' inventory".into(), "inventory, lots", end);
    inv.marks = marks.all();
    let mut delta = time_panel(
        "Market makers' net delta (inventory over all books + options' delta)".into(),
        "net delta, lots of the underlying",
        end,
    );
    delta.marks = marks.all();
    for (i, m) in makers.iter().enumerate() {
        let t: Vec<f64> = m.samples.iter().map(|s| s.t_s).collect();
        let label = maker_label(run, m);
        inv.series.push(series(
            label.clone(),
            colour(i),
            Style::Line,
            &t,
            m.samples.iter().map(|s| Some(s.inventory_lots)),
            end,
        ));
        delta.series.push(series(
            label,
            colour(i),
            Style::Line,
            &t,
            m.samples.iter().map(|s| s.net_delta_lots),
            end,
        ));
    }
    let panels = if net_delta_differs(makers) {
        vec![inv, delta]
    } else {
        vec![inv]
    };
    Figure {
        name: "makers_inventory".into(),
        panels,
    }
}

/// Hedges: slippage and lots not filled, one dot per hedge; events marked.
pub fn hedges(run: &RunInfo, makers: &[Maker], hedges: &[Hedge], marks: &Marks) -> Figure {
    let end = run.duration_s;
    let mut slip = time_panel(
        "Hedge slippage against the decision mid (positive: a cost)".into(),
        "slippage, ticks",
        end,
    );
    let mut unfilled = time_panel(
        "Hedges: lots wanted and not filled".into(),
        "|unfilled|, lots",
        end,
    );
    unfilled.y_from_zero = true;
    slip.marks = marks.all();
    unfilled.marks = marks.all();
    let mut ids: Vec<u64> = hedges.iter().map(|h| h.agent_id).collect();
    ids.sort_unstable();
    ids.dedup();
    for (i, id) in ids.iter().enumerate() {
        let label = makers
            .iter()
            .find(|m| m.id == *id)
            .map_or_else(|| format!("#{id}"), |m| maker_label(run, m));
        let mine = hedges.iter().filter(|h| h.agent_id == *id);
        slip.series.push(points(
            label.clone(),
            colour(i),
            mine.clone()
                .filter_map(|h| h.slippage_ticks.map(|s| (h.t_s, s)))
                .collect(),
        ));
        unfilled.series.push(points(
            label,
            colour(i),
            mine.map(|h| (h.t_s, (h.wanted_lots - h.filled_lots).abs()))
                .collect(),
        ));
    }
    Figure {
        name: "hedges".into(),
        panels: vec![slip, unfilled],
    }
}

/// Makers' option greeks; events marked.
pub fn greeks(run: &RunInfo, makers: &[Maker], marks: &Marks) -> Figure {
    let end = run.duration_s;
    let titles = [
        ("Options' delta", "delta, lots of the underlying"),
        ("Options' gamma", "gamma, lots per tick"),
        ("Options' vega", "vega, currency per 1.0 of vol per √s"),
        ("Options' theta", "theta, currency per s"),
    ];
    let panels = titles
        .iter()
        .enumerate()
        .map(|(g, (title, unit))| {
            let mut p = time_panel(format!("{title} ({})", GREEKS[g]), unit, end);
            p.marks = marks.all();
            for (i, m) in makers.iter().enumerate() {
                let t: Vec<f64> = m.samples.iter().map(|s| s.t_s).collect();
                p.series.push(series(
                    maker_label(run, m),
                    colour(i),
                    Style::Line,
                    &t,
                    m.samples.iter().map(|s| s.greeks[g]),
                    end,
                ));
            }
            p
        })
        .collect();
    Figure {
        name: "greeks".into(),
        panels,
    }
}

/// The realism figures of book `b`: autocorrelations, kurtosis, spread, depth, impact.
pub fn realism(run: &RunInfo, b: usize, f: &BookFacts) -> Vec<Figure> {
    let suffix = if run.books.len() == 1 {
        String::new()
    } else {
        format!(" — book {}", f.book)
    };
    let stem = |s: &str| format!("realism_{b}_{s}");
    let mut out = Vec::new();
    for (name, title, abs) in [
        ("acf", "Autocorrelation of mid log returns", false),
        (
            "acf_abs",
            "Autocorrelation of absolute mid log returns (volatility clustering)",
            true,
        ),
    ] {
        let mut p = Panel::new(
            format!("{title}{suffix}"),
            "lag, in sampling intervals",
            "autocorrelation",
        );
        p.x_range = Some((0.5, super::realism::MAX_LAG as f64 + 0.5));
        p.y_from_zero = true;
        for (i, row) in f.acf.iter().enumerate() {
            let v = if abs { &row.abs_returns } else { &row.returns };
            let pts: Vec<(f64, f64)> = v
                .iter()
                .enumerate()
                .filter_map(|(l, a)| a.map(|a| ((l + 1) as f64, a)))
                .collect();
            p.series.push(Series {
                label: format!(
                    "{} s returns (n = {})",
                    super::plots::trim_number(row.interval_s),
                    row.n
                ),
                colour: colour(i),
                style: Style::LinePoints,
                segments: vec![pts],
            });
            let band = white_noise_band(row.n);
            for sgn in [1.0, -1.0] {
                p.series.push(Series {
                    // explained in the page: ±1.96/√n, in the interval's colour
                    label: String::new(),
                    colour: colour(i),
                    style: Style::Dashed,
                    segments: vec![vec![
                        (0.5, sgn * band),
                        (super::realism::MAX_LAG as f64 + 0.5, sgn * band),
                    ]],
                });
            }
        }
        out.push(Figure {
            name: stem(name),
            panels: vec![p],
        });
    }
    let mut k = Panel::new(
        format!("Excess kurtosis of mid log returns against the interval{suffix}"),
        "return interval, s (log scale)",
        "excess kurtosis",
    );
    k.x_labels = XLabels::Log10Seconds;
    k.y_from_zero = true;
    k.series.push(Series {
        label: "excess kurtosis (0: normal)".into(),
        colour: colour(0),
        style: Style::LinePoints,
        segments: vec![
            f.kurtosis
                .iter()
                .map(|(iv, _, v)| (libm::log10(*iv), *v))
                .collect(),
        ],
    });
    out.push(Figure {
        name: stem("kurtosis"),
        panels: vec![k],
    });
    let mut s = Panel::new(
        format!("Distribution of the spread over book.csv's samples{suffix}"),
        "spread, ticks",
        "share of samples, %",
    );
    let n = f.spread_samples.max(1) as f64;
    for (t, c) in &f.spread_ticks {
        s.bars.push(Bar {
            x0: *t as f64 - 0.4,
            x1: *t as f64 + 0.4,
            y: 100.0 * *c as f64 / n,
            colour: colour(2),
        });
    }
    out.push(Figure {
        name: stem("spread"),
        panels: vec![s],
    });
    let mut d = Panel::new(
        format!("Mean depth profile (l2.csv){suffix}"),
        "book level (1 = best): bids to the left, asks to the right",
        "mean resting lots",
    );
    d.x_labels = XLabels::Levels;
    d.keys = vec![
        Entry {
            swatch: Swatch::Solid(colour(0)),
            label: "bid".into(),
        },
        Entry {
            swatch: Swatch::Solid(colour(1)),
            label: "ask".into(),
        },
    ];
    for (l, q) in f.depth_bid.iter().enumerate() {
        let x = -((l + 1) as f64);
        d.bars.push(Bar {
            x0: x - 0.4,
            x1: x + 0.4,
            y: *q,
            colour: colour(0),
        });
    }
    for (l, q) in f.depth_ask.iter().enumerate() {
        let x = (l + 1) as f64;
        d.bars.push(Bar {
            x0: x - 0.4,
            x1: x + 0.4,
            y: *q,
            colour: colour(1),
        });
    }
    let levels = f.depth_bid.len().max(f.depth_ask.len()).max(1) as f64;
    d.x_range = Some((-levels - 0.6, levels + 0.6));
    out.push(Figure {
        name: stem("depth_profile"),
        panels: vec![d],
    });
    let mut i = Panel::new(
        format!("Mid move after an aggressive order, against its size{suffix}"),
        "order size, lots (log scale; buckets of powers of two)",
        "mean mid move in the order's direction, ticks",
    );
    i.x_labels = XLabels::Log2Lots;
    i.y_from_zero = true;
    i.series.push(Series {
        label: format!("mean move (buckets with ≥ {MIN_ORDERS} orders)"),
        colour: colour(1),
        style: Style::LinePoints,
        segments: vec![
            f.impact
                .iter()
                .filter(|b| b.orders >= MIN_ORDERS)
                .map(|b| {
                    (
                        libm::log2(b.lots / b.orders as f64),
                        b.impact_ticks / b.orders as f64,
                    )
                })
                .collect(),
        ],
    });
    out.push(Figure {
        name: stem("impact"),
        panels: vec![i],
    });
    out
}
