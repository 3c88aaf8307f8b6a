// riskmap web: the reporting monitor. Per region (or per district of the region in view): how
// many schools submitted the quarter on time, late or not at all, and which schools are late
// or silent where the role may see schools.
import { getJson } from "./api.js";
import { t, num, percent, quarter, date, language, nameOf } from "./i18n.js";
import { state } from "./state.js";
import { h, scroller, sortableTable } from "./dom.js";
import { stackedBar } from "./charts.js";
import { loadDistricts } from "./units.js";

let sort = { key: "on_time_percent", descending: false };
// One line per unit: the monitor shows a whole region's districts on one screen.
const COLOURS = { on_time: "#1a9850", late: "#fdae61", silent: "#a50026" };
const count = (v) => (typeof v === "number" ? num(v, 0) : v ?? "—");

export async function renderReporting(root, { regions }) {
  const region = state.region;
  const query = new URLSearchParams();
  if (state.period) query.set("period", state.period);
  if (region) query.set("parent", region);
  root.replaceChildren(h("h2", { text: t("reportingTitle") }), h("p", { text: t("loading") }));
  const answer = await getJson(`/api/v1/reporting?${query}`);
  // Schools are placed by district within a region, by region across the country.
  const districts = region ? await loadDistricts(region).catch(() => null) : null;
  const placeName = (kato) => nameOf((region ? districts : regions)?.features.find((f) => f.properties.kato === (region ? kato : `${kato.slice(0, 2)}0000000`))?.properties) || kato;
  const areaName = region ? nameOf(regions?.features.find((f) => f.properties.kato === region)?.properties) : t("country");
  const draw = () => {
    const columns = [
      { key: "name", label: t("name"), value: (r) => nameOf(r), render: (r) => nameOf(r) },
      { key: "schools", label: t("schools"), numeric: true, render: (r) => count(r.schools) },
      { key: "on_time", label: t("onTime"), numeric: true, wide: true, render: (r) => count(r.on_time) },
      { key: "late", label: t("late"), numeric: true, wide: true, render: (r) => count(r.late) },
      { key: "silent", label: t("silent"), numeric: true, wide: true, render: (r) => count(r.silent) },
      { key: "on_time_percent", label: t("onTimePct"), numeric: true, render: (r) => h("span", { class: "pct" }, stackedBar({
        parts: ["on_time", "late", "silent"].map((k) => ({ value: typeof r[k] === "number" ? r[k] : null, colour: COLOURS[k] })), total: typeof r.schools === "number" ? r.schools : null,
        label: `${t("onTime")} ${count(r.on_time)}, ${t("late")} ${count(r.late)}, ${t("silent")} ${count(r.silent)}`, width: 90 }), ` ${percent(r.on_time_percent)}`) },
    ];
    const table = sortableTable({ caption: `${areaName} — ${quarter(answer.period)}; ${t("dueDate")}: ${date(answer.due_date)}`, columns, rows: answer.units, sort, onSort: (next) => { sort = next; draw(); root.querySelector(`th[aria-sort]:not([aria-sort="none"]) button`)?.focus(); } });
    const flagged = answer.late_or_silent_schools ?? [];
    const schools = flagged.length
      ? [h("h3", { text: `${t("lateOrSilent")} (${num(flagged.length, 0)})` }), scroller(t("lateOrSilent"), withClass(sortableTable({
        columns: [
          { key: "name", label: t("school"), render: (r) => (language() === "kk" ? r.name_kk : r.name_ru) ?? r.school_id },
          { key: "district_kato", label: region ? t("district") : t("parent"), value: (r) => placeName(r.district_kato), render: (r) => placeName(r.district_kato) },
          { key: "status", label: t("status"), render: (r) => h("span", { class: `status-${r.status}`, text: t(r.status) }) },
          { key: "submitted_at", label: t("submittedAt"), render: (r) => (r.submitted_at ? date(r.submitted_at) : "—") },
        ],
        rows: flagged.slice(0, 300),
      }), "name-rows"))]
      : [];
    const legend = h("p", { class: "hint" }, ["on_time", "late", "silent"].map((k) => h("span", {}, h("span", { class: "swatch", style: `background:${COLOURS[k]}` }), ` ${t(k === "on_time" ? "onTime" : k)}  `)));
    legend.append(h("span", {}, h("span", { class: "swatch suppressed-swatch" }), ` ${t("suppressed")}`));
    table.classList.add("compact");
    root.replaceChildren(h("h2", { text: `${t("reportingTitle")}: ${areaName}` }), legend, scroller(t("reportingTitle"), table), ...schools);
  };
  draw();
}

/** `element` with the class `name` added. */
function withClass(element, name) {
  element.classList.add(name);
  return element;
}
