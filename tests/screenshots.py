"""The README's pictures, made by real Chromium: the demo report at 1280 px and each widget in
JupyterLab (matrix, reader, corpus browser, entity explorer), as small cropped PNGs in docs/img/.

Run by ``make screenshots`` (``pytest tests/screenshots.py -m browser``); not collected by a plain
``pytest`` run (the file name does not start with ``test_``), so the suite never rewrites docs/.
Each picture is checked: 1280 px wide, at most ``MAX_BYTES``, and showing what it is named for.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from lab_harness import Lab

pytestmark = pytest.mark.browser

IMG = ROOT / "docs" / "img"
WIDTH = 1280           # px: every picture is this wide
MAX_BYTES = 200_000    # each PNG at most this big (README pictures stay light)
MAX_HEIGHT = 900       # px: pictures are cropped to this height at most


def save_png(png: bytes, name: str) -> Path:
    """Write ``png`` to docs/img/``name`` with a 256-colour palette (text and flat colours keep
    their look at a fraction of the size) and check its width and size."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width == WIDTH, (name, image.size)
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    IMG.mkdir(parents=True, exist_ok=True)
    path = IMG / name
    small.save(path, format="PNG", optimize=True)
    assert path.stat().st_size <= MAX_BYTES, (name, path.stat().st_size)
    return path


def shot(page, selector: str, name: str, *, above: int = 12, height: int = MAX_HEIGHT) -> Path:
    """A 1280 px wide picture of the page from just above ``selector``'s first element down."""
    target = page.locator(selector).first
    target.scroll_into_view_if_needed()
    page.evaluate("(el) => el.scrollIntoView({block: 'start'})", target.element_handle())
    box = target.bounding_box()
    top = max(box["y"] - above, 0)
    visible = page.viewport_size["height"] - top
    clip = {"x": 0, "y": top, "width": WIDTH, "height": min(height, box["height"] + 2 * above, visible)}
    return save_png(page.screenshot(clip=clip), name)


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    from workbench.cli import main

    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out / "report.html"


def test_report_pictures(browser, demo_report):
    context = browser.new_context(viewport={"width": WIDTH, "height": MAX_HEIGHT})
    page = context.new_page()
    page.goto(demo_report.as_uri())
    made = [shot(page, "header.wb-first-page", "report-summary.png"),
            shot(page, "section.wb-analysis", "report-standing.png"),
            shot(page, ".wb-charts", "report-charts.png"),
            shot(page, "#articles", "report-article.png")]
    context.close()
    assert all(p.is_file() for p in made)


SETUP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import workbench as wb
from workbench.demo import build_demo
ws = wb.open_workspace("shots.sqlite")
result, an = build_demo(ws, progress=False)
seed = ws.articles.id.iloc[0]
print("ready", len(an.evidence))
"""

WIDGETS = (("matrix", "m = wb.Matrix(an)\nm", ".wb-matrix-root", "tbody tr[data-evidence]"),
           ("reader", "r = wb.Reader(ws, seed, analysis=an)\nr", ".wb-reader-root", "mark.wb-ent"),
           ("corpus-browser", "cb = wb.CorpusBrowser(ws)\ncb", ".wb-corpus-root", "tbody tr"),
           ("entity-explorer", "ex = wb.EntityExplorer(ws)\nex", ".wb-entities-root", "tbody tr"))


def test_widget_pictures(lab: Lab):
    nb = lab.server.write_notebook("shots.ipynb", [SETUP, *(code for _, code, _, _ in WIDGETS)])
    lab.page.set_viewport_size({"width": WIDTH, "height": MAX_HEIGHT})
    lab.open_notebook(nb)
    lab.run_all(timeout=300)
    lab.page.keyboard.press("Control+b")  # fold the file browser away: the widgets get the width
    made = []
    for name, _, root, inside in WIDGETS:
        lab.page.locator(f"{root} {inside}").first.wait_for(timeout=60_000)
        made.append(shot(lab.page, root, f"widget-{name}.png"))
    assert lab.external_requests() == []
    assert len(made) == 4
