// riskmap web: the MapLibre map. Boundaries come from riskmap's own vector tiles (geometry only);
// colours, hatching and cluster outlines are feature states set from the JSON API, so the map
// always matches the table twin. Schools are requested only inside the caller's scope; an
// optional basemap style goes under our layers; unit names are HTML labels (no glyph server).
import * as maplibregl from "/vendor/maplibre-gl/maplibre-gl.mjs";
import { NO_DATA, SEQUENTIAL, SUPPRESSED, hatchImage } from "./palette.js";
import { state } from "./state.js";
import { COMPOSITE, COMPOSITE_BREAKS } from "./composite.js";

export { maplibregl };
// The tile worker (its own 520 KB module to fetch and compile) starts now, while the page is
// still building the map, rather than from inside the Map constructor.
maplibregl.prewarm();
export const KAZAKHSTAN = [[46.4, 40.5], [87.4, 55.6]];
const HIDDEN = "rgba(0,0,0,0)";

const tileUrl = (layer) => `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt`;
const vector = (layer) => ({ type: "vector", tiles: [tileUrl(layer)], minzoom: 0, maxzoom: 12, promoteId: "kato", attribution: "" });
const state_ = (key, fallback) => ["coalesce", ["feature-state", key], fallback];

// The tiles carry each unit's composite (latest quarter): until the JSON values arrive (first
// map, drill-down) the fill falls back to the same fixed classes drawn from the tile itself.
const TILE_COMPOSITE = ["case",
  ["has", "composite"], ["step", ["get", "composite"], SEQUENTIAL[0], ...COMPOSITE_BREAKS.flatMap((b, i) => [b, SEQUENTIAL[i + 1]])],
  ["==", ["get", "composite_flag"], "c"], SUPPRESSED, NO_DATA];

/** Whether the tiles' own composite shows what the JSON would: composite, fixed classes, latest quarter. */
export function tilesShowComposite() {
  const indicator = state.indicator || COMPOSITE;
  const latest = !state.period || (state.meta && state.period === state.meta.latest_period);
  return indicator === COMPOSITE && state.palette === "sequential" && latest;
}

/** A fill colour from the feature state, else (composite view) from the tile. */
export const fillColour = () => ["coalesce", ["feature-state", "fill"], tilesShowComposite() ? TILE_COMPOSITE : NO_DATA];

/** The pale backdrop under schools. Still a feature-state expression (no feature carries
 * `backdrop`), never a constant: a tile laid out while the fill was data-driven and finished after
 * a switch to a constant makes MapLibre evaluate the constant as an expression and throw. */
export const BACKDROP_FILL = ["coalesce", ["feature-state", "backdrop"], "#f0f0f0"];

