"""Hostile content in every place an analyst's data can reach: the report, the exported
notebook and the live widgets execute none of it, and show it as text (real Chromium)."""
from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT
from lab_harness import Lab
from xss_payloads import CHECK, PAYLOADS, SHORT

pytestmark = pytest.mark.browser

assert len(PAYLOADS) >= 30


def hostile_workspace(path):
    """A workspace whose titles, texts, sources, notes, hypotheses and labels are all hostile."""
    import workbench as wb

    ws = wb.open_workspace(path, pipeline="builtin")
    docs = [{"title": payload, "text": f"Vladimir Putin met NATO officials in Minsk on December 19. {payload} "
                                        f"Lukashenko said the S-400 systems would stay. Item {i}.",
             "outlet": PAYLOADS[(i + 1) % len(PAYLOADS)], "url": f"https://hostile.test/{i}", "published": "2022-12-19"}
            for i, payload in enumerate(PAYLOADS)]
    src = path.parent / "hostile.json"
    src.write_text(json.dumps(docs), encoding="utf-8")
    result = ws.ingest(src, progress=False)
    assert len(result.added) == len(PAYLOADS), result.lines()
    ws.grade_source(PAYLOADS[1], "E", notes=PAYLOADS[2])
    ws.relabel_entity("Vladimir Putin", SHORT[0])
    ws.relabel_entity("NATO", SHORT[1])
    ws.merge_entities("Minsk", SHORT[2])
    an = ws.new_analysis(PAYLOADS[3], [PAYLOADS[4], PAYLOADS[5], PAYLOADS[6]], time_horizon=PAYLOADS[7],
                         classification=PAYLOADS[8])
    by_title = dict(zip(ws.articles["title"], ws.articles["id"]))
    for i in range(10):
        an.tag_quote(by_title[PAYLOADS[i]], PAYLOADS[i], ratings={"H1": "C", "H2": "I", "H3": "N"}, note=PAYLOADS[-1 - i])
    an.add_assumption(PAYLOADS[20], ratings={"H1": "I"})
    return ws, an


def _assert_clean(page, *, our_scripts: int = 0) -> dict:
    state = page.evaluate(CHECK)
    assert state["xss"] == 0, "a payload ran"
    assert page.dialogs == [], page.dialogs
    assert state["injected"] == [], state["injected"][:5]
    assert len(state["scripts"]) == our_scripts, state["scripts"]
    return state


def test_report_executes_no_payload(page, tmp_path):
    ws, _ = hostile_workspace(tmp_path / "ws.sqlite")
    report = ws.report(tmp_path / "report.html")
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    state = _assert_clean(page, our_scripts=1)  # the report's own sort/filter script, allowed by hash
    for payload in (PAYLOADS[0], PAYLOADS[3], PAYLOADS[4], PAYLOADS[20], SHORT[0]):
        assert payload in state["text"], payload
    assert page.requests == [report.as_uri()]


def test_exported_notebook_executes_no_payload(page, tmp_path):
    hostile_workspace(tmp_path / "ws.sqlite")
    cells = [
        "import workbench as wb\nws = wb.open_workspace('ws.sqlite')\nan = ws.analysis(ws.analyses.id[0])",
        "ws.articles",
        "wb.show(ws.article(ws.articles.id[0]))",
        "ws.entity_table().head(10)",
        "an.matrix()",
        "wb.Workbench(ws, an)",
        "wb.Reader(ws, ws.articles.id[3], analysis=an)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# " + PAYLOADS[0]),
                                         *[nbformat.v4.new_code_cell(c) for c in cells]])
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    source = tmp_path / "hostile.ipynb"
    nbformat.write(nb, source)
    from workbench.render.notebook_export import export_notebook

    html = export_notebook(source, tmp_path / "hostile.html")
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    state = _assert_clean(page)
    assert page.locator(".wb-workbench-static").count() == 1 and page.locator(".wb-reader-static").count() >= 1
    assert PAYLOADS[3] in state["text"] and PAYLOADS[1] in state["text"]
    assert page.requests == [html.as_uri()]


def test_template_parameters_are_inert(page, tmp_path):
    from click.testing import CliRunner

    from workbench.cli import main

    nb = tmp_path / "ach.ipynb"
    hostile = {"question": PAYLOADS[0], "hypotheses": json.dumps([PAYLOADS[1], PAYLOADS[4], PAYLOADS[22]]),
               "analyst": PAYLOADS[5], "time_horizon": PAYLOADS[15]}
    args = ["new", "ach", "-o", str(nb)]
    for name, value in hostile.items():
        args += ["-p", name, value]
    assert CliRunner().invoke(main, args).exit_code == 0
    result = CliRunner().invoke(main, ["run", str(nb), "--html", str(tmp_path / "ach.html")])
    assert result.exit_code == 0, result.output
    for html in (tmp_path / "ach.html", tmp_path / "ach-report.html"):
        page.goto(html.as_uri())
        state = _assert_clean(page, our_scripts=1 if html.name == "ach-report.html" else 0)
        assert PAYLOADS[0] in state["text"]


def test_live_widgets_execute_no_payload(lab: Lab, tmp_path):
    ws, _ = hostile_workspace(tmp_path / "ws.sqlite")
    ws.close()  # checkpoints the write-ahead log into the file we copy
    shutil.copy(tmp_path / "ws.sqlite", lab.server.root_dir / "hostile.sqlite")
    nb = lab.server.write_notebook("hostile.ipynb", [
        "import workbench as wb\nws = wb.open_workspace('hostile.sqlite')\nan = ws.analysis(ws.analyses.id[0])",
        "app = wb.Workbench(ws, an)\napp",
        "wb.show(ws.article(ws.articles.id[1]))",
        "ws.articles.head(5)",
    ])
    lab.open_notebook(nb)
    lab.run_all(timeout=180)
    page = lab.page
    page.wait_for_selector(".wb-corpus-root tbody tr")
    for tab in ("Reader", "Entities", "Matrix", "Corpus"):
        page.locator(".widget-tab .lm-TabBar-tab", has_text=tab).first.click()
        page.wait_for_timeout(300)
    page.locator(".wb-corpus-root tbody tr").nth(4).click()  # open a hostile article in the reader
    page.locator('.wb-reader-root mark.wb-ent').first.click()  # its entity panel (hostile label)
    page.wait_for_timeout(500)
    state = page.evaluate(CHECK)
    assert state["xss"] == 0 and lab.dialogs == []
    outputs = page.locator(".jp-OutputArea-output")
    injected = outputs.evaluate_all(
        "(els, sel) => els.flatMap(e => Array.from(e.querySelectorAll(sel))).map(e => e.outerHTML.slice(0, 100))",
        "[onerror],[onload],[onfocus],[onmouseover],[ontoggle],iframe,object,embed,img[src=x],script")
    assert injected == []
    assert PAYLOADS[4] in state["text"]  # a hypothesis name, shown as text in the matrix and tagger
    lab.screenshot("xss-widgets.png")
    assert lab.external_requests() == []
