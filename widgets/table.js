// Small shared helpers for the table-like widgets (corpus browser, entity explorer, matrix).
// Text always enters the DOM through textContent.

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

export function safeClass(label) {
  return "wb-l-" + String(label).replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40);
}

// A sortable table over plain row objects. columns: [{key, title, format?, numeric?}]
export function sortableTable({ columns, rows, sortKey, descending, onSort, onRow, rowAttrs }) {
  const head = h("tr", {}, ...columns.map((c) => h("th", {
    scope: "col", "data-key": c.key, class: c.key === sortKey ? (descending ? "wb-sorted-desc" : "wb-sorted-asc") : "",
    onclick: () => onSort && onSort(c.key),
  }, c.title)));
  const body = h("tbody");
  for (const row of rows) {
    const tr = h("tr", rowAttrs ? rowAttrs(row) : {}, ...columns.map((c) => {
      const value = c.format ? c.format(row[c.key], row) : row[c.key];
      return h("td", { class: c.numeric ? "wb-num" : "" }, value instanceof Node ? value : String(value ?? ""));
    }));
    if (onRow) tr.addEventListener("click", (event) => onRow(row, event));
    body.append(tr);
  }
  return h("table", { class: "wb-table" }, h("thead", {}, head), body);
}

export function compare(key, descending) {
  return (a, b) => {
    const x = a[key], y = b[key];
    let r;
    if (x === y) r = 0;
    else if (x === null || x === undefined || x === "") r = 1;
    else if (y === null || y === undefined || y === "") r = -1;
    else if (typeof x === "number" && typeof y === "number") r = x - y;
    else r = String(x).localeCompare(String(y));
    return descending ? -r : r;
  };
}
