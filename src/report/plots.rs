//! Figures as data ([`Figure`]: stacked [`Panel`]s of lines, points, bars, shaded spans and
//! event markers), drawn with plotters into a PNG and an SVG of the same size, in the
//! DejaVu Sans font the program carries (no system font is needed). Each panel's legend,
//! the markers' key included, sits in a strip to the right of its plotting area
//! ([`super::legend`]). Line widths and fonts follow the [`Look`].

use super::error::ReportError;
use super::legend::{self, Entry, Swatch};
use super::markers::{Mark, MarkKind};
use super::style::{Look, polyline};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::error::Error;
use std::path::Path;
use std::sync::Once;

/// DejaVu Sans (assets/fonts, with its licence beside it).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the font as plotters' `sans-serif`, once per process.
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled in and known good; a failure would be a broken build.
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
            .map_err(|_| ())
            .expect("the embedded DejaVu Sans is a valid font");
    });
}

/// A colour-blind-friendly palette (Okabe–Ito), then greys.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(0, 0, 0),
];

/// The `i`-th palette colour, cycling.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Style {
    /// A line.
    Line,
    /// A dashed line.
    Dashed,
    /// A line for a reference series (drawn like [`Style::Line`]; listed last, so on top).
    Thin,
    /// Dots.
    Points,
    /// A line with a dot at each point.
    LinePoints,
}

/// One series: its legend label, colour, style and points (as segments: a break in the
/// data ends a segment).
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub colour: RGBColor,
    /// How it is drawn.
    pub style: Style,
    /// Segments of `(x, y)` points.
    pub segments: Vec<Vec<(f64, f64)>>,
}

/// A filled bar from `x0` to `x1`, from 0 to `y`.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Left edge.
    pub x0: f64,
    /// Right edge.
    pub x1: f64,
    /// Height.
    pub y: f64,
    /// Colour.
    pub colour: RGBColor,
}

/// A shaded span of x, full height, with its legend label (one legend entry per label).
#[derive(Debug, Clone)]
pub struct Shade {
    /// Start.
    pub x0: f64,
    /// End.
    pub x1: f64,
    /// Colour (drawn translucent, outlined).
    pub colour: RGBColor,
    /// Whether it is hatched as well, so that it stays distinct where it overlaps another.
    pub hatched: bool,
    /// Legend label.
    pub label: String,
}

/// How x-axis labels read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum XLabels {
    /// The value.
    Plain,
    /// x is log₁₀ of seconds: labelled in seconds.
    Log10Seconds,
    /// x is log₂ of lots: labelled in lots.
    Log2Lots,
    /// x is a book level, negative for bids: labelled `bid 3`, `ask 2`.
    Levels,
}

/// One chart.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Title above it.
    pub title: String,
    /// x-axis description, with its unit.
    pub x_desc: String,
    /// y-axis description, with its unit.
    pub y_desc: String,
    /// x range; `None`: from the data.
    pub x_range: Option<(f64, f64)>,
    /// x labels.
    pub x_labels: XLabels,
    /// Series.
    pub series: Vec<Series>,
    /// Bars.
    pub bars: Vec<Bar>,
    /// Shaded spans.
    pub shades: Vec<Shade>,
    /// Events marked on a time axis (x in seconds).
    pub marks: Vec<Mark>,
    /// Legend entries besides the series', shades' and marks' (e.g. what bars' colours mean).
    pub keys: Vec<Entry>,
    /// Whether the y range includes 0.
    pub y_from_zero: bool,
}

impl Panel {
    /// An empty panel.
    pub fn new(title: impl Into<String>, x_desc: &str, y_desc: &str) -> Panel {
        Panel {
            title: title.into(),
            x_desc: x_desc.into(),
            y_desc: y_desc.into(),
            x_range: None,
            x_labels: XLabels::Plain,
            series: Vec::new(),
            bars: Vec::new(),
            shades: Vec::new(),
            marks: Vec::new(),
            keys: Vec::new(),
            y_from_zero: false,
        }
    }

    /// Whether it holds anything to draw.
    pub fn is_empty(&self) -> bool {
        self.bars.is_empty()
            && self
                .series
                .iter()
                .all(|s| s.segments.iter().all(Vec::is_empty))
    }

