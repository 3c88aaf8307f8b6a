#!/usr/bin/env node
// Benchmark of the web map (not a test): over several runs in headless Chromium on loopback
// against `riskmap serve --demo`, the time from navigation to the first complete map (MapLibre
// `idle` with the regions coloured) and to an interactive drill-down (region click to `idle`
// with the districts coloured and the table twin filled, with and without the hover that
// prefetches); medians are reported, plus the weight of the first complete map gzipped,
// excluding MapLibre, and when each was first drawn (first idle, before the JSON values if the
// server is slower than the tiles; the composite is then coloured from the tiles), and the time
// from a click on a school dot to its card in the panel (signed in as an akimat, who may see
// schools). Usage: node scripts/bench-web.mjs [runs]
// (RISKMAP_BIN picks the binary; default target/release/riskmap, else target/debug/riskmap).
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(REPO, "tests/browser/package.json"));
const { chromium } = require("playwright-core");
const { startServer, CHROMIUM_ARGS } = await import(join(REPO, "tests/browser/server.mjs"));

const RUNS = Number(process.argv[2] ?? 7);
if (!process.env.RISKMAP_BIN) {
  const release = join(REPO, "target/release/riskmap");
  process.env.RISKMAP_BIN = existsSync(release) ? release : join(REPO, "target/debug/riskmap");
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const KARAGANDY = "350000000";
const ALMATY = "750000000";
const ALMALY = "751110000"; // a district of Almaty city, with its schools

/**
 * A school click to its card: an akimat of Almaty city (whose scope shows schools) opens the
 * district of Almaly zoomed in on its school dots; once the district is loaded (map idle, the
 * schools' index in), the pointer rests on a school (hover), then clicks it. Timed in the page
 * from the click event to the frame after the panel holds that school's card (not busy).
 */
async function schoolRun(browser, url, token) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.addInitScript((t) => sessionStorage.setItem("riskmap.token", t), token);
  const page = await context.newPage();
  await page.goto(new URL(`/?region=${ALMATY}&district=${ALMALY}`, url).href);
  await page.waitForSelector("body[data-restored=true]", { timeout: 120_000 });
  await page.evaluate(() => window.riskmap.map.zoomTo(Math.max(11, window.riskmap.map.getZoom()), { duration: 0 }));
  const idle = () => page.waitForFunction(() => { const m = window.riskmap.map; return m.loaded() && m.areTilesLoaded() && !m.isMoving(); }, null, { timeout: 60_000 });
  await idle();
  const school = await page.evaluate(() => {
    const map = window.riskmap.map;
    const box = map.getCanvas().getBoundingClientRect();
    const feature = map.queryRenderedFeatures({ layers: ["schools-circle"] }).find((f) => {
      const p = map.project(f.geometry.coordinates);
      return p.x > 60 && p.y > 60 && p.x < box.width - 60 && p.y < box.height - 60;
    });
    if (!feature) return null;
    const p = map.project(feature.geometry.coordinates);
    const id = feature.properties.school_id;
    return { id, name: window.riskmap.view.schools.features.find((f) => f.properties.school_id === id)?.properties.name_ru, x: box.left + p.x, y: box.top + p.y };
  });
  if (!school) throw new Error("no school dot in view");
  await page.waitForFunction((id) => window.riskmap.view.schoolIndex.has(id), school.id, { timeout: 60_000 });
  await page.evaluate((id) => {
    window.cardAt = null;
    window.riskmap.map.getCanvas().addEventListener("click", () => { window.clickedAt = performance.now(); }, { capture: true, once: true });
    const panel = document.getElementById("panel");
    const observer = new MutationObserver(() => {
      const shown = !panel.hidden && !panel.hasAttribute("aria-busy") && window.riskmap.state.selected === id && panel.querySelector("#panel-title") && !panel.querySelector(".busy");
      if (!shown || window.cardAt !== null || window.clickedAt === undefined) return;
      observer.disconnect();
      requestAnimationFrame(() => { window.cardAt = performance.now(); });
    });
    observer.observe(panel, { childList: true, subtree: true, attributes: true });
  }, school.id);
  await page.mouse.move(school.x, school.y);
  await page.waitForTimeout(300);
  await page.mouse.click(school.x, school.y);
  await page.waitForFunction(() => window.cardAt !== null, null, { timeout: 60_000 });
  const ms = await page.evaluate(() => window.cardAt - window.clickedAt);
  const title = await page.textContent("#panel-title");
  await context.close();
  if (title !== school.name) throw new Error(`the card shows ${title}, not ${school.name}`);
  return ms;
}

