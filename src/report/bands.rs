//! The makers' states over time ([`StateBands`]): one band per maker, coloured by its
//! withdrawal state, with a strip beneath of the sides it quoted; the run's shocks,
//! programs and halts marked as on the other time plots. The maker names' axis is as wide
//! as the longest name needs, so that its description never meets them.

use super::legend::{self, Entry, Swatch};
use super::markers::{Mark, MarkKind};
use super::plots::{DrawResult, Drawable, WIDTH, mark_keys, trim_number};
use super::style::{Look, polyline};
use plotters::coord::Shift;
use plotters::prelude::*;

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
    /// Shocks, programs and halts to mark (withdrawals show in the bands themselves).
    pub marks: Vec<Mark>,
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
    fn size(&self, look: &Look) -> (u32, u32) {
        look.size_px((WIDTH, 150 + 60 * self.makers.len().max(1) as u32))
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, look: &Look) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        draw_bands(root, self, look)
    }
}

impl StateBands {
    /// The key: states, quoting sides, then the kinds of marker shown.
    fn legend(&self) -> Vec<Entry> {
        let mut out: Vec<Entry> = STATE_LEGEND
            .iter()
            .map(|(label, key)| Entry {
                swatch: Swatch::Solid(match key.strip_prefix("q:") {
                    Some(q) => quoting_colour(q),
                    None => state_colour(key),
                }),
                label: (*label).into(),
            })
            .collect();
        out.extend(mark_keys(&self.marks));
        out
    }
}

fn draw_bands<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    b: &StateBands,
    look: &Look,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let n = b.makers.len().max(1) as f64;
    let end = if b.end_s > 0.0 { b.end_s } else { 1.0 };
    let entries = b.legend();
    let strip = legend::strip_width(root, &entries.iter().collect::<Vec<_>>(), look)?;
    let (width, _) = root.dim_in_pixel();
    let (area, key) = root.split_horizontally(width.saturating_sub(strip));
    // the names' axis: the longest name, a gap, the description's line, a margin
    let label_font = TextStyle::from(("sans-serif", look.font_px(14.0)).into_font());
    let mut widest = 0;
    for (name, _, _) in &b.makers {
        widest = widest.max(root.estimate_text_size(name, &label_font)?.0);
    }
    let y_area = widest + look.len_px(15.0 + 30.0);
    let mut chart = ChartBuilder::on(&area)
        .caption(&b.title, ("sans-serif", look.font_px(20.0)))
        .margin(look.len_px(10.0))
        .margin_right(look.len_px(14.0))
        .x_label_area_size(look.len_px(46.0))
        .y_label_area_size(y_area)
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
        .label_style(label_font.clone())
        .axis_desc_style(("sans-serif", look.font_px(15.0)))
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
    // marks: halts shaded, shocks and programs a dashed line at their start
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let plot = chart.plotting_area().strip_coord_spec();
    let h = yr.end - yr.start;
    let w = f64::from(xr.end - xr.start);
    for m in b.marks.iter().filter(|m| m.start_s <= end) {
        let c = m.kind.colour();
        let sx = (m.start_s / end * w).round() as i32;
        if m.kind == MarkKind::Halt {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(m.start_s, 0.0), (m.end_s.min(end), n)],
                c.mix(0.25).filled(),
            )))?;
            polyline(&plot, &[(sx, 0), (sx, h)], c, 1, Some((3, 3)), look)?;
        } else if m.kind != MarkKind::Withdrawal {
            let dash = (look.len_px(7.0), look.len_px(4.0));
            polyline(
                &plot,
                &[(sx, 0), (sx, h)],
                c,
                look.line_px(),
                Some(dash),
                look,
            )?;
        }
    }
    legend::draw(&key, &entries, yr.start, look)?;
    Ok(())
}
