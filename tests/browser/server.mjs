// Test support: starts `riskmap serve --demo` on a free port with a fresh SQLite file and
// returns its URL; stops it when the test ends. The page comes from web/ (the development
// override) unless `webDir: null` asks for the copy embedded in the binary.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** `webDir: null` serves the page embedded in the binary; `cwd` is where the binary runs. */
export async function startServer({ webDir = process.env.RISKMAP_WEB_DIR ?? join(REPO, "web"), cwd } = {}) {
  const binary = process.env.RISKMAP_BIN ?? join(process.env.CARGO_TARGET_DIR ? resolve(REPO, process.env.CARGO_TARGET_DIR) : join(REPO, "target"), "debug/riskmap");
  const dir = mkdtempSync(join(tmpdir(), "riskmap-browser-"));
  const child = spawn(binary, [
    "serve", "--demo", "--addr", "127.0.0.1:0",
    "--database", `sqlite://${join(dir, "riskmap.sqlite3")}`,
    "--geography", process.env.RISKMAP_GEOGRAPHY ?? join(REPO, "../shared/data/kz"),
    ...(webDir ? ["--web-dir", webDir] : []),
  ], { stdio: ["ignore", "pipe", "pipe"], cwd });
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
