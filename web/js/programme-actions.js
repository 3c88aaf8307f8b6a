// riskmap web: a programme's actions and their quarterly progress. The actions table is edited
// in place (each change a JSON merge patch with If-Match); new actions come from the catalogue,
// those answering the chosen problem's triggers first ("suggested"); the budget total follows.
// Progress is entered per quarter and action (phone-sized rows); overdue actions and missing
// reports are marked in words and colour.
import { t, num, date, quarter, language } from "./i18n.js";
import { h, scroller } from "./dom.js";
import { editable, reportable, problemName } from "./programme-editor.js";
import { tenge } from "./programmes.js";

const TEXT_FIELDS = ["organisation", "responsible", "contact", "funding_source"];
const PROGRESS = ["not_started", "on_track", "delayed", "done", "cancelled"];
const typeName = (a) => a[`name_${language()}`] || a.name_ru;
/** A plan reference of the catalogue ("measure 14", "expected result 6", "section 1") in words. */
export function serveWords(text) {
  const m = /^(measure|expected result|section) (\d+)$/.exec(text);
  if (!m) return text;
  const key = { measure: "measure", "expected result": "result", section: "section" }[m[1]];
  return t(`prog.serves.${key}`).replace("{n}", m[2]);
}
const standing = (s) => h("span", { class: `standing standing-${s}`, text: t(`prog.standings.${s}`) });

/** The quarters of a programme period: `2025` → Q1–Q4, `2025-H1` → Q1–Q2, `2025-H2` → Q3–Q4. */
export function quartersOf(period) {
  const year = period.slice(0, 4);
  const qs = period.endsWith("H1") ? [1, 2] : period.endsWith("H2") ? [3, 4] : [1, 2, 3, 4];
  return qs.map((q) => `${year}-Q${q}`);
}

function cell(ctx, action, field, { type = "text", label }) {
  const p = ctx.programme;
  const value = action[field];
  if (!editable(p)) {
    const shown = field === "budget_tenge" ? tenge(value) : field === "start" || field === "due" ? date(value) : field === "expected_change_percent" ? `${num(value, 1)}%` : value || "—";
    return h("td", { "data-label": label, class: type === "number" ? "num" : null }, shown);
  }
  const id = `act-${action.id}-${field}`;
  const input = h("input", { id, type, value: value ?? "", "aria-label": `${label}: ${typeName(action)}`, min: field === "budget_tenge" ? 0 : field === "expected_change_percent" ? -100 : null, max: field === "expected_change_percent" ? 100 : null, step: field === "expected_change_percent" ? 0.1 : type === "number" ? 1 : null,
    onchange: () => {
      const raw = input.value;
      const next = type === "number" ? Number(raw) : raw;
      if (type === "number" && !Number.isFinite(next)) return;
      ctx.write(`/api/v1/programmes/${ctx.id}/actions/${action.id}`, { method: "PATCH", body: { [field]: next }, contentType: "application/merge-patch+json" });
    } });
  return h("td", { "data-label": label }, input);
}

