// riskmap web: the MapLibre map. Boundaries come from riskmap's own vector tiles (geometry only);
// colours, hatching and cluster outlines are feature states set from the JSON API, so the map
// always matches the table twin. Schools are requested only inside the caller's scope; an
// optional basemap style goes under our layers; unit names are HTML labels (no glyph server).
import * as maplibregl from "/vendor/maplibre-gl/maplibre-gl.mjs";
import { NO_DATA, hatchImage } from "./palette.js";
import { state } from "./state.js";

export { maplibregl };
export const KAZAKHSTAN = [[46.4, 40.5], [87.4, 55.6]];
const HIDDEN = "rgba(0,0,0,0)";

const tileUrl = (layer) => `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt`;
const vector = (layer) => ({ type: "vector", tiles: [tileUrl(layer)], minzoom: 0, maxzoom: 12, promoteId: "kato", attribution: "" });
const state_ = (key, fallback) => ["coalesce", ["feature-state", key], fallback];
const hatched = ["case", ["==", ["feature-state", "flag"], "u"], 1, 0];

/** Our sources and layers, bottom to top; kept on top of any basemap. */
function ownStyle(opacity) {
  const fill = (id, source, visible) => ({ id, type: "fill", source, "source-layer": source, paint: { "fill-color": state_("fill", NO_DATA), "fill-opacity": opacity }, layout: { visibility: visible } });
  const hatch = (id, source, visible) => ({ id, type: "fill", source, "source-layer": source, paint: { "fill-pattern": "hatch", "fill-opacity": hatched }, layout: { visibility: visible } });
  const line = (id, source, colour, width, visible) => ({ id, type: "line", source, "source-layer": source, paint: { "line-color": colour, "line-width": width }, layout: { visibility: visible } });
  return {
    sources: { regions: vector("regions"), districts: vector("districts") },
    layers: [
      fill("regions-fill", "regions", "visible"),
      hatch("regions-hatch", "regions", "visible"),
      fill("districts-fill", "districts", "none"),
      hatch("districts-hatch", "districts", "none"),
      line("districts-line", "districts", "#525252", 0.7, "none"),
      line("regions-line", "regions", "#303030", 1.2, "visible"),
      { ...line("hotspots-line", "districts", state_("hs", HIDDEN), 3, "none"), paint: { "line-color": state_("hs", HIDDEN), "line-width": 3, "line-offset": 1.5 } },
      { ...line("regions-highlight", "regions", "#000000", 3.5, "visible"), filter: ["==", ["get", "kato"], ""] },
      { ...line("districts-highlight", "districts", "#000000", 3.5, "visible"), filter: ["==", ["get", "kato"], ""] },
    ],
  };
}

export const OWN_LAYERS = ownStyle(1).layers.map((l) => l.id);

export function createMap(container) {
  const own = ownStyle(state.basemap ? 0.78 : 0.92);
  const map = new maplibregl.Map({
    container,
    style: { version: 8, sources: own.sources, layers: [{ id: "background", type: "background", paint: { "background-color": "#dde6ee" } }, ...own.layers] },
    bounds: KAZAKHSTAN,
    fitBoundsOptions: { padding: 16 },
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    maxZoom: 13,
    transformRequest: (url) => (state.token && url.startsWith(window.location.origin) ? { url, headers: { Authorization: `Bearer ${state.token}` } } : { url }),
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.touchZoomRotate.disableRotation();
  map.addImage("hatch", hatchImage());
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

/** Unit names as HTML labels (decorative: the table twin is the text alternative). */
export class Labels {
  constructor(map) { this.map = map; this.markers = []; }
  show(items) {
    this.clear();
    for (const { text, at } of items) {
      if (!at) continue;
      const element = document.createElement("div");
      element.className = "unit-label";
      element.setAttribute("aria-hidden", "true");
      element.textContent = text;
      this.markers.push(new maplibregl.Marker({ element, anchor: "center" }).setLngLat(at).addTo(this.map));
    }
  }
  clear() { this.markers.forEach((m) => m.remove()); this.markers = []; }
  /** For the PNG export: each label's text and pixel position. */
  positions() { return this.markers.map((m) => ({ text: m.getElement().textContent, point: this.map.project(m.getLngLat()) })); }
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
