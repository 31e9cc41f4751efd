//! Named, seeded random streams and the few samplers the simulation needs.
//!
//! Every stream is a ChaCha8 generator whose key is derived from the run's master seed and the
//! stream's *purpose* (a [`Purpose`] and, for agent groups, the group's index), and whose ChaCha
//! stream number is the member's index within its group. So adding an agent to one group, or a
//! new group at the end, leaves every other agent's draws unchanged, and no two streams share
//! a key and stream number.
//!
//! The samplers are written here on top of `next_u64` (not taken from `rand`'s distributions)
//! so that a dependency update cannot change a run's numbers, and their logarithms and cosines
//! come from `libm` (a portable software implementation), not the platform's maths library, so
//! that every machine computes the same bits. The simulation path uses `libm` for every
//! transcendental function for the same reason.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What a stream is for. The discriminant enters the key derivation; never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The fundamental value's path.
    Fundamental = 1,
    /// A group of noise traders.
    Noise = 2,
    /// A group of informed traders.
    Informed = 3,
    /// A group of market makers.
    MarketMaker = 4,
    /// A market-maker group's client option flow.
    ClientFlow = 5,
}

/// SplitMix64's finaliser: a bijective 64-bit mixer with good avalanche.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream for `purpose`, group `group` and member `member` of the run seeded `master_seed`.
pub fn stream(master_seed: u64, purpose: Purpose, group: u32, member: u64) -> ChaCha8Rng {
    let key = splitmix64(
        splitmix64(master_seed) ^ splitmix64(((purpose as u64) << 32) | u64::from(group)),
    );
    let mut rng = ChaCha8Rng::seed_from_u64(key);
    rng.set_stream(member);
    rng
}

/// A uniform draw in `[0, 1)` with 53 random bits.
#[inline]
pub fn uniform(rng: &mut impl Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform integer in `0..n` (`n > 0`), by multiply-shift (bias below n / 2⁶⁴).
#[inline]
pub fn below(rng: &mut impl Rng, n: u64) -> u64 {
    ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as u64
}

/// A fair coin.
#[inline]
pub fn coin(rng: &mut impl Rng) -> bool {
    rng.next_u64() >> 63 == 1
}

/// An exponential draw with the given rate (> 0): the waiting time of a Poisson process.
/// Uses the ziggurat method (Marsaglia & Tsang 2000): one 64-bit draw and a table look-up in
/// about 99 % of cases, no logarithm.
#[inline]
pub fn exponential(rng: &mut impl Rng, rate: f64) -> f64 {
    standard_exponential(rng) / rate
}

/// An exponential draw by inversion, −ln(1 − u): the reference the ziggurat is tested against,
/// and its tail.
#[inline]
pub fn exponential_by_inversion(rng: &mut impl Rng) -> f64 {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    -libm::log(1.0 - uniform(rng))
}

/// Layers of the exponential ziggurat.
const ZIG_LAYERS: usize = 256;
/// Start of the exponential's tail for 256 layers (Marsaglia & Tsang 2000).
const ZIG_EXP_R: f64 = 7.697_117_470_131_05;
/// Area of each layer for 256 layers (Marsaglia & Tsang 2000).
const ZIG_EXP_V: f64 = 0.003_949_659_822_581_557;

/// Layer edges `x` (decreasing, `x[256] = 0`) and `f = e^{−x}` at them.
struct ZigguratTables {
    x: [f64; ZIG_LAYERS + 1],
    f: [f64; ZIG_LAYERS + 1],
}

fn exp_tables() -> &'static ZigguratTables {
    static TABLES: std::sync::OnceLock<ZigguratTables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; ZIG_LAYERS + 1];
        x[0] = ZIG_EXP_V / libm::exp(-ZIG_EXP_R);
        x[1] = ZIG_EXP_R;
        for i in 1..ZIG_LAYERS - 1 {
            x[i + 1] = -libm::log(libm::exp(-x[i]) + ZIG_EXP_V / x[i]);
        }
        x[ZIG_LAYERS] = 0.0;
        let mut f = [0.0; ZIG_LAYERS + 1];
        for i in 0..=ZIG_LAYERS {
            f[i] = libm::exp(-x[i]);
        }
        ZigguratTables { x, f }
    })
}