export function actionsSection(ctx) {
  const p = ctx.programme;
  const problems = new Map(p.problems.map((x) => [x.id, x]));
  const labels = { action: t("prog.actionType"), organisation: t("prog.fields.organisation"), responsible: t("prog.fields.responsible"), contact: t("prog.fields.contact"), start: t("prog.fields.start"), due: t("prog.fields.due"), budget_tenge: t("prog.fields.budget_tenge"), funding_source: t("prog.fields.funding_source"), expected_change_percent: t("prog.fields.expected_change_percent"), standing: t("prog.standing") };
  const rows = p.actions.map((a) => h("tr", { "data-action": a.id, class: a.standing === "overdue" ? "overdue" : null },
    h("th", { scope: "row", "data-label": labels.action }, typeName(a),
      h("div", { class: "hint", text: `${a.serves.map(serveWords).join(", ")} · ${a.problems.map((id) => (problems.get(id) ? problemName(problems.get(id)) : id)).join("; ")}` })),
    ...TEXT_FIELDS.slice(0, 3).map((f) => cell(ctx, a, f, { label: labels[f] })),
    cell(ctx, a, "start", { type: "date", label: labels.start }),
    cell(ctx, a, "due", { type: "date", label: labels.due }),
    cell(ctx, a, "budget_tenge", { type: "number", label: labels.budget_tenge }),
    cell(ctx, a, "funding_source", { label: labels.funding_source }),
    cell(ctx, a, "expected_change_percent", { type: "number", label: labels.expected_change_percent }),
    h("td", { "data-label": labels.standing }, standing(a.standing))));
  const order = ["action", "organisation", "responsible", "contact", "start", "due", "budget_tenge", "funding_source", "expected_change_percent", "standing"];
  const table = h("table", { class: "data prog-actions stack" },
    h("caption", { text: `${t("prog.actions")}: ${p.actions.length}; ${t("prog.budgetTotal")}: ${tenge(p.budget_tenge)}` }),
    h("thead", {}, h("tr", {}, order.map((k) => h("th", { scope: "col", text: labels[k] })))),
    h("tbody", {}, rows),
    h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: 6, text: t("prog.budgetTotal") }), h("td", { class: "num", id: "prog-budget-total", "data-label": t("prog.budgetTotal") }, tenge(p.budget_tenge)), h("td", { colspan: 3 }))));
  return h("section", { class: "prog-section", "aria-labelledby": "prog-actions-title" },
    h("h3", { id: "prog-actions-title", text: t("prog.actions") }),
    editable(p) ? h("p", { class: "hint", text: t("prog.editHint") }) : null,
    p.actions.length ? scroller(t("prog.actions"), table) : h("p", { class: "hint", text: t("prog.noActions") }),
    editable(p) && p.problems.length ? addAction(ctx) : null);
}

/** Action types for a problem: those answering its triggers first, marked suggested. */
function typesFor(ctx, problem) {
  const triggers = new Set(problem?.snapshot.triggers ?? []);
  const answers = (a) => a.answers.some((x) => triggers.has(x));
  const all = ctx.catalogue.actions;
  return [...all.filter(answers).map((a) => ({ a, suggested: true })), ...all.filter((a) => !answers(a)).map((a) => ({ a, suggested: false }))];
}

function addAction(ctx) {
  const p = ctx.programme;
  const problemSelect = h("select", { id: "prog-action-problem" }, p.problems.map((x) => h("option", { value: x.id }, problemName(x))));
  const typeSelect = h("select", { id: "prog-action-type" });
  const fillTypes = () => {
    const problem = p.problems.find((x) => String(x.id) === problemSelect.value);
    typeSelect.replaceChildren(...typesFor(ctx, problem).map(({ a, suggested }) => h("option", { value: a.code }, `${typeName(a)}${suggested ? ` — ${t("prog.suggested")}` : ""}`)));
  };
  problemSelect.addEventListener("change", fillTypes);
  fillTypes();
  const quarters = quartersOf(p.period);
  const start = `${quarters[0].slice(0, 4)}-${String((Number(quarters[0].slice(-1)) - 1) * 3 + 1).padStart(2, "0")}-01`;
  const lastQ = Number(quarters[quarters.length - 1].slice(-1));
  const due = `${p.period.slice(0, 4)}-${String(lastQ * 3).padStart(2, "0")}-${lastQ === 1 || lastQ === 4 ? 31 : 30}`;
  const submit = (e) => {
    e.preventDefault();
    const kind = ctx.catalogue.actions.find((a) => a.code === typeSelect.value);
    ctx.write(`/api/v1/programmes/${ctx.id}/actions`, { body: {
      action_type: kind.code, problems: [Number(problemSelect.value)], organisation: "", responsible: "", contact: "",
      start, due, budget_tenge: 0, funding_source: "", indicator: kind.moves, expected_change_percent: -5,
    } });
  };
  return h("form", { class: "prog-add", onsubmit: submit },
    h("h4", { text: t("prog.addAction") }),
    h("div", { class: "exports" },
      h("div", { class: "field" }, h("label", { for: "prog-action-problem", text: t("prog.forProblem") }), problemSelect),
      h("div", { class: "field grow" }, h("label", { for: "prog-action-type", text: t("prog.actionType") }), typeSelect),
      h("button", { type: "submit", id: "prog-add-action", class: "action" }, t("prog.add"))));
}

