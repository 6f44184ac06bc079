"""Every widget carries a static, escaped HTML view for exports and kernel-less viewers."""
import ast
import importlib
import json
import re
from pathlib import Path

import nbformat

import pytest

import workbench as wb
from workbench.demo import build_demo
from workbench.render.notebook_export import export_notebook

from conftest import ROOT

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def demo(ws):
    _, an = build_demo(ws, progress=False)
    return ws, an


@pytest.mark.parametrize("make", [
    lambda ws, an: wb.Reader(ws, analysis=an),
    lambda ws, an: wb.CorpusBrowser(ws),
    lambda ws, an: wb.EntityExplorer(ws),
    lambda ws, an: wb.Matrix(an),
    lambda ws, an: wb.Workbench(ws, an),
])
def test_widget_bundles_carry_static_html(demo, make):
    ws, an = demo
    widget = make(ws, an)
    data, _ = widget._repr_mimebundle_()
    assert WIDGET_VIEW in data and "text/html" in data
    html = data["text/html"]
    assert 'class="wb-static' in html and "<script" not in html


HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = "NATO <script>alert(2)</script> met Putin in Minsk."
HOSTILE_HYPOTHESIS = "<b>bold</b> hypothesis"
HOSTILE_ENTITY = "<i>Vova</i>"
HOSTILE_QUESTION = "<u>Will</u> NATO meet?"
HOSTILE_ANALYST = "<em>eve</em>"
RAW = (HOSTILE_TITLE, "<script>alert(2)</script>", "<b>bold</b>", HOSTILE_ENTITY, "<u>Will</u>", HOSTILE_ANALYST)


@pytest.fixture
def hostile(demo, tmp_path):
    """The demo workspace plus an article, a hypothesis and an entity name that carry markup."""
    ws, an = demo
    an.add_indicator(an.hypotheses["id"][0], "alert")  # the hostile article raises an alert: badges and report show it
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"title": HOSTILE_TITLE, "text": HOSTILE_TEXT}), encoding="utf-8")
    ws.ingest(path, progress=False)
    article = ws.articles.set_index("title").loc[HOSTILE_TITLE, "id"]
    ws.rename_entity("Vladimir Putin", HOSTILE_ENTITY)
    hostile_an = ws.new_analysis(HOSTILE_QUESTION, [HOSTILE_HYPOTHESIS, "no meeting"])
    hostile_an.tag_quote(article, "<script>alert(2)</script>", ratings={"H1": "C", "H2": "I"})
    # a second analyst, named with markup, splits the team: the team view and section show
    with wb.open_workspace(ws.location, analyst=HOSTILE_ANALYST) as other:
        other.analysis(hostile_an.id).rate("E1", "H1", "II")
    return ws, hostile_an, article


def every_view(ws, an, article, tmp_path) -> dict[str, str]:
    """The static HTML of every view that shows article text or analyst input, the report, and a
    notebook export holding a widget's view and a widget output with no static view of its own."""
    views = {
        "corpus": wb.CorpusBrowser(ws), "matrix": wb.Matrix(an), "team": wb.Matrix(an, view="team"),
        "reader": wb.Reader(ws, article),
        "entities": wb.EntityExplorer(ws), "workbench": wb.Workbench(ws, an),
    }
    bundles = {name: widget._repr_mimebundle_()[0] for name, widget in views.items()}
    out = {name: bundle["text/html"] for name, bundle in bundles.items()}
    report = tmp_path / "report.html"
    ws.report(report)
    out["report"] = report.read_text(encoding="utf-8")
    out["notebook"] = _exported(bundles["matrix"], tmp_path)
    return out


