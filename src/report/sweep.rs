//! `depthsim report DIR` on a sweep's folder: from its sweep.json (the varied parameters) and
//! runs.csv, per point the share of runs with a collapse episode and the median time
//! collapsed, as heatmaps over the first two parameters, and a table of medians with the
//! 40 % and 60 % quantiles over the point's seeds (interpolated as in
//! [`crate::findings::quantile`]).

use super::Written;
use super::error::ReportError;
use super::html;
use super::html::Shown;
use super::numbers::{DIGITS, significant};
use super::options::ReportOptions;
use super::plots::{DrawResult, Drawable, register_font, render};
use super::publish::{Staging, write_checked};
use super::read::Csv;
use super::style::Look;
use crate::findings::{Spread, spread};
use crate::sweep::store::{RUNS_CSV, SweepRecord};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The statistics of the table: runs.csv column and heading.
const STATS: [(&str, &str); 6] = [
    ("episodes", "episodes"),
    ("collapsed_s", "collapsed, s"),
    ("worst_trough_ratio", "worst trough"),
    ("mean_recovery_s", "recovery, s"),
    ("pnl_market_makers", "makers' PnL"),
    ("price_max_drawdown_frac", "drawdown"),
];

/// runs.csv's columns that identify a run rather than describe it: never a `--stat`.
const NOT_STATS: [&str; 5] = ["run", "point", "replicate", "seed", "scenario"];

/// One point of the sweep: its parameter values (as runs.csv writes them) and its runs'
/// statistics, by [`STATS`] column, then by `--stat` column.
struct Point {
    values: Vec<String>,
    runs: usize,
    with_episode: usize,
    stats: Vec<Vec<Option<f64>>>,
}

/// The runs of a heatmap cell (every point with its two values): their statistics, as
/// [`Point::stats`].
#[derive(Debug, Clone, Default)]
struct Pooled {
    runs: usize,
    with_episode: usize,
    stats: Vec<Vec<Option<f64>>>,
}

/// Whether `dir` is a sweep's folder (it has a sweep.json).
pub fn is_sweep(dir: &Path) -> bool {
    dir.join(crate::sweep::store::SWEEP_JSON).is_file()
}

/// The columns `--stat` may name: runs.csv's, less the run's identity and the parameters.
fn allowed_stats<'a>(header: &'a csv::StringRecord, record: &SweepRecord) -> Vec<&'a str> {
    header
        .iter()
        .filter(|h| !NOT_STATS.contains(h) && !record.columns.iter().any(|c| c == h))
        .collect()
}

/// A statistic's cell: a number, `true`/`false` as 1/0, or nothing when empty.
fn stat_value(csv: &Csv, c: usize) -> Result<Option<f64>, ReportError> {
    match csv.str(c) {
        "true" => Ok(Some(1.0)),
        "false" => Ok(Some(0.0)),
        _ => csv.f64(c),
    }
}

/// Reads runs.csv: every point's values and statistics ([`STATS`], then `extra`). An
/// `extra` column that runs.csv lacks, or that is not a statistic, is refused listing the
/// allowed ones.
fn points(dir: &Path, record: &SweepRecord, extra: &[String]) -> Result<Vec<Point>, ReportError> {
    let path = dir.join(RUNS_CSV);
    if !path.is_file() {
        return Err(ReportError::MissingFile {
            file: path,
            what: "the sweep has not finished (or its shards are not merged: depthsim merge DIR)"
                .into(),
        });
    }
    let mut required: Vec<&str> = vec!["point"];
    required.extend(record.columns.iter().map(String::as_str));
    required.extend(STATS.iter().map(|s| s.0));
    let mut csv = Csv::open(&path, &required)?;
    let point_col = csv.req("point");
    let param_cols: Vec<usize> = record.columns.iter().map(|c| csv.req(c)).collect();
    let allowed = allowed_stats(csv.header(), record);
    let mut stat_cols: Vec<usize> = STATS.iter().map(|s| csv.req(s.0)).collect();
    for column in extra {
        match csv.col(column) {
            Some(c) if allowed.contains(&column.as_str()) => stat_cols.push(c),
            _ => {
                return Err(ReportError::UnknownStat {
                    column: column.clone(),
                    allowed: allowed.iter().map(|a| a.to_string()).collect(),
                });
            }
        }
    }
    let n_stats = stat_cols.len();
    let mut out: Vec<Point> = Vec::new();
    while csv.next_row()? {
        let p = csv.f64(point_col)?.unwrap_or(0.0) as usize;
        if p >= out.len() {
            out.resize_with(p + 1, || Point {
                values: Vec::new(),
                runs: 0,
                with_episode: 0,
                stats: vec![Vec::new(); n_stats],
            });
        }
        let point = &mut out[p];
        if point.values.is_empty() {
            point.values = param_cols.iter().map(|&c| csv.str(c).to_string()).collect();
        }
        point.runs += 1;
        for (k, &c) in stat_cols.iter().enumerate() {
            point.stats[k].push(stat_value(&csv, c)?);
        }
        if point.stats[0].last().copied().flatten().unwrap_or(0.0) > 0.0 {
            point.with_episode += 1;
        }
    }
    Ok(out)
}

