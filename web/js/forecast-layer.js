// riskmap web: the "forecast" map layer: P(exceeding the plan target) next quarter for the
// forecast indicator shown, regions at country level and a region's districts below, in fixed
// probability classes whose top class starts at the priority trigger (/api/v1/meta); its legend, the
// table twin's column and the tooltip line. Asked for only by roles that get forecasts (not the
// public, not the steward) and only while the layer is chosen.
import { getJson } from "./api.js";
import { t, num, percent, quarter } from "./i18n.js";
import { state, level } from "./state.js";
import { SEQUENTIAL, NO_DATA } from "./palette.js";

/** `triggers.forecast_exceedance_probability` of data/methodology.toml, as /api/v1/meta
 * sends it: at or above it a forecast puts the unit on the priority list. */
export const trigger = () => state.meta.forecast_exceedance_probability;
/** Class limits over [0, 1]: fixed below, the last one is the trigger. */
export const limits = () => [0.2, 0.5, trigger()];
// Four classes spread over the five-colour scale, as `classify` spreads fewer classes.
const COLOURS = [SEQUENTIAL[0], SEQUENTIAL[1], SEQUENTIAL[3], SEQUENTIAL[4]];

/** Whether the reader may be given forecasts of `meta` (an indicator of /api/v1/meta). */
export function forecastable(meta) {
  const audience = state.meta?.audience ?? "public";
  return Boolean(meta?.forecast) && audience !== "public" && audience !== "steward";
}

/** Whether the map shows the forecast layer now: chosen, allowed, and regions or districts on
 * the map (a district's schools have no forecast). */
export function forecastShown(meta, schools) {
  return state.layer === "forecast" && forecastable(meta) && !schools;
}

const finite = (v) => typeof v === "number" && Number.isFinite(v);
const classOf = (p) => { const l = limits(); let i = 0; while (i < l.length && p >= l[i]) i++; return i; };

/** The colour of probability `p`, or null. */
export const colourOf = (p) => (finite(p) ? COLOURS[classOf(p)] : null);

/** The request for the level shown: the country's regions, or a region's districts. */
function url(code) {
  const query = new URLSearchParams({ level: level() === "country" ? "region" : "district", indicator: code });
  if (level() !== "country") query.set("parent", state.region);
  return `/api/v1/forecasts?${query}`;
}

/** The answer for the level shown (cached per token by getJson); null when refused. */
export const loadForecasts = (code) => getJson(url(code)).catch(() => null);

/** One unit's reading of `answer`: {p, why} (`why` says why there is no probability). */
export function unitForecast(answer, kato) {
  if (!answer || answer.status !== "fitted") return { p: null, why: t("forecastUnavailable") };
  const unit = answer.units?.find((u) => u.kato === kato);
  if (!unit) return { p: null, why: t("forecastOutOfScope") };
  if (!unit.fitted) return { p: null, why: t("forecastNotFitted") };
  const p = unit.p_exceed_target?.value;
  return finite(p) ? { p, why: "" } : { p: null, why: t("forecastNone") };
}

/** The words for a unit in the tooltip and the table: "85%" or "no forecast: why". */
export const forecastWords = ({ p, why }) => (finite(p) ? percent(p * 100, 0) : `${t("forecastNone")}: ${why}`);

/** A probability as the legend writes it: 0,8 or 0,85 (the page's decimal mark). */
const probability = (p) => num(p, 2, 1);

/** Legend classes, highest first, as legend entries. */
function classEntries() {
  const l = limits();
  const label = (i) => {
    if (i === 0) return `< ${probability(l[0])}`;
    if (i === l.length) return `≥ ${probability(trigger())} — ${t("forecastTrigger")}`;
    return `${probability(l[i - 1])} – ${probability(l[i])}`;
  };
  return COLOURS.map((colour, i) => ({ kind: "fill", colour, text: label(i) })).reverse();
}

/** The legend's title, lines and class entries for the layer (overlays are added by legend.js). */
export function forecastLegend({ indicator, lang, answer }) {
  const when = answer?.quarter ? quarter(answer.quarter) : "—";
  const lines = [`${indicator.label[lang]} — ${t("forecastLayerNote")} ${when}`,
    `${t("forecastTriggerNote")}: ${probability(trigger())}`];
  const entries = [...classEntries(), { kind: "fill", colour: NO_DATA, text: t("forecastNone") }];
  return { title: t("pTarget"), lines, entries };
}
