// Browser tests of the Programmes view (issue #15, measure 2): the whole path from a priority-list
// row to the Ministry's acknowledgement (add to a programme, add an action from the catalogue,
// fill it in the editable table, a stale edit answered 412 and reloaded, approve, acknowledge,
// a quarterly progress report, the review chart, the XLSX download, the coverage map layer, an
// amendment and its differences),
// progress entry by keyboard on a phone, and which roles see the tab at all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { unzipSync, strFromU8 } from "fflate";
import { openPage, signInAs, downloadOf, shot, waitIdle } from "../harness.mjs";

const version = (page) => page.textContent("#prog-version").then(Number);
/** Waits until the open programme's version is `n` (each write bumps it by one). */
const atVersion = (page, n) => page.waitForFunction((v) => Number(document.getElementById("prog-version")?.textContent) === v, n, { timeout: 30_000 });

/** Changes a field of the actions table as a keyboard user does: type, then Tab (saved on change). */
async function edit(page, selector, value) {
  const before = await version(page);
  await page.fill(selector, value);
  await page.press(selector, "Tab");
  await atVersion(page, before + 1);
}

async function openProgramme(page, id) {
  await page.click("#tab-programmes");
  await page.waitForSelector(`#view-programmes button[data-programme="${id}"], #view-programmes[data-programme="${id}"]`, { timeout: 30_000 });
  if (await page.$(`#view-programmes button[data-programme="${id}"]`)) await page.click(`#view-programmes button[data-programme="${id}"]`);
  await page.waitForSelector(`#view-programmes[data-programme="${id}"] #prog-title`, { timeout: 30_000 });
}

