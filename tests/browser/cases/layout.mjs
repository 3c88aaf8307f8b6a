// Browser tests of the phone (390×844) and small-desktop (1366×768) layouts: the map within
// the first screen, a folding toolbar and an overlay legend on the phone, the panel as a bottom
// sheet, no sideways scrolling on any view, the desktop toolbar on one row; a screenshot of
// every view at both sizes goes to tests/artifacts/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ctx, openPage, shot } from "../harness.mjs";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
const VIEWS = [
  ["map", "/?region=350000000&unit=350000000", "#panel:not([hidden]):not([aria-busy]) #panel-title"],
  ["compare", "/?view=compare&units=350000000,750000000", "#view-compare table"],
  ["priority", "/?view=priority&region=750000000", "#view-priority table.data tbody tr"],
  ["reporting", "/?view=reporting", "#view-reporting table"],
];

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

for (const [name, size, options] of [["phone", PHONE, { deviceScaleFactor: 2, isMobile: true, hasTouch: true }], ["desktop", DESKTOP, {}]]) {
  test(`${name} ${size.width}×${size.height}: every view without sideways scrolling, with a screenshot`, async () => {
    const context = await ctx.browser.newContext({ viewport: size, ...options });
    for (const [view, path, ready] of VIEWS) {
      const { page, errors } = await openPage({ context, path, ready: "restored" });
      await page.waitForSelector(ready, { timeout: 30_000 });
      assert.ok((await overflow(page)) <= 1, `${view}: no horizontal overflow (${await overflow(page)} px)`);
      const cut = await page.$$eval(".table-scroll, .twin", (boxes) => boxes.filter((b) => b.offsetParent && b.scrollWidth > b.clientWidth + 1).map((b) => `${b.getAttribute("aria-label") ?? b.id}: ${b.scrollWidth} > ${b.clientWidth}`));
      assert.deepEqual(cut, [], `${view}: no table scrolls sideways`);
      await shot(page, `${view}-${size.width}x${size.height}`);
      assert.deepEqual(errors, []);
      await page.close();
    }
    await context.close();
  });
}

test("phone: the map is in the first screen, the toolbar folds, the legend is an overlay, the panel a bottom sheet", async () => {
  const context = await ctx.browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const { page, errors } = await openPage({ context });
  const map = await page.locator("#map").boundingBox();
  assert.ok(map.y < PHONE.height * 0.35, `the map starts high on the screen: y = ${map.y}`);
  assert.ok(map.y + Math.min(map.height, 320) <= PHONE.height, `at least 320 px of map in the first screen: ${map.y}+${map.height}`);
  assert.equal(await page.isVisible("#toolbar"), false, "the toolbar is folded");
  await page.click("#toolbar-toggle");
  assert.equal(await page.isVisible("#indicator"), true, "the toggle unfolds the toolbar");
  assert.equal(await page.getAttribute("#toolbar-toggle", "aria-expanded"), "true");
  await page.click("#toolbar-toggle");
  assert.equal(await page.isVisible("#legend"), false, "the legend is hidden until asked for");
  await page.click("#legend-toggle");
  const legend = await page.locator("#legend").boundingBox();
  assert.ok(legend.y >= map.y && legend.y < map.y + map.height, "the legend lies over the map");
  await page.click("#legend-toggle");
  await page.evaluate(() => window.riskmap.view.toRegion("350000000"));
  await page.waitForSelector("#panel:not([hidden]):not([aria-busy]) #panel-title");
  const sheet = await page.locator("#panel").boundingBox();
  assert.ok(Math.abs(sheet.y + sheet.height - PHONE.height) <= 2 && sheet.width >= PHONE.width - 2, `the panel is a bottom sheet: ${JSON.stringify(sheet)}`);
  assert.ok(sheet.height <= PHONE.height * 0.6, "the sheet leaves the map visible");
  await shot(page, "phone-bottom-sheet");
  assert.deepEqual(errors, []);
  await context.close();
});

test("1366×768: the toolbar is one row and the map gets most of the screen", async () => {
  const context = await ctx.browser.newContext({ viewport: DESKTOP });
  const { page, errors } = await openPage({ context, path: "/?hotspots=gistar" });
  const tops = await page.$$eval("#toolbar > :not([hidden])", (items) => [...new Set(items.filter((i) => i.offsetParent).map((i) => Math.round(i.getBoundingClientRect().bottom)))]);
  assert.ok(Math.max(...tops) - Math.min(...tops) <= 4, `toolbar items end on one row: ${tops.join(",")}`);
  const map = await page.locator("#map").boundingBox();
  assert.ok(map.height >= 460, `map height ${map.height}`);
  assert.deepEqual(errors, []);
  await context.close();
});