async function run(browser, url, weights) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  let loading = true; // page weight counts what the first complete map needs
  if (weights) {
    page.on("response", async (response) => {
      if (!loading) return;
      const u = new URL(response.url());
      if (u.origin !== new URL(url).origin) return;
      const body = await response.body().catch(() => null);
      if (!body) return;
      const kind = u.pathname.startsWith("/vendor/maplibre-gl/") ? "maplibre" : u.pathname.startsWith("/tiles/") ? "tiles" : u.pathname.startsWith("/api/") ? "api" : "page";
      weights[kind] = weights[kind] ?? { raw: 0, gzip: 0, files: 0 };
      weights[kind].raw += body.length;
      weights[kind].gzip += gzipSync(body, { level: 6 }).length;
      weights[kind].files += 1;
      if (kind === "page" && !weights.encoding) weights.encoding = response.headers()["content-encoding"] ?? "none";
    });
  }
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 120_000 });
  const marks = await page.evaluate(() => Object.fromEntries(["meta", "map-load", "data", "first-render", "map-complete"].map((n) => [n, Math.round(performance.getEntriesByName(n)[0]?.startTime ?? -1)])));
  const firstMap = marks["map-complete"];
  // First full frame, before or after the JSON values (coloured from the tiles' composite).
  const drawn = Math.round(await page.evaluate(() => performance.getEntriesByName("map-drawn")[0]?.startTime ?? -1));
  if (process.env.VERBOSE) console.log(marks);
  const wall = Date.now() - started;
  loading = false;
  // A user's drill-down: the pointer rests on the region (hover), then clicks it; timed in the
  // page from the click event to `idle` with the districts coloured and the table filled.
  const at = await page.evaluate((kato) => {
    const { map, view } = window.riskmap;
    const feature = view.regions.features.find((f) => f.properties.kato === kato);
    const p = map.project(feature.properties.label_point);
    const box = map.getCanvas().getBoundingClientRect();
    map.getCanvas().addEventListener("click", () => { window.clickedAt = performance.now(); }, { capture: true, once: true });
    return { x: box.left + p.x, y: box.top + p.y };
  }, KARAGANDY);
  await page.mouse.move(at.x, at.y);
  await page.waitForTimeout(300);
  await page.mouse.click(at.x, at.y);
  await page.waitForSelector(`body[data-shown="${KARAGANDY}"]`, { timeout: 60_000 });
  const drill = await page.evaluate((kato) => performance.getEntriesByName(`shown:${kato}`)[0].startTime - window.clickedAt, KARAGANDY);
  const drillDrawn = await page.evaluate((kato) => (performance.getEntriesByName(`drawn:${kato}`)[0]?.startTime ?? NaN) - window.clickedAt, KARAGANDY);
  if (process.env.VERBOSE) {
    console.log(await page.evaluate((kato) => Object.fromEntries(["drill", "data", "render", "shown"].map((n) => [n, Math.round(performance.getEntriesByName(`${n}:${kato}`)[0]?.startTime - window.clickedAt)])), KARAGANDY));
  }
  // The same without the hover (no prefetch): straight from the country view.
  await page.evaluate(() => window.riskmap.view.toCountry());
  await page.waitForSelector(`body[data-shown="country"]`, { timeout: 60_000 });
  const other = "630000000";
  const direct = await page.evaluate(async (kato) => {
    const t0 = performance.now();
    await window.riskmap.view.toRegion(kato);
    await new Promise((done) => { const check = () => (document.body.dataset.shown === kato ? done() : setTimeout(check, 5)); check(); });
    return performance.getEntriesByName(`shown:${kato}`)[0].startTime - t0;
  }, other);
  await context.close();
  return { firstMap: firstMap ?? wall, drill, direct, drawn, drillDrawn };
}

