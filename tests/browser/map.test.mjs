// Browser test: the page served by `riskmap serve --demo` draws the 20 regions with MapLibre
// in headless Chromium (WebGL2 through SwiftShader), drills down to districts, and logs no
// console errors. Screenshots are kept in tests/artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer, CHROMIUM_ARGS, REPO } from "./server.mjs";

const ARTIFACTS = join(REPO, "tests/artifacts");
let server;
let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function openMap() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("response", (response) => { if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}`); });
  await page.goto(server.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 90_000 });
  return { page, errors };
}

const renderedKatos = (page, layer) =>
  page.evaluate((layerId) => [...new Set(window.riskmap.map.queryRenderedFeatures({ layers: [layerId] }).map((f) => f.properties.kato))], layer);

test("the map shows the 20 regions with a legend, the attribution and the synthetic banner", async () => {
  const { page, errors } = await openMap();
  const katos = await renderedKatos(page, "regions-fill");
  assert.equal(katos.length, 20, `rendered regions: ${katos.join(",")}`);
  assert.ok(await page.isVisible("#synthetic-banner"), "synthetic-data banner is visible");
  assert.match(await page.textContent("#attribution"), /geokz/);
  assert.match(await page.textContent("#attribution"), /CC BY 4\.0/);
  assert.ok((await page.locator("#legend li").count()) >= 5, "legend has classes");
  const renderer = await page.evaluate(() => {
    const gl = window.riskmap.map.getCanvas().getContext("webgl2");
    return gl ? gl.getParameter(gl.VERSION) : "none";
  });
  assert.match(renderer, /WebGL 2/);
  await page.screenshot({ path: join(ARTIFACTS, "map-regions.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("clicking a region shows its districts", async () => {
  const { page, errors } = await openMap();
  const target = await page.evaluate(() => {
    const feature = window.riskmap.state.regions.features.find((f) => f.properties.kato === "350000000");
    const point = window.riskmap.map.project(feature.properties.label_point);
    const box = window.riskmap.map.getCanvas().getBoundingClientRect();
    return { x: box.left + point.x, y: box.top + point.y };
  });
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(() => window.riskmap.state.region !== null, null, { timeout: 30_000 });
  await page.waitForFunction(() => window.riskmap.map.getLayer("districts-fill") && window.riskmap.map.loaded() && window.riskmap.map.queryRenderedFeatures({ layers: ["districts-fill"] }).length > 0, null, { timeout: 30_000 });
  const districts = await renderedKatos(page, "districts-fill");
  assert.ok(districts.length >= 5, `rendered districts: ${districts.length}`);
  assert.ok(districts.every((k) => k.startsWith("35")), "only Karagandy districts");
  assert.match(await page.textContent("#breadcrumbs"), /›/);
  await page.screenshot({ path: join(ARTIFACTS, "map-districts.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("signing in with a demo token changes the role and keeps the map", async () => {
  const { page, errors } = await openMap();
  const options = await page.$$eval("#demo-token option", (items) => items.map((o) => ({ value: o.value, text: o.textContent })));
  const akimat = options.find((o) => o.text.startsWith("akimat"));
  assert.ok(akimat, `demo tokens offered: ${options.map((o) => o.text).join(", ")}`);
  await page.selectOption("#demo-token", akimat.value);
  await page.click("#sign-in");
  await page.waitForFunction(() => document.getElementById("role-label").textContent.includes("akimat"), null, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => window.riskmap.state.meta.role), "akimat");
  await page.waitForFunction(() => window.riskmap.map.loaded() && window.riskmap.map.queryRenderedFeatures({ layers: ["regions-fill"] }).length > 0, null, { timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, "map-akimat.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the table twin is keyboard navigable and the URL reopens the view", async () => {
  const { page, errors } = await openMap();
  const rows = await page.locator("#twin-body tr").count();
  assert.equal(rows, 20, "one table row per region");
  await page.focus("#twin-body tr:first-child");
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => document.activeElement?.dataset.kato);
  assert.ok(focused, "a row has focus");
  await page.keyboard.press("Enter");
  await page.waitForFunction((kato) => window.riskmap.state.region?.properties.kato === kato, focused, { timeout: 30_000 });
  await page.waitForFunction((kato) => new URL(window.location.href).searchParams.get("region") === kato, focused, { timeout: 30_000 });
  assert.ok((await page.locator("#twin-body tr").count()) > 1, "the table lists the districts");
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("region"), focused);
  const again = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await again.goto(page.url());
  await again.waitForSelector("body[data-ready=true]", { timeout: 90_000 });
  await again.waitForFunction((kato) => window.riskmap.state.region?.properties.kato === kato, focused, { timeout: 30_000 });
  await again.screenshot({ path: join(ARTIFACTS, "map-table-twin.png"), fullPage: true });
  await again.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test("axe-core finds no serious or critical accessibility violations", async () => {
  const { page, errors } = await openMap();
  await page.addScriptTag({ path: join(REPO, "tests/browser/node_modules/axe-core/axe.min.js") });
  const results = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), []);
  assert.deepEqual(errors, []);
  await page.close();
});
