//! The square-root law of market impact, checked on a collapse episode.
//!
//! The law: a metaorder of `Q` lots moves the price by `I = Y·σ·√(Q/V)` (a fraction of the
//! price), with `σ` the volatility and `V` the volume traded, both per the same unit of time,
//! and `Y` of order 1 (here 1). With `σ` per √s and `V` per s the unit cancels: `σ_T = σ·√T`
//! and `V_T = V·T` give the same `I` for any `T`, as long as the volatility is diffusive.
//!
//! Here (every price is a book's reference price, in ticks: the mid, or the last trade while
//! a side is empty):
//! - `σ` comes from the log price changes over a horizon `h` (overlapping, one per tick of
//!   the path) within a window before the episode: `σ² = mean(Δ_h ln p)² / h`;
//! - `V` is the lots traded over the same window, per second;
//! - `Q` is the programs' signed fills during the episode; where no program traded in it,
//!   the signed net aggressive volume (lots bought by arriving orders less lots sold);
//! - the moves are signed in the metaorder's direction (the sign of `Q`; with `Q = 0`, the
//!   direction of the larger excursion): **peak**, from the price at the start to the most
//!   extreme price in the episode, and **permanent**, from the start to the price a set time
//!   after the end.

/// One tick of a book's path at the detection cadence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathPoint {
    /// ln of the reference price in ticks.
    pub ln_price: f64,
    /// Lots traded in the book since the open.
    pub volume_lots: u64,
}

/// σ and V measured over a window of ticks.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PreWindow {
    /// σ, per √s (None: fewer than two prices `h` apart).
    pub sigma_per_sqrt_s: Option<f64>,
    /// V, lots per second (None: a window of a single tick).
    pub volume_per_s: Option<f64>,
}

/// σ over returns of `horizon_ticks` ticks and V, from the ticks of a window `cadence_s` apart,
/// oldest first.
pub fn pre_window(points: &[PathPoint], cadence_s: f64, horizon_ticks: usize) -> PreWindow {
    let n = points.len();
    let volume_per_s = match (points.first(), points.last()) {
        (Some(a), Some(b)) if n >= 2 => {
            Some((b.volume_lots - a.volume_lots) as f64 / ((n - 1) as f64 * cadence_s))
        }
        _ => None,
    };
    let k = horizon_ticks.max(1);
    let sigma_per_sqrt_s = (n > k).then(|| {
        let sum_sq: f64 = points
            .iter()
            .zip(&points[k..])
            .map(|(a, b)| {
                let r = b.ln_price - a.ln_price;
                r * r
            })
            .sum();
        (sum_sq / (n - k) as f64 / (k as f64 * cadence_s)).sqrt()
    });
    PreWindow {
        sigma_per_sqrt_s,
        volume_per_s,
    }
}

/// The last `capacity` points of a path, always readable as one slice (each point is stored
/// twice, so that the window never wraps).
#[derive(Debug, Clone)]
pub struct PathWindow {
    capacity: usize,
    buf: Vec<PathPoint>,
    pushed: usize,
}

impl PathWindow {
    /// An empty window of `capacity` points (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        PathWindow {
            capacity,
            buf: Vec::with_capacity(2 * capacity),
            pushed: 0,
        }
    }

    /// Adds the newest point, dropping the oldest once full.
    pub fn push(&mut self, p: PathPoint) {
        let i = self.pushed % self.capacity;
        if self.buf.len() < 2 * self.capacity {
            // first pass: fill both halves in order
            self.buf.resize(2 * self.capacity, p);
        }
        self.buf[i] = p;
        self.buf[i + self.capacity] = p;
        self.pushed += 1;
    }

    /// The points held, oldest first.
    pub fn points(&self) -> &[PathPoint] {
        if self.pushed == 0 {
            &[]
        } else if self.pushed < self.capacity {
            &self.buf[self.capacity..self.capacity + self.pushed]
        } else {
            let start = self.pushed % self.capacity;
            &self.buf[start..start + self.capacity]
        }
    }
}

