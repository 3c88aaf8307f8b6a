// riskmap web: the unit panel. For a region or district: the composite index (panel-composite.js),
// the profile of one indicator (value, rank, direction of travel, drivers, comparators
// national/parent/neighbours, quarterly series with the −5 % target line), progress against the
// plan (plan.js), the next-quarter forecast (forecast.js), staffing gap, reporting status. For a
// school: its card with the priority list's triggers and drivers. A district goes into a programme from here ("Add to programme").
import { getJson } from "./api.js";
import { t, nameOf, num, percent, quarter, language, date } from "./i18n.js";
import { state } from "./state.js";
import { h, scroller } from "./dom.js";
import { barChart, seriesChart } from "./charts.js";
import { wire, entryOf, valueWords } from "./units.js";
import { translateDriver, translateTriggers } from "./priority.js";
import { COMPOSITE } from "./composite.js";
import { compositeSection } from "./panel-composite.js";
import { planSection } from "./plan.js";
import { addsProblems, offerAdd } from "./programme-add.js";
import { forecastable, forecastSection } from "./forecast.js";

const panel = () => document.getElementById("panel");
let current = null;

export function closePanel() {
  current = null;
  panel().hidden = true;
  panel().replaceChildren();
}

const valueText = (v) => valueWords(wire(v));

function header(title, sub, extra = []) {
  return h("div", { class: "head" },
    h("div", {}, h("h2", { id: "panel-title", text: title }), h("p", { class: "sub", text: sub }), ...extra),
    h("div", { class: "row" }, h("button", { type: "button", class: "close", "aria-label": t("close"), onclick: () => { closePanel(); state.selected = null; panel().dispatchEvent(new CustomEvent("closed", { bubbles: true })); } }, "×")));
}

/**
 * The plan's −5 % a year target as a step line over the quarters: from the mean of the first
 * calendar year with four visible quarters (Resolution 748, expected results 1–3). Only for
 * harm indicators where higher is worse (the plan's targets are offences and suicides).
 */
export function targetLine(series, meta) {
  if (meta.dimension !== "harm" || meta.direction !== "higher_is_worse") return [];
  const byYear = new Map();
  for (const p of series) {
    const { value } = wire(p.value);
    const year = Number(p.period.slice(0, 4));
    if (!byYear.has(year)) byYear.set(year, []);
    if (value !== null) byYear.get(year).push(value);
  }
  const base = [...byYear.entries()].sort((a, b) => a[0] - b[0]).find(([, values]) => values.length === 4);
  if (!base) return [];
  const [baseYear, values] = base;
  const baseline = values.reduce((s, v) => s + v, 0) / 4;
  return series.map((p) => {
    const year = Number(p.period.slice(0, 4));
    return { period: p.period, value: year >= baseYear ? baseline * 0.95 ** (year - baseYear) : null };
  });
}

/** The latest full year against its target: "2024: 50,3 — target 48,1, above the target (+4,6%)". */
function progressText(series, target) {
  if (!target.length) return null;
  const years = new Map();
  series.forEach((p, i) => {
    const year = p.period.slice(0, 4);
    if (!years.has(year)) years.set(year, { values: [], target: target[i]?.value });
    if (p.value !== null) years.get(year).values.push(p.value);
  });
  const full = [...years.entries()].filter(([, y]) => y.values.length === 4 && y.target !== null && y.target !== undefined).pop();
  if (!full) return null;
  const [year, { values, target: goal }] = full;
  const mean = values.reduce((s, v) => s + v, 0) / 4;
  const change = ((mean - goal) / goal) * 100;
  const verdict = mean <= goal ? t("targetMet") : `${t("aboveTarget")} (+${num(change)}%)`;
  return `${t("progress")}, ${year}: ${num(mean)} — ${t("targetWord")} ${num(goal)}; ${verdict}`;
}

function trendText(direction) {
  const trend = direction?.trend ?? "unknown";
  const arrow = { worsening: "▲", improving: "▼", stable: "→", unknown: "" }[trend];
  const change = direction?.change_percent !== undefined && direction?.change_percent !== null ? ` (${direction.change_percent > 0 ? "+" : ""}${percent(direction.change_percent)})` : "";
  // The arrow stays with its word (no line of its own in a narrow column).
  return h("span", { class: `trend-${trend}` }, `${arrow ? `${arrow}\u00a0` : ""}${t(trend)}${change}`);
}