def _exported(matrix_bundle: dict, tmp_path: Path) -> str:
    """A notebook with the matrix widget's output and a bare widget output whose text is hostile, exported."""
    bare = {WIDGET_VIEW: {"model_id": "x", "version_major": 2, "version_minor": 0},
            "text/plain": f"Matrix({HOSTILE_HYPOTHESIS}, {HOSTILE_QUESTION})"}
    cells = [nbformat.v4.new_code_cell("wb.Matrix(an)", outputs=[
        nbformat.v4.new_output("display_data", data={k: v for k, v in matrix_bundle.items()}),
        nbformat.v4.new_output("display_data", data=bare)])]
    notebook = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    return export_notebook(notebook, tmp_path / "n.html").read_text(encoding="utf-8")


def test_static_views_escape_hostile_text(hostile, tmp_path):
    ws, an, article = hostile
    views = every_view(ws, an, article, tmp_path)
    for name, html in views.items():
        for raw in RAW:
            assert raw not in html, (name, raw)
    # and the payloads are shown, as text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in views["reader"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in views["corpus"]
    assert "&lt;b&gt;bold&lt;/b&gt; hypothesis" in views["matrix"]
    assert "&lt;em&gt;eve&lt;/em&gt; II" in views["team"]           # who said what, in the cell's title
    assert "The team on: &lt;u&gt;Will&lt;/u&gt;" in views["report"]
    assert "&lt;u&gt;Will&lt;/u&gt;" in views["workbench"]
    assert "&lt;i&gt;Vova&lt;/i&gt;" in views["entities"]
    assert "Matrix(&lt;b&gt;bold&lt;/b&gt; hypothesis" in views["notebook"]


PACKAGE = Path(wb.__file__).parent
RENDER = PACKAGE / "render"
# markup that only render/ writes (a tag opening in a string, as HTML is written here)
_TAG = re.compile(r"<(?:p|div|span|table|thead|tbody|tfoot|tr|td|th|ul|ol|li|h[1-6]|section|article|header|nav|"
                  r"style|code|mark|br|strong|b|i|u|em|a|pre|blockquote|figure|figcaption|details|summary)[\s>]")


def _strings(tree: ast.AST) -> list[str]:
    """Every string literal of a module, f-string pieces included (docstrings aside)."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _module(path: Path) -> str:
    return ".".join(("workbench", *path.relative_to(PACKAGE).with_suffix("").parts))


def _imports_escape(tree: ast.AST) -> bool:
    return any(isinstance(node, ast.ImportFrom) and node.module == "html" and
               any(alias.name == "escape" and alias.asname is None for alias in node.names) for node in ast.walk(tree))


def _writes_html(tree: ast.AST) -> bool:
    return any(_TAG.search(text) for text in _strings(tree))


def _html_modules() -> list[str]:
    """Every render module that writes HTML (found by reading the sources, so none can be forgotten)."""
    names = []
    for path in sorted(RENDER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if _writes_html(tree) or _imports_escape(tree):
            names.append(_module(path))
    return names


def test_the_html_writers_are_found():
    """The list the mutation check runs over holds the writers we know, and each can be mutated."""
    found = _html_modules()
    for known in ("report", "_report_analysis", "article", "matrix", "tables", "static", "notebook_export"):
        assert f"workbench.render.{known}" in found
    assert "workbench.render.views" not in found  # plain data: no markup there
    for name in found:   # the check below swaps ``escape`` per module: it must be imported by that name
        tree = ast.parse((PACKAGE / Path(*name.split(".")[1:])).with_suffix(".py").read_text(encoding="utf-8"))
        assert _imports_escape(tree), f"{name} writes HTML without ``from html import escape``"


def test_html_is_written_only_in_render():
    """Widgets, the workspace and the CLI ask render/ for HTML; they write none and escape nothing."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if RENDER in path.parents or {"_bundled", "data"} & set(path.relative_to(PACKAGE).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if _imports_escape(tree) or _writes_html(tree):
            wrong.append(_module(path))
    assert not wrong, f"HTML written outside render/: {wrong}"


