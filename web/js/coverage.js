// riskmap web: the "programme coverage" map layer. Districts that have actions in a programme
// the caller may read are filled by the worst standing of those actions (overdue, delayed,
// not started, on track, done, cancelled), through the `cov` feature state of the districts
// source; asked for only when the layer is on and the role reads programmes.
import { request } from "./api.js";
import { t } from "./i18n.js";
import { state } from "./state.js";
import { setVisible } from "./map.js";

/** Worst first. */
export const STANDINGS = ["overdue", "delayed", "not_started", "on_track", "done", "cancelled"];
export const COVERAGE_COLOURS = { overdue: "#a50026", delayed: "#f46d43", not_started: "#fee08b", on_track: "#a6d96a", done: "#1a9850", cancelled: "#bababa" };
const LAYERS = ["coverage-fill", "coverage-line"];
const IN_FORCE = ["draft", "approved", "acknowledged", "returned"];

let painted = new Set();
let pending = null; // the programmes read for the current token

/** District KATO → worst standing of the actions addressing its problems. */
export function worstByDistrict(programmes) {
  const worst = new Map();
  for (const p of programmes) {
    const districtOf = new Map(p.problems.map((x) => [x.id, x.district]));
    for (const a of p.actions) {
      for (const problem of a.problems) {
        const district = districtOf.get(problem);
        if (!district) continue;
        const before = worst.get(district);
        if (!before || STANDINGS.indexOf(a.standing) < STANDINGS.indexOf(before)) worst.set(district, a.standing);
      }
    }
  }
  return worst;
}

async function readProgrammes() {
  const list = await request("/api/v1/programmes");
  if (!list.ok) throw new Error(`HTTP ${list.status}`);
  const lines = list.body.programmes.filter((p) => IN_FORCE.includes(p.status));
  const answers = await Promise.all(lines.map((p) => request(`/api/v1/programmes/${p.id}`)));
  return answers.filter((a) => a.ok).map((a) => a.body);
}

function clear(map) {
  for (const kato of painted) map.setFeatureState({ source: "districts", sourceLayer: "districts", id: kato }, { cov: null });
  painted = new Set();
}

export async function applyCoverage(view) {
  const map = view.map;
  const on = state.coverage === "on" && state.scope?.readsProgrammes;
  if (!on) {
    setVisible(map, LAYERS, false);
    clear(map);
    if (view.coverageLegend) { view.coverageLegend = null; view.refreshLegend(); }
    return;
  }
  const token = state.token;
  pending ??= readProgrammes();
  const worst = worstByDistrict(await pending);
  if (state.token !== token || state.coverage !== "on") return;
  clear(map);
  for (const [kato, standing] of worst) {
    map.setFeatureState({ source: "districts", sourceLayer: "districts", id: kato }, { cov: COVERAGE_COLOURS[standing] });
    painted.add(kato);
  }
  const ids = [...worst.keys()];
  for (const id of LAYERS) map.setFilter(id, ["in", ["get", "kato"], ["literal", ids]]);
  setVisible(map, LAYERS, true);
  const present = STANDINGS.filter((s) => [...worst.values()].includes(s));
  view.coverageLegend = [
    { kind: "text", text: `${t("prog.coverage")}: ${t("prog.coverageNote")}` },
    ...present.map((s) => ({ kind: "fill", colour: COVERAGE_COLOURS[s], text: t(`prog.standings.${s}`) })),
  ];
  view.coverageShown = ids;
  view.refreshLegend();
  document.body.dataset.coverage = String(ids.length);
}

/** Forget what was read (after sign-in, or after a programme changed). */
export function resetCoverage() { pending = null; }
