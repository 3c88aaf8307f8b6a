// Browser tests of the next-quarter forecast in the unit panel: the ministry's district panel
// shows the observed counts with the forecast's band and the exceedance probabilities; the
// public's panel has no forecast and never asks for one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, signInAs, clickUnit, shot } from "../harness.mjs";

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