@pytest.mark.parametrize("module_name", _html_modules())
def test_removing_escaping_from_any_view_is_caught(hostile, tmp_path, monkeypatch, module_name):
    """Mutation check: with ``escape`` turned off in one module, some hostile payload shows raw."""
    ws, an, article = hostile
    module = importlib.import_module(module_name)
    monkeypatch.setattr(module, "escape", lambda text, quote=True: str(text))
    views = every_view(ws, an, article, tmp_path)
    leaked = [(name, raw) for name, html in views.items() for raw in RAW if raw in html]
    assert leaked, f"{module_name}: no view leaked a payload with its escaping removed"


# -- exported notebooks as rich as the live ones: a real notebook, executed headless -------------

LONG_QUOTE = ("NATO said Belarus would not join the war, according to officials who spoke on condition of anonymity "
              "after a long meeting in Brussels about the air defence of the eastern flank and the Baltic states.")
RICH_NOTEBOOK = [
    "import json, pathlib\nimport workbench as wb\n"
    "src = pathlib.Path('src'); src.mkdir(exist_ok=True)\n"
    "for i in range(3):\n"
    "    (src / f'a{i}.txt').write_text(f'Minsk talks {i}\\n\\nVladimir Putin met Alexander Lukashenko in Minsk. '\n"
    f"                                   + {LONG_QUOTE!r} + ' Lukashenko denied it.', encoding='utf-8')\n"
    "ws = wb.open_workspace('rich.sqlite')\n"
    "added = ws.ingest(src, progress=True).added",
    "an = ws.new_analysis('Will Belarus join?', ['Belarus joins', 'Belarus stays out'])\n"
    f"an.tag_quote(added[0], {LONG_QUOTE!r}, ratings={{'H1': 'I', 'H2': 'CC'}})\n"
    "an.tag_quote(added[0], 'Lukashenko denied it.', ratings={'H1': 'C'})",
    "wb.Reader(ws, added[0], analysis=an)",
    "wb.Matrix(an)",
]


@pytest.fixture(scope="module")
def rich_exports(tmp_path_factory) -> dict[str, str]:
    """One notebook (ingest with a progress bar, a reader, a matrix) run by ``workbench run``, its
    executed copy then exported by ``export_notebook`` and by ``jupyter nbconvert --to workbench``."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("rich")
    notebook = folder / "rich.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in RICH_NOTEBOOK]), notebook)
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "run", str(notebook), "--html", str(folder / "run.html")],
                         capture_output=True, text=True, cwd=folder, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    executed = folder / "run.ipynb"
    export_notebook(executed, folder / "export.html")
    convert = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "workbench", str(executed),
                              "--output", "nbconvert"], capture_output=True, text=True, cwd=folder, timeout=300)
    assert convert.returncode == 0, convert.stderr[-3000:]
    return {name: (folder / f"{name}.html").read_text(encoding="utf-8") for name in ("run", "export", "nbconvert")}


def _soup(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize("way", ["run", "export", "nbconvert"])
def test_exported_matrix_shows_whole_wrapped_evidence_text(rich_exports, way):
    page = _soup(rich_exports[way])
    texts = [span.get_text() for span in page.select(".wb-matrix-static .wb-ev-text")]
    assert LONG_QUOTE in texts and len(LONG_QUOTE) > 160   # longer than the live matrix's cut, shown whole
    css = page.select_one("style.wb-export-css").get_text()
    assert re.search(r"\.wb-matrix-static \.wb-matrix-table \.wb-ev-cell \{ white-space: normal;", css)


@pytest.mark.parametrize("way", ["run", "export", "nbconvert"])
def test_exported_reader_shows_its_underlines_and_their_legend(rich_exports, way):
    reader = _soup(rich_exports[way]).select_one(".wb-reader-static")
    pieces: dict[str, list] = {}   # an underline is cut into pieces where entities begin and end
    for span in reader.select(".wb-text .wb-ev"):
        pieces.setdefault(span["data-passage"], []).append(span)
    underlined = {"".join(s.get_text() for s in spans): spans[0]["class"] for spans in pieces.values()
                  if len({tuple(s["class"]) for s in spans}) == 1}
    # underlined as the page shows them, for H1 (the focus): the long quote refutes it, the denial supports it
    assert underlined[LONG_QUOTE] == ["wb-ev", "wb-ev-refute"]
    assert underlined["Lukashenko denied it."] == ["wb-ev", "wb-ev-support"]
    legend = reader.select_one("[data-role=underline-legend]")
    words = " ".join(legend.get_text(" ").split())
    assert "Evidence underlined for H1 Belarus joins" in words
    assert "supports 1" in words and "refutes 1" in words and "neutral 0" in words
    assert reader.select_one(".wb-legend li.wb-l-PERSON") is not None   # the entity legend too


@pytest.mark.parametrize("way", ["run", "export", "nbconvert"])
def test_exported_progress_bar_shows_its_final_state(rich_exports, way):
    page = _soup(rich_exports[way])
    bars = page.select(".wb-widget-static")
    assert len(bars) == 1, bars
    bar = bars[0]
    assert bar.select_one(".wb-progress-bar")["style"].replace(" ", "") == "width:100.0%"
    text = " ".join(bar.get_text(" ").split())
    assert "100%" in text and "3/3" in text and "0%|" not in rich_exports[way]


def test_widget_state_text_is_sanitised_and_labels_escaped(tmp_path):
    """A widget drawn from saved state: its label is escaped, an HTML widget's markup sanitised."""
    state = {"box": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_html", "IPY_MODEL_bar"]}},
             "html": {"model_name": "HTMLModel", "state": {"value": "<b>ok</b><script>alert(1)</script><img src=x onerror=alert(2)>"}},
             "bar": {"model_name": "IntProgressModel", "state": {"value": 7, "min": 0, "max": 10, "description": "<i>n</i>"}}}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("bar", outputs=[nbformat.v4.new_output(
        "display_data", data={WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
                              "text/plain": "0%|"})])])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state, "version_major": 2,
                                                                            "version_minor": 0}}
    path = tmp_path / "w.ipynb"
    nbformat.write(nb, path)
    html = export_notebook(path, tmp_path / "w.html").read_text(encoding="utf-8")
    box = _soup(html).select_one(".wb-widget-static")
    assert box.select_one("b").get_text() == "ok" and box.select_one("script") is None
    assert "onerror" not in str(box) and "&lt;i&gt;n&lt;/i&gt;" in str(box)
    assert box.select_one(".wb-progress-bar")["style"].replace(" ", "") == "width:70.0%"


