// riskmap web: a programme's review and its version history. The review puts, for each problem,
// the risk index at the snapshot beside the index now (the school's from the current priority
// list, a district's from the map's districts), its district and region now, and the plan's
// −5 %/year line drawn from the snapshot; descriptive, never an effect of the actions. The
// history lists every event (who, when, what, before → after) and an amendment's differences.
import { getJson, request } from "./api.js";
import { t, num, date, quarter } from "./i18n.js";
import { state } from "./state.js";
import { h } from "./dom.js";
import { barChart } from "./charts.js";
import { compositeEntry } from "./composite.js";
import { problemName } from "./programme-editor.js";

const PLAN_YEARLY_CHANGE = -0.05;
const quarterIndex = (code) => { const m = /^(\d{4})-Q([1-4])$/.exec(code ?? ""); return m ? Number(m[1]) * 4 + Number(m[2]) - 1 : null; };
const compositeOf = (props) => compositeEntry(props).value;

/** The plan's line after the quarters between the snapshot and now (riskmap_programme::review). */
export function planLine(start, fromQuarter, toQuarter) {
  const from = quarterIndex(fromQuarter); const to = quarterIndex(toQuarter);
  if (start === null || from === null || to === null) return null;
  return start * (1 + PLAN_YEARLY_CHANGE) ** (Math.max(0, to - from) / 4);
}

async function nowOf(ctx, problem) {
  if (!problem.school) return compositeOf(ctx.districts?.features.find((f) => f.properties.kato === problem.district)?.properties);
  if (!state.scope.schoolsOf(problem.district)) return null;
  const list = await getJson(`/api/v1/priority?parent=${problem.district}`).catch(() => null);
  const row = list?.rows.find((r) => r.nobd_org_id === problem.school);
  return typeof row?.composite === "number" ? row.composite : null;
}

async function problemChart(ctx, problem) {
  const latest = state.meta?.latest_period;
  const at = problem.snapshot.values.find((v) => v.code === "composite")?.value?.value ?? null;
  const now = await nowOf(ctx, problem);
  const district = compositeOf(ctx.districts?.features.find((f) => f.properties.kato === problem.district)?.properties);
  const region = compositeOf(ctx.regions?.features.find((f) => f.properties.kato === ctx.programme.region)?.properties);
  const line = planLine(at, problem.snapshot.data_quarter, latest);
  const bars = [
    { label: t("prog.atSnapshot"), value: at, emphasis: true, missing: t("noData") },
    { label: t("prog.nowShort"), value: now, emphasis: true, colour: "#08306b", missing: t("noData") },
    problem.school ? { label: t("district"), value: district, missing: t("noData") } : null,
    { label: t("parent"), value: region, missing: t("noData") },
  ].filter(Boolean);
  const when = { [t("prog.atSnapshot")]: quarter(problem.snapshot.data_quarter), [t("prog.nowShort")]: quarter(latest), [t("district")]: ctx.districtName(problem.district) };
  const words = bars.map((b) => `${b.label}${when[b.label] ? ` (${when[b.label]})` : ""}: ${b.value === null ? t("noData") : num(b.value, 2)}`).join("; ");
  const lineWords = `${t("prog.planLine")}: ${line === null ? t("noData") : num(line, 2)}`;
  return h("figure", { class: "prog-review", "data-problem": problem.id },
    h("figcaption", { text: problemName(problem) }),
    barChart({ bars, label: `${t("composite")} — ${problemName(problem)}. ${words}. ${lineWords}`, reference: line, max: 10, width: 340 }),
    h("p", { class: "hint", text: `${words}. ${lineWords}` }));
}

