// riskmap web: every interface string in Kazakh, Russian and English, and the number, date and
// quarter formats of each language. Indicator names come from /api/v1/meta in the same three.
const kk = {
  compositeSchools: "Индекс өңірлер мен аудандар үшін есептеледі; мектептің индексі — оның карточкасында (басымдық тізімі)",
  p90: "ел бойынша ≥ 90-шы перцентиль", score: "баға", riskClasses: ["өте төмен", "төмен", "орташа", "жоғары", "өте жоғары"], nationalScaled: "Ел бойынша (бірліктің базасына келтірілген)",
  hotspotsComposite: "Кластерлер жеке көрсеткіш бойынша есептеледі: тізімнен көрсеткішті таңдаңыз",
  compositeTitle: "Тәуекел индексі (0–10)", dimensionsTitle: "Өлшемдер", dimensions: { harm: "Зиян", vulnerability: "Осалдық", coping: "Қорғаудың жетіспеуі" },
  points: "балл", contribution: "үлесі", compositeDrivers: "Индекстің негізгі факторлары (балл)", compositeSeries: "Индекстің тоқсандық қатары",
  availability: "Көрсеткіштер бар", noComposite: "Бұл бірлік үшін индекс жарияланбайды",
  planTitle: "Жоспар мақсаттарының орындалуы", planNote: "Жылдық сандар (тоқсандар қосындысы), үзік сызық — жоспар мақсаты, нүкте мен кесінді — биылғы бақыланған мән және оның аралығы (жылдық бағалау)",
  planSeries: { offences_by_minors: "Кәмелетке толмағандар жасаған құқық бұзушылықтар", offences_against_minors: "Кәмелетке толмағандарға қарсы құқық бұзушылықтар", suicides: "Суицидтер", suicide_attempts: "Суицид әрекеттері" },
  planStatus: { on_track: "жоспар бойынша", off_track: "жоспардан артта", inconclusive: "анық емес", unknown: "белгісіз", no_baseline: "базалық жыл жоқ" },
  baseline: "базалық жыл", observed: "бақыланған", observedSoFar: "бақыланған (жылдық бағалау)", interval: "аралық", targetShort: "мақсат", yearCount: "саны",
  changeVsBaseline: "базаға қатысты", quartersObserved: "тоқсан бақыланды", nationalPlan: "Ел бойынша", annualReduction: "жылына",
  year: "Жыл",
  title: "Балаларды қорғау: тәуекелдер картасы",
  skip: "Негізгі мазмұнға өту",
  indicator: "Көрсеткіш", period: "Кезең (соңғы 4 тоқсан)", language: "Тіл",
  country: "Қазақстан", synthetic: "СИНТЕТИКАЛЫҚ ДЕРЕКТЕР — демонстрация үшін ғана, нақты балалар туралы мәлімет емес",
  noData: "деректер жоқ", suppressed: "жасырылған (c)", unstable: "тұрақсыз (u)",
  suppressedNote: "c — жасырылған: оқиғалар тым аз немесе бұл деңгейде сіздің рөліңізге жарияланбайды",
  unstableNote: "u — тұрақсыз: 10–19 оқиға, штрихталған",
  rollingYear: "соңғы 4 тоқсан", higherRisk: "қою түс — жоғары тәуекел",
  clickHint: "Аудандарды көру үшін өңірді басыңыз", clickHintDistrict: "Мектептерді көру үшін ауданды басыңыз",
  signIn: "Кіру", signOut: "Шығу", token: "Токен", role: "Рөл", demoToken: "демо токен",
  roles: { anonymous: "анонимді", public: "жұртшылық", akimat: "әкімдік", crisis: "дағдарыс тобы", ministry: "министрлік", steward: "деректер әкімшісі" },
  scopeAll: "бүкіл ел", scopeRegion: "өңір", scopeDistricts: "аудандар",
  table: "Кесте", name: "Атауы", value: "Мәні", smoothed: "Тегістелген", band: "Топ (1–5)", rank: "Орны", cluster: "Кластер",
  tableHintRegion: "Жолды таңдап, Enter басыңыз — аудандарға өту; жебелер — жолдар бойынша жүру",
  tableHintDistrict: "Enter — ауданды ашу; жебелер — жолдар бойынша жүру",
  tableHintSchool: "Enter — мектеп картасын ашу; жебелер — жолдар бойынша жүру",
  values: "Мәндер", valuesRaw: "бастапқы", valuesSmoothed: "тегістелген (эмпирикалық Байес)",
  palette: "Түстер", paletteSequential: "реттік", paletteDiverging: "екі жақты (медианаға қатысты)",
  divergingNote: "көрсетілген бірліктердің медианасына қатысты",
  below: "төмен", above: "жоғары", nearMedian: "медианаға жақын (±5%)",
  hotspots: "Кластерлер", hotspotsOff: "жоқ", hotspotsGi: "Gi* (ыстық/суық)", hotspotsLisa: "LISA (жергілікті Моран)",
  hot: "ыстық нүкте (Gi*)", cold: "суық нүкте (Gi*)", HH: "жоғары–жоғары", LL: "төмен–төмен", HL: "жоғары–төмен", LH: "төмен–жоғары",
  hotspotsUnavailable: "Кластерлік талдау бұл серверде жоқ", hotspotsNote: "Аудандар, BH-FDR 0,05",
  savePng: "PNG сақтау", views: "Бөлімдер",
  viewMap: "Карта", viewCompare: "Салыстыру", viewPriority: "Басымдық тізімі", viewReporting: "Есеп беру",
  breadcrumbs: "Навигация жолы", mapLabel: "Тәуекелдер картасы; мәтіндік баламасы — төмендегі кесте",
  profile: "Бірлік профилі", close: "Жабу", drivers: "Негізгі факторлар", noDrivers: "90-шы перцентильден жоғары көрсеткіштер жоқ",
  comparators: "Салыстыру", national: "Ел бойынша", parent: "Өңір", neighbours: "Статистикалық көршілер",
  direction: "Өзгеріс бағыты", improving: "жақсаруда", worsening: "нашарлауда", stable: "тұрақты", unknown: "белгісіз",
  series: "Тоқсандық қатар", target: "Жоспар мақсаты (жылына −5%)",
  forecastTitle: "Келесі тоқсанның болжамы (жағдайлар саны)", forecastMean: "Болжам", forecastBand: "90% аралық",
  pTarget: "Жоспар мақсатынан асу ықтималдығы", pReference: "Салыстырмалы деңгейден асу ықтималдығы",
  forecastNone: "Болжам жоқ", forecastModel: "Эндемиялық–эпидемиялық модель, тек сіз нақты көретін бірліктер бойынша бағаланған",
  mapLayer: "Карта қабаты", layerValues: "Көрсеткіш мәндері", layerForecast: "Жоспардан асу болжамы",
  forecastLayerNote: "келесі тоқсанның болжамы:", forecastTrigger: "басымдық шегі",
  forecastTriggerNote: "Ықтималдық шекке жеткенде бірлік басымдық тізіміне енеді; шек",
  forecastColumn: "Жоспардан асу ықтималдығы", forecastUnavailable: "модель бағаланбаған",
  forecastNotFitted: "терезеде есепсіз тоқсан бар", forecastOutOfScope: "сіз нақты көрмейтін бірлік",
  targetNote: "Мақсат сызығы: бірінші толық жылдан жылына −5% (ҚР Үкіметінің 2023 ж. № 748 қаулысы)",
  noTarget: "Бұл көрсеткіш үшін жоспар мақсаты жоқ",
  progress: "Жоспар бойынша", targetWord: "мақсат", aboveTarget: "мақсаттан жоғары", targetMet: "мақсатқа жетті",
  staffing: "Кадр тапшылығы", psychologists: "Психологтар", socialPedagogues: "Әлеуметтік педагогтар",
  norm: "норма", filled: "толтырылған", gap: "тапшылық", fte: "штат бірлігі",
  reportingStatus: "Есеп беру", onTime: "уақытында", late: "кешіккен", silent: "тапсырмаған", schoolsN: "мектеп",
  addToCompare: "Салыстыруға қосу", removeFromCompare: "Салыстырудан алу", openPanel: "Профиль",
  level: { country: "ел", region: "өңір", district: "аудан", school: "мектеп" },
  compareTitle: "Бірліктерді салыстыру", compareHint: "2–6 бірлік таңдаңыз", compareNeedTwo: "Кемінде екі бірлік таңдаңыз",
  compareMax: "Ең көбі 6 бірлік", compareRegions: "Өңірлер", compareDistricts: "Аудандар", clearSelection: "Таңдауды тазалау",
  smallMultiples: "Кіші көпшелер",
  priorityTitle: "Басымдық тізімі", priorityFor: "Аумақ", chooseRegion: "Өңірді таңдаңыз",
  priorityNone: "Бұл рөл мектептерді көре алмайды", exportCsv: "CSV жүктеу", exportXlsx: "XLSX жүктеу", exportGeojson: "GeoJSON жүктеу",
  triggers: "Белгілер", composite: "Тәуекел индексі (0–10)", quintile: "Квинтиль", pExceed: "P(асып кету)",
  pupils: "Оқушылар", settlement: "Қала/ауыл", district: "Аудан", school: "Мектеп", sortBy: "Сұрыптау",
  rows: "жол", exported: "Жүктелді",
  triggerNames: { top_quintile: "жоғарғы квинтиль", s2_event: "S2 оқиғасы", cluster: "кластер", exceedance: "базадан асу", coping_gap: "психолог тапшылығы", backlog: "есеп кезегі", data_silence: "деректер үнсіздігі", forecast_exceedance: "болжам: жоспардан асу" },
  settlements: { urban: "қала", rural: "ауыл" },
  reportingTitle: "Есеп беру мониторы", dueDate: "Тапсыру мерзімі", schools: "Мектептер", onTimePct: "Уақытында, %",
  lateOrSilent: "Кешіккен немесе тапсырмаған мектептер", status: "Күйі", submittedAt: "Тапсырылды",
  source: "Дереккөз", generated: "Жасалған күні", date: "Күні",
  settings: "Баптаулар", basemap: "Негізгі карта стилінің URL (міндетті емес)", basemapHint: "Бос — негізгі картасыз (офлайн)",
  apply: "Қолдану", clear: "Тазалау",
  loading: "Жүктелуде…", error: "Қате", stewardNotice: "Деректер әкімшісінің талдау деректеріне қолжетімділігі жоқ (міндеттерді бөлу).",
  stewardUpload: "ҰБДҚ файлдары жүктеу қызметі арқылы (POST /api/v1/ingest) немесе riskmap ingest командасымен жүктеледі.",
  smallSchool: "шағын мектеп (100 оқушыдан аз)", reported: "есеп берді", notReported: "есеп бермеді",
  schoolCard: "Мектеп картасы", schoolsShown: "мектеп", notVisible: "Бұл рөлге көрінбейді",
  previous: "алдыңғы", of: "/", zoomIn: "Үлкейту", zoomOut: "Кішірейту",
};