/// A draw from Exp(1) by the ziggurat method.
#[inline]
pub fn standard_exponential(rng: &mut impl Rng) -> f64 {
    let t = exp_tables();
    loop {
        let bits = rng.next_u64();
        let i = (bits & 0xff) as usize;
        let u = (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        let x = u * t.x[i];
        if x < t.x[i + 1] {
            return x;
        }
        if i == 0 {
            return ZIG_EXP_R + exponential_by_inversion(rng);
        }
        if t.f[i + 1] + (t.f[i] - t.f[i + 1]) * uniform(rng) < libm::exp(-x) {
            return x;
        }
    }
}

/// A standard normal draw (Box–Muller; one of the pair is discarded for simplicity).
#[inline]
pub fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u1 = 1.0 - uniform(rng);
    let u2 = uniform(rng);
    (-2.0 * libm::log(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_purpose_group_and_member() {
        let draw = |p, g, m| stream(7, p, g, m).next_u64();
        let base = draw(Purpose::Noise, 0, 0);
        assert_ne!(base, draw(Purpose::Noise, 0, 1));
        assert_ne!(base, draw(Purpose::Noise, 1, 0));
        assert_ne!(base, draw(Purpose::Informed, 0, 0));
        assert_eq!(base, draw(Purpose::Noise, 0, 0));
        assert_ne!(base, stream(8, Purpose::Noise, 0, 0).next_u64());
    }

    #[test]
    fn ziggurat_exponential_matches_the_distribution() {
        let mut rng = stream(3, Purpose::Noise, 0, 0);
        let n = 1_000_000;
        let (mut sum, mut sum2) = (0.0, 0.0);
        let mut beyond = [0u32; 4];
        let cuts = [0.5, 1.0, 3.0, 8.0];
        for _ in 0..n {
            let x = standard_exponential(&mut rng);
            assert!(x >= 0.0 && x.is_finite());
            sum += x;
            sum2 += x * x;
            for (b, c) in beyond.iter_mut().zip(cuts) {
                *b += u32::from(x > c);
            }
        }
        let n = n as f64;
        let mean = sum / n;
        assert!((mean - 1.0).abs() < 0.005, "mean {mean}");
        assert!((sum2 / n - mean * mean - 1.0).abs() < 0.01, "variance");
        for (b, c) in beyond.iter().zip(cuts) {
            let p = f64::from(*b) / n;
            let expected = libm::exp(-c);
            let sd = (expected * (1.0 - expected) / n).sqrt();
            assert!(
                (p - expected).abs() < 5.0 * sd + 1e-6,
                "P(X > {c}) = {p}, expected {expected}"
            );
        }
    }

    #[test]
    fn ziggurat_tables_close_at_zero() {
        let t = exp_tables();
        // the top layer, from x[255] down to 0 under the density, has the same area v
        let top = t.x[255] * (1.0 - t.f[255]);
        assert!((top - ZIG_EXP_V).abs() < 1e-9, "top layer area {top}");
        assert!(
            t.x.windows(2).skip(1).all(|w| w[0] > w[1]),
            "edges decrease"
        );
    }

    #[test]
    fn samplers_have_the_right_moments() {
        let mut rng = stream(1, Purpose::Fundamental, 0, 0);
        let n = 200_000;
        let (mut se, mut sn, mut sn2, mut sb) = (0.0, 0.0, 0.0, 0u64);
        for _ in 0..n {
            se += exponential(&mut rng, 4.0);
            let z = standard_normal(&mut rng);
            sn += z;
            sn2 += z * z;
            sb += below(&mut rng, 10);
        }
        let n = n as f64;
        assert!((se / n - 0.25).abs() < 0.005, "exp mean {}", se / n);
        assert!((sn / n).abs() < 0.01, "normal mean {}", sn / n);
        assert!((sn2 / n - 1.0).abs() < 0.02, "normal var {}", sn2 / n);
        assert!(
            (sb as f64 / n - 4.5).abs() < 0.05,
            "below mean {}",
            sb as f64 / n
        );
    }
}