@pytest.mark.browser
def test_exported_notebook_in_chromium_shows_underlines_a_full_bar_and_whole_evidence(page, rich_exports, tmp_path):
    """The exported page as Chromium paints it, offline: no request beyond the file itself."""
    target = tmp_path / "exported.html"
    target.write_text(rich_exports["export"], encoding="utf-8")
    url = target.as_uri()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.requests == [url]
    # the underlines are painted (an underline in the stance's colour), with their legend
    refute = page.locator(".wb-reader-static .wb-text .wb-ev-refute").first
    style = refute.evaluate("el => { const s = getComputedStyle(el); return [s.textDecorationLine, s.textDecorationColor]; }")
    assert style == ["underline", "rgb(215, 48, 39)"]
    assert page.locator(".wb-reader-static [data-role=underline-legend]").is_visible()
    # the bar is full: as wide as its track
    track = page.locator(".wb-widget-static .wb-progress").bounding_box()
    bar = page.locator(".wb-widget-static .wb-progress-bar").bounding_box()
    assert track["width"] > 50 and abs(bar["width"] - track["width"]) < 1
    assert "100%" in page.locator(".wb-widget-static").inner_text()
    # the long evidence item wraps onto lines in its cell, none of it hidden
    cell = page.locator(".wb-matrix-static .wb-ev-cell", has_text="NATO said Belarus").first
    fits = cell.evaluate("el => [el.scrollWidth <= el.clientWidth + 1, el.scrollHeight <= el.clientHeight + 1, "
                         "el.getBoundingClientRect().height]")
    assert fits[0] and fits[1] and fits[2] > 40, fits
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "test-artifacts" / "exported-notebook.png"), full_page=True)
