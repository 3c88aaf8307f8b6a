// Browser tests that a wait shows itself in place and that the tooltip and the card agree: a
// school click turns the panel into a busy skeleton at once, and the school's tooltip reads the
// same index as its card.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, waitIdle } from "../harness.mjs";

test("a school click shows a busy panel at once, then the card; tooltip and card read the same index", async () => {
  const { page, errors } = await openPage({ path: "/?region=750000000&district=751110000&unit=751110000", ready: "restored" });
  await page.waitForSelector("#panel:not([aria-busy]) #panel-title");
  await page.evaluate(() => window.riskmap.map.zoomTo(Math.max(11, window.riskmap.map.getZoom()), { duration: 0 }));
  await waitIdle(page);
  const school = await page.evaluate(() => {
    const map = window.riskmap.map;
    const box = map.getCanvas().getBoundingClientRect();
    const feature = map.queryRenderedFeatures({ layers: ["schools-circle"] }).find((f) => {
      const p = map.project(f.geometry.coordinates);
      return p.x > 40 && p.y > 40 && p.x < box.width - 40 && p.y < box.height - 40;
    });
    const p = map.project(feature.geometry.coordinates);
    return { id: feature.properties.school_id, x: box.left + p.x, y: box.top + p.y };
  });
  await page.waitForFunction((id) => window.riskmap.view.schoolIndex.has(id), school.id, { timeout: 30_000 });
  await page.mouse.move(school.x, school.y);
  await page.waitForSelector(".maplibregl-popup-content");
  const tooltip = await page.textContent(".maplibregl-popup-content");
  // The same click, observed in the same task: the panel is busy before any answer can arrive.
  const busy = await page.evaluate((id) => {
    window.riskmap.view.selectSchool(id);
    const panel = document.getElementById("panel");
    return { busy: panel.getAttribute("aria-busy"), spinner: panel.querySelector(".busy") !== null, old: panel.querySelector("#panel-title") !== null };
  }, school.id);
  assert.deepEqual(busy, { busy: "true", spinner: true, old: false }, "the old panel gives way to a busy skeleton at once");
  await page.waitForSelector("#panel:not([aria-busy]) dd");
  const card = await page.$$eval("#panel dt", (dts) => { const dt = dts.find((d) => /Индекс риска/.test(d.textContent)); return dt?.nextElementSibling?.textContent; });
  assert.ok(card && /\d/.test(card), `the card shows the index: ${card}`);
  assert.ok(tooltip.includes(card), `tooltip "${tooltip}" reads the card's ${card}`);
  assert.deepEqual(errors, []);
  // A real click: a spinner sits on the clicked school until the card is there and the map idle.
  await page.evaluate(() => window.riskmap.map.once("click", () => { window.spinnerSeen = document.querySelector(".click-spinner") !== null; }));
  await page.mouse.click(school.x, school.y);
  await page.waitForFunction(() => window.spinnerSeen !== undefined);
  assert.equal(await page.evaluate(() => window.spinnerSeen || document.querySelector(".click-spinner") !== null), true, "a spinner on the clicked feature");
  await page.waitForSelector("#panel:not([aria-busy]) dd");
  await page.waitForSelector(".click-spinner", { state: "detached", timeout: 30_000 });
  await page.close();
});
