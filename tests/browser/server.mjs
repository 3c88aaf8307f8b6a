// Test support: starts `riskmap serve --demo` on a free port with a fresh SQLite file and
// returns its URL; stops it when the test ends.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export async function startServer() {
  const binary = process.env.RISKMAP_BIN ?? join(REPO, "target/debug/riskmap");
  const dir = mkdtempSync(join(tmpdir(), "riskmap-browser-"));
  const child = spawn(binary, [
    "serve", "--demo", "--addr", "127.0.0.1:0",
    "--database", `sqlite://${join(dir, "riskmap.sqlite3")}`,
    "--geography", process.env.RISKMAP_GEOGRAPHY ?? join(REPO, "../shared/data/kz"),
    "--web-dir", process.env.RISKMAP_WEB_DIR ?? join(REPO, "web"),
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => { stderr += chunk; });
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${stderr}`)), 120_000);
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/http:\/\/[\d.]+:\d+\//);
      if (match) { clearTimeout(timer); resolveUrl(match[0]); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${stderr}`)); });
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--no-first-run", "--disable-quic", "--disable-gpu-sandbox",
];
