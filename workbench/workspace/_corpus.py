"""Corpus look-ups the widgets ask for: evidence counts per article and a text search (the
widgets run no SQL of their own)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select

from ..store import schema as s

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["CorpusQueries", "SEARCH_LIMIT"]

SEARCH_LIMIT = 5000


class CorpusQueries:
    """Mixed into ``Workspace``: questions about the whole corpus answered by one query each."""

    store: "Store"

    def evidence_counts(self) -> dict[str, int]:
        """Article id -> how many evidence items (of every analysis) quote it; articles without any are left out."""
        e = s.evidence
        with self.store.read() as conn:
            rows = conn.execute(select(e.c.article_id, func.count()).where(e.c.article_id.is_not(None))
                                .group_by(e.c.article_id)).all()
        return {article: int(count) for article, count in rows}

    def search_articles(self, query: str, *, limit: int = SEARCH_LIMIT) -> list[str]:
        """Ids of articles whose text or title contains ``query`` (case-insensitive; at least 3 characters).

        Args:
            query: the words to find (``%`` and ``_`` are taken literally: they are dropped).
            limit: at most this many ids.
        Returns:
            Article ids ([] for a query shorter than 3 characters).
        """
        words = query.strip()
        if len(words) < 3:
            return []
        a = s.articles
        pattern = f"%{words.replace('%', '').replace('_', '')}%"
        with self.store.read() as conn:
            return list(conn.execute(select(a.c.id).where(or_(a.c.text.ilike(pattern), a.c.title.ilike(pattern)))
                                     .limit(limit)).scalars())
