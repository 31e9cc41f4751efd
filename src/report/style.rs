//! How a plot is drawn, resolved from [`ReportOptions`]: the image size, line widths and
//! font sizes in pixels, and whether the target is the PNG (bitmap) or the SVG.
//!
//! Thick lines in the PNG are drawn as several 1-px lines offset by whole pixels (a square
//! brush), which end within a pixel of the data by construction: plotters' bitmap backend
//! drew near-vertical segments wider than 1 px far past their ends (commit a17a86b; in
//! plotters 0.3.7 a 3-px stroke still runs 3 px past a sharp turn). The SVG gets the real
//! stroke width.

use super::options::{MAX_SIDE_PX, MIN_SIDE_PX, ReportOptions, SizePx, StyleName};
use plotters::coord::Shift;
use plotters::prelude::*;

/// A resolved drawing style.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    /// Every plot's size, when the user chose one.
    pub size: Option<SizePx>,
    /// Factor on default sizes, lines and fonts.
    pub scale: f64,
    /// The named style.
    pub style: StyleName,
    /// Whether this drawing is the PNG (thick lines by offsets) rather than the SVG.
    pub bitmap: bool,
}

impl Default for Look {
    fn default() -> Look {
        Look::new(&ReportOptions::default())
    }
}

impl Look {
    /// The look the options ask for (drawing the SVG; see [`Look::for_bitmap`]).
    pub fn new(o: &ReportOptions) -> Look {
        Look {
            size: o.size,
            scale: o.scale.factor(),
            style: o.style,
            bitmap: false,
        }
    }

    /// The same look for the PNG (`true`) or the SVG (`false`).
    pub fn for_bitmap(self, bitmap: bool) -> Look {
        Look { bitmap, ..self }
    }

    /// The image size: the user's `--size`, or `default_px` times the scale; each side kept
    /// within the allowed range.
    pub fn size_px(&self, default_px: (u32, u32)) -> (u32, u32) {
        match self.size {
            Some(s) => (s.width_px, s.height_px),
            None => {
                let side = |v: u32| {
                    ((f64::from(v) * self.scale).round() as u32).clamp(MIN_SIDE_PX, MAX_SIDE_PX)
                };
                (side(default_px.0), side(default_px.1))
            }
        }
    }

    /// Text factor: the scale, times 1.4 for paper.
    fn text_factor(&self) -> f64 {
        self.scale
            * match self.style {
                StyleName::Screen => 1.0,
                StyleName::Paper => 1.4,
            }
    }

    /// A font size, pixels, from its screen size at scale 1.
    pub fn font_px(&self, screen_px: f64) -> f64 {
        (screen_px * self.text_factor()).round().max(6.0)
    }

    /// A length (margin, label area), pixels, from its screen length at scale 1: grows with
    /// the text.
    pub fn len_px(&self, screen_px: f64) -> u32 {
        (screen_px * self.text_factor()).round().max(1.0) as u32
    }

    /// Data lines' width, pixels: 1 on screen, 3 on paper, times the scale.
    pub fn line_px(&self) -> u32 {
        let base = match self.style {
            StyleName::Screen => 1.0,
            StyleName::Paper => 3.0,
        };
        ((base * self.scale).round() as u32).clamp(1, 12)
    }

    /// Dot radius, pixels, from its screen radius.
    pub fn dot_px(&self, screen_px: f64) -> u32 {
        let f = match self.style {
            StyleName::Screen => 1.0,
            StyleName::Paper => 1.5,
        };
        (screen_px * f * self.scale).round().max(1.0) as u32
    }
}

/// Draws a polyline `pts` (pixel coordinates relative to `area`) `width_px` wide: in the
/// PNG as `width_px`² offset 1-px copies, in the SVG with that stroke width. `dash`: dash
/// and gap lengths, pixels.
pub fn polyline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pts: &[(i32, i32)],
    colour: RGBColor,
    width_px: u32,
    dash: Option<(u32, u32)>,
    look: &Look,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if pts.len() < 2 {
        return Ok(());
    }
    let draw = |offset: (i32, i32), stroke: u32| {
        let moved: Vec<(i32, i32)> = pts
            .iter()
            .map(|&(x, y)| (x + offset.0, y + offset.1))
            .collect();
        let style = colour.stroke_width(stroke);
        match dash {
            None => area.draw(&PathElement::new(moved, style)),
            Some((on, off)) => dashed(area, &moved, style, on, off),
        }
    };
    if look.bitmap && width_px > 1 {
        let w = width_px as i32;
        let lo = -(w - 1) / 2;
        for dx in lo..lo + w {
            for dy in lo..lo + w {
                draw((dx, dy), 1)?;
            }
        }
        Ok(())
    } else {
        draw((0, 0), width_px)
    }
}