    /// Its legend: series, shades (one entry per label), extra keys, then one entry per
    /// kind of marker it shows.
    pub fn legend(&self) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for s in self.series.iter().filter(|s| !s.label.is_empty()) {
            out.push(Entry {
                swatch: match s.style {
                    Style::Dashed => Swatch::Dashed(s.colour),
                    Style::Points => Swatch::Dot(s.colour),
                    _ => Swatch::Line(s.colour),
                },
                label: s.label.clone(),
            });
        }
        for s in &self.shades {
            if !out.iter().any(|e| e.label == s.label) {
                out.push(Entry {
                    swatch: if s.hatched {
                        Swatch::Hatch(s.colour)
                    } else {
                        Swatch::Fill(s.colour)
                    },
                    label: s.label.clone(),
                });
            }
        }
        out.extend(self.keys.iter().cloned());
        out.extend(mark_keys(&self.marks));
        out
    }

    /// The pixels its y-axis labels and description need: the widest of the labels at the
    /// range's ends, the description's line, gaps.
    fn y_area_px<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        look: &Look,
    ) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
        let (_, (y0, y1)) = self.ranges();
        let yd = axis_decimals(y0, y1);
        let font = TextStyle::from(("sans-serif", look.font_px(14.0)).into_font());
        let mut widest = 0;
        for y in [y0, y1] {
            widest = widest.max(area.estimate_text_size(&fixed(y, yd), &font)?.0);
        }
        Ok(widest + (look.font_px(15.0) * 1.3) as u32 + look.len_px(36.0))
    }

    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        let mut see = |x: f64, y: f64| {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        };
        for s in &self.series {
            for &(x, y) in s.segments.iter().flatten() {
                see(x, y);
            }
        }
        for b in &self.bars {
            see(b.x0, b.y);
            see(b.x1, b.y);
        }
        if self.y_from_zero || !self.bars.is_empty() {
            y0 = y0.min(0.0);
            y1 = y1.max(0.0);
        }
        // without a set range, points at the ends keep a margin from the axes
        let (x0, x1) = self.x_range.unwrap_or_else(|| {
            let m = if x1 > x0 { 0.04 * (x1 - x0) } else { 0.0 };
            (x0 - m, x1 + m)
        });
        let pad = |a: f64, b: f64, frac: f64| {
            if !a.is_finite() || !b.is_finite() {
                (0.0, 1.0)
            } else if b - a <= f64::EPSILON * a.abs().max(1.0) {
                (
                    a - 0.5 * a.abs().max(1.0) * 0.01 - 0.5,
                    b + 0.5 * b.abs().max(1.0) * 0.01 + 0.5,
                )
            } else {
                let m = (b - a) * frac;
                (a - m, b + m)
            }
        };
        // room at the top for the markers' bars, at the bottom for withdrawals
        let top = if self.marks.is_empty() { 0.05 } else { 0.09 };
        let (y0p, y1p) = pad(y0, y1, 0.05);
        let (_, y1p) = if top > 0.05 {
            pad(y0, y1, top)
        } else {
            (y0p, y1p)
        };
        let withdrawals = self.marks.iter().any(|m| m.kind == MarkKind::Withdrawal);
        let (y0p, _) = if withdrawals {
            pad(y0, y1, 0.09)
        } else {
            (y0p, y1p)
        };
        // bars and zero-based panels keep 0 as their floor (withdrawals' marks below it)
        let y0p = if (self.y_from_zero || !self.bars.is_empty()) && y0 >= 0.0 && !withdrawals {
            0.0
        } else {
            y0p
        };
        (pad(x0, x1, 0.0), (y0p, y1p))
    }
}

/// The key of `marks`: one entry per kind, the shocks' names in theirs.
pub fn mark_keys(marks: &[Mark]) -> Vec<Entry> {
    let mut kinds: Vec<MarkKind> = marks.iter().map(|m| m.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|k| {
            let label = if k == MarkKind::Shock {
                let mut names: Vec<&str> = Vec::new();
                for m in marks.iter().filter(|m| m.kind == k) {
                    if !names.contains(&m.name.as_str()) {
                        names.push(&m.name);
                    }
                }
                format!("{}: {}", k.key(), names.join(", "))
            } else {
                k.key().to_string()
            };
            Entry {
                swatch: Swatch::Mark(k),
                label,
            }
        })
        .collect()
}

