"""Every widget carries a static, escaped HTML view for exports and kernel-less viewers."""
import importlib
import json
from pathlib import Path

import pytest

import workbench as wb
from workbench.demo import build_demo

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
RAW = (HOSTILE_TITLE, "<script>alert(2)</script>", "<b>bold</b>", HOSTILE_ENTITY, "<u>Will</u>")


@pytest.fixture
def hostile(demo, tmp_path):
    """The demo workspace plus an article, a hypothesis and an entity name that carry markup."""
    ws, an = demo
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"title": HOSTILE_TITLE, "text": HOSTILE_TEXT}), encoding="utf-8")
    ws.ingest(path, progress=False)
    article = ws.articles.set_index("title").loc[HOSTILE_TITLE, "id"]
    ws.rename_entity("Vladimir Putin", HOSTILE_ENTITY)
    hostile_an = ws.new_analysis(HOSTILE_QUESTION, [HOSTILE_HYPOTHESIS, "no meeting"])
    hostile_an.tag_quote(article, "<script>alert(2)</script>", ratings={"H1": "C", "H2": "I"})
    return ws, hostile_an, article


def every_view(ws, an, article, tmp_path) -> dict[str, str]:
    """The static HTML of every view that shows article text or analyst input, and the report."""
    views = {
        "corpus": wb.CorpusBrowser(ws), "matrix": wb.Matrix(an), "reader": wb.Reader(ws, article),
        "entities": wb.EntityExplorer(ws), "workbench": wb.Workbench(ws, an),
    }
    out = {name: widget._repr_mimebundle_()[0]["text/html"] for name, widget in views.items()}
    report = tmp_path / "report.html"
    ws.report(report)
    out["report"] = report.read_text(encoding="utf-8")
    return out


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
    assert "&lt;u&gt;Will&lt;/u&gt;" in views["workbench"]
    assert "&lt;i&gt;Vova&lt;/i&gt;" in views["entities"]


def _html_modules() -> list[str]:
    """Every workbench module that escapes text for HTML (found by reading the sources)."""
    root = Path(wb.__file__).parent
    names = []
    for path in sorted(root.rglob("*.py")):
        if "from html import escape" in path.read_text(encoding="utf-8"):
            names.append("workbench." + ".".join(path.relative_to(root).with_suffix("").parts))
    return names


@pytest.mark.parametrize("module_name", [m for m in _html_modules() if m != "workbench.render.notebook_export"])
def test_removing_escaping_from_any_view_is_caught(hostile, tmp_path, monkeypatch, module_name):
    """Mutation check: with ``escape`` turned off in one module, some hostile payload shows raw."""
    ws, an, article = hostile
    module = importlib.import_module(module_name)
    monkeypatch.setattr(module, "escape", lambda text, quote=True: str(text))
    views = every_view(ws, an, article, tmp_path)
    leaked = [(name, raw) for name, html in views.items() for raw in RAW if raw in html]
    assert leaked, f"{module_name}: no view leaked a payload with its escaping removed"