/// The distinct values of parameter `k`, in the order the points first show them.
fn levels(points: &[Point], k: usize) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for p in points {
        if let Some(x) = p.values.get(k)
            && !v.contains(x)
        {
            v.push(x.clone());
        }
    }
    v
}

/// A heatmap: rows are `ys`, columns `xs`, `cells[y][x]` (None: no such point), with a
/// colour bar of its values in `unit`.
struct Heatmap {
    name: String,
    title: String,
    x_desc: String,
    y_desc: String,
    xs: Vec<String>,
    ys: Vec<String>,
    cells: Vec<Vec<Option<f64>>>,
    /// Decimals of the cells' numbers; `None`: three significant digits.
    decimals: Option<usize>,
    /// What the colours mean, with the unit (the colour bar's description).
    unit: String,
}

impl Heatmap {
    /// The colour scale's ends: from min(0, smallest) to max(0, largest), never empty.
    fn range(&self) -> (f64, f64) {
        let (lo, hi) = self
            .cells
            .iter()
            .flatten()
            .flatten()
            .fold((0.0_f64, 0.0_f64), |(a, b), &v| (a.min(v), b.max(v)));
        if hi > lo { (lo, hi) } else { (lo, lo + 1.0) }
    }

    fn text(&self, v: f64) -> String {
        match self.decimals {
            Some(d) => format!("{v:.d$}"),
            None => significant(v, 3),
        }
    }
}

/// White to dark red, `t` in 0..=1.
fn heat_colour(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let shade = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(shade(255.0, 165.0), shade(255.0, 15.0), shade(255.0, 21.0))
}

/// Width of the colour bar's strip at scale 1, pixels.
const BAR_STRIP_PX: f64 = 120.0;
/// Rough width of a character, as a share of the font size (DejaVu Sans runs narrower).
const CHAR_WIDTH: f64 = 0.62;

/// The largest font size up to `want_px` at which `text` fits in `room_px`.
fn fit_font<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    want_px: f64,
    room_px: f64,
) -> Result<f64, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, _) = area.estimate_text_size(text, &("sans-serif", want_px).into_font().into())?;
    Ok(if f64::from(w) <= room_px || w == 0 {
        want_px
    } else {
        (want_px * room_px / f64::from(w)).floor().max(6.0)
    })
}

fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    h: &Heatmap,
    look: &Look,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (width, height) = root.dim_in_pixel();
    let (nx, ny) = (h.xs.len() as u32, h.ys.len() as u32);
    let strip = look.len_px(BAR_STRIP_PX).min(width / 3);
    let strip = strip.max(1);
    let (main, bar) = root.split_horizontally(width - strip);
    let margin = look.len_px(12.0);
    let label_px = look.font_px(14.0);
    let label_font: TextStyle = ("sans-serif", label_px).into_font().into();
    let mut widest_y = 0;
    for y in &h.ys {
        widest_y = widest_y.max(root.estimate_text_size(y, &label_font)?.0);
    }
    // every text fitted to its room: title over the map, descriptions along the axes
    let title_px = fit_font(
        root,
        &h.title,
        look.font_px(20.0),
        f64::from(width - strip - 2 * margin),
    )?;
    let caption_h = (title_px * 1.6).round() as u32;
    let x_area = look.len_px(56.0);
    let desc_want = look.font_px(15.0);
    let y_area = widest_y + (desc_want * 1.2) as u32 + look.len_px(18.0);
    let plot_w = f64::from((width - strip).saturating_sub(y_area + 2 * margin));
    let plot_h = f64::from(height.saturating_sub(caption_h + x_area + 2 * margin));
    let x_desc_px = fit_font(root, &h.x_desc, desc_want, plot_w)?;
    let y_desc_px = fit_font(root, &h.y_desc, desc_want, plot_h)?;
    let mut chart = ChartBuilder::on(&main)
        .caption(&h.title, ("sans-serif", title_px))
        .margin(margin)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        // plotters' segmented integer range a..b has a segment for each of a..=b
        .build_cartesian_2d(
            (0..nx.saturating_sub(1)).into_segmented(),
            (0..ny.saturating_sub(1)).into_segmented(),
        )?;
    let label = |names: &[String], v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(&h.x_desc)
        .y_desc(&h.y_desc)
        .x_label_formatter(&|v| label(&h.xs, v))
        .y_label_formatter(&|v| label(&h.ys, v))
        .label_style(label_font.clone())
        .x_label_style(label_font.clone())
        .axis_desc_style(("sans-serif", x_desc_px.min(y_desc_px)))
        .draw()?;
    let (lo, hi) = h.range();
    for (y, row) in h.cells.iter().enumerate() {
        for (x, cell) in row.iter().enumerate() {
            let (x, y) = (x as u32, y as u32);
            let corner =
                |dx: u32, dy: u32| (SegmentValue::Exact(x + dx), SegmentValue::Exact(y + dy));
            let Some(v) = *cell else {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [corner(0, 0), corner(1, 1)],
                    RGBColor(235, 235, 235).filled(),
                )))?;
                continue;
            };
            let t = (v - lo) / (hi - lo);
            chart.draw_series(std::iter::once(Rectangle::new(
                [corner(0, 0), corner(1, 1)],
                heat_colour(t).filled(),
            )))?;
            let ink = if t > 0.55 { WHITE } else { BLACK };
            let style = ("sans-serif", look.font_px(16.0))
                .into_font()
                .color(&ink)
                .pos(Pos::new(HPos::Center, VPos::Center));
            chart.draw_series(std::iter::once(Text::new(
                h.text(v),
                (SegmentValue::CenterOf(x), SegmentValue::CenterOf(y)),
                style,
            )))?;
        }
    }
    // the colour bar beside the map, as tall as its plotting area
    let (_, yr) = chart.plotting_area().get_pixel_range();
    let unit_px = fit_font(root, &h.unit, desc_want, f64::from(yr.end - yr.start))?;
    colour_bar(&bar, (yr.start, yr.end), (lo, hi), &h.unit, unit_px, look)?;
    Ok(())
}

/// Tick values for `lo..=hi`: multiples of 1, 2 or 5 times a power of ten, about five.
fn ticks(lo: f64, hi: f64) -> (Vec<f64>, usize) {
    let raw = (hi - lo) / 5.0;
    let decade = libm::pow(10.0, libm::floor(libm::log10(raw)));
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * decade)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * decade);
    let decimals = (-libm::floor(libm::log10(step))).max(0.0) as usize;
    let first = libm::ceil(lo / step - 1e-9);
    let last = libm::floor(hi / step + 1e-9);
    let values = (first as i64..=last as i64)
        .map(|k| k as f64 * step)
        .collect();
    (values, decimals)
}

/// The colour bar in `strip`: a gradient from `lo` (bottom) to `hi` (top) between pixel
/// rows `rows`, its tick values beside it, and `unit` along the strip's right edge.
fn colour_bar<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    rows: (i32, i32),
    (lo, hi): (f64, f64),
    unit: &str,
    unit_px: f64,
    look: &Look,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, _) = strip.dim_in_pixel();
    let (top, bottom) = rows;
    let x0 = look.len_px(6.0) as i32;
    let x1 = x0 + look.len_px(20.0) as i32;
    let y_of = |v: f64| bottom - ((v - lo) / (hi - lo) * f64::from(bottom - top)).round() as i32;
    const STEPS: i32 = 64;
    for k in 0..STEPS {
        let (a, b) = (
            f64::from(k) / f64::from(STEPS),
            f64::from(k + 1) / f64::from(STEPS),
        );
        strip.draw(&Rectangle::new(
            [
                (x0, y_of(lo + b * (hi - lo))),
                (x1, y_of(lo + a * (hi - lo))),
            ],
            heat_colour((a + b) / 2.0).filled(),
        ))?;
    }
    let grey = RGBColor(120, 120, 120);
    strip.draw(&Rectangle::new([(x0, top), (x1, bottom)], grey))?;
    let (values, decimals) = ticks(lo, hi);
    let font = ("sans-serif", look.font_px(14.0))
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let tick = look.len_px(5.0) as i32;
    for v in values {
        let y = y_of(v);
        strip.draw(&PathElement::new(vec![(x1, y), (x1 + tick, y)], grey))?;
        strip.draw(&Text::new(
            super::plots::fixed(v, decimals),
            (x1 + tick + 3, y),
            font.clone(),
        ))?;
    }
    let unit_font = ("sans-serif", unit_px)
        .into_font()
        .transform(FontTransform::Rotate90)
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Center));
    strip.draw(&Text::new(
        unit.to_string(),
        (w as i32 - (unit_px * 0.9) as i32, (top + bottom) / 2),
        unit_font,
    ))?;
    Ok(())
}

