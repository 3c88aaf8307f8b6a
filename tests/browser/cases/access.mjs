// Browser tests of what each role may see: an akimat's page never shows nor requests another
// region's schools (every request is watched), and the data steward gets no analytic data and
// is shown only what it can use (no map, toolbar, tabs or table; its notice says why).
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, signInAs, clickUnit, shot, waitIdle, renderedIds } from "../harness.mjs";

/** The WGS84 box of tile z/x/y. */
function tileBox(z, x, y) {
  const lon = (i) => (i / 2 ** z) * 360 - 180;
  const lat = (j) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / 2 ** z))) * 180) / Math.PI;
  return { west: lon(x), east: lon(x + 1), north: lat(y), south: lat(y + 1) };
}

test("an akimat sees its own region's schools and never requests another region's", async () => {
  const { page, errors, requests } = await openPage();
  const token = await signInAs(page, "akimat");
  const own = await page.evaluate(() => window.riskmap.state.scope.region);
  assert.match(own, /^\d{9}$/);
  assert.match(await page.textContent("#role-label"), /акимат/);
  const other = await page.evaluate((mine) => window.riskmap.view.regions.features.map((f) => f.properties.kato).find((k) => k.slice(0, 2) !== mine.slice(0, 2) && k !== "750000000"), own);
  // The akimat lands on its own region; back to the country to try another one.
  await page.waitForSelector(`body[data-shown="${own}"]`, { timeout: 30_000 });
  await page.click("#breadcrumbs button");
  await page.waitForSelector(`body[data-shown="country"]`, { timeout: 30_000 });
  requests.length = 0;

  // Another region: districts, no schools at all, no school data, no priority list.
  await clickUnit(page, "regions", other);
  await page.waitForSelector(`body[data-shown="${other}"]`, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => Boolean(window.riskmap.map.getSource("schools"))), false, "no schools source outside the scope");
  const firstDistrict = await page.evaluate(() => window.riskmap.view.districts.features[0].properties.kato);
  await clickUnit(page, "districts", firstDistrict);
  await page.waitForSelector("#panel:not([hidden]) svg.chart");
  assert.equal(await page.evaluate(() => window.riskmap.state.district), null, "no drill into another region's schools");
  assert.deepEqual(requests.filter((u) => u.includes("/tiles/schools") || u.includes("level=school") || u.includes("/api/v1/priority")), []);

  // Own region: schools appear, every schools tile lies over the own region.
  await page.click("#breadcrumbs button");
  await page.waitForSelector(`body[data-shown="country"]`, { timeout: 30_000 });
  await clickUnit(page, "regions", own);
  await page.waitForSelector(`body[data-shown="${own}"]`, { timeout: 30_000 });
  await page.evaluate(() => window.riskmap.map.zoomTo(Math.max(6.5, window.riskmap.map.getZoom()), { duration: 0 }));
  await page.waitForFunction(() => window.riskmap.map.getSource("schools") && window.riskmap.map.loaded() && window.riskmap.map.queryRenderedFeatures({ layers: ["schools-circle"] }).length > 0, null, { timeout: 30_000 });
  const shown = await page.evaluate(() => window.riskmap.map.queryRenderedFeatures({ layers: ["schools-circle"] }).map((f) => f.properties.district_kato));
  assert.ok(shown.length > 0 && shown.every((k) => k.slice(0, 2) === own.slice(0, 2)), "only own schools are drawn");
  const box = await page.evaluate((k) => { const b = window.riskmap.view.bounds.get(k); return { west: b.getWest(), east: b.getEast(), south: b.getSouth(), north: b.getNorth() }; }, own);
  const schoolTiles = requests.filter((u) => u.includes("/tiles/schools/"));
  assert.ok(schoolTiles.length > 0, "own schools are requested");
  for (const url of schoolTiles) {
    const [z, x, y] = new URL(url).pathname.split("/").slice(3).map((p) => parseInt(p, 10));
    const tile = tileBox(z, x, y);
    const overlaps = tile.west <= box.east + 0.01 && tile.east >= box.west - 0.01 && tile.south <= box.north + 0.01 && tile.north >= box.south - 0.01;
    assert.ok(overlaps, `schools tile ${z}/${x}/${y} lies over the own region`);
  }
  for (const url of requests.filter((u) => u.includes("level=school") || u.includes("/api/v1/priority"))) {
    const parent = new URL(url).searchParams.get("parent");
    assert.equal(parent.slice(0, 2), own.slice(0, 2), `school data asked only for the own region: ${url}`);
  }
  await page.click("#tab-priority");
  await page.waitForSelector("#view-priority table.data tbody tr");
  const options = await page.$$eval("#priority-area option", (o) => o.map((x) => x.value));
  assert.ok(options.every((k) => k.slice(0, 2) === own.slice(0, 2)), `priority areas: ${options.join(",")}`);
  await shot(page, "akimat-priority", { fullPage: true });
  assert.ok(token.value.length > 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the data steward sees a notice and no analytic data is requested", async () => {
  const { page, errors, requests } = await openPage();
  requests.length = 0;
  await signInAs(page, "steward");
  assert.ok(await page.isVisible("#notice"));
  for (const view of ["compare", "priority", "reporting"]) {
    assert.equal(await page.isVisible(`#tab-${view}`), false, `no ${view} tab for the steward (it would wait for data it may not get)`);
  }
  assert.deepEqual(requests.filter((u) => /\/api\/v1\/(regions|units|priority|compare|reporting)|\/tiles\//.test(u)), []);
  assert.deepEqual(errors, []);
  await page.close();
});

// What a steward can use: the language, the sign-in and its notice; nothing of the map.
const STEWARD_HIDDEN = ["#views", "#toolbar-toggle", "#toolbar", "#indicator", "#period", "#values", "#palette", "#hotspots", "#coverage", "#save-png",
  "#breadcrumbs", "#map", "#legend-toggle", "#legend", "#table-twin", "#settings-box", "#attribution"];

for (const [name, viewport] of [["desktop", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]]) {
  test(`${name}: the data steward's page has only what it can use (no map, toolbar, tabs or table)`, async () => {
    const { page, errors } = await openPage({ path: "/?lang=ru", viewport });
    await signInAs(page, "steward");
    const shown = [];
    for (const selector of STEWARD_HIDDEN) if (await page.isVisible(selector)) shown.push(selector);
    assert.deepEqual(shown, [], "nothing of the map is shown to the steward");
    for (const selector of ["#notice", "#language", "#signin-summary", "#role-label"]) assert.ok(await page.isVisible(selector), `${selector} is shown`);
    assert.match(await page.textContent("#notice"), /нет доступа к аналитике.*НОБД загружаются/s);
    // The notice follows the language.
    await page.selectOption("#language", "kk");
    assert.match(await page.textContent("#notice"), /ҰБДҚ файлдары/);
    await page.selectOption("#language", "ru");
    await shot(page, `steward-${viewport.width}x${viewport.height}`);
    // Another token brings the map back at its full size, with its controls.
    await signInAs(page, "ministry");
    await waitIdle(page);
    assert.ok(await page.isVisible("#map"));
    if (name === "desktop") assert.ok(await page.isVisible("#indicator"));
    const box = await page.locator("#map canvas").boundingBox();
    assert.ok(box.width > viewport.width * 0.5 && box.height > 300, `the map has its size again: ${JSON.stringify(box)}`);
    assert.equal((await renderedIds(page, "regions-fill")).length, 20);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("the public sees no schools, no priority list and no cluster overlay, and asks for none", async () => {
  const { page, errors, requests } = await openPage({ path: "/?hotspots=gistar" });
  await signInAs(page, "public");
  requests.length = 0;
  assert.equal(await page.isVisible("#hotspots-field"), false, "no cluster control");
  assert.equal(await page.isVisible("#tab-priority"), false, "no priority tab");
  await clickUnit(page, "regions", "350000000");
  await page.waitForSelector(`body[data-shown="350000000"]`, { timeout: 30_000 });
  const district = await page.evaluate(() => window.riskmap.view.districts.features[0].properties.kato);
  await clickUnit(page, "districts", district);
  await page.waitForFunction((k) => window.riskmap.state.selected === k, district);
  assert.equal(await page.evaluate(() => window.riskmap.state.district), null, "no drill into schools");
  assert.deepEqual(requests.filter((u) => /\/tiles\/schools|level=school|\/api\/v1\/(priority|hotspots)/.test(u)), []);
  assert.deepEqual(errors, []);
  await page.close();
});
