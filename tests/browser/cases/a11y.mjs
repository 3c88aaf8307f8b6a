// Browser tests of accessibility: a keyboard-only walk through the table twin (down to a
// school) that the URL then reopens, axe-core on every view with no serious or critical
// violations, and the phone-sized layout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ctx, openPage, axeScan, shot } from "../harness.mjs";

async function tabTo(page, predicate, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(predicate)) return true;
  }
  return false;
}

test("keyboard only: the table twin is walked with Tab, arrows and Enter, and the URL reopens the view", async () => {
  const { page, errors } = await openPage();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "skip", "the first Tab stop is the skip link");
  await page.keyboard.press("Enter");
  assert.ok(await tabTo(page, () => document.activeElement?.closest("#twin-body") !== null, 12), "Tab reaches the table twin soon after the skip link");
  assert.equal(await page.locator("#twin-body tr").count(), 20, "one row per region");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowDown");
  const region = await page.evaluate(() => document.activeElement?.dataset.kato);
  assert.match(region, /^\d{9}$/);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "focus is visible");
  await page.keyboard.press("Enter");
  await page.waitForSelector(`body[data-shown="${region}"]`, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll("#twin-body tr").length === window.riskmap.view.districts.features.length);
  // Focus stays in the table: on the first district row.
  await page.waitForFunction(() => document.activeElement?.closest("#twin-body") && window.riskmap.view.districts.features.some((f) => f.properties.kato === document.activeElement.dataset.kato));
  const district = await page.evaluate(() => document.activeElement.dataset.kato);
  await page.keyboard.press("Enter");
  await page.waitForSelector(`body[data-shown="${district}"]`, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll("#twin-body tr").length === window.riskmap.view.schools.features.length);
  await page.waitForFunction(() => document.activeElement?.closest("#twin-body"));
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#panel:not([hidden]) #panel-title");
  const school = await page.evaluate(() => window.riskmap.state.selected);
  const url = page.url();
  const again = await openPage({ path: url, ready: "restored" });
  assert.equal(await again.page.evaluate(() => window.riskmap.state.district), district);
  await again.page.waitForSelector("#panel:not([hidden]) #panel-title");
  assert.equal(await again.page.evaluate(() => window.riskmap.state.selected), school);
  await shot(again.page, "map-table-twin", { fullPage: true });
  assert.deepEqual([...errors, ...again.errors], []);
  await again.page.close();
  await page.close();
});

test("axe-core finds no serious or critical violations on any view", async () => {
  const { page, errors } = await openPage({ path: "/?region=350000000&unit=350000000", ready: "restored" });
  await page.waitForSelector("#panel:not([hidden]) svg.chart");
  const found = { map: await axeScan(page) };
  for (const view of ["compare", "priority", "reporting", "programmes"]) {
    await page.click(`#tab-${view}`);
    await page.waitForSelector(`#view-${view} h2`);
    await page.waitForFunction((v) => !document.querySelector(`#view-${v}`).textContent.includes("…"), view);
    found[view] = await axeScan(page);
  }
  await page.click("#view-programmes button[data-programme]");
  await page.waitForSelector("#view-programmes[data-programme] #prog-history table");
  await page.waitForSelector("#prog-reviews:not([aria-busy])");
  found.programme = await axeScan(page);
  assert.deepEqual(found, { map: [], compare: [], priority: [], reporting: [], programmes: [], programme: [] });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a phone-sized screen gets the whole page without sideways scrolling", async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const { page, errors } = await openPage({ context, path: "/?region=350000000&unit=350000000", ready: "restored" });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - 390);
  assert.equal(await page.evaluate(() => window.innerWidth), 390, "the layout viewport is the phone's width");
  assert.ok(overflow <= 1, `no horizontal overflow (${overflow}px)`);
  const map = await page.locator("#map").boundingBox();
  assert.ok(map.width >= 350 && map.height >= 300, `map is usable: ${map.width}×${map.height}`);
  await page.waitForSelector("#panel:not([hidden]) svg.chart");
  assert.deepEqual(await axeScan(page), []);
  await shot(page, "phone-map", { fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
