//! index.html and realism.html: plain, self-contained pages (inline style, no external
//! resources) that show the plots in plots/ beside their numbers.
//!
//! Each page ends with a small script that, once the page has loaded, writes every image's
//! natural width into its `data-natural-width` attribute: the browser check
//! (tests/browser/run.sh) reads them from the rendered DOM, and 0 means an image failed.

use super::load::Episodes;
use super::markers::{MarkKind, Marks};
use super::numbers::{DIGITS, cell, signed_significant, significant};
use super::realism::{BookFacts, MAX_LAG, MIN_ORDERS, findings, lots_label};
use std::fmt::Write;

/// Most marked events listed in the page's table.
pub const MARK_ROWS_SHOWN: usize = 200;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font-family:sans-serif;max-width:1240px;margin:1em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right;font-size:13px}\
th{background:#f2f2f2}td.k,th.k{text-align:left}img{max-width:100%;border:1px solid #ddd}\
.note{background:#fff8e0;border-left:4px solid #e6a000;padding:.5em 1em}.summary{columns:3;font-size:13px}\
figure{margin:1em 0}figcaption{font-size:14px;color:#444}";

const SCRIPT: &str = "<script>\nwindow.addEventListener('load', function () {\n  var imgs = document.images;\n  for (var i = 0; i < imgs.length; i++) {\n    imgs[i].setAttribute('data-natural-width', String(imgs[i].naturalWidth));\n  }\n  document.body.setAttribute('data-images', String(imgs.length));\n});\n</script>\n";

/// The page's start: doctype, title and the inline style.
pub fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(title)
    )
}

/// The page's end: the script that records each image's natural width, and the closing tags.
pub fn tail() -> String {
    format!("{SCRIPT}</body>\n</html>\n")
}

/// One figure of the page: its plot (linking to the SVG) and caption.
pub struct Shown {
    /// File stem under plots/.
    pub name: String,
    /// Heading.
    pub title: String,
    /// What it shows.
    pub caption: String,
}

/// Appends `f`: its heading, its PNG linking to its SVG, and its caption.
pub fn figure(o: &mut String, f: &Shown) {
    let _ = write!(
        o,
        "<h2>{t}</h2>\n<figure><a href=\"plots/{n}.svg\"><img src=\"plots/{n}.png\" alt=\"{t}\"></a>\n<figcaption>{c} (<a href=\"plots/{n}.svg\">SVG</a>)</figcaption></figure>\n",
        t = esc(&f.title),
        n = esc(&f.name),
        c = esc(&f.caption)
    );
}

/// The run's page: summary table, figures, the events marked on them, episodes. Numbers in
/// its tables have at most [`DIGITS`] significant digits (whole numbers in full).
pub fn index(
    heading: &str,
    summary: &(Vec<String>, Vec<String>),
    figures: &[Shown],
    notes: &[String],
    episodes: Option<&Episodes>,
    marks: &Marks,
) -> String {
    let mut o = head(heading);
    let _ = writeln!(o, "<h1>{}</h1>", esc(heading));
    o.push_str("<p>Plots of this run's CSV files, drawn by <code>depthsim report</code>. Each image links to its SVG. The stylized facts of the run's returns, spread, depth and impact are on the <a href=\"realism.html\">realism page</a>.</p>\n");
    for n in notes {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(n));
    }
    o.push_str("<h2>Summary (summary.csv)</h2>\n<table class=\"summary\">\n");
    for (k, v) in summary.0.iter().zip(&summary.1) {
        let _ = writeln!(
            o,
            "<tr><td class=\"k\">{}</td><td>{}</td></tr>",
            esc(k),
            esc(&cell(v))
        );
    }
    o.push_str("</table>\n");
    for f in figures {
        figure(&mut o, f);
    }
    marked_events(&mut o, marks);
    o.push_str("<h2>Collapse episodes (episodes.csv)</h2>\n");
    match episodes {
        None => o.push_str(
            "<p>This run's folder has no episodes.csv, so the depth plot is not shaded.</p>\n",
        ),
        Some(e) if e.list.is_empty() => {
            o.push_str("<p>episodes.csv lists no episode: depth never collapsed by its rule.</p>\n")
        }
        Some(e) => {
            let _ = writeln!(
                o,
                "<p>{} episode{} (shaded in the depth plot{}).</p>",
                e.list.len(),
                if e.list.len() == 1 { "" } else { "s" },
                if e.rows.len() < e.list.len() {
                    format!("; the first {} are listed", e.rows.len())
                } else {
                    String::new()
                }
            );
            o.push_str("<table>\n<tr>");
            for h in &e.header {
                let _ = write!(o, "<th>{}</th>", esc(h));
            }
            o.push_str("</tr>\n");
            for r in &e.rows {
                o.push_str("<tr>");
                for c in r {
                    let _ = write!(o, "<td>{}</td>", esc(&cell(c)));
                }
                o.push_str("</tr>\n");
            }
            o.push_str("</table>\n");
        }
    }
    o.push_str(&tail());
    o
}

