"""Charts of an analysis, each a function returning a matplotlib ``Figure``.

Built with the object-oriented API on a bare ``Figure`` (no pyplot, no global state), so they
work headless and in threads. This module imports matplotlib (through ``_literal``); the package
loads it lazily, on the first chart drawn, so scoring never pays for it. All text is
drawn as typed (``_literal``): a "$" or "\\" in a hypothesis or quote is never mathtext. Save with
``fig.savefig("matrix.png")`` or show in Jupyter by evaluating the figure.
"""
from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._engine import ENGINE_LABELS, ENGINE_NAMES
from ._frame import NO_VOTE, FrameLike, evidence_matrix
from ._literal import LiteralFigure, literal
from .formats import format_score, leaders_sentence
from .ach_matrix import _consensus, matrix as matrix_table
from .scales import RATING_COLOURS, RATING_STANCES, RATINGS, STANCE_COLOURS
from .scoring import INDEPENDENCE_NOTE, Scores
from .sensitivity import tornado

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["matrix_chart", "scores_chart", "timeline_chart", "tornado_chart", "RATING_COLOURS", "TEXT_PT",
           "TITLE_PT", "MAX_WIDTH_IN"]  # colours: scales

_TEXT_ON = {"II": "white", "CC": "white"}
# Legible where the charts are shown: drawn at most MAX_WIDTH_IN wide, a chart is never shrunk on a
# 1280 px screen (the report's column is wider) and shrinks to ~0.8 on an A4 page (182 mm of text):
# TEXT_PT (12 px) then still draws at 9.5 px or more.
TEXT_PT = 9.0       # the smallest text of any chart, in points
TITLE_PT = 10.5     # chart titles
MAX_WIDTH_IN = 9.0  # the widest chart, in inches (72 pt each, 96 CSS px)


def _figure(width: float, height: float) -> Figure:
    return LiteralFigure(figsize=(min(max(width, 4.0), MAX_WIDTH_IN), min(max(height, 3.0), 40.0)), layout="constrained")


def _done(figure: Figure) -> Figure:
    """Every text of the finished chart literal now too (for callers that measure text
    before drawing, e.g. ``tight_layout``)."""
    return literal(figure)


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def matrix_chart(data: FrameLike, *, sort_by: str | None = "bayes", labels: Mapping[str, str] | None = None,
                 max_rows: int = 60, hypotheses: Sequence[str] | None = None) -> Figure:
    """The colour-coded ACH matrix.

    Args:
        data: tidy evidence frame or compiled matrix.
        sort_by: engine whose diagnosticity orders the rows (None: evidence order).
        labels: evidence id → text to show instead of the id (e.g. the quote).
        max_rows: draw at most this many rows (the most diagnostic when sorted).
        hypotheses: hypothesis order.

    Returns:
        A Figure; items of a syndicated group of n copies are marked "×n" (the group counts once).
    """
    from matplotlib.colors import ListedColormap

    compiled = evidence_matrix(data, hypotheses)
    table = matrix_table(compiled, sort_by=sort_by)
    shown = table.index[:max_rows]
    rows = pd.Index(compiled.evidence).get_indexer(shown)
    codes = _consensus(compiled.votes)[rows]
    codes = np.where(codes == NO_VOTE, len(RATINGS), codes)
    names = list(compiled.hypotheses)
    fig = _figure(2.5 + 1.1 * len(names), 1.5 + 0.32 * len(shown))
    ax = fig.add_subplot()
    colours = ListedColormap([RATING_COLOURS[r] for r in RATINGS] + [RATING_COLOURS["unrated"]])
    ax.pcolormesh(codes, cmap=colours, vmin=-0.5, vmax=len(RATINGS) + 0.5, edgecolors="#9e9e9e", linewidth=0.5)
    for (row, column), code in np.ndenumerate(codes):
        if code < len(RATINGS):
            rating = RATINGS[code]
            ax.text(column + 0.5, row + 0.5, rating, ha="center", va="center", fontsize=TEXT_PT,
                    color=_TEXT_ON.get(rating, "black"))
    row_labels = []
    for item, row in zip(shown, rows):
        text = _short((labels or {}).get(item, item))
        size = int(compiled.group_size[row])
        row_labels.append(f"{text}  ×{size}" if size > 1 else text)
    ax.set_yticks(np.arange(len(shown)) + 0.5, row_labels, fontsize=TEXT_PT)
    ax.set_xticks(np.arange(len(names)) + 0.5, [textwrap.fill(n, 18) for n in names], fontsize=TEXT_PT)
    ax.xaxis.tick_top()
    ax.invert_yaxis()
    title = "ACH matrix" + (f" — most diagnostic first ({ENGINE_LABELS[sort_by]})" if sort_by else "")
    if len(table) > len(shown):
        title += f"\nshowing {len(shown)} of {len(table)} items"
    ax.set_title(title, fontsize=TITLE_PT)
    if any(table["counts_as"] < 1):
        width_chars = int(fig.get_figwidth() * 11)
        ax.set_xlabel(textwrap.fill("×n: " + INDEPENDENCE_NOTE, width_chars), fontsize=TEXT_PT)
    return _done(fig)


