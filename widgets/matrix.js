// ACH matrix: evidence rows × hypothesis columns, colour-coded ratings changed by click or
// key, editable weights, one score row per engine, sort by diagnosticity, linchpins marked.
// One widget model for the whole matrix; the table is rebuilt from plain data. The rating
// scale, its keys, the weights and the grades come from Python (the model's "scale"): this
// module spells none of them. Hypotheses are keyed by id throughout; scores and who-said-what
// arrive formatted (engine.shown / spread / titles, row.disputes). The view menu switches
// between the analyst's own ratings, the team's consensus and each other analyst's (the synced
// "view"); while shown, the module asks the kernel every poll_ms for other notebooks' changes.
import { h } from "./table.js";
import { follow } from "./follow.js";

const ROW_HEIGHT = 40; // px, fixed by matrix.css so rows can be windowed
const MARGIN = 10;

function render({ model, el }) {
  el.classList.add("wb-widget", "wb-matrix");
  const scale = model.get("scale") || {};
  const CYCLE = scale.cycle || [];
  const KEYS = scale.keys || {};
  const WEIGHTS = scale.weights || [];
  const NONE = scale.none;
  const ratingNames = Object.fromEntries((scale.ratings || []).map((r) => [r.code, r.name]));
  const gradeNames = Object.fromEntries((scale.reliability || []).map((g) => [g.grade, g.name]));
  const infoNames = Object.fromEntries((scale.info_credibility || []).map((g) => [g.grade, g.name]));
  const root = h("div", { class: "wb-matrix-root", tabindex: "0", "data-lm-suppress-shortcuts": "true" });
  const sortSelect = h("select", { class: "wb-sort", "aria-label": "sort evidence" });
  const viewSelect = h("select", { class: "wb-view", "aria-label": "whose ratings" });
  const viewLabel = h("label", { class: "wb-view-label" }, "ratings: ", viewSelect);
  const caption = h("div", { class: "wb-view-caption" });
  const summary = h("div", { class: "wb-matrix-summary", role: "status" });
  const tableBox = h("div", { class: "wb-table-box wb-matrix-box" });
  const status = h("div", { class: "wb-status", role: "status" });
  const hint = h("div", { class: "wb-hint", text: `Click a cell to cycle its rating, or move with the arrow keys and press ${scale.key_help || ""} · w credibility · e relevance` });
  const undoButton = h("button", { type: "button", class: "wb-undo", title: "undo the last change (Ctrl+Z)",
    onclick: () => model.send({ kind: "undo" }) }, "Undo");
  const redoButton = h("button", { type: "button", class: "wb-redo", title: "redo (Ctrl+Shift+Z)",
    onclick: () => model.send({ kind: "redo" }) }, "Redo");
  // new alerts raised by this analysis's indicators (a count from Python), and the form adding one
  const alertBadge = h("span", { class: "wb-alert-badge", role: "status", hidden: true });
  const indHypothesis = h("select", { class: "wb-ind-hypothesis", "aria-label": "indicator hypothesis" });
  const indQuery = h("input", { type: "text", class: "wb-ind-query", placeholder: "indicator: words to watch for…", "aria-label": "indicator query" });
  const indRating = h("select", { class: "wb-ind-rating", "aria-label": "expected rating" },
    ...(scale.ratings || []).filter((r) => r.code !== NONE).map((r) => h("option", { value: r.code, title: r.name }, r.code)));
  indRating.value = model.get("indicator_rating") || indRating.value;
  const indForm = h("form", { class: "wb-indicator-form" }, indHypothesis, indQuery, indRating,
    h("button", { type: "submit", class: "wb-ind-add" }, "add indicator"));
  indForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!indQuery.value.trim() || !indHypothesis.value) return;
    model.send({ kind: "indicator", hypothesis_id: indHypothesis.value, query: indQuery.value, rating: indRating.value });
    indQuery.value = "";
  });
  function drawAlerts() {
    const n = model.get("new_alerts") || 0;
    alertBadge.hidden = n === 0;
    alertBadge.textContent = `${n} new alert${n === 1 ? "" : "s"}`;
  }
  function buildIndicatorForm() {
    const current = indHypothesis.value;
    const hyps = data().hypotheses || [];
    indHypothesis.replaceChildren(...hyps.map((hy) => h("option", { value: hy.id, title: hy.name }, `${hy.label} ${hy.name}`)));
    if (hyps.some((hy) => hy.id === current)) indHypothesis.value = current;
  }
  root.append(h("div", { class: "wb-actions-bar" }, viewLabel, h("label", {}, "sort by ", sortSelect), undoButton, redoButton, alertBadge, summary),
    caption, tableBox, hint, indForm, status);
  el.append(root);
  let cursor = { row: 0, col: 0 };
  let windowRange = [0, 0];

  function data() { return model.get("data") || {}; }

  function rows() {
    const d = data();
    const list = [...(d.rows || [])];
    const key = sortSelect.value;
    if (key && key !== "order") list.sort((a, b) => ((b.diagnosticity || {})[key] ?? 0) - ((a.diagnosticity || {})[key] ?? 0));
    return list;
  }

  function viewInfo() { return data().view || { mine: true, options: [] }; }

  function buildViews() {
    const info = viewInfo();
    const options = info.options || [];
    viewSelect.replaceChildren(...options.map((o) => h("option", { value: o.value }, o.label)));
    const asked = model.get("view") || "mine";
    viewSelect.value = options.some((o) => o.value === asked) ? asked : "mine";
    viewLabel.hidden = options.length <= 1;   // one analyst: nothing to switch
    caption.textContent = info.caption || "";
    root.dataset.view = info.shown || "";
  }

  function setView(value) {
    model.set("view", value);
    model.save_changes();
  }

  function buildSort() {
    const engines = data().engines || [];
    const current = sortSelect.value || "order";
    sortSelect.replaceChildren(h("option", { value: "order" }, "order tagged"),
      ...engines.map((e) => h("option", { value: e.name }, `diagnosticity (${e.title})`)));
    sortSelect.value = [...sortSelect.options].some((o) => o.value === current) ? current : "order";
  }

  function draw() {
    const t0 = performance.now();
    const d = data();
    const hyps = d.hypotheses || [];
    const list = rows();
    cursor.row = Math.min(cursor.row, Math.max(0, list.length - 1));
    cursor.col = Math.min(cursor.col, Math.max(0, hyps.length - 1));
    const head = h("tr", {}, h("th", { scope: "col" }, "Evidence"), h("th", { scope: "col", title: "credibility" }, "Cred."),
      h("th", { scope: "col", title: "relevance" }, "Rel."), h("th", { scope: "col", title: "source reliability / information credibility" }, "Grade"),
      ...hyps.map((hy) => h("th", { scope: "col", title: hy.name, "data-hypothesis": hy.id }, hy.label, h("div", { class: "wb-hyp-title", text: hy.name }))));
    // Only the rows in view are in the DOM (plus a margin): a 1,000-row matrix lays out as fast as a 40-row one.
    const body = h("tbody");
    const first = Math.max(0, Math.floor(tableBox.scrollTop / ROW_HEIGHT) - MARGIN);
    const last = Math.min(list.length, first + Math.ceil((tableBox.clientHeight || 600) / ROW_HEIGHT) + 2 * MARGIN);
    windowRange = [first, last];
    body.append(h("tr", { class: "wb-spacer", style: `height:${first * ROW_HEIGHT}px` }));
    list.slice(first, last).forEach((row, k) => {
      const r = first + k;
      const tr = h("tr", { "data-evidence": row.id, "data-index": r, class: (row.linchpin || []).length ? "wb-linchpin" : "" });
      const marks = [(row.linchpin || []).length ? "★ " : "", (row.flags || []).includes("deception") ? "⚠ " : ""].join("");
      tr.append(h("th", { scope: "row", class: "wb-ev-cell", title: `${row.text}${row.note ? "\n" + row.note : ""}${(row.linchpin || []).length ? "\nlinchpin under " + row.linchpin.join(", ") : ""}` },
        h("span", { class: "wb-ev-label", text: `${marks}${row.label}` }), " ",
        row.copy ? h("span", { class: "wb-badge", title: "from a syndicated copy: counted once with its original" }, "copy") : null,
        h("span", { class: "wb-ev-text", text: row.text })));
      const gradeTitle = [row.reliability ? `${row.reliability}: ${gradeNames[row.reliability]}` : "source not graded",
        row.info_credibility ? `${row.info_credibility}: ${infoNames[row.info_credibility]}` : ""].filter(Boolean).join(" · ");
      tr.append(weightCell(row, "credibility"), weightCell(row, "relevance"),
        h("td", { class: "wb-grade", title: gradeTitle, text: `${row.reliability || "–"}${row.info_credibility || ""}` }));
      hyps.forEach((hy, c) => {
        const rating = (row.ratings || [])[c] || NONE;
        const dispute = (row.disputes || {})[hy.id];
        const title = `${row.label} × ${hy.label}: ${rating} (${ratingNames[rating] || ""})` + (dispute ? `\nspread ${dispute.spread}: ${dispute.who}` : "");
        const td = h("td", { class: `wb-cell wb-r-${rating}${dispute && dispute.split ? " wb-split" : ""}${r === cursor.row && c === cursor.col ? " wb-cursor" : ""}`,
          "data-evidence": row.id, "data-hypothesis": hy.id, "data-rating": rating, title }, rating === NONE ? "" : rating);
        if (dispute && dispute.split) td.append(h("span", { class: "wb-split-mark", "aria-label": "the analysts split" }, "≠"));
        td.addEventListener("click", () => {
          cursor = { row: r, col: c };
          if (!viewInfo().mine) {
            // the consensus or a colleague's rating is not yours to cycle: show yours first
            status.textContent = "showing your ratings: click again to change yours";
            setView("mine");
            return;
          }
          const next = CYCLE[(CYCLE.indexOf(rating) + 1) % CYCLE.length];
          rate(row.id, hy.id, next);
        });
        tr.append(td);
      });
      body.append(tr);
    });
    body.append(h("tr", { class: "wb-spacer", style: `height:${(list.length - last) * ROW_HEIGHT}px` }));
    const foot = h("tfoot");
    for (const engine of d.engines || []) {
      const origins = engine.origins === undefined || engine.origins === null ? null
        : h("div", { class: `wb-origins${engine.single_origin ? " wb-warning" : ""}` },
          `${engine.origins} independent origin${engine.origins === 1 ? "" : "s"} support the leader${engine.single_origin ? " — rests on a single origin" : ""}`);
      const th = h("th", { scope: "row", colspan: "4", title: engine.explain || "" }, engine.title);
      if (origins) th.append(origins);
      const tr = h("tr", { "data-engine": engine.name }, th);
      for (const hy of hyps) {
        const leader = (engine.leaders || []).includes(hy.id);
        const spread = (engine.spread || {})[hy.id];
        const td = h("td", { class: `wb-score${leader ? " wb-leader" : ""}`, "data-hypothesis": hy.id, title: (engine.titles || {})[hy.id] || "" },
          (engine.shown || {})[hy.id] || "");
        if (spread) td.append(h("div", { class: "wb-range" }, spread));
        tr.append(td);
      }
      foot.append(tr);
    }
    const scrollTop = tableBox.scrollTop;
    tableBox.replaceChildren(h("table", { class: "wb-table wb-matrix-table" }, h("thead", {}, head), body, foot));
    tableBox.scrollTop = scrollTop;
    root.dataset.totalRows = String(list.length);
    summary.textContent = [d.confidence_text, d.assumption, d.disagreement, d.independence].filter(Boolean).join(" · ");
    summary.dataset.confidence = d.confidence ? d.confidence.level : "";
    root.dataset.renderMs = String(Math.round(performance.now() - t0));
  }

  function weightCell(row, field) {
    const value = row[field] || scale.default_weight;
    const td = h("td", { class: `wb-weight wb-w-${value}`, "data-field": field, title: `${field}: ${value} (click to change)` }, value[0]);
    td.addEventListener("click", () => model.send({ kind: "weight", evidence_id: row.id, field, value: WEIGHTS[(WEIGHTS.indexOf(value) + 1) % WEIGHTS.length] }));
    return td;
  }

  function rate(evidenceId, hypothesisId, rating) {
    root.dataset.pendingRate = "true";
    // Show the new rating at once; scores follow when the kernel has recomputed them.
    const cell = tableBox.querySelector(`td.wb-cell[data-evidence="${CSS.escape(evidenceId)}"][data-hypothesis="${CSS.escape(hypothesisId)}"]`);
    if (cell) {
      cell.className = cell.className.replace(/wb-r-\w+/, `wb-r-${rating}`);
      cell.dataset.rating = rating;
      cell.textContent = rating === NONE ? "" : rating;
    }
    model.send({ kind: "rate", evidence_id: evidenceId, hypothesis_id: hypothesisId, rating });
  }

  root.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && (event.key === "z" || event.key === "Z" || event.key === "y")) {
      model.send({ kind: event.key === "z" && !event.shiftKey ? "undo" : "redo" });
      event.preventDefault(); event.stopPropagation();
      return;
    }
    const list = rows();
    const hyps = data().hypotheses || [];
    if (!list.length || !hyps.length) return;
    const row = list[cursor.row];
    let handled = true;
    if (event.key === "ArrowDown") cursor.row = Math.min(list.length - 1, cursor.row + 1);
    else if (event.key === "ArrowUp") cursor.row = Math.max(0, cursor.row - 1);
    else if (event.key === "ArrowRight") cursor.col = Math.min(hyps.length - 1, cursor.col + 1);
    else if (event.key === "ArrowLeft") cursor.col = Math.max(0, cursor.col - 1);
    else if (KEYS[event.key]) { rate(row.id, hyps[cursor.col].id, KEYS[event.key]); }
    else if (event.key === "w" || event.key === "e") {
      const field = event.key === "w" ? "credibility" : "relevance";
      model.send({ kind: "weight", evidence_id: row.id, field, value: WEIGHTS[(WEIGHTS.indexOf(row[field] || scale.default_weight) + 1) % WEIGHTS.length] });
    } else handled = false;
    if (handled) {
      event.preventDefault(); event.stopPropagation();
      if (!KEYS[event.key]) { keepInView(); draw(); }
    }
  });

  function keepInView() {
    const top = cursor.row * ROW_HEIGHT, view = tableBox.clientHeight - 3 * ROW_HEIGHT;
    if (top < tableBox.scrollTop) tableBox.scrollTop = top;
    else if (top > tableBox.scrollTop + view) tableBox.scrollTop = top - view;
  }

  let frame = null;
  tableBox.addEventListener("scroll", () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      const first = Math.max(0, Math.floor(tableBox.scrollTop / ROW_HEIGHT) - MARGIN);
      if (Math.abs(first - windowRange[0]) >= MARGIN / 2) draw();
    });
  });

  sortSelect.addEventListener("change", draw);
  viewSelect.addEventListener("change", () => setView(viewSelect.value));
  model.on("change:data", () => { delete root.dataset.pendingRate; buildViews(); buildSort(); buildIndicatorForm(); draw(); });
  model.on("change:new_alerts", drawAlerts);
  model.on("change:status", () => { status.textContent = model.get("status") || ""; });
  model.on("change:view", buildViews);

  // Follow other notebooks: ask the kernel for new changes while this view is on screen.
  const unfollow = follow(model, el);
  buildViews();
  buildIndicatorForm();
  drawAlerts();
  buildSort();
  draw();
  return () => { unfollow(); root.remove(); };
}

export default { render };