/// The table of events marked on the time plots.
fn marked_events(o: &mut String, marks: &Marks) {
    o.push_str("<h2>Events marked on the time plots</h2>\n");
    if marks.list.is_empty() {
        o.push_str("<p>This run has no shock, program, halt or maker withdrawal to mark.</p>\n");
        return;
    }
    let _ = writeln!(
        o,
        "<p>From events.csv (or, without it, the scenario's [[shocks]]): a dashed line at each \
         shock's or program's start with a bar along the top for its span, halts shaded grey, \
         a ▲ at the bottom where a maker withdrew.{}</p>",
        if marks.list.len() > MARK_ROWS_SHOWN {
            format!(
                " The first {MARK_ROWS_SHOWN} of {} are listed.",
                marks.list.len()
            )
        } else {
            String::new()
        }
    );
    o.push_str("<table>\n<tr><th class=\"k\">event</th><th>start, s</th><th>end, s</th></tr>\n");
    for m in marks.list.iter().take(MARK_ROWS_SHOWN) {
        let what = match m.kind {
            MarkKind::SellProgram | MarkKind::BuyProgram | MarkKind::Shock => {
                format!("shock: {}", m.name)
            }
            MarkKind::Halt => "halt".into(),
            MarkKind::Withdrawal => "a maker withdraws".into(),
        };
        let end = if m.end_s > m.start_s {
            significant(m.end_s, DIGITS)
        } else {
            "–".into()
        };
        let _ = writeln!(
            o,
            "<tr><td class=\"k\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&what),
            significant(m.start_s, DIGITS),
            end
        );
    }
    o.push_str("</table>\n");
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| signed_significant(v, 3))
}

