// Reader: one article with entity highlights, evidence underlined by stance, and a
// keyboard-first tagging panel. All article text enters the DOM as text nodes
// (textContent), never as HTML, so hostile articles cannot inject markup.
// The rating scale, its keys and the grades come from Python (the model's "scale"):
// this module spells none of them. Hypotheses are keyed by id throughout.
// While shown, it asks the kernel for other notebooks' changes (follow.js); a redraw they
// cause keeps what the analyst is doing: the open tagging panel and its selection, a note
// being typed, a selection being dragged (the redraw waits for the mouse), the scroll.

import { h, safeClass } from "./table.js";
import { follow } from "./follow.js";
import { hoverFocus } from "./hover_focus.js";

// Split the text at every entity and evidence boundary; each piece knows its entity and
// the evidence items covering it.
function segments(text, spans, evidence) {
  const cuts = new Set([0, text.length]);
  for (const [s, e] of spans) { cuts.add(s); cuts.add(e); }
  for (const ev of evidence) if (ev.start != null) { cuts.add(ev.start); cuts.add(ev.end); }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  const out = [];
  let si = 0;
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i], b = points[i + 1];
    if (a === b) continue;
    while (si < spans.length && spans[si][1] <= a) si++;
    const span = si < spans.length && spans[si][0] <= a && spans[si][1] >= b ? spans[si] : null;
    const covering = evidence.filter((ev) => ev.start != null && ev.start <= a && ev.end >= b);
    out.push({ a, b, span, covering });
  }
  return out;
}