export async function showUnit(kato, { collection, compareToggle, parentRegion, after }) {
  current = kato;
  const root = panel();
  root.hidden = false;
  root.replaceChildren(h("p", { text: t("loading") }));
  await after?.catch(() => null); // the map's own data first
  if (current !== kato) return;
  const query = new URLSearchParams();
  if (state.period) query.set("period", state.period);
  const reportingQuery = new URLSearchParams(query);
  if (parentRegion) reportingQuery.set("parent", parentRegion);
  const [profile, reporting] = await Promise.all([
    getJson(`/api/v1/units/${kato}/profile?${query}`),
    getJson(`/api/v1/reporting?${reportingQuery}`).catch(() => null),
  ]);
  if (current !== kato) return;
  const lang = language();
  const metaOf = (code) => state.meta.indicators.find((i) => i.code === code);
  // With the composite on the map, the single indicator shown in detail is its top driver.
  const code = state.indicator === COMPOSITE ? profile.composite?.drivers?.[0]?.code : state.indicator;
  const chosen = profile.indicators.find((i) => i.code === code) ?? profile.indicators[0];
  const meta = metaOf(chosen.code);
  const unitName = nameOf(profile);
  const inCompare = state.compare.includes(kato);
  const compareButton = h("button", { type: "button", "aria-pressed": String(inCompare), onclick: () => compareToggle(kato) }, inCompare ? t("removeFromCompare") : t("addToCompare"));
  // A district (or a hotspot, which is one) goes into a programme from here.
  const adding = h("div", { id: "panel-add" });
  const addButton = profile.level === "district" && addsProblems()
    ? h("button", { type: "button", id: "panel-add-to-programme", onclick: () => offerAdd(adding, { region: `${kato.slice(0, 2)}0000000`, problem: { unit: kato }, label: unitName }) }, t("prog.addToProgramme"))
    : null;
  const parts = [header(unitName, `${t(`level.${profile.level}`)} · ${quarter(profile.period)}`, [compareButton, addButton].filter(Boolean)), adding];
  parts.push(compositeSection(profile.composite, { of: profile.composite?.rank_of ?? (profile.level === "region" ? collection?.features.length : null) }));

  parts.push(h("h3", { text: meta.label[lang] }));
  const rank = chosen.rank ? `${chosen.rank.rank} ${t("of")} ${chosen.rank.of}` : "—";
  parts.push(h("dl", { class: "facts" },
    h("dt", { text: t("value") }), h("dd", { text: `${valueText(chosen.value)} ${meta.unit[lang]}` }),
    h("dt", { text: t("rank") }), h("dd", { text: rank }),
    h("dt", { text: t("direction") }), h("dd", {}, trendText(chosen.direction))));

  const bars = [
    { label: unitName, value: wire(chosen.value).value, emphasis: true, missing: valueText(chosen.value) },
    chosen.parent ? { label: t("parent"), value: wire(chosen.parent).value, missing: valueText(chosen.parent) } : null,
    { label: t("neighbours"), value: chosen.neighbours_mean ?? null },
    { label: t("national"), value: wire(chosen.national).value, missing: valueText(chosen.national) },
  ].filter(Boolean);
  parts.push(h("h3", { text: t("comparators") }));
  parts.push(barChart({ bars, label: `${t("comparators")}: ${bars.map((b) => `${b.label} ${b.value === null ? "—" : num(b.value)}`).join("; ")}` }));
  if (profile.neighbours?.length) {
    const names = profile.neighbours.map((n) => nameOf(n) || n.kato);
    parts.push(h("p", { class: "hint", text: `${t("neighbours")}: ${names.join(", ")}` }));
  }

  const target = targetLine(chosen.series, meta);
  const series = chosen.series.map((p) => ({ period: p.period, value: wire(p.value).value }));
  parts.push(h("h3", { text: t("series") }));
  parts.push(seriesChart({ series, target, label: `${t("series")}: ${series.map((p) => `${quarter(p.period)} ${num(p.value)}`).join("; ")}${target.length ? `; ${t("target")}` : ""}` }));
  parts.push(h("p", { class: "chart-key" }, h("span", { class: "key-line" }), ` ${unitName}`, target.length ? [h("span", { class: "key-line target" }), ` ${t("target")}`] : null));
  const progress = progressText(series, target);
  if (progress) parts.push(h("p", { class: "progress", text: progress }));
  parts.push(h("p", { class: "hint", text: target.length ? t("targetNote") : t("noTarget") }));

  const plan = planSection(profile.plan);
  if (plan) parts.push(plan);

  if (forecastable(meta) && (profile.level === "district" || profile.level === "region")) {
    const forecast = await forecastSection(kato, profile.level, chosen.code);
    if (current !== kato) return;
    if (forecast) parts.push(forecast);
  }

  const own = collection?.features.find((f) => f.properties.kato === kato)?.properties;
  const drivers = own
    ? state.meta.indicators.filter((i) => entryOf(own, i.code).topDecile)
    : profile.indicators.filter((i) => i.rank && i.rank.rank <= Math.max(1, Math.ceil(i.rank.of / 10))).map((i) => metaOf(i.code));
  parts.push(h("h3", { text: t("drivers") }));
  parts.push(drivers.length ? h("ul", {}, drivers.map((d) => h("li", { text: d.label[lang] }))) : h("p", { class: "hint", text: t("noDrivers") }));

  const staffing = profile.staffing;
  if (staffing && (staffing.psychologists || staffing.social_pedagogues)) {
    parts.push(h("h3", { text: `${t("staffing")} (${quarter(staffing.period)})` }));
    const rows = [["psychologists", staffing.psychologists], ["socialPedagogues", staffing.social_pedagogues]].filter(([, s]) => s);
    parts.push(h("table", { class: "data" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "" }), h("th", { scope: "col", class: "num", text: t("norm") }), h("th", { scope: "col", class: "num", text: t("filled") }), h("th", { scope: "col", class: "num", text: t("gap") }))),
      h("tbody", {}, rows.map(([key, s]) => h("tr", {}, h("th", { scope: "row", text: `${t(key)}, ${t("fte")}` }), h("td", { class: "num", text: num(s.norm_fte?.value) }), h("td", { class: "num", text: num(s.filled_fte?.value) }), h("td", { class: "num", text: num(s.gap_fte?.value) }))))));
  }

  const row = reporting?.units?.find((u) => u.kato === kato);
  if (row) {
    parts.push(h("h3", { text: `${t("reportingStatus")} (${quarter(reporting.period)})` }));
    parts.push(h("p", { text: `${t("onTime")}: ${row.on_time} · ${t("late")}: ${row.late} · ${t("silent")}: ${row.silent} (${row.schools} ${t("schoolsN")}; ${t("dueDate")} ${date(reporting.due_date)})` }));
  }

  // The parent's column only where there is a parent (a region's panel has none).
  const withParent = profile.indicators.some((i) => i.parent);
  parts.push(h("h3", { text: t("comparators") + " — " + t("indicator").toLowerCase() }));
  parts.push(scroller(t("table"), h("table", { class: `data indicators${withParent ? " with-parent" : ""}` },
    h("thead", {}, h("tr", {}, [t("indicator"), t("value"), withParent ? t("parent") : null, t("national"), t("rank"), t("direction")].filter(Boolean).map((text, i) => h("th", { scope: "col", class: i ? "num" : null, text })))),
    h("tbody", {}, profile.indicators.map((i) => h("tr", {},
      h("th", { scope: "row", text: metaOf(i.code)?.label[lang] ?? i.code }),
      h("td", { class: "num", text: valueText(i.value) }),
      withParent ? h("td", { class: "num", text: i.parent ? valueText(i.parent) : "—" }) : null,
      h("td", { class: "num", text: valueText(i.national) }),
      h("td", { class: "num", text: i.rank ? `${i.rank.rank}/${i.rank.of}` : "—" }),
      h("td", { class: "num" }, trendText(i.direction))))))));
  root.replaceChildren(...parts);
}

