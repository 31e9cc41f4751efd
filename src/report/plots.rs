//! Figures as data ([`Figure`]: stacked [`Panel`]s of lines, points, bars and shaded
//! spans), drawn with plotters into a PNG and an SVG of the same size, in the DejaVu Sans
//! font the program carries (no system font is needed). Also the maker-state band chart
//! ([`StateBands`]).

use super::error::ReportError;
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
    /// Colour (drawn translucent).
    pub colour: RGBColor,
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
    /// Whether the y range includes 0.
    pub y_from_zero: bool,
    /// Where the legend goes.
    pub legend: SeriesLabelPosition,
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
            y_from_zero: false,
            legend: SeriesLabelPosition::UpperRight,
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
        let (y0p, y1p) = pad(y0, y1, 0.05);
        // bars and zero-based panels keep 0 as their floor
        let y0p = if (self.y_from_zero || !self.bars.is_empty()) && y0 >= 0.0 {
            0.0
        } else {
            y0p
        };
        (pad(x0, x1, 0.0), (y0p, y1p))
    }
}

/// Stacked panels sharing one image.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File stem under plots/ (`depth` → plots/depth.png and plots/depth.svg).
    pub name: String,
    /// The panels, top to bottom.
    pub panels: Vec<Panel>,
}

/// Image width, pixels.
pub const WIDTH: u32 = 1200;
/// Height of one panel, pixels.
pub const PANEL_HEIGHT: u32 = 330;

/// What drawing returns: plotters' errors, boxed.
pub type DrawResult = Result<(), Box<dyn Error>>;

/// A plot drawn the same way into its PNG and its SVG.
pub trait Drawable {
    /// Its file stem under plots/.
    fn name(&self) -> &str;
    /// Its size, pixels.
    fn size(&self) -> (u32, u32);
    /// Draws it on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Draws `item` into `plots_dir`/NAME.png and NAME.svg. Both are drawn in memory and then
/// written with every write checked (a full disk is an error, never a truncated file); the
/// report writes them into its staging folder ([`super::publish`]).
pub fn render<T: Drawable>(item: &T, plots_dir: &Path) -> Result<(), ReportError> {
    let png = plots_dir.join(format!("{}.png", item.name()));
    let svg = plots_dir.join(format!("{}.svg", item.name()));
    let fail = |file: &Path, e: Box<dyn Error>| ReportError::Plot {
        file: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        message: e.to_string(),
    };
    let (w, h) = item.size();
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        item.draw(&root)
            .and_then(|()| Ok(root.present()?))
            .map_err(|e| fail(&png, e))?;
    }
    let png_bytes = encode_png(&rgb, w, h).map_err(|e| fail(&png, Box::new(e)))?;
    let mut svg_text = String::new();
    {
        let root = SVGBackend::with_string(&mut svg_text, (w, h)).into_drawing_area();
        item.draw(&root)
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
    fn size(&self) -> (u32, u32) {
        (WIDTH, PANEL_HEIGHT * self.panels.len().max(1) as u32)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        draw_figure(root, self)
    }
}

fn draw_figure<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, figure: &Figure) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let areas = root.split_evenly((figure.panels.len().max(1), 1));
    for (panel, area) in figure.panels.iter().zip(&areas) {
        draw_panel(area, panel)?;
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
            let l = x.round();
            if (x - l).abs() > 1e-6 || l == 0.0 {
                String::new()
            } else if l < 0.0 {
                format!("bid {}", -l)
            } else {
                format!("ask {l}")
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

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let ((x0, x1), (y0, y1)) = p.ranges();
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, ("sans-serif", 20))
        .margin(10)
        .margin_right(24)
        .x_label_area_size(46)
        .y_label_area_size(84)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let xd = axis_decimals(x0, x1);
    let yd = axis_decimals(y0, y1);
    let xfmt = |x: &f64| match p.x_labels {
        XLabels::Plain => fixed(*x, xd),
        k => format_x(k, *x),
    };
    let yfmt = |y: &f64| fixed(*y, yd);
    let x_labels = if p.x_labels == XLabels::Log10Seconds {
        40
    } else {
        10
    };
    chart
        .configure_mesh()
        .x_labels(x_labels)
        .x_desc(p.x_desc.as_str())
        .y_desc(p.y_desc.as_str())
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .light_line_style(RGBColor(246, 246, 246))
        .bold_line_style(RGBColor(220, 220, 220))
        .draw()?;
    // shaded spans first, under the data; one legend entry per label
    let mut labelled: Vec<&str> = Vec::new();
    for s in &p.shades {
        let style = s.colour.mix(0.22).filled();
        let drawn = chart.draw_series(std::iter::once(Rectangle::new(
            [(s.x0.max(x0), y0), (s.x1.min(x1), y1)],
            style,
        )))?;
        if !labelled.contains(&s.label.as_str()) {
            labelled.push(&s.label);
            drawn
                .label(s.label.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], style));
        }
    }
    for b in &p.bars {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(b.x0, 0.0), (b.x1, b.y)],
            b.colour.mix(0.85).filled(),
        )))?;
    }
    for s in &p.series {
        let c = s.colour;
        let mut first = true;
        for seg in &s.segments {
            let drawn = match s.style {
                Style::Line | Style::LinePoints | Style::Thin => chart
                    // width 1: plotters' bitmap backend draws near-vertical 2-px segments
                    // far past their ends
                    .draw_series(LineSeries::new(seg.iter().copied(), c.stroke_width(1)))?,
                Style::Dashed => chart.draw_series(DashedLineSeries::new(
                    seg.iter().copied(),
                    6,
                    4,
                    c.stroke_width(1),
                ))?,
                Style::Points => chart.draw_series(
                    seg.iter()
                        .map(|&(x, y)| Circle::new((x, y), 3, c.mix(0.7).filled())),
                )?,
            };
            if first && !s.label.is_empty() {
                first = false;
                drawn.label(s.label.as_str()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3))
                });
            }
            if s.style == Style::LinePoints {
                chart.draw_series(seg.iter().map(|&(x, y)| Circle::new((x, y), 4, c.filled())))?;
            }
        }
    }
    let has_legend = !labelled.is_empty() || p.series.iter().any(|s| !s.label.is_empty());
    if has_legend {
        chart
            .configure_series_labels()
            .position(p.legend.clone())
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(160, 160, 160))
            .label_font(("sans-serif", 14))
            .draw()?;
    }
    if p.is_empty() {
        area.draw(&Text::new(
            "no data",
            ((WIDTH / 2) as i32 - 30, (PANEL_HEIGHT / 2) as i32),
            ("sans-serif", 18)
                .into_font()
                .color(&RGBColor(120, 120, 120)),
        ))?;
    }
    Ok(())
}

