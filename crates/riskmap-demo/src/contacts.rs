//! Synthetic work contacts of the demo schools (contract table C, `school_contacts`): a
//! director, a deputy for upbringing, a psychologist and a social pedagogue per school, with
//! invented names, phones and e-mails on the reserved `demo.invalid` domain, so that a crisis
//! team's list shows whom to call. Fiction like the rest of the demo; deterministic by seed.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use riskmap_model::SchoolId;

/// One synthetic work contact.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoContact {
    /// The school.
    pub school: SchoolId,
    /// Contract role code.
    pub role: &'static str,
    /// An invented full name.
    pub full_name: String,
    /// An invented work phone.
    pub work_phone: String,
    /// An invented work e-mail (`*.demo.invalid`, which can never be delivered).
    pub work_email: String,
    /// Posts held (psychologists and social pedagogues).
    pub fte: Option<f64>,
}

const SURNAMES: &[&str] = &[
    "Ахметова",
    "Бекова",
    "Жумабаева",
    "Искакова",
    "Касымова",
    "Мухамеджанова",
    "Нурланова",
    "Омарова",
    "Сапарова",
    "Тулегенова",
    "Иванова",
    "Ким",
];
const FIRST_NAMES: &[&str] = &[
    "Айгерим",
    "Ботагоз",
    "Гульнара",
    "Динара",
    "Жанар",
    "Камила",
    "Лаура",
    "Мадина",
    "Сауле",
    "Анна",
    "Елена",
];
const PATRONYMICS: &[&str] = &[
    "Серикқызы",
    "Маратовна",
    "Ерлановна",
    "Болатқызы",
    "Кайратовна",
    "Сергеевна",
];

/// Roles every demo school has, with the posts held.
const ROLES: [(&str, Option<f64>); 4] = [
    ("director", None),
    ("deputy_upbringing", None),
    ("psychologist", Some(1.0)),
    ("social_pedagogue", Some(0.5)),
];

/// The contacts of every school (given by id), in school order, drawn from `seed` one at a
/// time (a writer holds none of them longer than it takes to write it).
pub fn demo_contacts(
    schools: impl IntoIterator<Item = SchoolId>,
    seed: u64,
) -> impl Iterator<Item = DemoContact> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x00c0_ffee);
    schools
        .into_iter()
        .flat_map(|school| ROLES.map(|role| (school.clone(), role)))
        .map(move |(school, (role, fte))| {
            let pick = |rng: &mut ChaCha8Rng, words: &[&'static str]| {
                words[rng.random_range(0..words.len())]
            };
            let full_name = format!(
                "{} {} {}",
                pick(&mut rng, SURNAMES),
                pick(&mut rng, FIRST_NAMES),
                pick(&mut rng, PATRONYMICS)
            );
            let work_phone = format!(
                "+7 7{:02} {:03} {:02} {:02}",
                rng.random_range(0..100),
                rng.random_range(0..1000),
                rng.random_range(0..100),
                rng.random_range(0..100)
            );
            let work_email = format!(
                "{}@school-{}.demo.invalid",
                role.replace('_', "-"),
                school.as_str().to_lowercase()
            );
            DemoContact {
                school,
                role,
                full_name,
                work_phone,
                work_email,
                fte,
            }
        })
}