/** Our sources and layers, bottom to top; kept on top of any basemap. */
function ownStyle(opacity) {
  // No fill antialiasing (the line layers draw the edges): one shader program fewer to compile
  // before the first frame, which software WebGL pays dearly for.
  const fill = (id, source, visible) => ({ id, type: "fill", source, "source-layer": source, paint: { "fill-color": fillColour(), "fill-opacity": opacity, "fill-antialias": false }, layout: { visibility: visible } });
  // Hatching is filtered to the unstable units' codes (MapView.render), not driven by feature
  // state: a pattern layer drew feature-state changes only after its tiles were laid out again.
  const hatch = (id, source, visible) => ({ id, type: "fill", source, "source-layer": source, filter: ["in", ["get", "kato"], ["literal", []]], paint: { "fill-pattern": "hatch", "fill-antialias": false }, layout: { visibility: visible } });
  const line = (id, source, colour, width, visible) => ({ id, type: "line", source, "source-layer": source, paint: { "line-color": colour, "line-width": width }, layout: { visibility: visible } });
  return {
    sources: { regions: vector("regions"), districts: vector("districts") },
    layers: [
      fill("regions-fill", "regions", "visible"),
      hatch("regions-hatch", "regions", "none"), // shown by MapView.render when a unit is unstable
      fill("districts-fill", "districts", "none"),
      hatch("districts-hatch", "districts", "none"),
      line("districts-line", "districts", "#525252", 0.7, "none"),
      line("regions-line", "regions", "#303030", 1.2, "visible"),
      // Programme coverage (coverage.js): districts with actions, by their worst action standing.
      // The fill is always a feature-state expression (a constant would make MapLibre throw).
      { id: "coverage-fill", type: "fill", source: "districts", "source-layer": "districts", filter: ["in", ["get", "kato"], ["literal", []]], paint: { "fill-color": state_("cov", HIDDEN), "fill-opacity": 0.8, "fill-antialias": false }, layout: { visibility: "none" } },
      { ...line("coverage-line", "districts", state_("cov", HIDDEN), 2, "none"), filter: ["in", ["get", "kato"], ["literal", []]], paint: { "line-color": "#1a1a1a", "line-width": 1.5 } },
      // A hot or cold spot: a white halo under a coloured outline, visible on any fill.
      { ...line("hotspots-halo", "districts", HIDDEN, 7, "none"), paint: { "line-color": ["case", ["to-boolean", ["feature-state", "hs"]], "#ffffff", HIDDEN], "line-width": 7, "line-offset": 1.5 } },
      { ...line("hotspots-line", "districts", state_("hs", HIDDEN), 3, "none"), paint: { "line-color": state_("hs", HIDDEN), "line-width": 3, "line-offset": 1.5 } },
      { ...line("regions-highlight", "regions", "#000000", 3.5, "visible"), filter: ["==", ["get", "kato"], ""] },
      // Hidden until a region is drilled into: a visible layer would make the districts' tiles load.
      { ...line("districts-highlight", "districts", "#000000", 3.5, "none"), filter: ["==", ["get", "kato"], ""] },
    ],
  };
}

export const OWN_LAYERS = ownStyle(1).layers.map((l) => l.id);

export function createMap(container, padding) {
  const own = ownStyle(state.basemap ? 0.78 : 0.92);
  const map = new maplibregl.Map({
    container,
    style: { version: 8, sources: own.sources, layers: [{ id: "background", type: "background", paint: { "background-color": "#dde6ee" } }, ...own.layers] },
    bounds: KAZAKHSTAN,
    fitBoundsOptions: { padding, maxZoom: 11 },
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    maxZoom: 13,
    // No fading: the labels are HTML, and a fade would keep MapLibre redrawing (each frame a
    // full software-rendered one where WebGL is emulated) for 300 ms after every jump across
    // a whole zoom level, the drill-down's included, before the map is idle.
    fadeDuration: 0,
    transformRequest: (url) => (state.token && url.startsWith(window.location.origin) ? { url, headers: { Authorization: `Bearer ${state.token}` } } : { url }),
  });
  // The first style (ours, or the basemap's) with our sources and layers: feature states and
  // filters may be set from then on, while tiles still load.
  map.styleReady = new Promise((resolve) => map.once("style.load", resolve));
  map.once("idle", () => performance.mark("map-drawn")); // first full frame, values in or not
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.touchZoomRotate.disableRotation();
  // The hatch image is made when a hatch layer first needs it.
  map.on("styleimagemissing", (event) => { if (event.id === "hatch" && !map.hasImage("hatch")) map.addImage("hatch", hatchImage()); });
  map.getCanvas().setAttribute("aria-label", "map");
  if (state.basemap) applyBasemap(map, state.basemap);
  return map;
}

