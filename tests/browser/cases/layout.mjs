// Browser tests of the phone (390×844) and small-desktop (1366×768) layouts: the map within
// the first screen, a folding toolbar and an overlay legend on the phone, the panel as a bottom
// sheet, no sideways scrolling on any view, the desktop toolbar on one row; a screenshot of
// every view at both sizes goes to tests/artifacts/; on the phone, in kk and ru, no word is
// broken across two lines (tables, headers, buttons: words wrap whole, columns fit their words).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ctx, openPage, shot, signInAs } from "../harness.mjs";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
const VIEWS = [
  ["map", "/?region=350000000&unit=350000000", "#panel:not([hidden]):not([aria-busy]) #panel-title"],
  // Six units, the most the view takes, with the longest region names.
  ["compare", "/?view=compare&units=350000000,270000000,590000000,630000000,430000000,750000000", "#view-compare table"],
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

/**
 * Words (letters and digits) laid out on more than one line, with where they are; and elements
 * styled to break words anywhere (`word-break: break-all`, `overflow-wrap: anywhere`), which only
 * an e-mail address may be (after its "@" and dots first).
 */
const brokenWords = (page) => page.evaluate(() => {
  const where = (el) => { const parts = []; for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(e.id ? `#${e.id}` : e.tagName.toLowerCase() + [...e.classList].map((c) => `.${c}`).join("")); return parts.join(" > "); };
  const found = new Set();
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.data.matchAll(/[\p{L}\p{N}]{2,}/gu)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
      if (lines.size > 1) found.add(`"${word[0]}" in ${where(node.parentElement)}`);
    }
  }
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (style.wordBreak === "break-all" || (style.overflowWrap === "anywhere" && !el.closest("a.email"))) found.add(`${style.wordBreak}/${style.overflowWrap} on ${where(el)}`);
  }
  return [...found];
});

for (const lang of ["ru", "kk"]) {
  test(`phone 390×844 in ${lang}: no word is broken across lines on any view`, async () => {
    const context = await ctx.browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const found = [];
    const views = [...VIEWS, ["district", "/?region=750000000&district=751110000&unit=751110000", "#panel:not([hidden]):not([aria-busy]) #panel-title"]];
    for (const [view, path, ready] of views) {
      const { page, errors } = await openPage({ context, path: `${path}&lang=${lang}`, ready: "restored" });
      await page.waitForSelector(ready, { timeout: 30_000 });
      await page.waitForFunction(() => !document.querySelector("[aria-busy=true]"), null, { timeout: 30_000 });
      for (const word of await brokenWords(page)) found.push(`${view}: ${word}`);
      if (view === "district") {
        // A school's card.
        const school = await page.evaluate(() => window.riskmap.view.schools.features[0].properties.school_id);
        await page.evaluate((id) => window.riskmap.view.selectSchool(id), school);
        await page.waitForSelector("#panel:not([aria-busy]) #panel-title");
        for (const word of await brokenWords(page)) found.push(`school card: ${word}`);
        // The toolbar and the legend unfolded.
        await page.click("#toolbar-toggle");
        await page.click("#legend-toggle");
        for (const word of await brokenWords(page)) found.push(`toolbar and legend: ${word}`);
      }
      assert.deepEqual(errors, []);
      await page.close();
    }
    // The crisis team's priority list with its work contacts unfolded.
    const { page, errors } = await openPage({ context, path: `/?lang=${lang}` });
    await signInAs(page, "crisis");
    await page.click("#tab-priority");
    await page.waitForSelector("#view-priority table.data tbody tr details.contacts", { timeout: 30_000 });
    await page.$$eval("#view-priority details.contacts", (all) => all.slice(0, 10).forEach((d) => { d.open = true; }));
    for (const word of await brokenWords(page)) found.push(`crisis priority: ${word}`);
    assert.deepEqual(errors, []);
    await context.close();
    assert.deepEqual(found, [], `words broken across lines in ${lang}`);
  });
}
