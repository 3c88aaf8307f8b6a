//! Allocation-free fast paths for the commonest cell texts: plain whole numbers and short
//! plain decimals. Each answers `None` outside its narrow form and the general parser of
//! `value.rs` decides; where a fast path answers, it agrees with the general parser.

/// Powers of ten that an `f64` holds exactly.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// One to eighteen ASCII digits.
pub(crate) fn plain_int(text: &[u8]) -> Option<i64> {
    if text.is_empty() || text.len() > 18 {
        return None;
    }
    let mut value = 0i64;
    for &byte in text {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value * 10 + i64::from(digit);
    }
    Some(value)
}

/// Digits with at most one `.` or `,` between digits, 15 digits at most: the mantissa and
/// the power of ten are exact, so their quotient is the correctly rounded value, as
/// `str::parse::<f64>` gives.
pub(crate) fn plain_decimal(text: &[u8]) -> Option<f64> {
    if text.is_empty() || text.len() > 16 {
        return None;
    }
    let mut mantissa = 0u64;
    let mut fraction: Option<usize> = None;
    let last = text.len() - 1;
    for (at, &byte) in text.iter().enumerate() {
        let digit = byte.wrapping_sub(b'0');
        if digit <= 9 {
            mantissa = mantissa * 10 + u64::from(digit);
            if let Some(places) = fraction.as_mut() {
                *places += 1;
            }
        } else if (byte == b'.' || byte == b',') && fraction.is_none() && at > 0 && at < last {
            fraction = Some(0);
        } else {
            return None;
        }
    }
    let places = fraction.unwrap_or(0);
    let digits = text.len() - usize::from(fraction.is_some());
    if digits > 15 {
        return None;
    }
    Some(mantissa as f64 / POW10[places])
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn plain_forms_only() {
        assert_eq!(plain_int(b"0042"), Some(42));
        assert_eq!(plain_int(b"+1"), None);
        assert_eq!(plain_int(b""), None);
        assert_eq!(plain_int(b"1234567890123456789"), None);
        assert_eq!(plain_decimal(b"47.5"), Some(47.5));
        assert_eq!(plain_decimal(b"0,25"), Some(0.25));
        assert_eq!(plain_decimal(b"1."), None);
        assert_eq!(plain_decimal(b".5"), None);
        assert_eq!(plain_decimal(b"1.2.3"), None);
        assert_eq!(plain_decimal(b"1,2.3"), None);
        assert_eq!(plain_decimal(b"1234567890123456"), None);
    }

    proptest! {
        #[test]
        fn agrees_with_std(text in "[0-9]{0,17}([.,][0-9]{0,17})?|[0-9.,+-]{0,8}") {
            if let Some(v) = plain_int(text.as_bytes()) {
                prop_assert_eq!(text.parse::<i64>().ok(), Some(v));
            }
            if let Some(v) = plain_decimal(text.as_bytes()) {
                let std = text.replacen(',', ".", 1).parse::<f64>().ok();
                prop_assert_eq!(std.map(f64::to_bits), Some(v.to_bits()), "{}", text);
            }
        }
    }
}
