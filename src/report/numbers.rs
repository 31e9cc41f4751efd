//! Numbers as the report's HTML tables show them: at most [`DIGITS`] significant digits
//! (`0.00010933380667` → `0.0001093`), whole numbers (counts, seeds) in full.

/// Significant digits a table shows.
pub const DIGITS: usize = 4;

/// `x` with at most `digits` significant digits, trailing zeros dropped; scientific
/// notation below 1e-4 and from 1e9 on. Whole numbers below 1e15 are written in full.
pub fn significant(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if x.fract() == 0.0 && a < 1e15 {
        return format!("{x:.0}");
    }
    let digits = digits.max(1);
    let magnitude = libm::floor(libm::log10(a)) as i32;
    if !(-4..9).contains(&magnitude) {
        let s = format!("{:.*e}", digits - 1, x);
        // 1.500e-5 → 1.5e-5
        return match s.split_once('e') {
            Some((m, e)) if m.contains('.') => {
                format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => s,
        };
    }
    let decimals = digits as i32 - 1 - magnitude;
    if decimals < 0 {
        // 12345.678 → 12350
        let unit = libm::pow(10.0, f64::from(-decimals));
        return format!("{:.0}", libm::round(x / unit) * unit);
    }
    let decimals = decimals as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// [`significant`] with a typographic minus sign (−), as the realism page writes.
pub fn signed_significant(x: f64, digits: usize) -> String {
    let s = significant(x, digits);
    match s.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => s,
    }
}

/// A table cell's text: a number that is not whole rounded to [`DIGITS`] significant
/// digits; anything else (words, whole numbers, empty) as it is.
pub fn cell(text: &str) -> String {
    let t = text.trim();
    let numeric = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && t.bytes().any(|b| b.is_ascii_digit());
    match t.parse::<f64>() {
        Ok(v) if numeric && (t.contains('.') || t.contains(['e', 'E'])) => significant(v, DIGITS),
        _ => text.to_string(),
    }
}

/// How many significant digits a number written in a cell has (leading zeros, the sign,
/// the point and the exponent not counted; trailing zeros of a decimal fraction counted).
pub fn significant_digits(number: &str) -> usize {
    let mantissa = number
        .trim_start_matches(['-', '+', '−'])
        .split(['e', 'E'])
        .next()
        .unwrap_or("");
    mantissa
        .trim_start_matches(['0', '.'])
        .bytes()
        .filter(u8::is_ascii_digit)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_four_significant_digits() {
        assert_eq!(significant(0.00010933380667, 4), "0.0001093");
        assert_eq!(significant(123.456789, 4), "123.5");
        assert_eq!(significant(-0.5, 4), "-0.5");
        assert_eq!(significant(12345.678, 4), "12350");
        assert_eq!(significant(1.5e-7, 4), "1.5e-7");
        assert_eq!(significant(42.0, 4), "42");
        assert_eq!(significant(1234567.0, 4), "1234567");
    }

    #[test]
    fn cells_round_numbers_only() {
        assert_eq!(cell("0.00010933380667"), "0.0001093");
        assert_eq!(cell("flash_crash"), "flash_crash");
        assert_eq!(cell("123456"), "123456");
        assert_eq!(cell(""), "");
        assert_eq!(cell("drawdown;volatility"), "drawdown;volatility");
        assert_eq!(cell("true"), "true");
    }

    #[test]
    fn counts_significant_digits() {
        assert_eq!(significant_digits("0.0001093"), 4);
        assert_eq!(significant_digits("-12.50"), 4);
        assert_eq!(significant_digits("1.5e-7"), 2);
        assert_eq!(significant_digits("0.00010933380667"), 11);
    }
}
