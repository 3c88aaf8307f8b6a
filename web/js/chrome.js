// riskmap web: the page's chrome in the current language: static labels, the toolbar's options,
// the period slider, the layer switch, the role and scope label, the tabs and the breadcrumbs.
import { t, nameOf, quarter, language, attribution } from "./i18n.js";
import { state, level } from "./state.js";
import { h } from "./dom.js";
import { COMPOSITE_META } from "./composite.js";
import { forecastable } from "./forecast-layer.js";

const byId = (id) => document.getElementById(id);
const setText = (id, text) => { const el = byId(id); if (el) el.textContent = text; };

export function renderStatic() {
  document.documentElement.lang = language();
  document.title = `${t("title")} — riskmap`;
  setText("title", t("title"));
  setText("skip", t("skip"));
  setText("label-language", t("language"));
  byId("language").value = language();
  setText("signin-summary", state.token ? `${t("signOut")} / ${t("signIn")}` : t("signIn"));
  setText("label-token", t("token"));
  setText("label-demo", t("demoToken"));
  setText("sign-in", t("signIn"));
  setText("sign-out", t("signOut"));
  setText("settings-summary", t("settings"));
  setText("label-basemap", t("basemap"));
  setText("basemap-hint", t("basemapHint"));
  setText("basemap-apply", t("apply"));
  setText("basemap-clear", t("clear"));
  byId("views").setAttribute("aria-label", t("views"));
  for (const [id, key] of [["tab-map", "viewMap"], ["tab-compare", "viewCompare"], ["tab-priority", "viewPriority"], ["tab-reporting", "viewReporting"], ["tab-programmes", "viewProgrammes"]]) setText(id, t(key));
  setText("label-indicator", t("indicator"));
  setText("label-period", t("period"));
  setText("label-values", t("values"));
  setText("label-palette", t("palette"));
  setText("label-hotspots", t("hotspots"));
  setText("save-png", t("savePng"));
  setText("toolbar-toggle", t("filters"));
  setText("legend-toggle", t("legend"));
  const options = (id, entries) => { for (const [value, key] of entries) byId(id).querySelector(`option[value="${value}"]`).textContent = t(key); };
  options("values", [["raw", "valuesRaw"], ["smoothed", "valuesSmoothed"]]);
  options("palette", [["sequential", "paletteSequential"], ["diverging", "paletteDiverging"]]);
  options("hotspots", [["off", "hotspotsOff"], ["gistar", "hotspotsGi"], ["lisa", "hotspotsLisa"]]);
  setText("label-coverage", t("prog.coverage"));
  options("coverage", [["off", "prog.coverageOff"], ["on", "prog.coverageOn"]]);
  byId("coverage").value = state.coverage;
  byId("coverage-field").hidden = !state.scope?.readsProgrammes;
  renderLayerSwitch();
  byId("values").value = state.values;
  byId("palette").value = state.palette;
  byId("hotspots").value = state.hotspots;
  byId("breadcrumbs").setAttribute("aria-label", t("breadcrumbs"));
  byId("map").setAttribute("aria-label", t("mapLabel"));
  document.querySelector("#map canvas")?.setAttribute("aria-label", t("mapLabel"));
  for (const [selector, key] of [[".maplibregl-ctrl-zoom-in", "zoomIn"], [".maplibregl-ctrl-zoom-out", "zoomOut"]]) {
    const button = document.querySelector(selector);
    if (button) { button.title = t(key); button.setAttribute("aria-label", t(key)); }
  }
  const banner = byId("synthetic-banner");
  banner.hidden = !state.meta?.synthetic;
  banner.textContent = t("synthetic");
}

