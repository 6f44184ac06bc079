"""The report's charts are drawn legible: no text under TEXT_PT, no wider than MAX_WIDTH_IN
(so a 1280 px screen shows them unshrunk and an A4 page shrinks them by ~0.8 at most)."""
import pytest

pytest.importorskip("matplotlib")

from matplotlib.text import Text  # noqa: E402

from test_analysis_charts import frame  # noqa: E402
from workbench.analysis import matrix_chart, score, scores_chart, timeline_chart, tornado_chart  # noqa: E402
from workbench.analysis.charts import MAX_WIDTH_IN, TEXT_PT  # noqa: E402


def charts():
    data = frame()
    return {"matrix": matrix_chart(data), "scores": scores_chart(score(data)), "timeline": timeline_chart(data),
            "tornado": tornado_chart(data, "bayes")}


def test_no_chart_text_is_smaller_than_9_points_once_drawn():
    assert TEXT_PT >= 9
    for name, figure in charts().items():
        figure.canvas.draw()
        texts = [t for t in figure.findobj(Text) if t.get_text().strip() and t.get_visible()]
        assert texts, name
        small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 9]
        assert small == [], f"{name}: {small}"


def test_no_chart_is_wider_than_the_report_draws_it():
    # 9 in = 864 CSS px: narrower than the report's 992 px column, so never shrunk at 1280 px
    assert MAX_WIDTH_IN * 96 <= 992
    for name, figure in charts().items():
        assert figure.get_figwidth() <= MAX_WIDTH_IN, name


def test_the_scores_chart_says_who_leads_under_each_engine():
    data = frame()
    figure = scores_chart(score(data))
    title = figure.get_suptitle()
    assert title.startswith(("Every engine ranks", "The engines differ:")), title
