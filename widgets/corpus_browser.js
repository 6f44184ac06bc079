// Corpus browser: the articles as a table with search, filters and sorting; a click opens the reader.
// While shown, it asks the kernel for other notebooks' changes (follow.js): new articles and
// evidence counts redraw the table under the same query, filters, sort and scroll.
// A search also lists its best passages (sentences); one click tags one as evidence for the
// chosen analysis, rated against the hypotheses picked in its row (none picked: rate later).
import { h, sortableTable, compare } from "./table.js";
import { follow } from "./follow.js";

const COLUMNS = [
  { key: "title", title: "Title" },
  { key: "source", title: "Source" },
  { key: "author", title: "Author" },
  { key: "reliability", title: "Grade" },
  { key: "published", title: "Published" },
  { key: "language", title: "Lang" },
  { key: "words", title: "Words", numeric: true },
  { key: "evidence", title: "Evidence", numeric: true },
  { key: "copy_of", title: "Copy of", format: (v) => (v ? v.slice(0, 8) : "") },
];

// A snippet as text nodes with <mark> around its highlights: the text is never parsed as HTML.
function snippetNode(snippet) {
  const span = h("span", { class: "wb-snippet" });
  if (!snippet) return span;
  let at = 0;
  for (const [start, end] of snippet.marks || []) {
    span.append(document.createTextNode(snippet.text.slice(at, start)), h("mark", {}, snippet.text.slice(start, end)));
    at = end;
  }
  span.append(document.createTextNode(snippet.text.slice(at)));
  return span;
}