export function reviewSection(ctx) {
  const p = ctx.programme;
  if (!p.problems.length) return null;
  const holder = h("div", { class: "prog-reviews", id: "prog-reviews", "aria-busy": "true" }, h("p", { class: "hint", text: t("loading") }));
  Promise.all(p.problems.slice(0, 12).map((problem) => problemChart(ctx, problem)))
    .then((charts) => { holder.replaceChildren(...charts); holder.removeAttribute("aria-busy"); })
    .catch((error) => { holder.replaceChildren(h("p", { role: "alert", text: `${t("error")}: ${error.message}` })); });
  return h("section", { class: "prog-section", "aria-labelledby": "prog-review-title" },
    h("h3", { id: "prog-review-title", text: `${t("prog.review")}: ${t("composite")}` }),
    h("p", { class: "hint", text: t("prog.reviewNote") }),
    h("p", { class: "hint" }, h("span", { class: "swatch ring", style: "border-color:#7a1f00;border-style:dashed" }), ` ${t("prog.planLine")}`),
    holder,
    p.problems.length > 12 ? h("p", { class: "hint", text: t("prog.reviewFirst") }) : null);
}

const statusWord = (s) => (typeof s === "string" ? t(`prog.statuses.${s}`) : "");
const fieldWord = (f) => t(`prog.fields.${f}`);
const shortValue = (v) => (v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** What an event changed, in words. */
function eventWhat(e) {
  if (e.kind === "transition") return `${statusWord(e.before?.status ?? e.before)} → ${statusWord(e.after?.status ?? e.after)}`;
  if (e.kind === "action_changed") return e.changed.map((f) => `${fieldWord(f)}: ${shortValue(e.before?.fields?.[f])} → ${shortValue(e.after?.fields?.[f])}`).join("; ");
  if (e.kind === "progress" && e.after) return `${quarter(e.after.quarter)}: ${t(`prog.standings.${e.after.status}`)}, ${e.after.percent}%`;
  if (e.kind === "created" && e.after?.status) return statusWord(e.after.status);
  return "";
}

export function historySection(ctx) {
  const holder = h("div", { id: "prog-history" }, h("p", { class: "hint", text: t("loading") }));
  request(`/api/v1/programmes/${ctx.id}/history`).then((answer) => {
    if (!answer.ok) { holder.replaceChildren(h("p", { role: "alert", text: `${t("error")}: ${answer.status}` })); return; }
    const { events, diff } = answer.body;
    const rows = events.slice().reverse().map((e) => h("tr", {},
      h("th", { scope: "row", class: "num" }, String(e.version)),
      h("td", { text: date(e.at) }),
      h("td", { text: t(`roles.${e.role}`) }),
      h("td", { text: t(`prog.events.${e.kind}`) }),
      h("td", { text: [eventWhat(e), e.comment].filter(Boolean).join(" · ") || "—" })));
    const table = h("table", { class: "data prog-history" },
      h("caption", { text: `${t("prog.history")}: ${events.length}` }),
      h("thead", {}, h("tr", {}, [t("prog.version"), t("date"), t("role"), t("prog.event"), t("prog.what")].map((l) => h("th", { scope: "col", text: l })))),
      h("tbody", {}, rows));
    holder.replaceChildren(diff ? diffList(diff) : "", h("div", { class: "table-scroll", tabindex: 0, role: "region", "aria-label": t("prog.history") }, table));
  }).catch((error) => holder.replaceChildren(h("p", { role: "alert", text: `${t("error")}: ${error.message}` })));
  return h("section", { class: "prog-section", "aria-labelledby": "prog-history-title" }, h("h3", { id: "prog-history-title", text: t("prog.history") }), holder);
}

function diffList(diff) {
  const ids = (list) => (list.length ? list.map((id) => `№ ${id}`).join(", ") : "—");
  const changed = diff.actions_changed.map(([id, fields]) => `№ ${id}: ${fields.map(fieldWord).join(", ")}`).join("; ") || "—";
  return h("div", { class: "prog-diff" },
    h("h4", { text: `${t("prog.diffTitle")} № ${diff.amends}` }),
    h("dl", { class: "facts" },
      h("dt", { text: t("prog.problemsAdded") }), h("dd", { text: ids(diff.problems_added) }),
      h("dt", { text: t("prog.problemsRemoved") }), h("dd", { text: ids(diff.problems_removed) }),
      h("dt", { text: t("prog.actionsAdded") }), h("dd", { text: ids(diff.actions_added) }),
      h("dt", { text: t("prog.actionsRemoved") }), h("dd", { text: ids(diff.actions_removed) }),
      h("dt", { text: t("prog.actionsChanged") }), h("dd", { text: changed })));
}
