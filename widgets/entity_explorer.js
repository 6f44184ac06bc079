// Entity explorer: entities with counts, filters, every correction (merge, rename, relabel, split a
// spelling off, delete, add a missed mention, undo), and keyword-in-context. All text goes in as text.
// While shown, it asks the kernel for other notebooks' changes (follow.js): their corrections
// redraw the table under the same filter, selection (less what they merged away), typed name
// and scroll.
import { h, safeClass, sortableTable, compare } from "./table.js";
import { follow } from "./follow.js";

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
  const aliasSelect = h("select", { class: "wb-alias", "aria-label": "spelling" });
  const splitButton = h("button", { type: "button", class: "wb-split", title: "the chosen spelling becomes the entity named in “new name”" }, "Split spelling off");
  const deleteButton = h("button", { type: "button", class: "wb-delete", title: "delete the chosen spelling's mentions, or the selected entities" }, "Delete");
  const addText = h("input", { type: "text", class: "wb-add-text", placeholder: "missed mention text", "aria-label": "missed mention text" });
  const addArticle = h("input", { type: "text", class: "wb-add-article", placeholder: "article id (empty: every article)", "aria-label": "article id" });
  const addButton = h("button", { type: "button", class: "wb-add", title: "add it with the new label; named as “new name” if given" }, "Add mention");
  const undoButton = h("button", { type: "button", class: "wb-undo" }, "Undo");
  const tableBox = h("div", { class: "wb-table-box" });
  const kwicBox = h("div", { class: "wb-kwic-box" });
  const status = h("div", { class: "wb-status", role: "status" });
  root.append(h("div", { class: "wb-filters" }, filter, labelFilter, count),
    h("div", { class: "wb-actions-bar" }, newName, mergeButton, renameButton, newLabel, relabelButton),
    h("div", { class: "wb-actions-bar" }, aliasSelect, splitButton, deleteButton, addText, addArticle, addButton, undoButton),
    tableBox, kwicBox, status);
  el.append(root);
  const selected = new Set();
  let sortKey = "mentions", descending = true;
  const key = (row) => `${row.entity}\u0000${row.label}`;

  function draw() {
    const rows = model.get("rows") || [];
    const present = new Set(rows.map(key));
    for (const k of [...selected]) if (!present.has(k)) selected.delete(k);   // merged away elsewhere
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
    const top = tableBox.scrollTop;
    tableBox.replaceChildren(sortableTable({
      columns: [
        { key: "entity", title: "Entity" },
        { key: "label", title: "Label", format: (v) => h("span", { class: `wb-chip ${safeClass(v)}` }, h("span", { class: "wb-swatch" }), v) },
        { key: "aliases", title: "Also written as", format: (v, row) => byLanguage(row) },
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
        drawAliases();
      },
      rowAttrs: (row) => ({ "data-entity": row.entity, class: selected.has(key(row)) ? "wb-selected" : "" }),
    }));
    tableBox.scrollTop = top;   // a redraw keeps the analyst's place
  }

  // "en: Kiev, Kyiv · ru: Киев · uk: Київ" (one language: just the spellings)
  function byLanguage(row) {
    const groups = Object.entries(row.aliases_by_language || {}).map(([lang, names]) => [lang, names.filter((a) => a !== row.entity)]).filter(([, names]) => names.length);
    if (groups.length <= 1 && Object.keys(row.aliases_by_language || {}).length <= 1) return (row.aliases || []).filter((a) => a !== row.entity).join(", ");
    return groups.map(([lang, names]) => `${lang}: ${names.join(", ")}`).join(" · ");
  }

  function drawAliases() {
    const items = chosen();
    const row = items.length === 1 ? (model.get("rows") || []).find((r) => r.entity === items[0].entity && r.label === items[0].label) : null;
    const current = aliasSelect.value;
    const options = [h("option", { value: "" }, items.length ? "(whole entity)" : "(select an entity)")];
    if (row) for (const [lang, names] of Object.entries(row.aliases_by_language || { "": row.aliases || [] }))
      for (const name of names) options.push(h("option", { value: name }, lang ? `${name} (${lang})` : name));
    aliasSelect.replaceChildren(...options);
    if ([...aliasSelect.options].some((o) => o.value === current)) aliasSelect.value = current;
  }

  function drawUndo() {
    const stack = model.get("undo_stack") || [];
    undoButton.disabled = !stack.length;
    undoButton.title = stack.length ? `undo: ${stack[stack.length - 1]}` : "nothing to undo";
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

  splitButton.addEventListener("click", () => {
    const items = chosen();
    if (items.length !== 1 || !aliasSelect.value || !newName.value.trim()) return;
    const label = newLabel.value && newLabel.value !== items[0].label ? newLabel.value : null;
    model.send({ kind: "split", entity: items[0].entity, text: aliasSelect.value, target: newName.value.trim(), label });
  });
  deleteButton.addEventListener("click", () => {
    const items = chosen();
    if (!items.length) return;
    if (aliasSelect.value && items.length === 1) model.send({ kind: "delete", text: aliasSelect.value, label: items[0].label });
    else model.send({ kind: "delete", entities: items });
    selected.clear();
  });
  addButton.addEventListener("click", () => {
    if (!addText.value.trim()) return;
    model.send({ kind: "add", text: addText.value.trim(), label: newLabel.value, article_id: addArticle.value.trim(),
      target: newName.value.trim() });
  });
  undoButton.addEventListener("click", () => model.send({ kind: "undo" }));

  let kwicEntity = null;
  function showKwic() {
    const rows = model.get("kwic") || [];
    const entity = (model.get("kwic_title") || "").split(":")[0];
    const top = entity === kwicEntity ? kwicBox.scrollTop : 0;   // the same entity, redrawn: keep the place
    kwicEntity = entity;
    kwicBox.replaceChildren(h("h4", { text: model.get("kwic_title") || "" }), h("ol", { class: "wb-kwic" }, ...rows.map((row) =>
      h("li", { "data-article": row.article_id, class: "wb-link", onclick: () => { addArticle.value = row.article_id; model.send({ kind: "open", article_id: row.article_id }); } },
        h("span", { class: "wb-kwic-left", text: row.left }),
        h("mark", { class: `wb-ent ${safeClass(row.label)}`, text: row.match }),
        h("span", { class: "wb-kwic-right", text: row.right }),
        h("span", { class: "wb-kwic-src", text: " — " + (row.title || row.article_id) })))));
    kwicBox.scrollTop = top;
  }

  filter.addEventListener("input", show);
  labelFilter.addEventListener("change", show);
  model.on("change:rows", draw);
  model.on("change:kwic", showKwic);
  model.on("change:kwic_title", showKwic);
  model.on("change:status", () => { status.textContent = model.get("status") || ""; });
  model.on("change:rows", drawAliases);
  model.on("change:undo_stack", drawUndo);
  const unfollow = follow(model, el);
  draw();
  drawAliases();
  drawUndo();
  return () => { unfollow(); root.remove(); };
}

export default { render };