def scores_chart(scores: Scores) -> Figure:
    """Each engine's score of every hypothesis, one panel per engine, leaders highlighted.

    Args:
        scores: the result of ``score``.

    Returns:
        A Figure with four panels (two by two, so that it stays legible at ``MAX_WIDTH_IN``); who
        leads under each engine (agree, tie or differ) is printed as the title.
    """
    table = scores.hypotheses
    names = [textwrap.fill(str(h), 24) for h in table.index]
    fig = _figure(MAX_WIDTH_IN, 2.0 + 2 * (1.0 + 0.4 * len(names)))
    grid = fig.subplots(2, 2, sharey=True)
    axes = list(grid.flat)
    columns = {"parc": ("parc_inconsistency", "inconsistency (closer to 0 is better)"),
               "parc_weighted": ("parc_weighted_inconsistency", "weighted inconsistency"),
               "open_synthesis": ("open_synthesis_inconsistency", "inconsistency (lower is better)"),
               "bayes": ("bayes_posterior", "posterior probability")}
    positions = np.arange(len(names))
    for ax, engine in zip(axes, ENGINE_NAMES):
        column, label = columns[engine]
        values = table[column].to_numpy(dtype=float)
        leading = [h in scores.leaders[engine] for h in table.index]
        ax.barh(positions, values, color=["#1565c0" if lead else "#90caf9" for lead in leading])
        if engine != "bayes":
            low, high = min(values.min(initial=0.0), 0.0), max(values.max(initial=0.0), 0.0)
            span = (high - low) or 1.0
            ax.set_xlim(low - 0.05 * span, high + 0.35 * span)
            for y, (value, lead) in enumerate(zip(values, leading)):
                ax.annotate(f"{value:.3g}" + (" ★" if lead else ""), (value, y), xytext=(3, 0),
                            textcoords="offset points", va="center", fontsize=TEXT_PT)
        ax.set_title(ENGINE_LABELS[engine], fontsize=TITLE_PT)
        ax.set_xlabel(label, fontsize=TEXT_PT)
        ax.axvline(0, color="black", linewidth=0.6)
        if engine == "bayes":
            ax.set_xlim(0, 1)
            if "bayes_low" in table:   # the range from one observation per origin to every item independent
                low, high = table["bayes_low"].to_numpy(dtype=float), table["bayes_high"].to_numpy(dtype=float)
                ax.hlines(positions, low, high, color="#37474f", linewidth=1.2)
                ax.plot(high, positions, "|", color="#37474f", markersize=8)
                ax.set_xlabel("posterior (bar); line: one per origin → every item independent", fontsize=TEXT_PT)
            ranges = table["bayes_range"] if "bayes_range" in table else [""] * len(values)
            for y, (p, words, spread, lead) in enumerate(zip(values, table["bayes_words"], ranges, leading)):
                shown = f"{format_score(p, 'percent')} {words}" + (f" ({spread})" if spread else "") + (" ★" if lead else "")
                ax.text(min(p + 0.02, 0.45), y - 0.25, shown, va="center", fontsize=TEXT_PT)
    for row in grid:  # sharey: the labels of the left panel serve its row
        row[0].set_yticks(positions, names, fontsize=TEXT_PT)
    axes[0].invert_yaxis()
    said = leaders_sentence({e: list(scores.leaders[e]) for e in ENGINE_NAMES})["text"]
    fig.suptitle(textwrap.fill(f"{said} (★ = leader)", 100), fontsize=TITLE_PT)
    return _done(fig)