test("a school goes from the priority list into a programme that is approved, acknowledged, reported on, reviewed and downloaded", async () => {
  const { page, errors } = await openPage();
  await signInAs(page, "akimat");

  // An empty programme for the akimat's region.
  await page.click("#tab-programmes");
  await page.waitForSelector("#prog-new-title");
  await page.fill("#prog-new-title", "Проверка браузером: программа кризисного управления");
  await page.click("#prog-create");
  await page.waitForSelector("#view-programmes[data-programme] #prog-title");
  const id = Number(await page.getAttribute("#view-programmes", "data-programme"));
  assert.equal(await page.getAttribute("#view-programmes", "data-status"), "draft");

  // A priority-list row → "add to programme" → the programme, with the row's snapshot.
  await page.click("#tab-priority");
  await page.waitForSelector("#view-priority button.add-problem");
  const school = await page.getAttribute("#view-priority button.add-problem", "data-school");
  await page.click("#view-priority button.add-problem");
  await page.waitForSelector("#add-to-programme-choice");
  assert.equal(await page.evaluate(() => document.activeElement.id), "add-to-programme-choice", "focus moves to the chooser");
  await page.selectOption("#add-to-programme-choice", String(id));
  await page.click("#add-to-programme-confirm");
  await page.click("#add-to-programme-open");
  await page.waitForSelector(`#view-programmes[data-programme="${id}"] tr[data-problem]`);
  const problem = await page.textContent("#view-programmes tr[data-problem]");
  assert.match(problem, /Индекс риска/, "the snapshot's values are shown");
  const listed = await page.evaluate(async ([pid, token]) => (await (await fetch(`/api/v1/programmes/${pid}`, { headers: { Authorization: `Bearer ${token}` } })).json()).problems.map((p) => p.school), [id, await page.evaluate(() => window.riskmap.state.token)]);
  assert.deepEqual(listed, [school]);

  // An action from the catalogue: the suggested ones come first.
  const firstType = await page.textContent("#prog-action-type option");
  assert.match(firstType, /рекомендуется/, "a type answering the problem's triggers is suggested first");
  await page.click("#prog-add-action");
  await page.waitForSelector("#view-programmes tr[data-action] input");
  const action = await page.getAttribute("#view-programmes tr[data-action]", "data-action");

  // Approving too early is refused, in words, naming the blank fields.
  await page.click("#prog-to-approved");
  await page.waitForSelector('#prog-message[data-kind="error"]');
  assert.match(await page.textContent("#prog-message"), /Утверждать пока рано.*Ответственная организация/);
  assert.equal(await page.getAttribute("#view-programmes", "data-status"), "draft");

  // Filled in the editable table; every change is a merge patch with If-Match.
  await edit(page, `#act-${action}-organisation`, "Управление образования г. Алматы");
  await edit(page, `#act-${action}-responsible`, "Заместитель руководителя управления");
  await edit(page, `#act-${action}-contact`, "+7 727 000 00 00");
  await edit(page, `#act-${action}-budget_tenge`, "1500000");
  assert.match(await page.textContent("#prog-budget-total"), /1\s500\s000/, "the budget total follows");

  // A change made elsewhere meanwhile: the page's edit answers 412, reloads and says so.
  const stale = await version(page);
  await page.evaluate(async ([pid, aid, v]) => {
    const token = window.riskmap.state.token;
    await fetch(`/api/v1/programmes/${pid}/actions/${aid}`, { method: "PATCH", headers: { Authorization: `Bearer ${token}`, "If-Match": `"p${pid}v${v}"`, "Content-Type": "application/merge-patch+json" }, body: JSON.stringify({ funding_source: "Изменено в другом окне" }) });
  }, [id, action, stale]);
  await page.fill(`#act-${action}-funding_source`, "Местный бюджет");
  await page.press(`#act-${action}-funding_source`, "Tab");
  await page.waitForSelector('#prog-message[data-kind="warning"]');
  assert.match(await page.textContent("#prog-message"), /изменил другой пользователь/);
  assert.equal(await version(page), stale + 1, "the latest version is loaded");
  assert.equal(await page.inputValue(`#act-${action}-funding_source`), "Изменено в другом окне", "nothing is lost: the other change is shown");
  await edit(page, `#act-${action}-funding_source`, "Местный бюджет");

  // The akimat approves with a comment.
  await page.fill("#prog-comment", "Утверждено на заседании штаба");
  await page.click("#prog-to-approved");
  await page.waitForSelector(`#view-programmes[data-status="approved"]`);
  assert.equal(await page.$(`#act-${action}-organisation`), null, "an approved programme is locked");

  // The Ministry acknowledges it.
  const ministry = await openPage();
  await signInAs(ministry.page, "ministry");
  await openProgramme(ministry.page, id);
  await ministry.page.fill("#prog-comment", "Принято");
  await ministry.page.click("#prog-to-acknowledged");
  await ministry.page.waitForSelector(`#view-programmes[data-status="acknowledged"]`);
  assert.deepEqual(ministry.errors, []);
  await ministry.page.close();

  // Back at the akimat: a stale page, reopened, takes the quarter's progress report.
  await page.click("#prog-back");
  await openProgramme(page, id);
  assert.equal(await page.getAttribute("#view-programmes", "data-status"), "acknowledged");
  const quarter = await page.inputValue("#prog-quarter");
  await page.selectOption(`#prog-progress-${action}-status`, "on_track");
  await page.fill(`#prog-progress-${action}-percent`, "40");
  await page.fill(`#prog-progress-${action}-comment`, "Ставки психологов объявлены");
  const before = await version(page);
  await page.click(`#prog-progress-${action}-submit`);
  await atVersion(page, before + 1);
  assert.match(await page.textContent(`.prog-progress-row[data-action="${action}"]`), /40%/);
  assert.equal(await page.inputValue("#prog-quarter"), quarter);

  // The review chart and the history with the transitions.
  await page.waitForSelector("#prog-reviews:not([aria-busy]) figure svg.chart");
  await page.waitForSelector("#prog-history table tbody tr");
  const history = await page.textContent("#prog-history");
  assert.match(history, /утверждена/);
  assert.match(history, /принята министерством/);

  // Documents: the half-year summary in XLSX; the programme's own PDF only where the route exists.
  const xlsx = await downloadOf(page, "#prog-summary-xlsx");
  assert.match(xlsx.name, /\.xlsx$/);
  const files = unzipSync(new Uint8Array(xlsx.bytes));
  assert.ok(files["xl/workbook.xml"], "the XLSX opens as a workbook");
  assert.match(strFromU8(files["xl/sharedStrings.xml"] ?? new Uint8Array()), /Алматы/);
  const documented = await page.evaluate(async () => Boolean((await (await fetch("/api/v1/openapi.json")).json()).paths["/api/v1/programmes/{id}/document"]));
  assert.equal(Boolean(await page.$("#prog-pdf")), documented, "PDF offered exactly when the server has the route");
  await shot(page, "programme-akimat", { fullPage: true });

  // The coverage layer paints the school's district by its worst action standing.
  const district = await page.evaluate(async ([pid, token]) => (await (await fetch(`/api/v1/programmes/${pid}`, { headers: { Authorization: `Bearer ${token}` } })).json()).problems[0].district, [id, await page.evaluate(() => window.riskmap.state.token)]);
  await page.click("#tab-map");
  await page.selectOption("#coverage", "on");
  await page.waitForSelector("body[data-coverage]");
  const painted = await page.evaluate((k) => window.riskmap.map.getFeatureState({ source: "districts", sourceLayer: "districts", id: k }).cov, district);
  assert.match(painted ?? "", /^#[0-9a-f]{6}$/, `the district ${district} is coloured`);
  assert.equal(await page.evaluate(() => window.riskmap.map.getLayoutProperty("coverage-fill", "visibility")), "visible");
  assert.match(await page.textContent("#legend"), /Охват программами/);
  await page.selectOption("#coverage", "off");
  assert.equal(await page.evaluate(() => window.riskmap.map.getLayoutProperty("coverage-fill", "visibility")), "none");

  // An amendment: a draft copy beside the programme in force; its history shows what differs.
  await page.click("#tab-programmes");
  await page.waitForSelector(`#view-programmes[data-programme="${id}"] #prog-amend`);
  await page.click("#prog-amend");
  await page.waitForFunction((old) => { const v = document.getElementById("view-programmes"); return v.dataset.programme && v.dataset.programme !== String(old) && v.dataset.status === "draft"; }, id, { timeout: 30_000 });
  assert.match(await page.textContent(".prog-facts"), new RegExp(`№ ${id}`), "the amendment names the programme it amends");
  await edit(page, `#act-${action}-budget_tenge`, "2000000");
  await page.waitForSelector("#prog-history .prog-diff");
  assert.match(await page.textContent("#prog-history .prog-diff"), new RegExp(`№ ${action}: Бюджет`));

  // The only failed responses are the early approval's 409 and the stale edit's 412.
  const expected = (e) => /HTTP 412 .*\/actions\//.test(e) || /HTTP 409 .*\/transitions/.test(e) || /status of 41[2] \(Precondition Failed\)|status of 409 \(Conflict\)/.test(e);
  assert.deepEqual(errors.filter((e) => !expected(e)), []);
  await page.close();
});

test("a district from the map (a hotspot where there is one) goes into a draft programme from its panel", async () => {
  const { page, errors } = await openPage();
  await signInAs(page, "akimat");
  const region = await page.evaluate(() => window.riskmap.state.scope.region);
  await page.waitForSelector(`body[data-shown="${region}"]`, { timeout: 30_000 });
  const indicator = await page.evaluate(() => window.riskmap.state.meta.indicators[0].code);
  await page.selectOption("#indicator", indicator);
  await page.selectOption("#hotspots", "gistar");
  await page.waitForFunction(() => ["shown", "unavailable"].includes(window.riskmap.view.hotspotsState), null, { timeout: 30_000 });
  await waitIdle(page);
  const district = await page.evaluate(() => {
    const view = window.riskmap.view;
    const features = view.districts.features;
    return (features.find((f) => view.hotspotLabel?.(f.properties.kato)) ?? features[0]).properties.kato;
  });
  // Schools are drawn over a city's districts: the district is opened from its row of the table
  // twin (the map's keyboard path), which opens its panel as a click on it does.
  await page.focus(`#twin-body tr[data-kato="${district}"]`);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#panel:not([hidden]) #panel-add-to-programme", { timeout: 30_000 });
  await page.click("#panel-add-to-programme");
  await page.waitForSelector("#add-to-programme-choice");
  const draft = await page.$eval("#add-to-programme-choice option", (o) => o.value);
  await page.click("#add-to-programme-confirm");
  await page.waitForSelector("#add-to-programme-open");
  const problems = await page.evaluate(async (id) => (await (await fetch(`/api/v1/programmes/${id}`, { headers: { Authorization: `Bearer ${window.riskmap.state.token}` } })).json()).problems, draft);
  const added = problems.find((p) => p.district === district && !p.school);
  assert.ok(added, `district ${district} is a problem of programme ${draft}`);
  assert.ok(added.snapshot.values.length > 0, "with its snapshot");
  await page.click("#add-to-programme-open");
  await page.waitForSelector(`#view-programmes[data-programme="${draft}"] tr[data-problem="${added.id}"]`, { timeout: 30_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test("on a phone, progress is entered by keyboard alone and nothing scrolls sideways", async () => {
  const { page, errors } = await openPage({ viewport: { width: 390, height: 844 } });
  await signInAs(page, "akimat");
  const approved = await page.evaluate(async () => {
    const token = window.riskmap.state.token;
    const list = await (await fetch("/api/v1/programmes?status=approved", { headers: { Authorization: `Bearer ${token}` } })).json();
    return list.programmes[0].id;
  });
  await openProgramme(page, approved);
  const row = await page.$(".prog-progress-row.overdue");
  assert.ok(row, "an overdue action is highlighted");
  assert.match(await row.textContent(), /просрочено/, "overdue is said in words, not only by colour");
  const action = await row.getAttribute("data-action");
  await page.focus(`#prog-progress-${action}-status`);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), `prog-progress-${action}-percent`);
  await page.keyboard.press("Control+A");
  await page.keyboard.type("65");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Задержка поставки");
  const before = await version(page);
  await page.keyboard.press("Enter");
  await atVersion(page, before + 1);
  assert.match(await page.textContent(`.prog-progress-row[data-action="${action}"]`), /65%/);
  const sizes = await page.evaluate((a) => ["status", "percent", "submit"].map((f) => document.getElementById(`prog-progress-${a}-${f}`).getBoundingClientRect().height), action);
  assert.ok(sizes.every((s) => s >= 40), `touch-sized controls: ${sizes}`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `no sideways scroll: ${wide}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the Programmes tab is there for the akimat, the crisis team and the ministry, not for the public or the steward", async () => {
  for (const [role, shown] of [["akimat", true], ["crisis", true], ["ministry", true], ["public", false], ["steward", false]]) {
    const { page, errors, requests } = await openPage();
    await signInAs(page, role);
    assert.equal(await page.isVisible("#tab-programmes"), shown, `${role}: tab ${shown ? "shown" : "hidden"}`);
    assert.equal(await page.isVisible("#coverage-field"), shown, `${role}: coverage layer ${shown ? "offered" : "not offered"}`);
    if (shown) {
      await page.click("#tab-programmes");
      await page.waitForSelector("#view-programmes table.data tbody tr, #view-programmes p");
    }
    if (!shown) assert.deepEqual(requests.filter((u) => u.includes("/api/v1/programmes")), [], `${role} asks for no programme`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
