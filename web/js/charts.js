// riskmap web: charts drawn as inline SVG (no chart library): a quarterly time series with the
// plan's target line, the forecast's series with its band, horizontal comparator bars, and
// stacked on-time/late/silent bars. Each
// chart is role="img" with a text alternative; the numbers are also in a table next to it.
import { num } from "./i18n.js";

const NS = "http://www.w3.org/2000/svg";
export function svg(tag, attrs = {}, text) {
  const element = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) element.setAttribute(k, v);
  if (text !== undefined) element.textContent = text;
  return element;
}
const finite = (v) => v !== null && v !== undefined && Number.isFinite(v);

export function frame(width, height, label) {
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-label": label, class: "chart" });
  root.append(svg("title", {}, label));
  return root;
}

/**
 * Quarterly series [{period, value}] as a line with points; `target` [{period, value}] as a
 * dashed step line. Gaps (suppressed or missing) break the line.
 */
export function seriesChart({ series, target = [], label, min = 0, max: fixedMax, className }) {
  const width = 340; const height = 160; const pad = { l: 44, r: 10, t: 12, b: 22 };
  const root = frame(width, height, label);
  if (className) root.classList.add(className);
  const values = [...series.map((p) => p.value), ...target.map((p) => p.value)].filter(finite);
  if (!values.length || series.length < 1) return root;
  const max = fixedMax ?? (Math.max(...values) * 1.1 || 1);
  const x = (i) => pad.l + (series.length === 1 ? 0 : (i * (width - pad.l - pad.r)) / (series.length - 1));
  const y = (v) => pad.t + (height - pad.t - pad.b) * (1 - (v - min) / (max - min));
  for (const tick of [0, 0.5, 1]) {
    const v = min + tick * (max - min);
    root.append(svg("line", { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), stroke: "#d0d0d0" }));
    root.append(svg("text", { x: pad.l - 4, y: y(v) + 4, "text-anchor": "end", "font-size": 10, fill: "#333" }, num(v)));
  }
  series.forEach((p, i) => {
    // Year labels under each first quarter; small ticks under every quarter.
    root.append(svg("line", { x1: x(i), x2: x(i), y1: height - pad.b, y2: height - pad.b + 4, stroke: "#666" }));
    if (p.period.endsWith("Q1") || i === 0) root.append(svg("text", { x: x(i), y: height - pad.b + 16, "text-anchor": "start", "font-size": 10, fill: "#333" }, p.period.slice(0, 4)));
  });
  const index = new Map(series.map((p, i) => [p.period, i]));
  const targetPoints = target.filter((p) => index.has(p.period) && finite(p.value));
  if (targetPoints.length) {
    const d = targetPoints.map((p, k) => `${k ? "L" : "M"}${x(index.get(p.period))},${y(p.value)}`).join("");
    root.append(svg("path", { d, fill: "none", stroke: "#7a1f00", "stroke-width": 2, "stroke-dasharray": "6 4", class: "target-line" }));
  }
  let path = ""; let pen = false;
  series.forEach((p, i) => {
    if (!finite(p.value)) { pen = false; return; }
    path += `${pen ? "L" : "M"}${x(i)},${y(p.value)}`; pen = true;
  });
  root.append(svg("path", { d: path, fill: "none", stroke: "#08519c", "stroke-width": 2.2 }));
  series.forEach((p, i) => { if (finite(p.value)) root.append(svg("circle", { cx: x(i), cy: y(p.value), r: 3, fill: "#08519c" })); });
  return root;
}

/** Horizontal bars [{label, value, emphasis, colour}] with the values written at their ends. */
export function barChart({ bars, label, width = 320, reference, max: fixedMax }) {
  const row = 20; const pad = { l: 140, r: 52, t: 6, b: 6 };
  const height = pad.t + pad.b + row * bars.length;
  const root = frame(width, height, label);
  const values = bars.map((b) => b.value).filter(finite);
  const max = fixedMax ?? (Math.max(...values, reference ?? 0) || 1);
  const x = (v) => pad.l + (v / max) * (width - pad.l - pad.r);
  bars.forEach((bar, i) => {
    const top = pad.t + i * row;
    root.append(svg("text", { x: pad.l - 6, y: top + 14, "text-anchor": "end", "font-size": 11, fill: "#1a1a1a", "font-weight": bar.emphasis ? 700 : 400 }, bar.label.length > 17 ? `${bar.label.slice(0, 16)}…` : bar.label));
    if (finite(bar.value)) {
      root.append(svg("rect", { x: pad.l, y: top + 3, width: Math.max(1, x(bar.value) - pad.l), height: row - 7, fill: bar.colour ?? (bar.emphasis ? "#08519c" : "#6baed6"), stroke: "#1a1a1a", "stroke-width": 0.5 }));
      root.append(svg("text", { x: x(bar.value) + 4, y: top + 14, "font-size": 11, fill: "#1a1a1a" }, num(bar.value)));
    } else {
      root.append(svg("text", { x: pad.l + 4, y: top + 14, "font-size": 11, fill: "#444" }, bar.missing ?? "—"));
    }
  });
  if (finite(reference)) {
    root.append(svg("line", { x1: x(reference), x2: x(reference), y1: 0, y2: height, stroke: "#7a1f00", "stroke-width": 1.5, "stroke-dasharray": "4 3" }));
  }
  return root;
}

