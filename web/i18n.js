// riskmap web map: interface strings in Kazakh, Russian and English.
export const STRINGS = {
  kk: {
    title: "Балаларды қорғау: өңірлер бойынша тәуекелдер картасы",
    indicator: "Көрсеткіш", period: "Кезең", language: "Тіл",
    country: "Қазақстан", synthetic: "СИНТЕТИКАЛЫҚ ДЕРЕКТЕР — демонстрация үшін ғана, нақты балалар туралы мәлімет емес",
    noData: "деректер жоқ", suppressed: "жасырылған (c)", unstable: "тұрақсыз (u)",
    rollingYear: "соңғы 4 тоқсан", legendLow: "төмен", legendHigh: "жоғары",
    clickHint: "Аудандарды көру үшін өңірді басыңыз", schools: "есеп берген мектептер",
    signIn: "Кіру", role: "Рөл", demoToken: "демо токен", anonymous: "анонимді",
    table: "Кесте", name: "Атауы", value: "Мәні", smoothed: "Тегістелген", band: "Топ", rank: "Орны",
    tableHint: "Жолды таңдап, Enter басыңыз — аудандарға өту",
  },
  ru: {
    title: "Защита детей: карта рисков по регионам",
    indicator: "Показатель", period: "Период", language: "Язык",
    country: "Казахстан", synthetic: "СИНТЕТИЧЕСКИЕ ДАННЫЕ — только для демонстрации, не сведения о реальных детях",
    noData: "нет данных", suppressed: "скрыто (c)", unstable: "неустойчиво (u)",
    rollingYear: "последние 4 квартала", legendLow: "ниже", legendHigh: "выше",
    clickHint: "Нажмите на регион, чтобы увидеть районы", schools: "школ отчиталось",
    signIn: "Вход", role: "Роль", demoToken: "демо-токен", anonymous: "аноним",
    table: "Таблица", name: "Название", value: "Значение", smoothed: "Сглаженное", band: "Группа", rank: "Место",
    tableHint: "Выберите строку и нажмите Enter, чтобы открыть районы",
  },
  en: {
    title: "Child protection: risk map by region",
    indicator: "Indicator", period: "Period", language: "Language",
    country: "Kazakhstan", synthetic: "SYNTHETIC DATA — for demonstration only, not about real children",
    noData: "no data", suppressed: "suppressed (c)", unstable: "unstable (u)",
    rollingYear: "last 4 quarters", legendLow: "lower", legendHigh: "higher",
    clickHint: "Click a region to see its districts", schools: "schools reporting",
    signIn: "Sign in", role: "Role", demoToken: "demo token", anonymous: "anonymous",
    table: "Table", name: "Name", value: "Value", smoothed: "Smoothed", band: "Band", rank: "Rank",
    tableHint: "Select a row and press Enter to open its districts",
  },
};

export function numberFormat(lang) {
  const locale = { kk: "kk-KZ", ru: "ru-RU", en: "en-GB" }[lang] ?? "en-GB";
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
}
