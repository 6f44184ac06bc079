"""The corpus browser widget: every article as a sortable, filterable table."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import traitlets as t

from ._base import BundledWidget, handles
from ..render.tables import static_table_html
from ..render.views import corpus_table

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["CorpusBrowser", "SEARCH_HITS"]

SEARCH_HITS = 200  # the best matches a search box shows (each with its snippet)


class CorpusBrowser(BundledWidget):
    """Search, filter and sort the workspace's articles; clicking a row calls ``on_open(id)``.

    Args:
        ws: the workspace.
        on_open: called with an article id when the analyst opens a row.
    """

    _module = "corpus_browser"
    _styles = ("table.css", "corpus_browser.css")

    rows = t.List().tag(sync=True)
    text_hits = t.List(allow_none=True, default_value=None).tag(sync=True)  # ranked: best match first
    snippets = t.Dict().tag(sync=True)  # article id -> {"text": snippet, "marks": [[start, end], ...]}
    entity_hits = t.List(allow_none=True, default_value=None).tag(sync=True)

    def __init__(self, ws: "Workspace", *, on_open: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self._on_open = [on_open] if on_open else []
        self.refresh()

    def observe_open(self, callback: Callable[[str], None]) -> None:
        self._on_open.append(callback)

    def refresh(self) -> None:
        """Reload the article list (after ingest or new evidence)."""
        frame = self.ws.articles
        counts = self.ws.evidence_counts()
        rows = []
        for r in frame.to_dict("records"):
            rows.append({k: (None if v != v else v) for k, v in r.items() if k != "ingested_at"}
                        | {"evidence": counts.get(r["id"], 0), "published": (r["published"] or "")[:10] or None})
        self.rows = rows

    def search(self, query: str) -> list[str]:
        """Ids of the articles matching ``query`` (ranked search, inflected forms found), best
        first; their snippets go to ``snippets`` (plain text and offsets: the view escapes)."""
        found = self.ws.search(query, copies=True, limit=SEARCH_HITS)
        self.snippets = {ident: {"text": text, "marks": marks}
                         for ident, text, marks in zip(found["article_id"], found["snippet"], found["highlights"])}
        return list(found["article_id"])

    def articles_with_entity(self, query: str) -> list[str]:
        """Ids of articles mentioning an entity whose canonical name or surface contains ``query``."""
        needle = query.strip().lower()
        if not needle:
            return []
        mentions = self.ws.entities()
        hit = mentions["canonical"].str.lower().str.contains(needle, regex=False) | \
            mentions["text"].str.lower().str.contains(needle, regex=False)
        return sorted(set(mentions.loc[hit, "article_id"]))

    @handles("open")
    def _open(self, content: dict[str, Any]) -> None:
        for callback in self._on_open:
            callback(str(content["id"]))

    @handles("search")
    def _search(self, content: dict[str, Any]) -> None:
        query = str(content.get("query", ""))
        self.text_hits = self.search(query) if len(query.strip()) >= 3 else None

    @handles("entity")
    def _entity(self, content: dict[str, Any]) -> None:
        query = str(content.get("query", ""))
        self.entity_hits = self.articles_with_entity(query) if query.strip() else None

    def static_html(self) -> str:
        """The article list as static, escaped HTML."""
        return static_table_html(corpus_table(self.rows), "corpus")