/// A dashed polyline in pixel coordinates.
fn dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pts: &[(i32, i32)],
    style: ShapeStyle,
    on_px: u32,
    off_px: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (on, off) = (f64::from(on_px.max(1)), f64::from(off_px));
    let period = on + off;
    // distance along the path where the current dash pattern started
    let mut phase = 0.0_f64;
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
        let len = (dx * dx + dy * dy).sqrt();
        if len == 0.0 {
            continue;
        }
        let at = |d: f64| {
            let t = d / len;
            (
                (f64::from(a.0) + dx * t).round() as i32,
                (f64::from(a.1) + dy * t).round() as i32,
            )
        };
        let mut d = 0.0;
        while d < len {
            let within = phase % period;
            if within < on {
                let end = (d + on - within).min(len);
                area.draw(&PathElement::new(vec![at(d), at(end)], style))?;
                phase += end - d;
                d = end;
            } else {
                let end = (d + period - within).min(len);
                phase += end - d;
                d = end;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::options::Scale;

    #[test]
    fn paper_is_thicker_and_larger_than_screen() {
        let screen = Look::default();
        let paper = Look::new(&ReportOptions {
            style: StyleName::Paper,
            ..ReportOptions::default()
        });
        assert_eq!(screen.line_px(), 1);
        assert_eq!(paper.line_px(), 3);
        assert!(paper.font_px(14.0) > screen.font_px(14.0));
        assert_eq!(screen.size_px((1200, 330)), (1200, 330));
    }

    /// Rows of a 100 × 100 bitmap with ink, after `draw` on it.
    fn inked_rows(draw: impl Fn(&DrawingArea<BitMapBackend<'_>, Shift>)) -> Vec<i32> {
        let mut rgb = vec![255u8; 100 * 100 * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (100, 100)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            draw(&root);
            root.present().unwrap();
        }
        (0..100)
            .filter(|y| (0..100).any(|x| rgb[(y * 100 + x) as usize * 3] < 200))
            .collect()
    }

    #[test]
    fn thick_png_lines_stop_at_their_ends() {
        let look = Look::new(&ReportOptions {
            style: StyleName::Paper,
            ..ReportOptions::default()
        })
        .for_bitmap(true);
        // a near-vertical segment from y = 20 to y = 80, and a one-sample spike up to y = 20
        // (a mitred 3-px stroke would overshoot its tip)
        for pts in [
            vec![(50, 20), (52, 80)],
            vec![(10, 60), (49, 60), (50, 20), (51, 60), (90, 60)],
        ] {
            let rows = inked_rows(|a| polyline(a, &pts, BLACK, 3, None, &look).unwrap());
            assert!(rows[0] >= 19, "{pts:?}: {rows:?}");
            assert!(*rows.last().unwrap() <= 81, "{pts:?}: {rows:?}");
            let native = inked_rows(|a| {
                a.draw(&PathElement::new(pts.clone(), BLACK.stroke_width(3)))
                    .unwrap()
            });
            eprintln!(
                "{pts:?}: offsets ink rows {}..={}, plotters' 3-px stroke {}..={}",
                rows[0],
                rows.last().unwrap(),
                native[0],
                native.last().unwrap()
            );
        }
    }

    #[test]
    fn sizes_are_the_users_or_the_scaled_default_within_range() {
        let two = Look::new(&ReportOptions {
            scale: "2".parse::<Scale>().unwrap(),
            ..ReportOptions::default()
        });
        assert_eq!(two.size_px((1200, 330)), (2400, 660));
        assert_eq!(two.size_px((4000, 100)), (MAX_SIDE_PX, MIN_SIDE_PX));
        let fixed = Look::new(&ReportOptions {
            size: Some("800x600".parse().unwrap()),
            ..ReportOptions::default()
        });
        assert_eq!(fixed.size_px((1200, 1320)), (800, 600));
    }
}