export async function showSchool(school, { priority }) {
  const props = school.properties;
  current = props.school_id;
  const root = panel();
  root.hidden = false;
  const lang = language();
  const parts = [header(nameOf(props), `${t("level.school")} · ${t(`settlements.${props.settlement_type}`) ?? ""} · ${quarter(state.period)}`)];
  parts.push(h("dl", { class: "facts" },
    h("dt", { text: t("pupils") }), h("dd", { text: typeof props.pupils === "number" ? num(props.pupils, 0) : String(props.pupils ?? "—") }),
    h("dt", { text: t("reportingStatus") }), h("dd", { text: props.reported ? t("reported") : t("notReported") }),
    props.small_school ? [h("dt", { text: "" }), h("dd", { text: t("smallSchool") })] : null));
  const row = (await priority?.catch(() => null))?.rows?.find((r) => r.nobd_org_id === props.school_id);
  if (current !== props.school_id) return;
  if (row) {
    parts.push(h("h3", { text: t("viewPriority") }));
    parts.push(h("dl", { class: "facts" },
      h("dt", { text: t("rank") }), h("dd", { text: String(row.rank) }),
      h("dt", { text: t("composite") }), h("dd", { text: num(row.composite, 2) }),
      h("dt", { text: t("triggers") }), h("dd", { text: translateTriggers(row.triggers) || "—" }),
      h("dt", { text: t("drivers") }), h("dd", { text: (row.drivers || "").split(",").map((d) => translateDriver(d.trim())).filter(Boolean).join(", ") || "—" })));
  }
  parts.push(h("h3", { text: t("indicator") }));
  parts.push(h("table", { class: "data" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("indicator") }), h("th", { scope: "col", class: "num", text: t("value") }))),
    h("tbody", {}, state.meta.indicators.map((i) => h("tr", {}, h("th", { scope: "row", text: i.label[lang] }), h("td", { class: "num", text: valueText(entryOf(props, i.code)) }))))));
  root.replaceChildren(...parts);
}
