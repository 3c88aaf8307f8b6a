// riskmap web: the map view's controller. Knows the level shown (country → region → district),
// loads its units, colours the map through feature states, draws labels, legend and table
// twin, answers clicks and hovers, and moves the camera when drilling down or up.
import { t, nameOf, num, language } from "./i18n.js";
import { classify, classifyFixed, SUPPRESSED, NO_DATA } from "./palette.js";
import { COMPOSITE, COMPOSITE_META, COMPOSITE_BREAKS } from "./composite.js";
import { state, level, saveView } from "./state.js";
import { createMap, maplibregl, setStates, setVisible, tileBounds, nextIdle, Labels, showSchools, fillColour, BACKDROP_FILL, prefetchTiles, KAZAKHSTAN } from "./map.js";
import { entryOf, shownValue, loadRegions, loadDistricts, loadSchools, loadSchoolIndex, idOf, valueWords } from "./units.js";
import { legendModel, renderLegend } from "./legend.js";
import { renderTwin } from "./table.js";
import { applyHotspots } from "./hotspots.js";
import { esc } from "./dom.js";
import { applyCoverage } from "./coverage.js";
import { forecastShown, loadForecasts, unitForecast, forecastWords, forecastLegend, colourOf as forecastColour } from "./forecast-layer.js";

/** Room for the legend (at most 17rem wide) on the left; the same from the first frame on, so
 * the first complete map needs no second camera move. */
/** The districts of a region: every district's KATO starts with its region's two digits. */
const inRegion = (region) => ["==", ["slice", ["get", "kato"], 0, 2], (region ?? "").slice(0, 2)];

const PHONE_SHEET = 0.45; // the bottom sheet's share of a phone's screen (style.css: 45vh)
/** On a phone with the panel open, the camera keeps units above the bottom sheet. */
function sheetPadding() {
  if (window.innerWidth > 760 || document.getElementById("panel")?.hidden !== false) return 24;
  const map = document.getElementById("map").getBoundingClientRect();
  return Math.max(24, Math.round(map.bottom - window.innerHeight * (1 - PHONE_SHEET)) + 12);
}
const mapPadding = () => ({ top: 24, right: 48, bottom: sheetPadding(), left: window.innerWidth > 760 ? 300 : 16 });

