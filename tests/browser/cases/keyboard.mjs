// Browser tests of keyboard use: a table is one Tab stop (arrow keys inside), the panel is at
// most three Tabs from the table, and Esc returns focus to what opened the panel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage } from "../harness.mjs";

const inside = (page, selector) => page.evaluate((s) => document.activeElement?.closest(s) !== null, selector);

test("the table is one Tab stop, the panel is ≤ 3 Tabs away, Esc gives focus back to the opener", async () => {
  const { page, errors } = await openPage();
  const stops = await page.$$eval("#twin-body tr", (rows) => rows.filter((r) => r.tabIndex === 0).length);
  assert.equal(stops, 1, "one row of the table is in the Tab order");
  await page.focus("#twin-body tr[tabindex='0']");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const opener = await page.evaluate(() => document.activeElement.dataset.kato);
  assert.equal(await page.$$eval("#twin-body tr", (rows) => rows.filter((r) => r.tabIndex === 0).map((r) => r.dataset.kato).join()), opener, "the Tab stop moves with the arrows");
  // Open the region's panel from the table.
  await page.keyboard.press("Enter");
  await page.waitForSelector(`body[data-shown="${opener}"]`, { timeout: 30_000 });
  await page.waitForSelector("#panel:not([hidden]):not([aria-busy]) #panel-title");
  await page.waitForFunction(() => document.activeElement?.closest("#twin-body"));
  let tabs = 0;
  while (!(await inside(page, "#panel")) && tabs < 10) { await page.keyboard.press("Tab"); tabs += 1; }
  assert.ok(tabs <= 3, `Tabs from the table to the panel: ${tabs}`);
  const row = await page.evaluate(() => document.querySelector("#twin-body tr[tabindex='0']").dataset.kato);
  await page.keyboard.press("Escape");
  await page.waitForSelector("#panel", { state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.kato), row, "focus is back on the table's row");

  // Opened from a table row and closed with Esc at once: focus returns to that very row.
  await page.focus("#twin-body tr[tabindex='0']");
  await page.keyboard.press("ArrowDown");
  const district = await page.evaluate(() => document.activeElement.dataset.kato);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#panel:not([hidden]):not([aria-busy]) #panel-title");
  await page.focus("#panel button.close");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#panel", { state: "hidden" });
  assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), "BODY", "focus never drops to <body>");
  assert.ok(await inside(page, "#twin-body"), `focus is back in the table (opened from ${district})`);
  assert.deepEqual(errors, []);
  await page.close();
});
