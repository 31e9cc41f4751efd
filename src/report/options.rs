//! What the user chooses about a report's figures: their size in pixels (`--size WxH`),
//! a scale for the default sizes, lines and fonts (`--scale`), the style (`--style screen`
//! or `paper`) and, for a sweep, the extra statistics to map (`--stat COLUMN`). Sizes are
//! bounded ([`MIN_SIDE_PX`]..=[`MAX_SIDE_PX`]), so a plot's in-memory image stays below
//! about 100 MB whatever is asked.

use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Smallest width or height of a plot, pixels.
pub const MIN_SIDE_PX: u32 = 300;
/// Largest width or height of a plot, pixels (an RGB image of 6000 × 6000 is 108 MB).
pub const MAX_SIDE_PX: u32 = 6000;
/// Smallest `--scale`.
pub const MIN_SCALE: f64 = 0.5;
/// Largest `--scale`.
pub const MAX_SCALE: f64 = 4.0;

/// A value of `--size`, `--scale` or `--style` that is not allowed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum OptionError {
    /// `--size` is not `WxH` with both sides in range.
    #[error(
        "{given:?} is not a plot size: give WIDTHxHEIGHT in pixels, e.g. 1200x800, each side \
         from {MIN_SIDE_PX} to {MAX_SIDE_PX}"
    )]
    Size {
        /// What was given.
        given: String,
    },
    /// `--scale` is not a number in range.
    #[error("{given:?} is not a scale: give a number from {MIN_SCALE} to {MAX_SCALE}, e.g. 2")]
    Scale {
        /// What was given.
        given: String,
    },
    /// `--style` is not a known style.
    #[error("{given:?} is not a style: give screen or paper")]
    Style {
        /// What was given.
        given: String,
    },
}

/// A plot's size in pixels, each side within [`MIN_SIDE_PX`]..=[`MAX_SIDE_PX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizePx {
    /// Width, pixels.
    pub width_px: u32,
    /// Height, pixels.
    pub height_px: u32,
}

impl FromStr for SizePx {
    type Err = OptionError;
    fn from_str(s: &str) -> Result<SizePx, OptionError> {
        let bad = || OptionError::Size { given: s.into() };
        let (w, h) = s.trim().split_once(['x', 'X', '×']).ok_or_else(bad)?;
        let side = |v: &str| {
            v.trim()
                .parse::<u32>()
                .ok()
                .filter(|p| (MIN_SIDE_PX..=MAX_SIDE_PX).contains(p))
        };
        Ok(SizePx {
            width_px: side(w).ok_or_else(bad)?,
            height_px: side(h).ok_or_else(bad)?,
        })
    }
}

impl fmt::Display for SizePx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width_px, self.height_px)
    }
}

/// `--scale`: a factor on the default sizes, line widths and fonts, within
/// [`MIN_SCALE`]..=[`MAX_SCALE`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale(f64);

impl Scale {
    /// The factor.
    pub fn factor(self) -> f64 {
        self.0
    }
}

impl Default for Scale {
    fn default() -> Scale {
        Scale(1.0)
    }
}

impl FromStr for Scale {
    type Err = OptionError;
    fn from_str(s: &str) -> Result<Scale, OptionError> {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| (MIN_SCALE..=MAX_SCALE).contains(v))
            .map(Scale)
            .ok_or_else(|| OptionError::Scale { given: s.into() })
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// `--style`: how lines and text are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StyleName {
    /// For a screen: 1-px lines, 14-px labels (the default).
    #[default]
    Screen,
    /// For a paper or slides: 3-px lines, fonts 1.4 times larger.
    Paper,
}

impl FromStr for StyleName {
    type Err = OptionError;
    fn from_str(s: &str) -> Result<StyleName, OptionError> {
        match s.trim() {
            "screen" => Ok(StyleName::Screen),
            "paper" => Ok(StyleName::Paper),
            _ => Err(OptionError::Style { given: s.into() }),
        }
    }
}

impl fmt::Display for StyleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StyleName::Screen => "screen",
            StyleName::Paper => "paper",
        })
    }
}

/// Everything `depthsim report` may be asked besides the folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportOptions {
    /// Every plot's size; `None`: each plot's own default size (times the scale).
    pub size: Option<SizePx>,
    /// Factor on default sizes, lines and fonts.
    pub scale: Scale,
    /// Line and font style.
    pub style: StyleName,
    /// Sweeps only: runs.csv columns to map as heatmaps besides the two fixed ones.
    pub stats: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_within_their_range_only() {
        assert_eq!(
            "1200x800".parse::<SizePx>(),
            Ok(SizePx {
                width_px: 1200,
                height_px: 800
            })
        );
        for bad in [
            "0x0",
            "100000x100000",
            "abc",
            "1200",
            "299x800",
            "1200x6001",
            "-5x400",
        ] {
            let e = bad.parse::<SizePx>().unwrap_err().to_string();
            assert!(e.contains("300 to 6000"), "{bad}: {e}");
        }
    }

    #[test]
    fn scales_and_styles_parse() {
        assert_eq!("2".parse::<Scale>().map(Scale::factor), Ok(2.0));
        assert!("0".parse::<Scale>().is_err());
        assert!("NaN".parse::<Scale>().is_err());
        assert!("9".parse::<Scale>().is_err());
        assert_eq!("paper".parse::<StyleName>(), Ok(StyleName::Paper));
        assert!("print".parse::<StyleName>().is_err());
    }
}
