//! Letter classes of the characters the privacy guard meets most (ASCII and the Cyrillic
//! block), answered from a table instead of the standard library's Unicode search, with the
//! standard library's answer for every other character. The table is built from the standard
//! library's own functions, so every answer is the same as `char::is_alphabetic`,
//! `char::is_uppercase` and `char::is_lowercase`; only the cost differs (a school's name is
//! scanned for person names letter by letter, and the Unicode search was most of that).

use std::sync::LazyLock;

const ALPHABETIC: u8 = 1;
const UPPERCASE: u8 = 2;
const LOWERCASE: u8 = 4;

/// The first character of the Cyrillic block (U+0400–U+04FF).
const CYRILLIC_FIRST: u32 = 0x0400;

/// The classes of the 256 characters of the Cyrillic block.
static CYRILLIC: LazyLock<[u8; 256]> = LazyLock::new(|| {
    let mut table = [0u8; 256];
    for (offset, classes) in (0u32..).zip(table.iter_mut()) {
        if let Some(c) = char::from_u32(CYRILLIC_FIRST + offset) {
            *classes = classes_of(c);
        }
    }
    table
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

/// The classes of `c`, by table for ASCII and Cyrillic.
fn classes(c: char) -> u8 {
    if c.is_ascii() {
        let mut classes = 0;
        if c.is_ascii_alphabetic() {
            classes |= ALPHABETIC;
        }
        if c.is_ascii_uppercase() {
            classes |= UPPERCASE;
        }
        if c.is_ascii_lowercase() {
            classes |= LOWERCASE;
        }
        return classes;
    }
    match u32::from(c).checked_sub(CYRILLIC_FIRST) {
        Some(offset @ 0..=255) => CYRILLIC[offset as usize],
        _ => classes_of(c),
    }
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
