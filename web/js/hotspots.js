// riskmap web: the hotspot overlay. Gi* hot/cold spots or significant LISA quadrants of the
// districts (GET /api/v1/hotspots) drawn as coloured outlines over the choropleth; asked for
// only when the overlay is on, the role may see it and the server offers the route.
import { getJson } from "./api.js";
import { t } from "./i18n.js";
import { HOTSPOT_COLOURS } from "./palette.js";
import { state, level } from "./state.js";
import { setVisible } from "./map.js";
import { COMPOSITE } from "./composite.js";

let painted = new Set();
let available = null;

async function routeExists() {
  if (available === null) {
    const doc = await getJson("/api/v1/openapi.json").catch(() => null);
    available = Boolean(doc?.paths?.["/api/v1/hotspots"]);
  }
  return available;
}

function clear(map) {
  for (const kato of painted) map.setFeatureState({ source: "districts", sourceLayer: "districts", id: kato }, { hs: null });
  painted = new Set();
}

export async function applyHotspots(view) {
  const map = view.map;
  const mode = state.scope?.seesHotspots ? state.hotspots : "off";
  if (mode === "off") {
    setVisible(map, ["hotspots-line", "hotspots-halo"], false);
    clear(map);
    view.hotspotLabel = null;
    view.hotspotsState = "off";
    return;
  }
  if (state.indicator === COMPOSITE) {
    // Gi* and LISA are computed per indicator: the legend asks for one.
    setVisible(map, ["hotspots-line", "hotspots-halo"], false);
    clear(map);
    view.hotspotLabel = null; view.hotspotsKey = null;
    if (view.hotspotsState !== "composite") { view.hotspotsState = "composite"; view.refreshLegend(); }
    return;
  }
  if (!(await routeExists())) {
    if (view.hotspotsState !== "unavailable") { view.hotspotsState = "unavailable"; view.refreshLegend(); }
    return;
  }
  const parent = level() === "country" ? "" : `&parent=${state.region}`;
  const url = `/api/v1/hotspots?level=district&indicator=${encodeURIComponent(state.indicator)}&period=${encodeURIComponent(state.period)}${parent}`;
  const key = `${url}|${mode}`;
  if (view.hotspotsKey === key) return;
  view.hotspotsKey = key;
  const answer = await getJson(url);
  if (view.hotspotsKey !== key) return; // a newer request took over
  clear(map);
  const labels = new Map();
  for (const unit of answer.units ?? []) {
    const cls = mode === "gistar" ? unit.gistar_class : unit.lisa_quadrant;
    if (!cls) continue;
    labels.set(unit.kato, t(cls));
    map.setFeatureState({ source: "districts", sourceLayer: "districts", id: unit.kato }, { hs: HOTSPOT_COLOURS[cls] });
    painted.add(unit.kato);
  }
  const only = level() === "country" ? null : ["in", ["get", "kato"], ["literal", (view.districts?.features ?? []).map((f) => f.properties.kato)]];
  for (const id of ["hotspots-halo", "hotspots-line"]) map.setFilter(id, only);
  setVisible(map, ["hotspots-line", "hotspots-halo"], true);
  view.hotspotLabel = (kato) => labels.get(kato) ?? null;
  view.hotspotsState = "shown";
  view.hotspotsCount = labels.size;
  view.refreshLegend();
  view.refreshTwin();
}

/** Forget cached answers (after sign-in or a period change the key changes anyway). */
export function resetHotspots(view) { view.hotspotsKey = null; }
