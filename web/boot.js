// riskmap web: starts the first API requests (catalogue and regions) while the ES modules and
// MapLibre are still loading; js/api.js picks the answers up. A classic script, run at once.
(() => {
  const token = sessionStorage.getItem("riskmap.token") || "";
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const get = (url) => fetch(url, { headers }).then((r) => (r.ok ? r.json() : Promise.reject(Object.assign(new Error(`${url}: HTTP ${r.status}`), { status: r.status }))));
  const early = { token, requests: { "/api/v1/meta": get("/api/v1/meta") } };
  const period = new URLSearchParams(window.location.search).get("period");
  // Without a token the regions can be asked for at once; with one, the role may be a steward.
  if (!token && !period) early.requests["/api/v1/regions?geometry=false"] = get("/api/v1/regions?geometry=false");
  for (const pending of Object.values(early.requests)) pending.catch(() => {});
  window.riskmapEarly = early;
})();