const ru = {
  compositeSchools: "Индекс считается для регионов и районов; индекс школы — в её карточке (приоритетный список)",
  p90: "≥ 90-го процентиля по стране", score: "оценка", riskClasses: ["очень низкий", "низкий", "средний", "высокий", "очень высокий"], nationalScaled: "По стране (в масштабе базы единицы)",
  hotspotsComposite: "Кластеры считаются по отдельному показателю: выберите показатель в списке",
  compositeTitle: "Индекс риска (0–10)", dimensionsTitle: "Измерения", dimensions: { harm: "Вред", vulnerability: "Уязвимость", coping: "Недостаток защиты" },
  points: "балла", contribution: "вклад", compositeDrivers: "Основные факторы индекса (баллы)", compositeSeries: "Индекс по кварталам",
  availability: "Доступно показателей", noComposite: "Индекс для этой единицы не публикуется",
  planTitle: "Выполнение целей плана", planNote: "Годовые числа (сумма кварталов), пунктир — цель плана, точка с отрезком — наблюдаемое в текущем году и его интервал (оценка за год)",
  planSeries: { offences_by_minors: "Правонарушения несовершеннолетних", offences_against_minors: "Правонарушения против несовершеннолетних", suicides: "Суициды", suicide_attempts: "Попытки суицида" },
  planStatus: { on_track: "в графике", off_track: "отставание от плана", inconclusive: "неопределённо", unknown: "неизвестно", no_baseline: "нет базового года" },
  baseline: "базовый год", observed: "наблюдаемое", observedSoFar: "наблюдаемое (оценка за год)", interval: "интервал", targetShort: "цель", yearCount: "число",
  changeVsBaseline: "к базе", quartersObserved: "кварталов учтено", nationalPlan: "По стране", annualReduction: "в год",
  year: "Год",
  title: "Защита детей: карта рисков",
  skip: "Перейти к содержанию",
  indicator: "Показатель", period: "Период (последние 4 квартала)", language: "Язык",
  country: "Казахстан", synthetic: "СИНТЕТИЧЕСКИЕ ДАННЫЕ — только для демонстрации, не сведения о реальных детях",
  noData: "нет данных", suppressed: "скрыто (c)", unstable: "неустойчиво (u)",
  suppressedNote: "c — скрыто: слишком мало случаев или не публикуется на этом уровне для вашей роли",
  unstableNote: "u — неустойчиво: 10–19 случаев, штриховка",
  rollingYear: "последние 4 квартала", higherRisk: "темнее — выше риск",
  clickHint: "Нажмите на регион, чтобы увидеть районы", clickHintDistrict: "Нажмите на район, чтобы увидеть школы",
  signIn: "Вход", signOut: "Выход", token: "Токен", role: "Роль", demoToken: "демо-токен",
  roles: { anonymous: "аноним", public: "публичный доступ", akimat: "акимат", crisis: "кризисная группа", ministry: "министерство", steward: "администратор данных" },
  scopeAll: "вся страна", scopeRegion: "регион", scopeDistricts: "районы",
  table: "Таблица", name: "Название", value: "Значение", smoothed: "Сглаженное", band: "Группа (1–5)", rank: "Место", cluster: "Кластер",
  tableHintRegion: "Выберите строку и нажмите Enter, чтобы открыть районы; стрелки — переход по строкам",
  tableHintDistrict: "Enter — открыть район; стрелки — переход по строкам",
  tableHintSchool: "Enter — открыть карточку школы; стрелки — переход по строкам",
  values: "Значения", valuesRaw: "исходные", valuesSmoothed: "сглаженные (эмпирический Байес)",
  palette: "Цвета", paletteSequential: "последовательная шкала", paletteDiverging: "расходящаяся (от медианы)",
  divergingNote: "относительно медианы показанных единиц",
  below: "ниже", above: "выше", nearMedian: "около медианы (±5%)",
  hotspots: "Кластеры", hotspotsOff: "нет", hotspotsGi: "Gi* (горячие/холодные)", hotspotsLisa: "LISA (локальный Моран)",
  hot: "горячая точка (Gi*)", cold: "холодная точка (Gi*)", HH: "высокий–высокий", LL: "низкий–низкий", HL: "высокий–низкий", LH: "низкий–высокий",
  hotspotsUnavailable: "Кластерный анализ на этом сервере недоступен", hotspotsNote: "Районы, BH-FDR 0,05",
  savePng: "Сохранить PNG", views: "Разделы",
  viewMap: "Карта", viewCompare: "Сравнение", viewPriority: "Приоритетный список", viewReporting: "Отчётность",
  breadcrumbs: "Путь навигации", mapLabel: "Карта рисков; текстовая альтернатива — таблица ниже",
  profile: "Профиль единицы", close: "Закрыть", drivers: "Основные факторы", noDrivers: "Нет показателей выше 90-го процентиля",
  comparators: "Сравнение", national: "По стране", parent: "Регион", neighbours: "Статистические соседи",
  direction: "Динамика", improving: "улучшается", worsening: "ухудшается", stable: "стабильно", unknown: "неизвестно",
  series: "Поквартальный ряд", target: "Цель плана (−5% в год)",
  forecastTitle: "Прогноз на следующий квартал (число случаев)", forecastMean: "Прогноз", forecastBand: "90% интервал",
  pTarget: "Вероятность превысить цель плана", pReference: "Вероятность превысить эталонный уровень",
  forecastNone: "Прогноза нет", forecastModel: "Эндемико-эпидемическая модель, оценена только по единицам, которые вы видите точно",
  mapLayer: "Слой карты", layerValues: "Значения показателя", layerForecast: "Прогноз превышения плана",
  forecastLayerNote: "прогноз на", forecastTrigger: "порог приоритета",
  forecastTriggerNote: "При вероятности не ниже порога единица попадает в список приоритетов; порог",
  forecastColumn: "Вероятность превысить план", forecastUnavailable: "модель не оценена",
  forecastNotFitted: "в окне есть квартал без отчётов", forecastOutOfScope: "единица вне вашего точного охвата",
  targetNote: "Линия цели: −5% в год от первого полного года (постановление Правительства РК № 748 от 2023 г.)",
  noTarget: "Для этого показателя цели плана нет",
  progress: "Выполнение плана", targetWord: "цель", aboveTarget: "выше цели", targetMet: "цель достигнута",
  staffing: "Дефицит кадров", psychologists: "Психологи", socialPedagogues: "Социальные педагоги",
  norm: "норма", filled: "занято", gap: "дефицит", fte: "ставки",
  reportingStatus: "Отчётность", onTime: "вовремя", late: "с опозданием", silent: "не сдали", schoolsN: "школ",
  addToCompare: "Добавить к сравнению", removeFromCompare: "Убрать из сравнения", openPanel: "Профиль",
  level: { country: "страна", region: "регион", district: "район", school: "школа" },
  compareTitle: "Сравнение единиц", compareHint: "Выберите от 2 до 6 единиц", compareNeedTwo: "Выберите хотя бы две единицы",
  compareMax: "Не более 6 единиц", compareRegions: "Регионы", compareDistricts: "Районы", clearSelection: "Очистить выбор",
  smallMultiples: "Малые множества",
  priorityTitle: "Приоритетный список", priorityFor: "Территория", chooseRegion: "Выберите регион",
  priorityNone: "Эта роль не видит школы", exportCsv: "Скачать CSV", exportXlsx: "Скачать XLSX", exportGeojson: "Скачать GeoJSON",
  triggers: "Признаки", composite: "Индекс риска (0–10)", quintile: "Квинтиль", pExceed: "P(превышение)",
  pupils: "Учащихся", settlement: "Город/село", district: "Район", school: "Школа", sortBy: "Сортировать по",
  rows: "строк", exported: "Скачано",
  triggerNames: { top_quintile: "верхний квинтиль", s2_event: "событие S2", cluster: "кластер", exceedance: "превышение базы", coping_gap: "нехватка психологов", backlog: "очередь учёта", data_silence: "молчание данных", forecast_exceedance: "прогноз: превышение плана" },
  settlements: { urban: "город", rural: "село" },
  reportingTitle: "Мониторинг отчётности", dueDate: "Срок сдачи", schools: "Школы", onTimePct: "Вовремя, %",
  lateOrSilent: "Школы, сдавшие с опозданием или не сдавшие", status: "Статус", submittedAt: "Сдано",
  source: "Источник", generated: "Дата", date: "Дата",
  settings: "Настройки", basemap: "URL стиля подложки (необязательно)", basemapHint: "Пусто — без подложки (офлайн)",
  apply: "Применить", clear: "Очистить",
  loading: "Загрузка…", error: "Ошибка", stewardNotice: "У администратора данных нет доступа к аналитике (разделение обязанностей).",
  stewardUpload: "Файлы НОБД загружаются через службу загрузки (POST /api/v1/ingest) или командой riskmap ingest.",
  smallSchool: "малая школа (менее 100 учащихся)", reported: "отчиталась", notReported: "не отчиталась",
  schoolCard: "Карточка школы", schoolsShown: "школ", notVisible: "Недоступно для этой роли",
  previous: "предыдущий", of: "из", zoomIn: "Приблизить", zoomOut: "Отдалить",
};