/// What `Q` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QSource {
    /// The programs' signed fills.
    Program,
    /// The signed net aggressive volume (no program traded).
    NetAggressive,
}

impl QSource {
    /// As written in episodes.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            QSource::Program => "program",
            QSource::NetAggressive => "net_aggressive",
        }
    }
}

/// What an episode contributes to the law.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImpactInputs {
    /// The programs' signed fills in the episode, lots (+ bought).
    pub program_lots: i64,
    /// Lots bought by arriving orders less lots sold by them, in the episode.
    pub net_aggressive_lots: i64,
    /// The reference price at the start, ticks (> 0).
    pub start_ticks: f64,
    /// The lowest and highest reference price in the episode, ticks.
    pub min_ticks: f64,
    /// See `min_ticks`.
    pub max_ticks: f64,
    /// The reference price the stated time after the end, ticks (None: the run ended first).
    pub permanent_ticks: Option<f64>,
    /// σ and V before the start.
    pub pre: PreWindow,
}

/// The law against an episode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Impact {
    /// `Q`, signed lots (+ bought).
    pub q_lots: i64,
    /// Where `Q` comes from.
    pub source: QSource,
    /// `Y·σ·√(|Q|/V)` with `Y = 1`, a fraction of the price (None: σ, V or Q missing or 0).
    pub predicted_frac: Option<f64>,
    /// The most extreme price in the metaorder's direction, ticks.
    pub peak_ticks: f64,
    /// The move from the start to `peak_ticks`, a fraction of the start price (≥ 0).
    pub peak_frac: f64,
    /// The move from the start to the price the stated time after the end, in the
    /// metaorder's direction, a fraction of the start price (negative: beyond a reversal).
    pub permanent_frac: Option<f64>,
    /// `peak_frac / predicted_frac`.
    pub ratio_peak: Option<f64>,
    /// `permanent_frac / predicted_frac`.
    pub ratio_permanent: Option<f64>,
}