impl Drawable for Heatmap {
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self, look: &Look) -> (u32, u32) {
        // room for the cells, the colour bar, and the longest description at full size
        let chars = |s: &str| s.chars().count() as f64;
        let desc = look.font_px(15.0) * CHAR_WIDTH;
        let title = look.font_px(20.0) * CHAR_WIDTH;
        let w = (160.0 + 110.0 * self.xs.len() as f64)
            .max(520.0)
            .max(180.0 + chars(&self.x_desc) * desc / look.scale)
            .max(40.0 + chars(&self.title) * title / look.scale)
            + BAR_STRIP_PX;
        let h = (140.0 + 70.0 * self.ys.len() as f64)
            .max(300.0)
            .max(140.0 + chars(&self.y_desc).max(chars(&self.unit)) * desc / look.scale);
        look.size_px((w.ceil() as u32, h.ceil() as u32))
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, look: &Look) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        draw_heatmap(root, self, look)
    }
}

fn cell(s: &Spread) -> String {
    match (s.median, s.q40, s.q60) {
        (Some(m), Some(a), Some(b)) => format!(
            "{} [{}, {}]",
            significant(m, DIGITS),
            significant(a, DIGITS),
            significant(b, DIGITS)
        ),
        _ => "—".into(),
    }
}

/// The unit of a runs.csv column, from its name's suffix.
fn unit_of(column: &str) -> &'static str {
    if column.starts_with("pnl_") {
        return ", currency";
    }
    match column.rsplit('_').next() {
        Some("s") => ", s",
        Some("lots") => ", lots",
        Some("ticks") => ", ticks",
        Some("frac" | "fraction") => " (fraction)",
        _ => "",
    }
}

