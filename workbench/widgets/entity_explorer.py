"""The entity explorer widget: the corpus's entities, corrections, and mentions in context,
following the corrections and ingests of other notebooks."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import traitlets as t

from ._base import POLL_MS, BundledWidget, handles
from ..nlp import LABELS
from ..render.tables import static_table_html
from ..render.table_views import ENTITY_STATIC_ROWS, entity_table

if TYPE_CHECKING:
    from ..workspace import Workspace
    from ..workspace.core import Change

__all__ = ["EntityExplorer"]

#: change-log actions that change the entity table besides corrections (new or re-run mentions)
_MENTIONS_MOVED = frozenset({"ingest", "rerun-entities"})


class EntityExplorer(BundledWidget):
    """Browse entities and correct them: merge, rename, relabel, split a spelling off, delete,
    add a missed mention; undo the last correction (corrections persist in the workspace).

    Args:
        ws: the workspace.
        on_change: called after each correction (the Workbench refreshes the reader).
        on_open: called with an article id when the analyst clicks a mention in context.
        live: follow other notebooks' changes while shown (polled every second): their merges,
            renames, relabels, undos and ingests redraw the table and the mentions in context;
            the filter, the selection, the typed name and the scroll stay.
    """

    _module = "entity_explorer"
    _styles = ("highlight.css", "table.css", "entity_explorer.css")

    rows = t.List().tag(sync=True)
    labels = t.List().tag(sync=True)
    kwic = t.List().tag(sync=True)
    kwic_title = t.Unicode("").tag(sync=True)
    #: what Undo would take back, newest last (the button says the last one; empty: nothing to undo)
    undo_stack = t.List().tag(sync=True)

    def __init__(self, ws: "Workspace", *, on_change: Callable[[], None] | None = None,
                 on_open: Callable[[str], None] | None = None, live: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self._on_change = [on_change] if on_change else []
        self._on_open = [on_open] if on_open else []
        self._selected: tuple[str, str | None] | None = None   # whose mentions in context are shown
        self.labels = list(LABELS)
        self._undo: list[tuple[str, list[int]]] = []   # (what was done, its rule ids)
        if live:
            self.follow(ws, POLL_MS)
        self.refresh()

    def observe_changes(self, callback: Callable[[], None]) -> None:
        self._on_change.append(callback)

    def observe_open(self, callback: Callable[[str], None]) -> None:
        self._on_open.append(callback)

    def refresh(self) -> None:
        """Reload the entity table (after a correction or an ingest)."""
        self.mark_seen()   # before the read: a change made meanwhile is seen by the next poll
        table = self.ws.entity_table()
        self.rows = [{**r, "aliases": list(r["aliases"]), "mentions": int(r["mentions"]), "articles": int(r["articles"])}
                     for r in table.to_dict("records")]

    @handles("select")
    def _select_message(self, content: dict[str, Any]) -> None:
        self._select(str(content["entity"]), content.get("label"))

    @handles("open")
    def _open(self, content: dict[str, Any]) -> None:
        for callback in self._on_open:
            callback(str(content["article_id"]))

    @handles("merge")
    def _merge(self, content: dict[str, Any]) -> None:
        target = str(content["target"])
        merged = [str(e) for e in content.get("entities", []) if e != target]
        with self._batch(lambda done: f"merged {', '.join(done)} into {target}") as done:
            for entity in merged:
                done.append((entity, self.ws.merge_entities(entity, target)))

    @handles("rename")
    def _rename(self, content: dict[str, Any]) -> None:
        rule = self.ws.rename_entity(str(content["entity"]), str(content["target"]))
        self._corrected(f"renamed {content['entity']} to {content['target']}", [rule])

    @handles("relabel")
    def _relabel(self, content: dict[str, Any]) -> None:
        rule = self.ws.relabel_entity(str(content["entity"]), str(content["label"]))
        self._corrected(f"relabelled {content['entity']} as {content['label']}", [rule])

    @handles("split")
    def _split(self, content: dict[str, Any]) -> None:
        entity, text, new = str(content["entity"]), str(content["text"]), str(content["target"])
        label = str(content["label"]) if content.get("label") else None
        rule = self.ws.split_entity(entity, text, new, label=label)
        self._corrected(f"split {text} off {entity} as {new}" + (f" ({label})" if label else ""), [rule])

    @handles("delete")
    def _delete(self, content: dict[str, Any]) -> None:
        """Delete the mentions written ``text`` (one spelling), else whole entities."""
        if content.get("text"):
            text, label = str(content["text"]), content.get("label")
            rule = self.ws.delete_mention(text, label=str(label) if label else None)
            self._corrected(f"deleted the mentions written {text}", [rule])
            return
        with self._batch(lambda done: f"deleted {', '.join(done)}") as done:
            for item in content.get("entities", []):
                entity, label = str(item["entity"]), item.get("label")
                done.append((entity, self.ws.delete_entity(entity, label=str(label) if label else None)))

    @handles("add")
    def _add(self, content: dict[str, Any]) -> None:
        """Add a missed mention: in one article, or everywhere (articles ingested later too)."""
        text, label = str(content.get("text", "")), str(content.get("label", ""))
        article = str(content.get("article_id") or "").strip() or None
        canonical = str(content.get("target") or "").strip() or None
        rule = self.ws.add_mention(article, text, label, canonical=canonical, everywhere=article is None)
        where = f"article {article}" if article else "every article"
        self._corrected(f"added {text} as {label} in {where}", [rule])

    @handles("undo")
    def _undo_last(self, _content: dict[str, Any]) -> None:
        if not self._undo:
            self.status = "nothing to undo"
            return
        done, rules = self._undo[-1]
        while rules:                     # newest first: a later rule may name what an earlier one made
            self.ws.undo_correction(rules[-1])
            rules.pop()                  # an undo that fails half-way leaves only the rest to undo
        self._undo.pop()
        self._corrected(f"undo: {done}", None)

    @contextmanager
    def _batch(self, describe: Callable[[list[str]], str]) -> Iterator[list[tuple[str, int]]]:
        """Run a correction of several entities; what succeeded is kept, shown and undoable even
        when one fails (the error is then shown, by the dispatcher)."""
        done: list[tuple[str, int]] = []
        try:
            yield done
        finally:
            if done:
                self._corrected(describe([name for name, _ in done]), [rule for _, rule in done])

    def _corrected(self, status: str, rules: list[int] | None) -> None:
        if rules:
            self._undo.append((status, rules))
        self.undo_stack = [done for done, _ in self._undo]
        self.status = status
        self.refresh()
        for callback in self._on_change:
            callback()

    def _remote_changes(self, events: list["Change"]) -> None:
        """Another notebook corrected entities or ingested articles: redraw the table, and the
        mentions in context of the entity shown (or say that it is gone)."""
        moved = [e for e in events if e.target_type == "entity_rule" or e.action in _MENTIONS_MOVED]
        if not moved:
            return
        try:
            self.refresh()
            if self._selected is not None:
                entity, label = self._selected
                if any(r["entity"] == entity and (label is None or r["label"] == label) for r in self.rows):
                    self._select(entity, label)
                else:
                    self.kwic_title = f"{entity}: no longer in the corpus (corrected by {self.who(moved)})"
                    self.kwic = []
        except Exception as exc:  # noqa: BLE001 - shown to the analyst, never raised into the kernel
            self.status = f"error: {exc}"
            return
        corrected = [e for e in moved if e.target_type == "entity_rule"]
        what = "corrected entities" if corrected else "added mentions"
        self.status = f"updated: {self.who(moved)} {what}"

    def _select(self, entity: str, label: str | None) -> None:
        self._selected = (entity, label)
        context = self.ws.mentions_in_context(entity, label=label)
        self.kwic_title = f"{entity}: {len(context)} mentions shown"
        self.kwic = context.to_dict("records")

    def static_html(self) -> str:
        """The entity table as static, escaped HTML (the report's entity index, drawn the same way)."""
        return static_table_html(entity_table(self.rows, limit=ENTITY_STATIC_ROWS), "entities")
