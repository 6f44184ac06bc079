"""Corpus look-ups the widgets ask for: evidence counts per article, the ranked search
(``_search``) and the older substring scan (the widgets run no SQL of their own)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..store.articles import search_articles
from ..store.evidence import evidence_counts
from ._search import CorpusSearch

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["CorpusQueries", "SEARCH_LIMIT"]

SEARCH_LIMIT = 5000


class CorpusQueries(CorpusSearch):
    """Mixed into ``Workspace``: questions about the whole corpus answered by one query each."""

    store: "Store"

    def evidence_counts(self) -> dict[str, int]:
        """Article id -> how many evidence items (of every analysis) quote it; articles without any are left out."""
        with self.store.read() as conn:
            return evidence_counts(conn)

    def search_articles(self, query: str, *, limit: int = SEARCH_LIMIT) -> list[str]:
        """Ids of articles whose text or title contains ``query`` (case-insensitive; at least 3 characters):
        a substring scan without ranking or word forms (``search`` ranks and finds inflected forms).

        Args:
            query: the words to find (``%`` and ``_`` are taken literally: they are dropped).
            limit: at most this many ids.
        Returns:
            Article ids ([] for a query shorter than 3 characters).
        """
        words = query.strip()
        if len(words) < 3:
            return []
        with self.store.read() as conn:
            return search_articles(conn, words, limit=limit)