/// The square-root law's prediction and the episode's moves.
pub fn impact(i: &ImpactInputs) -> Impact {
    let (q_lots, source) = if i.program_lots != 0 {
        (i.program_lots, QSource::Program)
    } else {
        (i.net_aggressive_lots, QSource::NetAggressive)
    };
    let up = i.max_ticks - i.start_ticks;
    let down = i.start_ticks - i.min_ticks;
    let buying = match q_lots.signum() {
        1 => true,
        -1 => false,
        _ => up > down,
    };
    let s = i.start_ticks;
    let (peak_ticks, peak_frac) = if buying {
        (i.max_ticks, up / s)
    } else {
        (i.min_ticks, down / s)
    };
    let dir = if buying { 1.0 } else { -1.0 };
    let permanent_frac = i.permanent_ticks.map(|p| dir * (p - s) / s);
    let predicted_frac = match (i.pre.sigma_per_sqrt_s, i.pre.volume_per_s) {
        (Some(sigma), Some(v)) if sigma > 0.0 && v > 0.0 && q_lots != 0 => {
            Some(sigma * (q_lots.unsigned_abs() as f64 / v).sqrt())
        }
        _ => None,
    };
    Impact {
        q_lots,
        source,
        predicted_frac,
        peak_ticks,
        peak_frac,
        permanent_frac,
        ratio_peak: predicted_frac.map(|p| peak_frac / p),
        ratio_permanent: predicted_frac.and_then(|p| permanent_frac.map(|m| m / p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn the_window_gives_sigma_and_volume_per_second() {
        // ticks 1 s apart; prices 100, 101, 100, 101, 100 (ln); 10 lots a second
        let p = [100.0, 101.0, 100.0, 101.0, 100.0];
        let pts: Vec<PathPoint> = p
            .iter()
            .enumerate()
            .map(|(i, &x)| PathPoint {
                ln_price: libm::log(x),
                volume_lots: 10 * i as u64,
            })
            .collect();
        let r = libm::log(101.0 / 100.0);
        // horizon 1 tick: four returns of ±r
        let w = pre_window(&pts, 1.0, 1);
        assert!(close(w.sigma_per_sqrt_s.unwrap(), r));
        assert!(close(w.volume_per_s.unwrap(), 10.0));
        // horizon 2 ticks (2 s): three returns of 0
        assert_eq!(pre_window(&pts, 1.0, 2).sigma_per_sqrt_s, Some(0.0));
        // a horizon as long as the window: no return
        assert_eq!(pre_window(&pts, 1.0, 5).sigma_per_sqrt_s, None);
        assert_eq!(pre_window(&pts[..1], 1.0, 1).volume_per_s, None);
    }

    #[test]
    fn the_path_window_keeps_the_last_points_in_order() {
        let p = |v: u64| PathPoint {
            ln_price: 0.0,
            volume_lots: v,
        };
        let vols = |w: &PathWindow| w.points().iter().map(|p| p.volume_lots).collect::<Vec<_>>();
        let mut w = PathWindow::new(3);
        assert!(w.points().is_empty());
        for v in 1..=2 {
            w.push(p(v));
        }
        assert_eq!(vols(&w), [1, 2]);
        for v in 3..=7 {
            w.push(p(v));
            assert_eq!(vols(&w), [v - 2, v - 1, v]);
        }
    }

    /// A hand-computed sell episode: a program sells 400 lots; σ = 2·10⁻⁴ per √s and V = 10
    /// lots per s before it; the price falls from 1,000 to 970 ticks, rebounds, and stands
    /// at 985 the stated time after the end.
    #[test]
    fn a_hand_computed_sell_program() {
        let i = ImpactInputs {
            program_lots: -400,
            net_aggressive_lots: -700,
            start_ticks: 1000.0,
            min_ticks: 970.0,
            max_ticks: 1004.0,
            permanent_ticks: Some(985.0),
            pre: PreWindow {
                sigma_per_sqrt_s: Some(2e-4),
                volume_per_s: Some(10.0),
            },
        };
        let m = impact(&i);
        assert_eq!(m.q_lots, -400);
        assert_eq!(m.source, QSource::Program);
        // √(400 / 10) = √40 s^½; × 2·10⁻⁴ = 0.0012649…
        let predicted = 2e-4 * 40f64.sqrt();
        assert!(close(m.predicted_frac.unwrap(), predicted));
        assert_eq!(m.peak_ticks, 970.0);
        assert!(close(m.peak_frac, 0.03));
        assert!(close(m.permanent_frac.unwrap(), 0.015));
        assert!(close(m.ratio_peak.unwrap(), 0.03 / predicted));
        assert!(close(m.ratio_permanent.unwrap(), 0.015 / predicted));
        assert!((m.ratio_peak.unwrap() - 23.717).abs() < 1e-3);
    }

    #[test]
    fn without_a_program_q_is_the_net_aggressive_volume() {
        let mut i = ImpactInputs {
            program_lots: 0,
            net_aggressive_lots: 90,
            start_ticks: 200.0,
            min_ticks: 190.0,
            max_ticks: 202.0,
            permanent_ticks: Some(199.0),
            pre: PreWindow {
                sigma_per_sqrt_s: Some(1e-3),
                volume_per_s: Some(10.0),
            },
        };
        let m = impact(&i);
        assert_eq!((m.q_lots, m.source), (90, QSource::NetAggressive));
        // buying: the peak is up (+2 ticks), the permanent move down (−1 tick)
        assert!(close(m.peak_frac, 0.01));
        assert!(close(m.permanent_frac.unwrap(), -0.005));
        assert!(close(m.predicted_frac.unwrap(), 3e-3));
        // no metaorder at all: the larger excursion (down) gives the direction; no prediction
        i.net_aggressive_lots = 0;
        i.permanent_ticks = None;
        let m = impact(&i);
        assert!(close(m.peak_frac, 0.05));
        assert_eq!(
            (m.predicted_frac, m.ratio_peak, m.permanent_frac),
            (None, None, None)
        );
    }
}
