// riskmap web: the crisis teams' priority list of schools for the area in view (the district or
// region drilled into, or the caller's own area), sortable, with triggers and drivers in the
// page's language and CSV/XLSX/GeoJSON exports downloaded from the API with the bearer token;
// akimats and crisis teams add a row's school to a programme (programme-add.js).
import { getJson, download } from "./api.js";
import { t, num, quarter, nameOf, language } from "./i18n.js";
import { state } from "./state.js";
import { h, scroller, sortableTable } from "./dom.js";
import { loadDistricts } from "./units.js";
import { addsProblems, offerAdd } from "./programme-add.js";

let sort = { key: "rank", descending: false };
let districtFilter = "";

export function translateTriggers(list) {
  return String(list ?? "").split(",").map((s) => s.trim()).filter(Boolean).map((code) => t(`triggerNames.${code}`)).join(", ");
}

export function translateDriver(code) {
  if (!code) return "";
  const indicator = state.meta?.indicators.find((i) => i.code === code);
  return indicator ? indicator.label[language()] : code;
}

/** The area the list covers: the district or region in view, else the caller's own area. */
export function priorityArea(regions) {
  const scope = state.scope;
  if (!scope?.seesSchools) return null;
  if (state.district && scope.schoolsOf(state.district)) return state.district;
  if (state.region && scope.schoolsInRegion(state.region)) return state.region;
  if (state.priorityParent && (scope.schoolsOf(state.priorityParent) || scope.schoolsInRegion(state.priorityParent))) return state.priorityParent;
  if (scope.kind === "akimat") return scope.districts[0] ?? scope.region;
  // A crisis team sees all its districts at once (the list filters by district on the page).
  if (scope.kind === "crisis") return scope.districts.length > 1 && scope.districts.every((d) => d.slice(0, 2) === scope.districts[0].slice(0, 2)) ? `${scope.districts[0].slice(0, 2)}0000000` : scope.districts[0] ?? null;
  return regions?.features[0]?.properties.kato ?? null;
}

function areaChoices(regions, districts) {
  const scope = state.scope;
  const choices = [];
  for (const f of regions?.features ?? []) if (scope.schoolsInRegion(f.properties.kato) && (!(scope.kind === "crisis" || scope.districts.length) || scope.districts.length > 1)) choices.push({ kato: f.properties.kato, name: scope.kind === "crisis" ? `${nameOf(f.properties)}: ${t("allMyDistricts")}` : nameOf(f.properties) });
  for (const f of districts?.features ?? []) if (scope.schoolsOf(f.properties.kato)) choices.push({ kato: f.properties.kato, name: `— ${nameOf(f.properties)}` });
  return choices;
}

