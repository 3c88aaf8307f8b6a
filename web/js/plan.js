// riskmap web: the unit panel's "progress against the plan" section. For each series of the
// plan block (offences by and against minors, suicides, attempts): yearly counts with the
// target line, this year's observed value with its interval, the status in words, and the
// national comparator (its trend scaled to the unit's baseline, and its own status).
import { t, num, percent } from "./i18n.js";
import { h } from "./dom.js";
import { svg, frame } from "./charts.js";

const isCount = (v) => typeof v === "number" && Number.isFinite(v);
/** A count as text: the number, or the symbol the server sent ("c" suppressed, …). */
const count = (v) => (isCount(v) ? num(v, 0) : v === null || v === undefined ? "—" : String(v));
const SYMBOLS = { c: "suppressedNote", ":": "noData" };

/** Yearly counts, targets, observed-so-far interval and the scaled national line, as inline SVG. */
function planChart({ unit, scaled, label }) {
  const width = 340; const height = 150; const pad = { l: 40, r: 12, t: 10, b: 22 };
  const root = frame(width, height, label);
  root.classList.add("plan-chart");
  const progress = unit.progress;
  const years = [...new Set([...(unit.yearly ?? []).map((p) => p.year), ...(unit.targets ?? []).map((p) => p.year), ...(progress ? [progress.year] : [])])].sort((a, b) => a - b);
  if (!years.length) return root;
  const values = [...(unit.yearly ?? []).map((p) => p.count), ...(unit.targets ?? []).map((p) => p.target), ...(progress?.interval ?? []), ...scaled.map((p) => p.value)].filter(isCount);
  const max = Math.max(1, ...values) * 1.1;
  const x = (year) => pad.l + (years.length === 1 ? (width - pad.l - pad.r) / 2 : (years.indexOf(year) * (width - pad.l - pad.r)) / (years.length - 1));
  const y = (v) => pad.t + (height - pad.t - pad.b) * (1 - v / max);
  for (const v of [0, max / 2, max / 1.1]) {
    root.append(svg("line", { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), stroke: "#d0d0d0" }));
    root.append(svg("text", { x: pad.l - 4, y: y(v) + 4, "text-anchor": "end", "font-size": 10, fill: "#333" }, num(v, 0)));
  }
  for (const year of years) root.append(svg("text", { x: x(year), y: height - 6, "text-anchor": "middle", "font-size": 10, fill: "#333" }, String(year)));
  const line = (points, attrs) => {
    let d = ""; let pen = false;
    for (const p of points) {
      if (!isCount(p.value)) { pen = false; continue; }
      d += `${pen ? "L" : "M"}${x(p.year)},${y(p.value)}`; pen = true;
    }
    if (d) root.append(svg("path", { d, fill: "none", ...attrs }));
  };
  line(scaled, { stroke: "#636363", "stroke-width": 1.5, "stroke-dasharray": "2 3", class: "national-line" });
  line((unit.targets ?? []).map((p) => ({ year: p.year, value: p.target })), { stroke: "#7a1f00", "stroke-width": 2, "stroke-dasharray": "6 4", class: "target-line" });
  const yearly = (unit.yearly ?? []).map((p) => ({ year: p.year, value: p.count }));
  line(yearly, { stroke: "#08519c", "stroke-width": 2.2, class: "count-line" });
  for (const p of yearly) {
    if (isCount(p.value)) root.append(svg("circle", { cx: x(p.year), cy: y(p.value), r: 3, fill: "#08519c" }));
    else root.append(svg("text", { x: x(p.year), y: y(0) - 4, "text-anchor": "middle", "font-size": 11, "font-weight": 700, fill: "#444" }, count(p.value)));
  }
  if (progress?.interval?.every(isCount)) {
    const [low, high] = progress.interval; const at = x(progress.year) + 6;
    const g = svg("g", { class: "interval", stroke: "#1a1a1a", "stroke-width": 1.5 });
    g.append(svg("line", { x1: at, x2: at, y1: y(low), y2: y(high) }), svg("line", { x1: at - 4, x2: at + 4, y1: y(low), y2: y(low) }), svg("line", { x1: at - 4, x2: at + 4, y1: y(high), y2: y(high) }));
    if (isCount(unit.observed)) g.append(svg("circle", { cx: at, cy: y(unit.observed), r: 3.5, fill: "#fff" }));
    root.append(g);
  }
  return root;
}