const en = {
  compositeSchools: "The index is computed for regions and districts; a school's index is on its card (priority list)",
  p90: "≥ national 90th percentile", score: "score", riskClasses: ["very low", "low", "medium", "high", "very high"], nationalScaled: "National (scaled to this unit's baseline)",
  hotspotsComposite: "Clusters are computed for a single indicator: choose one in the list",
  compositeTitle: "Composite risk index (0–10)", dimensionsTitle: "Dimensions", dimensions: { harm: "Harm", vulnerability: "Vulnerability", coping: "Lack of coping" },
  points: "points", contribution: "contribution", compositeDrivers: "Top drivers of the index (points)", compositeSeries: "Index by quarter",
  availability: "Indicators available", noComposite: "The index is not published for this unit",
  planTitle: "Progress against the plan's targets", planNote: "Yearly counts (sum of quarters); dashed: the plan's target; dot with bar: observed so far this year and its interval (annualised)",
  planSeries: { offences_by_minors: "Offences by minors", offences_against_minors: "Offences against minors", suicides: "Suicides", suicide_attempts: "Suicide attempts" },
  planStatus: { on_track: "on track", off_track: "off track", inconclusive: "inconclusive", unknown: "unknown", no_baseline: "no baseline year" },
  baseline: "baseline", observed: "observed", observedSoFar: "observed (annualised)", interval: "interval", targetShort: "target", yearCount: "count",
  changeVsBaseline: "vs baseline", quartersObserved: "quarters observed", nationalPlan: "National", annualReduction: "a year",
  year: "Year",
  title: "Child protection: risk map",
  skip: "Skip to content",
  indicator: "Indicator", period: "Period (last 4 quarters)", language: "Language",
  country: "Kazakhstan", synthetic: "SYNTHETIC DATA — for demonstration only, not about real children",
  noData: "no data", suppressed: "suppressed (c)", unstable: "unstable (u)",
  suppressedNote: "c — suppressed: too few cases, or not published at this level for your role",
  unstableNote: "u — unstable: 10–19 cases, hatched",
  rollingYear: "last 4 quarters", higherRisk: "darker = higher risk",
  clickHint: "Click a region to see its districts", clickHintDistrict: "Click a district to see its schools",
  signIn: "Sign in", signOut: "Sign out", token: "Token", role: "Role", demoToken: "demo token",
  roles: { anonymous: "anonymous", public: "public", akimat: "akimat", crisis: "crisis team", ministry: "ministry", steward: "data steward" },
  scopeAll: "whole country", scopeRegion: "region", scopeDistricts: "districts",
  table: "Table", name: "Name", value: "Value", smoothed: "Smoothed", band: "Band (1–5)", rank: "Rank", cluster: "Cluster",
  tableHintRegion: "Select a row and press Enter to open its districts; arrow keys move between rows",
  tableHintDistrict: "Enter opens the district; arrow keys move between rows",
  tableHintSchool: "Enter opens the school card; arrow keys move between rows",
  values: "Values", valuesRaw: "raw", valuesSmoothed: "smoothed (empirical Bayes)",
  palette: "Colours", paletteSequential: "sequential", paletteDiverging: "diverging (from the median)",
  divergingNote: "relative to the median of the units shown",
  below: "below", above: "above", nearMedian: "near the median (±5%)",
  hotspots: "Clusters", hotspotsOff: "off", hotspotsGi: "Gi* (hot/cold spots)", hotspotsLisa: "LISA (local Moran)",
  hot: "hot spot (Gi*)", cold: "cold spot (Gi*)", HH: "high–high", LL: "low–low", HL: "high–low", LH: "low–high",
  hotspotsUnavailable: "Cluster analysis is not available on this server", hotspotsNote: "Districts, BH-FDR 0.05",
  savePng: "Save PNG", views: "Views",
  viewMap: "Map", viewCompare: "Compare", viewPriority: "Priority list", viewReporting: "Reporting",
  breadcrumbs: "Breadcrumbs", mapLabel: "Risk map; its text alternative is the table below",
  profile: "Unit profile", close: "Close", drivers: "Top drivers", noDrivers: "No indicator at or above the 90th percentile",
  comparators: "Comparators", national: "National", parent: "Region", neighbours: "Statistical neighbours",
  direction: "Direction of travel", improving: "improving", worsening: "worsening", stable: "stable", unknown: "unknown",
  series: "Quarterly series", target: "Plan target (−5% a year)",
  forecastTitle: "Next-quarter forecast (number of cases)", forecastMean: "Forecast", forecastBand: "90% interval",
  pTarget: "Probability of exceeding the plan target", pReference: "Probability of exceeding the reference level",
  forecastNone: "No forecast", forecastModel: "hhh4 (endemic–epidemic) model, fitted only on the units you see exactly",
  mapLayer: "Map layer", layerValues: "Indicator values", layerForecast: "Forecast: above the plan",
  forecastLayerNote: "forecast for", forecastTrigger: "priority threshold",
  forecastTriggerNote: "At or above the threshold the unit enters the priority list; threshold",
  forecastColumn: "Probability of exceeding the plan", forecastUnavailable: "model not fitted",
  forecastNotFitted: "a quarter in the window has no reports", forecastOutOfScope: "unit outside your exact scope",
  targetNote: "Target line: −5% a year from the first full year (Government Resolution No. 748 of 2023)",
  noTarget: "The plan sets no target for this indicator",
  progress: "Progress against the plan", targetWord: "target", aboveTarget: "above the target", targetMet: "target met",
  staffing: "Staffing gap", psychologists: "Psychologists", socialPedagogues: "Social pedagogues",
  norm: "norm", filled: "filled", gap: "gap", fte: "FTE",
  reportingStatus: "Reporting", onTime: "on time", late: "late", silent: "silent", schoolsN: "schools",
  addToCompare: "Add to comparison", removeFromCompare: "Remove from comparison", openPanel: "Profile",
  level: { country: "country", region: "region", district: "district", school: "school" },
  compareTitle: "Compare units", compareHint: "Choose 2 to 6 units", compareNeedTwo: "Choose at least two units",
  compareMax: "At most 6 units", compareRegions: "Regions", compareDistricts: "Districts", clearSelection: "Clear selection",
  smallMultiples: "Small multiples",
  priorityTitle: "Priority list", priorityFor: "Area", chooseRegion: "Choose a region",
  priorityNone: "This role cannot see schools", exportCsv: "Download CSV", exportXlsx: "Download XLSX", exportGeojson: "Download GeoJSON",
  triggers: "Triggers", composite: "Risk index (0–10)", quintile: "Quintile", pExceed: "P(exceed)",
  pupils: "Pupils", settlement: "Urban/rural", district: "District", school: "School", sortBy: "Sort by",
  rows: "rows", exported: "Downloaded",
  triggerNames: { top_quintile: "top quintile", s2_event: "S2 event", cluster: "cluster", exceedance: "above baseline", coping_gap: "psychologist gap", backlog: "register backlog", data_silence: "data silence", forecast_exceedance: "forecast above plan" },
  settlements: { urban: "urban", rural: "rural" },
  reportingTitle: "Reporting monitor", dueDate: "Due date", schools: "Schools", onTimePct: "On time, %",
  lateOrSilent: "Schools late or silent", status: "Status", submittedAt: "Submitted",
  source: "Source", generated: "Date", date: "Date",
  settings: "Settings", basemap: "Basemap style URL (optional)", basemapHint: "Empty: no basemap (works offline)",
  apply: "Apply", clear: "Clear",
  loading: "Loading…", error: "Error", stewardNotice: "The data steward has no analytic access (separation of duties).",
  stewardUpload: "NOBD files are uploaded through the upload service (POST /api/v1/ingest) or with riskmap ingest.",
  smallSchool: "small school (under 100 pupils)", reported: "reported", notReported: "not reported",
  schoolCard: "School card", schoolsShown: "schools", notVisible: "Not visible to this role",
  previous: "previous", of: "of", zoomIn: "Zoom in", zoomOut: "Zoom out",
};

