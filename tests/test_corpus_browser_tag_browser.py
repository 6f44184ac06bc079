"""Tagging a passage from the corpus browser in real JupyterLab and Chromium (issue 13, item 2):
the analyst types a query, the matching sentences are listed under the table (article text in
text nodes: a hostile one stays text), one click tags a sentence rated against a hypothesis, and
the article's evidence count rises; the passage then shows it is evidence."""
from __future__ import annotations

import pytest

from conftest import ROOT
from lab_harness import Lab

pytestmark = pytest.mark.browser

SETUP = f"""
import sys, json
sys.path.insert(0, {str(ROOT)!r})
import workbench as wb
ws = wb.open_workspace("tagging.sqlite", pipeline="builtin", analyst="ana")
docs = [{{"title": "Minsk talks", "author": "Jane Analyst", "outlet": "Example Wire",
          "text": "Putin met Lukashenko in Minsk on Monday. NATO said Belarus would not join the war. Lukashenko denied it."}},
        {{"title": "Hostile page", "outlet": "Odd Wire",
          "text": "Officials said <img src=x onerror=window.__pwned=1> Belarus would join the drills soon."}}]
open("tagging.jsonl", "w").write("".join(json.dumps(d) + "\\n" for d in docs))
ws.ingest("tagging.jsonl", progress=False)
an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
minsk = ws.articles.query("title == 'Minsk talks'").id.iloc[0]
cb = wb.CorpusBrowser(ws)
"""
QUOTE = "NATO said Belarus would not join the war."


def test_type_a_query_tag_a_passage_and_see_the_evidence_count_rise(lab: Lab):
    nb = lab.server.write_notebook("tagging.ipynb", [SETUP, "cb"])
    lab.open_notebook(nb)
    lab.run_all(timeout=180)
    page = lab.page
    root = page.locator(".wb-corpus-root")
    root.locator("tbody tr").first.wait_for(timeout=60_000)
    assert "Jane Analyst" in root.locator("tbody").inner_text()   # the author column, where one exists
    minsk = lab.execute_in_kernel("print(minsk)").strip()
    evidence_cell = root.locator(f'tbody tr[data-id="{minsk}"] td.wb-num').nth(1)   # Words, then Evidence
    assert evidence_cell.inner_text().strip() == "0"

    root.locator("input.wb-search").type("belarus join", delay=30)
    passage = root.locator(".wb-passage", has_text=QUOTE)
    passage.wait_for(timeout=15_000)
    assert passage.locator("mark").all_inner_texts() == ["Belarus", "join"]
    hostile = root.locator(".wb-passage", has_text="Officials said")
    hostile.wait_for()
    assert "<img src=x onerror=window.__pwned=1>" in hostile.inner_text()   # shown as text, never parsed
    assert page.evaluate("() => window.__pwned === undefined")
    assert "Will Belarus join?" in root.locator(".wb-passages-head").inner_text()

    passage.locator('select.wb-passage-rating[aria-label="rating against H2"]').select_option("CC")
    passage.locator("button.wb-passage-tag").click()
    lab.wait_for_text(root.locator(".wb-passage", has_text=QUOTE).locator(".wb-passage-tagged"), "✓ evidence E1")
    lab.wait_for_text(root.locator(".wb-passage-note"), "tagged E1")
    lab.wait_for_text(evidence_cell, "1")
    stored = lab.execute_in_kernel("e = an.evidence\nprint(list(e['exact']), list(e['Stays out']), list(e['Joins']))")
    assert stored.strip() == f"[{QUOTE!r}] ['CC'] ['NA']"
    lab.screenshot("corpus-browser-tag-passage.png")
    assert not lab.page_errors, lab.page_errors
