// riskmap web: the compare view. 2–6 regions or districts side by side from /api/v1/compare:
// a picker, the composite index (0–10) and small multiples (one bar chart per indicator,
// national value as a dashed line), and the same numbers as a table (composite rows first).
import { getJson } from "./api.js";
import { t, nameOf, num, quarter, language } from "./i18n.js";
import { state, saveView } from "./state.js";
import { h, scroller } from "./dom.js";
import { barChart } from "./charts.js";
import { wire, valueWords } from "./units.js";
import { COMPOSITE, COMPOSITE_META, DIMENSIONS } from "./composite.js";

const MAX = 6;

const valueText = (v) => valueWords(wire(v));

function picker(title, features, onChange) {
  const full = state.compare.length >= MAX;
  return h("fieldset", { class: "picker" }, h("legend", { text: title }),
    features.map((f) => {
      const kato = f.properties.kato;
      const checked = state.compare.includes(kato);
      return h("label", {}, h("input", { type: "checkbox", value: kato, checked, disabled: !checked && full, onchange: (e) => onChange(kato, e.target.checked) }), nameOf(f.properties));
    }));
}

export async function renderCompare(root, { regions, districts }) {
  const rerender = () => renderCompare(root, { regions, districts });
  const toggle = (kato, on) => {
    state.compare = on ? [...new Set([...state.compare, kato])].slice(0, MAX) : state.compare.filter((k) => k !== kato);
    saveView();
    rerender().then(() => root.querySelector(`input[value="${kato}"]`)?.focus());
  };
  const parts = [h("h2", { text: t("compareTitle") }), h("p", { class: "hint", text: `${t("compareHint")} (${state.compare.length}/${MAX})` })];
  parts.push(picker(t("compareRegions"), regions?.features ?? [], toggle));
  if (districts?.features.length) parts.push(picker(t("compareDistricts"), districts.features, toggle));
  parts.push(h("button", { type: "button", onclick: () => { state.compare = []; saveView(); rerender(); } }, t("clearSelection")));
  const results = h("div", { id: "compare-results", "aria-live": "polite" });
  parts.push(results);
  root.replaceChildren(...parts);
  if (state.compare.length < 2) { results.append(h("p", { text: t("compareNeedTwo") })); return; }
  results.append(h("p", { text: t("loading") }));
  const period = state.period ? `&period=${state.period}` : "";
  const answer = await getJson(`/api/v1/compare?units=${state.compare.join(",")}${period}`);
  const lang = language();
  const indicators = state.meta.indicators;
  const multiples = h("div", { class: "multiples" }, indicators.map((meta) => {
    const bars = answer.units.map((u) => ({ label: nameOf(u), value: wire(u.indicators[meta.code]?.value).value, missing: valueText(u.indicators[meta.code]?.value), emphasis: meta.code === state.indicator }));
    const national = wire(answer.national[meta.code]).value;
    const label = `${meta.label[lang]}: ${bars.map((b) => `${b.label} ${b.value === null ? b.missing : num(b.value)}`).join("; ")}; ${t("national")} ${num(national)}`;
    return h("figure", {}, h("figcaption", { text: `${meta.label[lang]} (${meta.unit[lang]})` }), barChart({ bars, label, reference: national }),
      h("p", { class: "hint", text: `- - ${t("national")}: ${valueText(answer.national[meta.code])}` }));
  }));
  // The composite first: a bar chart of the index on 0–10 and its rows (index, dimensions, band).
  const compositeBars = answer.units.map((u) => ({ label: nameOf(u), value: wire(u.composite).value, missing: valueText(u.composite), emphasis: state.indicator === COMPOSITE }));
  const compositeFigure = h("figure", { class: "composite-multiple" }, h("figcaption", { text: `${COMPOSITE_META.label[lang]} (${COMPOSITE_META.unit[lang]})` }),
    barChart({ bars: compositeBars, max: 10, label: `${COMPOSITE_META.label[lang]}: ${compositeBars.map((b) => `${b.label} ${b.value === null ? b.missing : num(b.value)}`).join("; ")}` }));
  const compositeRows = [
    h("tr", { class: "composite-row" }, h("th", { scope: "row", text: COMPOSITE_META.label[lang] }), answer.units.map((u) => h("td", { class: "num", text: valueText(u.composite) })), h("td", { class: "num", text: "—" })),
    ...DIMENSIONS.map((d) => h("tr", {}, h("th", { scope: "row", text: `— ${t(`dimensions.${d}`)}` }), answer.units.map((u) => h("td", { class: "num", text: valueText(u.composite?.dimensions?.[d]) })), h("td", { class: "num", text: "—" }))),
    h("tr", {}, h("th", { scope: "row", text: `— ${t("band")}` }), answer.units.map((u) => h("td", { class: "num", text: u.composite?.band ? String(u.composite.band) : "—" })), h("td", { class: "num", text: "—" })),
  ];
  // On phones each indicator's name has a line of its own, its values in the columns under it.
  const table = h("table", { class: "data name-rows", id: "compare-table", style: `--values: ${answer.units.length + 1}` },
    h("caption", { text: `${t("compareTitle")} — ${quarter(answer.period)}, ${t("rollingYear")}` }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("indicator") }), answer.units.map((u) => h("th", { scope: "col", class: "num", text: nameOf(u) })), h("th", { scope: "col", class: "num", text: t("national") }))),
    h("tbody", {}, compositeRows, indicators.map((meta) => h("tr", {}, h("th", { scope: "row", text: meta.label[lang] }),
      answer.units.map((u) => h("td", { class: "num", text: valueText(u.indicators[meta.code]?.value) })),
      h("td", { class: "num", text: valueText(answer.national[meta.code]) })))));
  results.replaceChildren(h("h3", { text: t("smallMultiples") }), compositeFigure, multiples, scroller(t("table"), table));
}
