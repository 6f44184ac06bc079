// Entity explorer: entities with counts, filters, merge / rename / relabel, and keyword-in-context.
import { h, safeClass, sortableTable, compare } from "./table.js";

function render({ model, el }) {
  el.classList.add("wb-widget", "wb-entities");
  const root = h("div", { class: "wb-entities-root", "data-lm-suppress-shortcuts": "true" });
  const filter = h("input", { type: "search", class: "wb-entity-filter", placeholder: "filter entities…", "aria-label": "filter entities" });
  const labelFilter = h("select", { class: "wb-entity-label-filter", "aria-label": "label" });
  const count = h("span", { class: "wb-count" });
  const newName = h("input", { type: "text", class: "wb-new-name", placeholder: "new name / merge target", "aria-label": "new name" });
  const newLabel = h("select", { class: "wb-new-label", "aria-label": "new label" });
  const mergeButton = h("button", { type: "button", class: "wb-merge" }, "Merge selected");
  const renameButton = h("button", { type: "button", class: "wb-rename" }, "Rename");
  const relabelButton = h("button", { type: "button", class: "wb-relabel" }, "Relabel");
  const tableBox = h("div", { class: "wb-table-box" });
  const kwicBox = h("div", { class: "wb-kwic-box" });
  const status = h("div", { class: "wb-status", role: "status" });
  root.append(h("div", { class: "wb-filters" }, filter, labelFilter, count),
    h("div", { class: "wb-actions-bar" }, newName, mergeButton, renameButton, newLabel, relabelButton),
    tableBox, kwicBox, status);
  el.append(root);
  const selected = new Set();
  let sortKey = "mentions", descending = true;
  const key = (row) => `${row.entity}\u0000${row.label}`;

  function draw() {
    const rows = model.get("rows") || [];
    const labels = [...new Set(rows.map((r) => r.label))].sort();
    const current = labelFilter.value;
    labelFilter.replaceChildren(h("option", { value: "" }, "all labels"), ...labels.map((l) => h("option", { value: l }, l)));
    labelFilter.value = labels.includes(current) ? current : "";
    const known = model.get("labels") || [];
    const chosen = newLabel.value;
    newLabel.replaceChildren(...known.map((l) => h("option", { value: l }, l)));
    if (known.includes(chosen)) newLabel.value = chosen;
    show();
  }

  function show() {
    const rows = model.get("rows") || [];
    const q = filter.value.trim().toLowerCase();
    const shown = rows.filter((r) => (!labelFilter.value || r.label === labelFilter.value)
      && (!q || r.entity.toLowerCase().includes(q) || (r.aliases || []).some((a) => a.toLowerCase().includes(q))));
    shown.sort(compare(sortKey, descending));
    count.textContent = `${shown.length} of ${rows.length} entities · ${selected.size} selected`;
    tableBox.replaceChildren(sortableTable({
      columns: [
        { key: "entity", title: "Entity" },
        { key: "label", title: "Label", format: (v) => h("span", { class: `wb-chip ${safeClass(v)}` }, h("span", { class: "wb-swatch" }), v) },
        { key: "aliases", title: "Also written as", format: (v, row) => (v || []).filter((a) => a !== row.entity).join(", ") },
        { key: "mentions", title: "Mentions", numeric: true },
        { key: "articles", title: "Articles", numeric: true },
        { key: "first_seen", title: "First seen" },
        { key: "last_seen", title: "Last seen" },
      ],
      rows: shown.slice(0, 3000), sortKey, descending,
      onSort: (k) => { descending = k === sortKey ? !descending : k !== "entity"; sortKey = k; show(); },
      onRow: (row, event) => {
        const k = key(row);
        if (event.shiftKey || event.ctrlKey || event.metaKey) { selected.has(k) ? selected.delete(k) : selected.add(k); }
        else { selected.clear(); selected.add(k); model.send({ kind: "select", entity: row.entity, label: row.label }); }
        if (!newName.value) newName.value = row.entity;
        show();
      },
      rowAttrs: (row) => ({ "data-entity": row.entity, class: selected.has(key(row)) ? "wb-selected" : "" }),
    }));
  }

  function chosen() {
    return [...selected].map((k) => { const [entity, label] = k.split("\u0000"); return { entity, label }; });
  }
  mergeButton.addEventListener("click", () => {
    const items = chosen();
    if (items.length < 2 && !newName.value.trim()) return;
    model.send({ kind: "merge", entities: items.map((x) => x.entity), target: newName.value.trim() || items[0].entity });
    selected.clear();
  });
  renameButton.addEventListener("click", () => {
    const items = chosen();
    if (items.length !== 1 || !newName.value.trim()) return;
    model.send({ kind: "rename", entity: items[0].entity, target: newName.value.trim() });
    selected.clear();
  });
  relabelButton.addEventListener("click", () => {
    for (const item of chosen()) model.send({ kind: "relabel", entity: item.entity, label: newLabel.value });
    selected.clear();
  });

  function showKwic() {
    const rows = model.get("kwic") || [];
    kwicBox.replaceChildren(h("h4", { text: model.get("kwic_title") || "" }), h("ol", { class: "wb-kwic" }, ...rows.map((row) =>
      h("li", { "data-article": row.article_id, class: "wb-link", onclick: () => model.send({ kind: "open", article_id: row.article_id }) },
        h("span", { class: "wb-kwic-left", text: row.left }),
        h("mark", { class: `wb-ent ${safeClass(row.label)}`, text: row.match }),
        h("span", { class: "wb-kwic-right", text: row.right }),
        h("span", { class: "wb-kwic-src", text: " — " + (row.title || row.article_id) })))));
  }

  filter.addEventListener("input", show);
  labelFilter.addEventListener("change", show);
  model.on("change:rows", draw);
  model.on("change:kwic", showKwic);
  model.on("change:status", () => { status.textContent = model.get("status") || ""; });
  draw();
  return () => root.remove();
}

export default { render };
