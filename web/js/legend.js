// riskmap web: the map legend (classes, suppressed and unstable entries, cluster outlines,
// programme coverage; or the forecast layer's probability classes from forecast-layer.js) as
// HTML, and the same content as data for the PNG export.
import { t, num, quarter } from "./i18n.js";
import { HATCH_CSS, HOTSPOT_COLOURS, NO_DATA, SUPPRESSED } from "./palette.js";
import { esc } from "./dom.js";

function classLabel(c) {
  if (c.fixed) return `${num(c.low, 1, 1)} – ${num(c.high, 1, 1)} (${t("riskClasses")[c.level] ?? ""})`;
  if (c.low === null && c.high === null) return "—";
  if (c.low === null) return `< ${num(c.high)}`;
  if (c.high === null) return `≥ ${num(c.low)}`;
  return `${num(c.low)} – ${num(c.high)}`;
}

/** The legend's content: title lines and entries {kind: fill|hatch|ring, colour, text}. */
export function legendModel({ indicator, lang, period, classifier, values, hotspots, hotspotsState, level, schools, coverage, forecast }) {
  const { title, lines, entries } = forecast ?? valueLegend({ indicator, lang, period, classifier, values, schools });
  overlays(entries, { hotspots, hotspotsState, coverage });
  const hint = level === "country" ? t("clickHint") : level === "region" ? t("clickHintDistrict") : "";
  return { title, lines, entries, hint };
}

/** The indicator layer's title, lines and entries (classes, suppressed, unstable, no data). */
function valueLegend({ indicator, lang, period, classifier, values, schools }) {
  const lines = [`${indicator.unit[lang]}, ${t("rollingYear")} (${quarter(period)})`];
  if (schools && indicator.code === "composite") lines.push(t("compositeSchools"));
  lines.push(values === "smoothed" ? t("valuesSmoothed") : t("valuesRaw"));
  if (classifier.scheme === "diverging") lines.push(`${t("divergingNote")}: ${num(classifier.centre)}`);
  else lines.push(t("higherRisk"));
  const entries = classifier.classes.map((c) => ({ kind: "fill", colour: c.colour, text: classLabel(c) }))
    .reverse();
  entries.push({ kind: "fill", colour: SUPPRESSED, text: t("suppressedNote") });
  entries.push({ kind: "hatch", text: t("unstableNote") });
  entries.push({ kind: "fill", colour: NO_DATA, text: t("noData") });
  return { title: indicator.label[lang], lines, entries };
}

/** Cluster outlines and programme coverage, drawn over either layer. */
function overlays(entries, { hotspots, hotspotsState, coverage }) {
  if (hotspots !== "off") {
    if (hotspotsState === "unavailable") entries.push({ kind: "text", text: t("hotspotsUnavailable") });
    else if (hotspotsState === "composite") entries.push({ kind: "text", text: t("hotspotsComposite") });
    else {
      const keys = hotspots === "gistar" ? ["hot", "cold"] : ["HH", "LL", "HL", "LH"];
      for (const key of keys) entries.push({ kind: "ring", colour: HOTSPOT_COLOURS[key], text: t(key) });
      entries.push({ kind: "text", text: `${t("hotspots")}: ${hotspots === "gistar" ? t("hotspotsGi") : t("hotspotsLisa")}; ${t("hotspotsNote")}` });
    }
  }
  for (const entry of coverage ?? []) entries.push(entry);
}

export function renderLegend(element, model) {
  const swatch = (e) => {
    if (e.kind === "hatch") return `<span class="swatch" style="background:${HATCH_CSS}"></span>`;
    if (e.kind === "ring") return `<span class="swatch ring" style="border-color:${e.colour}"></span>`;
    if (e.kind === "text") return "";
    return `<span class="swatch" style="background:${e.colour}"></span>`;
  };
  element.innerHTML = `<h2>${esc(model.title)}</h2>${model.lines.map((l) => `<p>${esc(l)}</p>`).join("")}`
    + `<ul>${model.entries.map((e) => `<li>${swatch(e)}<span>${esc(e.text)}</span></li>`).join("")}</ul>`
    + (model.hint ? `<p>${esc(model.hint)}</p>` : "");
}