const selectedQuarter = new Map(); // programme id → quarter chosen for progress entry

/** Progress per quarter: one row per action with its standing, the report filed for the
 * quarter, and (when the programme is in force) a form to file or replace it. */
export function progressSection(ctx) {
  const p = ctx.programme;
  if (!p.actions.length) return null;
  const quarters = quartersOf(p.period);
  const missingSomewhere = quarters.find((q) => p.actions.some((a) => a.missing_reports.includes(q)));
  const chosen = selectedQuarter.get(p.id) ?? missingSomewhere ?? quarters[0];
  selectedQuarter.set(p.id, chosen); // the quarter stays while reports are entered
  const picker = h("select", { id: "prog-quarter", onchange: (e) => { selectedQuarter.set(p.id, e.target.value); ctx.draw(); } },
    quarters.map((q) => h("option", { value: q, selected: q === chosen }, quarter(q))));
  const rows = p.actions.map((a) => progressRow(ctx, a, chosen));
  return h("section", { class: "prog-section", "aria-labelledby": "prog-progress-title" },
    h("h3", { id: "prog-progress-title", text: t("prog.progressTitle") }),
    h("div", { class: "field" }, h("label", { for: "prog-quarter", text: t("prog.quarter") }), picker),
    reportable(p) ? null : h("p", { class: "hint", text: t("prog.progressLocked") }),
    h("ul", { class: "prog-progress", "aria-label": `${t("prog.progressTitle")}: ${quarter(chosen)}` }, rows));
}

function progressRow(ctx, a, q) {
  const p = ctx.programme;
  const report = p.progress.find((r) => r.action_id === a.id && r.quarter === q);
  const missing = a.missing_reports.includes(q);
  const finished = a.standing === "done" || a.standing === "cancelled";
  const overdue = a.standing === "overdue" || (missing && !finished);
  const filed = report
    ? h("p", { class: "hint" }, `${t(`prog.standings.${report.status}`)}, ${report.percent}% · ${t("prog.submitted")} ${date(report.submitted_on)} (${t("prog.dueOn")} ${date(report.due_on)})${report.late ? ` · ${t("prog.lateReport")}` : ""}${report.comment ? ` · ${report.comment}` : ""}`)
    : h("p", { class: missing ? "hint missing" : "hint" }, missing ? t("prog.reportMissing") : t("prog.noReport"));
  const item = h("li", { class: `prog-progress-row${overdue ? " overdue" : ""}`, "data-action": a.id },
    h("div", { class: "prog-progress-head" }, h("strong", { text: typeName(a) }), standing(a.standing)), filed);
  if (!reportable(p)) return item;
  const id = (f) => `prog-progress-${a.id}-${f}`;
  const status = h("select", { id: id("status") }, PROGRESS.map((s) => h("option", { value: s, selected: (report?.status ?? "on_track") === s }, t(`prog.standings.${s}`))));
  const percent = h("input", { id: id("percent"), type: "number", min: 0, max: 100, step: 1, inputmode: "numeric", value: report?.percent ?? 0 });
  const comment = h("input", { id: id("comment"), type: "text", maxlength: 2000, value: report?.comment ?? "" });
  const submit = (e) => {
    e.preventDefault();
    const value = Math.max(0, Math.min(100, Math.round(Number(percent.value) || 0)));
    ctx.write(`/api/v1/programmes/${ctx.id}/actions/${a.id}/progress`, { body: { quarter: q, status: status.value, percent: value, comment: comment.value } });
  };
  item.append(h("form", { class: "prog-progress-form", onsubmit: submit },
    h("div", { class: "field" }, h("label", { for: id("status"), text: t("prog.status") }), status),
    h("div", { class: "field" }, h("label", { for: id("percent"), text: t("prog.percent") }), percent),
    h("div", { class: "field grow" }, h("label", { for: id("comment"), text: t("prog.comment") }), comment),
    h("button", { type: "submit", id: id("submit"), class: "action" }, t("prog.report"))));
  return item;
}
