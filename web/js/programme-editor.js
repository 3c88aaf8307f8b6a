// riskmap web: one programme on screen. Its head (status, version, budget total, documents),
// the workflow buttons with a comment, the problems with their snapshot values as the API
// discloses them to the reader, and the sections of programme-actions.js (actions, progress)
// and programme-review.js (review chart, version history). Every write sends the ETag read
// last; a 412 reloads the programme and says so, a 409 lists the moves allowed now.
import { request, getJson, download } from "./api.js";
import { t, nameOf, num, date, quarter, language, halfYear } from "./i18n.js";
import { state } from "./state.js";
import { h, scroller } from "./dom.js";
import { valueWords } from "./units.js";
import { loadDistricts } from "./units.js";
import { translateTriggers, translateDriver } from "./priority.js";
import { actionsSection, progressSection } from "./programme-actions.js";
import { reviewSection, historySection } from "./programme-review.js";
import { statusBadge, tenge } from "./programmes.js";
import { resetCoverage } from "./coverage.js";

/** May the caller edit problems and actions (the server decides; this only hides what it would refuse). */
export const editable = (programme) => ["draft", "returned"].includes(programme.status) && ["akimat", "crisis"].includes(state.scope.kind);
/** May the caller report progress on it. */
export const reportable = (programme) => ["approved", "acknowledged"].includes(programme.status) && ["akimat", "crisis"].includes(state.scope.kind);

/** A problem's name in the page's language (the API names problems in kk and ru). */
export const problemName = (p) => (language() === "kk" ? p.name_kk : p.name_ru) || p.school || p.district;

export async function renderEditor(root, { id, regions, back, open }) {
  root.replaceChildren(h("h2", { text: t("prog.title") }), h("p", { text: t("loading"), role: "status" }));
  const first = await request(`/api/v1/programmes/${id}`);
  if (!first.ok) {
    root.replaceChildren(h("h2", { text: t("prog.title") }), h("p", { role: "alert", text: errorWords(first) }), h("button", { type: "button", onclick: back }, t("prog.back")));
    return;
  }
  const [catalogue, districts] = await Promise.all([
    getJson("/api/v1/programmes/catalogue"),
    loadDistricts(first.body.region).catch(() => null),
  ]);
  const status = h("p", { class: "prog-message", role: "status", id: "prog-message" });
  const ctx = {
    id, programme: first.body, etag: first.etag, catalogue, regions, districts, open,
    say: (text, kind = "info") => { status.textContent = text; status.dataset.kind = kind; },
    districtName: (kato) => nameOf(districts?.features.find((f) => f.properties.kato === kato)?.properties) || kato,
    draw: () => draw(root, ctx, back, status),
    write: (url, options) => write(ctx, url, options),
  };
  ctx.draw();
}

/** Redraws the programme, keeping keyboard focus on the control that had it. */
function draw(root, ctx, back, status) {
  const focused = document.activeElement?.id;
  const p = ctx.programme;
  const sections = [
    h("div", { class: "exports" }, h("button", { type: "button", id: "prog-back", onclick: back }, `← ${t("prog.back")}`)),
    head(ctx), status, documents(ctx), workflow(ctx),
    problemsSection(ctx), actionsSection(ctx), progressSection(ctx), reviewSection(ctx), historySection(ctx),
  ];
  root.replaceChildren(...sections.filter(Boolean));
  root.dataset.programme = String(p.id);
  root.dataset.status = p.status;
  if (focused) document.getElementById(focused)?.focus();
}

function head(ctx) {
  const p = ctx.programme;
  const region = language() === "kk" ? p.region_name_kk : p.region_name_ru;
  return h("header", { class: "prog-head" },
    h("h2", { id: "prog-title", text: p.title }),
    p.synthetic ? h("p", { class: "prog-synthetic", text: t("synthetic") }) : null,
    h("dl", { class: "facts prog-facts" },
      h("dt", { text: t("prog.status") }), h("dd", {}, statusBadge(p.status)),
      h("dt", { text: t("prog.region") }), h("dd", { text: region }),
      h("dt", { text: t("prog.period") }), h("dd", { text: halfYear(p.period) }),
      h("dt", { text: t("prog.version") }), h("dd", { id: "prog-version", text: String(p.version) }),
      p.amends ? h("dt", { text: t("prog.amends") }) : null, p.amends ? h("dd", {}, h("button", { type: "button", class: "link", onclick: () => ctx.open(p.amends) }, `№ ${p.amends}`)) : null,
      h("dt", { text: t("prog.budgetTotal") }), h("dd", { id: "prog-budget", text: tenge(p.budget_tenge) }),
      h("dt", { text: t("prog.updated") }), h("dd", { text: date(p.updated_at) })));
}