def timeline_chart(data: FrameLike, *, hypotheses: Sequence[str] | None = None) -> Figure:
    """Evidence over time: for each hypothesis, when items supporting or refuting it appeared.

    Args:
        data: tidy evidence frame (with a ``date`` column) or compiled matrix.
        hypotheses: hypothesis order.

    Returns:
        A Figure: ▲ supports (C / CC, larger for CC), ▼ refutes (I / II), ● neutral; marker
        area grows with the item's weight. Items without a date are left out.

    Raises:
        ValueError: no item has a date.
    """
    compiled = evidence_matrix(data, hypotheses)
    dated = ~np.isnat(compiled.dates)
    if not dated.any():
        raise ValueError("the timeline needs dates: give the evidence frame a 'date' column")
    codes = _consensus(compiled.votes)
    names = list(compiled.hypotheses)
    fig = _figure(10, 1.5 + 0.5 * len(names))
    ax = fig.add_subplot()
    stances = [(label, [RATINGS.index(r) for r in RATINGS if RATING_STANCES[r] == stance], marker,
                 STANCE_COLOURS[stance])
               for label, stance, marker in (("supports", "support", "^"), ("refutes", "refute", "v"),
                                             ("neutral", "neutral", "o"))]
    strong = np.isin(codes, (RATINGS.index("CC"), RATINGS.index("II")))
    for label, members, marker, colour in stances:
        item, hyp = np.nonzero(np.isin(codes, members) & dated[:, None])
        sizes = 30 * compiled.weights[item] * np.where(strong[item, hyp], 2.0, 1.0)
        ax.scatter(compiled.dates[item], hyp, s=sizes, marker=marker, color=colour, label=label, alpha=0.8,
                   edgecolors="none")
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    # Evidence from a few days would otherwise sit in a years-wide default range.
    first, last = compiled.dates[dated].min(), compiled.dates[dated].max()
    pad = max((last - first) * 0.05, np.timedelta64(3, "D"))
    ax.set_xlim(first - pad, last + pad)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.set_yticks(np.arange(len(names)), [textwrap.fill(n, 28) for n in names], fontsize=TEXT_PT)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.grid(axis="x", color="#eeeeee")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=TEXT_PT, frameon=False)
    ax.set_title(f"Evidence timeline by stance ({int(dated.sum())} of {len(dated)} items dated)", fontsize=TITLE_PT)
    return _done(fig)


def tornado_chart(data: FrameLike | pd.DataFrame, engine: str = "bayes", *, top: int = 15,
                  labels: Mapping[str, str] | None = None) -> Figure:
    """Sensitivity tornado: how far each item can move the leader's margin.

    Args:
        data: a tidy evidence frame / compiled matrix (the tornado is computed), or the table
            returned by ``sensitivity.tornado``.
        engine: engine to analyse when computing.
        top: number of items to show (widest swing first).
        labels: evidence id → text to show instead of the id.

    Returns:
        A Figure: one bar per item from its lowest to its highest margin (removal or a
        one-step move of one of its votes); bars crossing the red line can unseat the leader.
    """
    table = data if isinstance(data, pd.DataFrame) and {"low", "high", "base"} <= set(data.columns) \
        else tornado(data, engine)
    engine = table.attrs.get("engine", engine)
    table = table.head(top)
    fig = _figure(9, 1.5 + 0.35 * len(table))
    ax = fig.add_subplot()
    positions = np.arange(len(table))
    base = float(table["base"].iloc[0]) if len(table) else 0.0
    ax.barh(positions, table["base"] - table["low"], left=table["low"], color=RATING_COLOURS["I"], label="weakens the leader")
    ax.barh(positions, table["high"] - table["base"], left=table["base"], color=RATING_COLOURS["C"],
            label="strengthens the leader")
    ax.axvline(base, color="black", linewidth=0.8)
    ax.axvline(0, color=STANCE_COLOURS["refute"], linewidth=1.0, linestyle="--", label="leader loses first place")
    ax.set_yticks(positions, [_short((labels or {}).get(e, e)) for e in table.index], fontsize=TEXT_PT)
    ax.invert_yaxis()
    leader = table["leader"].iloc[0] if len(table) else ""
    ax.set_xlabel(f"margin of '{leader}' over its best rival", fontsize=TEXT_PT)
    ax.set_title(f"Sensitivity tornado — {ENGINE_LABELS.get(engine, engine)}", fontsize=TITLE_PT)
    ax.legend(fontsize=TEXT_PT, loc="lower right")
    return _done(fig)