/// Stacked panels sharing one image.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File stem under plots/ (`depth` → plots/depth.png and plots/depth.svg).
    pub name: String,
    /// The panels, top to bottom.
    pub panels: Vec<Panel>,
}

/// Default image width, pixels (at scale 1).
pub const WIDTH: u32 = 1200;
/// Default height of one panel, pixels (at scale 1).
pub const PANEL_HEIGHT: u32 = 330;

/// What drawing returns: plotters' errors, boxed.
pub type DrawResult = Result<(), Box<dyn Error>>;

/// A plot drawn the same way into its PNG and its SVG.
pub trait Drawable {
    /// Its file stem under plots/.
    fn name(&self) -> &str;
    /// Its size in `look`, pixels.
    fn size(&self, look: &Look) -> (u32, u32);
    /// Draws it on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, look: &Look) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Draws `item` into `plots_dir`/NAME.png and NAME.svg in `look`. Both are drawn in memory
/// and then written with every write checked (a full disk is an error, never a truncated
/// file); the report writes them into its staging folder ([`super::publish`]).
pub fn render<T: Drawable>(item: &T, plots_dir: &Path, look: &Look) -> Result<(), ReportError> {
    let png = plots_dir.join(format!("{}.png", item.name()));
    let svg = plots_dir.join(format!("{}.svg", item.name()));
    let fail = |file: &Path, e: Box<dyn Error>| ReportError::Plot {
        file: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        message: e.to_string(),
    };
    let (w, h) = item.size(look);
    let png_bytes = {
        // sizes are bounded (options::MAX_SIDE_PX), so is this buffer
        let mut rgb = vec![0u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
            item.draw(&root, &look.for_bitmap(true))
                .and_then(|()| Ok(root.present()?))
                .map_err(|e| fail(&png, e))?;
        }
        encode_png(&rgb, w, h).map_err(|e| fail(&png, Box::new(e)))?
    };
    let mut svg_text = String::new();
    {
        let root = SVGBackend::with_string(&mut svg_text, (w, h)).into_drawing_area();
        item.draw(&root, &look.for_bitmap(false))
            .and_then(|()| Ok(root.present()?))
            .map_err(|e| fail(&svg, e))?;
    }
    super::publish::write_checked(&png, &png_bytes)?;
    super::publish::write_checked(&svg, svg_text.as_bytes())?;
    Ok(())
}

/// An 8-bit RGB image as PNG bytes.
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

impl Drawable for Figure {
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self, look: &Look) -> (u32, u32) {
        look.size_px((WIDTH, PANEL_HEIGHT * self.panels.len().max(1) as u32))
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, look: &Look) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        draw_figure(root, self, look)
    }
}

fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
    look: &Look,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let legends: Vec<Vec<Entry>> = figure.panels.iter().map(Panel::legend).collect();
    // one strip width for every panel, so that their time axes line up
    let strip = legend::strip_width(root, &legends.iter().flatten().collect::<Vec<_>>(), look)?;
    // and one y-axis width, the widest any panel's labels need
    let mut y_area = look.len_px(60.0);
    for p in &figure.panels {
        y_area = y_area.max(p.y_area_px(root, look)?);
    }
    let (width, _) = root.dim_in_pixel();
    let areas = root.split_evenly((figure.panels.len().max(1), 1));
    for ((panel, area), entries) in figure.panels.iter().zip(&areas).zip(&legends) {
        if strip > 0 {
            let (plot, key) = area.split_horizontally(width.saturating_sub(strip));
            let top = draw_panel(&plot, panel, y_area, look)?;
            legend::draw(&key, entries, top, look)?;
        } else {
            draw_panel(area, panel, y_area, look)?;
        }
    }
    Ok(())
}