function statusLabel(status) {
  const key = status ?? "unknown";
  return h("span", { class: `plan-status status-${key}` }, t(`planStatus.${key}`));
}

/** "2024: наблюдаемое 146 (интервал 123–172), цель 148; −6,4% к базе (2023: 156)". */
function progressLine(part) {
  const p = part.progress;
  const base = `${t("baseline")} ${part.baseline_year ?? "—"}: ${count(part.baseline)}`;
  if (!p) return base;
  const interval = p.interval?.every(isCount) ? ` (${t("interval")} ${num(p.interval[0], 0)}–${num(p.interval[1], 0)})` : "";
  const quarters = p.quarters_observed < 4 ? `, ${p.quarters_observed} ${t("quartersObserved")}` : "";
  const change = isCount(p.change_vs_baseline_percent) ? `; ${p.change_vs_baseline_percent > 0 ? "+" : ""}${percent(p.change_vs_baseline_percent)} ${t("changeVsBaseline")}` : "";
  return `${p.year}: ${t("observed")} ${count(part.observed)}${interval}${quarters}, ${t("targetShort")} ${count(p.annual_target)}${change} (${base})`;
}

/** The national yearly counts scaled to the unit's baseline year, when both are counts. */
function scaledNational(unit, national) {
  const at = national?.yearly?.find((p) => p.year === unit.baseline_year)?.count;
  if (!isCount(unit.baseline) || !isCount(at) || at === 0) return [];
  return (national.yearly ?? []).map((p) => ({ year: p.year, value: isCount(p.count) ? (p.count * unit.baseline) / at : null }));
}

/** The whole section from the profile's `plan` block (null when there is none). */
export function planSection(plan) {
  if (!plan?.series?.length) return null;
  const parts = [h("h3", { id: "plan-title", text: `${t("planTitle")} (−${num(plan.annual_reduction_percent ?? 5, 0)}% ${t("annualReduction")})` })];
  const symbols = new Set();
  for (const series of plan.series) {
    const unit = series.unit ?? {};
    for (const v of [unit.baseline, unit.observed, ...(unit.yearly ?? []).map((p) => p.count)]) if (typeof v === "string") symbols.add(v);
    const name = t(`planSeries.${series.code}`);
    const scaled = scaledNational(unit, series.national);
    const label = `${name}: ${(unit.yearly ?? []).map((p) => `${p.year} ${count(p.count)}`).join("; ")}; ${t("targetShort")} ${(unit.targets ?? []).map((p) => `${p.year} ${count(p.target)}`).join("; ")}; ${t(`planStatus.${unit.status ?? "unknown"}`)}`;
    const national = series.national;
    parts.push(h("figure", { class: "plan-series", dataset: { code: series.code } },
      h("figcaption", {}, h("strong", { text: name }), " — ", statusLabel(unit.status)),
      planChart({ unit, scaled, label }),
      h("p", { class: "hint", text: progressLine(unit) }),
      national ? h("p", { class: "hint" }, `${t("nationalPlan")}: `, statusLabel(national.status), `; ${progressLine(national)}`) : null));
  }
  parts.push(h("p", { class: "chart-key" },
    h("span", { class: "key-line" }), ` ${t("yearCount")}`, h("span", { class: "key-line target" }), ` ${t("targetShort")}`,
    h("span", { class: "key-line national" }), ` ${t("nationalScaled")}`));
  parts.push(h("p", { class: "hint", text: t("planNote") }));
  for (const symbol of symbols) parts.push(h("p", { class: "hint", text: SYMBOLS[symbol] ? t(SYMBOLS[symbol]) : `${symbol} — ${t("noData")}` }));
  return h("section", { class: "plan", "aria-labelledby": "plan-title" }, parts);
}
