"""The reader's keys in real JupyterLab and Chromium: they work as soon as the pointer is over
the reader (no click), or after one click on the article; j/k move on with the tagging panel
open (or the panel says why not); the hints list every key the handler takes."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from lab_harness import Lab

pytestmark = pytest.mark.browser

ARTICLE = ("Minsk talks\n\nRussian President Vladimir Putin met Alexander Lukashenko in Minsk on Monday. "
           "The two leaders spoke for three hours about joint exercises. "
           "NATO said Belarus would not join the war. Lukashenko denied it.")
FILLER = "\n\n" + " ".join(f"The weather in the capital stayed grey on day {i} of the talks." for i in range(40))

SETUP = f"""
import sys, json
sys.path.insert(0, {str(ROOT)!r})
import workbench as wb
ws = wb.open_workspace("keys.sqlite", pipeline="builtin", analyst="ana")
open("keys.txt", "w", encoding="utf-8").write({ARTICLE + FILLER!r})
article = ws.ingest("keys.txt", progress=False).added[0]
an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
reader = wb.Reader(ws, article, analysis=an)
"""
SCROLLER = "() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer').scrollTop"


def test_reader_keys_work_on_hover_and_with_the_panel_open(lab: Lab):
    nb = lab.server.write_notebook("keys.ipynb", [SETUP, "reader"])
    lab.open_notebook(nb)
    lab.run_all(timeout=180)
    page = lab.page
    reader = page.locator(".wb-reader-root")
    reader.locator("mark.wb-ent").first.wait_for(timeout=60_000)
    tagger = reader.locator("[data-role=tagger]")
    quote = tagger.locator(".wb-quote")

    # the pointer comes over the article, nothing clicked: j opens the first sentence, and the
    # page did not scroll when the reader took the focus
    page.mouse.move(5, 5)
    before = page.evaluate(SCROLLER)
    box = reader.locator(".wb-article").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20)
    page.wait_for_function("() => document.activeElement && document.activeElement.classList.contains('wb-reader-root')")
    assert page.evaluate(SCROLLER) == before
    page.keyboard.press("j")
    tagger.wait_for(timeout=5_000)
    assert quote.inner_text() == "“Minsk talks”"

    # j/k with the panel open, nothing chosen in it: the next sentence, then back
    page.keyboard.press("j")
    lab.wait_for_text(quote, "Russian President Vladimir Putin met")
    page.keyboard.press("j")
    lab.wait_for_text(quote, "The two leaders spoke")
    page.keyboard.press("k")
    lab.wait_for_text(quote, "Russian President Vladimir Putin met")
    # with a rating chosen the panel stays, and says why
    page.keyboard.press("r")
    page.keyboard.press("h")
    assert tagger.locator(".wb-rate-I.wb-on").count() == 1
    assert tagger.locator(".wb-weight-key.wb-on").inner_text() == "High"
    page.keyboard.press("j")
    lab.wait_for_text(tagger.locator(".wb-blocked"), "Enter saves them, Esc drops them")
    assert "Russian President Vladimir Putin met" in quote.inner_text()
    # JupyterLab took none of the keys ("r" makes a raw cell, "j"/"k" move the active cell)
    assert page.locator(".jp-RawCell").count() == 0

    # every key of the handler's table is in the hint of its mode
    table = json.loads(reader.get_attribute("data-keys"))
    panel_hint = tagger.locator("[data-role=panel-keys]").inner_text()
    for row in table:
        if row["when"] in ("panel", "any"):
            assert f'{row["shown"]} {row["does"]}' in panel_hint, (row, panel_hint)
    for key in ("j", "k", "h", "m", "l", "s", "S", "r", "R", "n", "a", "1–6", "Enter", "Esc", "Tab"):
        assert any(key == row["shown"] or key in row["shown"].split("/") for row in table
                   if row["when"] != "reading"), key
    page.keyboard.press("Escape")
    tagger.wait_for(state="detached", timeout=5_000)
    reading_hint = reader.locator("[data-role=keys]").inner_text()
    for row in table:
        if row["when"] in ("reading", "any"):
            assert f'{row["shown"]} {row["does"]}' in reading_hint, (row, reading_hint)
    lab.screenshot("reader-keys.png")

    # typing in a cell: the pointer passing over the reader does not take the focus...
    editor = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell .cm-content").first
    editor.click()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 60)
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.activeElement.isContentEditable")
    # ...one click on the article does, and j works at once
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 60)
    page.keyboard.press("j")
    tagger.wait_for(timeout=5_000)
    assert lab.external_requests() == []
