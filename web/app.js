// riskmap web: entry point. Loads the catalogue and the caller's role, builds the map view and
// the other views (compare, priority list, reporting), wires every control (indicator, period
// slider, values, colours, map layer, clusters, language, sign-in, basemap, PNG) and keeps the URL in step.
import { setLanguage, t, quarter, language, nameOf, attribution } from "./js/i18n.js";
import { state, remember, saveView } from "./js/state.js";
import { getJson, clearCache, scopeOf } from "./js/api.js";
import { MapView } from "./js/mapview.js";
import { applyBasemap, whenIdle, nextIdle, showSchools, KAZAKHSTAN, OWN_LAYERS } from "./js/map.js";
import { renderStatic, renderMetaControls, renderRole, renderTabs, renderCrumbs, showPeriod } from "./js/chrome.js";

// Not needed for the first map: loaded on first use.
const lazy = (path) => {
  let module = null;
  const load = async () => (module ??= await import(path));
  load.loaded = () => module;
  return load;
};
const panelModule = lazy("./js/panel.js");
const compareModule = lazy("./js/compare.js");
const priorityModule = lazy("./js/priority.js");
const reportingModule = lazy("./js/reporting.js");
const programmesModule = lazy("./js/programmes.js");
const pngModule = lazy("./js/export-png.js");
function closePanel() {
  byId("panel").hidden = true;
  byId("panel").replaceChildren();
  panelModule.loaded()?.closePanel();
}
import { resetHotspots } from "./js/hotspots.js";
import { resetCoverage } from "./js/coverage.js";
import { COMPOSITE } from "./js/composite.js";
import { loadDistricts, loadRegions, loadSchoolIndex } from "./js/units.js";

const byId = (id) => document.getElementById(id);
const urlView = { region: state.region, district: state.district, unit: state.selected };
state.region = null; state.district = null; state.selected = null;
setLanguage(state.lang);

function notice(text) {
  const element = byId("notice");
  element.hidden = !text;
  element.textContent = text ?? "";
}

function showError(error) {
  console.error(error);
  notice(`${t("error")}: ${error.message ?? error}`);
}

const view = new MapView({
  onSelect: (what) => openPanel(what).catch(showError),
  onChange: () => { crumbs(); if (state.view !== "map") renderView().catch(showError); },
});
// A hover over a region is a likely click: the panel's code is fetched then, not after it.
view.onPrefetch = () => { panelModule().catch(() => {}); };
window.riskmap = { map: view.map, state, view };

function crumbs() {
  renderCrumbs({ regions: view.regions, districts: view.districts, toCountry: () => { closePanel(); view.toCountry(); }, toRegion: (kato) => view.toRegion(kato) });
}

async function openPanel(what) {
  rememberOpener();
  // Shown at once, so the map's size is final before the camera moves.
  // The wait is shown in place at once: whatever the panel showed gives way to a busy skeleton.
  const panel = byId("panel");
  panel.hidden = false;
  showBusy(panel);
  if (what.kind === "school") {
    const priority = state.scope.schoolsOf(state.district) ? loadSchoolIndex(state.district) : null;
    return (await panelModule()).showSchool(what.school, { priority });
  }
  const isRegion = view.regions?.features.some((f) => f.properties.kato === what.kato);
  const collection = isRegion ? view.regions : view.districts;
  return (await panelModule()).showUnit(what.kato, { collection, compareToggle, parentRegion: isRegion ? null : state.region, after: what.after });
}

/** A skeleton with a spinner and "Loading…" while the panel's data is on its way. */
function showBusy(panel) {
  panel.setAttribute("aria-busy", "true");
  const bar = (width) => Object.assign(document.createElement("div"), { className: "skeleton-bar", style: `width: ${width}%` });
  const status = Object.assign(document.createElement("p"), { className: "busy", textContent: t("loading") });
  status.setAttribute("role", "status");
  panel.replaceChildren(status, bar(70), bar(90), bar(55), bar(80));
}

function compareToggle(kato) {
  state.compare = state.compare.includes(kato) ? state.compare.filter((k) => k !== kato) : [...state.compare, kato].slice(-6);
  saveView();
  if (state.selected) openPanel({ kind: "unit", kato: state.selected }).catch(showError);
}

