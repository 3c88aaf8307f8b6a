// Browser tests of the map view: 20 regions with legend and attribution, the composite index as
// the default colouring (0–10 classes, tooltip, table twin), drill-down to a district and a
// school, language switch, indicator and period changes, smoothed values and the diverging
// palette, the unit panel (composite, drivers, plan progress), the cluster overlay, the PNG
// export, and unit names that never overlap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ctx, openPage, renderedIds, clickUnit, shot, downloadOf } from "../harness.mjs";

const KARAGANDY = "350000000";

test("the map shows the 20 regions with a legend, suppressed and unstable entries, the attribution and the synthetic banner", async () => {
  const { page, errors } = await openPage();
  const katos = await renderedIds(page, "regions-fill");
  assert.equal(katos.length, 20, `rendered regions: ${katos.join(",")}`);
  assert.ok(await page.isVisible("#synthetic-banner"));
  assert.match(await page.textContent("#attribution"), /geokz/);
  assert.match(await page.textContent("#attribution"), /CC BY 4\.0/);
  assert.ok((await page.locator("#legend li").count()) >= 8, "legend has five classes plus c, u and no data");
  const legend = await page.textContent("#legend");
  assert.match(legend, /\(c\)|c —/, "legend explains suppressed values");
  assert.match(legend, /u —/, "legend explains unstable (hatched) values");
  assert.equal(await page.locator(".unit-label").count(), 20, "every region is labelled");
  const coloured = await page.evaluate(() => window.riskmap.view.regions.features.filter((f) => window.riskmap.map.getFeatureState({ source: "regions", sourceLayer: "regions", id: f.properties.kato }).fill).length);
  assert.ok(coloured >= 15, `regions coloured: ${coloured}`);
  const renderer = await page.evaluate(() => {
    const gl = window.riskmap.map.getCanvas().getContext("webgl2");
    return gl ? gl.getParameter(gl.VERSION) : "none";
  });
  assert.match(renderer, /WebGL 2/);
  await shot(page, "map-regions");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the map colours by the composite index by default, with its 0–10 classes in the legend, tooltip and table twin", async () => {
  const { page, errors } = await openPage();
  assert.equal(await page.inputValue("#indicator"), "composite");
  assert.equal(await page.$eval("#indicator", (s) => s.options[0].value), "composite", "the composite is the first choice");
  assert.equal(new URL(page.url()).searchParams.get("indicator"), "composite");
  assert.equal(await page.textContent("#legend h2"), "Индекс риска (0–10)");
  const classes = await page.locator("#legend li").allTextContents();
  for (const range of ["0,0 – 2,0", "2,0 – 3,5", "3,5 – 5,0", "5,0 – 6,5", "6,5 – 10,0"]) assert.ok(classes.some((c) => c.includes(range)), `legend class ${range}: ${classes.join(" | ")}`);
  // Every region's colour is its composite's class (the map matches the table).
  const mismatches = await page.evaluate(() => {
    const palette = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
    const classOf = (v) => [2, 3.5, 5, 6.5].filter((b) => v >= b).length;
    return window.riskmap.view.regions.features.filter((f) => {
      const value = f.properties.composite?.value;
      const fill = window.riskmap.map.getFeatureState({ source: "regions", sourceLayer: "regions", id: f.properties.kato }).fill;
      return typeof value === "number" && fill !== palette[classOf(value)];
    }).map((f) => f.properties.kato);
  });
  assert.deepEqual(mismatches, []);
  const heads = await page.locator("#twin-head th").allTextContents();
  for (const word of ["Вред", "Уязвимость", "Недостаток защиты"]) assert.ok(heads.includes(word), `table twin column ${word}: ${heads.join("|")}`);
  const first = await page.locator("#twin-body tr").first().locator("td").first().textContent();
  assert.match(first, /^\d+,\d$/, "the composite with one decimal");
  // Tooltip: the index and its band.
  const at = await page.evaluate((kato) => {
    const feature = window.riskmap.view.regions.features.find((f) => f.properties.kato === kato);
    const p = window.riskmap.map.project(feature.properties.label_point);
    const box = window.riskmap.map.getCanvas().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, KARAGANDY);
  await page.mouse.move(at.x, at.y);
  await page.waitForSelector(".maplibregl-popup");
  assert.match(await page.textContent(".maplibregl-popup"), /Индекс риска \(0–10\): \d+(,\d)?.*Группа \(1–5\): [1-5]/);
  // A single indicator replaces it, and the composite stays as a table column.
  const single = await page.$eval("#indicator", (s) => s.options[1].value);
  await page.selectOption("#indicator", single);
  await page.waitForFunction((c) => new URL(location.href).searchParams.get("indicator") === c, single);
  assert.ok((await page.locator("#twin-head th").allTextContents()).includes("Индекс риска (0–10)"));
  await shot(page, "map-composite");
  assert.deepEqual(errors, []);
  await page.close();
});

test("drill down: a region shows its districts, a district its schools, a school its card", async () => {
  const { page, errors } = await openPage();
  await clickUnit(page, "regions", KARAGANDY);
  await page.waitForSelector(`body[data-shown="${KARAGANDY}"]`, { timeout: 30_000 });
  const districts = await renderedIds(page, "districts-fill");
  assert.ok(districts.length >= 5, `rendered districts: ${districts.length}`);
  assert.ok(districts.every((k) => k.startsWith("35")), "only Karagandy districts");
  assert.match(await page.textContent("#breadcrumbs"), /›/);
  await page.waitForSelector("#panel:not([hidden]) svg.chart");
  await shot(page, "map-districts");
  // A district with schools: the one with the most schools in the table twin.
  const district = await page.evaluate(() => window.riskmap.view.districts.features[0].properties.kato);
  await clickUnit(page, "districts", district);
  await page.waitForSelector(`body[data-shown="${district}"]`, { timeout: 30_000 });
  await page.waitForFunction(() => window.riskmap.map.getSource("schools") && window.riskmap.map.loaded() && window.riskmap.map.queryRenderedFeatures({ layers: ["schools-circle"] }).length > 0, null, { timeout: 30_000 });
  const schools = await page.evaluate(() => window.riskmap.map.queryRenderedFeatures({ layers: ["schools-circle"] }).map((f) => f.properties.district_kato));
  assert.ok(schools.length > 0 && schools.every((k) => k === district), "only the district's schools are drawn");
  const rows = await page.locator("#twin-body tr").count();
  assert.equal(rows, await page.evaluate(() => window.riskmap.view.schools.features.length), "the table lists the schools");
  await page.locator("#twin-body tr").first().click();
  await page.waitForSelector("#panel:not([hidden]) #panel-title");
  const selected = await page.evaluate(() => window.riskmap.view.schools.features.some((f) => f.properties.school_id === window.riskmap.state.selected));
  assert.ok(selected, "a school is selected");
  assert.match(await page.textContent("#panel"), /Учащихся|Индекс риска/, "the school card shows pupils and the priority list's risk index");
  assert.match(new URL(page.url()).searchParams.get("district"), /^\d{9}$/);
  await shot(page, "map-school");
  assert.deepEqual(errors, []);
  await page.close();
});

test("unit names never overlap: of two that would, the more populous unit's is shown, and zooming in shows more", async () => {
  const { page, errors } = await openPage({ path: `?region=${KARAGANDY}` });
  await page.waitForSelector(`body[data-shown="${KARAGANDY}"]`, { timeout: 30_000 });
  const labels = () => page.evaluate(() => [...document.querySelectorAll(".unit-label")].map((e) => ({ text: e.textContent, hidden: e.hidden, box: e.hidden ? null : e.getBoundingClientRect().toJSON() })));
  const initial = await labels();
  const shown = initial.filter((l) => !l.hidden);
  for (const [i, a] of shown.entries()) {
    for (const b of shown.slice(i + 1)) {
      const overlap = a.box.left < b.box.right && b.box.left < a.box.right && a.box.top < b.box.bottom && b.box.top < a.box.bottom;
      assert.ok(!overlap, `the labels ${a.text} and ${b.text} overlap`);
    }
  }
  const hidden = initial.length - shown.length;
  assert.ok(hidden > 0, "the crowded labels around Karaganda city are held back at the region's zoom");
  const city = await page.evaluate(() => {
    const top = [...window.riskmap.view.districts.features].sort((a, b) => b.properties.population_2023 - a.properties.population_2023)[0];
    return top.properties.name_ru;
  });
  assert.ok(shown.some((l) => l.text === city), `the most populous unit (${city}) keeps its label`);
  await page.evaluate(() => window.riskmap.map.zoomTo(window.riskmap.map.getZoom() + 2, { duration: 0 }));
  await page.waitForFunction((before) => [...document.querySelectorAll(".unit-label")].filter((e) => e.hidden).length < before, hidden, { timeout: 10_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test("switching the language translates the labels, numbers and quarters, and is remembered", async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 860 } });
  const { page, errors } = await openPage({ context });
  await page.selectOption("#language", "kk");
  await page.waitForFunction(() => document.documentElement.lang === "kk");
  assert.match(await page.textContent("#title"), /Балаларды қорғау/);
  assert.equal(await page.textContent("#tab-map"), "Карта");
  assert.match(await page.textContent("#tab-reporting"), /Есеп беру/);
  assert.match(await page.textContent("#period-value"), /ж\. \d-тоқсан/);
  assert.match(await page.textContent("#twin-title"), /Кесте/);
  await page.selectOption("#language", "en");
  assert.equal(await page.textContent("#tab-compare"), "Compare");
  assert.match(await page.textContent("#period-value"), /^Q\d \d{4}$/);
  assert.match(await page.textContent("#legend"), /last 4 quarters/);
  await page.selectOption("#language", "ru");
  assert.match(await page.textContent("#period-value"), /кв\. \d{4}/);
  assert.match(await page.textContent("#legend"), /\d,\d/, "decimal comma in Russian");
  await page.selectOption("#language", "kk");
  await page.close();
  const again = await openPage({ context, path: "/" });
  assert.equal(await again.page.evaluate(() => document.documentElement.lang), "kk", "the language is remembered");
  await shot(again.page, "map-kazakh");
  assert.deepEqual([...errors, ...again.errors], []);
  await context.close();
});

test("changing the indicator and moving the period slider recolour the map and update the URL", async () => {
  const { page, errors, requests } = await openPage();
  const fills = () => page.evaluate(() => window.riskmap.view.regions.features.map((f) => window.riskmap.map.getFeatureState({ source: "regions", sourceLayer: "regions", id: f.properties.kato }).fill ?? null));
  const before = await page.evaluate(() => ({ period: window.riskmap.state.period, title: document.querySelector("#legend h2").textContent }));
  const coloursBefore = await fills();
  const codes = await page.$$eval("#indicator option", (o) => o.map((x) => x.value));
  assert.ok(codes.length >= 3, "several indicators");
  const other = codes.find((c) => c !== (new URL(page.url()).searchParams.get("indicator")));
  await page.selectOption("#indicator", other);
  await page.waitForFunction((c) => new URL(location.href).searchParams.get("indicator") === c, other);
  assert.notEqual(await page.textContent("#legend h2"), before.title, "the legend names the new indicator");
  const label = await page.$eval("#indicator", (s) => s.selectedOptions[0].textContent);
  assert.equal(await page.textContent("#legend h2"), label);
  assert.notDeepEqual(await fills(), coloursBefore, "the regions are recoloured");
  await page.focus("#period");
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction((p) => window.riskmap.state.period !== p, before.period);
  const period = await page.evaluate(() => window.riskmap.state.period);
  await page.waitForFunction((p) => new URL(location.href).searchParams.get("period") === p, period);
  await page.waitForFunction((p) => document.getElementById("legend").textContent.includes(p.slice(0, 4)), period);
  assert.ok(requests.some((u) => u.includes("/api/v1/regions") && u.includes(`period=${period}`)), "regions reloaded for the new quarter");
  await page.selectOption("#values", "smoothed");
  await page.selectOption("#palette", "diverging");
  assert.match(await page.textContent("#legend"), /median|медиан/i);
  assert.equal(new URL(page.url()).searchParams.get("palette"), "diverging");
  await shot(page, "map-indicator-period");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the unit panel shows drivers, comparators, rank, direction of travel, the series with the plan's target, staffing and reporting", async () => {
  const { page, errors } = await openPage({ path: `/?region=${KARAGANDY}&unit=${KARAGANDY}&indicator=viol_rate`, ready: "restored" });
  await page.waitForSelector("#panel:not([hidden]) svg.chart");
  const text = await page.textContent("#panel");
  for (const word of ["Сравнение", "Место", "Динамика", "Основные факторы", "Поквартальный ряд"]) assert.ok(text.includes(word), `panel mentions ${word}`);
  assert.ok(await page.locator("#panel svg.chart").count() >= 2, "comparator and series charts");
  assert.ok(await page.locator("#panel svg[role=img][aria-label]").count() >= 2, "charts have text alternatives");
  const harm = await page.evaluate(() => window.riskmap.state.meta.indicators.find((i) => i.dimension === "harm" && i.direction === "higher_is_worse")?.code);
  if (harm) {
    await page.selectOption("#indicator", harm);
    await page.waitForFunction(() => document.querySelector("#panel .target-line"), null, { timeout: 30_000 });
    assert.match(await page.textContent("#panel .progress"), /Выполнение плана, \d{4}: .* цель /);
  }
  await shot(page, "panel-profile", { fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the unit panel shows the composite with its dimensions and drivers, and the plan's progress with target lines", async () => {
  const { page, errors } = await openPage({ path: `/?region=${KARAGANDY}&unit=${KARAGANDY}&lang=en`, ready: "restored" });
  await page.waitForSelector("#panel:not([hidden]) .plan-chart");
  const composite = await page.textContent("#panel section.composite");
  assert.match(composite, /Composite risk index \(0–10\)/);
  assert.match(composite, /\d\.\d \/ 10/, "the index value");
  for (const word of ["Harm", "Vulnerability", "Lack of coping"]) assert.ok(composite.includes(word), `dimension ${word}`);
  const labels = await page.evaluate(() => window.riskmap.state.meta.indicators.map((i) => i.label.en));
  const drivers = await page.locator("#panel ol.drivers li").allTextContents();
  assert.ok(drivers.length >= 1, "drivers listed");
  assert.ok(drivers.every((d) => labels.some((l) => d.startsWith(l)) && /\d points/.test(d)), `drivers by indicator name with points: ${drivers.join(" | ")}`);
  assert.ok(await page.locator("#panel svg.composite-series").count() === 1, "the composite's series");
  const plans = page.locator("#panel figure.plan-series");
  assert.equal(await plans.count(), 4, "four plan series");
  assert.equal(await page.locator("#panel .plan-chart .target-line").count(), 4, "each plan chart has its target line");
  assert.ok(await page.locator("#panel .plan-chart .count-line").count() >= 1);
  const statuses = await page.locator("#panel figure.plan-series figcaption .plan-status").allTextContents();
  assert.ok(statuses.every((s) => ["on track", "off track", "inconclusive", "unknown", "no baseline year"].includes(s)), statuses.join("|"));
  assert.ok(await page.locator("#panel .plan-chart[role=img][aria-label]").count() === 4, "plan charts have text alternatives");
  await page.selectOption("#language", "kk");
  await page.waitForFunction(() => document.querySelector("#panel section.plan h3")?.textContent.includes("Жоспар"));
  const kk = await page.locator("#panel figure.plan-series figcaption .plan-status").allTextContents();
  assert.ok(kk.every((s) => ["жоспар бойынша", "жоспардан артта", "анық емес", "белгісіз", "базалық жыл жоқ"].includes(s)), kk.join("|"));
  await shot(page, "panel-composite-plan", { fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the cluster overlay draws Gi* hot and cold spots from /api/v1/hotspots", async (t) => {
  const { page, errors, requests } = await openPage();
  const served = await page.evaluate(async () => Boolean((await (await fetch("/api/v1/openapi.json")).json()).paths["/api/v1/hotspots"]));
  if (!served) { t.skip("the server does not offer /api/v1/hotspots yet"); await page.close(); return; }
  // Clusters are per indicator: with the composite (the default) the legend asks for one.
  await page.selectOption("#hotspots", "gistar");
  await page.waitForFunction(() => window.riskmap.view.hotspotsState === "composite");
  assert.match(await page.textContent("#legend"), /выберите показатель/);
  assert.ok(!requests.some((u) => u.includes("/api/v1/hotspots")), "no cluster request for the composite");
  await page.selectOption("#indicator", "viol_rate");
  await page.selectOption("#hotspots", "gistar");
  await page.waitForFunction(() => window.riskmap.view.hotspotsState === "shown", null, { timeout: 60_000 });
  assert.ok(requests.some((u) => u.includes("/api/v1/hotspots?level=district")));
  assert.match(await page.textContent("#legend"), /Gi\*/);
  await page.selectOption("#hotspots", "lisa");
  await page.waitForFunction(() => window.riskmap.view.hotspotsKey?.endsWith("|lisa") && window.riskmap.view.hotspotsState === "shown");
  assert.match(await page.textContent("#legend"), /высокий–высокий/);
  await shot(page, "map-hotspots");
  assert.deepEqual(errors, []);
  await page.close();
});

test("save map as PNG gives an image with title, legend, date and source", async () => {
  const { page, errors } = await openPage();
  const { name, bytes } = await downloadOf(page, "#save-png");
  assert.match(name, /\.png$/);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  assert.ok(width >= 800 && height >= 500, `size ${width}×${height}`);
  const colours = await page.evaluate(async (data) => {
    const image = await createImageBitmap(new Blob([new Uint8Array(data)], { type: "image/png" }));
    const canvas = new OffscreenCanvas(image.width, image.height);
    const c = canvas.getContext("2d");
    c.drawImage(image, 0, 0);
    const pixels = c.getImageData(0, 0, image.width, image.height).data;
    const seen = new Set();
    for (let i = 0; i < pixels.length; i += 4 * 97) seen.add(`${pixels[i] >> 4},${pixels[i + 1] >> 4},${pixels[i + 2] >> 4}`);
    return seen.size;
  }, [...bytes]);
  assert.ok(colours > 10, `the map was drawn into the PNG (${colours} colours)`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an optional basemap style goes under our layers and is remembered", async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.route("http://basemap.invalid/style.json", (route) => route.fulfill({
    contentType: "application/json",
    body: JSON.stringify({ version: 8, sources: {}, layers: [{ id: "basemap-background", type: "background", paint: { "background-color": "#efe9dc" } }] }),
  }));
  const { page, errors } = await openPage({ context });
  await page.click("#settings-summary");
  await page.fill("#basemap", "http://basemap.invalid/style.json");
  await page.click("#basemap-apply");
  await page.waitForFunction(() => window.riskmap.map.getLayer("basemap-background") && window.riskmap.map.isStyleLoaded(), null, { timeout: 30_000 });
  const order = await page.evaluate(() => window.riskmap.map.getStyle().layers.map((l) => l.id));
  assert.equal(order[0], "basemap-background");
  assert.ok(order.indexOf("regions-fill") > 0, "our layers are above the basemap");
  await page.waitForFunction(() => window.riskmap.map.loaded() && window.riskmap.map.queryRenderedFeatures({ layers: ["regions-fill"] }).length > 0, null, { timeout: 30_000 });
  await page.waitForFunction(() => window.riskmap.map.getFeatureState({ source: "regions", sourceLayer: "regions", id: "350000000" }).fill, null, { timeout: 30_000 });
  await shot(page, "map-basemap");
  await page.close();
  const again = await openPage({ context });
  await again.page.waitForFunction(() => window.riskmap.map.getLayer("basemap-background"), null, { timeout: 30_000 });
  await again.page.click("#settings-summary");
  await again.page.click("#basemap-clear");
  await again.page.waitForFunction(() => !window.riskmap.map.getLayer("basemap-background") && window.riskmap.map.isStyleLoaded(), null, { timeout: 30_000 });
  assert.deepEqual([...errors, ...again.errors], []);
  await context.close();
});