// Added with the landing by role and the translated exports (issue #16).
Object.assign(kk, {
  filters: "Сүзгілер", legend: "Шартты белгілер",
  clusterCountry: "Кластерлер аудандар арасында ізделеді: олар картада аудан шекараларымен көрсетілген, өңірдің аудандарын ашыңыз", clusterInDistricts: "аудандар бойынша",
  attribution: "Әкімшілік шекаралар: geokz, авторы Alexander Rodionov (github.com/arodionoff/geokz), CC BY 4.0; OCHA/HDX COD-AB Kazakhstan (UNHCR, OpenStreetMap) негізінде. Халық саны: ҚР СЖРА ҰСБ, 2023 жылғы 1 қаңтар.",
  allDistricts: "Барлық аудандар", allMyDistricts: "менің барлық аудандарым",
  pExceed: "Базадан асу ықтималдығы", smallMultiples: "Шағын графиктер",
  hints: {
    rank: "Тізімдегі орны: базадан асу ықтималдығы бойынша (1 — ең жоғары), тең болса — тәуекел индексі бойынша",
    composite: "Мектептің тәуекел индексі, 0–10: зиян, осалдық және қорғаудың жетіспеуі",
    quintile: "Өңір мектептері арасындағы квинтиль: 5 — ең жоғары тәуекелі бар бестен бір бөлігі",
    pExceed: "Мектептің нақты деңгейі өз базасынан асу ықтималдығы (0–1)",
    triggers: "Мектепті тізімге қосқан белгілер",
    drivers: "Индекске ең көп үлес қосқан көрсеткіштер",
  },
  validFor: "тағы", hoursShort: "сағ жарамды",
  demoScope: { public: "ашық деректер, бүкіл ел", ministry: "бүкіл ел", steward: "деректерді басқару, талдаусыз" },
});
Object.assign(ru, {
  filters: "Фильтры", legend: "Легенда",
  clusterCountry: "Кластеры ищутся среди районов: на карте это контуры районов, откройте регион, чтобы увидеть их по районам", clusterInDistricts: "по районам",
  attribution: "Административные границы: geokz, автор Alexander Rodionov (github.com/arodionoff/geokz), CC BY 4.0; на основе OCHA/HDX COD-AB Kazakhstan (UNHCR, OpenStreetMap). Население: БНС АСПиР РК, на 1 января 2023 г.",
  allDistricts: "Все районы", allMyDistricts: "все мои районы",
  pExceed: "Вероятность превышения базы", smallMultiples: "Мини-графики",
  hints: {
    rank: "Место в списке по вероятности превышения базы (1 — наибольшая), при равенстве — по индексу риска",
    composite: "Индекс риска школы, 0–10: вред, уязвимость и недостаток защиты",
    quintile: "Квинтиль среди школ региона: 5 — пятая часть с наибольшим риском",
    pExceed: "Вероятность того, что истинный уровень школы выше её собственной базы (0–1)",
    triggers: "Признаки, по которым школа попала в список",
    drivers: "Показатели с наибольшим вкладом в индекс",
  },
  validFor: "действует ещё", hoursShort: "ч",
  demoScope: { public: "открытые данные, вся страна", ministry: "вся страна", steward: "управление данными, без аналитики" },
});
Object.assign(en, {
  filters: "Filters", legend: "Legend",
  clusterCountry: "Clusters are found among districts: the map outlines them; open a region to see them district by district", clusterInDistricts: "by district",
  allDistricts: "All districts", allMyDistricts: "all my districts",
  pExceed: "Probability above baseline",
  hints: {
    rank: "Place in the list by the probability above baseline (1 = highest), ties by risk index",
    composite: "The school's risk index, 0–10: harm, vulnerability and lack of coping",
    quintile: "Quintile among the region's schools: 5 = the fifth with the highest risk",
    pExceed: "Probability that the school's true rate is above its own baseline (0–1)",
    triggers: "Why the school is on the list",
    drivers: "Indicators contributing most to the index",
  },
  validFor: "valid for", hoursShort: "more hours",
  demoScope: { public: "open data, whole country", ministry: "whole country", steward: "data management, no analytics" },
});

