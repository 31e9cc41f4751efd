//! The statistics behind the report and its realism page: pure functions of plain slices,
//! no ECS, no I/O.
//!
//! - [`log_returns`]: returns of a sampled price series at a sampling stride, gaps skipped;
//! - [`acf`]: the sample autocorrelation at lags 1..=k (the usual estimator, every lag
//!   divided by the lag-0 sum of squares, so it is a proper correlogram);
//! - [`excess_kurtosis`]: the sample's fourth standardised moment less 3 (0 for a normal
//!   distribution, −1.2 for a uniform one);
//! - [`MinMaxBuckets`]: a line series cut to at most two points per pixel column, keeping
//!   each column's minimum and maximum so that spikes stay visible;
//! - [`size_bucket`]: trade sizes in powers of two, for the impact curve.

/// Log returns `ln(p[i + stride] / p[i])` of `prices` taken every `stride` samples
/// (`stride` ≥ 1; 0 is taken as 1). A sample that is `None` or not positive breaks the
/// series: the returns on either side of it are dropped, never bridged.
pub fn log_returns(prices: &[Option<f64>], stride: usize) -> Vec<f64> {
    let stride = stride.max(1);
    let mut out = Vec::with_capacity(prices.len() / stride);
    let mut i = 0;
    while i + stride < prices.len() {
        if let (Some(a), Some(b)) = (prices[i], prices[i + stride])
            && a > 0.0
            && b > 0.0
        {
            out.push(libm::log(b / a));
        }
        i += stride;
    }
    out
}

