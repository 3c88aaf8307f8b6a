//! Every word a document prints, in Kazakh and Russian (documents to the Ministry are written
//! in the state or the official language; no English reaches them): headings, column
//! headers, the programme and action statuses and the review's caveat.

use serde::Serialize;

/// The language of a document (`lang=kk|ru`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Kazakh.
    Kk,
    /// Russian.
    Ru,
}

impl Lang {
    /// `kk` or `ru`; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "kk" => Some(Self::Kk),
            "ru" => Some(Self::Ru),
            _ => None,
        }
    }

    /// `kk` or `ru`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Kk => "kk",
            Self::Ru => "ru",
        }
    }

    fn pick(self, [kk, ru]: [&'static str; 2]) -> &'static str {
        match self {
            Self::Kk => kk,
            Self::Ru => ru,
        }
    }

    /// A programme status (`draft`, `approved`, …) in words.
    pub fn status(self, code: &str) -> &'static str {
        self.pick(match code {
            "draft" => ["жоба", "проект"],
            "approved" => ["бекітілген", "утверждена"],
            "acknowledged" => ["министрлік қабылдады", "принята министерством"],
            "returned" => ["пысықтауға қайтарылды", "возвращена на доработку"],
            "closed" => ["жабылды", "закрыта"],
            _ => ["ауыстырылды", "заменена"],
        })
    }

    /// An action's standing today or a progress status (`on_track`, …) in words.
    pub fn standing(self, code: &str) -> &'static str {
        self.pick(match code {
            "not_started" => ["басталмаған", "не начато"],
            "on_track" => ["кесте бойынша", "по графику"],
            "delayed" => ["кешігуде", "с задержкой"],
            "overdue" => ["мерзімі өткен", "просрочено"],
            "done" => ["орындалды", "выполнено"],
            _ => ["тоқтатылды", "отменено"],
        })
    }

    /// A programme period `2025` or `2025-H1` in words.
    pub fn period(self, code: &str) -> String {
        match code.split_once("-H") {
            Some((year, half)) => match self {
                Self::Kk => format!("{year} ж. {half}-жартыжылдық"),
                Self::Ru => format!("{half}-е полугодие {year} г."),
            },
            None => match self {
                Self::Kk => format!("{code} ж."),
                Self::Ru => format!("{code} г."),
            },
        }
    }

    /// "late" after a report's date.
    pub fn late(self) -> &'static str {
        self.pick(["кешікті", "с опозданием"])
    }

    /// "tenge" after a sum.
    pub fn tenge(self) -> &'static str {
        self.pick(["теңге", "тенге"])
    }

    /// The label of a programme made from synthetic data.
    pub fn synthetic(self) -> &'static str {
        self.pick(["Синтетикалық деректер", "Синтетические данные"])
    }

    /// The legend entry of districts with problems but no action yet.
    pub fn no_actions(self) -> &'static str {
        self.pick(["мәселе бар, іс-шара жоқ", "есть проблема, нет мероприятий"])
    }

    /// After an indicator's name: its numerator (the count of cases).
    pub fn cases(self) -> &'static str {
        self.pick(["жағдайлар саны", "число случаев"])
    }

    /// "token" before the reader's token number in the watermark.
    pub fn token(self) -> &'static str {
        self.pick(["токен №", "токен №"])
    }

    /// The workbook's sheet names: programme, problems, actions, progress, review.
    pub fn sheets(self) -> [&'static str; 5] {
        match self {
            Self::Kk => [
                "Бағдарлама",
                "Мәселелер",
                "Іс-шаралар",
                "Орындалу барысы",
                "Шолу",
            ],
            Self::Ru => [
                "Программа",
                "Проблемы",
                "Мероприятия",
                "Ход исполнения",
                "Обзор",
            ],
        }
    }

    /// The words of the documents in this language.
    pub fn words(self) -> Words {
        match self {
            Self::Kk => KK,
            Self::Ru => RU,
        }
    }
}