Object.assign(kk, {
  contacts: "Байланыстар",
  contactRoles: { director: "директор", deputy_upbringing: "тәрбие ісі жөніндегі орынбасар", psychologist: "психолог", social_pedagogue: "әлеуметтік педагог", district_focal_point: "аудандық үйлестіруші" },
});
Object.assign(kk.hints, {
  school: "Мектептің ҰБДҚ-дағы атауы",
  schoolContacts: "Мектептің ҰБДҚ-дағы атауы; астында қызметкерлердің жұмыс байланыстары",
  district: "Мектеп орналасқан аудан",
  settlement: "Қала немесе ауыл мектебі",
  pupils: "Тоқсандағы оқушылар саны (рөлге қарай дөңгелектенеді немесе жасырылады)",
});
Object.assign(ru, {
  contacts: "Контакты",
  contactRoles: { director: "директор", deputy_upbringing: "заместитель по воспитательной работе", psychologist: "психолог", social_pedagogue: "социальный педагог", district_focal_point: "районный координатор" },
});
Object.assign(ru.hints, {
  school: "Название школы в НОБД",
  schoolContacts: "Название школы в НОБД; под ним рабочие контакты сотрудников",
  district: "Район школы",
  settlement: "Городская или сельская школа",
  pupils: "Число учащихся в квартале (округлено или скрыто по правилам для роли)",
});
Object.assign(en, {
  contacts: "Contacts",
  contactRoles: { director: "director", deputy_upbringing: "deputy head for upbringing", psychologist: "psychologist", social_pedagogue: "social pedagogue", district_focal_point: "district focal point" },
});
Object.assign(en.hints, {
  school: "The school's name in NOBD",
  schoolContacts: "The school's name in NOBD; its staff's work contacts below it",
  district: "The school's district",
  settlement: "Urban or rural school",
  pupils: "Pupils in the quarter (rounded or suppressed per role)",
});