/// The makers' states over time: one band per maker, coloured by its withdrawal state, with
/// a thin strip beneath showing which sides it quoted at each agents.csv sample.
#[derive(Debug, Clone)]
pub struct StateBands {
    /// File stem under plots/.
    pub name: String,
    /// Title.
    pub title: String,
    /// The run's end, s.
    pub end_s: f64,
    /// Per maker: its label, its states as `(from t_s, state)`, and its quoting samples as
    /// `(t_s, quoting)`.
    pub makers: Vec<MakerBand>,
}

/// One maker's band: its label, its states as `(from t_s, state)`, and its quoting samples
/// as `(t_s, quoting)`.
pub type MakerBand = (String, Vec<(f64, String)>, Vec<(f64, String)>);

/// Colour of a withdrawal state.
pub fn state_colour(state: &str) -> RGBColor {
    match state {
        "quoting" => RGBColor(0, 158, 115),
        "widened" => RGBColor(230, 159, 0),
        "withdrawn" => RGBColor(213, 50, 0),
        "cooldown" => RGBColor(86, 180, 233),
        _ => RGBColor(150, 150, 150),
    }
}

/// Colour of a `quoting` value.
pub fn quoting_colour(q: &str) -> RGBColor {
    match q {
        "both" => RGBColor(60, 60, 60),
        "bid_only" => RGBColor(0, 114, 178),
        "ask_only" => RGBColor(204, 121, 167),
        _ => RGBColor(245, 245, 245),
    }
}

/// The state bands' legend: `(label, colour)`.
pub const STATE_LEGEND: [(&str, &str); 8] = [
    ("state: quoting", "quoting"),
    ("state: widened", "widened"),
    ("state: withdrawn", "withdrawn"),
    ("state: cooldown", "cooldown"),
    ("quotes both sides", "q:both"),
    ("quotes bid only", "q:bid_only"),
    ("quotes ask only", "q:ask_only"),
    ("quotes none", "q:none"),
];

impl Drawable for StateBands {
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self) -> (u32, u32) {
        (WIDTH, 150 + 60 * self.makers.len().max(1) as u32)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        draw_bands(root, self)
    }
}

fn draw_bands<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, b: &StateBands) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let n = b.makers.len().max(1) as f64;
    let end = if b.end_s > 0.0 { b.end_s } else { 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(&b.title, ("sans-serif", 20))
        .margin(10)
        .margin_right(200)
        .x_label_area_size(46)
        .y_label_area_size(110)
        .build_cartesian_2d(0.0..end, 0.0..n)?;
    let names: Vec<String> = b.makers.iter().map(|m| m.0.clone()).collect();
    let yfmt = |y: &f64| {
        let i = (n - y - 0.5).round();
        if (n - y - 0.5 - i).abs() < 0.01 && i >= 0.0 {
            names.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let xfmt = |x: &f64| trim_number(*x);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("time since the open, s")
        .y_desc("maker")
        .y_labels(4 * b.makers.len().max(1) + 1)
        .y_label_formatter(&yfmt)
        .x_label_formatter(&xfmt)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    for (i, (_, states, quoting)) in b.makers.iter().enumerate() {
        // maker i's band, top to bottom: state in [top−0.85, top−0.35], quoting strip below
        let top = n - i as f64;
        for (k, (t, s)) in states.iter().enumerate() {
            let t1 = states.get(k + 1).map_or(end, |n| n.0);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(*t, top - 0.12), (t1, top - 0.62)],
                state_colour(s).filled(),
            )))?;
        }
        for (k, (t, q)) in quoting.iter().enumerate() {
            // a sample holds from the previous sample to its own time
            let t0 = if k == 0 { 0.0 } else { quoting[k - 1].0 };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(t0, top - 0.68), (*t, top - 0.88)],
                quoting_colour(q).filled(),
            )))?;
        }
    }
    // the legend, by hand in the right margin
    for (k, (label, key)) in STATE_LEGEND.iter().enumerate() {
        let c = match key.strip_prefix("q:") {
            Some(q) => quoting_colour(q),
            None => state_colour(key),
        };
        let (x, y) = (WIDTH as i32 - 185, 50 + 22 * k as i32);
        root.draw(&Rectangle::new([(x, y), (x + 18, y + 14)], c.filled()))?;
        root.draw(&Rectangle::new(
            [(x, y), (x + 18, y + 14)],
            RGBColor(120, 120, 120),
        ))?;
        root.draw(&Text::new(*label, (x + 24, y), ("sans-serif", 13)))?;
    }
    Ok(())
}