/// The realism page: per book, each fact's plot, its numbers and what they show.
pub fn realism(heading: &str, pure_zi: bool, books: &[(Vec<String>, BookFacts)]) -> String {
    let mut o = head(heading);
    let _ = writeln!(o, "<h1>{}</h1>", esc(heading));
    o.push_str("<p><a href=\"index.html\">Back to the run's plots.</a> Every number and sentence below is computed from this run's files: returns are log returns of book.csv's mid, sampled every interval (a sample without a mid breaks the series); the impact of an aggressive order is the mid's move from just before it to just before the next aggressive order in the same book, in the order's direction, in ticks. In the autocorrelation plots the dashed lines, in each interval's colour, are ±1.96/√n: independent returns stay within them 95 % of the time.</p>\n");
    o.push_str("<p class=\"note\">What a pure zero-intelligence market does not reproduce: its short-lag return autocorrelation is strongly negative (the mid bounces between the best bid and ask, where real markets' returns are nearly uncorrelated beyond the shortest lags), and it has no volatility clustering (the autocorrelation of absolute returns stays near 0, where in real markets it is positive and decays slowly over many lags). ");
    o.push_str(if pure_zi {
        "This run is such a market: it has only zero-intelligence traders."
    } else {
        "This run has market makers or informed traders besides the zero-intelligence ones; the numbers below say whether it shares those shortcomings."
    });
    o.push_str("</p>\n");
    for (names, f) in books {
        if books.len() > 1 {
            let _ = writeln!(o, "<h2>Book {}</h2>", esc(&f.book));
        }
        let text = findings(f);
        let fig = |o: &mut String, i: usize, title: &str, key: &str| {
            let _ = write!(
                o,
                "<h3>{t}</h3>\n<figure><a href=\"plots/{n}.svg\"><img src=\"plots/{n}.png\" alt=\"{t}\"></a></figure>\n<p>In this run:</p>\n<ul>\n",
                t = esc(title),
                n = esc(&names[i]),
            );
            for line in &text[key] {
                let _ = writeln!(o, "<li>{}</li>", esc(line));
            }
            o.push_str("</ul>\n");
        };
        fig(&mut o, 0, "Autocorrelation of returns", "acf");
        fig(
            &mut o,
            1,
            "Autocorrelation of absolute returns (volatility clustering)",
            "abs",
        );
        o.push_str("<table>\n<tr><th>lag</th>");
        for r in &f.acf {
            let iv = super::plots::trim_number(r.interval_s);
            let _ = write!(o, "<th>{iv} s: returns</th><th>{iv} s: |returns|</th>");
        }
        o.push_str("</tr>\n");
        for lag in 0..MAX_LAG {
            let _ = write!(o, "<tr><td>{}</td>", lag + 1);
            for r in &f.acf {
                let _ = write!(
                    o,
                    "<td>{}</td><td>{}</td>",
                    num(r.returns[lag]),
                    num(r.abs_returns[lag])
                );
            }
            o.push_str("</tr>\n");
        }
        o.push_str("<tr><td>n</td>");
        for r in &f.acf {
            let _ = write!(o, "<td colspan=\"2\">{}</td>", r.n);
        }
        o.push_str("</tr>\n</table>\n");
        fig(
            &mut o,
            2,
            "Excess kurtosis against the return interval",
            "kurtosis",
        );
        o.push_str(
            "<table>\n<tr><th>interval, s</th><th>returns</th><th>excess kurtosis</th></tr>\n",
        );
        for (iv, n, k) in &f.kurtosis {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{n}</td><td>{}</td></tr>",
                super::plots::trim_number(*iv),
                signed_significant(*k, DIGITS)
            );
        }
        o.push_str("</table>\n");
        fig(&mut o, 3, "Distribution of the spread", "spread");
        o.push_str("<table>\n<tr><th>spread, ticks</th><th>samples</th><th>share, %</th></tr>\n");
        for (t, c) in &f.spread_ticks {
            let _ = writeln!(
                o,
                "<tr><td>{t}</td><td>{c}</td><td>{}</td></tr>",
                significant(100.0 * *c as f64 / f.spread_samples.max(1) as f64, DIGITS)
            );
        }
        o.push_str("</table>\n");
        fig(&mut o, 4, "Mean depth profile", "depth");
        o.push_str("<table>\n<tr><th>level</th><th>bid, lots</th><th>ask, lots</th></tr>\n");
        for l in 0..f.depth_bid.len().max(f.depth_ask.len()) {
            let c = |v: &[f64]| {
                v.get(l)
                    .map_or_else(|| "–".into(), |x| significant(*x, DIGITS))
            };
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                l + 1,
                c(&f.depth_bid),
                c(&f.depth_ask)
            );
        }
        o.push_str("</table>\n");
        fig(
            &mut o,
            5,
            "Price impact of an aggressive order against its size",
            "impact",
        );
        let _ = writeln!(
            o,
            "<table>\n<tr><th>size</th><th>orders</th><th>mean size, lots</th><th>mean move, ticks</th></tr>"
        );
        for (k, b) in f.impact.iter().enumerate().filter(|(_, b)| b.orders > 0) {
            let shown = if b.orders >= MIN_ORDERS {
                ""
            } else {
                " (not plotted: too few)"
            };
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}{shown}</td><td>{}</td><td>{}</td></tr>",
                lots_label(k),
                b.orders,
                significant(b.lots / b.orders as f64, DIGITS),
                signed_significant(b.impact_ticks / b.orders as f64, DIGITS)
            );
        }
        o.push_str("</table>\n");
    }
    o.push_str(&tail());
    o
}
