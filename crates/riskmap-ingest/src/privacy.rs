//! The privacy guard (domain §4.3 principle A, §6.1 "Prohibited", §6.5 "Privacy").
//!
//! The service must never receive person-level data. A file is refused as a whole when a
//! header names a person-level field (child names, IIN) outside the restricted contacts
//! table, when any cell outside a `bin` column holds an IIN-like 12-digit number, or when free
//! text holds a phone number or an e-mail address. Findings name the row and column only:
//! the offending value is never copied into a message.

use std::borrow::Cow;

use crate::letters::{is_alphabetic, is_cyrillic_lower, is_cyrillic_upper};
use crate::mapping::normalise_header;

/// What kind of personal data a cell or header looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hit {
    /// A run of exactly 12 digits (possibly grouped by spaces in free text).
    IinLike,
    /// 10–11 digits in a phone-like run starting with 7, 8 or `+`.
    Phone,
    /// `local@domain.tld`.
    Email,
    /// A header naming a person-level field.
    PersonHeader,
    /// A person's name: a patronymic, "Фамилия И.О." initials, or three capitalised words
    /// in name order.
    PersonName,
}

impl Hit {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Hit::IinLike => "an IIN-like 12-digit number",
            Hit::Phone => "a phone number",
            Hit::Email => "an e-mail address",
            Hit::PersonHeader => "a person-level field (child name or IIN)",
            Hit::PersonName => "what looks like a person's name",
        }
    }
}

/// How a cell is scanned, decided by its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellKind {
    /// A `bin` column: 12 digits are expected there.
    Bin,
    /// A contract column allowed to hold staff personal data (contacts): IIN-like only.
    Personal,
    /// Free text (string columns, unknown columns): IIN-like, phone, e-mail.
    FreeText,
    /// Typed columns: IIN-like only.
    Typed,
}

/// Scans one cell.
pub(crate) fn scan_cell(text: &str, kind: CellKind) -> Option<Hit> {
    if kind == CellKind::Bin || text.len() < 6 {
        return None;
    }
    if kind == CellKind::FreeText && has_person_name(text) {
        return Some(Hit::PersonName);
    }
    // Every hit needs ten digits or an '@': most identifiers and notes have neither.
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    if digits < 10 && !text.contains('@') {
        return None;
    }
    if has_iin_like(text.as_bytes()) {
        return Some(Hit::IinLike);
    }
    if kind != CellKind::FreeText {
        return None;
    }
    if text.contains('@') && has_email(text.as_bytes()) {
        return Some(Hit::Email);
    }
    grouped_digits(text.as_bytes())
}

/// Scans one header; `allowed` is true when the header maps to a contract column that may
/// hold personal data (contacts table).
pub(crate) fn scan_header(header: &str, allowed: bool) -> Option<Hit> {
    if let Some(hit) = scan_cell(header, CellKind::FreeText) {
        return Some(hit);
    }
    if allowed {
        return None;
    }
    let key = normalise_header(header)
        .replace(['-', '.'], " ")
        .replace('_', " ");
    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
    const WHOLE: &[&str] = &[
        "name",
        "child name",
        "full name",
        "first name",
        "last name",
        "student name",
        "pupil name",
        "child",
        "аты жөні",
        "аты жөнi",
        "оқушының аты жөні",
        "баланың аты жөні",
        "дата рождения",
        "туған күні",
        "birth date",
        "date of birth",
        "имя ребенка",
        "ученик",
        "учащийся",
    ];
    const TOKENS: &[&str] = &[
        "fio",
        "фио",
        "ф и о",
        "иин",
        "iin",
        "жсн",
        "фамилия",
        "имя",
        "отчество",
        "тегі",
        "surname",
        "patronymic",
        "firstname",
        "lastname",
        "fullname",
        "childname",
    ];
    let person = WHOLE.contains(&key.as_str())
        || key.split(' ').any(|t| TOKENS.contains(&t))
        || key.contains("ф и о");
    person.then_some(Hit::PersonHeader)
}

/// Kazakh and Russian patronymic endings, on a capitalised word of at least six letters.
const PATRONYMIC: &[&str] = &[
    "ович", "евич", "овна", "евна", "ична", "ұлы", "улы", "қызы", "кызы",
];

/// Russian and Kazakh surname endings, for three capitalised words in name order.
const SURNAME: &[&str] = &[
    "ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ёва", "ина", "ына", "ский", "ская", "цкий",
    "цкая", "енко",
];

