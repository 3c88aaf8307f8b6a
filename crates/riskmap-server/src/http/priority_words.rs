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
            _ => ["Деректер тоқсаны", "Квартал данных", "Data quarter"],
        };
        self.pick(words)
    }
}