/**
 * One stacked bar of parts [{value, colour}] out of `total` (else their sum). A part whose value
 * is not a number (suppressed) is drawn as what it is: the rest of the total, grey and hatched
 * (class "suppressed"), never as zero.
 */
let hatchCount = 0;
export function stackedBar({ parts, label, width = 160, total: given, height = 12 }) {
  const root = frame(width, height, label);
  root.setAttribute("width", width);
  root.setAttribute("height", height);
  const known = parts.reduce((s, p) => s + (finite(p.value) ? p.value : 0), 0);
  const hidden = parts.some((p) => !finite(p.value));
  const total = (finite(given) && given > 0 ? given : known) || 1;
  let at = 0;
  for (const part of parts) {
    if (!finite(part.value) || part.value <= 0) continue;
    const w = (part.value / total) * width;
    root.append(svg("rect", { x: at, y: 0, width: w, height, fill: part.colour, stroke: "#fff", "stroke-width": 0.5 }));
    at += w;
  }
  if (hidden) {
    const id = `suppressed-hatch-${++hatchCount}`;
    {
      const pattern = svg("pattern", { id, width: 4, height: 4, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
      pattern.append(svg("rect", { width: 4, height: 4, fill: "#d9d9d9" }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 4, stroke: "#6b6b6b", "stroke-width": 1.5 }));
      const defs = svg("defs");
      defs.append(pattern);
      root.prepend(defs);
    }
    root.append(svg("rect", { class: "suppressed", x: at, y: 0, width: Math.max(width - at, 0), height, fill: `url(#${id})`, stroke: "#6b6b6b", "stroke-width": 0.5 }));
  }
  return root;
}

/**
 * Observed quarterly counts [{period, value}] and the next quarter's forecast {period, mean,
 * lower, upper}: the series as a line, the forecast as a hollow point with its interval as a
 * shaded band from the last observed quarter.
 */
export function forecastChart({ series, forecast, label }) {
  const width = 340; const height = 160; const pad = { l: 44, r: 10, t: 12, b: 22 };
  const root = frame(width, height, label);
  root.classList.add("forecast-chart");
  const values = [...series.map((p) => p.value), forecast.upper, forecast.mean].filter(finite);
  if (!values.length) return root;
  const max = Math.max(...values) * 1.1 || 1;
  const n = series.length + 1;
  const x = (i) => pad.l + (i * (width - pad.l - pad.r)) / Math.max(1, n - 1);
  const y = (v) => pad.t + (height - pad.t - pad.b) * (1 - v / max);
  for (const tick of [0, 0.5, 1]) {
    root.append(svg("line", { x1: pad.l, x2: width - pad.r, y1: y(tick * max), y2: y(tick * max), stroke: "#d0d0d0" }));
    root.append(svg("text", { x: pad.l - 4, y: y(tick * max) + 4, "text-anchor": "end", "font-size": 10, fill: "#333" }, num(tick * max)));
  }
  [...series, { period: forecast.period }].forEach((p, i) => {
    const anchor = i === n - 1 ? "end" : "start";
    if (p.period.endsWith("Q1") || i === 0) root.append(svg("text", { x: x(i), y: height - pad.b + 16, "text-anchor": anchor, "font-size": 10, fill: "#333" }, p.period.slice(0, 4)));
  });
  const last = series.length - 1;
  if (finite(series[last]?.value) && finite(forecast.lower) && finite(forecast.upper)) {
    const d = `M${x(last)},${y(series[last].value)}L${x(n - 1)},${y(forecast.upper)}L${x(n - 1)},${y(forecast.lower)}Z`;
    root.append(svg("path", { d, fill: "#9ecae1", "fill-opacity": 0.6, stroke: "none", class: "forecast-band" }));
    root.append(svg("line", { x1: x(n - 1), x2: x(n - 1), y1: y(forecast.lower), y2: y(forecast.upper), stroke: "#3182bd", "stroke-width": 2 }));
  }
  let path = ""; let pen = false;
  series.forEach((p, i) => {
    if (!finite(p.value)) { pen = false; return; }
    path += `${pen ? "L" : "M"}${x(i)},${y(p.value)}`; pen = true;
  });
  root.append(svg("path", { d: path, fill: "none", stroke: "#08519c", "stroke-width": 2.2 }));
  series.forEach((p, i) => { if (finite(p.value)) root.append(svg("circle", { cx: x(i), cy: y(p.value), r: 3, fill: "#08519c" })); });
  if (finite(forecast.mean)) root.append(svg("circle", { cx: x(n - 1), cy: y(forecast.mean), r: 4, fill: "#fff", stroke: "#08519c", "stroke-width": 2, class: "forecast-mean" }));
  return root;
}