/** A refused request in the page's language (the server's message is English: it goes to the
 * console, and the reader gets the meaning of its code, with the fields named). */
export function errorWords(answer) {
  const { code = "", message = "" } = answer.body?.error ?? {};
  if (message) console.warn(`HTTP ${answer.status} ${code}: ${message}`);
  const field = (name) => (name === "comment" ? t("prog.comment") : name === "title" ? t("prog.titleField") : t(`prog.fields.${name}`).startsWith("prog.") ? name : t(`prog.fields.${name}`));
  if (code === "invalid_field") return `${t("prog.errors.invalid_field")}: ${field(message.split(":")[0].trim())}`;
  if (code === "incomplete") {
    const gaps = [...message.matchAll(/action (\d+) lacks ([a-z_, ]+)/g)].map(([, id, fields]) => `№ ${id}: ${fields.split(",").map((f) => field(f.trim())).join(", ")}`);
    return `${t("prog.errors.incomplete")}${gaps.length ? ` — ${gaps.join("; ")}` : ""}`;
  }
  const known = { locked: "locked", out_of_scope: "out_of_scope", no_programme_access: "out_of_scope", unknown_programme: "not_found", unknown_id: "not_found", not_in_programme: "not_found", unknown_school: "not_found", conflict: "conflict" }[code];
  return `${t("error")}: ${t(`prog.errors.${known ?? "other"}`)} (HTTP ${answer.status})`;
}

/** Sends a write with the programme's ETag. 412: reload and tell; 409: the allowed moves. */
async function write(ctx, url, { method = "POST", body, contentType } = {}) {
  ctx.say(t("loading"));
  const answer = await request(url, { method, body, etag: ctx.etag, contentType });
  if (answer.ok) {
    ctx.programme = answer.body;
    ctx.etag = answer.etag;
    resetCoverage();
    ctx.draw();
    ctx.say(t("prog.saved"));
    return answer;
  }
  if (answer.status === 412) {
    const fresh = await request(`/api/v1/programmes/${ctx.id}`);
    if (fresh.ok) { ctx.programme = fresh.body; ctx.etag = fresh.etag; ctx.draw(); }
    ctx.say(t("prog.stale"), "warning");
    return answer;
  }
  if (answer.status === 409 && Array.isArray(answer.body?.allowed)) {
    const allowed = answer.body.allowed.map((s) => t(`prog.to.${s}`)).join(", ") || t("prog.nothingAllowed");
    ctx.say(`${t("prog.refused")} ${allowed}`, "error");
    return answer;
  }
  ctx.say(errorWords(answer), "error");
  return answer;
}

/** The workflow: a comment and one button per status the caller may move the programme to now;
 * an akimat may also draft an amendment of a programme in force (approved or acknowledged). */
function workflow(ctx) {
  const p = ctx.programme;
  const comment = h("textarea", { id: "prog-comment", rows: 2, maxlength: 2000 });
  const move = (to) => ctx.write(`/api/v1/programmes/${p.id}/transitions`, { body: { to, comment: comment.value } });
  const buttons = p.allowed_transitions.map((to) => h("button", { type: "button", id: `prog-to-${to}`, "data-to": to, onclick: () => move(to) }, t(`prog.to.${to}`)));
  if (["approved", "acknowledged"].includes(p.status) && state.scope.kind === "akimat") {
    buttons.push(h("button", { type: "button", id: "prog-amend", onclick: async () => {
      const answer = await request(`/api/v1/programmes/${p.id}/amendments`, { method: "POST", etag: ctx.etag });
      if (answer.ok) ctx.open(answer.body.id);
      else ctx.say(errorWords(answer), "error");
    } }, t("prog.amend")));
  }
  return h("section", { class: "prog-section", "aria-labelledby": "prog-workflow-title" },
    h("h3", { id: "prog-workflow-title", text: t("prog.workflow") }),
    buttons.length
      ? [h("div", { class: "field" }, h("label", { for: "prog-comment", text: t("prog.comment") }), comment), h("div", { class: "exports" }, buttons)]
      : h("p", { class: "hint", text: t("prog.noTransitions") }));
}

/** Documents: the programme's own (PDF, XLSX) where the server offers them, and the Ministry's
 * half-year summary in XLSX; all in the page's language. */
