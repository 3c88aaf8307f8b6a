// Browser test that kk and ru pages speak their language: every view (map at country, region
// and district level with its panel and a school card, compare, priority list, reporting,
// programmes with each demo programme open) and
// every export (priority CSV and XLSX) is scanned for Latin-script words outside an allow-list
// of codes, units and the names a licence requires.
import { test } from "node:test";
import assert from "node:assert/strict";
import { unzipSync, strFromU8 } from "fflate";
import { openPage, downloadOf, waitIdle } from "../harness.mjs";

const ALLOWED = new Set([
  // The attribution's names and licence (kept as the licence words them).
  "geokz", "Alexander", "Rodionov", "github", "com", "arodionoff", "CC", "BY", "OCHA", "HDX", "COD", "AB", "Kazakhstan", "UNHCR", "OpenStreetMap", "MapLibre",
  // Codes and names of methods, formats and units.
  "PNG", "PDF", "CSV", "XLSX", "GeoJSON", "Gi", "LISA", "BH", "FDR", "S1", "S2", "ID", "URL",
  // The product's name, the English option of the language menu (a language's own name) and
  // the Enter key's label.
  "riskmap", "English", "Enter",
  // The prefix of the demo's school identifiers (NOBD organisation codes), and the demo
  // programmes' synthetic work contact (an e-mail address entered as data, not interface text).
  "DEMO", "demo", "example", "invalid",
]);

/** Latin words outside the allow-list; e-mail addresses are contact data, not words. */
function latinWords(text) {
  text = text.replace(/[^\s,;:<>"]+@[^\s,;:<>"]+/g, " ");
  // An allowed word glued to a number by textContent (a table region's label: "…invalid" then
  // "01.01.2025") is still allowed.
  return [...new Set((text.match(/[A-Za-z][A-Za-z0-9]+/g) ?? []).filter((w) => !ALLOWED.has(w) && !ALLOWED.has(w.replace(/\d+$/, "")) && !/^\d/.test(w)))];
}

/** All text a reader meets on the page: visible text, options, titles and labels. */
const pageText = (page) => page.evaluate(() => {
  const parts = [document.body.innerText, document.title];
  for (const el of document.querySelectorAll("option, [title], [aria-label]")) parts.push(el.textContent, el.getAttribute("title") ?? "", el.getAttribute("aria-label") ?? "");
  return parts.join("\n");
});

async function scan(page, where, found) {
  const words = latinWords(await pageText(page));
  if (words.length) found.push(`${where}: ${words.join(", ")}`);
}

for (const lang of ["kk", "ru"]) {
  test(`every view and export in ${lang} is free of English`, async () => {
    const found = [];
    const { page, errors } = await openPage({ path: `/?lang=${lang}&region=750000000&unit=750000000&units=750000000,350000000`, ready: "restored" });
    await page.waitForSelector("#panel:not([hidden]) #panel-title");
    await page.waitForSelector("#panel:not([aria-busy])");
    await scan(page, "region with its panel", found);
    const district = await page.evaluate(() => window.riskmap.view.districts.features[0].properties.kato);
    await page.evaluate((k) => window.riskmap.view.toDistrict(k), district);
    await page.waitForSelector(`body[data-shown="${district}"]`, { timeout: 30_000 });
    await page.waitForSelector("#panel:not([aria-busy]) #panel-title");
    await scan(page, "district with schools", found);
    const school = await page.evaluate(() => window.riskmap.view.schools.features[0].properties.school_id);
    await page.evaluate((id) => window.riskmap.view.selectSchool(id), school);
    await page.waitForSelector("#panel:not([aria-busy]) #panel-title");
    await page.waitForFunction(() => !document.querySelector("#panel .busy"));
    await scan(page, "school card", found);
    await page.click("#breadcrumbs button");
    await page.waitForSelector(`body[data-shown="country"]`, { timeout: 30_000 });
    await waitIdle(page);
    await scan(page, "country", found);
    for (const view of ["compare", "priority", "reporting", "programmes"]) {
      await page.click(`#tab-${view}`);
      await page.waitForSelector(`#view-${view} table`, { timeout: 30_000 });
      await scan(page, view, found);
    }
    // Each demo programme open: head, workflow, problems, actions, progress, review, history.
    const programmes = await page.$$eval("#view-programmes button[data-programme]", (b) => b.map((x) => x.dataset.programme));
    assert.ok(programmes.length >= 4, `the demo's programmes are listed: ${programmes}`);
    for (const id of programmes) {
      await page.click(`#view-programmes button[data-programme="${id}"]`);
      await page.waitForSelector(`#view-programmes[data-programme="${id}"] #prog-history table`, { timeout: 30_000 });
      await page.waitForSelector("#prog-reviews:not([aria-busy])", { timeout: 30_000 });
      await page.waitForSelector("#prog-documents button");
      await scan(page, `programme ${id}`, found);
      await page.click("#prog-back");
      await page.waitForSelector("#view-programmes button[data-programme]");
    }
    await page.click("#tab-priority");
    await page.waitForSelector("#view-priority table.data tbody tr");
    const csv = await downloadOf(page, "#view-priority button[data-format=csv]");
    const csvWords = latinWords(csv.bytes.toString("utf8"));
    if (csvWords.length) found.push(`CSV: ${csvWords.join(", ")}`);
    assert.doesNotMatch(csv.bytes.toString("utf8"), /\d\.0(,|\n|$)/, "integers without .0");
    const xlsx = unzipSync(new Uint8Array((await downloadOf(page, "#view-priority button[data-format=xlsx]")).bytes));
    const xlsxWords = latinWords(strFromU8(xlsx["xl/sharedStrings.xml"] ?? new Uint8Array()).replace(/<[^>]+>/g, " "));
    if (xlsxWords.length) found.push(`XLSX: ${xlsxWords.join(", ")}`);
    assert.deepEqual(found, [], `Latin words in ${lang}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("kk and ru priority exports differ", async () => {
  const bodies = [];
  for (const lang of ["kk", "ru"]) {
    const { page } = await openPage({ path: `/?lang=${lang}&view=priority&region=750000000`, ready: "restored" });
    await page.waitForSelector("#view-priority table.data tbody tr");
    bodies.push((await downloadOf(page, "#view-priority button[data-format=csv]")).bytes.toString("utf8"));
    await page.close();
  }
  assert.notEqual(bodies[0], bodies[1]);
});
