// riskmap web: the unit panel's next-quarter forecast of an event indicator (S1/S2 counts):
// the observed counts the model was fitted on, the forecast's mean and 90 % interval as a band,
// and the probabilities of exceeding the plan target and the reference level. Asked for only
// by roles that get forecasts (not the public, not the steward), for forecast indicators; the
// server answers only for units the reader sees exactly.
import { getJson } from "./api.js";
import { t, num, percent, quarter } from "./i18n.js";
import { h } from "./dom.js";
import { forecastChart } from "./charts.js";
import { forecastable } from "./forecast-layer.js";

export { forecastable };

const count = (c) => (typeof c === "number" ? c : null);

/** The panel section for `kato` at `level` and indicator `code`, or null. */
export async function forecastSection(kato, level, code) {
  const query = new URLSearchParams({ level, indicator: code });
  if (level === "district") query.set("parent", `${kato.slice(0, 2)}0000000`);
  const answer = await getJson(`/api/v1/forecasts?${query}`).catch(() => null);
  const unit = answer?.units?.find((u) => u.kato === kato);
  if (!answer || !unit) return null;
  const title = h("h3", { text: `${t("forecastTitle")} — ${quarter(answer.quarter)}` });
  if (!unit.fitted) {
    return h("section", { class: "forecast" }, title, h("p", { class: "hint", text: t("forecastNone") }));
  }
  const series = unit.observed.map((o) => ({ period: o.period, value: count(o.count) }));
  const forecast = { period: answer.quarter, mean: unit.mean.value, lower: count(unit.lower), upper: count(unit.upper) };
  const band = `${num(forecast.lower, 0)}–${num(forecast.upper, 0)}`;
  const label = `${t("forecastTitle")}: ${series.map((p) => `${quarter(p.period)} ${num(p.value, 0)}`).join("; ")}; ${quarter(answer.quarter)} ${num(forecast.mean)} (${t("forecastBand")} ${band})`;
  const probability = (p) => (p?.value === null || p?.value === undefined ? "—" : percent(p.value * 100, 0));
  return h("section", { class: "forecast" }, title,
    forecastChart({ series, forecast, label }),
    h("dl", { class: "facts" },
      h("dt", { text: t("forecastMean") }), h("dd", { text: `${num(forecast.mean)} (${t("forecastBand")} ${band})` }),
      h("dt", { text: t("pTarget") }), h("dd", { class: "p-target", text: `${probability(unit.p_exceed_target)} (> ${num(unit.target_threshold.value)})` }),
      h("dt", { text: t("pReference") }), h("dd", { text: `${probability(unit.p_exceed_reference)} (> ${num(unit.reference_threshold.value)})` })),
    h("p", { class: "hint", text: t("forecastModel") }));
}