/** Renders the active non-map view. */
async function renderView() {
  renderTabs();
  saveView();
  const data = { regions: view.regions, districts: view.districts };
  if (state.view === "compare") await (await compareModule()).renderCompare(byId("view-compare"), data);
  if (state.view === "priority") await (await priorityModule()).renderPriority(byId("view-priority"), { ...data, onArea: (kato) => { state.priorityParent = kato; renderView().catch(showError); } });
  if (state.view === "reporting") await (await reportingModule()).renderReporting(byId("view-reporting"), data);
  if (state.view === "programmes") await (await programmesModule()).renderProgrammes(byId("view-programmes"), data);
  if (state.view === "map") view.map.resize();
}

/** Everything that shows text, after a language change or new data. */
function renderAll() {
  renderStatic();
  renderMetaControls();
  renderRole(view.regions, scopeDistricts);
  renderTabs();
  crumbs();
  if (view.regions) view.render();
  if (state.scope && !state.scope.analytic) notice(`${t("stewardNotice")} ${t("stewardUpload")}`);
  if (state.selected && !byId("panel").hidden) {
    const school = view.schools?.features.find((f) => f.properties.school_id === state.selected);
    openPanel(school ? { kind: "school", school } : { kind: "unit", kato: state.selected }).catch(showError);
  }
  if (state.view !== "map") renderView().catch(showError);
}

async function loadMeta() {
  state.meta = await getJson("/api/v1/meta");
  state.scope = scopeOf(state.meta);
  const meta = state.meta;
  // The composite index is the default; a single indicator from the URL is kept if it exists.
  if (state.indicator !== COMPOSITE && !meta.indicators.some((i) => i.code === state.indicator)) state.indicator = COMPOSITE;
  if (!meta.periods.includes(state.period)) state.period = meta.latest_period ?? "";
  if (!state.scope.seesSchools && state.view === "priority") state.view = "map";
  if (!state.scope.readsProgrammes && state.view === "programmes") state.view = "map";
}

/** The districts of the caller's region when the scope is a list of districts (for names). */
let scopeDistricts = null;
async function loadScopeNames() {
  const first = state.scope.districts[0];
  scopeDistricts = first ? await loadDistricts(`${first.slice(0, 2)}0000000`).catch(() => null) : null;
  renderRole(view.regions, scopeDistricts);
}

async function reload() {
  await view.load();
  renderAll();
}

function wire() {
  byId("indicator").addEventListener("change", (e) => { state.indicator = e.target.value; resetHotspots(view); renderAll(); });
  const slider = byId("period");
  slider.addEventListener("input", () => showPeriod(state.meta.periods[Number(slider.value)]));
  slider.addEventListener("change", () => {
    state.period = state.meta.periods[Number(slider.value)];
    reload().catch(showError);
  });
  byId("coverage").addEventListener("change", (e) => { state.coverage = e.target.value; view.render(); });
  byId("layer").addEventListener("change", (e) => { state.layer = e.target.value; view.render(); });
  for (const id of ["values", "palette", "hotspots"]) {
    byId(id).addEventListener("change", (e) => { state[id] = e.target.value; view.render(); });
  }
  byId("language").addEventListener("change", (e) => {
    state.lang = e.target.value;
    setLanguage(state.lang);
    remember("riskmap.lang", state.lang);
    renderAll();
  });
  byId("views").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-view]");
    if (!button) return;
    state.view = button.dataset.view;
    renderView().catch(showError);
  });
  byId("signin-form").addEventListener("submit", (e) => { e.preventDefault(); signIn(byId("token").value).catch(showError); });
  byId("sign-out").addEventListener("click", () => { byId("token").value = ""; signIn("").catch(showError); });
  byId("settings-form").addEventListener("submit", (e) => { e.preventDefault(); setBasemap(byId("basemap").value.trim()); byId("settings-box").open = false; });
  byId("basemap-clear").addEventListener("click", () => { byId("basemap").value = ""; setBasemap(""); });
  byId("save-png").addEventListener("click", () => exportPng().catch(showError));
  // Phones: the toolbar folds away and the legend is an overlay shown on demand.
  for (const [button, target] of [["toolbar-toggle", "toolbar"], ["legend-toggle", "legend"]]) {
    byId(button).addEventListener("click", () => {
      const open = byId(button).getAttribute("aria-expanded") !== "true";
      byId(button).setAttribute("aria-expanded", String(open));
      byId(target).classList.toggle("open", open);
    });
  }
  byId("panel").addEventListener("closed", () => { view.highlight(); saveView(); returnFocus(); });
  // The panel is busy until something other than the skeleton is in it.
  new MutationObserver(() => { if (!byId("panel").querySelector(".busy")) byId("panel").removeAttribute("aria-busy"); }).observe(byId("panel"), { childList: true });
  byId("panel").addEventListener("keydown", (e) => { if (e.key === "Escape") byId("panel").querySelector("button.close")?.click(); });
}

