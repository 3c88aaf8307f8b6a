// riskmap web: small DOM helpers shared by the views (element builder, text escaping, sortable
// accessible tables, keyboard row navigation).
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key === "html") element.innerHTML = value;
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

export const esc = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** Arrow keys, Home and End move focus between the focusable rows of a table body. */
export function rowKeys(event, row) {
  const rows = [...row.parentElement.children];
  const at = rows.indexOf(row);
  const target = { ArrowDown: rows[at + 1], ArrowUp: rows[at - 1], Home: rows[0], End: rows[rows.length - 1] }[event.key];
  if (target) {
    event.preventDefault();
    for (const other of rows) other.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  }
}

/**
 * An accessible table with sortable columns (header buttons, aria-sort). `columns`:
 * [{ key, label, value(row) → sortable, render(row) → text or Node, numeric }].
 */
export function sortableTable({ caption, columns, rows, sort, onSort, rowAttrs }) {
  const sorted = [...rows];
  if (sort) {
    const column = columns.find((c) => c.key === sort.key);
    const value = column?.value ?? ((r) => r[sort.key]);
    sorted.sort((a, b) => {
      const x = value(a); const y = value(b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const order = typeof x === "string" ? x.localeCompare(y) : x - y;
      return sort.descending ? -order : order;
    });
  }
  const head = h("tr", {}, columns.map((c) => {
    const state = sort?.key === c.key ? (sort.descending ? "descending" : "ascending") : "none";
    // Risk columns sort highest first on the first click.
    const button = h("button", { type: "button", class: "sort", title: c.hint ?? null, onclick: () => onSort?.({ key: c.key, descending: sort?.key === c.key ? !sort.descending : Boolean(c.firstDescending) }) }, c.label, h("span", { class: "sort-mark", "aria-hidden": "true", text: state === "ascending" ? " ▲" : state === "descending" ? " ▼" : "" }));
    return h("th", { scope: "col", "aria-sort": state, class: cellClass(c), title: onSort ? null : c.hint ?? null }, onSort ? button : c.label);
  }));
  const body = h("tbody", {}, sorted.map((row) => h("tr", rowAttrs?.(row) ?? {}, columns.map((c, i) => {
    const content = c.render ? c.render(row) : row[c.key];
    return h(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, class: cellClass(c) }, content ?? "—");
  }))));
  return h("table", { class: "data" }, caption ? h("caption", { text: caption }) : null, h("thead", {}, head), body);
}

/** A column's cell classes: numeric alignment, and `wide-only` for columns a phone leaves out
 * (their content is elsewhere in the row or in an export), so that tables never scroll sideways. */
const cellClass = (c) => [c.numeric ? "num" : "", c.wide ? "wide-only" : "", c.className ?? ""].filter(Boolean).join(" ") || null;

/** A horizontally scrollable wrapper that keyboard users can focus and scroll (WCAG 2.1.1). */
export function scroller(label, ...children) {
  return h("div", { class: "table-scroll", tabindex: 0, role: "region", "aria-label": label }, ...children);
}
