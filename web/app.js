// riskmap web map: choropleth of regions and districts drawn from riskmap's vector tiles with
// MapLibre GL JS served by riskmap itself (no CDN, no basemap needed); class breaks, names and
// tooltips from the JSON API; school points for roles that may see them; bearer-token sign-in.
import * as maplibregl from "/vendor/maplibre-gl/maplibre-gl.mjs";
import { STRINGS, numberFormat } from "/i18n.js";

// ColorBrewer YlOrRd, 5 classes (colour-blind safe sequential); grey for no value.
const PALETTE = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
const NO_VALUE = "#bdbdbd";

const params = new URLSearchParams(window.location.search);
const state = {
  lang: params.get("lang") || localStorage.getItem("riskmap.lang") || "ru",
  token: sessionStorage.getItem("riskmap.token") || "",
  meta: null,
  indicator: params.get("indicator") || "viol_rate",
  period: params.get("period"),
  region: null, // the region feature (from the JSON API) when drilled down
  regions: null,
  districts: null,
  breaks: [],
};

const map = new maplibregl.Map({
  container: "map",
  style: { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#dfe8ef" } }] },
  center: [67.5, 48.2],
  zoom: 3.6,
  attributionControl: false,
  transformRequest: (url) => (state.token && url.startsWith(window.location.origin) ? { url, headers: { Authorization: `Bearer ${state.token}` } } : { url }),
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
window.riskmap = { map, state };

const t = (key) => STRINGS[state.lang][key] ?? STRINGS.en[key] ?? key;
const nameOf = (props) => props[`name_${state.lang}`] || props.name_en;

async function fetchJson(url) {
  const headers = state.token ? { Authorization: `Bearer ${state.token}` } : {};
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

function indicatorMeta() {
  return state.meta.indicators.find((i) => i.code === state.indicator) ?? state.meta.indicators[0];
}

const valueOf = (feature) => feature.properties.indicators?.[state.indicator]?.value ?? null;

// Quintile breaks over the values shown.
function quintiles(values) {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  return [0.2, 0.4, 0.6, 0.8].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
}

function fillColour(breaks) {
  const value = ["get", state.indicator];
  const steps = ["step", ["to-number", value], PALETTE[0]];
  breaks.forEach((b, i) => steps.push(b, PALETTE[i + 1]));
  return ["case", ["has", state.indicator], steps, NO_VALUE];
}

function tileUrl(layer) {
  const period = state.period ? `?period=${state.period}` : "";
  return `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt${period}`;
}

function setTileSource(id) {
  const source = map.getSource(id);
  if (source) source.setTiles([tileUrl(id)]);
  else map.addSource(id, { type: "vector", tiles: [tileUrl(id)], maxzoom: 12, promoteId: id === "schools" ? "school_id" : "kato" });
}

function ensureLayers() {
  if (map.getLayer("regions-fill")) return;
  map.addLayer({ id: "regions-fill", type: "fill", source: "regions", "source-layer": "regions", paint: { "fill-color": NO_VALUE, "fill-opacity": 0.9 } });
  map.addLayer({ id: "districts-fill", type: "fill", source: "districts", "source-layer": "districts", paint: { "fill-color": NO_VALUE, "fill-opacity": 0.9 }, layout: { visibility: "none" } });
  map.addLayer({ id: "districts-line", type: "line", source: "districts", "source-layer": "districts", paint: { "line-color": "#404040", "line-width": 0.6 }, layout: { visibility: "none" } });
  map.addLayer({ id: "regions-line", type: "line", source: "regions", "source-layer": "regions", paint: { "line-color": "#404040", "line-width": 1.2 } });
}

function ensureSchools() {
  if (!state.meta.may_see_schools || map.getLayer("schools-circle")) return;
  setTileSource("schools");
  map.addLayer({
    id: "schools-circle", type: "circle", source: "schools", "source-layer": "schools", minzoom: 6,
    paint: { "circle-radius": 3.5, "circle-color": "#1f3a93", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1 },
    layout: { visibility: "none" },
  });
  map.on("mousemove", "schools-circle", tooltip);
  map.on("mouseleave", "schools-circle", () => popup.remove());
}

function recolour() {
  const collection = state.region ? state.districts : state.regions;
  if (!collection) return;
  state.breaks = quintiles(collection.features.map(valueOf));
  const prefix = state.region?.properties.kato.slice(0, 2);
  const inRegion = ["==", ["slice", ["get", "kato"], 0, 2], prefix ?? "--"];
  map.setPaintProperty("regions-fill", "fill-color", state.region ? "#f7f7f7" : fillColour(state.breaks));
  map.setPaintProperty("districts-fill", "fill-color", fillColour(state.breaks));
  for (const id of ["districts-fill", "districts-line"]) {
    map.setLayoutProperty(id, "visibility", state.region ? "visible" : "none");
    map.setFilter(id, inRegion);
  }
  if (map.getLayer("schools-circle")) {
    map.setLayoutProperty("schools-circle", "visibility", state.region ? "visible" : "none");
    map.setFilter("schools-circle", ["==", ["slice", ["get", "district_kato"], 0, 2], prefix ?? "--"]);
  }
  renderLegend();
  renderTable();
  saveView();
}

// The URL holds the view, so a link reopens it.
function saveView() {
  const view = new URLSearchParams({ lang: state.lang, indicator: state.indicator });
  if (state.period) view.set("period", state.period);
  if (state.region) view.set("region", state.region.properties.kato);
  window.history.replaceState(null, "", `${window.location.pathname}?${view}`);
}

// The accessible twin of the map: one row per unit, keyboard-navigable (Enter drills down).
function renderTable() {
  const collection = state.region ? state.districts : state.regions;
  if (!collection) return;
  const fmt = numberFormat(state.lang);
  const meta = indicatorMeta();
  document.getElementById("twin-title").textContent = t("table");
  document.getElementById("twin-caption").textContent = `${meta.label[state.lang]}, ${meta.unit[state.lang]} — ${t("tableHint")}`;
  for (const [id, key] of [["th-name", "name"], ["th-value", "value"], ["th-smoothed", "smoothed"], ["th-band", "band"], ["th-rank", "rank"]]) {
    document.getElementById(id).textContent = t(key);
  }
  const rows = collection.features
    .map((f) => ({ props: f.properties, entry: f.properties.indicators?.[state.indicator] ?? {} }))
    .sort((a, b) => (a.entry.rank ?? 1e9) - (b.entry.rank ?? 1e9) || nameOf(a.props).localeCompare(nameOf(b.props)));
  const body = document.getElementById("twin-body");
  body.innerHTML = "";
  for (const { props, entry } of rows) {
    const tr = document.createElement("tr");
    tr.tabIndex = 0;
    tr.dataset.kato = props.kato;
    const shown = entry.value === null || entry.value === undefined ? (entry.flag === "c" ? t("suppressed") : t("noData")) : fmt.format(entry.value) + (entry.flag === "u" ? " (u)" : "");
    for (const text of [nameOf(props), shown, entry.smoothed != null ? fmt.format(entry.smoothed) : "—", entry.band ?? "—", entry.rank ?? "—"]) {
      const td = document.createElement("td");
      td.textContent = String(text);
      tr.append(td);
    }
    const open = () => { if (!state.region) drillDown(props.kato); };
    tr.addEventListener("click", open);
    tr.addEventListener("keydown", (event) => {
      if (event.key === "Enter") open();
      if (event.key === "ArrowDown") tr.nextElementSibling?.focus();
      if (event.key === "ArrowUp") tr.previousElementSibling?.focus();
    });
    body.append(tr);
  }
}

function renderLegend() {
  const meta = indicatorMeta();
  const fmt = numberFormat(state.lang);
  const items = [];
  const bounds = [null, ...state.breaks, null];
  for (let i = 0; i < PALETTE.length && state.breaks.length; i++) {
    const low = bounds[i] === null ? "" : fmt.format(bounds[i]);
    const high = bounds[i + 1] === null ? "" : fmt.format(bounds[i + 1]);
    const label = low && high ? `${low} – ${high}` : low ? `≥ ${low}` : `< ${high}`;
    items.push(`<li><span class="swatch" style="background:${PALETTE[i]}"></span>${label}</li>`);
  }
  items.push(`<li><span class="swatch" style="background:${NO_VALUE}"></span>${t("noData")} / ${t("suppressed")}</li>`);
  const hint = state.region ? "" : `<div>${t("clickHint")}</div>`;
  document.getElementById("legend").innerHTML = `<h2>${meta.label[state.lang]}</h2><div>${meta.unit[state.lang]}, ${t("rollingYear")} (${state.period ?? "—"})</div><ul>${items.join("")}</ul>${hint}`;
}

function renderChrome() {
  document.documentElement.lang = state.lang;
  document.getElementById("title").textContent = t("title");
  document.getElementById("label-indicator").textContent = t("indicator");
  document.getElementById("label-period").textContent = t("period");
  document.getElementById("label-language").textContent = t("language");
  document.getElementById("label-token").textContent = t("signIn");
  document.getElementById("language").value = state.lang;
  const select = document.getElementById("indicator");
  select.innerHTML = state.meta.indicators.map((i) => `<option value="${i.code}">${i.label[state.lang]}</option>`).join("");
  select.value = state.indicator;
  const banner = document.getElementById("synthetic-banner");
  banner.hidden = !state.meta.synthetic;
  banner.textContent = t("synthetic");
  document.getElementById("attribution").textContent = state.meta.attribution;
  document.getElementById("role-label").textContent = `${t("role")}: ${state.meta.role === "anonymous" ? t("anonymous") : state.meta.role} · ${state.meta.scope}`;
  const crumbs = document.getElementById("breadcrumbs");
  crumbs.innerHTML = "";
  const home = document.createElement("button");
  home.textContent = t("country");
  home.addEventListener("click", () => drillUp());
  crumbs.append(home);
  if (state.region) crumbs.append(" › ", nameOf(state.region.properties));
}

async function loadData() {
  const period = state.period ? `&period=${state.period}` : "";
  state.regions = await fetchJson(`/api/v1/regions?indicators=${state.indicator}${period}`);
  if (state.region) {
    state.districts = await fetchJson(`/api/v1/regions/${state.region.properties.kato}/districts?indicators=${state.indicator}&geometry=false${period}`);
  }
}

function boundsOf(features) {
  const bounds = new maplibregl.LngLatBounds();
  const visit = (coords) => (typeof coords[0] === "number" ? bounds.extend(coords) : coords.forEach(visit));
  features.forEach((f) => f.geometry && visit(f.geometry.coordinates));
  return bounds;
}

// Keeps the legend (bottom left) from covering units when fitting the map.
function fitPadding() {
  const legend = document.getElementById("legend").getBoundingClientRect();
  const wide = window.innerWidth > 800;
  return { top: 20, right: 50, bottom: wide ? 20 : legend.height + 20, left: wide ? legend.width + 24 : 20 };
}

async function drillDown(kato) {
  const feature = state.regions.features.find((f) => f.properties.kato === kato);
  if (!feature) return;
  state.region = feature;
  await loadData();
  renderChrome();
  recolour();
  map.fitBounds(boundsOf([feature]), { padding: fitPadding(), duration: 0 });
}

function drillUp() {
  state.region = null;
  renderChrome();
  recolour();
  map.fitBounds(boundsOf(state.regions.features), { padding: fitPadding(), duration: 0 });
}

const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
function tooltip(event) {
  const feature = event.features?.[0];
  if (!feature) return;
  const props = feature.properties;
  const fmt = numberFormat(state.lang);
  const raw = props[state.indicator];
  const flag = props[`${state.indicator}_flag`];
  const value = raw === undefined || raw === null ? (flag === "c" ? t("suppressed") : t("noData")) : fmt.format(raw);
  const unstable = flag === "u" ? ` (${t("unstable")})` : "";
  const meta = indicatorMeta();
  popup.setLngLat(event.lngLat).setHTML(`<strong>${nameOf(props)}</strong><br>${meta.label[state.lang]}: ${value}${unstable}<br><small>${meta.unit[state.lang]}</small>`).addTo(map);
}

async function refresh() {
  await loadData();
  for (const id of ["regions", "districts", "schools"]) if (id !== "schools" || map.getSource("schools")) setTileSource(id);
  ensureLayers();
  ensureSchools();
  renderChrome();
  recolour();
}

async function loadMeta() {
  state.meta = await fetchJson("/api/v1/meta");
  state.meta.may_see_schools = !["anonymous", "public", "steward"].includes(state.meta.role) || state.meta.audience === "ministry";
  if (!state.meta.indicators.some((i) => i.code === state.indicator)) state.indicator = state.meta.indicators[0].code;
  state.period = state.period && state.meta.periods.includes(state.period) ? state.period : state.meta.latest_period;
  const periodSelect = document.getElementById("period");
  periodSelect.innerHTML = state.meta.periods.map((p) => `<option>${p}</option>`).join("");
  periodSelect.value = state.period ?? "";
}

async function offerDemoTokens() {
  try {
    const demo = await fetch("/api/v1/demo/tokens");
    if (!demo.ok) return;
    const { tokens } = await demo.json();
    const select = document.getElementById("demo-token");
    select.innerHTML = `<option value="">${t("demoToken")}…</option>` + tokens.map((k) => `<option value="${k.token}">${k.role} (${k.scope})</option>`).join("");
    select.hidden = false;
    select.addEventListener("change", () => { document.getElementById("token").value = select.value; });
  } catch (error) {
    console.warn("demo tokens unavailable", error);
  }
}

async function signIn(token) {
  state.token = token.trim();
  if (state.token) sessionStorage.setItem("riskmap.token", state.token);
  else sessionStorage.removeItem("riskmap.token");
  if (map.getLayer("schools-circle")) map.removeLayer("schools-circle");
  if (map.getSource("schools")) map.removeSource("schools");
  await loadMeta();
  await refresh();
}

async function start() {
  await loadMeta();
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once("load", resolve)));
  await refresh();
  map.fitBounds(boundsOf(state.regions.features), { padding: fitPadding(), duration: 0 });
  if (params.get("region")) await drillDown(params.get("region"));
  for (const id of ["regions", "districts"]) {
    map.on("mousemove", `${id}-fill`, tooltip);
    map.on("mouseleave", `${id}-fill`, () => popup.remove());
  }
  map.on("click", "regions-fill", (event) => {
    if (!state.region) drillDown(event.features[0].properties.kato);
  });
  document.getElementById("indicator").addEventListener("change", (e) => { state.indicator = e.target.value; refresh(); });
  document.getElementById("period").addEventListener("change", (e) => { state.period = e.target.value; refresh(); });
  document.getElementById("language").addEventListener("change", (e) => {
    state.lang = e.target.value;
    localStorage.setItem("riskmap.lang", state.lang);
    renderChrome();
    renderLegend();
    renderTable();
    saveView();
  });
  document.getElementById("sign-in").addEventListener("click", () => signIn(document.getElementById("token").value).catch(showError));
  offerDemoTokens();
  map.once("idle", () => document.body.setAttribute("data-ready", "true"));
}

function showError(error) {
  console.error(error);
  document.getElementById("legend").textContent = String(error);
}

start().catch(showError);
