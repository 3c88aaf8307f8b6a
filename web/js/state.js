// riskmap web: the view state (what is shown), its reflection in the URL so a link reopens the
// view, and the preferences remembered in the browser (language, token, basemap).
export const VIEWS = ["map", "compare", "priority", "reporting", "programmes"];

const params = new URLSearchParams(window.location.search);
const stored = (key) => { try { return localStorage.getItem(key); } catch { return null; } };

export const state = {
  lang: params.get("lang") || stored("riskmap.lang") || "ru",
  token: sessionStorage.getItem("riskmap.token") || "",
  basemap: stored("riskmap.basemap") || "",
  meta: null,
  scope: null,
  view: VIEWS.includes(params.get("view")) ? params.get("view") : "map",
  indicator: params.get("indicator") || "",
  period: params.get("period") || "",
  values: params.get("values") === "smoothed" ? "smoothed" : "raw",
  palette: params.get("palette") === "diverging" ? "diverging" : "sequential",
  hotspots: ["gistar", "lisa"].includes(params.get("hotspots")) ? params.get("hotspots") : "off",
  region: params.get("region") || null, // KATO of the region drilled into
  district: params.get("district") || null, // KATO of the district drilled into (schools shown)
  selected: params.get("unit") || null, // KATO or school id shown in the unit panel
  compare: (params.get("units") || "").split(",").filter(Boolean).slice(0, 6),
  priorityParent: params.get("area") || null,
  programme: Number(params.get("programme")) || null, // id of the programme open in the Programmes view
  coverage: params.get("coverage") === "on" ? "on" : "off", // the programme-coverage map layer
  layer: params.get("layer") === "forecast" ? "forecast" : "values", // values, or P(exceeding the plan target)
};

export function remember(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch { /* private mode: not remembered */ }
}

/** The level shown on the map: the country (regions), a region (districts), a district (schools). */
export function level() {
  if (state.district) return "district";
  if (state.region) return "region";
  return "country";
}

/** Writes the view into the URL (replaceState: the back button is not flooded). */
export function saveView() {
  const view = new URLSearchParams({ lang: state.lang });
  if (state.view !== "map") view.set("view", state.view);
  if (state.indicator) view.set("indicator", state.indicator);
  if (state.period) view.set("period", state.period);
  if (state.values !== "raw") view.set("values", state.values);
  if (state.palette !== "sequential") view.set("palette", state.palette);
  if (state.hotspots !== "off") view.set("hotspots", state.hotspots);
  if (state.region) view.set("region", state.region);
  if (state.district) view.set("district", state.district);
  if (state.selected) view.set("unit", state.selected);
  if (state.compare.length) view.set("units", state.compare.join(","));
  if (state.priorityParent) view.set("area", state.priorityParent);
  if (state.view === "programmes" && state.programme) view.set("programme", String(state.programme));
  if (state.coverage === "on") view.set("coverage", "on");
  if (state.layer === "forecast") view.set("layer", "forecast");
  window.history.replaceState(null, "", `${window.location.pathname}?${view}`);
}
