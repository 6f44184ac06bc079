"""Charts: each function returns a Figure drawn without pyplot; bad input errors clearly."""
import io
import sys

import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from workbench.analysis import matrix_chart, score, scores_chart, timeline_chart, tornado, tornado_chart  # noqa: E402


def frame(dated=True):
    cells = {"E1": ["C", "I", "II"], "E2": ["N", "I", "C"], "E3": ["CC", "C", "I"], "E4": ["I", "NA", None]}
    dates = {"E1": "2022-12-01", "E2": "2022-12-10", "E3": None, "E4": "2022-12-19T10:00:00Z"}
    rows = []
    for evidence, ratings in cells.items():
        for index, rating in enumerate(ratings):
            rows.append({"evidence": evidence, "hypothesis": f"H{index + 1}", "rating": rating,
                         "group": "wire" if evidence in ("E1", "E2") else None,
                         **({"date": dates[evidence]} if dated else {})})
    return pd.DataFrame(rows)


def png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=50)
    return buffer.getvalue()


def texts_of(figure) -> str:
    return " ".join(t.get_text() for ax in figure.axes for t in ax.texts + ax.get_yticklabels()
                    + ax.get_xticklabels() + [ax.title, ax.xaxis.label])


def test_every_chart_is_a_figure_that_renders_without_pyplot():
    from matplotlib.figure import Figure

    data = frame()
    figures = [matrix_chart(data), scores_chart(score(data)), timeline_chart(data), tornado_chart(data, "parc")]
    for figure in figures:
        assert isinstance(figure, Figure)
        assert png_bytes(figure).startswith(b"\x89PNG")
    assert "matplotlib.pyplot" not in sys.modules


def test_matrix_chart_shows_ratings_and_marks_syndicated_copies():
    text = texts_of(matrix_chart(frame(), sort_by=None, labels={"E3": "Troops massed near Brest"}))
    assert "II" in text and "CC" in text
    assert "E1  ×2" in text and "Troops massed near Brest" in text
    assert "count" in text                               # the independence note


def test_scores_chart_reports_leaders_per_engine():
    scores = score(frame())
    figure = scores_chart(scores)
    assert len(figure.axes) == 4
    assert [ax.get_title() for ax in figure.axes] == ["PARC inconsistency", "PARC weighted inconsistency",
                                                      "Open Synthesis", "Bayesian posterior"]
    assert "★" in texts_of(figure)


def test_timeline_needs_dates_and_counts_the_dated_items():
    figure = timeline_chart(frame())
    assert "3 of 4 items dated" in figure.axes[0].get_title()
    with pytest.raises(ValueError, match="the timeline needs dates"):
        timeline_chart(frame(dated=False))


def test_tornado_chart_accepts_a_precomputed_table():
    table = tornado(frame(), "open_synthesis")
    figure = tornado_chart(table, top=2)
    assert figure.axes[0].get_title() == "Sensitivity tornado — Open Synthesis"
    assert len(figure.axes[0].get_yticklabels()) == 2


def test_the_charts_take_their_colours_from_the_scales(monkeypatch):
    """One colour table (analysis.scales): a colour changed there is the colour drawn."""
    from matplotlib.colors import to_hex

    from workbench.analysis import scales

    monkeypatch.setitem(scales.RATING_COLOURS, "CC", "#123456")
    monkeypatch.setitem(scales.STANCE_COLOURS, "refute", "#654321")
    mesh = matrix_chart(frame()).axes[0].collections[0]
    assert "#123456" in {to_hex(c) for c in mesh.cmap.colors}
    dots = {to_hex(c) for collection in timeline_chart(frame()).axes[0].collections
            for c in collection.get_facecolors()}
    assert "#654321" in dots
