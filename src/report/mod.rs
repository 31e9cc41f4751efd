//! `depthsim report DIR`: plots and pages from one finished run's files.
//!
//! It reads the run's manifest.json (books, ticks, the makers' books, the sampling) and its
//! CSV files, each row by row (trades.csv and l2.csv are never held in memory), and writes
//! into DIR:
//! - `plots/NAME.png` and `plots/NAME.svg` for every figure, drawn with plotters in the
//!   DejaVu Sans font compiled into the program (no system fonts needed);
//! - `index.html`: the summary.csv row and the run's figures (mid and fundamental, spread,
//!   depth with collapse episodes shaded, makers' states, inventory and net delta, hedges,
//!   option greeks), and episodes.csv's rows;
//! - `realism.html`: the stylized facts ([`realism`], maths in [`stats`]);
//! - `report.json`: the list of the files above, so that depthsim knows them as its own.
//!
//! Every file is written into a staging folder first and renamed into place only when all
//! are written ([`publish`]): a failure (a full disk) leaves the earlier report, or none, as
//! it was, and a file of the user's is never overwritten.
//!
//! Modules: [`read`] (manifest and streaming CSV with column checks), [`load`] (the series
//! kept for plotting), [`stats`] (pure statistics), [`realism`] (the facts and their
//! sentences), [`figures`] (data → figures), [`plots`] (figures → PNG and SVG), [`html`]
//! (the pages), [`error`].

pub mod bands;
pub mod error;
pub mod figures;
pub mod html;
pub mod legend;
pub mod load;
pub mod markers;
pub mod numbers;
pub mod options;
pub mod plots;
pub mod publish;
pub mod read;
pub mod realism;
pub mod stats;
pub mod style;
pub mod sweep;

pub use error::ReportError;
pub use options::ReportOptions;

use html::Shown;
use read::RunInfo;
use std::path::{Path, PathBuf};

/// What a report wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The files, relative to DIR, pages first.
    pub files: Vec<PathBuf>,
}

/// Files the report cannot do without.
const REQUIRED: [&str; 3] = ["book.csv", "agents.csv", "summary.csv"];

