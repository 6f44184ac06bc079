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
