// riskmap web: the unit panel's composite section: the index (0–10) with its band and rank,
// its three dimensions, the drivers (indicator names, points of the index) and its series.
import { t, num, quarter, language } from "./i18n.js";
import { state } from "./state.js";
import { h } from "./dom.js";
import { barChart, seriesChart } from "./charts.js";
import { wire } from "./units.js";
import { DIMENSIONS } from "./composite.js";

const text = (v) => {
  const { value, flag } = wire(v);
  if (value === null) return flag === "c" ? t("suppressed") : t("noData");
  return num(value, 1, 1) + (flag === "u" ? ` (${t("unstable")})` : "");
};

/** The section's nodes for `composite` (the profile's block); `of` is the number of units ranked. */
export function compositeSection(composite, { of } = {}) {
  const parts = [h("h3", { id: "composite-title", text: t("compositeTitle") })];
  if (!composite || wire(composite).value === null) {
    parts.push(h("p", { class: "hint", text: composite ? `${text(composite)} — ${t("noComposite")}` : t("noComposite") }));
    return h("section", { class: "composite", "aria-labelledby": "composite-title" }, parts);
  }
  const lang = language();
  const rank = composite.rank ? `${composite.rank}${of ? ` ${t("of")} ${of}` : ""}` : "—";
  parts.push(h("dl", { class: "facts" },
    h("dt", { text: t("value") }), h("dd", { class: "big", text: `${text(composite)} / 10` }),
    h("dt", { text: t("band") }), h("dd", { text: composite.band ? String(composite.band) : "—" }),
    h("dt", { text: t("rank") }), h("dd", { text: rank }),
    composite.availability !== null && composite.availability !== undefined ? [h("dt", { text: t("availability") }), h("dd", { text: `${num(composite.availability * 100, 0)}%` })] : null));

  const bars = DIMENSIONS.map((d) => ({ label: t(`dimensions.${d}`), value: wire(composite.dimensions?.[d]).value, missing: text(composite.dimensions?.[d]) }));
  parts.push(h("h4", { text: t("dimensionsTitle") }));
  parts.push(barChart({ bars, max: 10, label: `${t("dimensionsTitle")}: ${bars.map((b) => `${b.label} ${b.value === null ? b.missing : num(b.value)}`).join("; ")}` }));

  const label = (code) => state.meta.indicators.find((i) => i.code === code)?.label[lang] ?? code;
  const drivers = composite.drivers ?? [];
  parts.push(h("h4", { text: t("compositeDrivers") }));
  parts.push(drivers.length
    ? h("ol", { class: "drivers" }, drivers.map((d) => h("li", {},
      h("span", { class: "driver-name", text: label(d.code) }),
      ` — ${num(d.contribution, 2)} ${t("points")} (${t("score")} ${num(d.score, 1)}/10${d.flag ? `; ${t("p90")}` : ""})`)))
    : h("p", { class: "hint", text: t("noDrivers") }));

  const series = (composite.series ?? []).map((p) => ({ period: p.period, value: wire(p.value).value }));
  if (series.length) {
    parts.push(h("h4", { text: t("compositeSeries") }));
    parts.push(seriesChart({ series, min: 0, max: 10, label: `${t("compositeSeries")}: ${series.map((p) => `${quarter(p.period)} ${num(p.value)}`).join("; ")}`, className: "composite-series" }));
  }
  return h("section", { class: "composite", "aria-labelledby": "composite-title" }, parts);
}
