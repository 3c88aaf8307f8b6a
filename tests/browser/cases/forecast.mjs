// Browser tests of the next-quarter forecast in the unit panel: the ministry's district panel
// shows the observed counts with the forecast's band and the exceedance probabilities; the
// public's panel has no forecast and never asks for one. The forecast map layer (P(exceeding
// the plan target), legend with the 0.8 priority trigger, table column) for the ministry, in
// kk and ru too; for the akimat and the crisis team, their region's districts from the fit of
// their own scope (a district outside a team's scope says so); never offered to, nor asked for
// by, the public.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ctx, openPage, signInAs, clickUnit, shot } from "../harness.mjs";

async function openDistrict(page) {
  const region = "750000000";
  await clickUnit(page, "regions", region);
  await page.waitForSelector(`body[data-shown="${region}"]`, { timeout: 30_000 });
  const district = await page.evaluate(() => window.riskmap.view.districts.features[0].properties.kato);
  await clickUnit(page, "districts", district);
  await page.waitForSelector("#panel:not([hidden]) svg.chart");
  return district;
}

test("the ministry's district panel shows the forecast band and the exceedance probabilities", async () => {
  const { page, errors, requests } = await openPage({ path: "?indicator=viol_rate" });
  await openDistrict(page);
  await page.waitForSelector("#panel section.forecast svg.forecast-chart .forecast-band", { timeout: 30_000 });
  const probability = await page.textContent("#panel section.forecast .p-target");
  assert.match(probability, /\d+\s?%/, `P(exceeding the plan target): ${probability}`);
  const label = await page.getAttribute("#panel section.forecast svg.forecast-chart", "aria-label");
  assert.ok(label.includes("90%"), label);
  assert.ok(requests.some((u) => u.includes("/api/v1/forecasts?")), "the panel asked for the forecast");
  await page.locator("#panel section.forecast").scrollIntoViewIfNeeded();
  await shot(page, "forecast-panel");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the public's panel has no forecast and asks for none", async () => {
  const { page, errors, requests } = await openPage({ path: "?indicator=viol_rate" });
  await signInAs(page, "public");
  await openDistrict(page);
  await page.waitForSelector("#panel:not([aria-busy]) #panel-title");
  assert.equal(await page.locator("#panel section.forecast").count(), 0);
  assert.deepEqual(requests.filter((u) => u.includes("/api/v1/forecasts")), []);
  assert.deepEqual(errors, []);
  await page.close();
});

// The forecast map layer: P(exceeding the plan target) next quarter, by region and by district.
const LAYER_SHOWN = 'body[data-forecast-layer="shown"]';
const legendText = (page) => page.textContent("#legend");
/** Latin-script words (the kk/ru controls of the layer must have none). */
const latin = (text) => text.match(/[A-Za-z]{2,}/g) ?? [];

