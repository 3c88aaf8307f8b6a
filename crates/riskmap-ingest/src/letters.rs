//! Letter classes of the characters the privacy guard meets most (ASCII to the end of the
//! Cyrillic block), answered from a table instead of the standard library's Unicode search,
//! with the standard library's answer for every other character. The table is built from the
//! standard library's own functions, so every answer is the same as `char::is_alphabetic`,
//! `char::is_uppercase` and `char::is_lowercase`; only the cost differs (a school's name is
//! scanned for person names letter by letter, and the Unicode search was most of that).

use std::sync::LazyLock;

const ALPHABETIC: u8 = 1;
const UPPERCASE: u8 = 2;
const LOWERCASE: u8 = 4;

/// Characters up to the end of the Cyrillic block (U+04FF): ASCII, Latin, Greek, Cyrillic.
const TABLED: usize = 0x0500;

/// The classes of every character below [`TABLED`].
static TABLE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    (0..TABLED)
        .map(|code| {
            u32::try_from(code)
                .ok()
                .and_then(char::from_u32)
                .map_or(0, classes_of)
        })
        .collect()
});

fn classes_of(c: char) -> u8 {
    let mut classes = 0;
    if c.is_alphabetic() {
        classes |= ALPHABETIC;
    }
    if c.is_uppercase() {
        classes |= UPPERCASE;
    }
    if c.is_lowercase() {
        classes |= LOWERCASE;
    }
    classes
}

/// The classes of `c`, by table below [`TABLED`].
fn classes(c: char) -> u8 {
    TABLE
        .get(c as usize)
        .copied()
        .unwrap_or_else(|| classes_of(c))
}

/// `char::is_alphabetic`.
pub(crate) fn is_alphabetic(c: char) -> bool {
    classes(c) & ALPHABETIC != 0
}

/// A capital letter of the Cyrillic block.
pub(crate) fn is_cyrillic_upper(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}') && classes(c) & UPPERCASE != 0
}

/// A small letter of the Cyrillic block.
pub(crate) fn is_cyrillic_lower(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}') && classes(c) & LOWERCASE != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_gets_the_standard_library_s_answer() {
        for code in 0..=0x2_FFFF_u32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            let cyrillic = matches!(c, '\u{0400}'..='\u{04FF}');
            assert_eq!(is_cyrillic_upper(c), cyrillic && c.is_uppercase(), "{c:?}");
            assert_eq!(is_cyrillic_lower(c), cyrillic && c.is_lowercase(), "{c:?}");
        }
    }

    #[test]
    fn kazakh_and_russian_letters_are_classed() {
        assert!("ӘәҒғҚқҢңӨөҰұҮүҺһІіЁё".chars().all(is_alphabetic));
        assert!("ӘҒҚҢӨҰҮҺІЁЖ".chars().all(is_cyrillic_upper));
        assert!("әғқңөұүһіёж".chars().all(is_cyrillic_lower));
        assert!(!"№ -.1«»".chars().any(is_alphabetic));
        assert!(!"ABC".chars().any(is_cyrillic_upper));
    }
}
