"""Evidence on the other copies of a story: a quote tagged in one article, found again in each
syndicated or later edited copy of it (``articles.copy_of``), so the reader and the report
show it on every copy.

The copies are found at display time, not stored: the analysis keeps one evidence item per
quote (copies are not independent corroboration), and a copy ingested later shows it at once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, or_, select

from .store import schema as s
from ._anchor import find_quote

__all__ = ["CopyPassage", "copy_passages"]


@dataclass(frozen=True)
class CopyPassage:
    """A quote found again in another copy of the story it was tagged in."""

    evidence_id: str
    analysis_id: str
    article_id: str       # the copy it was found in
    start: int
    end: int
    method: str           # exact | fuzzy
    score: float
    tagged_in: str        # the article the quote was tagged in


def copy_passages(conn: Connection, article_ids: Iterable[str] | None = None,
                  analysis_ids: Iterable[str] | None = None) -> dict[str, list[CopyPassage]]:
    """Quotes tagged in another copy of the same story, found in each of these articles.

    Args:
        conn: a workspace connection.
        article_ids: the articles to show (default: all with a copy that holds evidence).
        analysis_ids: only these analyses' evidence (default: all).
    Returns:
        Article id -> its passages from other copies (a quote that cannot be found in a copy
        is left out there: the copy was edited too much).
    """
    a, e = s.articles, s.evidence
    root = func.coalesce(a.c.copy_of, a.c.id)
    wanted = None if article_ids is None else set(article_ids)
    stories = None
    if wanted is not None:  # only the stories of these articles (indexed: id and copy_of)
        stories = {r for (r,) in conn.execute(select(root).where(a.c.id.in_(wanted)))}
        if not stories:
            return {}
    query = (select(e.c.id, e.c.analysis_id, e.c.article_id, e.c.start, e.c.exact, e.c.prefix, e.c.suffix,
                    root.label("root"))
             .join(a, a.c.id == e.c.article_id)
             .where(e.c.kind == "quote", e.c.start.is_not(None)))
    if analysis_ids is not None:
        query = query.where(e.c.analysis_id.in_(list(analysis_ids)))
    if stories is not None:
        query = query.where(or_(a.c.id.in_(stories), a.c.copy_of.in_(stories)))
    quotes = conn.execute(query).all()
    if not quotes:
        return {}
    roots = {q.root for q in quotes}
    members: dict[str, list[str]] = {}
    for article_id, story in conn.execute(select(a.c.id, root).where(or_(a.c.id.in_(roots),
                                                                         a.c.copy_of.in_(roots)))).all():
        if wanted is None or article_id in wanted:
            members.setdefault(story, []).append(article_id)
    texts: dict[str, str] = {}
    out: dict[str, list[CopyPassage]] = {}
    for q in quotes:
        for copy in members.get(q.root, ()):
            if copy == q.article_id:
                continue
            if copy not in texts:
                texts[copy] = conn.execute(select(a.c.text).where(a.c.id == copy)).scalar_one()
            found = find_quote(texts[copy], q.exact or "", q.prefix or "", q.suffix or "", q.start)
            if found is not None:
                out.setdefault(copy, []).append(CopyPassage(q.id, q.analysis_id, copy, found.start, found.end,
                                                            found.method, found.score, q.article_id))
    return out