/** What had focus when the panel last opened: it gets focus back when the panel closes. */
let opener = null;
function rememberOpener() {
  const active = document.activeElement;
  if (active && active !== document.body && !byId("panel").contains(active)) opener = active;
}
function returnFocus() {
  const target = opener?.isConnected ? opener : byId("twin-body").querySelector('tr[tabindex="0"]') ?? byId("map").querySelector("canvas");
  opener = null;
  target?.focus();
}

function setBasemap(url) {
  state.basemap = url;
  remember("riskmap.basemap", url);
  applyBasemap(view.map, url);
  view.map.once("style.load", () => view.render());
}

async function exportPng() {
  const { savePng } = await pngModule();
  const meta = view.indicatorMeta();
  const lang = language();
  const area = [t("country"), view.regions?.features.find((f) => f.properties.kato === state.region), view.districts?.features.find((f) => f.properties.kato === state.district)]
    .filter(Boolean).map((x) => (typeof x === "string" ? x : nameOf(x.properties))).join(" › ");
  return savePng({
    map: view.map, labels: view.labels.positions(), legend: view.legend(), indicatorCode: meta.code, period: state.period,
    title: `${t("title")}: ${meta.label[lang]}`, subtitle: `${area} — ${quarter(state.period)}, ${t("rollingYear")}`,
    attribution: attribution(state.meta.attribution), synthetic: state.meta.synthetic,
  });
}

async function offerDemoTokens() {
  const demo = await fetch("/api/v1/demo/tokens").catch(() => null);
  if (!demo?.ok) return;
  const { tokens } = await demo.json();
  const select = byId("demo-token");
  const names = await placeNames(tokens).catch(() => new Map());
  const option = (k) => { const o = new Option(demoTokenLabel(k, names), k.token); o.dataset.role = k.role; return o; };
  const label = () => select.replaceChildren(new Option(`${t("demoToken")}…`, ""), ...tokens.map(option));
  label();
  byId("language").addEventListener("change", label);
  select.hidden = false;
  byId("label-demo").hidden = false;
  select.addEventListener("change", () => { byId("token").value = select.value; });
}

/** KATO → unit properties for the places the demo tokens name (regions, and the districts of
 * their regions), so that options read as names in the page's language. */
async function placeNames(tokens) {
  const names = new Map();
  const regions = await loadRegions();
  for (const f of regions.features) names.set(f.properties.kato, f.properties);
  const regionsOfDistricts = new Set(tokens.flatMap((k) => (k.districts ?? []).map((d) => `${d.slice(0, 2)}0000000`)));
  for (const region of regionsOfDistricts) {
    const districts = await loadDistricts(region).catch(() => null);
    for (const f of districts?.features ?? []) names.set(f.properties.kato, f.properties);
  }
  return names;
}

/** "акимат — г. Алматы, действует ещё 12 ч" in the page's language. */
function demoTokenLabel(token, names) {
  const name = (kato) => nameOf(names.get(kato)) || kato;
  const districts = token.districts ?? [];
  let place = t(`demoScope.${token.role}`);
  if (token.region) place = name(token.region);
  if (districts.length) place = `${t("scopeDistricts")}: ${districts.map(name).join(", ")}`;
  const hours = token.expires_at ? Math.max(0, Math.round((Date.parse(token.expires_at) - Date.now()) / 3_600_000)) : null;
  return `${t(`roles.${token.role}`)} — ${place}${hours === null ? "" : `; ${t("validFor")} ${hours} ${t("hoursShort")}`}`;
}

