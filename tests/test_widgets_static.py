"""Every widget carries a static, escaped HTML view for exports and kernel-less viewers."""
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


def test_static_views_escape_hostile_text(demo, tmp_path):
    ws, an = demo
    hostile = tmp_path / "h.json"
    hostile.write_text('{"title": "<img src=x onerror=alert(1)>", "text": "NATO <script>alert(2)</script> met Putin."}')
    ws.ingest(hostile, progress=False)
    an.add_hypothesis("<b>bold</b> hypothesis")
    for widget in (wb.CorpusBrowser(ws), wb.Matrix(an), wb.Reader(ws, ws.articles.id.iloc[-1])):
        html = widget._repr_mimebundle_()[0]["text/html"]
        assert "<img src=x" not in html and "<script>" not in html and "<b>bold</b>" not in html
    matrix_html = wb.Matrix(an)._repr_mimebundle_()[0]["text/html"]
    assert "&lt;b&gt;bold&lt;/b&gt; hypothesis" in matrix_html