/// Writes `dir`/plots/, `dir`/index.html, `dir`/realism.html and `dir`/report.json from the
/// run in `dir`, its plots drawn as `options` asks (size, scale, style). Bad input (not a
/// finished run, a file or a column missing, a cell that is not what its column holds, a
/// file of the user's where the report would write, `--stat` on a run) is refused before
/// anything is written ([`ReportError::is_bad_input`]).
pub fn report(dir: &Path, options: &ReportOptions) -> Result<Written, ReportError> {
    if sweep::is_sweep(dir) {
        return sweep::report(dir, options);
    }
    if let Some(column) = options.stats.first() {
        return Err(ReportError::StatNotForRun {
            dir: dir.to_path_buf(),
            column: column.clone(),
        });
    }
    plots::register_font();
    let look = style::Look::new(options);
    let run = RunInfo::read(dir)?;
    for f in REQUIRED {
        if !run.has(f) {
            let what = if run.has("book.parquet") {
                "the run wrote its tables as Parquet (output.format = \"parquet\") and the \
                 report reads CSV: rerun it with --set 'output.format=\"csv\"'"
            } else {
                "the run did not write it (its manifest.json does not list it)"
            };
            return Err(ReportError::MissingFile {
                file: dir.join(f),
                what: what.into(),
            });
        }
    }
    // Read and check every input before writing anything.
    let summary = load::summary(dir)?;
    let data = load::book_data(&run)?;
    let makers = load::makers(&run)?;
    let hedges = load::hedges(&run)?;
    let episodes = load::episodes(&run)?;
    let facts = realism::facts(&run, &data)?;
    let marks = markers::marks(&run)?;

    let staging = publish::Staging::create(dir, &["index.html", "realism.html"])?;
    let plots_dir = staging.plots_dir();
    let mut shown = Vec::new();
    let mut notes = Vec::new();
    let every = plots::trim_number(run.sample_interval_s);
    let mut draw = |f: plots::Figure, title: &str, caption: String| -> Result<(), ReportError> {
        plots::render(&f, &plots_dir, &look)?;
        shown.push(Shown {
            name: f.name,
            title: title.into(),
            caption,
        });
        Ok(())
    };
    draw(
        figures::mid(&run, &data, &marks),
        "Mid price and fundamental value",
        format!(
            "book.csv's mid (a gap: a side of the book was empty) and the latent fundamental value, every {every} s, in currency"
        ),
    )?;
    draw(
        figures::spread(&run, &data, &marks),
        "Spread",
        format!(
            "The best ask less the best bid, in ticks, every {every} s (a gap: a side was empty)"
        ),
    )?;
    let shading = match &episodes {
        None => "No shading: this run's folder has no episodes.csv".to_string(),
        Some(e) if e.list.is_empty() => "No shading: episodes.csv lists no collapse episode".into(),
        Some(e) => format!(
            "Shaded: the {} collapse episodes of episodes.csv, by side (bid plain: blue, purple when the run ended before it recovered; ask hatched: orange, yellow when not recovered)",
            e.list.len()
        ),
    };
    draw(
        figures::depth(&run, &data, episodes.as_ref(), &marks),
        "Depth per side, with collapse episodes",
        format!(
            "Lots resting within {} ticks of the mid on each side (book.csv's first depth band), every {every} s. {shading}",
            data.band_ticks
        ),
    )?;
    if episodes.is_none() {
        notes.push("This run's folder has no episodes.csv: collapse episodes are not shaded in the depth plot.".into());
    }
    if makers.is_empty() {
        notes.push("This run has no market makers: there are no plots of makers' states, inventory or hedges.".into());
    } else {
        let bands = figures::states(&run, &makers, &marks);
        plots::render(&bands, &plots_dir, &look)?;
        shown.push(Shown {
            name: bands.name.clone(),
            title: "Market makers' states".into(),
            caption: "One band per maker, coloured by its withdrawal state (from events.csv's state changes, or agents.csv's state column when it has none); the strip beneath shows which sides it quoted at each agents.csv sample (agents.csv's quoting column, holding from the sample before)".into(),
        });
        let mut draw = |f: plots::Figure, title: &str, caption: &str| -> Result<(), ReportError> {
            plots::render(&f, &plots_dir, &look)?;
            shown.push(Shown {
                name: f.name,
                title: title.into(),
                caption: caption.into(),
            });
            Ok(())
        };
        if figures::net_delta_differs(&makers) {
            draw(
                figures::inventory(&run, &makers, &marks),
                "Market makers' inventory and net delta",
                "agents.csv's inventory_lots and net_delta_lots of each maker, in lots, at each agents.csv sample",
            )?;
        } else {
            draw(
                figures::inventory(&run, &makers, &marks),
                "Market makers' inventory",
                "agents.csv's inventory_lots of each maker, in lots, at each agents.csv sample (no maker hedges in another book or holds options, so its net delta is its inventory and is not drawn again)",
            )?;
        }
        match &hedges {
            Some(h) if !h.is_empty() => draw(
                figures::hedges(&run, &makers, h, &marks),
                "Hedges and their slippage",
                "One dot per hedge (hedges.csv): its slippage against the venue's mid at the decision, in ticks (top; hedges that filled nothing have none), and the lots it wanted but did not get (bottom)",
            )?,
            Some(_) => notes.push("hedges.csv has no rows: no maker hedged.".into()),
            None => {}
        }
        if run.has("options.csv") {
            draw(
                figures::greeks(&run, &makers, &marks),
                "Option greeks",
                "The makers' option book at each agents.csv sample (agents.csv's option_* columns)",
            )?;
        }
    }
    let heading = format!("{}, seed {}", run.name, run.seed);
    let index = html::index(
        &format!("depthsim report: {heading}"),
        &summary,
        &shown,
        &notes,
        episodes.as_ref(),
        &marks,
    );

    let mut books = Vec::new();
    for (b, f) in facts.into_iter().enumerate() {
        let figs = figures::realism(&run, b, &f);
        for fig in &figs {
            plots::render(fig, &plots_dir, &look)?;
        }
        books.push((figs.into_iter().map(|f| f.name).collect::<Vec<_>>(), f));
    }
    let realism_page = html::realism(
        &format!("Stylized facts: {heading}"),
        run.zero_intelligence_only,
        &books,
    );

    let mut files = vec!["index.html".to_string(), "realism.html".to_string()];
    for (name, text) in [("index.html", index), ("realism.html", realism_page)] {
        publish::write_checked(&staging.path(name), text.as_bytes())?;
    }
    for s in &shown {
        files.push(format!("plots/{}.png", s.name));
        files.push(format!("plots/{}.svg", s.name));
    }
    for (names, _) in &books {
        for n in names {
            files.push(format!("plots/{n}.png"));
            files.push(format!("plots/{n}.svg"));
        }
    }
    staging.publish(&files)?;
    Ok(Written {
        files: files.into_iter().map(PathBuf::from).collect(),
    })
}