/// Words after which a name is the name of a school, street or award, not of a person
/// ("имени Абая", "Абай атындағы").
const NAMED_AFTER: &[&str] = &[
    "имени",
    "им",
    "атындағы",
    "атындагы",
    "улица",
    "көшесі",
    "проспект",
];

/// Capitalised words that are never a person's name in the files (places, institutions).
const NOT_NAMES: &[&str] = &[
    "республика",
    "казахстан",
    "қазақстан",
    "область",
    "облысы",
    "район",
    "ауданы",
    "город",
    "школа",
    "мектеп",
    "гимназия",
    "лицей",
    "средняя",
    "северо",
    "южно",
    "западно",
    "восточно",
    "министерство",
    "управление",
    "отдел",
    "департамент",
    "акимат",
    "центр",
];

/// True when `text` holds what looks like a person's name: a capitalised Cyrillic word with
/// a patronymic ending next to another capitalised word (so that a place such as «Аққулы»
/// alone is not a name), a capitalised word next to two initials ("Иванов И.О.", "И. О.
/// Иванов"), or three capitalised Cyrillic words with a surname ending first or last.
/// Texts that name something after a person ("имени", "атындағы") are left alone.
pub(crate) fn has_person_name(text: &str) -> bool {
    if !text.chars().any(is_cyrillic_upper) {
        return false;
    }
    let lower = text.to_lowercase();
    if lower
        .split(|c: char| !is_alphabetic(c))
        .any(|w| NAMED_AFTER.contains(&w))
    {
        return false;
    }
    // «Г.А.» (городская администрация) in place names is not a pair of initials.
    let text = if text.contains("Г.") {
        Cow::Owned(text.replace("Г.А.", " ").replace("Г. А.", " "))
    } else {
        Cow::Borrowed(text)
    };
    let words: Vec<Word<'_>> = text
        .split(|c: char| !(is_alphabetic(c) || c == '-' || c == '.'))
        .filter(|w| !w.is_empty())
        .map(Word::new)
        .collect();
    let capitalised_at = |i: usize| words.get(i).is_some_and(Word::is_plain_capitalised);
    (0..words.len()).any(|i| {
        words[i].is_patronymic() && (capitalised_at(i + 1) || (i > 0 && capitalised_at(i - 1)))
    }) || words.windows(2).any(|p| has_initials(&p[0], &p[1]))
        || words
            .windows(3)
            .any(|t| has_split_initials(&t[0], &t[1], &t[2]))
        || words.windows(3).any(|t| in_name_order(&t[0], &t[1], &t[2]))
}

/// A word of a text with what every name rule asks of it, found once per word (the rules
/// look at each word from several windows).
struct Word<'t> {
    text: &'t str,
    /// [`is_capitalised`].
    capitalised: bool,
    /// Ends with a dot (an initial, an abbreviation).
    dotted: bool,
    /// Characters in the word; counted only for capitalised words (0 otherwise), the only
    /// ones whose length a rule asks.
    chars: usize,
}

impl<'t> Word<'t> {
    fn new(text: &'t str) -> Self {
        let capitalised = is_capitalised(text);
        Self {
            text,
            capitalised,
            dotted: text.ends_with('.'),
            chars: if capitalised { text.chars().count() } else { 0 },
        }
    }

    /// Capitalised and not an abbreviation: what may stand next to a patronymic.
    fn is_plain_capitalised(&self) -> bool {
        self.capitalised && !self.dotted
    }

    /// A capitalised word of at least six letters with a patronymic ending.
    fn is_patronymic(&self) -> bool {
        if !self.capitalised {
            return false;
        }
        let word = self.text.trim_end_matches('.');
        let dots = self.text.len() - word.len();
        if self.chars - dots < 6 {
            return false;
        }
        let lower = word.to_lowercase();
        PATRONYMIC.iter().any(|end| lower.ends_with(end))
    }

    /// A surname beside initials: capitalised, no dot, at least three letters.
    fn is_surname_beside_initials(&self) -> bool {
        self.is_plain_capitalised() && self.chars >= 3
    }

    /// One or two capital Cyrillic initials, each with its dot (`И.`, `И.О.`); with `two`,
    /// exactly two.
    fn is_initials(&self, two: bool) -> bool {
        if !self.dotted {
            return false;
        }
        let (mut letters, mut dots) = (0usize, 0usize);
        for c in self.text.chars() {
            if c == '.' {
                dots += 1;
            } else if is_cyrillic_upper(c) {
                letters += 1;
            } else {
                return false;
            }
        }
        (1..=2).contains(&letters) && dots == letters && (!two || dots == 2)
    }

