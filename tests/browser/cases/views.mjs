// Browser tests of the other views: compare two regions (small multiples and table), the
// priority list (sortable; CSV, XLSX and GeoJSON exports downloaded and parsed) and the
// reporting monitor.
import { test } from "node:test";
import assert from "node:assert/strict";
import { unzipSync, strFromU8 } from "fflate";
import { openPage, shot, downloadOf } from "../harness.mjs";

test("compare two regions: small multiples and a table", async () => {
  const { page, errors } = await openPage();
  await page.click("#tab-compare");
  await page.waitForSelector("#view-compare fieldset");
  const boxes = page.locator("#view-compare fieldset").first().locator("input[type=checkbox]");
  assert.equal(await boxes.count(), 20);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.waitForSelector("#compare-table");
  const columns = await page.locator("#compare-table thead th").count();
  assert.equal(columns, 4, "indicator, two units, national");
  const compositeRow = await page.locator("#compare-table tr.composite-row td").allTextContents();
  assert.equal(compositeRow.length, 3);
  assert.ok(compositeRow.slice(0, 2).every((c) => /^\d+(,\d)?$/.test(c)), `composite row: ${compositeRow.join("|")}`);
  assert.equal(await page.locator("#view-compare figure.composite-multiple svg.chart").count(), 1, "the composite's bar chart");
  const indicators = await page.evaluate(() => window.riskmap.state.meta.indicators.length);
  assert.equal(await page.locator("#view-compare .multiples figure").count(), indicators, "one small multiple per indicator");
  assert.equal((new URL(page.url()).searchParams.get("units") ?? "").split(",").length, 2);
  await shot(page, "compare", { fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

function parseCsv(text) {
  const rows = []; let row = []; let cell = ""; let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; } else if (c === "\n") { row.push(cell.replace(/\r$/, "")); rows.push(row); row = []; cell = ""; } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

test("the priority list is sortable and exports CSV, XLSX and GeoJSON from the API", async () => {
  const { page, errors } = await openPage({ path: "/?region=350000000", ready: "restored" });
  await page.click("#tab-priority");
  await page.waitForSelector("#view-priority table.data tbody tr");
  const rows = await page.locator("#view-priority table.data tbody tr").count();
  assert.ok(rows > 0, "the list has schools");
  assert.equal(await page.inputValue("#priority-area"), "350000000", "the list covers the region in view");
  // The risk index sorts highest first on the first click, lowest first on the second.
  await page.click("#view-priority th:nth-child(6) button");
  assert.equal(await page.getAttribute("#view-priority th:nth-child(6)", "aria-sort"), "descending");
  await page.click("#view-priority th:nth-child(6) button");
  assert.equal(await page.getAttribute("#view-priority th:nth-child(6)", "aria-sort"), "ascending");

  const csv = await downloadOf(page, "#view-priority button[data-format=csv]");
  assert.match(csv.name, /\.csv$/);
  const table = parseCsv(csv.bytes.toString("utf8").replace(/^\uFEFF/, ""));
  const header = table.findIndex((r) => r.some((c) => /Место|Орны|rank/i.test(c)));
  assert.ok(header >= 0, `CSV has a header row: ${table.slice(0, 3).map((r) => r.join("|")).join(" / ")}`);
  const body = table.slice(header + 1).filter((r) => /^\d+$/.test(r[0]));
  assert.ok(body.length >= Math.min(rows, 1), `CSV rows: ${body.length}`);

  const xlsx = await downloadOf(page, "#view-priority button[data-format=xlsx]");
  assert.match(xlsx.name, /\.xlsx$/);
  const files = unzipSync(new Uint8Array(xlsx.bytes));
  const sheetName = Object.keys(files).find((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f));
  assert.ok(sheetName, `a worksheet: ${Object.keys(files).join(", ")}`);
  const sheet = strFromU8(files[sheetName]);
  const shared = files["xl/sharedStrings.xml"] ? strFromU8(files["xl/sharedStrings.xml"]) : "";
  assert.ok((sheet.match(/<row[ >]/g) ?? []).length >= body.length, "the sheet has a row per school");
  assert.match(shared + sheet, /Место|Орны/, "Russian or Kazakh headers");

  const geojson = await downloadOf(page, "#view-priority button[data-format=geojson]");
  const collection = JSON.parse(geojson.bytes.toString("utf8"));
  assert.equal(collection.type, "FeatureCollection");
  assert.equal(collection.features.length, body.length);
  assert.match(await page.textContent("#priority-status"), /priority-/);
  await shot(page, "priority", { fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the reporting monitor lists on-time, late and silent schools per region", async () => {
  const { page, errors } = await openPage();
  await page.click("#tab-reporting");
  await page.waitForSelector("#view-reporting table.data tbody tr");
  assert.equal(await page.locator("#view-reporting table.data").first().locator("tbody tr").count(), 20);
  const heads = await page.locator("#view-reporting table.data").first().locator("thead th").allTextContents();
  assert.ok(heads.some((h) => /вовремя/i.test(h)) && heads.some((h) => /не сдали/i.test(h)), heads.join("|"));
  assert.match(await page.textContent("#view-reporting caption"), /\d{2}\.\d{2}\.\d{4}/, "due date as dd.mm.yyyy");
  await shot(page, "reporting", { fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
