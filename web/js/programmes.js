// riskmap web: the Programmes view (Resolution 748, measure 2). The list of crisis-management
// programmes the caller may read, by region and status; an akimat creates one or drafts one from
// the priority list; opening one hands over to the editor (programme-editor.js).
import { request } from "./api.js";
import { t, nameOf, num, halfYear } from "./i18n.js";
import { state, saveView } from "./state.js";
import { h, scroller, sortableTable } from "./dom.js";
import { renderEditor, errorWords } from "./programme-editor.js";

export const STATUSES = ["draft", "approved", "acknowledged", "returned", "closed", "superseded"];
let filter = { region: "", status: "" };
let sort = { key: "id", descending: true };

/** The regions whose programmes the caller may read (an akimat its own, a crisis team the
 * region of its districts, the ministry all). */
export function readableRegions(regions) {
  const scope = state.scope;
  const all = regions?.features ?? [];
  if (scope.kind === "ministry") return all;
  const own = scope.kind === "akimat" ? scope.region : scope.districts[0] ? `${scope.districts[0].slice(0, 2)}0000000` : null;
  return all.filter((f) => f.properties.kato === own);
}

export const tenge = (value) => `${num(value ?? 0, 0)} ₸`;
export const statusBadge = (status) => h("span", { class: `prog-status prog-${status}`, text: t(`prog.statuses.${status}`) });

export async function renderProgrammes(root, { regions }) {
  if (!state.scope?.readsProgrammes) { root.replaceChildren(h("h2", { text: t("prog.title") }), h("p", { text: t("prog.noAccess") })); return; }
  const open = (id) => { state.programme = id; saveView(); renderProgrammes(root, { regions }).catch((e) => say(root, e)); };
  if (state.programme) {
    const back = () => { state.programme = null; saveView(); renderProgrammes(root, { regions }).catch((e) => say(root, e)); };
    return renderEditor(root, { id: state.programme, regions, back, open });
  }
  delete root.dataset.programme;
  delete root.dataset.status;
  root.replaceChildren(h("h2", { text: t("prog.title") }), h("p", { text: t("loading"), role: "status" }));
  const own = readableRegions(regions);
  const query = new URLSearchParams();
  if (filter.region) query.set("region", filter.region);
  if (filter.status) query.set("status", filter.status);
  const answer = await request(`/api/v1/programmes${query.size ? `?${query}` : ""}`);
  if (!answer.ok) { root.replaceChildren(h("h2", { text: t("prog.title") }), h("p", { role: "alert", text: errorWords(answer) })); return; }
  const regionName = (kato) => nameOf(regions?.features.find((f) => f.properties.kato === kato)?.properties) || kato;
  const rerender = () => renderProgrammes(root, { regions }).catch((e) => say(root, e));
  const filters = h("div", { class: "exports" },
    h("div", { class: "field" }, h("label", { for: "prog-region", text: t("prog.region") }),
      h("select", { id: "prog-region", onchange: (e) => { filter.region = e.target.value; rerender(); } },
        h("option", { value: "" }, t("prog.allRegions")), own.map((f) => h("option", { value: f.properties.kato, selected: f.properties.kato === filter.region }, nameOf(f.properties))))),
    h("div", { class: "field" }, h("label", { for: "prog-status-filter", text: t("prog.status") }),
      h("select", { id: "prog-status-filter", onchange: (e) => { filter.status = e.target.value; rerender(); } },
        h("option", { value: "" }, t("prog.allStatuses")), STATUSES.map((s) => h("option", { value: s, selected: s === filter.status }, t(`prog.statuses.${s}`))))));
  const columns = [
    // On a phone the region and period go under the title (their columns are left out).
    { key: "title", label: t("prog.titleField"), render: (p) => [h("button", { type: "button", class: "link", "data-programme": p.id, onclick: () => open(p.id) }, p.title), h("div", { class: "hint phone-only-block", text: `${regionName(p.region)} · ${halfYear(p.period)}` })] },
    { key: "region", label: t("prog.region"), wide: true, value: (p) => regionName(p.region), render: (p) => regionName(p.region) },
    { key: "period", label: t("prog.period"), wide: true, render: (p) => halfYear(p.period) },
    { key: "status", label: t("prog.status"), render: (p) => statusBadge(p.status) },
    { key: "version", label: t("prog.version"), numeric: true, wide: true },
    { key: "problems", label: t("prog.problems"), numeric: true, wide: true },
    { key: "actions", label: t("prog.actions"), numeric: true, wide: true },
    { key: "budget_tenge", label: t("prog.budget"), numeric: true, wide: true, render: (p) => tenge(p.budget_tenge) },
  ];
  const rows = answer.body.programmes;
  const table = () => (rows.length
    ? sortableTable({ caption: `${t("prog.title")}: ${rows.length}`, columns, rows, sort, onSort: (next) => { sort = next; holder.replaceChildren(table()); holder.querySelector(`th[aria-sort]:not([aria-sort="none"]) button`)?.focus(); } })
    : h("p", { text: t("prog.none") }));
  const holder = scroller(t("prog.title"), table());
  const status = h("p", { class: "hint", role: "status", id: "prog-list-status" });
  root.replaceChildren(h("h2", { text: t("prog.title") }), filters, holder, status);
  if (state.scope.kind === "akimat") root.append(createForm(state.scope.region, open, status));
}

/** The akimat's two ways to start a programme: an empty one, or a draft from the priority list. */
function createForm(region, open, status) {
  const year = new Date().getFullYear();
  const periods = [String(year), `${year}-H1`, `${year}-H2`, String(year + 1), `${year + 1}-H1`];
  const period = h("select", { id: "prog-new-period" }, periods.map((p) => h("option", { value: p }, halfYear(p))));
  const title = h("input", { id: "prog-new-title", type: "text", maxlength: 500, required: true });
  const result = async (pending) => {
    status.textContent = t("loading");
    const answer = await pending;
    if (!answer.ok) { status.textContent = errorWords(answer); return; }
    open(answer.body.id);
  };
  const key = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);
  const form = h("form", { class: "prog-new", onsubmit: (e) => {
    e.preventDefault();
    result(request("/api/v1/programmes", { method: "POST", body: { region, period: period.value, title: title.value }, idempotencyKey: key() }));
  } },
  h("h3", { text: t("prog.create") }),
  h("div", { class: "exports" },
    h("div", { class: "field" }, h("label", { for: "prog-new-period", text: t("prog.period") }), period),
    h("div", { class: "field grow" }, h("label", { for: "prog-new-title", text: t("prog.titleField") }), title)),
  h("div", { class: "exports" },
    h("button", { type: "submit", id: "prog-create" }, t("prog.createButton")),
    h("button", { type: "button", id: "prog-draft", onclick: () => result(request(`/api/v1/programmes/draft?region=${region}&period=${encodeURIComponent(period.value)}`, { method: "POST", idempotencyKey: key() })) }, t("prog.draftFromPriority"))));
  return form;
}

function say(root, error) {
  console.error(error);
  root.append(h("p", { class: "notice-inline", role: "alert", text: `${t("error")}: ${error.message ?? error}` }));
}