test("the ministry switches the map to the forecast layer: legend with the 0.8 trigger, table column, districts too", async () => {
  const { page, errors, requests } = await openPage({ path: "?indicator=viol_rate&lang=en" });
  assert.equal(await page.isVisible("#layer-field"), true, "the layer switch is shown");
  await page.selectOption("#layer", "forecast");
  await page.waitForSelector(LAYER_SHOWN, { timeout: 30_000 });
  assert.equal(await page.textContent("#legend h2"), "Probability of exceeding the plan target");
  const legend = await legendText(page);
  assert.match(legend, /≥ 0\.8 — priority threshold/, legend);
  assert.match(legend, /threshold: 0\.8/, legend);
  assert.ok(requests.some((u) => u.includes("/api/v1/forecasts?level=region&indicator=viol_rate")), "regions' forecasts asked for");
  const heads = await page.$$eval("#twin-head th", (cells) => cells.map((c) => c.textContent));
  assert.equal(heads.at(-1), "Probability of exceeding the plan");
  const cells = await page.$$eval("#twin-body tr", (rows) => rows.map((r) => r.lastElementChild.textContent));
  assert.ok(cells.some((c) => /^\d+%$/.test(c)), `a probability in the table: ${cells.join(" | ")}`);
  // The map's colours are the layer's: a region's feature state is one of its four classes or "no data".
  const fills = await page.evaluate(() => window.riskmap.view.regions.features.map((f) => window.riskmap.map.getFeatureState({ source: "regions", sourceLayer: "regions", id: f.properties.kato }).fill));
  assert.ok(fills.every((f) => ["#ffffb2", "#fecc5c", "#f03b20", "#bd0026", "#d4d4d4"].includes(f)), fills.join(","));
  await shot(page, "forecast-layer-regions");
  await openDistrict(page);
  await page.waitForSelector(LAYER_SHOWN);
  await page.waitForFunction(() => document.querySelector("#twin-head th:last-child")?.textContent.includes("plan"), null, { timeout: 30_000 });
  assert.ok(requests.some((u) => u.includes("/api/v1/forecasts?level=district&indicator=viol_rate&parent=750000000")), "districts' forecasts asked for");
  assert.match(await legendText(page), /0\.8/);
  await page.selectOption("#layer", "values");
  await page.waitForSelector('body[data-forecast-layer="off"]');
  assert.doesNotMatch(await page.textContent("#legend h2"), /plan target/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the public has no forecast layer switch and never asks for forecasts, even from a link", async () => {
  const { page, errors, requests } = await openPage({ path: "?indicator=viol_rate&layer=forecast" });
  await signInAs(page, "public");
  // The demo page opens as the ministry: only what is asked for after signing in counts.
  const asPublic = requests.length;
  assert.equal(await page.isVisible("#layer-field"), false);
  await clickUnit(page, "regions", "750000000");
  await page.waitForSelector('body[data-shown="750000000"]', { timeout: 30_000 });
  assert.equal(await page.getAttribute("body", "data-forecast-layer"), "off");
  assert.deepEqual(requests.slice(asPublic).filter((u) => u.includes("/api/v1/forecasts")), []);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const lang of ["kk", "ru"]) {
  test(`the forecast layer's switch, legend and table column speak ${lang}, with the 0,8 trigger`, async () => {
    const { page, errors } = await openPage({ path: `?indicator=viol_rate&layer=forecast&lang=${lang}` });
    await page.waitForSelector(LAYER_SHOWN, { timeout: 30_000 });
    const legend = await legendText(page);
    assert.match(legend, /≥ 0,8 — /, legend);
    const switchText = await page.$eval("#layer-field", (f) => [f.querySelector("label").textContent, ...[...f.querySelectorAll("option")].map((o) => o.textContent)].join(" | "));
    const head = await page.textContent("#twin-head th:last-child");
    const cells = await page.$$eval("#twin-body tr", (rows) => rows.map((r) => r.lastElementChild.textContent).join(" | "));
    for (const text of [legend, switchText, head, cells]) assert.deepEqual(latin(text), [], text);
    await shot(page, `forecast-layer-${lang}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("the layer's top class starts at the methodology's trigger as /api/v1/meta sends it", async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 860 } });
  // A server whose methodology says 0.65: the page must not keep a number of its own.
  await context.route("**/api/v1/meta", async (route) => {
    const response = await route.fetch();
    const meta = await response.json();
    assert.equal(typeof meta.forecast_exceedance_probability, "number", "meta sends the trigger");
    route.fulfill({ response, json: { ...meta, forecast_exceedance_probability: 0.65 } });
  });
  const { page, errors } = await openPage({ context, path: "?indicator=viol_rate&lang=en&layer=forecast" });
  await page.waitForSelector(LAYER_SHOWN, { timeout: 30_000 });
  const legend = await legendText(page);
  assert.match(legend, /≥ 0\.65 — priority threshold/, legend);
  assert.match(legend, /threshold: 0\.65/, legend);
  assert.match(legend, /0\.5 – 0\.65/, legend);
  assert.deepEqual(errors, []);
  await context.close();
});

// The akimat and the crisis team: the layer of their region's districts comes from the fit of
// their own exact scope; a district outside it says so instead of showing a probability.
const OUT_OF_SCOPE_RU = "единица вне вашего точного охвата";
for (const role of ["akimat", "crisis"]) {
  test(`the ${role} switches to the forecast layer of its region's districts, each a probability or a reason, in ru`, async () => {
    const { page, errors, requests } = await openPage({ path: "?indicator=viol_rate&lang=ru" });
    await signInAs(page, role);
    const asRole = requests.length;
    const scope = await page.evaluate(() => window.riskmap.state.scope);
    const region = scope.region ?? `${scope.districts[0].slice(0, 2)}0000000`;
    await page.waitForSelector(`body[data-shown="${region}"]`, { timeout: 30_000 });
    assert.equal(await page.isVisible("#layer-field"), true, "the layer switch is shown");
    await page.selectOption("#layer", "forecast");
    await page.waitForSelector(LAYER_SHOWN, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector("#twin-head th:last-child")?.textContent.includes("план"), null, { timeout: 30_000 });
    const asked = requests.slice(asRole).filter((u) => u.includes("/api/v1/forecasts?"));
    assert.ok(asked.some((u) => u.includes(`level=district&indicator=viol_rate&parent=${region}`)), asked.join(" | "));
    assert.ok(asked.every((u) => !u.includes("level=region")), `no regions' forecasts: ${asked.join(" | ")}`);
    const rows = await page.$$eval("#twin-body tr", (trs) => trs.map((r) => ({ id: r.dataset.id, cell: r.lastElementChild.textContent })));
    assert.ok(rows.length > 1, `districts in the table: ${rows.length}`);
    const own = role === "crisis" ? scope.districts : rows.map((r) => r.id);
    for (const { id, cell } of rows) {
      if (own.includes(id)) {
        assert.ok(/^\d+\s?%$/.test(cell) || (cell.startsWith("Прогноза нет: ") && !cell.includes(OUT_OF_SCOPE_RU)), `${id}: ${cell}`);
      } else {
        assert.equal(cell, `Прогноза нет: ${OUT_OF_SCOPE_RU}`, `${id} is outside the team's districts`);
      }
    }
    if (role === "akimat") assert.ok(rows.some((r) => /%$/.test(r.cell)), rows.map((r) => r.cell).join(" | "));
    assert.deepEqual(latin(await legendText(page)).filter((w) => w !== "hhh4"), []);
    await shot(page, `forecast-layer-${role}-ru`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