/** The values/forecast switch: only for a forecast indicator and a role that gets forecasts. */
function renderLayerSwitch() {
  setText("label-layer", t("mapLayer"));
  for (const [value, key] of [["values", "layerValues"], ["forecast", "layerForecast"]]) byId("layer").querySelector(`option[value="${value}"]`).textContent = t(key);
  byId("layer").value = state.layer;
  const indicator = state.meta?.indicators.find((i) => i.code === state.indicator);
  byId("layer-field").hidden = !forecastable(indicator);
}

export function renderMetaControls() {
  const meta = state.meta;
  if (!meta) return;
  const lang = language();
  byId("indicator").replaceChildren(...[COMPOSITE_META, ...meta.indicators].map((i) => h("option", { value: i.code, selected: i.code === state.indicator }, i.label[lang])));
  const slider = byId("period");
  slider.max = String(Math.max(0, meta.periods.length - 1));
  slider.value = String(Math.max(0, meta.periods.indexOf(state.period)));
  showPeriod(state.period);
  byId("attribution").textContent = attribution(meta.attribution);
  byId("hotspots-field").hidden = !state.scope?.seesHotspots;
}

export function showPeriod(period) {
  const text = quarter(period);
  byId("period-value").textContent = text;
  byId("period").setAttribute("aria-valuetext", text);
}

/** The role and its scope; district names come from `districts` (the scope's region) if given. */
export function renderRole(regions, districts) {
  const meta = state.meta;
  if (!meta) return;
  const scope = state.scope;
  const name = (collection, kato) => nameOf(collection?.features.find((f) => f.properties.kato === kato)?.properties) || kato;
  const districtNames = scope.districts.map((k) => name(districts, k)).join(", ");
  let where = "";
  if (scope.kind === "ministry") where = t("scopeAll");
  else if (scope.kind === "akimat") where = `${t("scopeRegion")}: ${name(regions, scope.region)}${scope.districts.length ? `, ${t("scopeDistricts")}: ${districtNames}` : ""}`;
  else if (scope.kind === "crisis") where = `${t("scopeDistricts")}: ${districtNames}`;
  const role = meta.role === "anonymous" ? "anonymous" : meta.role;
  byId("role-label").textContent = `${t("role")}: ${t(`roles.${role}`)}${where ? ` · ${where}` : ""}`;
}

export function renderTabs() {
  // A role without analytic access (the data steward) has only its notice: the other views
  // would wait for answers it may not get.
  const analytic = state.scope?.analytic !== false;
  if (!analytic) state.view = "map";
  // Without analytic access the map, its toolbar, tabs, table and legend would do nothing:
  // style.css shows such a role only the header (language, sign-in) and its notice.
  document.body.dataset.analytic = String(analytic);
  if (state.view === "programmes" && !state.scope?.readsProgrammes) state.view = "map";
  document.body.dataset.view = state.view;
  for (const button of byId("views").querySelectorAll("button")) {
    const current = button.dataset.view === state.view;
    if (current) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
    const view = button.dataset.view;
    button.hidden = (view === "priority" && !state.scope?.seesSchools) || (view === "programmes" && !state.scope?.readsProgrammes) || (!analytic && view !== "map");
  }
  for (const view of ["map", "compare", "priority", "reporting", "programmes"]) byId(`view-${view}`).hidden = view !== state.view;
}

export function renderCrumbs({ regions, districts, toCountry, toRegion }) {
  const crumbs = byId("breadcrumbs");
  const items = [];
  const lvl = level();
  const name = (collection, kato) => nameOf(collection?.features.find((f) => f.properties.kato === kato)?.properties);
  const link = (text, action) => h("button", { type: "button", onclick: action }, text);
  const here = (text) => h("span", { "aria-current": "page" }, text);
  items.push(lvl === "country" ? here(t("country")) : link(t("country"), toCountry));
  if (state.region) items.push(" › ", lvl === "region" ? here(name(regions, state.region)) : link(name(regions, state.region), () => toRegion(state.region)));
  if (state.district) items.push(" › ", here(name(districts, state.district)));
  crumbs.replaceChildren(...items);
}
