// riskmap web map: choropleth of regions and districts from the riskmap API, drawn with
// MapLibre GL JS served by riskmap itself (no CDN, no basemap needed).
import * as maplibregl from "/vendor/maplibre-gl/maplibre-gl.mjs";
import { STRINGS, numberFormat } from "/i18n.js";

// ColorBrewer YlOrRd, 5 classes (colour-blind safe sequential); grey for no value.
const PALETTE = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
const NO_VALUE = "#bdbdbd";

const state = {
  lang: localStorage.getItem("riskmap.lang") || "ru",
  meta: null,
  indicator: "viol_rate",
  period: null,
  region: null, // { kato, names } when drilled down
  regions: null,
  districts: null,
  breaks: [],
};

const map = new maplibregl.Map({
  container: "map",
  style: {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#dfe8ef" } }],
  },
  center: [67.5, 48.2],
  zoom: 3.6,
  attributionControl: false,
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
window.riskmap = { map, state };

const t = (key) => STRINGS[state.lang][key] ?? STRINGS.en[key] ?? key;
const nameOf = (props) => props[`name_${state.lang}`] || props.name_en;

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

function indicatorMeta() {
  return state.meta.indicators.find((i) => i.code === state.indicator) ?? state.meta.indicators[0];
}

// Flattens the chosen indicator into top-level properties MapLibre expressions can read.
function flatten(collection) {
  for (const feature of collection.features) {
    const entry = feature.properties.indicators?.[state.indicator];
    feature.properties.value = entry?.value ?? null;
    feature.properties.flag = entry?.flag ?? null;
  }
  return collection;
}

// Quintile breaks over the values shown.
function quintiles(values) {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  return [0.2, 0.4, 0.6, 0.8].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
}

function fillColour(breaks) {
  const steps = ["step", ["to-number", ["get", "value"]], PALETTE[0]];
  breaks.forEach((b, i) => steps.push(b, PALETTE[i + 1]));
  return ["case", ["==", ["get", "value"], null], NO_VALUE, steps];
}

function setSource(id, data) {
  const source = map.getSource(id);
  if (source) source.setData(data);
  else map.addSource(id, { type: "geojson", data, promoteId: "kato" });
}

function ensureLayers(id) {
  if (map.getLayer(`${id}-fill`)) return;
  map.addLayer({ id: `${id}-fill`, type: "fill", source: id, paint: { "fill-color": NO_VALUE, "fill-opacity": 0.9 } });
  map.addLayer({ id: `${id}-line`, type: "line", source: id, paint: { "line-color": "#404040", "line-width": id === "regions" ? 1.2 : 0.6 } });
}

function visibleCollection() {
  return state.region ? state.districts : state.regions;
}

function recolour() {
  const active = state.region ? "districts" : "regions";
  const collection = visibleCollection();
  if (!collection) return;
  state.breaks = quintiles(collection.features.map((f) => f.properties.value));
  for (const id of ["regions", "districts"]) {
    if (!map.getLayer(`${id}-fill`)) continue;
    const visible = id === active || (id === "regions" && state.region);
    map.setLayoutProperty(`${id}-fill`, "visibility", visible ? "visible" : "none");
    map.setLayoutProperty(`${id}-line`, "visibility", visible ? "visible" : "none");
  }
  map.setPaintProperty(`${active}-fill`, "fill-color", fillColour(state.breaks));
  if (state.region) {
    map.setPaintProperty("regions-fill", "fill-color", "#f7f7f7");
  }
  renderLegend();
}

function renderLegend() {
  const meta = indicatorMeta();
  const fmt = numberFormat(state.lang);
  const legend = document.getElementById("legend");
  const items = [];
  const bounds = [null, ...state.breaks, null];
  for (let i = 0; i < PALETTE.length && state.breaks.length; i++) {
    const low = bounds[i] === null ? "" : fmt.format(bounds[i]);
    const high = bounds[i + 1] === null ? "" : fmt.format(bounds[i + 1]);
    const label = low && high ? `${low} – ${high}` : low ? `≥ ${low}` : `< ${high}`;
    items.push(`<li><span class="swatch" style="background:${PALETTE[i]}"></span>${label}</li>`);
  }
  items.push(`<li><span class="swatch" style="background:${NO_VALUE}"></span>${t("noData")} / ${t("suppressed")}</li>`);
  legend.innerHTML = `<h2>${meta.label[state.lang]}</h2><div>${meta.unit[state.lang]}, ${t("rollingYear")} (${state.period ?? "—"})</div><ul>${items.join("")}</ul><div>${t("clickHint")}</div>`;
}

function renderChrome() {
  document.documentElement.lang = state.lang;
  document.getElementById("title").textContent = t("title");
  document.getElementById("label-indicator").textContent = t("indicator");
  document.getElementById("label-period").textContent = t("period");
  document.getElementById("label-language").textContent = t("language");
  document.getElementById("language").value = state.lang;
  const select = document.getElementById("indicator");
  select.innerHTML = state.meta.indicators.map((i) => `<option value="${i.code}">${i.label[state.lang]}</option>`).join("");
  select.value = state.indicator;
  const banner = document.getElementById("synthetic-banner");
  banner.hidden = !state.meta.synthetic;
  banner.textContent = t("synthetic");
  document.getElementById("attribution").textContent = state.meta.attribution;
  const crumbs = document.getElementById("breadcrumbs");
  crumbs.innerHTML = "";
  const home = document.createElement("button");
  home.textContent = t("country");
  home.addEventListener("click", () => drillUp());
  crumbs.append(home);
  if (state.region) {
    crumbs.append(" › ", nameOf(state.region.properties));
  }
}

async function loadRegions() {
  const period = state.period ? `&period=${state.period}` : "";
  state.regions = flatten(await fetchJson(`/api/v1/regions?indicators=${state.indicator}${period}`));
  setSource("regions", state.regions);
  ensureLayers("regions");
}

async function loadDistricts() {
  if (!state.region) return;
  const period = state.period ? `&period=${state.period}` : "";
  state.districts = flatten(await fetchJson(`/api/v1/regions/${state.region.properties.kato}/districts?indicators=${state.indicator}${period}`));
  setSource("districts", state.districts);
  ensureLayers("districts");
}

// Keeps the legend (bottom left) from covering units when fitting the map to a collection.
function fitPadding() {
  const legend = document.getElementById("legend").getBoundingClientRect();
  const wide = window.innerWidth > 800;
  return { top: 20, right: 50, bottom: wide ? 20 : legend.height + 20, left: wide ? legend.width + 24 : 20 };
}

function boundsOf(collection) {
  const bounds = new maplibregl.LngLatBounds();
  const visit = (coords) => (typeof coords[0] === "number" ? bounds.extend(coords) : coords.forEach(visit));
  collection.features.forEach((f) => visit(f.geometry.coordinates));
  return bounds;
}

async function drillDown(kato) {
  const feature = state.regions.features.find((f) => f.properties.kato === kato);
  if (!feature) return;
  state.region = feature;
  await loadDistricts();
  renderChrome();
  recolour();
  map.fitBounds(boundsOf(state.districts), { padding: fitPadding(), duration: 0 });
}

function drillUp() {
  state.region = null;
  renderChrome();
  recolour();
  map.fitBounds(boundsOf(state.regions), { padding: fitPadding(), duration: 0 });
}

const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
function tooltip(event) {
  const feature = event.features?.[0];
  if (!feature) return;
  const props = feature.properties;
  const fmt = numberFormat(state.lang);
  const value = props.value === null || props.value === undefined ? (props.flag === "c" ? t("suppressed") : t("noData")) : fmt.format(props.value);
  const flag = props.flag === "u" ? ` (${t("unstable")})` : "";
  const meta = indicatorMeta();
  popup
    .setLngLat(event.lngLat)
    .setHTML(`<strong>${nameOf(props)}</strong><br>${meta.label[state.lang]}: ${value}${flag}<br><small>${meta.unit[state.lang]}; ${t("schools")}: ${props.schools_reporting}</small>`)
    .addTo(map);
}

async function refresh() {
  await loadRegions();
  await loadDistricts();
  renderChrome();
  recolour();
}

async function start() {
  state.meta = await fetchJson("/api/v1/meta");
  if (!state.meta.indicators.some((i) => i.code === state.indicator)) state.indicator = state.meta.indicators[0].code;
  state.period = state.meta.latest_period;
  const periodSelect = document.getElementById("period");
  periodSelect.innerHTML = state.meta.periods.map((p) => `<option>${p}</option>`).join("");
  periodSelect.value = state.period ?? "";
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once("load", resolve)));
  await refresh();
  map.fitBounds(boundsOf(state.regions), { padding: fitPadding(), duration: 0 });
  for (const id of ["regions", "districts"]) {
    map.on("mousemove", `${id}-fill`, tooltip);
    map.on("mouseleave", `${id}-fill`, () => popup.remove());
  }
  map.on("click", "regions-fill", (event) => {
    if (!state.region) drillDown(event.features[0].properties.kato);
  });
  document.getElementById("indicator").addEventListener("change", (e) => { state.indicator = e.target.value; refresh(); });
  periodSelect.addEventListener("change", (e) => { state.period = e.target.value; refresh(); });
  document.getElementById("language").addEventListener("change", (e) => {
    state.lang = e.target.value;
    localStorage.setItem("riskmap.lang", state.lang);
    renderChrome();
    renderLegend();
  });
  map.once("idle", () => document.body.setAttribute("data-ready", "true"));
}

start().catch((error) => {
  console.error(error);
  document.getElementById("legend").textContent = String(error);
});
