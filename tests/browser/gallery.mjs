// Screenshots of every view (map, compare, priority, reporting, programmes, and one programme
// open: its head, progress entry and review) for every demo role, in kk and
// ru, at 390×844 and 1366×768, into tests/artifacts/gallery/ — for people to look at before a
// page change is called done (not part of the test suite; it asserts nothing but that each
// view opens without page errors).
//
//   cargo build -p riskmap-cli && node tests/browser/gallery.mjs [role,...] [lang,...] [width,...]
//
// (e.g. `node tests/browser/gallery.mjs crisis,akimat ru 390` for the Russian phone shots only).
//
// The page is the copy embedded in the binary, unless RISKMAP_WEB_DIR names a folder to serve
// instead (a page being changed, before the binary is rebuilt).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer, CHROMIUM_ARGS, REPO } from "./server.mjs";

const OUT = join(REPO, "tests/artifacts/gallery");
const ROLES = (process.argv[2] ?? "public,akimat,crisis,ministry,steward").split(",");
const LANGS = (process.argv[3] ?? "kk,ru").split(",");
const SIZES = [{ width: 390, height: 844 }, { width: 1366, height: 768 }].filter((s) => (process.argv[4] ?? "390,1366").split(",").includes(String(s.width)));
const VIEWS = ["map", "compare", "priority", "reporting", "programmes"];

async function settle(page, view) {
  // A view that says it is loading is given time to finish (the answer may be built cold).
  await page.waitForFunction((id) => {
    const text = document.getElementById(`view-${id}`)?.textContent ?? "";
    return !["Жүктелуде…", "Загрузка…", "Loading…"].some((word) => text.includes(word));
  }, view, { timeout: 60_000 }).catch(() => {});
  await page.waitForFunction(() => !document.querySelector("[aria-busy=true]"), null, { timeout: 30_000 }).catch(() => {});
  await page.waitForFunction(() => {
    const map = window.riskmap?.map;
    return !map || (map.loaded() && map.areTilesLoaded() && !map.isMoving());
  }, null, { timeout: 30_000 }).catch(() => {});
  await page.waitForTimeout(400);
}

async function signIn(page, role) {
  await page.click("#signin-summary");
  await page.waitForFunction(() => document.querySelectorAll("#demo-token option").length > 3, null, { timeout: 30_000 });
  const options = await page.$$eval("#demo-token option", (items) => items.map((o) => ({ value: o.value, role: o.dataset.role })));
  const choice = options.find((o) => o.role === role);
  if (!choice) throw new Error(`no demo token for ${role}`);
  await page.selectOption("#demo-token", choice.value);
  await page.click("#sign-in");
  await page.waitForSelector(`body[data-signed-in="${role}"]`, { timeout: 30_000 });
}

mkdirSync(OUT, { recursive: true });
const server = await startServer({ webDir: process.env.RISKMAP_WEB_DIR ?? null });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
const problems = [];
try {
  for (const lang of LANGS) {
    for (const role of ROLES) {
      for (const size of SIZES) {
        const page = await browser.newPage({ viewport: size });
        const errors = [];
        page.on("pageerror", (error) => errors.push(String(error)));
        await page.goto(new URL(`/?lang=${lang}`, server.url).href);
        await page.waitForSelector("body[data-ready=true]", { timeout: 90_000 });
        await signIn(page, role);
        for (const view of VIEWS) {
          const tab = await page.$(`#tab-${view}`);
          if (tab && (await tab.isVisible())) await tab.click();
          await settle(page, view);
          const file = join(OUT, `${lang}-${role}-${view}-${size.width}x${size.height}.png`);
          await page.screenshot({ path: file, fullPage: false });
        }
        // One programme open (the approved one where there is one): its head, then its progress entry.
        const open = (await page.$("#view-programmes:not([hidden]) tr:has(.prog-approved) button[data-programme]")) ?? (await page.$("#view-programmes:not([hidden]) button[data-programme]"));
        if (open) {
          await open.click();
          await page.waitForSelector("#view-programmes #prog-title", { timeout: 30_000 });
          await settle(page, "programmes");
          await page.screenshot({ path: join(OUT, `${lang}-${role}-programme-${size.width}x${size.height}.png`), fullPage: false });
          await page.evaluate(() => document.getElementById("prog-progress-title")?.scrollIntoView());
          await page.screenshot({ path: join(OUT, `${lang}-${role}-programme-progress-${size.width}x${size.height}.png`), fullPage: false });
          await page.evaluate(() => document.getElementById("prog-review-title")?.scrollIntoView());
          await page.screenshot({ path: join(OUT, `${lang}-${role}-programme-review-${size.width}x${size.height}.png`), fullPage: false });
        }
        if (errors.length) problems.push(`${lang} ${role} ${size.width}: ${errors.join("; ")}`);
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  server.stop();
}
console.log(`screenshots in ${OUT}`);
if (problems.length) {
  console.log(problems.join("\n"));
  process.exitCode = 1;
}