/// Sample autocorrelation of `x` at lags 1..=`max_lag`: Σ (xₜ − x̄)(xₜ₊ₗ − x̄) over
/// Σ (xₜ − x̄)². A lag that `x` is too short for, or a constant `x`, gives `None`.
pub fn acf(x: &[f64], max_lag: usize) -> Vec<Option<f64>> {
    let n = x.len();
    if n == 0 {
        return vec![None; max_lag];
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let denom: f64 = x.iter().map(|v| (v - mean) * (v - mean)).sum();
    (1..=max_lag)
        .map(|lag| {
            if lag >= n || denom <= 0.0 || !denom.is_finite() {
                return None;
            }
            let num: f64 = x[..n - lag]
                .iter()
                .zip(&x[lag..])
                .map(|(a, b)| (a - mean) * (b - mean))
                .sum();
            Some(num / denom)
        })
        .collect()
}

/// Excess kurtosis of `x`: m₄ / m₂² − 3, with the central moments mᵢ divided by n (the
/// plain sample estimator). Fewer than 4 values, or a constant series, gives `None`.
pub fn excess_kurtosis(x: &[f64]) -> Option<f64> {
    let n = x.len();
    if n < 4 {
        return None;
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let (m2, m4) = x.iter().fold((0.0, 0.0), |(m2, m4), v| {
        let d = (v - mean) * (v - mean);
        (m2 + d, m4 + d * d)
    });
    let (m2, m4) = (m2 / n as f64, m4 / n as f64);
    (m2 > 0.0 && m2.is_finite()).then(|| m4 / (m2 * m2) - 3.0)
}

/// Mean of `x`, `None` when empty.
pub fn mean(x: &[f64]) -> Option<f64> {
    (!x.is_empty()).then(|| x.iter().sum::<f64>() / x.len() as f64)
}

/// The half-width of the 95 % band around 0 that the autocorrelation of `n` independent
/// values stays within: 1.96 / √n.
pub fn white_noise_band(n: usize) -> f64 {
    if n == 0 {
        f64::INFINITY
    } else {
        1.96 / (n as f64).sqrt()
    }
}

/// The power-of-two bucket of a trade of `lots` (≥ 1): 0 for 1 lot, 1 for 2–3, 2 for 4–7, …
pub fn size_bucket(lots: u64) -> usize {
    (u64::BITS - 1 - lots.max(1).leading_zeros()) as usize
}

/// The lots a [`size_bucket`] spans: `(low, high)` inclusive.
pub fn bucket_range(bucket: usize) -> (u64, u64) {
    let low = 1u64 << bucket.min(62);
    (low, low * 2 - 1)
}

/// A line series downsampled for a plot `columns` pixels wide over `[x0, x1]`: each column
/// keeps its first point, its minimum, its maximum and its last point, in time order, so a
/// one-sample spike is still drawn and the line still joins the columns where it did.
/// Points must be pushed in increasing `x`; a gap (`None`) is kept as a break in the line.
#[derive(Debug, Clone)]
pub struct MinMaxBuckets {
    x0: f64,
    width: f64,
    columns: usize,
    segments: Vec<Vec<(f64, f64)>>,
    column: Option<usize>,
    pending: Vec<(f64, f64)>,
}

impl MinMaxBuckets {
    /// An empty series over `[x0, x1]` for `columns` pixel columns (at least 1).
    pub fn new(x0: f64, x1: f64, columns: usize) -> MinMaxBuckets {
        MinMaxBuckets {
            x0,
            width: (x1 - x0).max(f64::MIN_POSITIVE),
            columns: columns.max(1),
            segments: vec![Vec::new()],
            column: None,
            pending: Vec::new(),
        }
    }

    /// Adds the point `(x, y)`, or a break in the line for `y = None` (or a non-finite `y`).
    pub fn push(&mut self, x: f64, y: Option<f64>) {
        let Some(y) = y.filter(|v| v.is_finite()) else {
            self.flush();
            if self.segments.last().is_some_and(|s| !s.is_empty()) {
                self.segments.push(Vec::new());
            }
            return;
        };
        let col = (((x - self.x0) / self.width) * self.columns as f64).floor();
        let col = col.clamp(0.0, (self.columns - 1) as f64) as usize;
        if self.column != Some(col) {
            self.flush();
            self.column = Some(col);
        }
        self.pending.push((x, y));
        if self.pending.len() > 4 {
            self.compact();
        }
    }

    /// Keeps first, min, max and last of the column's pending points.
    fn compact(&mut self) {
        let p = &self.pending;
        if p.len() <= 4 {
            return;
        }
        let first = p[0];
        let last = p[p.len() - 1];
        let mut lo = first;
        let mut hi = first;
        for &q in p.iter() {
            if q.1 < lo.1 {
                lo = q;
            }
            if q.1 > hi.1 {
                hi = q;
            }
        }
        let mut kept = vec![first, lo, hi, last];
        kept.sort_by(|a, b| a.0.total_cmp(&b.0));
        kept.dedup();
        self.pending = kept;
    }

    fn flush(&mut self) {
        self.compact();
        let seg = self.segments.last_mut().expect("always one segment");
        seg.append(&mut self.pending);
        self.column = None;
    }

    /// The downsampled line, as segments without breaks (empty segments left out).
    pub fn finish(mut self) -> Vec<Vec<(f64, f64)>> {
        self.flush();
        self.segments.retain(|s| !s.is_empty());
        self.segments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn acf_of_an_alternating_series_is_minus_one_and_one() {
        let x: Vec<f64> = (0..1000)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let r = acf(&x, 2);
        // mean 0; lag 1: 999 products of −1 over 1000; lag 2: 998 of +1 over 1000
        assert!(close(r[0].unwrap(), -0.999), "{r:?}");
        assert!(close(r[1].unwrap(), 0.998), "{r:?}");
    }

    #[test]
    fn acf_by_hand() {
        // x = 1, 2, 3, 4: mean 2.5, deviations −1.5 −0.5 0.5 1.5, Σd² = 5
        // lag 1: (0.75 − 0.25 + 0.75) / 5 = 0.25; lag 2: (−0.75 − 0.75) / 5 = −0.3
        let r = acf(&[1.0, 2.0, 3.0, 4.0], 4);
        assert!(close(r[0].unwrap(), 0.25));
        assert!(close(r[1].unwrap(), -0.3));
        assert!(close(r[2].unwrap(), -2.25 / 5.0));
        assert_eq!(r[3], None, "lag 4 needs more than 4 values");
    }

    #[test]
    fn acf_of_a_constant_or_empty_series_is_none() {
        assert_eq!(acf(&[3.0; 10], 2), vec![None, None]);
        assert_eq!(acf(&[], 1), vec![None]);
    }

    #[test]
    fn kurtosis_of_known_samples() {
        // two points ±1, repeated: m2 = 1, m4 = 1 → −2
        let x: Vec<f64> = (0..100)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        assert!(close(excess_kurtosis(&x).unwrap(), -2.0));
        // a uniform grid on [0, 1] tends to −1.2
        let u: Vec<f64> = (0..100_001).map(|i| i as f64 / 100_000.0).collect();
        assert!((excess_kurtosis(&u).unwrap() + 1.2).abs() < 1e-4);
        // one 1 among 99 zeros is a Bernoulli sample with p = 0.01, whose excess
        // kurtosis is (1 − 6pq) / pq with q = 1 − p: 95.0101…
        let mut o = vec![0.0; 99];
        o.push(1.0);
        let pq = 0.01 * 0.99;
        assert!((excess_kurtosis(&o).unwrap() - (1.0 - 6.0 * pq) / pq).abs() < 1e-9);
        assert_eq!(excess_kurtosis(&[1.0, 2.0, 3.0]), None);
        assert_eq!(excess_kurtosis(&[2.0; 8]), None);
    }

    #[test]
    fn log_returns_skip_gaps_and_stride() {
        let e = std::f64::consts::E;
        let p = [Some(1.0), Some(e), None, Some(e), Some(1.0)];
        let r = log_returns(&p, 1);
        assert_eq!(r.len(), 2);
        assert!(close(r[0], 1.0) && close(r[1], -1.0));
        // stride 2: (0, 2) has a gap, (2, 4) too
        assert!(log_returns(&p, 2).is_empty());
        let q = [Some(1.0), Some(5.0), Some(e), Some(5.0), Some(e * e)];
        let r2 = log_returns(&q, 2);
        assert_eq!(r2.len(), 2);
        assert!(close(r2[0], 1.0) && close(r2[1], 1.0));
        assert!(log_returns(&[Some(1.0), Some(0.0)], 1).is_empty());
    }

    #[test]
    fn size_buckets_are_powers_of_two() {
        assert_eq!(size_bucket(1), 0);
        assert_eq!(size_bucket(2), 1);
        assert_eq!(size_bucket(3), 1);
        assert_eq!(size_bucket(4), 2);
        assert_eq!(size_bucket(1023), 9);
        assert_eq!(size_bucket(0), 0);
        assert_eq!(bucket_range(0), (1, 1));
        assert_eq!(bucket_range(3), (8, 15));
    }

    #[test]
    fn white_noise_band_shrinks_with_n() {
        assert!(close(white_noise_band(100), 0.196));
        assert!(white_noise_band(0).is_infinite());
    }

    #[test]
    fn min_max_buckets_keep_spikes_and_gaps() {
        let mut b = MinMaxBuckets::new(0.0, 100.0, 10);
        for i in 0..100 {
            let y = if i == 37 { 1000.0 } else { (i % 3) as f64 };
            b.push(i as f64, Some(y));
        }
        b.push(100.0, None);
        b.push(100.0, Some(5.0));
        let segs = b.finish();
        assert_eq!(segs.len(), 2, "the gap splits the line");
        let pts = &segs[0];
        assert!(
            pts.len() <= 40,
            "at most 4 points per column: {}",
            pts.len()
        );
        assert!(pts.contains(&(37.0, 1000.0)), "the spike is kept");
        assert!(pts.windows(2).all(|w| w[0].0 < w[1].0), "in time order");
        assert_eq!(pts[0], (0.0, 0.0));
        assert_eq!(*pts.last().unwrap(), (99.0, 0.0));
        assert_eq!(segs[1], vec![(100.0, 5.0)]);
    }

    #[test]
    fn min_max_buckets_leave_short_series_alone() {
        let mut b = MinMaxBuckets::new(0.0, 10.0, 1000);
        for i in 0..10 {
            b.push(i as f64, Some(i as f64 * 2.0));
        }
        let segs = b.finish();
        assert_eq!(
            segs,
            vec![
                (0..10)
                    .map(|i| (i as f64, i as f64 * 2.0))
                    .collect::<Vec<_>>()
            ]
        );
    }
}