/** Puts the basemap style under our layers (or removes it when `url` is empty). */
export function applyBasemap(map, url) {
  const opacity = url ? 0.78 : 0.92;
  const style = url || { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#dde6ee" } }] };
  map.setStyle(style, {
    transformStyle: (previous, next) => {
      const ownSources = Object.fromEntries(Object.entries(previous?.sources ?? {}).filter(([id]) => ["regions", "districts", "schools"].includes(id)));
      const ownLayers = (previous?.layers ?? ownStyle(opacity).layers).filter((l) => OWN_LAYERS.includes(l.id) || l.id.startsWith("schools-"));
      for (const layer of ownLayers) if (layer.type === "fill" && layer.paint?.["fill-color"]) layer.paint["fill-opacity"] = opacity;
      return { ...next, sources: { ...next.sources, ...(Object.keys(ownSources).length ? ownSources : ownStyle(opacity).sources) }, layers: [...next.layers, ...ownLayers] };
    },
  });
}

/** Sets one feature state on many features of a source. */
export function setStates(map, source, entries) {
  for (const [id, values] of entries) map.setFeatureState({ source, sourceLayer: source, id }, values);
}

/**
 * The bounding box of one unit from the loaded vector tiles (clipped pieces are merged), or
 * null when its tiles are not loaded.
 */
export function tileBounds(map, source, kato) {
  const features = map.querySourceFeatures(source, { sourceLayer: source, filter: ["==", ["get", "kato"], kato] });
  if (!features.length) return null;
  const bounds = new maplibregl.LngLatBounds();
  const visit = (coords) => (typeof coords[0] === "number" ? bounds.extend(coords) : coords.forEach(visit));
  features.forEach((f) => visit(f.geometry.coordinates));
  return bounds;
}

/** The next `idle` (after a camera or style change that has not rendered yet). */
export function nextIdle(map) { return new Promise((resolve) => map.once("idle", resolve)); }

export function whenIdle(map) {
  return new Promise((resolve) => (map.loaded() && !map.isMoving() ? resolve() : map.once("idle", resolve)));
}

/** Unit names as HTML labels (decorative: the table twin is the text alternative). Where two
 * would overlap, the label of the unit with the larger `weight` (population) is shown and the
 * other hidden, again after every zoom (panning moves them together). */
export class Labels {
  constructor(map) {
    this.map = map; this.markers = [];
    map.on("zoomend", () => this.declutter());
  }
  show(items) {
    this.clear();
    const ordered = items.filter((i) => i.at).sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0));
    for (const { text, at } of ordered) {
      const element = document.createElement("div");
      element.className = "unit-label";
      element.setAttribute("aria-hidden", "true");
      element.textContent = text;
      this.markers.push(new maplibregl.Marker({ element, anchor: "center" }).setLngLat(at).addTo(this.map));
    }
    this.declutter();
  }
  /** Hides each label that overlaps one of a heavier unit already kept (2 px apart at least). */
  declutter() {
    // Every size is read before any label is hidden or shown: one layout, not one per label.
    // A label measured while the map was not displayed (0 × 0) is measured again next time.
    const sizes = this.markers.map((marker) => {
      const element = marker.getElement();
      if (!element.__size && !element.hidden && element.offsetWidth > 0) element.__size = [element.offsetWidth, element.offsetHeight];
      return element.__size ?? [0, 0];
    });
    const kept = [];
    for (const [i, marker] of this.markers.entries()) {
      const element = marker.getElement();
      const [w, h] = sizes[i];
      const p = this.map.project(marker.getLngLat());
      const box = [p.x - w / 2 - 1, p.y - h / 2 - 1, p.x + w / 2 + 1, p.y + h / 2 + 1];
      const overlaps = kept.some((k) => box[0] < k[2] && k[0] < box[2] && box[1] < k[3] && k[1] < box[3]);
      element.hidden = overlaps;
      if (!overlaps) kept.push(box);
    }
  }
  clear() { this.markers.forEach((m) => m.remove()); this.markers = []; }
  /** For the PNG export: the text and pixel position of each label shown. */
  positions() { return this.markers.filter((m) => !m.getElement().hidden).map((m) => ({ text: m.getElement().textContent, point: this.map.project(m.getLngLat()) })); }
}

