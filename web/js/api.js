// riskmap web: talks to the JSON API with the bearer token (cached per token), downloads export
// files as blobs, sends uncached programme reads and writes (ETag, If-Match, Idempotency-Key),
// and knows the caller's scope so that nothing out of scope is ever requested.
import { state } from "./state.js";

const cache = new Map();
// Requests started by boot.js before the modules loaded, under the token they were made with.
const early = window.riskmapEarly;
if (early) {
  for (const [url, pending] of Object.entries(early.requests)) {
    const key = `${early.token}\n${url}`;
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
}

export class ApiError extends Error {
  constructor(url, status, body) {
    super(`${url}: HTTP ${status}${body?.error?.message ? ` — ${body.error.message}` : ""}`);
    this.status = status;
  }
}

function headers() {
  return state.token ? { Authorization: `Bearer ${state.token}` } : {};
}

/** GET a JSON document; identical requests under the same token share one answer. */
export function getJson(url) {
  const key = `${state.token}\n${url}`;
  if (!cache.has(key)) {
    const pending = fetch(url, { headers: headers() }).then(async (response) => {
      if (!response.ok) throw new ApiError(url, response.status, await response.json().catch(() => null));
      return response.json();
    });
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return cache.get(key);
}

export function clearCache() { cache.clear(); }

/** Fetches a file with the bearer token and hands it to the browser as a download. */
export async function download(url, fallbackName) {
  const response = await fetch(url, { headers: headers() });
  if (!response.ok) throw new ApiError(url, response.status, await response.json().catch(() => null));
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName;
  saveBlob(await response.blob(), decodeURIComponent(name));
  return name;
}

export function saveBlob(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/**
 * The caller's scope from /api/v1/meta's `audience`: "ministry", "public", "steward",
 * "akimat:REGION", "akimat:REGION:DISTRICT" or "crisis:D1,D2". Mirrors the server's
 * `Audience::may_see_schools_of` so the page never asks for schools it would be refused.
 */
export function scopeOf(meta) {
  const [kind, first, second] = (meta.audience ?? "public").split(":");
  const scope = { kind, region: null, districts: [] };
  if (kind === "akimat") {
    scope.region = first;
    if (second) scope.districts = [second];
  }
  if (kind === "crisis") scope.districts = (first ?? "").split(",").filter(Boolean);
  scope.analytic = kind !== "steward";
  scope.seesSchools = kind === "ministry" || kind === "akimat" || kind === "crisis";
  scope.seesHotspots = scope.analytic && kind !== "public";
  // Mirrors the server's refuse_non_readers: the public and the steward read no programmes.
  scope.readsProgrammes = kind === "ministry" || kind === "akimat" || kind === "crisis";
  scope.schoolsOf = (district) => {
    if (!district) return false;
    if (kind === "ministry") return true;
    if (kind === "akimat") return scope.districts.length ? scope.districts.includes(district) : district.slice(0, 2) === scope.region.slice(0, 2);
    if (kind === "crisis") return scope.districts.includes(district);
    return false;
  };
  /** Whether any school of the region is visible. */
  scope.schoolsInRegion = (region) => {
    if (!region) return false;
    if (kind === "ministry") return true;
    if (kind === "akimat" && !scope.districts.length) return region.slice(0, 2) === scope.region.slice(0, 2);
    if (kind === "akimat" || kind === "crisis") return scope.districts.some((d) => d.slice(0, 2) === region.slice(0, 2));
    return false;
  };
  return scope;
}

/**
 * A request that is never cached (programmes change under the reader): `{status, ok, etag,
 * body}`; the body is the parsed JSON answer (or null). Writes send JSON with the ETag read
 * last as `If-Match`, and creates an `Idempotency-Key`.
 */
export async function request(url, { method = "GET", body, etag, idempotencyKey, contentType = "application/json" } = {}) {
  const sent = { ...headers() };
  if (body !== undefined) sent["Content-Type"] = contentType;
  if (etag) sent["If-Match"] = etag;
  if (idempotencyKey) sent["Idempotency-Key"] = idempotencyKey;
  const response = await fetch(url, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  const answer = await response.json().catch(() => null);
  return { status: response.status, ok: response.ok, etag: response.headers.get("ETag"), body: answer };
}
