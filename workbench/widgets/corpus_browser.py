"""The corpus browser widget: every article as a sortable, filterable table, following the
articles other notebooks ingest and the evidence they tag."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import traitlets as t

from ._base import POLL_MS, BundledWidget, handles
from ..render._report_alerts import alert_badge_html
from ..render.tables import static_table_html
from ..render.views import corpus_table

if TYPE_CHECKING:
    from ..workspace import Workspace
    from ..workspace.core import Change

__all__ = ["CorpusBrowser", "SEARCH_HITS"]

SEARCH_HITS = 200
_BADGE_TITLES = 10  # the alert badge's tooltip lists this many articles  # the best matches a search box shows (each with its snippet)

#: change-log targets that change the evidence column only (a tag, an undo, a re-anchored item)
_COUNTED = frozenset({"analysis", "evidence"})


class CorpusBrowser(BundledWidget):
    """Search, filter and sort the workspace's articles; clicking a row calls ``on_open(id)``.

    Args:
        ws: the workspace.
        on_open: called with an article id when the analyst opens a row.
        live: follow other notebooks' changes while shown (polled every second): articles they
            ingest, sources they grade and the evidence they tag appear in the table; the typed
            query, the filters, the sort and the scroll stay.
    """

    _module = "corpus_browser"
    _styles = ("table.css", "corpus_browser.css")

    rows = t.List().tag(sync=True)
    text_hits = t.List(allow_none=True, default_value=None).tag(sync=True)  # ranked: best match first
    snippets = t.Dict().tag(sync=True)  # article id -> {"text": snippet, "marks": [[start, end], ...]}
    entity_hits = t.List(allow_none=True, default_value=None).tag(sync=True)
    new_alerts = t.Int(0).tag(sync=True)  # alerts indicators raised, not decided yet (the badge)
    alert_titles = t.List().tag(sync=True)  # their articles' titles, plain text (the badge's tooltip)

    def __init__(self, ws: "Workspace", *, on_open: Callable[[str], None] | None = None, live: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self._on_open = [on_open] if on_open else []
        # the queries the page last sent, asked again when the corpus changes under them
        self._text_query = ""
        self._entity_query = ""
        if live:
            self.follow(ws, POLL_MS)
        self.refresh()

    def observe_open(self, callback: Callable[[str], None]) -> None:
        self._on_open.append(callback)

    def refresh(self) -> None:
        """Reload the article list (after ingest or new evidence)."""
        self.mark_seen()   # before the reads: a change made meanwhile is seen by the next poll
        frame = self.ws.articles
        counts = self.ws.evidence_counts()
        rows = []
        for r in frame.to_dict("records"):
            rows.append({k: (None if v != v else v) for k, v in r.items() if k != "ingested_at"}
                        | {"evidence": counts.get(r["id"], 0), "published": (r["published"] or "")[:10] or None})
        self.rows = rows
        self.refresh_alerts()

    def refresh_alerts(self) -> None:
        """Reload the badge: how many alerts are new, and the titles of their articles (the first few)."""
        new = self.ws.alerts()
        self.new_alerts = len(new)
        titles = [str(title or "(untitled)") for title in new["title"]]
        self.alert_titles = titles[:_BADGE_TITLES] + ([f"… and {len(titles) - _BADGE_TITLES} more"]
                                                      if len(titles) > _BADGE_TITLES else [])

    def refresh_counts(self) -> bool:
        """Reload only the evidence column (after a tag or an undo: the articles are the same).

        Returns:
            Whether a count changed.
        """
        counts = self.ws.evidence_counts()
        rows = [row if row["evidence"] == counts.get(row["id"], 0) else {**row, "evidence": counts.get(row["id"], 0)}
                for row in self.rows]
        if rows == self.rows:
            return False
        self.rows = rows
        return True

    def search(self, query: str) -> list[str]:
        """Ids of the articles matching ``query`` (ranked search, inflected forms found), best
        first; their snippets go to ``snippets`` (plain text and offsets: the view escapes)."""
        found = self.ws.search(query, copies=True, limit=SEARCH_HITS)
        self.snippets = {ident: {"text": text, "marks": marks}
                         for ident, text, marks in zip(found["article_id"], found["snippet"], found["highlights"])}
        return list(found["article_id"])

    def articles_with_entity(self, query: str) -> list[str]:
        """Ids of articles mentioning an entity whose canonical name or surface contains ``query``,
        in any script (``Workspace.articles_with_entity``)."""
        return self.ws.articles_with_entity(query)

    def _remote_changes(self, events: list["Change"]) -> None:
        """Another notebook changed the workspace: reload what of it the table shows.

        Ingests and source grades reload the list; tags and undos the evidence column only; new
        articles and entity corrections ask the page's text and entity queries again.
        """
        listed = [e for e in events if e.action == "ingest" or e.target_type == "source"]
        counted = [e for e in events if e.target_type in _COUNTED]
        entities = [e for e in events if e.target_type == "entity_rule" or e.action == "rerun-entities"]
        if not (listed or counted or entities):
            return
        try:
            recounted = False
            if listed:
                self.refresh()
            elif counted:
                recounted = self.refresh_counts()
                self.refresh_alerts()  # an alert accepted or dismissed elsewhere
            if listed and self._text_query:
                self._ask_text(self._text_query)
            if (listed or entities) and self._entity_query:
                self._ask_entity(self._entity_query)
        except Exception as exc:  # noqa: BLE001 - shown to the analyst, never raised into the kernel
            self.status = f"error: {exc}"
            return
        added = sum(e.action == "ingest" for e in listed)
        parts = [f"added {added} article{'s' if added != 1 else ''}" if added else "",
                 "graded a source" if len(listed) > added else "", "changed evidence counts" if recounted else ""]
        if any(parts):   # a rating elsewhere changes nothing shown here: nothing to say
            self.status = f"updated: {self.who(listed + counted)} {', '.join(p for p in parts if p)}"

    @handles("open")
    def _open(self, content: dict[str, Any]) -> None:
        for callback in self._on_open:
            callback(str(content["id"]))

    @handles("search")
    def _search(self, content: dict[str, Any]) -> None:
        self._ask_text(str(content.get("query", "")))

    @handles("entity")
    def _entity(self, content: dict[str, Any]) -> None:
        self._ask_entity(str(content.get("query", "")))

    def _ask_text(self, query: str) -> None:
        self._text_query = query
        self.text_hits = self.search(query) if len(query.strip()) >= 3 else None

    def _ask_entity(self, query: str) -> None:
        self._entity_query = query
        self.entity_hits = self.articles_with_entity(query) if query.strip() else None

    def static_html(self) -> str:
        """The article list as static, escaped HTML (after the new-alert count, when there are any)."""
        return alert_badge_html(self.new_alerts, self.alert_titles) + static_table_html(corpus_table(self.rows), "corpus")
