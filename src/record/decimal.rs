//! Integer-to-decimal text for trades.csv's times and prices, identical to what `ryu` (and so
//! the `csv` crate) prints for the same value as an `f64`, at a fraction of the cost.
//!
//! The values trades.csv prints are exact decimals: a time is `t_ns / 10^9` seconds, a price
//! or a mid is an integer number of the tick's last decimal divided by a power of ten
//! ([`crate::record::PriceScale`]). As an `f64`, such a value is the double nearest to the
//! decimal (the integer is exact and IEEE division rounds correctly). A decimal of at most 15
//! significant digits is the only decimal of that many digits or fewer that rounds to its
//! double (`f64` holds 15 digits without loss), so it is the shortest text that reads back as
//! that double: what `ryu` prints. [`decimal_text`] writes it from the integer with `ryu`'s
//! layout (`100.0`, `100.07`, `0.0005`) and declines where `ryu` would use an exponent
//! (`1e-5`) or the integer has more than 15 digits; the caller then formats the `f64`.

/// Integers below this have at most 15 digits.
const MAX_EXACT: u64 = 1_000_000_000_000_000;

/// "00" to "99".
const DIGITS2: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Powers of ten that fit a `u64`'s first 16 digits: `POW10[k] = 10^k`.
const POW10: [u64; 16] = {
    let mut p = [1u64; 16];
    let mut k = 1;
    while k < 16 {
        p[k] = p[k - 1] * 10;
        k += 1;
    }
    p
};

/// A text of at most 32 bytes in a fixed array, so that it is copied 32 bytes at a time (a
/// copy the compiler inlines, where one of a variable length calls `memcpy`) and the excess
/// cut off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Short {
    /// The text, then padding.
    pub bytes: [u8; 32],
    /// The text's length.
    pub len: usize,
}

impl Short {
    /// `text` if it is at most 32 bytes.
    pub fn new(text: &[u8]) -> Option<Short> {
        (text.len() <= 32).then(|| {
            let mut bytes = [0u8; 32];
            bytes[..text.len()].copy_from_slice(text);
            Short {
                bytes,
                len: text.len(),
            }
        })
    }

    /// The text.
    #[cfg(test)]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// `ryu`'s text for the double nearest to `n / 10^decimals`, when it can be written from the
/// integer (see the module docs); `None` otherwise.
#[inline]
pub(crate) fn decimal_text(n: i64, decimals: u32) -> Option<Short> {
    let mut m = n.unsigned_abs();
    if m >= MAX_EXACT || decimals > 22 {
        return None;
    }
    if m == 0 {
        return Short::new(b"0.0");
    }
    let mut frac = decimals as usize;
    while frac > 0 && m.is_multiple_of(10) {
        m /= 10;
        frac -= 1;
    }
    // below 1e-4 (fewer than frac − 4 digits) ryu switches to an exponent
    if frac >= 5 && (frac - 5 >= POW10.len() || m < POW10[frac - 5]) {
        return None;
    }
    // Written backwards into a buffer of '0's, ending at TEXT_END: the fraction's `frac`
    // digits (its leading zeros come out as the digits of a quotient gone to 0) and the point,
    // or ".0" for an integer; then the integer part, at least one digit; then the sign.
    let mut buf = [b'0'; 2 * TEXT_END];
    let mut pos = TEXT_END;
    if frac == 0 {
        pos -= 2;
        buf[pos] = b'.';
    } else {
        let mut k = frac;
        while k >= 2 {
            pos -= 2;
            put_two(&mut buf, pos, m % 100);
            m /= 100;
            k -= 2;
        }
        if k == 1 {
            pos -= 1;
            buf[pos] = b'0' + (m % 10) as u8;
            m /= 10;
        }
        pos -= 1;
        buf[pos] = b'.';
    }
    while m >= 100 {
        pos -= 2;
        put_two(&mut buf, pos, m % 100);
        m /= 100;
    }
    if m >= 10 {
        pos -= 2;
        put_two(&mut buf, pos, m);
    } else {
        pos -= 1;
        buf[pos] = b'0' + m as u8;
    }
    if n < 0 {
        pos -= 1;
        buf[pos] = b'-';
    }
    // at most 23 bytes
    Some(Short {
        bytes: buf[pos..pos + TEXT_END].try_into().expect("32 bytes"),
        len: TEXT_END - pos,
    })
}

/// Where [`decimal_text`]'s text ends in its buffer, and the most it copies.
const TEXT_END: usize = 32;

/// Writes the two digits of `v` (< 100) at `buf[pos..pos + 2]`.
#[inline(always)]
fn put_two(buf: &mut [u8], pos: usize, v: u64) {
    let i = v as usize * 2;
    buf[pos..pos + 2].copy_from_slice(&DIGITS2[i..i + 2]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, below, stream};

    fn check(n: i64, decimals: u32) {
        let value = n as f64 / 10f64.powi(decimals as i32);
        let expected = ryu::Buffer::new().format(value).to_string();
        if let Some(fast) = decimal_text(n, decimals) {
            assert_eq!(
                String::from_utf8(fast.as_bytes().to_vec()).unwrap(),
                expected,
                "{n} / 10^{decimals}"
            );
        } else {
            // declined only where it must: an exponent, or more than 15 digits
            assert!(
                expected.contains('e') || n.unsigned_abs() >= MAX_EXACT,
                "declined {n} / 10^{decimals} ({expected})"
            );
        }
    }

    #[test]
    fn prints_what_ryu_prints() {
        for decimals in 0..=12 {
            for n in -20_000..=20_000 {
                check(n, decimals);
            }
        }
        let mut rng = stream(11, Purpose::Noise, 0, 0);
        for _ in 0..400_000 {
            let digits = 1 + below(&mut rng, 16) as u32;
            let n = below(&mut rng, 10u64.pow(digits)) as i64;
            let n = if below(&mut rng, 2) == 0 { n } else { -n };
            check(n, below(&mut rng, 16) as u32);
        }
        for n in [
            MAX_EXACT as i64 - 1,
            MAX_EXACT as i64,
            -(MAX_EXACT as i64) + 1,
            i64::MAX,
            i64::MIN,
            1,
            10,
            100_000,
        ] {
            for decimals in 0..=22 {
                check(n, decimals);
            }
        }
    }
}