fn format_x(kind: XLabels, x: f64) -> String {
    match kind {
        XLabels::Plain => trim_number(x),
        XLabels::Log10Seconds => {
            // only round values: 1, 2 and 5 times a power of ten
            let v = libm::pow(10.0, x);
            let decade = libm::pow(10.0, libm::floor(libm::log10(v) + 1e-9));
            match [1.0, 2.0, 5.0, 10.0]
                .iter()
                .find(|m| (v / (*m * decade) - 1.0).abs() < 0.012)
            {
                Some(m) => format!("{} s", trim_number(m * decade)),
                None => String::new(),
            }
        }
        XLabels::Log2Lots => {
            // whole powers of two only: 1, 2, 4, 8 …
            if (x - x.round()).abs() > 1e-6 {
                String::new()
            } else {
                trim_number(libm::pow(2.0, x.round()))
            }
        }
        XLabels::Levels => {
            // every whole level, its number only: the bars' colours and the key say the side
            let l = x.round();
            if (x - l).abs() > 1e-6 || l == 0.0 {
                String::new()
            } else {
                format!("{}", l.abs())
            }
        }
    }
}

/// Decimals that tell apart labels about an eighth of `lo..hi` apart (0 to 6).
pub fn axis_decimals(lo: f64, hi: f64) -> usize {
    let step = ((hi - lo).abs() / 8.0).max(1e-12);
    (-libm::log10(step)).ceil().clamp(0.0, 6.0) as usize
}

/// `x` with `decimals` decimals, never `-0`.
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// A number for an axis label: no trailing zeros, at most 4 significant decimals.
pub fn trim_number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    let s = if !(1e-3..1e6).contains(&a) {
        format!("{x:.2e}")
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    };
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Maps data coordinates to pixels of a plotting area.
struct Pixels {
    x: (f64, f64),
    y: (f64, f64),
    w: f64,
    h: f64,
}

impl Pixels {
    fn at(&self, x: f64, y: f64) -> (i32, i32) {
        let fx = (x - self.x.0) / (self.x.1 - self.x.0);
        let fy = (y - self.y.0) / (self.y.1 - self.y.0);
        (
            (fx * self.w).round().clamp(-1e6, 1e6) as i32,
            ((1.0 - fy) * self.h).round().clamp(-1e6, 1e6) as i32,
        )
    }
}