// The Programmes view and the programme-coverage layer (issue #15, measure 2).
Object.assign(kk, {
  viewProgrammes: "Бағдарламалар",
  prog: {
    title: "Дағдарысты басқару бағдарламалары", noAccess: "Бұл рөл бағдарламаларды көре алмайды",
    region: "Өңір", allRegions: "Барлық өңірлер", status: "Күйі", allStatuses: "Барлық күйлер", period: "Кезеңі",
    statuses: { draft: "жоба", approved: "бекітілген", acknowledged: "министрлік қабылдады", returned: "пысықтауға қайтарылды", closed: "жабылған", superseded: "ауыстырылған" },
    titleField: "Атауы", version: "Нұсқа", problems: "Мәселелер", actions: "Іс-шаралар", budget: "Бюджет, теңге",
    none: "Бағдарламалар жоқ", create: "Жаңа бағдарлама", createButton: "Бос бағдарлама құру", draftFromPriority: "Басымдық тізімінен жоба құру",
    back: "Бағдарламалар тізіміне", amends: "Түзетілетін бағдарлама", budgetTotal: "Бюджет барлығы", updated: "Соңғы өзгеріс",
    saved: "Сақталды", stale: "Бағдарламаны басқа пайдаланушы өзгертті: соңғы нұсқа жүктелді, өзгерісті қайталаңыз",
    refused: "Бұл әрекетке қазір рұқсат жоқ. Қазір рұқсат етілгені:", nothingAllowed: "ешқандай әрекет",
    workflow: "Бекіту барысы", comment: "Түсініктеме", noTransitions: "Сіздің рөліңіз үшін қазір қолжетімді әрекет жоқ", amend: "Түзету жобасын құру",
    to: { approved: "Бекіту", acknowledged: "Қабылдау", returned: "Пысықтауға қайтару", closed: "Жабу" },
    documents: "Құжаттар", pdf: "PDF жүктеу", xlsx: "XLSX жүктеу", summaryXlsx: "Министрлікке жарты жылдық жиынтық (XLSX)",
    snapshot: "Қосылған кездегі мәндер", snapshotNote: "Мәндер мәселе қосылған кездегі картадан алынған және сіздің рөліңіздің ережелері бойынша көрсетіледі.",
    noProblems: "Мәселелер әлі жоқ", addUnit: "Ауданды мәселе ретінде қосу", add: "Қосу",
    values: { viol_total: "Зорлық-зомбылық жағдайлары", bullying_cases: "Буллинг жағдайлары", s2_events: "S2 оқиғалары", psych_gap_fte: "Психолог тапшылығы (штат бірлігі)" },
    actionType: "Іс-шара", forProblem: "Мәселе", suggested: "белгілерге сай ұсынылады", addAction: "Каталогтан іс-шара қосу",
    noActions: "Іс-шаралар әлі жоқ", editHint: "Өрісті өзгертіп, Tab басыңыз — өзгеріс бірден сақталады.",
    fields: { organisation: "Жауапты ұйым", responsible: "Жауапты тұлға", contact: "Жұмыс байланысы", start: "Басталуы", due: "Мерзімі", budget_tenge: "Бюджет, теңге", funding_source: "Қаржыландыру көзі", expected_change_percent: "Күтілетін өзгеріс, %", indicator: "Көрсеткіш", problems: "Мәселелер", action_type: "Іс-шара түрі" },
    standing: "Жағдайы",
    standings: { not_started: "басталмаған", on_track: "жоспар бойынша", delayed: "кешігуде", overdue: "мерзімі өткен", done: "орындалды", cancelled: "тоқтатылды" },
    progressTitle: "Тоқсан бойынша орындалуы", quarter: "Тоқсан", percent: "Орындалуы, %", report: "Есепті жіберу",
    submitted: "жіберілді", dueOn: "мерзімі", lateReport: "кешіктірілген", reportMissing: "Бұл тоқсанның есебі мерзімінде тапсырылмаған", noReport: "Есеп әлі жоқ",
    progressLocked: "Орындалу есебі бекітілген бағдарлама бойынша ғана беріледі",
    review: "Шолу", atSnapshot: "Қосылған кезде", now: "қазір", nowShort: "Қазір", planLine: "Жоспар сызығы (жылына −5%)",
    reviewNote: "Сипаттама ғана: көрсеткіш қосылған кезде және қазір, аудан мен өңір мәндерімен қатар; бұл іс-шаралардың әсерін бағалау емес.",
    reviewFirst: "Алғашқы 12 мәселе көрсетілген",
    history: "Нұсқалар тарихы", event: "Оқиға", what: "Не өзгерді",
    events: { created: "құрылды", problem_added: "мәселе қосылды", action_added: "іс-шара қосылды", action_changed: "іс-шара өзгертілді", progress: "орындалу есебі", transition: "күйі өзгерді", superseded: "ауыстырылды" },
    diffTitle: "Бағдарламадан айырмашылығы", problemsAdded: "Қосылған мәселелер", problemsRemoved: "Алынған мәселелер", actionsAdded: "Қосылған іс-шаралар", actionsRemoved: "Алынған іс-шаралар", actionsChanged: "Өзгертілген іс-шаралар",
    serves: { measure: "Жоспардың {n}-тармағы", result: "{n}-күтілетін нәтиже", section: "Жоспардың {n}-бөлімі" },
    errors: { invalid_field: "Өріс дұрыс толтырылмаған", incomplete: "Бекітуге әлі ерте: іс-шаралардың жауапты ұйымы, тұлғасы, байланысы және қаржы көзі толтырылуы керек", locked: "Бағдарлама бұғатталған: өзгерістер тек түзету арқылы", out_of_scope: "Бұл сіздің қолжетімділік аймағыңыздан тыс", not_found: "Табылмады", conflict: "Өзгеріс басқа өзгеріспен қайшы келеді: бетті жаңартыңыз", other: "сұрау орындалмады" },
    addToProgramme: "Бағдарламаға қосу", openProgramme: "Бағдарламаны ашу", cancel: "Болдырмау", chooseProgramme: "Бағдарлама", noDraft: "Өңірде өзгертуге болатын бағдарлама жоқ: «Бағдарламалар» бөлімінде құрыңыз", added: "Бағдарламаға қосылды",
    coverage: "Бағдарламалармен қамту", coverageOff: "көрсетпеу", coverageOn: "іс-шаралардың ең нашар жағдайы",
    coverageNote: "Іс-шаралары бар аудандар, олардың ең нашар жағдайы бойынша",
  },
  roles: { ...kk.roles, demo: "демо" },
});
Object.assign(ru, {
  viewProgrammes: "Программы",
  prog: {
    title: "Программы кризисного управления", noAccess: "Эта роль не видит программы",
    region: "Регион", allRegions: "Все регионы", status: "Статус", allStatuses: "Все статусы", period: "Период",
    statuses: { draft: "черновик", approved: "утверждена", acknowledged: "принята министерством", returned: "возвращена на доработку", closed: "закрыта", superseded: "заменена" },
    titleField: "Название", version: "Версия", problems: "Проблемы", actions: "Мероприятия", budget: "Бюджет, тенге",
    none: "Программ нет", create: "Новая программа", createButton: "Создать пустую программу", draftFromPriority: "Черновик из приоритетного списка",
    back: "К списку программ", amends: "Изменяемая программа", budgetTotal: "Итого бюджет", updated: "Последнее изменение",
    saved: "Сохранено", stale: "Программу изменил другой пользователь: загружена последняя версия, повторите изменение",
    refused: "Сейчас это действие недоступно. Доступно сейчас:", nothingAllowed: "никаких действий",
    workflow: "Утверждение", comment: "Комментарий", noTransitions: "Для вашей роли сейчас нет доступных действий", amend: "Создать проект изменений",
    to: { approved: "Утвердить", acknowledged: "Принять", returned: "Вернуть на доработку", closed: "Закрыть" },
    documents: "Документы", pdf: "Скачать PDF", xlsx: "Скачать XLSX", summaryXlsx: "Сводка за полугодие для министерства (XLSX)",
    snapshot: "Значения на момент добавления", snapshotNote: "Значения взяты с карты на момент добавления проблемы и показаны по правилам вашей роли.",
    noProblems: "Проблем пока нет", addUnit: "Добавить район как проблему", add: "Добавить",
    values: { viol_total: "Случаи насилия", bullying_cases: "Случаи буллинга", s2_events: "События S2", psych_gap_fte: "Дефицит психологов (ставки)" },
    actionType: "Мероприятие", forProblem: "Проблема", suggested: "рекомендуется по признакам", addAction: "Добавить мероприятие из каталога",
    noActions: "Мероприятий пока нет", editHint: "Измените поле и нажмите Tab — изменение сохраняется сразу.",
    fields: { organisation: "Ответственная организация", responsible: "Ответственное лицо", contact: "Рабочий контакт", start: "Начало", due: "Срок", budget_tenge: "Бюджет, тенге", funding_source: "Источник финансирования", expected_change_percent: "Ожидаемое изменение, %", indicator: "Показатель", problems: "Проблемы", action_type: "Тип мероприятия" },
    standing: "Состояние",
    standings: { not_started: "не начато", on_track: "по плану", delayed: "с задержкой", overdue: "просрочено", done: "выполнено", cancelled: "отменено" },
    progressTitle: "Ход выполнения по кварталам", quarter: "Квартал", percent: "Выполнено, %", report: "Отправить отчёт",
    submitted: "сдан", dueOn: "срок", lateReport: "с опозданием", reportMissing: "Отчёт за квартал не сдан в срок", noReport: "Отчёта пока нет",
    progressLocked: "Отчёт о ходе выполнения сдаётся только по утверждённой программе",
    review: "Обзор", atSnapshot: "При добавлении", now: "сейчас", nowShort: "Сейчас", planLine: "Линия плана (−5% в год)",
    reviewNote: "Только описание: показатель при добавлении и сейчас рядом со значениями района и региона; это не оценка эффекта мероприятий.",
    reviewFirst: "Показаны первые 12 проблем",
    history: "История версий", event: "Событие", what: "Что изменилось",
    events: { created: "создана", problem_added: "добавлена проблема", action_added: "добавлено мероприятие", action_changed: "изменено мероприятие", progress: "отчёт о ходе", transition: "смена статуса", superseded: "заменена" },
    diffTitle: "Отличия от программы", problemsAdded: "Добавлены проблемы", problemsRemoved: "Убраны проблемы", actionsAdded: "Добавлены мероприятия", actionsRemoved: "Убраны мероприятия", actionsChanged: "Изменены мероприятия",
    serves: { measure: "мера {n} плана", result: "ожидаемый результат {n}", section: "раздел {n} плана" },
    errors: { invalid_field: "Поле заполнено неверно", incomplete: "Утверждать пока рано: у мероприятий должны быть заполнены ответственная организация, лицо, контакт и источник финансирования", locked: "Программа заблокирована: изменения только через проект изменений", out_of_scope: "Это вне вашей зоны доступа", not_found: "Не найдено", conflict: "Изменение конфликтует с другим: обновите страницу", other: "запрос не выполнен" },
    addToProgramme: "Добавить в программу", openProgramme: "Открыть программу", cancel: "Отмена", chooseProgramme: "Программа", noDraft: "В регионе нет программы, которую можно изменить: создайте её в разделе «Программы»", added: "Добавлено в программу",
    coverage: "Охват программами", coverageOff: "не показывать", coverageOn: "худшее состояние мероприятий",
    coverageNote: "Районы с мероприятиями, по худшему состоянию их мероприятий",
  },
  roles: { ...ru.roles, demo: "демо" },
});
Object.assign(en, {
  viewProgrammes: "Programmes",
  prog: {
    title: "Crisis-management programmes", noAccess: "This role cannot see programmes",
    region: "Region", allRegions: "All regions", status: "Status", allStatuses: "All statuses", period: "Period",
    statuses: { draft: "draft", approved: "approved", acknowledged: "acknowledged by the Ministry", returned: "returned for revision", closed: "closed", superseded: "superseded" },
    titleField: "Title", version: "Version", problems: "Problems", actions: "Actions", budget: "Budget, tenge",
    none: "No programmes", create: "New programme", createButton: "Create an empty programme", draftFromPriority: "Draft from the priority list",
    back: "Back to the programmes", amends: "Amends programme", budgetTotal: "Total budget", updated: "Last changed",
    saved: "Saved", stale: "Someone else changed the programme: the latest version is loaded, please repeat your change",
    refused: "This move is not allowed now. Allowed now:", nothingAllowed: "no move",
    workflow: "Workflow", comment: "Comment", noTransitions: "No moves are open to your role now", amend: "Draft an amendment",
    to: { approved: "Approve", acknowledged: "Acknowledge", returned: "Return for revision", closed: "Close" },
    documents: "Documents", pdf: "Download PDF", xlsx: "Download XLSX", summaryXlsx: "Half-year summary for the Ministry (XLSX)",
    snapshot: "Values when added", snapshotNote: "Values are those the map showed when the problem was added, shown by your role's rules.",
    noProblems: "No problems yet", addUnit: "Add a district as a problem", add: "Add",
    values: { viol_total: "Violence cases", bullying_cases: "Bullying cases", s2_events: "S2 events", psych_gap_fte: "Psychologist gap (FTE)" },
    actionType: "Action", forProblem: "Problem", suggested: "suggested by the triggers", addAction: "Add an action from the catalogue",
    noActions: "No actions yet", editHint: "Change a field and press Tab: the change is saved at once.",
    fields: { organisation: "Responsible organisation", responsible: "Responsible person", contact: "Work contact", start: "Start", due: "Due", budget_tenge: "Budget, tenge", funding_source: "Funding source", expected_change_percent: "Expected change, %", indicator: "Indicator", problems: "Problems", action_type: "Action type" },
    standing: "Standing",
    standings: { not_started: "not started", on_track: "on track", delayed: "delayed", overdue: "overdue", done: "done", cancelled: "cancelled" },
    progressTitle: "Progress by quarter", quarter: "Quarter", percent: "Done, %", report: "Submit report",
    submitted: "submitted", dueOn: "due", lateReport: "late", reportMissing: "The report for this quarter is overdue", noReport: "No report yet",
    progressLocked: "Progress is reported on an approved programme only",
    review: "Review", atSnapshot: "When added", now: "now", nowShort: "Now", planLine: "Plan line (−5% a year)",
    reviewNote: "Descriptive only: the indicator when added and now, beside the district and region; not an estimate of the actions' effect.",
    reviewFirst: "The first 12 problems are shown",
    history: "Version history", event: "Event", what: "What changed",
    events: { created: "created", problem_added: "problem added", action_added: "action added", action_changed: "action changed", progress: "progress report", transition: "status change", superseded: "superseded" },
    diffTitle: "Differences from programme", problemsAdded: "Problems added", problemsRemoved: "Problems removed", actionsAdded: "Actions added", actionsRemoved: "Actions removed", actionsChanged: "Actions changed",
    serves: { measure: "plan measure {n}", result: "expected result {n}", section: "plan section {n}" },
    errors: { invalid_field: "A field is not filled in correctly", incomplete: "Not ready to approve: every action needs its responsible organisation, person, contact and funding source", locked: "The programme is locked: it changes only by an amendment", out_of_scope: "This is outside your scope", not_found: "Not found", conflict: "The change conflicts with another one: reload the page", other: "the request failed" },
    addToProgramme: "Add to programme", openProgramme: "Open programme", cancel: "Cancel", chooseProgramme: "Programme", noDraft: "The region has no programme open to changes: create one in Programmes", added: "Added to the programme",
    coverage: "Programme coverage", coverageOff: "off", coverageOn: "worst action standing",
    coverageNote: "Districts with actions, by the worst standing of their actions",
  },
  roles: { ...en.roles, demo: "demo" },
});