async function signIn(token) {
  state.token = token.trim();
  if (state.token) sessionStorage.setItem("riskmap.token", state.token);
  else sessionStorage.removeItem("riskmap.token");
  clearCache();
  resetHotspots(view);
  resetCoverage();
  closePanel();
  state.selected = null; state.district = null; state.region = null;
  view.districts = null; view.schools = null;
  await loadMeta();
  byId("signin-box").open = false;
  if (!state.scope.analytic) { stewardOnly(); document.body.dataset.signedIn = state.meta.role; return; }
  // Drop tiles fetched under the previous token; schools are re-created for the new scope.
  for (const id of ["regions-fill", "regions-hatch", "regions-line", "regions-highlight"]) view.map.setLayoutProperty(id, "visibility", "visible");
  for (const id of ["regions", "districts"]) view.map.getSource(id)?.setTiles([`${window.location.origin}/tiles/${id}/{z}/{x}/{y}.mvt`]);
  notice(null);
  await view.load();
  renderAll();
  // The map was not shown to a steward: it takes its size again, and a page opened by a steward
  // gets its map handlers now.
  view.map.resize();
  if (!attached) { await view.styled(); attach(); }
  loadScopeNames();
  view.fit(KAZAKHSTAN);
  await whenIdle(view.map);
  view.cacheRegionBounds();
  await landOnOwnArea();
  document.body.dataset.signedIn = state.meta.role;
}

/** Each role lands on its own area: an akimat on its region (its district, if the grant names
 * one), a crisis team on its districts, the ministry and the public on the country. */
async function landOnOwnArea() {
  const scope = state.scope;
  const region = scope.kind === "akimat" ? scope.region : scope.kind === "crisis" && scope.districts[0] ? `${scope.districts[0].slice(0, 2)}0000000` : null;
  if (!region || !view.regions?.features.some((f) => f.properties.kato === region)) return;
  const shown = view.whenShown(region);
  await view.toRegion(region, { select: false });
  await shown;
  if (scope.kind === "akimat" && scope.districts.length === 1) {
    const district = scope.districts[0];
    const drawn = view.whenShown(district);
    await view.toDistrict(district, { select: false });
    await drawn;
  }
  if (scope.kind === "crisis") view.fitUnits("districts", scope.districts);
  crumbs();
}

function stewardOnly() {
  view.regions = null;
  // No analytic access: hide every data layer so that no tile is requested.
  for (const id of OWN_LAYERS) if (view.map.getLayer(id)) view.map.setLayoutProperty(id, "visibility", "none");
  showSchools(view.map, [], null);
  view.labels.clear();
  byId("legend").replaceChildren();
  byId("twin-body").replaceChildren();
  renderStatic(); renderRole(null); renderTabs();
  notice(`${t("stewardNotice")} ${t("stewardUpload")}`);
}

/** The map's handlers, once: at the first map of an analytic role. */
let attached = false;
function attach() {
  if (attached) return;
  attached = true;
  view.attach();
}

async function start() {
  byId("basemap").value = state.basemap;
  renderStatic();
  wire();
  try {
    await loadMeta();
  } catch (error) {
    if (error.status === 401) { notice(t("signIn")); byId("signin-box").open = true; offerDemoTokens(); return; }
    throw error;
  }
  performance.mark("meta");
  renderStatic();
  renderMetaControls();
  offerDemoTokens().catch((e) => console.warn(e));
  if (!state.scope.analytic) { stewardOnly(); document.body.dataset.ready = "true"; return; }
  // Colours go on as soon as the style and the values are there, while the tiles still load:
  // the first idle is the complete map (the camera is already the final one, see mapPadding).
  await Promise.all([view.styled().then(() => performance.mark("map-load")), view.load().then(() => performance.mark("data"))]);
  attach();
  renderAll();
  if (state.scope.districts.length) loadScopeNames();
  performance.mark("first-render");
  view.map.triggerRepaint();
  await nextIdle(view.map);
  view.cacheRegionBounds();
  performance.mark("map-complete");
  document.body.dataset.ready = "true";
  if (urlView.region || urlView.unit) await view.restore(urlView);
  else await landOnOwnArea();
  crumbs();
  if (state.view !== "map") await renderView();
  document.body.dataset.restored = "true";
}

start().catch(showError);