function render({ model, el }) {
  el.classList.add("wb-widget", "wb-reader");
  const root = h("div", { class: "wb-reader-root", tabindex: "0", "data-lm-suppress-shortcuts": "true" });
  const toolbar = h("div", { class: "wb-toolbar" });
  const title = h("div", { class: "wb-title" });
  const legend = h("div", { class: "wb-legend-toggles", role: "group", "aria-label": "entity labels" });
  const focusSelect = h("select", { class: "wb-focus", "aria-label": "hypothesis for underline colours" });
  const body = h("div", { class: "wb-reader-body" });
  const article = h("div", { class: "wb-article" });
  const textBox = h("div", { class: "wb-text", "data-role": "text" });
  const side = h("aside", { class: "wb-side", "aria-live": "polite" });
  const status = h("div", { class: "wb-status", role: "status" });
  const keyHint = h("p", { class: "wb-hint wb-key-hint", "data-role": "keys" });
  toolbar.append(title, legend, h("label", { class: "wb-focus-label" }, "underline for ", focusSelect));
  article.append(textBox);
  body.append(article, side);
  root.append(toolbar, body, status, keyHint);
  el.append(root);

  const hidden = new Set();
  let pending = null; // {start, end, ratings, info, credibility, note, row}
  let sentenceIndex = -1;
  let savedAt = null;

  // keys as soon as the pointer is over the reader, or after one click on the article
  const hover = hoverFocus(root, article, { keep: () => pending !== null });
  function doc() { return model.get("doc") || {}; }
  const scale = model.get("scale") || {};
  const ratings = (scale.ratings || []).map((r) => r.code);
  const stance = Object.fromEntries((scale.ratings || []).map((r) => [r.code, r.stance]));
  const ratingNames = Object.fromEntries((scale.ratings || []).map((r) => [r.code, r.name]));
  const keys = scale.keys || {};
  const none = scale.none;
  const weightKeys = scale.weight_keys || {};

  function buildLegend() {
    legend.replaceChildren();
    const labels = model.get("labels") || {};
    const counts = {};
    for (const [, , label] of doc().spans || []) counts[label] = (counts[label] || 0) + 1;
    for (const label of Object.keys(counts).sort((x, y) => counts[y] - counts[x])) {
      const info = labels[label] || {};
      const button = h("button", {
        class: `wb-toggle ${safeClass(label)}${hidden.has(label) ? " wb-off" : ""}`, type: "button",
        title: info.description || label, "aria-pressed": String(!hidden.has(label)), "data-label": label,
        onclick: () => { hidden.has(label) ? hidden.delete(label) : hidden.add(label); buildLegend(); applyHidden(); },
      }, h("span", { class: "wb-swatch" }), `${label} ${counts[label]}`);
      legend.append(button);
    }
  }

  function applyHidden() {
    for (const mark of textBox.querySelectorAll("mark.wb-ent")) {
      mark.classList.toggle("wb-hidden", hidden.has(mark.dataset.label));
    }
  }

  function buildFocus() {
    const hyps = model.get("hypotheses") || [];
    const current = model.get("focus");
    focusSelect.replaceChildren(...hyps.map((hy) => h("option", { value: hy.id, selected: hy.id === current }, `${hy.label} ${hy.name}`)));
    focusSelect.disabled = hyps.length === 0;
  }
  focusSelect.addEventListener("change", () => { model.set("focus", focusSelect.value); model.save_changes(); });

  // Redraw the text (new highlights or underlines) without losing the analyst's place: the
  // scroll stays, the selection of an open tagging panel is selected again, and a selection
  // being dragged is left alone until the mouse is released.
  let dragging = false, redrawWaiting = false;
  function redrawText() {
    if (dragging) { redrawWaiting = true; return; }
    const top = article.scrollTop;
    buildText();
    article.scrollTop = top;
    // the panel's quote shows selected again (unless the analyst is typing its note)
    const noting = document.activeElement && document.activeElement.classList.contains("wb-note");
    if (pending && !noting) selectRange(pending.start, pending.end);
  }
  textBox.addEventListener("mousedown", () => { dragging = true; });
  const released = () => {
    if (!dragging) return;
    dragging = false;
    if (redrawWaiting) { redrawWaiting = false; setTimeout(redrawText, 0); }   // after the selection is read
  };
  document.addEventListener("mouseup", released);

  function buildText() {
    const t0 = performance.now();
    const d = doc();
    title.textContent = d.title || "(untitled)";
    title.title = d.meta || "";
    const text = d.text || "";
    const spans = d.spans || [];
    const evidence = model.get("evidence") || [];
    const focus = model.get("focus");
    const frag = document.createDocumentFragment();
    for (const seg of segments(text, spans, evidence)) {
      let node = document.createTextNode(text.slice(seg.a, seg.b));
      if (seg.span) {
        const [s, e, label, canonical] = seg.span;
        const mark = h("mark", {
          class: `wb-ent ${safeClass(label)}${hidden.has(label) ? " wb-hidden" : ""}`,
          "data-start": s, "data-end": e, "data-canonical": canonical, title: `${label}: ${canonical}`,
        });
        mark.dataset.label = label;
        if (seg.b !== e) mark.classList.add("wb-cont"); // label drawn once, on the last piece
        mark.append(node);
        node = mark;
      }
      if (seg.covering.length) {
        const ev = seg.covering[seg.covering.length - 1];
        const rating = (ev.ratings || {})[focus] || none;
        const wrap = h("span", {
          class: `wb-ev wb-ev-${stance[rating]}`, "data-ev": seg.covering.map((x) => x.label).join(" "),
          title: seg.covering.map((x) => `${x.label}: ${Object.entries(x.ratings || {}).map(([k, v]) => `${labelOf(k)} ${v}`).join(", ")}${x.note ? " — " + x.note : ""}`).join("\n"),
        });
        wrap.append(node);
        node = wrap;
      }
      frag.append(node);
    }
    textBox.replaceChildren(frag);
    root.dataset.renderMs = String(Math.round(performance.now() - t0));
    buildLegend();
  }

  function labelOf(hid) {
    const hy = (model.get("hypotheses") || []).find((x) => x.id === hid);
    return hy ? hy.label : hid;
  }

  // Character offset of a DOM position inside textBox: the text of the range from the
  // start of the article to it (labels are CSS-generated, so they are not counted).
  function offsetOf(container, offset) {
    const range = document.createRange();
    range.setStart(textBox, 0);
    range.setEnd(container, offset);
    return range.toString().length;
  }

  function selectRange(start, end) {
    const walker = document.createTreeWalker(textBox, NodeFilter.SHOW_TEXT);
    let total = 0, n, range = document.createRange(), began = false;
    while ((n = walker.nextNode())) {
      const len = n.textContent.length;
      if (!began && start <= total + len) { range.setStart(n, start - total); began = true; }
      if (began && end <= total + len) { range.setEnd(n, end - total); break; }
      total += len;
    }
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function openPanel(start, end) {
    const text = doc().text || "";
    if (end <= start || !text.slice(start, end).trim()) return;
    const hyps = model.get("hypotheses") || [];
    pending = { start, end, ratings: Object.fromEntries(hyps.map((hy) => [hy.id, none])), info: null, credibility: scale.default_weight, row: 0 };
    drawPanel();
    root.focus({ preventScroll: true }); // keys go to the tagging panel, not to JupyterLab
  }

  // The panel holds something the analyst chose (a rating, a grade, a weight, a note).
  function panelTouched() {
    if (!pending) return false;
    return Object.values(pending.ratings).some((r) => r !== none) || pending.info !== null
      || pending.credibility !== scale.default_weight || Boolean(pending.note);
  }

  // j/k with the panel open: move on if the panel holds nothing yet; else say why not.
  function skipSentence(step) {
    if (panelTouched()) {
      pending.blocked = "This passage has unsaved choices: Enter saves them, Esc drops them; then j/k move on.";
      drawPanel();
      return;
    }
    moveSentence(step);
  }

  function drawPanel() {
    if (!pending) {
      // nothing to tag: leave a keyword-in-context list alone, remove a closed tagger
      if (side.querySelector("[data-role=tagger]")) side.replaceChildren();
      keyHint.textContent = hintFor("reading");
      return;
    }
    // a redraw while the note is typed in keeps its focus and caret
    const typing = document.activeElement && side.contains(document.activeElement)
      && document.activeElement.classList.contains("wb-note") ? document.activeElement : null;
    const caret = typing ? [typing.selectionStart, typing.selectionEnd] : null;
    side.replaceChildren();
    const hyps = model.get("hypotheses") || [];
    const text = doc().text || "";
    const form = h("div", { class: "wb-tagger", "data-role": "tagger" });
    form.append(h("div", { class: "wb-quote", text: "“" + text.slice(pending.start, pending.end) + "”" }));
    if (!model.get("can_tag")) {
      form.append(h("p", { class: "wb-hint", text: "No analysis is open: pass analysis= to tag evidence." }));
    }
    hyps.forEach((hy, i) => {
      const row = h("div", { class: `wb-hyp-row${i === pending.row ? " wb-active" : ""}`, "data-hypothesis": hy.id });
      row.append(h("span", { class: "wb-hyp-name", text: `${hy.label} ${hy.name}` }));
      const group = h("span", { class: "wb-rating-buttons" });
      for (const r of ratings) {
        group.append(h("button", {
          type: "button", class: `wb-rate wb-rate-${r}${pending.ratings[hy.id] === r ? " wb-on" : ""}`, "data-rating": r, title: ratingNames[r],
          onclick: () => { pending.ratings[hy.id] = r; pending.row = i; drawPanel(); },
        }, r));
      }
      row.append(group);
      form.append(row);
    });
    const info = h("div", { class: "wb-info" }, "information credibility ");
    for (const { grade, name } of scale.info_credibility || []) {
      info.append(h("button", { type: "button", class: `wb-cred${pending.info === grade ? " wb-on" : ""}`, "data-info": grade,
        title: name, onclick: () => { pending.info = grade; drawPanel(); } }, String(grade)));
    }
    form.append(info);
    const weight = h("div", { class: "wb-info wb-weights" }, "source credibility ");
    for (const [key, level] of Object.entries(weightKeys)) {
      weight.append(h("button", { type: "button", class: `wb-cred wb-weight-key${pending.credibility === level ? " wb-on" : ""}`,
        "data-weight": level, title: `${level} (${key})`, onclick: () => { pending.credibility = level; drawPanel(); } }, level));
    }
    form.append(weight);
    const note = h("textarea", { class: "wb-note", rows: "2", placeholder: "note (Ctrl+Enter saves)", "data-lm-suppress-shortcuts": "true" });
    note.value = pending.note || "";
    note.addEventListener("input", () => { pending.note = note.value; });
    form.append(note);
    form.append(h("div", { class: "wb-actions" },
      h("button", { type: "button", class: "wb-save", onclick: save, disabled: !model.get("can_tag") }, "Save (Enter)"),
      h("button", { type: "button", class: "wb-cancel", onclick: cancel }, "Cancel (Esc)")));
    if (pending.blocked) form.append(h("p", { class: "wb-hint wb-blocked", role: "alert", text: pending.blocked }));
    form.append(h("p", { class: "wb-hint wb-panel-keys", "data-role": "panel-keys", text: hintFor("panel") }));
    side.append(form);
    keyHint.textContent = "";
    if (caret) { note.focus({ preventScroll: true }); note.setSelectionRange(caret[0], caret[1]); }
  }

  function save() {
    if (!pending || !model.get("can_tag")) return;
    savedAt = performance.now();
    root.dataset.pendingSave = "true";
    model.send({ kind: "tag", start: pending.start, end: pending.end, ratings: pending.ratings,
      info_credibility: pending.info, credibility: pending.credibility, note: pending.note || "" });
    pending = null;
    drawPanel();
    window.getSelection().removeAllRanges();
    root.focus({ preventScroll: true });
  }

  function cancel() {
    pending = null;
    drawPanel();
    window.getSelection().removeAllRanges();
    root.focus({ preventScroll: true });
  }

  function moveSentence(step) {
    const sentences = doc().sentences || [];
    if (!sentences.length) return;
    sentenceIndex = Math.max(0, Math.min(sentences.length - 1, sentenceIndex + step));
    const [s, e] = sentences[sentenceIndex];
    selectRange(s, e);
    openPanel(s, e);
    const sel = window.getSelection();
    if (sel.rangeCount) sel.getRangeAt(0).startContainer.parentElement?.scrollIntoView({ block: "nearest" });
  }

  textBox.addEventListener("mouseup", () => {
    const sel = window.getSelection();
    if (!sel.rangeCount || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    if (!textBox.contains(range.startContainer) || !textBox.contains(range.endContainer)) return;
    const start = offsetOf(range.startContainer, range.startOffset);
    const end = offsetOf(range.endContainer, range.endOffset);
    const sentences = doc().sentences || [];
    sentenceIndex = sentences.findIndex(([s, e]) => s <= start && start < e);
    openPanel(Math.min(start, end), Math.max(start, end));
  });

  textBox.addEventListener("click", (event) => {
    const mark = event.target.closest && event.target.closest("mark.wb-ent");
    if (!mark || !window.getSelection().isCollapsed) return;
    const canonical = mark.dataset.canonical;
    for (const m of textBox.querySelectorAll("mark.wb-ent")) m.classList.toggle("wb-same", m.dataset.canonical === canonical);
    pending = null;
    side.replaceChildren(h("div", { class: "wb-kwic-loading", text: `Mentions of ${canonical}…` }));
    model.send({ kind: "entity", canonical });
  });

  // The reader's keys, one table for the handler and the hints alike (so the hint cannot miss
  // a key the handler takes). Each row: the keys (event.key, "Shift+Tab" for a shifted Tab),
  // how the hint shows them, what they do, when they apply ("reading": no panel open, "panel":
  // the tagging panel open, "any") and the action (given the key pressed).
  const grades = (scale.info_credibility || []).map((g) => String(g.grade));
  const ratingWords = Object.fromEntries((scale.key_help || "").split(" · ").map((part) => {
    const at = part.indexOf(" ");
    return [part.slice(0, at), part.slice(at + 1)];
  }));
  const hyps = () => model.get("hypotheses") || [];
  const KEYS = [
    { keys: ["j", "ArrowDown"], shown: "j/↓", does: "next sentence", when: "reading", run: () => moveSentence(1) },
    { keys: ["k", "ArrowUp"], shown: "k/↑", does: "previous sentence", when: "reading", run: () => moveSentence(-1) },
    { keys: ["j"], shown: "j", does: "next sentence", when: "panel", run: () => skipSentence(1) },
    { keys: ["k"], shown: "k", does: "previous sentence", when: "panel", run: () => skipSentence(-1) },
    { keys: ["ArrowDown", "Tab"], shown: "↓/Tab", does: "next hypothesis", when: "panel",
      run: () => { pending.row = (pending.row + 1) % Math.max(1, hyps().length); drawPanel(); } },
    { keys: ["ArrowUp", "Shift+Tab"], shown: "↑/Shift+Tab", does: "previous hypothesis", when: "panel",
      run: () => { pending.row = (pending.row - 1 + hyps().length) % Math.max(1, hyps().length); drawPanel(); } },
    ...Object.entries(keys).map(([key, code]) => ({
      keys: [key], shown: key, does: ratingWords[key] || ratingNames[code] || code, when: "panel",
      run: () => { const hy = hyps()[pending.row]; if (hy) { pending.ratings[hy.id] = code; drawPanel(); } },
    })),
    { keys: grades, shown: grades.length ? `${grades[0]}–${grades[grades.length - 1]}` : "", does: "information credibility",
      when: "panel", run: (key) => { pending.info = Number(key); drawPanel(); } },
    ...Object.entries(weightKeys).map(([key, level]) => ({
      keys: [key], shown: key, does: `${level.toLowerCase()} source credibility`, when: "panel",
      run: () => { pending.credibility = level; drawPanel(); },
    })),
    { keys: ["Enter"], shown: "Enter", does: "save", when: "panel", run: () => save() },
    { keys: ["Escape"], shown: "Esc", does: "cancel", when: "any", run: () => cancel() },
  ].filter((row) => row.keys.length);

  // The hint of one mode: every row that applies in it, in table order.
  function hintFor(mode) {
    const rows = KEYS.filter((row) => row.when === mode || row.when === "any");
    const extra = mode === "reading" ? " · select text to tag it" : " · Ctrl+Enter saves from the note";
    return "Keys: " + rows.map((row) => `${row.shown} ${row.does}`).join(" · ") + extra;
  }
  root.dataset.keys = JSON.stringify(KEYS.map(({ keys: k, shown, does, when }) => ({ keys: k, shown, does, when })));

  root.addEventListener("keydown", (event) => {
    const inNote = event.target && event.target.classList && event.target.classList.contains("wb-note");
    if (event.ctrlKey || event.metaKey || event.altKey) {
      if (inNote && event.key === "Enter") { save(); event.preventDefault(); }
      if (inNote) event.stopPropagation();
      return;   // the browser's and JupyterLab's own chords (copy, save...) stay theirs
    }
    if (inNote && event.key !== "Escape") { event.stopPropagation(); return; }
    const name = event.key === "Tab" && event.shiftKey ? "Shift+Tab" : event.key;
    const mode = pending ? "panel" : "reading";
    const row = KEYS.find((r) => (r.when === mode || r.when === "any") && r.keys.includes(name));
    if (!row) return;
    hover.used();   // the reader is in use: the focus stays when the pointer leaves
    if (pending) pending.blocked = null;   // a "why not" line lasts until the next key
    row.run(name);
    event.preventDefault();
    event.stopPropagation();
  });

  function showKwic() {
    const rows = model.get("kwic") || [];
    if (!rows.length) return;
    const list = h("ol", { class: "wb-kwic" });
    for (const row of rows) {
      const item = h("li", { "data-article": row.article_id },
        h("span", { class: "wb-kwic-left", text: row.left }),
        h("mark", { class: `wb-ent ${safeClass(row.label)}`, text: row.match }),
        h("span", { class: "wb-kwic-right", text: row.right }),
        h("span", { class: "wb-kwic-src", text: " — " + (row.title || row.article_id) }));
      if (row.article_id !== doc().id) {
        item.classList.add("wb-link");
        item.addEventListener("click", () => model.send({ kind: "open", article_id: row.article_id, start: row.start }));
      }
      list.append(item);
    }
    side.replaceChildren(h("h4", { text: `${model.get("kwic_title") || ""}` }), list);
  }

  let shownId = doc().id;
  model.on("change:doc", () => {
    if (doc().id === shownId) { redrawText(); return; }   // the same article, re-highlighted: keep the panel
    shownId = doc().id;
    sentenceIndex = -1; pending = null; side.replaceChildren(); buildText();
  });
  model.on("change:evidence", () => {
    redrawText();
    if (savedAt !== null) {
      root.dataset.lastSaveMs = String(Math.round(performance.now() - savedAt));
      delete root.dataset.pendingSave;
      savedAt = null;
    }
  });
  model.on("change:focus", redrawText);
  model.on("change:hypotheses", () => { buildFocus(); redrawText(); drawPanel(); });
  model.on("change:kwic", showKwic);
  model.on("change:status", () => { status.textContent = model.get("status") || ""; });
  const unfollow = follow(model, el);
  buildFocus();
  buildText();
  keyHint.textContent = hintFor("reading");
  status.textContent = model.get("status") || "";
  return () => { unfollow(); hover.stop(); document.removeEventListener("mouseup", released); root.remove(); };
}

export default { render };
