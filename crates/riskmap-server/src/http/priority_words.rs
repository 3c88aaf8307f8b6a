//! The words of the priority list and its exports in Kazakh, Russian and English: column
//! headers, cell labels for codes (settlement, triggers), notes, watermark and period line.

use riskmap_model::indicator::Labels;

/// The language of an export (`lang=kk|ru|en`, Russian by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    /// Kazakh.
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// `kk`, `ru` or `en`; anything else is `None`.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "kk" => Some(Self::Kk),
            "ru" => Some(Self::Ru),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// One of three words by language.
    fn pick(self, [kk, ru, en]: [&'static str; 3]) -> &'static str {
        match self {
            Self::Kk => kk,
            Self::Ru => ru,
            Self::En => en,
        }
    }

    /// A catalogue label in this language.
    pub(crate) fn label(self, labels: &Labels) -> String {
        match self {
            Self::Kk => labels.kk.clone(),
            Self::Ru => labels.ru.clone(),
            Self::En => labels.en.clone(),
        }
    }

    /// The notes printed under every export: the distribution mark, the disclosure rules and
    /// the reading of detected counts.
    pub(crate) fn footnotes(self) -> [&'static str; 3] {
        [
            self.pick([
                "Қызметтік, жібермеңіз.",
                "Служебное, не пересылать.",
                "Internal, do not forward.",
            ]),
            self.pick([
                "c — жасырылған; S2 сандары рөлге нақты көрінбейтін жерде 0, 1–2, 3+ топтарымен берілген. Сандар аудиторияға қарай дөңгелектенеді немесе жасырылады; жиындар сәйкес келмеуі мүмкін.",
                "c — скрыто; числа S2 даны группами 0, 1–2, 3+, где роль не видит их точно. Числа округлены или скрыты по правилам для аудитории; итоги могут не сходиться.",
                "c: suppressed; bands 0, 1–2, 3+ for S2 counts where the role may not see them exactly. Counts are rounded or suppressed per audience; totals may not add up.",
            ]),
            self.pick([
                "Анықталған жағдайлар саны оқиғалардың жиілігін де, анықтау күшін де көрсетеді; деректердің болмауы — өзі тәуекел белгісі.",
                "Число выявленных случаев отражает и частоту событий, и усилия по выявлению; отсутствие данных само по себе — сигнал риска.",
                "Detected counts mix incidence with detection effort; data silence is itself a risk signal.",
            ]),
        ]
    }

    /// "Data period: 4 кв. 2024" in this language.
    pub(crate) fn period_line(self, period: &str) -> String {
        format!(
            "{}: {}",
            self.pick(["Деректер кезеңі", "Период данных", "Data period"]),
            self.quarter(period)
        )
    }

    /// A quarter `2024-Q4` as the page writes it: "2024 ж. 4-тоқсан", "4 кв. 2024", "Q4 2024".
    pub(crate) fn quarter(self, period: &str) -> String {
        let Some((year, q)) = period.split_once("-Q") else {
            return period.to_owned();
        };
        match self {
            Self::Kk => format!("{year} ж. {q}-тоқсан"),
            Self::Ru => format!("{q} кв. {year}"),
            Self::En => format!("Q{q} {year}"),
        }
    }

    /// A role name for the watermark.
    pub(crate) fn role(self, role: &str) -> &'static str {
        match role {
            "akimat" => self.pick(["әкімдік", "акимат", "akimat"]),
            "crisis" => self.pick(["дағдарыс тобы", "кризисная группа", "crisis team"]),
            "ministry" => self.pick(["министрлік", "министерство", "ministry"]),
            "public" => self.pick(["жұртшылық", "публичный доступ", "public"]),
            "steward" => self.pick(["деректер әкімшісі", "администратор данных", "data steward"]),
            _ => self.pick(["анонимді", "аноним", "anonymous"]),
        }
    }

    /// `urban` or `rural` in words.
    pub(crate) fn settlement(self, code: &str) -> &'static str {
        match code {
            "urban" => self.pick(["қала", "город", "urban"]),
            _ => self.pick(["ауыл", "село", "rural"]),
        }
    }

    /// A trigger code (`top_quintile`, …) in words.
    pub(crate) fn trigger(self, code: &str) -> &'static str {
        match code {
            "top_quintile" => self.pick(["жоғарғы квинтиль", "верхний квинтиль", "top quintile"]),
            "s2_event" => self.pick(["S2 оқиғасы", "событие S2", "S2 event"]),
            "cluster" => self.pick(["кластер", "кластер", "cluster"]),
            "exceedance" => self.pick(["базадан асу", "превышение базы", "above baseline"]),
            "coping_gap" => self.pick([
                "психолог тапшылығы",
                "нехватка психологов",
                "psychologist gap",
            ]),
            "backlog" => self.pick(["есеп кезегі", "очередь учёта", "register backlog"]),
            "forecast_exceedance" => self.pick([
                "болжам: жоспардан асу",
                "прогноз: превышение плана",
                "forecast above plan",
            ]),
            _ => self.pick(["деректер үнсіздігі", "молчание данных", "data silence"]),
        }
    }

    /// The header of column `key` of the exports.
    pub(crate) fn column(self, key: &str) -> &'static str {
        let words = match key {
            "rank" => ["Орны", "Место", "Rank"],
            "nobd_org_id" => ["ҰБДҚ ID", "ID НОБД", "NOBD ID"],
            "name_ru" => ["Мектеп (орысша)", "Школа", "School (Russian)"],
            "name_kk" => ["Мектеп", "Школа (на казахском)", "School (Kazakh)"],
            "district_kato" => ["Аудан ҚАТО", "КАТО района", "District KATO"],
            "district_name" => ["Аудан", "Район", "District"],
            "settlement" => ["Қала/ауыл", "Город/село", "Urban/rural"],
            "pupils" => ["Оқушылар", "Учащихся", "Pupils"],
            "composite" => [
                "Тәуекел индексі (0–10)",
                "Индекс риска (0–10)",
                "Risk index (0–10)",
            ],
            "quintile_region" => [
                "Өңірдегі квинтиль",
                "Квинтиль в регионе",
                "Quintile in region",
            ],
            "p_exceed" => [
                "Базадан асу ықтималдығы",
                "Вероятность превышения базы",
                "Probability above baseline",
            ],
            "triggers" => [
                "Іске қосылған белгілер",
                "Сработавшие признаки",
                "Triggers fired",
            ],
            "drivers" => ["Негізгі факторлар", "Основные факторы", "Top drivers"],
            "viol_total" => [
                "Зорлық-зомбылық жағдайлары",
                "Случаи насилия",
                "Violence cases",
            ],
            "bullying" => ["Буллинг", "Буллинг", "Bullying"],
            "s2_events" => [
                "Суицид, әрекет, өзіне зиян (S2)",
                "Суицид, попытки, самоповреждения (S2)",
                "Suicide, attempts, self-harm (S2)",
            ],
            "psych_gap_fte" => [
                "Психолог тапшылығы (штат бірлігі)",
                "Дефицит психологов (ставки)",
                "Psychologist gap (FTE)",
            ],
            "contacts" => ["Байланыстар", "Контакты", "Contacts"],
            _ => ["Деректер тоқсаны", "Квартал данных", "Data quarter"],
        };
        self.pick(words)
    }

    /// What column `key` means, for the exports' notes.
    pub(crate) fn column_note(self, key: &str) -> &'static str {
        let words = match key {
            "rank" => [
                "Тізімдегі орны: базадан асу ықтималдығы бойынша (1 — ең жоғары), тең болса — тәуекел индексі бойынша.",
                "Место в списке по вероятности превышения базы (1 — наибольшая), при равенстве — по индексу риска.",
                "Place in the list by the probability above baseline (1 = highest), ties by risk index.",
            ],
            "nobd_org_id" => [
                "Мектептің ҰБДҚ-дағы идентификаторы.",
                "Идентификатор школы в НОБД.",
                "The school's NOBD identifier.",
            ],
            "name_ru" | "name_kk" => [
                "Мектептің ҰБДҚ-дағы атауы.",
                "Название школы в НОБД.",
                "The school's name in NOBD.",
            ],
            "district_kato" => [
                "Ауданның ҚАТО коды (9 сан).",
                "Код КАТО района (9 цифр).",
                "The district's KATO code (9 digits).",
            ],
            "district_name" => [
                "Мектеп орналасқан аудан.",
                "Район школы.",
                "The school's district.",
            ],
            "settlement" => [
                "Қала немесе ауыл мектебі.",
                "Городская или сельская школа.",
                "Urban or rural school.",
            ],
            "pupils" => [
                "Тоқсандағы оқушылар саны (рөлге қарай дөңгелектенеді немесе жасырылады).",
                "Число учащихся в квартале (округлено или скрыто по правилам для роли).",
                "Pupils in the quarter (rounded or suppressed per role).",
            ],
            "composite" => [
                "Мектептің тәуекел индексі, 0–10: зиян, осалдық және қорғаудың жетіспеуі.",
                "Индекс риска школы, 0–10: вред, уязвимость и недостаток защиты.",
                "The school's risk index, 0–10: harm, vulnerability and lack of coping.",
            ],
            "quintile_region" => [
                "Өңір мектептері арасындағы квинтиль: 5 — ең жоғары тәуекелі бар бестен бір бөлігі.",
                "Квинтиль среди школ региона: 5 — пятая часть с наибольшим риском.",
                "Quintile among the region's schools: 5 = the fifth with the highest risk.",
            ],
            "p_exceed" => [
                "Мектептегі S1 жағдайларының нақты деңгейі өз базасынан асу ықтималдығы (0–1); тізім осы бойынша реттелген.",
                "Вероятность того, что истинный уровень случаев S1 в школе выше её базы (0–1); список упорядочен по ней.",
                "Probability that the school's true rate of S1 cases is above its baseline (0–1); the list is ordered by it.",
            ],
            "triggers" => [
                "Мектепті тізімге қосқан белгілер.",
                "Признаки, по которым школа попала в список.",
                "Why the school is on the list.",
            ],
            "drivers" => [
                "Индекске ең көп үлес қосқан көрсеткіштер.",
                "Показатели с наибольшим вкладом в индекс.",
                "The indicators that add most to the index.",
            ],
            "viol_total" => [
                "Тоқсандағы анықталған зорлық-зомбылық жағдайлары.",
                "Выявленные случаи насилия за квартал.",
                "Detected violence cases in the quarter.",
            ],
            "bullying" => [
                "Тоқсандағы анықталған буллинг жағдайлары.",
                "Выявленные случаи буллинга за квартал.",
                "Detected bullying cases in the quarter.",
            ],
            "s2_events" => [
                "Суицид, суицид әрекеті және өзіне зиян келтіру; нақты көрінбейтін жерде 0, 1–2, 3+ топтары.",
                "Суициды, попытки и самоповреждения; группами 0, 1–2, 3+, где роль не видит их точно.",
                "Suicides, attempts and self-harm; bands 0, 1–2, 3+ where the role may not see them exactly.",
            ],
            "psych_gap_fte" => [
                "Норматив бойынша жетіспейтін психолог штат бірліктері.",
                "Недостающие по нормативу ставки психологов.",
                "Psychologist posts missing against the standard (FTE).",
            ],
            "contacts" => [
                "Мектеп қызметкерлерінің жұмыс байланыстары (тек дағдарыс топтары мен министрлікке).",
                "Рабочие контакты сотрудников школы (только кризисным группам и министерству).",
                "Work contacts of the school's staff (crisis teams and the ministry only).",
            ],
            _ => [
                "Мектептің соңғы деректері жататын тоқсан.",
                "Квартал, к которому относятся последние данные школы.",
                "The quarter of the school's latest data.",
            ],
        };
        self.pick(words)
    }

    /// The name of the exports' notes sheet.
    pub(crate) fn notes_sheet(self) -> &'static str {
        self.pick(["Түсініктеме", "Пояснения", "Notes"])
    }

    /// A contact's contract role (`psychologist`, …) in words.
    pub(crate) fn contact_role(self, code: &str) -> &'static str {
        match code {
            "director" => self.pick(["директор", "директор", "director"]),
            "deputy_upbringing" => self.pick([
                "тәрбие ісі жөніндегі орынбасар",
                "заместитель по воспитательной работе",
                "deputy head for upbringing",
            ]),
            "psychologist" => self.pick(["психолог", "психолог", "psychologist"]),
            "social_pedagogue" => self.pick([
                "әлеуметтік педагог",
                "социальный педагог",
                "social pedagogue",
            ]),
            _ => self.pick([
                "аудандық үйлестіруші",
                "районный координатор",
                "district focal point",
            ]),
        }
    }
}