function render({ model, el }) {
  el.classList.add("wb-widget", "wb-corpus");
  const root = h("div", { class: "wb-corpus-root", "data-lm-suppress-shortcuts": "true" });
  const search = h("input", { type: "search", class: "wb-search", placeholder: "search titles, sources, text…", "aria-label": "search" });
  const source = h("select", { class: "wb-filter-source", "aria-label": "source" });
  const language = h("select", { class: "wb-filter-language", "aria-label": "language" });
  const from = h("input", { type: "date", class: "wb-filter-from", "aria-label": "published from" });
  const to = h("input", { type: "date", class: "wb-filter-to", "aria-label": "published to" });
  const entity = h("input", { type: "search", class: "wb-filter-entity", placeholder: "entity…", "aria-label": "entity", list: "" });
  const hasEvidence = h("input", { type: "checkbox", class: "wb-filter-evidence" });
  const copies = h("select", { class: "wb-filter-copies", "aria-label": "copies" },
    h("option", { value: "all" }, "originals and copies"), h("option", { value: "originals" }, "originals only"),
    h("option", { value: "copies" }, "copies only"));
  const count = h("span", { class: "wb-count" });
  // new alerts raised by indicators: a count, and the titles of their articles as a tooltip (set as text)
  const alertBadge = h("span", { class: "wb-alert-badge", role: "status", hidden: true });
  function drawAlerts() {
    const n = model.get("new_alerts") || 0;
    alertBadge.hidden = n === 0;
    alertBadge.textContent = `${n} new alert${n === 1 ? "" : "s"}`;
    alertBadge.title = (model.get("alert_titles") || []).join("\n");
  }
  const tableBox = h("div", { class: "wb-table-box" });
  const status = h("div", { class: "wb-status", role: "status" });
  const passageBox = h("section", { class: "wb-passages", "aria-label": "matching passages", hidden: true });
  root.append(h("div", { class: "wb-filters" }, search, source, language, from, to, entity,
    h("label", {}, hasEvidence, " has evidence"), copies, count, alertBadge), tableBox, passageBox, status);
  model.on("change:status", () => { status.textContent = model.get("status") || ""; });
  el.append(root);
  let sortKey = "published", descending = true;

  function options(select, values, all) {
    const current = select.value;
    select.replaceChildren(h("option", { value: "" }, all), ...values.map((v) => h("option", { value: v }, v)));
    select.value = values.includes(current) ? current : "";
  }

  function draw() {
    const rows = model.get("rows") || [];
    options(source, [...new Set(rows.map((r) => r.source).filter(Boolean))].sort(), "all sources");
    options(language, [...new Set(rows.map((r) => r.language).filter(Boolean))].sort(), "all languages");
    filterAndShow();
  }

  function filterAndShow() {
    const rows = model.get("rows") || [];
    const q = search.value.trim().toLowerCase();
    const textHits = model.get("text_hits");
    const entityHits = model.get("entity_hits");
    const textSet = textHits ? new Set(textHits) : null;
    const entitySet = entity.value.trim() && entityHits ? new Set(entityHits) : null;
    const shown = rows.filter((r) =>
      (!q || (r.title || "").toLowerCase().includes(q) || (r.source || "").toLowerCase().includes(q)
        || r.id.startsWith(q) || (textSet && textSet.has(r.id)))
      && (!source.value || r.source === source.value)
      && (!language.value || r.language === language.value)
      && (!from.value || (r.published || "") >= from.value)
      && (!to.value || (r.published || "").slice(0, 10) <= to.value)
      && (!entitySet || entitySet.has(r.id))
      && (!hasEvidence.checked || r.evidence > 0)
      && (copies.value === "all" || (copies.value === "copies") === Boolean(r.copy_of)));
    const rank = textHits && q ? new Map(textHits.map((id, i) => [id, i])) : null;
    if (rank && sortKey === "rank") {  // a search shows its best matches first, until a column is chosen
      shown.sort((a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity));
    } else shown.sort(compare(sortKey === "rank" ? "published" : sortKey, descending));
    count.textContent = `${shown.length} of ${rows.length} articles`;
    const top = tableBox.scrollTop, left = tableBox.scrollLeft;
    const snippets = model.get("snippets") || {};
    const shownColumns = rows.some((r) => r.author) ? COLUMNS : COLUMNS.filter((c) => c.key !== "author");
    const columns = rank ? [...shownColumns, { key: "id", title: "Match", format: (id) => snippetNode(snippets[id]) }] : shownColumns;
    tableBox.replaceChildren(sortableTable({
      columns, rows: shown.slice(0, 2000), sortKey, descending,
      onSort: (key) => { descending = key === sortKey ? !descending : false; sortKey = key; filterAndShow(); },
      onRow: (row) => model.send({ kind: "open", id: row.id }),
      rowAttrs: (row) => ({ "data-id": row.id, class: row.copy_of ? "wb-copy-row" : "" }),
    }));
    tableBox.scrollTop = top;   // a redraw keeps the analyst's place
    tableBox.scrollLeft = left;
  }

  // -- the passages a search found, each tagged as evidence in one click -----------------------
  const scale = model.get("scale") || {};
  const RATINGS = (scale.ratings || []).filter((r) => r.code !== scale.none);
  const picked = new Map();   // passage key -> {hypothesis id: rating}: kept across redraws
  const keyOf = (p) => `${p.article_id}:${p.start}:${p.end}`;

  function ratingPicker(p, hypothesis) {
    const choice = picked.get(keyOf(p)) || {};
    const select = h("select", { class: "wb-passage-rating", "data-hypothesis": hypothesis.id,
      "aria-label": `rating against ${hypothesis.label}`, title: hypothesis.name },
      h("option", { value: "" }, `${hypothesis.label}: rate later`),
      ...RATINGS.map((r) => h("option", { value: r.code, title: r.name }, `${hypothesis.label}: ${r.code}`)));
    select.value = choice[hypothesis.id] || "";
    select.addEventListener("change", () => {
      picked.set(keyOf(p), { ...(picked.get(keyOf(p)) || {}), [hypothesis.id]: select.value });
    });
    return select;
  }

  function drawPassages() {
    const passages = model.get("passages") || [];
    const analysis = model.get("analysis") || {};
    const analyses = model.get("analyses") || [];
    const note = model.get("tag_note") || "";
    passageBox.hidden = !search.value.trim() || (passages.length === 0 && !note);
    const head = h("div", { class: "wb-passages-head" }, h("strong", {}, `${passages.length} passage${passages.length === 1 ? "" : "s"}`));
    if (analyses.length && !model.get("analysis_fixed")) {
      const chooser = h("select", { class: "wb-passage-analysis", "aria-label": "tag into analysis" },
        ...analyses.map((a) => h("option", { value: a.id }, a.question)));
      chooser.value = analysis.id || "";
      chooser.addEventListener("change", () => model.send({ kind: "choose", analysis_id: chooser.value }));
      head.append(" · tag as evidence for ", chooser);
    } else if (analysis.id) head.append(" · tag as evidence for ", h("em", {}, analysis.question));
    const list = h("ol", { class: "wb-passage-list" });
    for (const p of passages) {
      const item = h("li", { class: "wb-passage", "data-article": p.article_id, "data-start": p.start, "data-end": p.end });
      const title = h("a", { href: "#", class: "wb-passage-title" }, p.title);
      title.addEventListener("click", (event) => { event.preventDefault(); model.send({ kind: "open", id: p.article_id }); });
      const controls = h("span", { class: "wb-passage-controls" });
      if (p.evidence) {
        controls.append(h("span", { class: "wb-passage-tagged" }, `✓ evidence ${p.evidence}`));
      } else if (analysis.id) {
        for (const hypothesis of analysis.hypotheses || []) controls.append(ratingPicker(p, hypothesis));
        const tag = h("button", { type: "button", class: "wb-passage-tag" }, "Tag as evidence");
        tag.addEventListener("click", () => {
          tag.disabled = true;   // one tag per click; the kernel's answer redraws the row
          model.send({ kind: "tag", article_id: p.article_id, start: p.start, end: p.end, ratings: picked.get(keyOf(p)) || {} });
        });
        controls.append(tag);
      }
      if (p.overlaps && p.overlaps.length) controls.append(h("span", { class: "wb-passage-overlaps" }, ` holds part of ${p.overlaps.join(", ")}`));
      item.append(h("div", {}, title, controls), snippetNode(p));
      list.append(item);
    }
    passageBox.replaceChildren(head, h("div", { class: "wb-passage-note", role: "status" }, note), list);
  }

  let timer = null;
  search.addEventListener("input", () => {
    if (search.value.trim()) sortKey = "rank";
    filterAndShow();
    if (!search.value.trim()) drawPassages();
    clearTimeout(timer);
    timer = setTimeout(() => model.send({ kind: "search", query: search.value }), 250);
  });
  entity.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => model.send({ kind: "entity", query: entity.value }), 250);
  });
  for (const control of [source, language, from, to, hasEvidence, copies]) control.addEventListener("change", filterAndShow);
  model.on("change:rows", draw);
  model.on("change:text_hits", filterAndShow);
  // the status changes on an error too: the redraw gives a failed tag its button back
  for (const name of ["passages", "analysis", "analyses", "tag_note", "status"]) model.on(`change:${name}`, drawPassages);
  model.on("change:entity_hits", filterAndShow);
  model.on("change:new_alerts", drawAlerts);
  model.on("change:alert_titles", drawAlerts);
  drawAlerts();
  drawPassages();
  const unfollow = follow(model, el);
  draw();
  return () => { unfollow(); root.remove(); };
}

export default { render };