/// The sweep report: plots/collapse_probability and plots/collapsed_median, and one heatmap
/// of the median of each `--stat` column (plots/stat_COLUMN), each a PNG and an SVG;
/// index.html and report.json, written into `dir` through a staging folder
/// ([`super::publish`]).
pub fn report(dir: &Path, options: &ReportOptions) -> Result<Written, ReportError> {
    register_font();
    let look = Look::new(options);
    let record = SweepRecord::read(dir).map_err(|e| ReportError::NotARun {
        dir: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut extra: Vec<String> = Vec::new();
    for s in &options.stats {
        if !extra.contains(s) {
            extra.push(s.clone());
        }
    }
    let pts = points(dir, &record, &extra)?;
    let staging = Staging::create(dir, &["index.html"])?;
    let plots_dir = staging.plots_dir();
    let mut shown = Vec::new();
    let mut notes = Vec::new();
    let n_params = record.columns.len();
    if n_params == 0 {
        notes.push("The sweep varies no parameter: there is one point, and no heatmap.".into());
    } else {
        // rows: the first parameter; columns: the second (or one column)
        let ys = levels(&pts, 0);
        let xs = if n_params >= 2 {
            levels(&pts, 1)
        } else {
            vec![String::new()]
        };
        if n_params > 2 {
            notes.push(format!(
                "The sweep varies {n_params} parameters; the heatmaps show the first two, each \
                 cell pooling the runs of every value of the others."
            ));
        }
        let n_stats = STATS.len() + extra.len();
        let mut pooled: Vec<Vec<Pooled>> = vec![
            vec![
                Pooled {
                    stats: vec![Vec::new(); n_stats],
                    ..Pooled::default()
                };
                xs.len()
            ];
            ys.len()
        ];
        for p in &pts {
            let y = ys.iter().position(|v| *v == p.values[0]).unwrap_or(0);
            let x = if n_params >= 2 {
                xs.iter().position(|v| *v == p.values[1]).unwrap_or(0)
            } else {
                0
            };
            let c = &mut pooled[y][x];
            c.runs += p.runs;
            c.with_episode += p.with_episode;
            for (k, v) in p.stats.iter().enumerate() {
                c.stats[k].extend(v.iter().copied());
            }
        }
        let grid = |f: &dyn Fn(&Pooled) -> Option<f64>| -> Vec<Vec<Option<f64>>> {
            pooled
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|c| if c.runs > 0 { f(c) } else { None })
                        .collect()
                })
                .collect()
        };
        let x_desc = record.columns.get(1).cloned().unwrap_or_default();
        let y_desc = record.columns[0].clone();
        let map = |name: String, title: String, cells, decimals, unit: String| Heatmap {
            name,
            title,
            x_desc: x_desc.clone(),
            y_desc: y_desc.clone(),
            xs: xs.clone(),
            ys: ys.clone(),
            cells,
            decimals,
            unit,
        };
        let mut maps = vec![
            (
                map(
                    "collapse_probability".into(),
                    "Share of runs with a collapse episode".into(),
                    grid(&|c| Some(c.with_episode as f64 / c.runs as f64)),
                    Some(2),
                    "share of runs (0 to 1)".into(),
                ),
                "episodes and collapsed_s columns".to_string(),
            ),
            (
                map(
                    "collapsed_median".into(),
                    "Median time collapsed, s".into(),
                    grid(&|c| spread(c.stats[1].iter().copied()).median),
                    Some(0),
                    "median time collapsed, s".into(),
                ),
                "episodes and collapsed_s columns".to_string(),
            ),
        ];
        for (k, column) in extra.iter().enumerate() {
            let i = STATS.len() + k;
            maps.push((
                map(
                    format!("stat_{column}"),
                    format!("Median of {column}"),
                    grid(&|c| spread(c.stats[i].iter().copied()).median),
                    None,
                    format!("median {column}{}", unit_of(column)),
                ),
                format!("{column} column (its median over the cell's runs)"),
            ));
        }
        for (h, source) in maps {
            render(&h, &plots_dir, &look)?;
            shown.push(Shown {
                name: h.name.clone(),
                title: h.title.clone(),
                caption: format!(
                    "Per point of the sweep ({} seeds each): rows {}, columns {}. From runs.csv's {source}; a grey cell has no run (or no value). The colour bar on the right gives the scale.",
                    record.seeds_per_point,
                    record.columns[0],
                    record.columns.get(1).map_or("(none)", String::as_str)
                ),
            });
        }
    }
    let mut page = html::head(&format!("depthsim report: sweep {}", record.name));
    let _ = writeln!(
        page,
        "<h1>Sweep {}</h1>\n<p>{} points × {} seeds = {} runs of {}; master seed {}. \
         Cells of the table: median [40 %, 60 % quantiles] over the point's seeds (— when no \
         seed has a value: the worst trough exists only with an episode, the recovery time \
         only with a recovered one).</p>",
        html::esc(&record.name),
        record.points,
        record.seeds_per_point,
        record.runs,
        html::esc(&record.base_scenario),
        record.seed
    );
    for n in &notes {
        let _ = writeln!(page, "<p class=\"note\">{}</p>", html::esc(n));
    }
    for s in &shown {
        html::figure(&mut page, s);
    }
    page.push_str("<h2>Per point</h2>\n<table>\n<tr><th>point</th>");
    for c in &record.columns {
        let _ = write!(page, "<th class=\"k\">{}</th>", html::esc(c));
    }
    page.push_str("<th>runs</th><th>with an episode</th>");
    for (_, title) in STATS {
        let _ = write!(page, "<th>{}</th>", html::esc(title));
    }
    for column in &extra {
        let _ = write!(page, "<th>{}</th>", html::esc(column));
    }
    page.push_str("</tr>\n");
    for (i, p) in pts.iter().enumerate() {
        let _ = write!(page, "<tr><td>{i}</td>");
        for v in &p.values {
            let _ = write!(page, "<td class=\"k\">{}</td>", html::esc(v));
        }
        let _ = write!(page, "<td>{}</td><td>{}</td>", p.runs, p.with_episode);
        for v in &p.stats {
            let _ = write!(page, "<td>{}</td>", cell(&spread(v.iter().copied())));
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</table>\n");
    page.push_str(&html::tail());
    write_checked(&staging.path("index.html"), page.as_bytes())?;
    let mut files = vec!["index.html".to_string()];
    for s in &shown {
        files.push(format!("plots/{}.png", s.name));
        files.push(format!("plots/{}.svg", s.name));
    }
    staging.publish(&files)?;
    Ok(Written {
        files: files.into_iter().map(PathBuf::from).collect(),
    })
}
