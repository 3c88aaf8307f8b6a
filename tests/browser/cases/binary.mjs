// Browser test of the self-contained binary: run from an empty directory without `--web-dir`,
// it serves the page, its modules and MapLibre GL JS embedded at build time, and the map draws.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ctx, renderedIds } from "../harness.mjs";
import { startServer, REPO } from "../server.mjs";

test("the binary serves the page and MapLibre from a directory without web/", async () => {
  const empty = mkdtempSync(join(tmpdir(), "riskmap-no-web-"));
  assert.equal(existsSync(join(empty, "web")), false);
  const server = await startServer({ webDir: null, cwd: empty });
  try {
    for (const [path, file] of [["/", "web/index.html"], ["/app.js", "web/app.js"], ["/js/mapview.js", "web/js/mapview.js"], ["/style.css", "web/style.css"], ["/vendor/maplibre-gl/maplibre-gl.mjs", "web/node_modules/maplibre-gl/dist/maplibre-gl.mjs"], ["/vendor/maplibre-gl/maplibre-gl.css", "web/node_modules/maplibre-gl/dist/maplibre-gl.css"]]) {
      const response = await fetch(new URL(path, server.url));
      assert.equal(response.status, 200, path);
      assert.equal(await response.text(), readFileSync(join(REPO, file), "utf8"), `${path} is ${file} as built`);
    }
    assert.match((await fetch(new URL("/app.js", server.url))).headers.get("content-type"), /javascript/);
    assert.equal((await fetch(new URL("/no-such-page", server.url))).status, 404);
    const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("response", (response) => { if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}`); });
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready=true]", { timeout: 90_000 });
    assert.equal((await renderedIds(page, "regions-fill")).length, 20, "the map draws from the embedded MapLibre");
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    server.stop();
  }
});