const server = await startServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
try {
  const weights = {};
  const cold = await run(browser, server.url, weights); // first run: the server builds its tile variants
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run(browser, server.url));
  const { tokens } = await (await fetch(new URL("/api/v1/demo/tokens", server.url))).json();
  const akimat = tokens.find((k) => k.role === "akimat" && k.region === ALMATY) ?? tokens.find((k) => k.role === "akimat");
  const coldSchool = await schoolRun(browser, server.url, akimat.token);
  const schools = [];
  for (let i = 0; i < RUNS; i++) schools.push(await schoolRun(browser, server.url, akimat.token));
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const pageWeight = (weights.page?.gzip ?? 0) + (weights.api?.gzip ?? 0) + (weights.tiles?.gzip ?? 0);
  console.log(`riskmap web benchmark — ${RUNS} warm runs (+1 cold), binary ${process.env.RISKMAP_BIN}`);
  console.log(`first complete map (navigation → idle, coloured): median ${median(runs.map((r) => r.firstMap)).toFixed(0)} ms  [runs: ${runs.map((r) => r.firstMap.toFixed(0)).join(", ")}; cold server ${cold.firstMap.toFixed(0)} ms]  goal < 1000 ms`);
  console.log(`drill-down, hover then click (click → idle, districts coloured): median ${median(runs.map((r) => r.drill)).toFixed(0)} ms  [runs: ${runs.map((r) => r.drill.toFixed(0)).join(", ")}; cold server ${cold.drill.toFixed(0)} ms]  goal < 200 ms`);
  const shown = (xs) => (xs.every((x) => Number.isFinite(x) && x >= 0) ? `median ${median(xs).toFixed(0)} ms  [runs: ${xs.map((x) => x.toFixed(0)).join(", ")}]` : "not marked by this page");
  console.log(`  of which drawn (first idle, values in or not; coloured from the tiles' composite): first map ${shown(runs.map((r) => r.drawn))}; drill-down ${shown(runs.map((r) => r.drillDrawn))}`);
  console.log(`school click, hover then click (click → its card in the panel, akimat): median ${median(schools).toFixed(0)} ms  [runs: ${schools.map((x) => x.toFixed(0)).join(", ")}; cold server ${coldSchool.toFixed(0)} ms]  goal < 300 ms`);
  console.log(`drill-down without hover (call → idle): median ${median(runs.map((r) => r.direct)).toFixed(0)} ms  [runs: ${runs.map((r) => r.direct.toFixed(0)).join(", ")}; cold server ${cold.direct.toFixed(0)} ms]`);
  console.log(`page weight excluding MapLibre, gzipped: ${kb(pageWeight)} (page code ${kb(weights.page?.gzip ?? 0)} in ${weights.page?.files ?? 0} files, API JSON ${kb(weights.api?.gzip ?? 0)}, tiles ${kb(weights.tiles?.gzip ?? 0)})  goal < 200 KB`);
  console.log(`as served: page code ${kb(weights.page?.raw ?? 0)} (Content-Encoding: ${weights.encoding}), API JSON ${kb(weights.api?.raw ?? 0)}, MapLibre ${kb(weights.maplibre?.raw ?? 0)} raw / ${kb(weights.maplibre?.gzip ?? 0)} gzipped`);
} finally {
  await browser.close();
  server.stop();
}