export const STRINGS = { kk, ru, en };

/** The attribution in the page's language: the server's text (English) is translated when it
 * is the one these translations were made from, and shown as it is otherwise. The licence's
 * words (names, CC BY 4.0, addresses) stay as they are. */
export function attribution(serverText) {
  const translated = lang !== "en" && serverText?.startsWith("Administrative boundaries: geokz by Alexander Rodionov") ? STRINGS[lang].attribution : null;
  return translated ?? serverText ?? "";
}
export const LANGUAGES = ["kk", "ru", "en"];
// Kazakh shares the Russian conventions (decimal comma, spaced thousands, dd.mm.yyyy), and
// browsers without Kazakh locale data (Debian's Chromium) would fall back to something else.
const LOCALES = { kk: "ru-RU", ru: "ru-RU", en: "en-GB" };

let lang = "ru";
export function setLanguage(code) { lang = LANGUAGES.includes(code) ? code : "ru"; }
export function language() { return lang; }

/** The string `key` (dotted paths allowed) in the current language, English as the fallback. */
export function t(key) {
  const find = (table) => key.split(".").reduce((node, part) => node?.[part], table);
  return find(STRINGS[lang]) ?? find(STRINGS.en) ?? key;
}

const numberFormats = new Map();
/** A number in the current language's format (decimal comma and spaced thousands in kk/ru). */
export function num(value, digits = 1, minimum = 0) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const key = `${lang}:${digits}:${minimum}`;
  if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: digits, minimumFractionDigits: minimum }));
  return numberFormats.get(key).format(value);
}