    /// One capital Cyrillic letter and a dot.
    fn is_one_initial(&self) -> bool {
        let mut chars = self.text.chars();
        chars.next().is_some_and(is_cyrillic_upper) && chars.as_str() == "."
    }

    /// A word that may be part of a name written out: capitalised, no dot, no hyphen, not a
    /// place or an institution.
    fn may_be_name_part(&self) -> bool {
        self.is_plain_capitalised()
            && !self.text.contains('-')
            && !NOT_NAMES.contains(&self.text.to_lowercase().as_str())
    }

    /// At least four letters with a surname ending.
    fn has_surname_ending(&self) -> bool {
        let lower = self.text.to_lowercase();
        self.chars >= 4 && SURNAME.iter().any(|end| lower.ends_with(end))
    }
}

/// A word like `Иванов`: a capital Cyrillic letter, then at least one lower-case letter,
/// nothing else (a hyphen joins two such words; trailing dots are left out).
fn is_capitalised(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    !word.is_empty()
        && word.split('-').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(is_cyrillic_upper)
                && part.chars().count() >= 2
                && chars.all(is_cyrillic_lower)
        })
}

/// `Иванов И.О.` / `Иванов И. О.` (the initials as one or two words) or `И.О. Иванов`.
fn has_initials(first: &Word<'_>, second: &Word<'_>) -> bool {
    (second.is_initials(true) && first.is_surname_beside_initials())
        || (first.is_initials(true) && second.is_surname_beside_initials())
}

/// `Иванов И. О.` or `И. О. Иванов`: the initials as two words of one letter and a dot.
fn has_split_initials(a: &Word<'_>, b: &Word<'_>, c: &Word<'_>) -> bool {
    b.is_one_initial()
        && ((c.is_one_initial() && a.is_surname_beside_initials())
            || (a.is_one_initial() && c.is_surname_beside_initials()))
}

/// Three name parts in a row with a surname ending first or last.
fn in_name_order(a: &Word<'_>, b: &Word<'_>, c: &Word<'_>) -> bool {
    a.may_be_name_part()
        && b.may_be_name_part()
        && c.may_be_name_part()
        && (a.has_surname_ending() || c.has_surname_ending())
}

/// True when `bytes` holds a run of at least 12 ASCII digits: false rules out an IIN-like
/// number in every cell of a row whose fields are concatenated in `bytes`.
pub(crate) fn may_hold_iin(bytes: &[u8]) -> bool {
    let mut run = 0u32;
    for &b in bytes {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 12 {
            return true;
        }
    }
    false
}

/// True when `bytes` holds a run of exactly 12 ASCII digits.
fn has_iin_like(bytes: &[u8]) -> bool {
    let mut run = 0usize;
    for &b in bytes {
        if b.is_ascii_digit() {
            run += 1;
        } else {
            if run == 12 {
                return true;
            }
            run = 0;
        }
    }
    run == 12
}

/// Looks at runs of digits joined by spaces, `-`, `(`, `)`, `+`, `.`: 12 digits are IIN-like,
/// 10–11 digits starting with `7`, `8` or `+` are phone-like.
fn grouped_digits(bytes: &[u8]) -> Option<Hit> {
    let mut idx = 0;
    while idx < bytes.len() {
        if !(bytes[idx].is_ascii_digit() || bytes[idx] == b'+') {
            idx += 1;
            continue;
        }
        let start = idx;
        let (mut digits, mut first) = (0usize, 0u8);
        while idx < bytes.len()
            && matches!(
                bytes[idx],
                b'0'..=b'9' | b' ' | b'-' | b'(' | b')' | b'+' | b'.'
            )
        {
            if bytes[idx].is_ascii_digit() {
                if digits == 0 {
                    first = bytes[idx];
                }
                digits += 1;
            }
            idx += 1;
        }
        let plus = bytes[start] == b'+';
        match digits {
            12 if !plus => return Some(Hit::IinLike),
            10 | 11 if plus || matches!(first, b'7' | b'8') => return Some(Hit::Phone),
            12 if plus => return Some(Hit::Phone),
            _ => {}
        }
    }
    None
}

