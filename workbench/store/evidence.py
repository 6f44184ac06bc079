"""The evidence of one analysis as stored: each item joined with its article, its outlet (graded
and as stored) and its story's original, with every analyst's ratings gathered per item.

One query, shared by every reader of an analysis's evidence: the state behind the views and
scores (``workspace/_ach_state``) and the analysis document behind the exports
(``workspace/interchange``). Portable SQL: the per-item ratings aggregate compiles to SQLite's
``json_group_array`` or PostgreSQL's ``json_agg``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, case, func, or_, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from . import schema as s

__all__ = ["EvidenceRows", "evidence_rows", "evidence_counts", "touch_for_rating", "RATED_COLUMNS", "StoryQuote",
           "story_quotes"]

#: The columns of ``EvidenceRows.rated``: one row per analyst's rating of a cell.
RATED_COLUMNS = ("evidence_id", "hypothesis_id", "analyst", "rating")


class _rating_rows(GenericFunction):  # noqa: N801 - named like the SQL functions it stands for
    """[hypothesis id, analyst, rating] triples as one JSON array per evidence item (an aggregate)."""

    inherit_cache = True
    name = "rating_rows"


@compiles(_rating_rows, "sqlite")
def _rating_rows_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(_rating_rows, "postgresql")
def _rating_rows_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


@dataclass(frozen=True)
class EvidenceRows:
    """What ``evidence_rows`` read.

    Attributes:
        columns: the names of each row's values: every ``evidence`` column, then ``copy_of``,
            ``published``, ``url``, ``title`` (of the article), ``source`` (the outlet's name),
            ``reliability`` (the outlet's grade, None until an analyst graded it),
            ``source_reliability`` (the grade as stored, "F" as a placeholder while ungraded),
            ``source_id`` and ``root_source_id`` (the outlet of the story's original),
            ``article_metadata`` (the article's metadata JSON: a PDF's pages, a forward's origin).
        rows: one tuple per item, in position order.
        rated: (evidence_id, hypothesis_id, analyst, rating) for every analyst's rating.
    """

    columns: list[str]
    rows: list[tuple[Any, ...]]
    rated: list[tuple[str, str, str, str]]


def evidence_rows(conn: Connection, analysis_id: str) -> EvidenceRows:
    """Read an analysis's evidence with its articles, outlets and ratings, in one statement.

    Args:
        conn: a workspace connection (a read, or a write reading back what it changed).
        analysis_id: the analysis.

    Returns:
        ``EvidenceRows`` (empty for an analysis with no evidence, or none by that id).
    """
    e, a, src, r = s.evidence, s.articles, s.sources, s.ratings
    root = a.alias("root")   # the original of a syndicated copy: its outlet is the story's origin
    graded = case((src.c.graded == 1, src.c.reliability), else_=None).label("reliability")
    rated = (select(_rating_rows(r.c.hypothesis_id, r.c.analyst, r.c.rating)).where(r.c.evidence_id == e.c.id)
             .scalar_subquery().label("rated"))
    query = (select(e, a.c.copy_of, a.c.published, a.c.url, a.c.title, src.c.name.label("source"), graded,
                    src.c.reliability.label("source_reliability"), a.c.source_id,
                    root.c.source_id.label("root_source_id"), a.c.metadata.label("article_metadata"), rated)
             .select_from(e.outerjoin(a, e.c.article_id == a.c.id).outerjoin(src, a.c.source_id == src.c.id)
                          .outerjoin(root, a.c.copy_of == root.c.id))
             .where(e.c.analysis_id == analysis_id).order_by(e.c.position, e.c.created_at))
    result = conn.execute(query)
    columns = list(result.keys())
    last = columns.index("rated")
    rows, triples = [], []
    for row in result:
        values = tuple(row)
        rows.append(values[:last] + values[last + 1:])
        triples.extend((row.id, *triple) for triple in _parse_rated(values[last]))
    return EvidenceRows(columns=columns[:last] + columns[last + 1:], rows=rows, rated=triples)


def touch_for_rating(conn: Connection, analysis_id: str, ref: str, hypothesis_id: str, analyst: str,
                     stamp: str) -> tuple[str, str | None] | None:
    """Find an evidence item of an analysis, mark it edited, and read one analyst's rating of
    one of its cells: one statement (an ``UPDATE … RETURNING``), for a rating about to change.

    Args:
        conn: the rating's write transaction (roll it back if the rating turns out unchanged).
        analysis_id: the analysis.
        ref: the item's id or E-label ("E3").
        hypothesis_id: the cell's hypothesis.
        analyst: whose rating.
        stamp: the item's new ``updated_at``.

    Returns:
        (the item's id, the analyst's rating of the cell or None), or None: no such item.
    """
    e, r = s.evidence, s.ratings
    label = re.fullmatch(r"E(\d+)", ref)
    which = e.c.position == int(label.group(1)) if label else e.c.id == ref
    current = (select(r.c.rating).where(r.c.evidence_id == e.c.id, r.c.hypothesis_id == hypothesis_id,
                                        r.c.analyst == analyst).scalar_subquery())
    found = conn.execute(update(e).where(e.c.analysis_id == analysis_id, which).values(updated_at=stamp)
                         .returning(e.c.id, current)).all()
    if len(found) != 1:
        return None
    return found[0][0], found[0][1]


def _parse_rated(value: Any) -> list[list[str]]:
    """An item's aggregated ratings: JSON text (SQLite), already a list (PostgreSQL), or None."""
    if value is None:
        return []
    return value if isinstance(value, list) else json.loads(value)


def evidence_counts(conn: Connection) -> dict[str, int]:
    """Article id -> how many evidence items (of every analysis) quote it; articles without any are left out.

    Args:
        conn: a workspace connection.
    """
    e = s.evidence
    rows = conn.execute(select(e.c.article_id, func.count()).where(e.c.article_id.is_not(None))
                        .group_by(e.c.article_id)).all()
    return {article: int(count) for article, count in rows}


class StoryQuote(NamedTuple):
    """A quote tagged in an article that belongs to a story (``root``: the story's original)."""

    id: str
    analysis_id: str
    article_id: str
    start: int
    exact: str | None
    prefix: str | None
    suffix: str | None
    root: str


def story_quotes(conn: Connection, article_ids: Iterable[str] | None = None,
                 analysis_ids: Iterable[str] | None = None) -> tuple[list[StoryQuote], dict[str, list[str]]]:
    """The anchored quotes tagged in any copy of these articles' stories, and each story's copies.

    Args:
        conn: a workspace connection.
        article_ids: the articles shown (default: every article).
        analysis_ids: only these analyses' evidence (default: all).
    Returns:
        (the quotes, story root -> its articles among ``article_ids``); ([], {}) when no quote
        is tagged in those stories. At most three statements.
    """
    a, e = s.articles, s.evidence
    root = func.coalesce(a.c.copy_of, a.c.id)
    wanted = None if article_ids is None else set(article_ids)
    stories = None
    if wanted is not None:  # only the stories of these articles (indexed: id and copy_of)
        stories = {r for (r,) in conn.execute(select(root).where(a.c.id.in_(wanted)))}
        if not stories:
            return [], {}
    query = (select(e.c.id, e.c.analysis_id, e.c.article_id, e.c.start, e.c.exact, e.c.prefix, e.c.suffix,
                    root.label("root"))
             .join(a, a.c.id == e.c.article_id)
             .where(e.c.kind == "quote", e.c.start.is_not(None)))
    if analysis_ids is not None:
        query = query.where(e.c.analysis_id.in_(list(analysis_ids)))
    if stories is not None:
        query = query.where(or_(a.c.id.in_(stories), a.c.copy_of.in_(stories)))
    quotes = [StoryQuote(*q) for q in conn.execute(query).all()]
    if not quotes:
        return [], {}
    roots = {q.root for q in quotes}
    members: dict[str, list[str]] = {}
    for article_id, story in conn.execute(select(a.c.id, root).where(or_(a.c.id.in_(roots),
                                                                         a.c.copy_of.in_(roots)))).all():
        if wanted is None or article_id in wanted:
            members.setdefault(story, []).append(article_id)
    return quotes, members