/// The fixed words of the documents (each field is the label its name says).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Words {
    pub lang: &'static str,
    pub heading: &'static str,
    pub subheading: &'static str,
    pub region: &'static str,
    pub period: &'static str,
    pub title: &'static str,
    pub status: &'static str,
    pub version: &'static str,
    pub data_version: &'static str,
    pub methodology_version: &'static str,
    pub made_on: &'static str,
    pub map: &'static str,
    pub map_note: &'static str,
    pub problems: &'static str,
    pub unit: &'static str,
    pub district: &'static str,
    pub rank: &'static str,
    pub quarter: &'static str,
    pub triggers: &'static str,
    pub values: &'static str,
    pub actions: &'static str,
    pub number: &'static str,
    pub kind: &'static str,
    pub units: &'static str,
    pub organisation: &'static str,
    pub responsible: &'static str,
    pub start: &'static str,
    pub due: &'static str,
    pub budget: &'static str,
    pub funding: &'static str,
    pub indicator: &'static str,
    pub standing: &'static str,
    pub budget_total: &'static str,
    pub progress: &'static str,
    pub percent: &'static str,
    pub submitted: &'static str,
    pub comment: &'static str,
    pub review: &'static str,
    pub at_snapshot: &'static str,
    pub now: &'static str,
    pub change: &'static str,
    pub plan_line: &'static str,
    pub regional: &'static str,
    pub national: &'static str,
    pub caveat: &'static str,
    pub symbols: &'static str,
    pub none: &'static str,
    pub page: &'static str,
    pub summary_heading: &'static str,
    pub half: &'static str,
    pub programmes: &'static str,
    pub statuses: [&'static str; 5],
    pub action_standings: [&'static str; 4],
    pub late_reports: &'static str,
    pub missing_reports: &'static str,
    pub total: &'static str,
}

const KK: Words = Words {
    lang: "kk",
    heading: "Оқу-ағарту министрлігіне ақпарат",
    subheading: "Дағдарысты басқару бағдарламасы (№ 748 қаулы, 2-шара)",
    region: "Өңір",
    period: "Кезең",
    title: "Атауы",
    status: "Мәртебесі",
    version: "Нұсқасы",
    data_version: "Деректер нұсқасы",
    methodology_version: "Әдістеме нұсқасы",
    made_on: "Құжат жасалған күн",
    map: "Өңір картасы: бағдарлама бірліктері",
    map_note: "Аудан іс-шаралардың ең нашар мәртебесі бойынша боялған.",
    problems: "Мәселелер және олардың үзінділері",
    unit: "Бірлік",
    district: "Аудан",
    rank: "Орны",
    quarter: "Деректер тоқсаны",
    triggers: "Іске қосылған белгілер",
    values: "Үзінді мәндері",
    actions: "Іс-шаралар",
    number: "№",
    kind: "Іс-шара түрі",
    units: "Бірліктер",
    organisation: "Жауапты ұйым",
    responsible: "Жауапты тұлға",
    start: "Басталуы",
    due: "Мерзімі",
    budget: "Бюджет, теңге",
    funding: "Қаржыландыру көзі",
    indicator: "Көрсеткіш және күтілетін өзгеріс",
    standing: "Мәртебесі",
    budget_total: "Бюджеттің жиыны",
    progress: "Тоқсандық орындалу барысы",
    percent: "Орындалуы, %",
    submitted: "Тапсырылды",
    comment: "Түсініктеме",
    review: "Шолу: көрсеткіш үзіндіде және қазір",
    at_snapshot: "Үзіндіде",
    now: "Қазір",
    change: "Өзгерісі",
    plan_line: "Жоспар сызығы (−5%/жыл)",
    regional: "Өңір қазір",
    national: "Ел қазір",
    caveat: "Сипаттамалық шолу: көрсеткіш бұрын және кейін, ел мен өңір мәндерімен және жоспардың −5%/жыл сызығымен қатар; іс-шаралардың әсерін бағалау емес.",
    symbols: "c — жасырылған; 0, 1–2, 3+ — рөлге нақты көрінбейтін S2 сандарының топтары; : — деректер жоқ; — — мән жоқ.",
    none: "Жазбалар жоқ.",
    page: "Бет",
    summary_heading: "Дағдарысты басқару бағдарламалары: жартыжылдық есеп (№ 748 қаулы, 3-тармақ)",
    half: "Жартыжылдық",
    programmes: "Бағдарламалар",
    statuses: ["Жоба", "Бекітілген", "Қабылданды", "Қайтарылды", "Жабылды"],
    action_standings: ["Кестеде", "Кешігуде", "Мерзімі өткен", "Орындалды"],
    late_reports: "Кешіккен есептер",
    missing_reports: "Есеп жоқ",
    total: "Барлығы",
};

const RU: Words = Words {
    lang: "ru",
    heading: "Информация в Министерство просвещения",
    subheading: "Программа кризисного управления (постановление № 748, мера 2)",
    region: "Регион",
    period: "Период",
    title: "Наименование",
    status: "Статус",
    version: "Версия",
    data_version: "Версия данных",
    methodology_version: "Версия методики",
    made_on: "Дата документа",
    map: "Карта региона: единицы программы",
    map_note: "Район окрашен по худшему статусу его мероприятий.",
    problems: "Проблемы и их срезы",
    unit: "Единица",
    district: "Район",
    rank: "Место",
    quarter: "Квартал данных",
    triggers: "Сработавшие признаки",
    values: "Значения среза",
    actions: "Мероприятия",
    number: "№",
    kind: "Вид мероприятия",
    units: "Единицы",
    organisation: "Ответственная организация",
    responsible: "Ответственное лицо",
    start: "Начало",
    due: "Срок",
    budget: "Бюджет, тенге",
    funding: "Источник финансирования",
    indicator: "Показатель и ожидаемое изменение",
    standing: "Статус",
    budget_total: "Итого бюджет",
    progress: "Ход исполнения по кварталам",
    percent: "Исполнено, %",
    submitted: "Представлен",
    comment: "Комментарий",
    review: "Обзор: показатель на момент среза и сейчас",
    at_snapshot: "На срезе",
    now: "Сейчас",
    change: "Изменение",
    plan_line: "Линия плана (−5%/год)",
    regional: "Регион сейчас",
    national: "Страна сейчас",
    caveat: "Описательный обзор: показатель до и после, рядом со значениями страны и региона и линией плана −5%/год; не оценка эффекта мероприятий.",
    symbols: "c — скрыто; 0, 1–2, 3+ — группы чисел S2, где роль не видит их точно; : — нет данных; — — значения нет.",
    none: "Записей нет.",
    page: "Стр.",
    summary_heading: "Программы кризисного управления: отчёт за полугодие (постановление № 748, п. 3)",
    half: "Полугодие",
    programmes: "Программы",
    statuses: ["Проект", "Утверждена", "Принята", "Возвращена", "Закрыта"],
    action_standings: ["По графику", "С задержкой", "Просрочено", "Выполнено"],
    late_reports: "Отчёты с опозданием",
    missing_reports: "Нет отчёта",
    total: "Итого",
};