export function percent(value, digits = 1) {
  return value === null || value === undefined ? "—" : `${num(value, digits)}%`;
}

/** A date (Date or ISO text) as dd.mm.yyyy in kk/ru, dd/mm/yyyy in en. */
export function date(value) {
  if (!value) return "—";
  const when = value instanceof Date ? value : new Date(value.length === 10 ? `${value}T00:00:00` : value);
  return new Intl.DateTimeFormat(LOCALES[lang], { day: "2-digit", month: "2-digit", year: "numeric" }).format(when);
}

/** A quarter "2024-Q4" in words: "Q4 2024", "4 кв. 2024", "2024 ж. 4-тоқсан". */
export function quarter(code) {
  const match = /^(\d{4})-Q([1-4])$/.exec(code ?? "");
  if (!match) return code ?? "—";
  const [, year, q] = match;
  return { kk: `${year} ж. ${q}-тоқсан`, ru: `${q} кв. ${year}`, en: `Q${q} ${year}` }[lang];
}

/** A programme period "2025" or "2025-H1" in words: "2025", "1-е полугодие 2025", "2025 ж. 1-жартыжылдық", "H1 2025". */
export function halfYear(code) {
  const match = /^(\d{4})-H([12])$/.exec(code ?? "");
  if (!match) return code ?? "—";
  const [, year, h] = match;
  return { kk: `${year} ж. ${h}-жартыжылдық`, ru: `${h}-е полугодие ${year}`, en: `H${h} ${year}` }[lang];
}

/** A unit's name in the current language from an object with name_kk/name_ru/name_en. */
export function nameOf(props) {
  if (!props) return "";
  return props[`name_${lang}`] || props.name_ru || props.name_en || props.name_kk || props.kato || "";
}
