"""Evidence on the other copies of a story: a quote tagged in one article, found again in each
syndicated or later edited copy of it (``articles.copy_of``), so the reader and the report
show it on every copy.

The copies are found at display time, not stored: the analysis keeps one evidence item per
quote (copies are not independent corroboration), and a copy ingested later shows it at once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._anchor import find_quote
from .store.articles import article_text
from .store.evidence import story_quotes

if TYPE_CHECKING:
    from sqlalchemy import Connection

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
    quotes, members = story_quotes(conn, article_ids, analysis_ids)
    texts: dict[str, str] = {}
    out: dict[str, list[CopyPassage]] = {}
    for q in quotes:
        for copy in members.get(q.root, ()):
            if copy == q.article_id:
                continue
            if copy not in texts:
                texts[copy] = article_text(conn, copy)
            found = find_quote(texts[copy], q.exact or "", q.prefix or "", q.suffix or "", q.start)
            if found is not None:
                out.setdefault(copy, []).append(CopyPassage(q.id, q.analysis_id, copy, found.start, found.end,
                                                            found.method, found.score, q.article_id))
    return out