fn has_email(bytes: &[u8]) -> bool {
    let local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
    let domain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-');
    for (at, _) in bytes.iter().enumerate().filter(|(_, b)| **b == b'@') {
        let before = at > 0 && local(bytes[at - 1]);
        let after = &bytes[at + 1..];
        let rest = &after[..after.iter().take_while(|b| domain(**b)).count()];
        let dot = rest.iter().rposition(|b| *b == b'.');
        let tld_ok = dot.is_some_and(|d| d > 0 && rest.len() - d > 2);
        if before && tld_ok {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_iin_like_numbers_anywhere_but_bin() {
        assert_eq!(
            scan_cell("051231500123", CellKind::Typed),
            Some(Hit::IinLike)
        );
        assert_eq!(
            scan_cell("ученик 051231500123 переведён", CellKind::FreeText),
            Some(Hit::IinLike)
        );
        assert_eq!(
            scan_cell("ИИН 0512 3150 0123", CellKind::FreeText),
            Some(Hit::IinLike)
        );
        assert_eq!(scan_cell("051231500123", CellKind::Bin), None);
        assert_eq!(
            scan_cell("1234567890123", CellKind::Typed),
            None,
            "13 digits are not IIN-like"
        );
        assert_eq!(scan_cell("751710000", CellKind::Typed), None);
    }

    #[test]
    fn finds_phones_and_emails_in_free_text_only() {
        assert_eq!(
            scan_cell("звонить +7 (701) 123-45-67", CellKind::FreeText),
            Some(Hit::Phone)
        );
        assert_eq!(
            scan_cell("тел. 87011234567", CellKind::FreeText),
            Some(Hit::Phone)
        );
        assert_eq!(
            scan_cell("write to a.b@mail.kz please", CellKind::FreeText),
            Some(Hit::Email)
        );
        assert_eq!(scan_cell("+7 701 123 45 67", CellKind::Personal), None);
        assert_eq!(
            scan_cell("2024-04-05T10:00:00+05:00", CellKind::FreeText),
            None
        );
        assert_eq!(
            scan_cell("проведено 12 уроков, 3,5 ставки", CellKind::FreeText),
            None
        );
        assert_eq!(scan_cell("@ school", CellKind::FreeText), None);
    }

    #[test]
    fn finds_kazakh_and_russian_person_names_in_free_text() {
        for text in [
            "Нурсултанов Ерлан Маратович",
            "ученица Ахметова Айгерим Нурлановна переведена",
            "Серік Маратұлы",
            "Айгерім Бекқызы",
            "Жумабаев Асхат Ерланулы",
            "ответственный Иванов И.О.",
            "Иванов И. О.",
            "И.О. Петрова",
            "Смагулов Ерлан Сапарович",
            "Петров Иван Сергеевич",
            "Ким Анна Ивановна",
            "Сидоров Павел Игоревич",
            "Абдрахманова Сауле Кенес",
        ] {
            assert_eq!(
                scan_cell(text, CellKind::FreeText),
                Some(Hit::PersonName),
                "{text}"
            );
        }
        assert_eq!(
            scan_cell("Нурсултанов Ерлан Маратович", CellKind::Personal),
            None,
            "a staff contact column may hold names"
        );
    }

    #[test]
    fn school_and_place_names_are_not_person_names() {
        for text in [
            "Без замечаний; ескерту жоқ",
            "Общеобразовательная школа №12, Медеуский район (синтетическая)",
            "Ахмет Байтұрсынұлы атындағы №5 мектеп",
            "Средняя школа имени Абая Кунанбаева",
            "Северо-Казахстанская область",
            "Республика Казахстан Алматы",
            "Ұлы Отан соғысы",
            "Программа «Дружба» проведена",
            "ИИН",
            "Всего учеников",
            "Оқушылар саны",
            "Қаулы №5 орындалды",
            "Общеобразовательная школа №1, Семей Г.А. (синтетическая)",
            "район Аққулы",
            "точка Жалаулы",
        ] {
            assert_eq!(scan_cell(text, CellKind::FreeText), None, "{text}");
        }
    }

    #[test]
    fn finds_person_headers_unless_allowed() {
        for header in [
            "child_name",
            "ФИО",
            "Ф.И.О.",
            "аты-жөні",
            "full_name",
            "ИИН ученика",
            "Фамилия",
        ] {
            assert_eq!(
                scan_header(header, false),
                Some(Hit::PersonHeader),
                "{header}"
            );
        }
        assert_eq!(scan_header("full_name", true), None);
        for header in [
            "name_kk",
            "pupils_total",
            "Наименование на русском языке",
            "psych_fte_norm",
        ] {
            assert_eq!(scan_header(header, false), None, "{header}");
        }
    }
}
