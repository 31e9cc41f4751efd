//! `depthsim report DIR` on a sweep's folder: from its sweep.json (the varied parameters) and
//! runs.csv, per point the share of runs with a collapse episode and the median time
//! collapsed, as heatmaps over the first two parameters, and a table of medians with the
//! 40 % and 60 % quantiles over the point's seeds (interpolated as in
//! [`crate::findings::quantile`]).

use super::Written;
use super::error::ReportError;
use super::html;
use super::html::Shown;
use super::plots::{DrawResult, Drawable, register_font, render};
use super::publish::{Staging, write_checked};
use super::read::Csv;
use crate::findings::{Spread, spread};
use crate::sweep::store::{RUNS_CSV, SweepRecord};
use plotters::coord::Shift;
use plotters::prelude::*;
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

/// One point of the sweep: its parameter values (as runs.csv writes them) and its runs'
/// statistics, by [`STATS`] column.
struct Point {
    values: Vec<String>,
    runs: usize,
    with_episode: usize,
    stats: Vec<Vec<Option<f64>>>,
}

/// The runs of a heatmap cell (every point with its two values).
#[derive(Debug, Clone, Default)]
struct Pooled {
    runs: usize,
    with_episode: usize,
    collapsed_s: Vec<Option<f64>>,
}

/// Whether `dir` is a sweep's folder (it has a sweep.json).
pub fn is_sweep(dir: &Path) -> bool {
    dir.join(crate::sweep::store::SWEEP_JSON).is_file()
}

fn points(dir: &Path, record: &SweepRecord) -> Result<Vec<Point>, ReportError> {
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
    let stat_cols: Vec<usize> = STATS.iter().map(|s| csv.req(s.0)).collect();
    let mut out: Vec<Point> = Vec::new();
    while csv.next_row()? {
        let p = csv.f64(point_col)?.unwrap_or(0.0) as usize;
        if p >= out.len() {
            out.resize_with(p + 1, || Point {
                values: Vec::new(),
                runs: 0,
                with_episode: 0,
                stats: vec![Vec::new(); STATS.len()],
            });
        }
        let point = &mut out[p];
        if point.values.is_empty() {
            point.values = param_cols.iter().map(|&c| csv.str(c).to_string()).collect();
        }
        point.runs += 1;
        for (k, &c) in stat_cols.iter().enumerate() {
            point.stats[k].push(csv.f64(c)?);
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

/// A heatmap: rows are `ys`, columns `xs`, `cells[y][x]` (None: no such point).
struct Heatmap {
    name: String,
    title: String,
    x_desc: String,
    y_desc: String,
    xs: Vec<String>,
    ys: Vec<String>,
    cells: Vec<Vec<Option<f64>>>,
    decimals: usize,
}

fn draw_heatmap<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, h: &Heatmap) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (nx, ny) = (h.xs.len() as u32, h.ys.len() as u32);
    let mut chart = ChartBuilder::on(root)
        .caption(&h.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(56)
        .y_label_area_size(90)
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
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .draw()?;
    let max = h
        .cells
        .iter()
        .flatten()
        .flatten()
        .fold(0.0_f64, |m, &v| m.max(v));
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
            // white to dark red
            let t = if max > 0.0 { v / max } else { 0.0 };
            let shade = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
            let fill = RGBColor(shade(255.0, 165.0), shade(255.0, 15.0), shade(255.0, 21.0));
            chart.draw_series(std::iter::once(Rectangle::new(
                [corner(0, 0), corner(1, 1)],
                fill.filled(),
            )))?;
            let ink = if t > 0.55 { WHITE } else { BLACK };
            let text = format!("{v:.*}", h.decimals);
            let style = ("sans-serif", 16).into_font().color(&ink).pos(
                plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Center,
                ),
            );
            chart.draw_series(std::iter::once(Text::new(
                text,
                (SegmentValue::CenterOf(x), SegmentValue::CenterOf(y)),
                style,
            )))?;
        }
    }
    Ok(())
}

impl Drawable for Heatmap {
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self) -> (u32, u32) {
        (
            (160 + 110 * self.xs.len() as u32).max(520),
            (140 + 70 * self.ys.len() as u32).max(300),
        )
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        draw_heatmap(root, self)
    }
}

fn cell(s: &Spread, decimals: usize) -> String {
    match (s.median, s.q40, s.q60) {
        (Some(m), Some(a), Some(b)) => format!("{m:.decimals$} [{a:.decimals$}, {b:.decimals$}]"),
        _ => "—".into(),
    }
}

/// The sweep report: plots/collapse_probability and plots/collapsed_median (PNG and SVG),
/// index.html and report.json, written into `dir` through a staging folder
/// ([`super::publish`]).
pub fn report(dir: &Path) -> Result<Written, ReportError> {
    register_font();
    let record = SweepRecord::read(dir).map_err(|e| ReportError::NotARun {
        dir: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let pts = points(dir, &record)?;
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
        let mut prob = vec![vec![None; xs.len()]; ys.len()];
        let mut collapsed = vec![vec![None; xs.len()]; ys.len()];
        let mut pooled: Vec<Vec<Pooled>> = vec![vec![Pooled::default(); xs.len()]; ys.len()];
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
            c.collapsed_s.extend(p.stats[1].iter().copied());
        }
        for (y, row) in pooled.iter().enumerate() {
            for (x, c) in row.iter().enumerate() {
                if c.runs > 0 {
                    prob[y][x] = Some(c.with_episode as f64 / c.runs as f64);
                    collapsed[y][x] = spread(c.collapsed_s.iter().copied()).median;
                }
            }
        }
        let x_desc = record.columns.get(1).cloned().unwrap_or_default();
        let y_desc = record.columns[0].clone();
        for h in [
            Heatmap {
                name: "collapse_probability".into(),
                title: "Share of runs with a collapse episode".into(),
                x_desc: x_desc.clone(),
                y_desc: y_desc.clone(),
                xs: xs.clone(),
                ys: ys.clone(),
                cells: prob,
                decimals: 2,
            },
            Heatmap {
                name: "collapsed_median".into(),
                title: "Median time collapsed, s".into(),
                x_desc,
                y_desc,
                xs,
                ys,
                cells: collapsed,
                decimals: 0,
            },
        ] {
            render(&h, &plots_dir)?;
            shown.push(Shown {
                name: h.name.clone(),
                title: h.title.clone(),
                caption: format!(
                    "Per point of the sweep ({} seeds each): rows {}, columns {}. From runs.csv's episodes and collapsed_s columns; a grey cell has no run.",
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
    page.push_str("</tr>\n");
    let decimals = [1, 0, 3, 0, 0, 4];
    for (i, p) in pts.iter().enumerate() {
        let _ = write!(page, "<tr><td>{i}</td>");
        for v in &p.values {
            let _ = write!(page, "<td class=\"k\">{}</td>", html::esc(v));
        }
        let _ = write!(page, "<td>{}</td><td>{}</td>", p.runs, p.with_episode);
        for (k, d) in decimals.iter().enumerate() {
            let _ = write!(
                page,
                "<td>{}</td>",
                cell(&spread(p.stats[k].iter().copied()), *d)
            );
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
