// Browser-test harness: one `riskmap serve --demo` and one headless Chromium for the whole
// suite (registered as root hooks on import), pages that record console errors and failed
// responses, and helpers for map queries, downloads, axe scans and screenshots.
import { before, after } from "node:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer, CHROMIUM_ARGS, REPO } from "./server.mjs";

export const ARTIFACTS = join(REPO, "tests/artifacts");
export const ctx = { server: null, browser: null };

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  ctx.server = await startServer();
  ctx.browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

after(async () => {
  await ctx.browser?.close();
  ctx.server?.stop();
});

/** A page on the map (or `path`), waiting until the first complete map; errors are collected. */
export async function openPage({ path = "", viewport = { width: 1280, height: 860 }, context, ready = "ready" } = {}) {
  const page = await (context ?? ctx.browser).newPage(context ? undefined : { viewport, acceptDownloads: true });
  const errors = [];
  const requests = [];
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("response", (response) => { if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}`); });
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(new URL(path, ctx.server.url).href);
  await page.waitForSelector(`body[data-${ready}=true]`, { timeout: 90_000 });
  return { page, errors, requests };
}

export const renderedIds = (page, layer, key = "kato") =>
  page.evaluate(([layerId, prop]) => [...new Set(window.riskmap.map.queryRenderedFeatures({ layers: [layerId] }).map((f) => f.properties[prop]))], [layer, key]);

export const waitIdle = (page) => page.waitForFunction(() => {
  const map = window.riskmap.map;
  return map.loaded() && map.areTilesLoaded() && !map.isMoving();
}, null, { timeout: 30_000 });

/** Clicks the label point of a unit of the collection shown (regions or districts). */
export async function clickUnit(page, collection, kato) {
  const point = await page.evaluate(([which, code]) => {
    const feature = window.riskmap.view[which].features.find((f) => f.properties.kato === code);
    const p = window.riskmap.map.project(feature.properties.label_point);
    const box = window.riskmap.map.getCanvas().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, [collection, kato]);
  await page.mouse.click(point.x, point.y);
}

export async function axeScan(page) {
  await page.addScriptTag({ content: readFileSync(join(REPO, "tests/browser/node_modules/axe-core/axe.min.js"), "utf8") });
  const results = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

export const shot = (page, name, options = {}) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), ...options });

/** Clicks `selector` and returns the download's file name and bytes. */
export async function downloadOf(page, selector) {
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.click(selector)]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

/** Signs in with the demo token whose label starts with `role`. */
export async function signInAs(page, role) {
  await page.click("#signin-summary");
  await page.waitForFunction(() => document.querySelectorAll("#demo-token option").length > 1, null, { timeout: 30_000 });
  const options = await page.$$eval("#demo-token option", (items) => items.map((o) => ({ value: o.value, text: o.textContent, role: o.dataset.role })));
  const choice = options.find((o) => o.role === role);
  if (!choice) throw new Error(`no demo token for ${role}: ${options.map((o) => o.text).join(", ")}`);
  await page.selectOption("#demo-token", choice.value);
  await page.click("#sign-in");
  await page.waitForSelector(`body[data-signed-in="${role}"]`, { timeout: 30_000 });
  return choice;
}