export async function renderPriority(root, { regions, districts, onArea }) {
  const area = priorityArea(regions);
  root.replaceChildren(h("h2", { text: t("priorityTitle") }));
  if (!area) { root.append(h("p", { text: t("priorityNone") })); return; }
  const regionOf = (kato) => `${kato.slice(0, 2)}0000000`;
  const districtsOfArea = await loadDistricts(regionOf(area)).catch(() => null);
  const choices = areaChoices(regions, districtsOfArea ?? districts);
  const select = h("select", { id: "priority-area", onchange: (e) => onArea(e.target.value) },
    choices.map((c) => h("option", { value: c.kato, selected: c.kato === area }, c.name)));
  // Notes, watermark, export headers and cells come in the page's language.
  const base = `/api/v1/priority?parent=${area}${state.period ? `&period=${state.period}` : ""}&lang=${language()}`;
  const status = h("p", { class: "hint", role: "status", id: "priority-status" });
  const exportButton = (format, label) => h("button", { type: "button", "data-format": format, onclick: async () => {
    status.textContent = t("loading");
    try {
      const name = await download(`${base}&format=${format}`, `priority-${area}.${format}`);
      status.textContent = `${t("exported")}: ${name}`;
    } catch (error) { status.textContent = `${t("error")}: ${error.message}`; }
  } }, label);
  root.append(h("div", { class: "field" }, h("label", { for: "priority-area", text: t("priorityFor") }), select),
    h("div", { class: "exports" }, exportButton("csv", t("exportCsv")), exportButton("xlsx", t("exportXlsx")), exportButton("geojson", t("exportGeojson"))), status);
  const holder = scroller(t("priorityTitle"), h("p", { text: t("loading") }));
  const adding = h("div", { id: "priority-add" });
  root.append(adding, holder);
  const list = await getJson(base);
  const districtName = (kato, fallback) => nameOf(districtsOfArea?.features.find((f) => f.properties.kato === kato)?.properties) || fallback;
  // A district filter when the list covers several districts.
  const listed = [...new Set(list.rows.map((r) => r.district_kato))];
  if (!listed.includes(districtFilter)) districtFilter = "";
  if (listed.length > 1) {
    const filter = h("select", { id: "priority-district", onchange: (e) => { districtFilter = e.target.value; draw(); } },
      h("option", { value: "" }, t("allDistricts")), listed.map((k) => h("option", { value: k, selected: k === districtFilter }, districtName(k, k))));
    holder.before(h("div", { class: "field" }, h("label", { for: "priority-district", text: t("district") }), filter));
  }
  const draw = () => {
    const columns = [
      { key: "rank", label: t("rank"), numeric: true, hint: t("hints.rank") },
      { key: "name", label: t("school"), hint: t(list.rows.some((r) => r.contacts?.length) ? "hints.schoolContacts" : "hints.school"), value: (r) => (language() === "kk" ? r.name_kk : r.name_ru), render: schoolCell },
      { key: "district", label: t("district"), wide: true, hint: t("hints.district"), value: (r) => districtName(r.district_kato, r.district_name_ru), render: (r) => districtName(r.district_kato, r.district_name_ru) },
      { key: "settlement", label: t("settlement"), wide: true, hint: t("hints.settlement"), render: (r) => t(`settlements.${r.settlement}`) },
      { key: "pupils", label: t("pupils"), numeric: true, wide: true, hint: t("hints.pupils"), render: (r) => (typeof r.pupils === "number" ? num(r.pupils, 0) : r.pupils) },
      { key: "composite", label: t("composite"), numeric: true, firstDescending: true, hint: t("hints.composite"), render: (r) => num(r.composite, 2) },
      { key: "quintile_region", label: t("quintile"), numeric: true, wide: true, firstDescending: true, hint: t("hints.quintile") },
      { key: "p_exceed", label: t("pExceed"), numeric: true, wide: true, firstDescending: true, hint: t("hints.pExceed"), render: (r) => num(r.p_exceed, 3) },
      { key: "triggers", label: t("triggers"), hint: t("hints.triggers"), render: (r) => translateTriggers(r.triggers) || "—" },
      { key: "drivers", label: t("drivers"), wide: true, hint: t("hints.drivers"), render: (r) => String(r.drivers ?? "").split(",").map((d) => translateDriver(d.trim())).filter(Boolean).join(", ") || "—" },
    ];
    if (addsProblems()) columns.push({ key: "add", label: t("prog.addToProgramme"), className: "add-col", value: () => 0, render: (r) => {
      const name = language() === "kk" ? r.name_kk : r.name_ru;
      return h("button", { type: "button", class: "add-problem", "data-school": r.nobd_org_id, "aria-label": `${t("prog.addToProgramme")}: ${name}`, title: t("prog.addToProgramme"),
        onclick: () => offerAdd(adding, { region: `${r.district_kato.slice(0, 2)}0000000`, problem: { school: r.nobd_org_id }, label: name }) }, "+");
    } });
    const rows = districtFilter ? list.rows.filter((r) => r.district_kato === districtFilter) : list.rows;
    const caption = `${t("priorityTitle")} — ${quarter(list.period)}; ${rows.length} ${t("rows")}. ${list.watermark ?? ""}`;
    holder.replaceChildren(sortableTable({ caption, columns, rows, sort, onSort: (next) => { sort = next; draw(); holder.querySelector(`th[aria-sort]:not([aria-sort="none"]) button`)?.focus(); } }));
    holder.append(h("ul", { class: "hint" }, (list.footnotes ?? []).map((f) => h("li", { text: f }))));
  };
  draw();
}

/** A school's name, and for readers who may see them its staff's work contacts folded under it
 * (a phone number is a link that dials), so the table stays narrow on a phone. */
function schoolCell(row) {
  const name = language() === "kk" ? row.name_kk : row.name_ru;
  if (!row.contacts?.length) return name;
  const contact = (c) => h("li", {}, `${t(`contactRoles.${c.role}`)}: ${c.full_name}`,
    c.work_phone ? [" · ", h("a", { class: "phone", href: `tel:${c.work_phone.replace(/[^+\d]/g, "")}`, text: c.work_phone })] : null,
    // An address breaks after its "@" and dots when it does not fit, not inside a name or number.
    c.work_email ? [" · ", h("a", { class: "email", href: `mailto:${c.work_email}` }, c.work_email.split(/(?<=[@.])/).flatMap((part, i) => (i ? [h("wbr"), part] : [part])))] : null);
  return h("div", {}, name, h("details", { class: "contacts" },
    h("summary", { text: `${t("contacts")} (${row.contacts.length})` }), h("ul", {}, row.contacts.map(contact))));
}
