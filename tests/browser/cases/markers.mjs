// Browser tests of the markers the legend promises, whatever the order of changes: hatching of
// unstable units right after switching the indicator (no zoom), the hot-spot outline's white
// halo, suppressed reporting bars drawn as suppressed, and the cluster column at country level.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, waitIdle, renderedIds } from "../harness.mjs";

/** Region codes whose value for the indicator shown is unstable (what the table marks u). */
const unstableShown = (page) => page.evaluate(() => window.riskmap.view.regions.features
  .filter((f) => window.riskmap.map.getFeatureState({ source: "regions", sourceLayer: "regions", id: f.properties.kato }).flag === "u")
  .map((f) => f.properties.kato).sort());

test("switching the indicator hatches exactly the unstable regions at once, without a zoom", async () => {
  const { page, errors } = await openPage();
  const codes = await page.$$eval("#indicator option", (o) => o.map((x) => x.value).filter((v) => v !== "composite"));
  let checked = 0;
  for (const code of codes) {
    await page.selectOption("#indicator", code);
    await waitIdle(page);
    const unstable = await unstableShown(page);
    const hatched = (await renderedIds(page, "regions-hatch")).sort();
    assert.deepEqual(hatched, unstable, `${code}: hatched regions are the unstable ones`);
    if (unstable.length) checked += 1;
  }
  assert.ok(checked > 0, "some indicator has unstable regions");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a hot spot has a white halo under its coloured outline, visible on any fill", async () => {
  const { page, errors } = await openPage({ path: "/?hotspots=gistar" });
  const codes = await page.$$eval("#indicator option", (o) => o.map((x) => x.value).filter((v) => v !== "composite"));
  let spots = 0;
  for (const code of codes) {
    await page.selectOption("#indicator", code);
    await page.waitForFunction(() => ["shown", "unavailable"].includes(window.riskmap.view.hotspotsState), null, { timeout: 30_000 });
    await waitIdle(page);
    spots = await page.evaluate(() => window.riskmap.view.hotspotsCount ?? 0);
    if (spots) break;
  }
  assert.ok(spots > 0, "some indicator has hot or cold spots");
  const layers = await page.evaluate(() => {
    const map = window.riskmap.map;
    const ids = map.getStyle().layers.map((l) => l.id);
    return { order: [ids.indexOf("hotspots-halo"), ids.indexOf("hotspots-line")], visible: map.getLayoutProperty("hotspots-halo", "visibility"), width: [map.getPaintProperty("hotspots-halo", "line-width"), map.getPaintProperty("hotspots-line", "line-width")] };
  });
  assert.ok(layers.order[0] >= 0 && layers.order[0] < layers.order[1], "the halo is drawn under the outline");
  assert.equal(layers.visible, "visible");
  assert.ok(layers.width[0] >= layers.width[1] + 3, `the halo is wider than the outline: ${layers.width}`);
  const haloed = await renderedIds(page, "hotspots-halo");
  assert.ok(haloed.length > 0, "halo features are drawn");
  const legend = await page.$eval("#legend .swatch.ring", (e) => getComputedStyle(e).boxShadow);
  assert.match(legend, /255, 255, 255/, "the legend's ring shows the halo too");
  // At country level the cluster column says why it holds no class per region.
  const cells = await page.$$eval("#twin-body tr", (rows) => rows.map((r) => r.lastElementChild.textContent));
  assert.ok(cells.every((c) => c !== "—" && c.length > 2), `cluster column: ${cells.slice(0, 3).join(" | ")}`);
  assert.match(await page.textContent("#twin-hint"), /район/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a suppressed reporting count is drawn as a hatched grey rest of the bar, not as zero", async () => {
  const { page, errors } = await openPage({ path: "/?view=reporting", ready: "restored" });
  await page.waitForSelector("#view-reporting table");
  const drawn = await page.evaluate(async () => {
    const { stackedBar } = await import("/js/charts.js");
    const bar = stackedBar({ parts: [{ value: 6, colour: "#1a9850" }, { value: null, colour: "#fdae61" }, { value: 2, colour: "#a50026" }], total: 10, label: "t", width: 100 });
    const rects = [...bar.querySelectorAll(":scope > rect")].map((r) => ({ cls: r.getAttribute("class"), w: Number(r.getAttribute("width")) }));
    return rects;
  });
  assert.deepEqual(drawn.map((r) => r.cls), [null, null, "suppressed"]);
  assert.equal(Math.round(drawn[2].w), 20, "the suppressed part is the rest of the total");
  // In the monitor itself: every row with a symbol instead of a count has a suppressed segment.
  const rows = await page.$$eval("#view-reporting table.data.compact tbody tr", (trs) => trs.map((tr) => ({ text: [...tr.children].slice(2, 5).map((c) => c.textContent), suppressed: tr.querySelector("rect.suppressed") !== null })));
  for (const row of rows) assert.equal(row.suppressed, row.text.some((c) => !/^[\d\s ]+$/.test(c)), `row ${row.text.join("|")}`);
  // Compact: one line per unit.
  const heights = await page.$$eval("#view-reporting table.data.compact tbody tr", (trs) => trs.map((tr) => tr.getBoundingClientRect().height));
  assert.ok(Math.max(...heights) <= 26, `rows are one line: ${Math.max(...heights)} px`);
  assert.deepEqual(errors, []);
  await page.close();
});
