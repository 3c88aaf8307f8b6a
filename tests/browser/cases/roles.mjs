// Browser tests of landing by role: an akimat lands on its region with its districts shown, a
// crisis team on its districts, the ministry on the country; the breadcrumb and the URL say
// where, and the demo sign-in options name the places in the page's language.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, signInAs, renderedIds, waitIdle } from "../harness.mjs";

const LATIN_WORD = /[A-Za-z]{2,}/;

async function landed(page, region) {
  await page.waitForSelector(`body[data-shown="${region}"]`, { timeout: 30_000 });
  await waitIdle(page);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("region"), region, `URL names the region: ${url}`);
  const here = await page.textContent("#breadcrumbs [aria-current]");
  const name = await page.evaluate((k) => window.riskmap.view.regions.features.find((f) => f.properties.kato === k).properties.name_ru, region);
  assert.equal(here, name, "the breadcrumb ends at the region");
  const districts = await renderedIds(page, "districts-fill");
  assert.ok(districts.length > 0 && districts.every((k) => k.slice(0, 2) === region.slice(0, 2)), `districts of the region are drawn: ${districts.join(",")}`);
}

test("an akimat lands on its region with its districts, and the breadcrumb and URL say so", async () => {
  const { page, errors } = await openPage();
  await signInAs(page, "akimat");
  const region = await page.evaluate(() => window.riskmap.state.scope.region);
  await landed(page, region);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a crisis team lands on its districts, both in view", async () => {
  const { page, errors } = await openPage();
  await signInAs(page, "crisis");
  const districts = await page.evaluate(() => window.riskmap.state.scope.districts);
  assert.ok(districts.length >= 2);
  await landed(page, `${districts[0].slice(0, 2)}0000000`);
  const inView = await page.evaluate((katos) => {
    const bounds = window.riskmap.map.getBounds();
    return katos.map((k) => bounds.contains(window.riskmap.view.districts.features.find((f) => f.properties.kato === k).properties.label_point));
  }, districts);
  assert.deepEqual(inView, districts.map(() => true), "every district of the team is in view");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a crisis team's priority list shows whom to call: work contacts folded under each school", async () => {
  const { page, errors } = await openPage({ path: "/?lang=ru" });
  await signInAs(page, "crisis");
  await page.click("#tab-priority");
  await page.waitForSelector("#view-priority table.data tbody tr details.contacts", { timeout: 30_000 });
  const first = page.locator("#view-priority table.data tbody tr details.contacts").first();
  assert.match(await first.locator("summary").innerText(), /^Контакты \(4\)$/);
  await first.locator("summary").click();
  const items = await first.locator("li").allInnerTexts();
  assert.ok(items.some((text) => /^психолог: .+ · \+7 /.test(text)), items.join("\n"));
  assert.match(await first.locator("a[href^='tel:']").first().getAttribute("href"), /^tel:\+7\d{10}$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the ministry lands on the country; a reload keeps an akimat's landing in the URL", async () => {
  const { page, errors } = await openPage();
  await signInAs(page, "ministry");
  assert.equal(new URL(page.url()).searchParams.get("region"), null);
  assert.equal((await renderedIds(page, "regions-fill")).length, 20);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the demo sign-in options name roles and places in the page's language, without KATO codes or English", async () => {
  for (const lang of ["ru", "kk"]) {
    const { page, errors } = await openPage({ path: `/?lang=${lang}` });
    await page.click("#signin-summary");
    await page.waitForFunction(() => document.querySelectorAll("#demo-token option").length > 3);
    const texts = await page.$$eval("#demo-token option", (o) => o.map((x) => x.textContent));
    for (const text of texts) {
      assert.doesNotMatch(text, /\d{6,}/, `no KATO code in ${lang}: ${text}`);
      assert.doesNotMatch(text, LATIN_WORD, `no Latin words in ${lang}: ${text}`);
    }
    const almaty = await page.evaluate((l) => window.riskmap.view.regions.features.find((f) => f.properties.kato === "750000000").properties[`name_${l}`], lang);
    assert.ok(texts.some((x) => x.includes(almaty)), `the akimat's option names ${almaty}: ${texts.join(" | ")}`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
