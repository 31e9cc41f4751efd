//! Legends, drawn in a strip beside the plotting area (never on the data): each entry a
//! swatch and its label, the markers' key among them. The strip is as wide as the longest
//! label needs, at most [`MAX_STRIP_SHARE`] of the image; entries that do not fit its
//! height end in "+N more".

use super::markers::MarkKind;
use super::style::{Look, polyline};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The widest a legend strip may be, as a share of the image's width.
pub const MAX_STRIP_SHARE: f64 = 0.4;

/// How an entry's swatch looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A dot.
    Dot(RGBColor),
    /// A translucent box with an outline.
    Fill(RGBColor),
    /// A hatched box with an outline.
    Hatch(RGBColor),
    /// A solid box.
    Solid(RGBColor),
    /// A marker of the time plots.
    Mark(MarkKind),
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its swatch.
    pub swatch: Swatch,
    /// Its label.
    pub label: String,
}

/// Legend text size on screen at scale 1, pixels.
const FONT_PX: f64 = 13.0;
/// Swatch width on screen at scale 1, pixels.
const SWATCH_PX: f64 = 22.0;

fn font(look: &Look) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", look.font_px(FONT_PX)).into_font())
}

/// The strip's width for these entries (0 when there are none), measured on `area`.
pub fn strip_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[&Entry],
    look: &Look,
) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
    if entries.is_empty() {
        return Ok(0);
    }
    let f = font(look);
    let mut widest = 0;
    for e in entries {
        widest = widest.max(area.estimate_text_size(&e.label, &f)?.0);
    }
    let want = widest + look.len_px(SWATCH_PX + 24.0);
    let most = (f64::from(area.dim_in_pixel().0) * MAX_STRIP_SHARE) as u32;
    Ok(want.min(most))
}

/// Draws `entries` into `strip`, from `top_px` down.
pub fn draw<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    top_px: i32,
    look: &Look,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let f = font(look);
    let row = (look.font_px(FONT_PX) * 1.55).round() as i32;
    let sw = look.len_px(SWATCH_PX) as i32;
    let half = row / 2 - 2;
    let x = look.len_px(4.0) as i32;
    let (_, height) = strip.dim_in_pixel();
    for (i, e) in entries.iter().enumerate() {
        let y = top_px + row * i as i32 + row / 2;
        let last_fitting = y + 2 * row > height as i32;
        if last_fitting && i + 1 < entries.len() {
            strip.draw(&Text::new(
                format!("+{} more", entries.len() - i),
                (x, y - half),
                f.clone(),
            ))?;
            break;
        }
        swatch(strip, e.swatch, (x, y), (sw, half), look)?;
        strip.draw(&Text::new(
            e.label.clone(),
            (x + sw + 6, y - half),
            f.clone(),
        ))?;
    }
    Ok(())
}

/// Draws a swatch centred vertically on `at.1`, from `at.0`, `size.0` wide and `size.1`
/// high above and below.
fn swatch<DB: DrawingBackend>(
    a: &DrawingArea<DB, Shift>,
    s: Swatch,
    at: (i32, i32),
    size: (i32, i32),
    look: &Look,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (x, y) = at;
    let (w, h) = size;
    let line = look.line_px();
    let rect = [(x, y - h), (x + w, y + h)];
    match s {
        Swatch::Line(c) => polyline(a, &[(x, y), (x + w, y)], c, line, None, look),
        Swatch::Dashed(c) => polyline(a, &[(x, y), (x + w, y)], c, line, Some((5, 3)), look),
        Swatch::Dot(c) => a.draw(&Circle::new((x + w / 2, y), look.dot_px(4.0), c.filled())),
        Swatch::Solid(c) => {
            a.draw(&Rectangle::new(rect, c.filled()))?;
            a.draw(&Rectangle::new(rect, RGBColor(120, 120, 120)))
        }
        Swatch::Fill(c) => {
            a.draw(&Rectangle::new(rect, c.mix(0.22).filled()))?;
            a.draw(&Rectangle::new(rect, c))
        }
        Swatch::Hatch(c) => {
            hatch(a, (x, y - h), (x + w, y + h), c, 5)?;
            a.draw(&Rectangle::new(rect, c))
        }
        Swatch::Mark(k) => {
            let c = k.colour();
            match k {
                MarkKind::Halt => {
                    a.draw(&Rectangle::new(rect, c.mix(0.18).filled()))?;
                    polyline(a, &[(x, y - h), (x, y + h)], c, 1, Some((3, 2)), look)
                }
                MarkKind::Withdrawal => a.draw(&TriangleMarker::new(
                    (x + w / 2, y),
                    look.dot_px(5.0) as i32,
                    c.filled(),
                )),
                _ => {
                    a.draw(&Rectangle::new(
                        [(x, y - h), (x + w, y - h + (h / 2).max(2))],
                        c.mix(0.8).filled(),
                    ))?;
                    polyline(a, &[(x, y - h), (x, y + h)], c, line, Some((3, 2)), look)
                }
            }
        }
    }
}

/// Diagonal hatching (lines rising to the right, `spacing_px` apart) inside the rectangle
/// from `top_left` to `bottom_right`, pixel coordinates of `a`.
pub fn hatch<DB: DrawingBackend>(
    a: &DrawingArea<DB, Shift>,
    top_left: (i32, i32),
    bottom_right: (i32, i32),
    colour: RGBColor,
    spacing_px: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (x0, y0) = top_left;
    let (x1, y1) = bottom_right;
    let h = y1 - y0;
    if h <= 0 || x1 <= x0 {
        return Ok(());
    }
    // line c: the points (c + t, y1 − t) for t in 0..=h
    let spacing = spacing_px.max(2);
    let mut c = x0 - h;
    // start on a multiple of the spacing so that neighbouring spans line up
    c -= c.rem_euclid(spacing);
    while c <= x1 {
        let t0 = (x0 - c).max(0);
        let t1 = (x1 - c).min(h);
        if t0 < t1 {
            a.draw(&PathElement::new(
                vec![(c + t0, y1 - t0), (c + t1, y1 - t1)],
                colour.stroke_width(1),
            ))?;
        }
        c += spacing;
    }
    Ok(())
}
