"""The corpus browser widget: every article as a sortable, filterable table."""
from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

import traitlets as t
from sqlalchemy import func, or_, select

from ..store import schema as s
from ._base import BundledWidget

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["CorpusBrowser"]

SEARCH_LIMIT = 5000


class CorpusBrowser(BundledWidget):
    """Search, filter and sort the workspace's articles; clicking a row calls ``on_open(id)``.

    Args:
        ws: the workspace.
        on_open: called with an article id when the analyst opens a row.
    """

    _module = "corpus"
    _styles = ("table.css",)

    rows = t.List().tag(sync=True)
    text_hits = t.List(allow_none=True, default_value=None).tag(sync=True)
    entity_hits = t.List(allow_none=True, default_value=None).tag(sync=True)

    def __init__(self, ws: "Workspace", *, on_open: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self._on_open = [on_open] if on_open else []
        self.on_msg(self._on_message)
        self.refresh()

    def observe_open(self, callback: Callable[[str], None]) -> None:
        self._on_open.append(callback)

    def refresh(self) -> None:
        """Reload the article list (after ingest or new evidence)."""
        frame = self.ws.articles
        e = s.evidence
        with self.ws.store.read() as conn:
            counts = dict(conn.execute(select(e.c.article_id, func.count()).where(e.c.article_id.is_not(None))
                                       .group_by(e.c.article_id)).all())
        rows = []
        for r in frame.to_dict("records"):
            rows.append({k: (None if v != v else v) for k, v in r.items() if k != "ingested_at"}
                        | {"evidence": counts.get(r["id"], 0), "published": (r["published"] or "")[:10] or None})
        self.rows = rows

    def search(self, query: str) -> list[str]:
        """Ids of articles whose text or title contains ``query`` (case-insensitive)."""
        words = query.strip()
        if len(words) < 3:
            return []
        a = s.articles
        pattern = f"%{words.replace('%', '').replace('_', '')}%"
        with self.ws.store.read() as conn:
            return list(conn.execute(select(a.c.id).where(or_(a.c.text.ilike(pattern), a.c.title.ilike(pattern)))
                                     .limit(SEARCH_LIMIT)).scalars())

    def articles_with_entity(self, query: str) -> list[str]:
        """Ids of articles mentioning an entity whose canonical name or surface contains ``query``."""
        needle = query.strip().lower()
        if not needle:
            return []
        mentions = self.ws.entities()
        hit = mentions["canonical"].str.lower().str.contains(needle, regex=False) | \
            mentions["text"].str.lower().str.contains(needle, regex=False)
        return sorted(set(mentions.loc[hit, "article_id"]))

    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        try:
            kind = content.get("kind")
            if kind == "open":
                for callback in self._on_open:
                    callback(str(content["id"]))
            elif kind == "search":
                query = str(content.get("query", ""))
                self.text_hits = self.search(query) if len(query.strip()) >= 3 else None
            elif kind == "entity":
                query = str(content.get("query", ""))
                self.entity_hits = self.articles_with_entity(query) if query.strip() else None
        except Exception as exc:  # noqa: BLE001
            self.status = f"error: {exc}"

    def static_html(self) -> str:
        head = "".join(f"<th>{escape(c)}</th>" for c in ("Title", "Source", "Grade", "Published", "Lang", "Words", "Evidence", "Copy of"))
        body = []
        for r in self.rows[:500]:
            cells = [r.get("title") or "(untitled)", r.get("source") or "", r.get("reliability") or "",
                     r.get("published") or "", r.get("language") or "", r.get("words", ""), r.get("evidence", 0),
                     (r.get("copy_of") or "")[:8]]
            body.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
        more = f"<p>… and {len(self.rows) - 500} more</p>" if len(self.rows) > 500 else ""
        return (f'<div class="wb-static wb-corpus-static"><p>{len(self.rows)} articles</p>'
                f'<table class="wb-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{more}</div>')
