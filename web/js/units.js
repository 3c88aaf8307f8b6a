// riskmap web: the units of each map level from the JSON API (regions, a region's districts, a
// district's schools) for the chosen quarter, and one reading of their disclosed values.
import { getJson } from "./api.js";
import { t, num } from "./i18n.js";
import { state } from "./state.js";
import { COMPOSITE, compositeEntry } from "./composite.js";

/** `{value, flag}` from either a wire value object or a bare number. */
export const wire = (v) => (v && typeof v === "object" && "value" in v ? { value: v.value ?? null, flag: v.flag ?? null } : { value: v ?? null, flag: null });

/** One indicator of one unit: raw value and flag, smoothed value, band, rank, top-decile flag. */
export function entryOf(props, code) {
  if (code === COMPOSITE) return compositeEntry(props);
  const raw = props?.indicators?.[code];
  if (!raw) return { value: null, flag: ":" };
  const inner = wire(raw.value !== undefined && typeof raw.value === "object" ? raw.value : raw);
  return {
    value: inner.value,
    flag: inner.flag ?? raw.flag ?? null,
    smoothed: raw.smoothed ?? null,
    band: raw.band ?? null,
    rank: raw.rank ?? null,
    topDecile: raw.top_decile ?? false,
    pExceed: raw.p_exceed ?? null,
    quarters: raw.quarters ?? [],
  };
}

/** The value the map colours by: raw, or smoothed where the raw value is visible. */
export function shownValue(entry) {
  if (state.values === "smoothed" && entry.smoothed !== null && entry.smoothed !== undefined) return entry.smoothed;
  return entry.value;
}

/** The quarter as a query parameter, left out for the latest (the server's default) so that
 * the first request, made before the catalogue is known, is the same one as later. */
const periodParam = () => (state.period && state.period !== state.meta?.latest_period ? `&period=${encodeURIComponent(state.period)}` : "");

export const loadRegions = () => getJson(`/api/v1/regions?geometry=false${periodParam()}`);
export const loadDistricts = (region) => getJson(`/api/v1/regions/${region}/districts?geometry=false${periodParam()}`);
/** Schools of a district: only ever called when the scope may see them. */
export const loadSchools = (district) => getJson(`/api/v1/units?level=school&parent=${district}&geometry=false${periodParam()}`);

/** A disclosed value in words, the same in the tooltip, the table and the card:
 * "4,9", "0,9 · неустойчиво (u)", "скрыто (c)" or "нет данных". */
export function valueWords({ value, flag }, digits = 1, minimum = 0) {
  if (value === null || value === undefined) return flag === "c" ? t("suppressed") : t("noData");
  return num(value, digits, minimum) + (flag === "u" ? ` · ${t("unstable")}` : "");
}

/** The priority list's index of each school of a district (schools have no composite on the
 * map; the tooltip and the card both read this one). */
export const loadSchoolIndex = (district) => getJson(`/api/v1/priority?parent=${district}${state.period ? `&period=${state.period}` : ""}`);

export const idOf = (feature) => feature.properties.kato ?? feature.properties.school_id;
