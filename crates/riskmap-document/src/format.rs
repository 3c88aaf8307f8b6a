//! Numbers and dates as the page writes them (`web/js/i18n.js` `num`, `date`): Kazakh and
//! Russian use a decimal comma and a no-break space between thousands, at most the given
//! number of decimals, no trailing zeros (`1 950`, never `1950.0`); dates are `dd.mm.yyyy`.

/// The no-break space between groups of thousands (what `Intl.NumberFormat` writes for kk/ru).
pub const GROUP: char = '\u{a0}';

/// `value` with at most `digits` decimals, a decimal comma and grouped thousands; `—` when
/// there is no number.
///
/// # Examples
/// ```
/// use riskmap_document::format::number;
/// assert_eq!(number(Some(1950.0), 1), "1\u{a0}950");
/// assert_eq!(number(Some(12.345), 1), "12,3");
/// assert_eq!(number(Some(-0.04), 1), "0");
/// assert_eq!(number(None, 1), "—");
/// ```
pub fn number(value: Option<f64>, digits: usize) -> String {
    let Some(value) = value.filter(|v| v.is_finite()) else {
        return "—".to_owned();
    };
    let text = format!("{:.*}", digits, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let negative = value < 0.0 && (whole.chars().any(|c| c != '0') || !fraction.is_empty());
    let mut out = String::with_capacity(text.len() + 4);
    if negative {
        out.push('−');
    }
    out.push_str(&group(whole));
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

/// A whole number with grouped thousands.
///
/// # Examples
/// ```
/// assert_eq!(riskmap_document::format::count(1_500_000), "1\u{a0}500\u{a0}000");
/// ```
pub fn count(value: u64) -> String {
    group(&value.to_string())
}

/// A percentage such as `−5 %` written as the page writes it (`−5%`).
///
/// # Examples
/// ```
/// assert_eq!(riskmap_document::format::percent(Some(-5.0), 1), "−5%");
/// ```
pub fn percent(value: Option<f64>, digits: usize) -> String {
    match value.filter(|v| v.is_finite()) {
        Some(v) => format!("{}%", number(Some(v), digits)),
        None => "—".to_owned(),
    }
}

/// An ISO date `2025-03-31` as `31.03.2025`; other text unchanged.
///
/// # Examples
/// ```
/// assert_eq!(riskmap_document::format::date("2025-03-31"), "31.03.2025");
/// ```
pub fn date(iso: &str) -> String {
    let parts: Vec<&str> = iso.get(..10).unwrap_or(iso).split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}.{m}.{y}"),
        _ => iso.to_owned(),
    }
}

fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(GROUP);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_commas() {
        assert_eq!(number(Some(1234567.891), 2), "1\u{a0}234\u{a0}567,89");
        assert_eq!(number(Some(100.0), 1), "100");
        assert_eq!(number(Some(-12.26), 1), "−12,3");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1\u{a0}000");
        assert_eq!(number(Some(f64::NAN), 1), "—");
    }
}