export class MapView {
  constructor({ onSelect, onChange }) {
    this.map = createMap("map", mapPadding());
    this.labels = new Labels(this.map);
    this.popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, maxWidth: "260px" });
    this.onSelect = onSelect;
    this.onChange = onChange;
    this.regions = null; this.districts = null; this.schools = null;
    this.bounds = new Map(); // kato → LngLatBounds, from the tiles
    this.hotspotsState = "off";
    this.waiters = new Map();
    this.schoolIndex = new Map(); // school id → the priority list's index (tooltip and card)
  }

  /** Resolves once the style is there (sources and layers; tiles may still be loading): feature
   * states and filters can be set, and the first idle shows them. */
  styled() { return this.map.styleReady; }

  indicatorMeta() {
    if (state.indicator === COMPOSITE) return COMPOSITE_META;
    return state.meta.indicators.find((i) => i.code === state.indicator) ?? state.meta.indicators[0];
  }

  /** The units listed and coloured at the current level. */
  collection() {
    if (level() === "district" && this.schools) return this.schools;
    if (level() !== "country") return this.districts;
    return this.regions;
  }

  async load() {
    const [regions, districts, schools] = await Promise.all([
      loadRegions(),
      state.region ? loadDistricts(state.region) : null,
      state.district && state.scope.schoolsOf(state.district) ? loadSchools(state.district) : null,
    ]);
    this.regions = regions; this.districts = districts; this.schools = schools;
  }

  /** Colours, filters, labels, legend and table for the current state (no data loading). */
  render() {
    const map = this.map;
    const lvl = level();
    const meta = this.indicatorMeta();
    const collection = this.collection();
    if (!collection) return;
    const features = collection.features;
    const values = features.map((f) => shownValue(entryOf(f.properties, meta.code)));
    // The composite keeps its fixed 0–10 classes on the sequential scale, at every level.
    this.classifier = meta.code === COMPOSITE && state.palette === "sequential"
      ? classifyFixed(values, { breaks: COMPOSITE_BREAKS, min: 0, max: 10 })
      : classify(values, { scheme: state.palette, direction: meta.direction });
    const source = lvl === "country" ? "regions" : lvl === "district" && this.schools ? "schools" : "districts";
    this.forecast = this.forecastFor(meta, source === "schools");
    const entries = features.map((f) => {
      if (this.forecast) return [idOf(f), { fill: forecastColour(unitForecast(this.forecast, idOf(f)).p) ?? NO_DATA, flag: null }];
      const entry = entryOf(f.properties, meta.code);
      // Always a colour, so the JSON answer (what the table shows) wins over the tiles' fallback.
      const colour = this.classifier.colourOf(shownValue(entry)) ?? (entry.flag === "c" ? SUPPRESSED : NO_DATA);
      return [idOf(f), { fill: colour, flag: entry.flag }];
    });
    if (source !== "schools") setStates(map, source, entries);
    if (lvl !== "country") this.greyRegions();
    // Districts of the region are drawn at region and district level; schools on top. (Every
    // filter, visibility or data-driven paint change makes MapLibre parse that source's tiles
    // again: previewDistricts has already set the same ones, so these are no-ops.)
    setVisible(map, ["districts-fill", "districts-line"], lvl !== "country");
    // Hatching only when some unit shown is unstable (no pattern shader to build otherwise),
    // filtered to exactly those units whatever the order of changes (indicator, period, zoom).
    const unstableIds = entries.filter(([, e]) => e.flag === "u").map(([id]) => id);
    const unstable = unstableIds.length > 0;
    if (source !== "schools") this.hatch(lvl === "country" ? "regions-hatch" : "districts-hatch", unstableIds);
    setVisible(map, ["districts-hatch"], unstable && (lvl === "region" || (lvl === "district" && source === "districts")));
    if (lvl !== "country") for (const id of ["districts-fill", "districts-line"]) map.setFilter(id, inRegion(state.region));
    map.setPaintProperty("districts-fill", "fill-color", source === "schools" ? BACKDROP_FILL : fillColour());
    map.setPaintProperty("regions-fill", "fill-color", fillColour());
    setVisible(map, ["regions-hatch"], unstable && lvl === "country");
    setVisible(map, ["districts-highlight"], lvl !== "country");
    this.highlight();
    this.updateSchools();
    this.showLabels();
    renderLegend(document.getElementById("legend"), this.legend());
    renderTwin({ view: this, collection, lvl, meta, forecast: this.forecast });
    document.body.dataset.forecastLayer = this.forecast ? "shown" : "off";
    applyHotspots(this).catch((error) => console.warn(error));
    applyCoverage(this).catch((error) => console.warn(error));
    saveView();
  }

  /** The forecasts answer when the forecast layer is shown and its answer is in, else null; an
   * answer not yet asked for is asked for, and the map drawn again when it comes (the values
   * stay on the map meanwhile). A refused answer draws every unit as without a forecast. */
  forecastFor(meta, schools) {
    if (!forecastShown(meta, schools)) return null;
    const key = [meta.code, level(), state.region ?? "", state.token].join("|");
    if (this.forecastKey === key) return this.forecastAnswer ?? null;
    this.forecastKey = key;
    this.forecastAnswer = null;
    loadForecasts(meta.code).then((answer) => {
      if (this.forecastKey !== key) return;
      this.forecastAnswer = answer ?? { status: "refused", units: [] };
      this.render();
    });
    return null;
  }

  /** Sets the hatch layer's filter to `ids` (only when they change: a filter change lays the
   * source's tiles out again). */
  hatch(layer, ids) {
    const key = ids.slice().sort().join(",");
    this.hatched ??= {};
    if (this.hatched[layer] === key) return;
    this.hatched[layer] = key;
    this.map.setFilter(layer, ["in", ["get", "kato"], ["literal", ids]]);
  }

  refreshLegend() { if (this.classifier) renderLegend(document.getElementById("legend"), this.legend()); }

  refreshTwin() {
    const collection = this.collection();
    if (collection) renderTwin({ view: this, collection, lvl: level(), meta: this.indicatorMeta(), forecast: this.forecast });
  }

  /** Region bounds from the country-level tiles, kept for drilling from any zoom. */
  cacheRegionBounds() {
    for (const f of this.regions?.features ?? []) this.unitBounds("regions", f.properties.kato);
  }

  legend() {
    return legendModel({ indicator: this.indicatorMeta(), lang: language(), period: state.period, classifier: this.classifier, values: state.values, hotspots: state.hotspots, hotspotsState: this.hotspotsState, level: level(), schools: level() === "district" && Boolean(this.schools), coverage: this.coverageLegend, forecast: this.forecast ? forecastLegend({ indicator: this.indicatorMeta(), lang: language(), answer: this.forecast }) : null });
  }

  showLabels() {
    const lvl = level();
    const collection = lvl === "country" ? this.regions : this.districts;
    if (!collection) return this.labels.clear();
    const only = lvl === "district" ? [state.district] : null;
    this.labels.show(collection.features.filter((f) => !only || only.includes(f.properties.kato)).map((f) => ({ text: nameOf(f.properties), at: f.properties.label_point, weight: f.properties.population_2023 })));
  }

  highlight() {
    const sel = state.selected;
    this.map.setFilter("regions-highlight", ["==", ["get", "kato"], level() === "country" ? sel ?? "" : ""]);
    this.map.setFilter("districts-highlight", ["==", ["get", "kato"], state.district ?? (level() === "region" ? sel ?? "" : "")]);
    if (this.map.getLayer("schools-highlight")) this.map.setFilter("schools-highlight", ["==", ["get", "school_id"], sel ?? ""]);
  }

  /** Schools of the districts in view that the role may see, and nothing else. */
  updateSchools({ recolour = true } = {}) {
    const scope = state.scope;
    let districts = [];
    if (state.region && scope.schoolsInRegion(state.region)) {
      const all = (this.districts?.features ?? []).map((f) => f.properties.kato).filter((k) => scope.schoolsOf(k));
      districts = state.district ? all.filter((k) => k === state.district) : all;
    }
    let bounds = null;
    for (const kato of districts) {
      const b = this.bounds.get(kato) ?? tileBounds(this.map, "districts", kato);
      if (b) { this.bounds.set(kato, b); bounds = bounds ? bounds.extend(b) : new maplibregl.LngLatBounds(b.getSouthWest(), b.getNorthEast()); }
    }
    if (districts.length && !bounds && state.region && scope.kind === "ministry") bounds = this.bounds.get(state.region) ?? null;
    const created = showSchools(this.map, bounds ? districts : [], bounds);
    if (created) this.highlight();
    if ((created || recolour) && this.map.getSource("schools") && this.schools) {
      const meta = this.indicatorMeta();
      setStates(this.map, "schools", this.schools.features.map((f) => {
        const entry = entryOf(f.properties, meta.code);
        // Schools have no composite: drawn in the default colour, the card shows their list index.
        return [f.properties.school_id, { fill: meta.code === COMPOSITE ? null : this.classifier.colourOf(shownValue(entry)) ?? "#8c8c8c" }];
      }));
    }
  }

  unitBounds(source, kato) {
    if (!this.bounds.has(kato)) {
      const b = tileBounds(this.map, source, kato);
      if (b) this.bounds.set(kato, b);
    }
    return this.bounds.get(kato) ?? null;
  }

  padding() { return mapPadding(); }

  /** Fits the camera to the union of some units of `source` (from its loaded tiles). */
  fitUnits(source, katos) {
    let bounds = null;
    for (const kato of katos) {
      const b = this.unitBounds(source, kato);
      if (b) bounds = bounds ? bounds.extend(b) : new maplibregl.LngLatBounds(b.getSouthWest(), b.getNorthEast());
    }
    this.fit(bounds);
  }

  fit(bounds) {
    if (bounds) this.map.fitBounds(bounds, { padding: this.padding(), duration: 0, maxZoom: 11 });
  }

  /** Marks the body with the unit shown once the map is idle (tests and benchmarks wait on it). */
  settle(id) {
    document.body.dataset.shown = "";
    nextIdle(this.map).then(() => {
      if (!(level() === "country" ? id === "country" : [state.region, state.district].includes(id))) return;
      performance.mark(`shown:${id}`);
      document.body.dataset.shown = id;
      this.waiters.get(id)?.();
      this.waiters.delete(id);
    });
  }

  /** Resolves when the map has drawn unit `id` (the panel asks for its data only then, so the
   * server serves the map's tiles first). */
  whenShown(id) {
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }

  async toCountry() {
    state.region = null; state.district = null; state.selected = null;
    this.districts = null; this.schools = null;
    this.render();
    this.fit(KAZAKHSTAN);
    this.settle("country");
    this.onChange?.();
  }

  async toRegion(kato, { select = true } = {}) {
    if (!this.regions.features.some((f) => f.properties.kato === kato)) return;
    const bounds = this.unitBounds("regions", kato);
    state.region = kato; state.district = null; this.schools = null;
    if (select) state.selected = kato;
    // The camera moves (and tiles load) while the districts' values are on their way.
    performance.mark(`drill:${kato}`);
    const data = loadDistricts(kato);
    if (select) this.onSelect?.({ kind: "unit", kato, after: this.whenShown(kato) });
    this.map.resize();
    this.previewDistricts(kato);
    this.fit(bounds);
    // The districts drawn (coloured from the tiles when they can be), whether or not the values are in.
    nextIdle(this.map).then(() => { if (state.region === kato) performance.mark(`drawn:${kato}`); });
    this.districts = await data;
    performance.mark(`data:${kato}`);
    if (state.region !== kato) return;
    this.render();
    performance.mark(`render:${kato}`);
    this.settle(kato);
    this.onChange?.();
  }

  /** The region's districts go on the map at once (every district's KATO starts with its
   * region's two digits), so their tiles load while the values are on their way. */
  previewDistricts(kato) {
    const map = this.map;
    for (const id of ["districts-fill", "districts-line"]) map.setFilter(id, inRegion(kato));
    map.setPaintProperty("districts-fill", "fill-color", fillColour());
    this.greyRegions();
    setVisible(map, ["districts-fill", "districts-line", "districts-highlight"], true);
    setVisible(map, ["regions-hatch"], false);
    this.highlight();
  }

  /** Regions under the districts turn light grey through their feature state (a paint change
   * would make MapLibre parse the regions' tiles again, the ones just loading included). */
  greyRegions() {
    setStates(this.map, "regions", (this.regions?.features ?? []).map((f) => [f.properties.kato, { fill: "#f0f0f0", flag: null }]));
  }

  async toDistrict(kato, { select = true } = {}) {
    const feature = this.districts?.features.find((f) => f.properties.kato === kato);
    if (!feature) return;
    if (select) state.selected = kato;
    if (!state.scope.schoolsOf(kato)) {
      // No schools to show for this role: select the district, stay at region level.
      state.district = null; this.schools = null;
      this.render();
      this.onSelect?.({ kind: "unit", kato });
      return;
    }
    const bounds = this.unitBounds("districts", kato);
    state.district = kato;
    const data = loadSchools(kato);
    // The school cards' data, asked for with the schools so that a click shows a card at once.
    loadSchoolIndex(kato).then((list) => { for (const r of list.rows ?? []) this.schoolIndex.set(r.nobd_org_id, r.composite); }).catch(() => {});
    if (select) this.onSelect?.({ kind: "unit", kato, after: this.whenShown(kato) });
    this.map.resize();
    this.fit(bounds);
    this.schools = await data;
    if (state.district !== kato) return;
    this.render();
    this.settle(kato);
    this.onChange?.();
  }

  selectSchool(id) {
    state.selected = id;
    this.highlight();
    saveView();
    const school = this.schools?.features.find((f) => f.properties.school_id === id);
    if (school) this.onSelect?.({ kind: "school", school });
  }

  /** Opens the view stored in the URL: region, then district, then the selected unit. */
  async restore({ region, district, unit }) {
    if (region) {
      await this.toRegion(region, { select: unit === region });
      if (district) {
        await nextIdle(this.map);
        await this.toDistrict(district, { select: unit === district });
      }
    }
    if (unit && unit !== region && unit !== district) {
      state.selected = unit;
      this.highlight();
      const school = this.schools?.features.find((f) => f.properties.school_id === unit);
      this.onSelect?.(school ? { kind: "school", school } : { kind: "unit", kato: unit });
    }
  }

  attach() {
    const map = this.map;
    // District bounds (for the schools source) exist once the region's tiles are loaded.
    map.on("idle", () => { if (state.region) this.updateSchools({ recolour: false }); });
    for (const layer of ["regions-fill", "districts-fill", "schools-circle"]) {
      map.on("mousemove", layer, (event) => this.tooltip(event, layer));
      map.on("mouseleave", layer, () => { this.popup.remove(); map.getCanvas().style.cursor = ""; });
    }
    // A tapped tooltip (touch screens send no mouseleave) goes when the map is tapped or moved.
    map.on("movestart", () => this.popup.remove());
    map.on("click", (event) => {
      this.popup.remove();
      const hits = map.queryRenderedFeatures(event.point, { layers: ["schools-circle", "districts-fill", "regions-fill"].filter((l) => map.getLayer(l) && map.getLayoutProperty(l, "visibility") !== "none") });
      const hit = hits[0];
      if (!hit) return;
      this.spinAt(event.lngLat);
      if (hit.layer.id === "schools-circle") this.selectSchool(hit.properties.school_id);
      else if (hit.layer.id === "districts-fill") this.toDistrict(hit.properties.kato);
      else if (level() === "country") this.toRegion(hit.properties.kato);
      else if (hit.properties.kato !== state.region) this.toRegion(hit.properties.kato);
    });
  }

  /** A spinner on the clicked feature while its answer is on its way: it goes when the panel
   * is no longer busy and the map is idle (or after 20 s, whatever happens). */
  spinAt(lngLat) {
    this.spinner?.remove();
    const element = document.createElement("div");
    element.className = "click-spinner";
    element.setAttribute("aria-hidden", "true");
    const marker = new maplibregl.Marker({ element }).setLngLat(lngLat).addTo(this.map);
    this.spinner = marker;
    const panel = document.getElementById("panel");
    const started = performance.now();
    const check = () => {
      if (this.spinner !== marker) return;
      const busy = panel?.getAttribute("aria-busy") === "true" || !this.map.loaded();
      // Shown at least a moment so a fast answer does not flicker; gone once all is drawn.
      if ((busy || performance.now() - started < 150) && performance.now() - started < 20_000) return void setTimeout(check, 100);
      marker.remove();
      this.spinner = null;
    };
    setTimeout(check, 100);
  }

  tooltip(event, layer) {
    const feature = event.features?.[0];
    if (!feature) return;
    const lvl = level();
    if (layer === "regions-fill" && lvl !== "country") { this.popup.remove(); return; }
    this.map.getCanvas().style.cursor = "pointer";
    const id = feature.properties.kato ?? feature.properties.school_id;
    if (layer === "regions-fill") this.prefetch(id);
    const collection = layer === "schools-circle" ? this.schools : layer === "districts-fill" ? this.districts : this.regions;
    const unit = collection?.features.find((f) => idOf(f) === id);
    const props = unit?.properties ?? feature.properties;
    const meta = this.indicatorMeta();
    let entry = unit ? entryOf(props, meta.code) : { value: null, flag: ":" };
    // A school has no composite on the map: its index is the priority list's, as on its card.
    const schoolIndex = layer === "schools-circle" && meta.code === COMPOSITE ? this.schoolIndex.get(id) : undefined;
    if (schoolIndex !== undefined) entry = { value: schoolIndex, flag: null };
    const value = valueWords(entry, schoolIndex !== undefined ? 2 : 1);
    const smooth = entry.smoothed !== null && entry.smoothed !== undefined ? `<br>${t("smoothed")}: ${num(entry.smoothed)}` : "";
    const cluster = this.hotspotLabel?.(id);
    const forecast = this.forecast && layer !== "schools-circle" ? `<br>${esc(t("forecastColumn"))}: ${esc(forecastWords(unitForecast(this.forecast, id)))}` : "";
    const div = document.createElement("div");
    const band = meta.code === COMPOSITE && entry.band ? `<br>${t("band")}: ${entry.band}` : "";
    div.innerHTML = `<strong></strong><br><span></span>${smooth}${band}${entry.rank ? `<br>${t("rank")}: ${entry.rank}${this.rankedOf(collection, meta.code)}` : ""}${cluster ? `<br>${t("cluster")}: ${cluster}` : ""}${forecast}`;
    div.querySelector("strong").textContent = nameOf(props);
    div.querySelector("span").textContent = `${meta.label[language()]}: ${value}`;
    this.popup.setLngLat(event.lngLat).setDOMContent(div).addTo(this.map);
  }

  /** " из N" after a rank: N units of the collection ranked (a composite below the country
   * level is ranked nationally, so its N is on the unit's card, not here). */
  rankedOf(collection, code) {
    if (code === COMPOSITE && level() !== "country") return "";
    const ranked = (collection?.features ?? []).filter((f) => entryOf(f.properties, code).rank).length;
    return ranked ? ` ${t("of")} ${ranked}` : "";
  }

  /** Hovering a region loads its districts ahead of the click. */
  prefetch(kato) {
    if (this.prefetched === kato) return;
    this.prefetched = kato;
    loadDistricts(kato).catch(() => {});
    this.onPrefetch?.();
    // And the tiles the drill-down will draw, into the browser's cache (they are cacheable).
    const bounds = this.bounds.get(kato);
    const panelOpens = document.getElementById("panel").hidden && window.innerWidth > 760;
    if (bounds) prefetchTiles(this.map, bounds, { padding: this.padding(), maxZoom: 11, narrower: panelOpens ? 364 : 0 }, ["regions", "districts"]);
  }
}
