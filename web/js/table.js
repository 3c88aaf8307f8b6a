// riskmap web: the map's table twin, one focusable row per unit shown (regions, districts or
// schools) with the composite index beside any single indicator (and P(exceeding the plan
// target) when the forecast layer is on), walked with the arrow keys;
// Enter or a click does what a click on the map does.
import { t, nameOf, num, language } from "./i18n.js";
import { entryOf, wire, valueWords } from "./units.js";
import { COMPOSITE, DIMENSIONS } from "./composite.js";
import { state } from "./state.js";
import { h, rowKeys } from "./dom.js";
import { unitForecast, forecastWords } from "./forecast-layer.js";

const shown = (entry, minimumDigits = 0) => valueWords(entry, 1, minimumDigits);

export function renderTwin({ view, collection, lvl, meta, forecast }) {
  const schools = lvl === "district" && collection === view.schools;
  const hint = schools ? t("tableHintSchool") : lvl === "country" ? t("tableHintRegion") : t("tableHintDistrict");
  document.getElementById("twin-title").textContent = `${t("table")}: ${t(`level.${schools ? "school" : lvl === "country" ? "region" : "district"}`)}`;
  // Clusters are found among districts: at country level the column says so instead of "—".
  const clusterWhy = state.hotspots !== "off" && !schools && lvl === "country" ? t("clusterCountry") : "";
  document.getElementById("twin-hint").textContent = clusterWhy ? `${hint}. ${clusterWhy}` : hint;
  document.getElementById("twin-caption").textContent = `${meta.label[language()]}, ${meta.unit[language()]} — ${t("rollingYear")}`;
  const composite = meta.code === COMPOSITE && !schools;
  // The composite shows its three dimensions; a single indicator also gets the composite next to it.
  const heads = composite
    ? [t("name"), t("value"), ...DIMENSIONS.map((d) => t(`dimensions.${d}`)), t("band"), t("rank")]
    : [t("name"), t("value"), t("smoothed"), t("band"), t("rank"), ...(schools ? [] : [t("composite")])];
  if (state.hotspots !== "off" && !schools) heads.push(t("cluster"));
  if (schools) heads.splice(2, 3, t("pupils"), t("reportingStatus"));
  // The forecast layer's probability, as on the map (never for schools: forecast is null there).
  if (forecast) heads.push(t("forecastColumn"));
  // Columns a phone leaves out (dimensions, smoothed value, band): the table never scrolls sideways.
  const wide = new Set(schools ? [] : composite ? [2, 3, 4, 5] : [2, 3]);
  const cls = (i) => [i ? "num" : "", wide.has(i) ? "wide-only" : ""].filter(Boolean).join(" ") || null;
  const head = document.getElementById("twin-head");
  head.replaceChildren(...heads.map((text, i) => h("th", { scope: "col", class: cls(i), text })));
  const rows = collection.features
    .map((f) => ({ props: f.properties, entry: entryOf(f.properties, meta.code) }))
    .sort((a, b) => (a.entry.rank ?? 1e9) - (b.entry.rank ?? 1e9) || nameOf(a.props).localeCompare(nameOf(b.props)));
  const body = document.getElementById("twin-body");
  const hadFocus = body.contains(document.activeElement);
  const focusedId = document.activeElement?.dataset?.id;
  body.replaceChildren(...rows.map(({ props, entry }) => {
    const id = props.kato ?? props.school_id;
    const cells = schools
      ? [nameOf(props) + (props.small_school ? ` — ${t("smallSchool")}` : ""), shown(entry), typeof props.pupils === "number" ? num(props.pupils, 0) : props.pupils ?? "—", props.reported ? t("reported") : t("notReported")]
      : composite
        ? [nameOf(props), shown(entry, 1), ...DIMENSIONS.map((d) => shown(wire(entry.dimensions?.[d]), 1)), entry.band ?? "—", entry.rank ?? "—"]
        : [nameOf(props), shown(entry), entry.smoothed !== null ? num(entry.smoothed) : "—", entry.band ?? "—", entry.rank ?? "—", shown(entryOf(props, COMPOSITE), 1)];
    if (state.hotspots !== "off" && !schools) cells.push(lvl === "country" ? t("clusterInDistricts") : view.hotspotLabel?.(id) ?? "—");
    if (forecast) cells.push(forecastWords(unitForecast(forecast, id)));
    const open = () => {
      if (schools) view.selectSchool(id);
      else if (lvl === "country") view.toRegion(id);
      else view.toDistrict(id);
    };
    const row = h("tr", { tabindex: -1, dataset: { id, kato: id }, class: state.selected === id ? "selected" : null, onclick: open, onfocus: () => { if (lvl === "country") view.prefetch(id); }, onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); } else rowKeys(event, row); } },
      cells.map((text, i) => h(i ? "td" : "th", { scope: i ? null : "row", class: cls(i), text: String(text) })));
    return row;
  }));
  // One Tab stop for the whole table (arrow keys move inside): the selected row, else the first.
  const stop = body.querySelector(`tr[data-id="${CSS.escape((hadFocus ? focusedId : state.selected) ?? "")}"]`) ?? body.firstElementChild;
  if (stop) stop.tabIndex = 0;
  // Keyboard users keep their place: the same row, or the first row of the new level.
  if (hadFocus) stop?.focus();
}