/**
 * Shows the schools of `districts` (the caller may see all of them): the schools source is
 * created with `bounds` so MapLibre never asks for a tile outside that area; with an empty
 * list the source is removed and nothing is requested.
 */
export function showSchools(map, districts, bounds) {
  const key = districts.join(",");
  if (map.__schoolsKey === key) return false;
  for (const id of ["schools-highlight", "schools-circle"]) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource("schools")) map.removeSource("schools");
  map.__schoolsKey = key;
  if (!districts.length || !bounds) return false;
  map.addSource("schools", {
    type: "vector", tiles: [tileUrl("schools")], minzoom: 6, maxzoom: 12, promoteId: "school_id",
    bounds: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()],
  });
  const filter = ["in", ["get", "district_kato"], ["literal", districts]];
  map.addLayer({
    id: "schools-circle", type: "circle", source: "schools", "source-layer": "schools", minzoom: 6, filter,
    paint: { "circle-radius": ["interpolate", ["linear"], ["zoom"], 6, 3, 10, 6], "circle-color": state_("fill", "#1f3a93"), "circle-stroke-color": "#1a1a1a", "circle-stroke-width": 1 },
  });
  map.addLayer({
    id: "schools-highlight", type: "circle", source: "schools", "source-layer": "schools", minzoom: 6, filter: ["==", ["get", "school_id"], ""],
    paint: { "circle-radius": 9, "circle-color": HIDDEN, "circle-stroke-color": "#000000", "circle-stroke-width": 3 },
  });
  return true;
}

export function setVisible(map, ids, visible) {
  for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", visible ? "visible" : "none");
}

const prefetched = new Set();
/**
 * Fetches into the browser's cache the tiles of `sources` that fitting `bounds` will draw (the
 * drill-down after a hover), so MapLibre finds them there; `narrower` px come off the width
 * when the unit panel is about to open. Same camera arithmetic as fitBounds (512 px tiles,
 * tile zoom rounded as MapLibre does for vector sources).
 */
export function prefetchTiles(map, bounds, { padding, maxZoom, narrower = 0 }, sources) {
  const canvas = map.getCanvas();
  const width = canvas.clientWidth - narrower; const height = canvas.clientHeight;
  const mx = (lng) => (lng + 180) / 360;
  const my = (lat) => { const s = Math.sin((lat * Math.PI) / 180); return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI); };
  const [x0, x1, y0, y1] = [mx(bounds.getWest()), mx(bounds.getEast()), my(bounds.getNorth()), my(bounds.getSouth())];
  const w = width - padding.left - padding.right; const h = height - padding.top - padding.bottom;
  if (w <= 0 || h <= 0 || x1 <= x0 || y1 <= y0) return;
  const zoom = Math.min(maxZoom, Math.log2(w / ((x1 - x0) * 512)), Math.log2(h / ((y1 - y0) * 512)));
  const world = 512 * 2 ** zoom;
  const left = ((x0 + x1) / 2) * world - padding.left - w / 2; const top = ((y0 + y1) / 2) * world - padding.top - h / 2;
  const z = Math.max(0, Math.min(12, Math.round(zoom))); const n = 2 ** z; const scale = n / world;
  const range = (from, size) => [Math.max(0, Math.floor(from * scale)), Math.min(n - 1, Math.floor((from + size) * scale))];
  const [tx0, tx1] = range(left, width); const [ty0, ty1] = range(top, height);
  const headers = state.token ? { Authorization: `Bearer ${state.token}` } : {};
  for (const source of sources) {
    for (let x = tx0; x <= tx1; x++) {
      for (let y = ty0; y <= ty1; y++) {
        const url = tileUrl(source).replace("{z}", z).replace("{x}", x).replace("{y}", y);
        if (prefetched.has(url)) continue;
        prefetched.add(url);
        setTimeout(() => prefetched.delete(url), 50_000); // the server lets them be cached for 60 s
        fetch(url, { headers }).then((r) => r.arrayBuffer()).catch(() => prefetched.delete(url));
      }
    }
  }
}
