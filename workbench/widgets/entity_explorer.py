"""The entity explorer widget: the corpus's entities, corrections, and mentions in context."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import traitlets as t

from ._base import BundledWidget, handles
from ..nlp import LABELS
from ..render.tables import static_table_html
from ..render.views import ENTITY_STATIC_ROWS, entity_table

if TYPE_CHECKING:
    from ..workspace import Workspace

__all__ = ["EntityExplorer"]


class EntityExplorer(BundledWidget):
    """Browse entities; merge, rename and relabel them (corrections persist in the workspace).

    Args:
        ws: the workspace.
        on_change: called after each correction (the Workbench refreshes the reader).
        on_open: called with an article id when the analyst clicks a mention in context.
    """

    _module = "entity_explorer"
    _styles = ("highlight.css", "table.css", "entity_explorer.css")

    rows = t.List().tag(sync=True)
    labels = t.List().tag(sync=True)
    kwic = t.List().tag(sync=True)
    kwic_title = t.Unicode("").tag(sync=True)

    def __init__(self, ws: "Workspace", *, on_change: Callable[[], None] | None = None,
                 on_open: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self._on_change = [on_change] if on_change else []
        self._on_open = [on_open] if on_open else []
        self.labels = list(LABELS)
        self.refresh()

    def observe_changes(self, callback: Callable[[], None]) -> None:
        self._on_change.append(callback)

    def observe_open(self, callback: Callable[[str], None]) -> None:
        self._on_open.append(callback)

    def refresh(self) -> None:
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
        merged = [e for e in content.get("entities", []) if e != target]
        for entity in merged:
            self.ws.merge_entities(str(entity), target)
        self._corrected(f"merged {', '.join(merged)} into {target}")

    @handles("rename")
    def _rename(self, content: dict[str, Any]) -> None:
        self.ws.rename_entity(str(content["entity"]), str(content["target"]))
        self._corrected(f"renamed {content['entity']} to {content['target']}")

    @handles("relabel")
    def _relabel(self, content: dict[str, Any]) -> None:
        self.ws.relabel_entity(str(content["entity"]), str(content["label"]))
        self._corrected(f"relabelled {content['entity']} as {content['label']}")

    def _corrected(self, status: str) -> None:
        self.status = status
        self.refresh()
        for callback in self._on_change:
            callback()

    def _select(self, entity: str, label: str | None) -> None:
        context = self.ws.mentions_in_context(entity, label=label)
        self.kwic_title = f"{entity}: {len(context)} mentions shown"
        self.kwic = context.to_dict("records")

    def static_html(self) -> str:
        """The entity table as static, escaped HTML (the report's entity index, drawn the same way)."""
        return static_table_html(entity_table(self.rows, limit=ENTITY_STATIC_ROWS), "entities")