/// Draws a panel into `area`, its y-axis `y_area_px` wide; returns the plotting area's
/// top, pixels from `area`'s top (where its legend starts).
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Panel,
    y_area_px: u32,
    look: &Look,
) -> Result<i32, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let ((x0, x1), (y0, y1)) = p.ranges();
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, ("sans-serif", look.font_px(20.0)))
        .margin(look.len_px(10.0))
        .margin_right(look.len_px(14.0))
        .x_label_area_size(look.len_px(46.0))
        .y_label_area_size(y_area_px)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let xd = axis_decimals(x0, x1);
    let yd = axis_decimals(y0, y1);
    let xfmt = |x: &f64| match p.x_labels {
        XLabels::Plain => fixed(*x, xd),
        k => format_x(k, *x),
    };
    let yfmt = |y: &f64| fixed(*y, yd);
    let x_labels = match p.x_labels {
        XLabels::Log10Seconds => 40,
        // enough candidates that every whole level is one
        XLabels::Levels => (4.0 * (x1 - x0)).ceil().max(10.0) as usize,
        _ => 10,
    };
    chart
        .configure_mesh()
        .x_labels(x_labels)
        .x_desc(p.x_desc.as_str())
        .y_desc(p.y_desc.as_str())
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style(("sans-serif", look.font_px(14.0)))
        .axis_desc_style(("sans-serif", look.font_px(15.0)))
        .light_line_style(RGBColor(246, 246, 246))
        .bold_line_style(RGBColor(220, 220, 220))
        .draw()?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let px = Pixels {
        x: (x0, x1),
        y: (y0, y1),
        w: f64::from(xr.end - xr.start),
        h: f64::from(yr.end - yr.start),
    };
    let plot = chart.plotting_area().strip_coord_spec();
    let yspan = y1 - y0;
    // halts under everything: grey spans
    for m in p.marks.iter().filter(|m| m.kind == MarkKind::Halt) {
        chart.draw_series(std::iter::once(Rectangle::new(
            [
                (m.start_s.max(x0), y0),
                (m.end_s.min(x1).max(m.start_s), y1),
            ],
            m.kind.colour().mix(0.16).filled(),
        )))?;
    }
    // shaded spans, under the data: translucent, outlined, some hatched
    for s in &p.shades {
        let (a, b) = (s.x0.max(x0), s.x1.min(x1));
        if b < a {
            continue;
        }
        chart.draw_series(std::iter::once(Rectangle::new(
            [(a, y0), (b, y1)],
            s.colour.mix(0.18).filled(),
        )))?;
        let (pa, pb) = (px.at(a, y1), px.at(b, y0));
        if s.hatched {
            legend::hatch(&plot, pa, pb, s.colour, look.len_px(7.0) as i32)?;
        }
        for xe in [pa.0, pb.0] {
            polyline(&plot, &[(xe, pa.1), (xe, pb.1)], s.colour, 1, None, look)?;
        }
    }
    for b in &p.bars {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(b.x0, 0.0), (b.x1, b.y)],
            b.colour.mix(0.85).filled(),
        )))?;
    }
    let line = look.line_px();
    for s in &p.series {
        let c = s.colour;
        for seg in &s.segments {
            match s.style {
                Style::Line | Style::LinePoints | Style::Thin | Style::Dashed => {
                    let mut pts: Vec<(i32, i32)> = Vec::with_capacity(seg.len());
                    for &(x, y) in seg {
                        let q = px.at(x, y);
                        if pts.last() != Some(&q) {
                            pts.push(q);
                        }
                    }
                    if pts.len() == 1 {
                        plot.draw(&Circle::new(pts[0], line.max(1), c.filled()))?;
                    }
                    let dash =
                        (s.style == Style::Dashed).then(|| (look.len_px(6.0), look.len_px(4.0)));
                    polyline(&plot, &pts, c, line, dash, look)?;
                }
                Style::Points => {
                    chart.draw_series(seg.iter().map(|&(x, y)| {
                        Circle::new((x, y), look.dot_px(3.0), c.mix(0.7).filled())
                    }))?;
                }
            }
            if s.style == Style::LinePoints {
                chart.draw_series(
                    seg.iter()
                        .map(|&(x, y)| Circle::new((x, y), look.dot_px(4.0), c.filled())),
                )?;
            }
        }
    }
    // markers over the data: a line at each start, a bar along the top for its span, a
    // triangle at the bottom for each withdrawal (one per pixel column)
    let mut last_triangle = i32::MIN;
    for m in &p.marks {
        if m.start_s < x0 || m.start_s > x1 {
            continue;
        }
        let c = m.kind.colour();
        let (sx, _) = px.at(m.start_s, y0);
        match m.kind {
            MarkKind::Withdrawal => {
                if sx != last_triangle {
                    last_triangle = sx;
                    chart.draw_series(std::iter::once(TriangleMarker::new(
                        (m.start_s, y0 + 0.035 * yspan),
                        look.dot_px(5.0) as i32,
                        c.filled(),
                    )))?;
                }
            }
            MarkKind::Halt => {
                let (top, bottom) = (px.at(x0, y1).1, px.at(x0, y0).1);
                polyline(&plot, &[(sx, top), (sx, bottom)], c, 1, Some((3, 3)), look)?;
            }
            _ => {
                let (top, bottom) = (px.at(x0, y1).1, px.at(x0, y0).1);
                let dash = (look.len_px(7.0), look.len_px(4.0));
                polyline(&plot, &[(sx, top), (sx, bottom)], c, line, Some(dash), look)?;
                if m.end_s > m.start_s {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(m.start_s, y1 - 0.035 * yspan), (m.end_s.min(x1), y1)],
                        c.mix(0.75).filled(),
                    )))?;
                }
            }
        }
    }
    if p.is_empty() {
        let (w, h) = area.dim_in_pixel();
        area.draw(&Text::new(
            "no data",
            ((w / 2) as i32 - 30, (h / 2) as i32),
            ("sans-serif", look.font_px(18.0))
                .into_font()
                .color(&RGBColor(120, 120, 120)),
        ))?;
    }
    Ok(yr.start - area.get_base_pixel().1)
}
