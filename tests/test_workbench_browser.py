"""The analyst's whole loop in real JupyterLab and Chromium: open the quickstart, run all,
select a passage with the mouse, tag it as refuting with the keyboard, see the matrix and
the scores change, reload, and find the evidence still there."""
from __future__ import annotations

import statistics

import pytest

from conftest import ROOT
from lab_harness import Lab

pytestmark = pytest.mark.browser

PASSAGE = "Belarus accepts mobilized Russians for training"

# Select text[start:end] of the reader's article with real mouse moves: find the screen
# positions of the two characters, then press, drag and release.
CHAR_BOX = """
([start, end]) => {
  const box = document.querySelector('.wb-reader [data-role=text]');
  const first = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let seen = 0, t;
  while ((t = first.nextNode())) {
    if (start < seen + t.textContent.length) { t.parentElement.scrollIntoView({ block: 'center' }); break; }
    seen += t.textContent.length;
  }
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let total = 0, n; const points = [];
  const want = [start, end - 1];
  while ((n = walker.nextNode())) {
    const len = n.textContent.length;
    for (let i = 0; i < want.length; i++) {
      const at = want[i];
      if (points[i] === undefined && at >= total && at < total + len) {
        const r = document.createRange(); r.setStart(n, at - total); r.setEnd(n, at - total + 1);
        const rect = r.getBoundingClientRect();
        points[i] = i === 0 ? [rect.left + 1, rect.top + rect.height / 2] : [rect.right - 1, rect.top + rect.height / 2];
      }
    }
    total += len;
  }
  return points;
}
"""

# Press Enter inside the page and time until the matrix shows one more evidence row.
TIMED_SAVE = """
async (timeoutMs) => {
  const matrix = document.querySelector('.wb-matrix-root');
  const before = Number(matrix.dataset.totalRows);
  const root = document.querySelector('.wb-reader-root');
  const start = performance.now();
  root.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('matrix did not update')), timeoutMs);
    const check = () => {
      if (Number(matrix.dataset.totalRows) > before) {
        clearTimeout(timer); observer.disconnect(); resolve(performance.now() - start);
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(matrix, { childList: true, subtree: true, attributes: true });
  });
}
"""


def _tab(lab: Lab, name: str) -> None:
    lab.page.locator(".widget-tab .lm-TabBar-tab", has_text=name).first.click()


def test_select_tag_by_keyboard_matrix_updates_and_survives_reload(lab: Lab):
    notebook = lab.server.copy_notebook(ROOT / "notebooks" / "quickstart.ipynb")
    lab.open_notebook(notebook)
    lab.run_all(timeout=180)
    page = lab.page
    page.wait_for_selector(".wb-workbench .wb-corpus-root tbody tr", timeout=30_000)
    lab.screenshot("workbench-corpus.png")

    # the matrix before: two evidence items tagged in code
    _tab(lab, "Matrix")
    matrix = page.locator(".wb-matrix-root")
    matrix.locator("tbody tr[data-evidence]").first.wait_for()
    assert matrix.locator("tbody tr[data-evidence]").count() == 2
    scores_before = matrix.locator("tfoot").inner_text()

    # open the article from the corpus browser (a click on its row)
    _tab(lab, "Corpus")
    page.locator(".wb-corpus-root tbody tr").first.click()
    reader = page.locator(".wb-reader-root")
    reader.locator("mark.wb-ent").first.wait_for()
    assert reader.locator("mark.wb-ent").count() >= 50   # the seed article shows its entities highlighted
    text = reader.locator("[data-role=text]").text_content()
    start = text.index(PASSAGE)
    reader.scroll_into_view_if_needed()
    (x1, y1), (x2, y2) = page.evaluate(CHAR_BOX, [start, start + len(PASSAGE)])
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, steps=5)
    page.mouse.move(x2, y2, steps=5)
    page.mouse.up()
    tagger = page.locator("[data-role=tagger]")
    tagger.wait_for()
    assert tagger.locator(".wb-quote").inner_text() == f"“{PASSAGE}”"
    # keyboard only from here: H1 refutes, H2 supports, credibility 2, Enter saves
    page.keyboard.press("r")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("s")
    page.keyboard.press("2")
    assert tagger.locator('[data-hypothesis] .wb-rate-I.wb-on').count() == 1
    lab.screenshot("workbench-tagging.png")
    page.keyboard.press("Enter")
    lab.wait_for_text(page.locator(".wb-reader .wb-status"), "saved E3")
    underline = reader.locator('.wb-ev[data-ev~="E3"]')
    assert "".join(underline.all_text_contents()) == PASSAGE
    assert all("wb-ev-refute" in c for c in underline.evaluate_all("els => els.map(e => e.className)"))
    assert reader.get_attribute("data-last-save-ms") is not None
    # JupyterLab did not take the keys for itself ("r" would turn a cell into raw, "s" save...)
    assert page.locator(".jp-RawCell").count() == 0

    _tab(lab, "Matrix")
    row = matrix.locator("tbody tr[data-evidence]", has_text="E3")
    row.wait_for()
    cells = row.locator("td.wb-cell")
    assert cells.nth(0).get_attribute("data-rating") == "I"
    assert cells.nth(1).get_attribute("data-rating") == "C"
    assert matrix.locator("tfoot").inner_text() != scores_before
    lab.screenshot("workbench-matrix.png")
    # undo the tag from the matrix, then redo it: both sides follow
    matrix.locator("button.wb-undo").click()
    page.wait_for_function("() => document.querySelector('.wb-matrix-root').dataset.totalRows === '2'")
    assert "undo: tag" in matrix.locator(".wb-status").inner_text()
    matrix.locator("button.wb-redo").click()
    page.wait_for_function("() => document.querySelector('.wb-matrix-root').dataset.totalRows === '3'")

    # latency: five more tags by keyboard sentence navigation, timed in the page from Enter to matrix row
    _tab(lab, "Reader")
    latencies = []
    for _ in range(5):
        reader.focus()
        page.keyboard.press("Escape")
        page.keyboard.press("j")
        tagger.wait_for()
        page.keyboard.press("n")
        latencies.append(page.evaluate(TIMED_SAVE, 10_000))
    median = statistics.median(latencies)
    print(f"\nselect→saved→matrix updated: median {median:.0f} ms over {len(latencies)} "
          f"(min {min(latencies):.0f}, max {max(latencies):.0f})")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "latency.txt").write_text(
        f"select-saved-matrix median_ms={median:.0f} samples={[round(x) for x in latencies]}\n")

    # reload the page: the evidence is in the workspace file and back on screen
    lab.reload(save=True)
    stored = lab.execute_in_kernel(
        "import workbench as wb\n"
        "fresh = wb.open_workspace('quickstart.sqlite').analysis(an.id)\n"
        f"print(len(fresh.evidence), {PASSAGE!r} in set(fresh.evidence['exact']))")
    assert stored.split() == ["8", "True"]
    page.wait_for_selector(".wb-reader-root .wb-ev", state="attached", timeout=30_000)
    assert lab.external_requests() == []
    lab.screenshot("workbench-after-reload.png")
