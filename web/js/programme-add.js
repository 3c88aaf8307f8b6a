// riskmap web: "Add to programme" from the map's unit panel (a district, a hotspot) and from a
// priority-list row (a school): choose one of the region's programmes open to changes (draft
// or returned) and add the unit as a problem, with the snapshot of what the reader's map shows.
import { request } from "./api.js";
import { t, halfYear } from "./i18n.js";
import { state } from "./state.js";
import { h } from "./dom.js";
import { resetCoverage } from "./coverage.js";
import { errorWords } from "./programme-editor.js";

/** Whether the caller may add problems at all (the server checks the unit's scope). */
export const addsProblems = () => ["akimat", "crisis"].includes(state.scope?.kind);

/** Opens programme `id` in the Programmes view. */
function openProgramme(id) {
  state.programme = id;
  document.getElementById("tab-programmes")?.click();
}

/**
 * Fills `holder` with the chooser for adding `problem` (`{unit}` or `{school}`) named `label`
 * to a programme of `region`; focus goes to the chooser.
 */
export async function offerAdd(holder, { region, problem, label }) {
  holder.replaceChildren(h("p", { class: "hint", role: "status", text: t("loading") }));
  const list = await request(`/api/v1/programmes?region=${region}`);
  const open = (list.body?.programmes ?? []).filter((p) => p.status === "draft" || p.status === "returned");
  if (!open.length) { holder.replaceChildren(h("p", { class: "hint", role: "status", text: t("prog.noDraft") })); return; }
  const select = h("select", { id: "add-to-programme-choice" }, open.map((p) => h("option", { value: p.id }, `№ ${p.id} · ${halfYear(p.period)} · ${t(`prog.statuses.${p.status}`)} · ${p.title}`)));
  const status = h("p", { class: "hint", role: "status", id: "add-to-programme-status" });
  const submit = async (e) => {
    e.preventDefault();
    const id = Number(select.value);
    status.textContent = t("loading");
    const current = await request(`/api/v1/programmes/${id}`);
    const answer = current.ok ? await request(`/api/v1/programmes/${id}/problems`, { method: "POST", body: problem, etag: current.etag }) : current;
    if (!answer.ok) { status.textContent = errorWords(answer); return; }
    resetCoverage();
    status.replaceChildren(`${t("prog.added")}: № ${id}. `, h("button", { type: "button", class: "link", id: "add-to-programme-open", onclick: () => openProgramme(id) }, `${t("prog.openProgramme")} № ${id}`));
  };
  holder.replaceChildren(h("form", { class: "prog-add", onsubmit: submit },
    h("div", { class: "field" }, h("label", { for: "add-to-programme-choice", text: `${t("prog.addToProgramme")}: ${label}` }), select),
    h("div", { class: "exports" }, h("button", { type: "submit", id: "add-to-programme-confirm" }, t("prog.add")), h("button", { type: "button", onclick: () => holder.replaceChildren() }, t("prog.cancel")))), status);
  select.focus();
}
