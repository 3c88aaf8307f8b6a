//! BIN/IIN check digit (domain §2.2).
//!
//! Definition: with the first 11 digits d₁…d₁₁, compute `Σ dᵢ·wᵢ mod 11` with weights
//! `1, 2, …, 11`. If the result is 10, recompute with weights `3, 4, …, 11, 1, 2`; if it is 10
//! again the number is invalid. Otherwise the result must equal the 12th digit.
//! Reference: Government Decree P070000406 as cited by the public validator in domain §2.2.

/// The check digit for the first 11 digits, or `None` when the number cannot be valid.
///
/// # Examples
/// ```
/// assert_eq!(riskmap_ingest::identifiers::check_digit(b"12345678901"), Some(3));
/// ```
pub fn check_digit(first11: &[u8; 11]) -> Option<u8> {
    let digits: Vec<u32> = first11
        .iter()
        .map(|b| u32::from(b.wrapping_sub(b'0')))
        .collect();
    if digits.iter().any(|d| *d > 9) {
        return None;
    }
    let sum = |weights: &dyn Fn(usize) -> u32| {
        digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * weights(i))
            .sum::<u32>()
            % 11
    };
    let first = sum(&|i| i as u32 + 1);
    if first != 10 {
        return Some(first as u8);
    }
    let second = sum(&|i| (i as u32 + 2) % 11 + 1);
    (second != 10).then_some(second as u8)
}

/// True when `text` is 12 ASCII digits whose last digit is the check digit of the first 11.
pub fn bin_check_digit_ok(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Ok(first11) = <&[u8; 11]>::try_from(bytes.get(..11).unwrap_or_default()) else {
        return false;
    };
    bytes.len() == 12
        && bytes[11].is_ascii_digit()
        && check_digit(first11).is_some_and(|d| d == bytes[11] - b'0')
}

/// Completes 11 digits with their check digit (test data).
pub fn with_check_digit(first11: &str) -> Option<String> {
    let bytes: &[u8; 11] = first11.as_bytes().try_into().ok()?;
    check_digit(bytes).map(|d| format!("{first11}{d}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_pass_weights_one_to_eleven() {
        // 1·1+2·2+…+1·11 for 12345678901 = 1+4+9+16+25+36+49+64+81+0+11 = 296; 296 mod 11 = 10 → second pass.
        // Second pass weights 3..11,1,2: 3+8+15+24+35+48+63+80+99+0+2 = 377; 377 mod 11 = 3.
        assert_eq!(check_digit(b"12345678901"), Some(3));
        assert!(bin_check_digit_ok("123456789013"));
        assert!(!bin_check_digit_ok("123456789014"));
    }

    #[test]
    fn simple_case_uses_the_first_pass() {
        // 000000000001: weight 11 on the last digit → 11 mod 11 = 0.
        assert_eq!(check_digit(b"00000000001"), Some(0));
        // 100000000000 → 1·1 = 1.
        assert!(bin_check_digit_ok("100000000001"));
    }

    #[test]
    fn refuses_wrong_lengths_and_letters() {
        assert!(!bin_check_digit_ok("12345678901"));
        assert!(!bin_check_digit_ok("1234567890123"));
        assert!(!bin_check_digit_ok("12345678901a"));
        assert_eq!(
            with_check_digit("12345678901").as_deref(),
            Some("123456789013")
        );
    }
}