function documents(ctx) {
  const p = ctx.programme;
  const holder = h("div", { class: "exports", id: "prog-documents" });
  const note = h("p", { class: "hint", role: "status", id: "prog-download-status" });
  const button = (id, label, url, name) => h("button", { type: "button", id, onclick: async () => {
    note.textContent = t("loading");
    try { note.textContent = `${t("exported")}: ${await download(url, name)}`; } catch (error) { note.textContent = `${t("error")}: ${error.message}`; }
  } }, label);
  const half = /H2$/.test(p.period) ? `${p.period.slice(0, 4)}-H2` : `${p.period.slice(0, 4)}-H1`;
  getJson("/api/v1/openapi.json").catch(() => null).then((doc) => {
    const own = Boolean(doc?.paths?.["/api/v1/programmes/{id}/document"]);
    const lang = language() === "en" ? "ru" : language();
    if (own) {
      holder.append(
        button("prog-pdf", t("prog.pdf"), `/api/v1/programmes/${p.id}/document?format=pdf&lang=${lang}`, `programme-${p.id}.pdf`),
        button("prog-xlsx", t("prog.xlsx"), `/api/v1/programmes/${p.id}/document?format=xlsx&lang=${lang}`, `programme-${p.id}.xlsx`));
    }
    holder.append(button("prog-summary-xlsx", `${t("prog.summaryXlsx")}: ${halfYear(half)}`, `/api/v1/programmes/summary?half=${half}&format=xlsx`, `summary-${half}.xlsx`));
  });
  return h("section", { class: "prog-section", "aria-labelledby": "prog-documents-title" }, h("h3", { id: "prog-documents-title", text: t("prog.documents") }), holder, note);
}

/** A snapshot value as the rest of the page shows values: a number, a band, or the words for
 * suppressed (c) and not available. */
function snapshotText(v) {
  if (v.kind === "rate") return valueWords(v.value ?? { value: null, flag: ":" }, 2);
  const c = v.count;
  if (typeof c === "number") return num(c, 0);
  if (c === "c") return t("suppressed");
  if (c === ":" || c === "z" || c === undefined || c === null) return t("noData");
  return c; // a band: 0, 1-2, 3+
}

const valueLabel = (code) => (code === "composite" ? t("composite") : code === "pupils" ? t("pupils") : t(`prog.values.${code}`) === `prog.values.${code}` ? translateDriver(code) : t(`prog.values.${code}`));

function problemsSection(ctx) {
  const p = ctx.programme;
  const rows = p.problems.map((problem) => {
    const s = problem.snapshot;
    const values = h("ul", { class: "prog-values" }, s.values.map((v) => h("li", {}, `${valueLabel(v.code)}: `, h("strong", { text: snapshotText(v) }))));
    return h("tr", { "data-problem": problem.id },
      h("th", { scope: "row" }, problemName(problem), h("div", { class: "hint", text: ctx.districtName(problem.district) })),
      h("td", { class: "num", "data-label": t("rank") }, s.rank ?? "—"),
      h("td", { "data-label": t("triggers") }, translateTriggers(s.triggers.join(",")) || "—", s.drivers.length ? h("div", { class: "hint", text: `${t("drivers")}: ${s.drivers.map(translateDriver).join(", ")}` }) : null),
      h("td", { "data-label": t("prog.snapshot") }, values, h("div", { class: "hint", text: `${quarter(s.data_quarter)} · ${date(s.taken_at)}` })));
  });
  const table = h("table", { class: "data prog-problems stack" },
    h("caption", { text: `${t("prog.problems")}: ${p.problems.length}. ${t("prog.snapshotNote")}` }),
    h("thead", {}, h("tr", {}, [t("name"), t("rank"), t("triggers"), t("prog.snapshot")].map((label) => h("th", { scope: "col", text: label })))),
    h("tbody", {}, rows));
  return h("section", { class: "prog-section", "aria-labelledby": "prog-problems-title" },
    h("h3", { id: "prog-problems-title", text: t("prog.problems") }),
    p.problems.length ? scroller(t("prog.problems"), table) : h("p", { class: "hint", text: t("prog.noProblems") }),
    editable(p) ? addProblem(ctx) : null);
}

/** Adds a district of the programme's region (with the snapshot of what the reader's map shows). */
function addProblem(ctx) {
  const scope = state.scope;
  const choices = (ctx.districts?.features ?? []).filter((f) => scope.kind !== "crisis" || scope.districts.includes(f.properties.kato));
  const select = h("select", { id: "prog-add-unit" }, choices.map((f) => h("option", { value: f.properties.kato }, nameOf(f.properties))));
  return h("form", { class: "exports", onsubmit: (e) => { e.preventDefault(); ctx.write(`/api/v1/programmes/${ctx.id}/problems`, { body: { unit: select.value } }); } },
    h("div", { class: "field" }, h("label", { for: "prog-add-unit", text: t("prog.addUnit") }), select),
    h("button", { type: "submit", id: "prog-add-unit-button", class: "action" }, t("prog.add")));
}
