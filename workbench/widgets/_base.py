"""Shared plumbing of the workbench's anywidgets: bundled ES modules and CSS, the scales sent
once to the browser, messages from the browser dispatched by kind with errors shown to the
analyst, a static HTML fallback in every MIME bundle, following other notebooks' changes, and
text offsets that agree between Python and JS.

Following (``follow``): while a view of the widget is on screen, its ES module (through the one
shared ``widgets/follow.js``) sends a "poll" message every ``poll_ms``; the kernel asks the
workspace for the changes logged since the widget's cursor (one indexed statement) and hands any
to ``_remote_changes``. The browser drives it, not a kernel thread: the kernel answers on its own
main thread, between cells, so a poll never races a message of the analyst's, its answer travels
as any trait change does, and polling stops by itself when the view is closed, hidden (a
background tab of the Workbench, a folded output, a hidden browser tab) or the widget closed.
(A poll queued behind a running cell waits for it.)"""
from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import anywidget
import traitlets as t

from ..analysis.scales import vocabulary
from ..render.article import base_css
from ..render.assets import asset, esm

if TYPE_CHECKING:
    from ..workspace import Workspace
    from ..workspace.core import Change

__all__ = ["BundledWidget", "handles", "to_js_offsets", "from_js_offset", "asset", "esm",  # asset, esm: render.assets
           "POLL_MS"]

POLL_MS = 1000
"""How often an open widget asks for other notebooks' changes (the goal: seen within 2 s)."""

Handler = TypeVar("Handler", bound=Callable[..., None])


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Mark a widget method as the handler of the browser's ``{"kind": kind, ...}`` messages.

    Args:
        kind: the message kind the ES module sends.
    Returns:
        A decorator; the method is called with the message content (a dict).
    """
    def mark(method: Handler) -> Handler:
        method._handles = kind  # type: ignore[attr-defined]
        return method
    return mark


class BundledWidget(anywidget.AnyWidget):
    """An anywidget whose browser side is ``widgets/<_module>.js`` + CSS files.

    Subclasses set ``_module`` and ``_styles``, mark the methods that take the browser's
    messages with ``@handles(kind)``, and implement ``static_html()``, the view shown where
    no kernel runs (exported notebooks, viewers): it must escape all text.
    """

    _module: str = ""
    _styles: tuple[str, ...] = ("highlight.css",)
    _handlers: dict[str, str] = {}
    status = t.Unicode("").tag(sync=True)
    #: the rating scale, weights and grades, from ``analysis.scales`` (the JS spells none of them)
    scale = t.Dict().tag(sync=True)
    #: milliseconds between the browser's "poll" messages while shown (0: the widget follows nothing)
    poll_ms = t.Int(0).tag(sync=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # kind -> method name, from the @handles marks of this class and its bases
        cls._handlers = {getattr(member, "_handles"): name
                         for klass in reversed(cls.__mro__) for name, member in vars(klass).items()
                         if callable(member) and hasattr(member, "_handles")}

    def __init__(self, **kwargs: Any) -> None:
        self._esm = esm(f"{self._module}.js")
        # highlight.css names each label's colour as a variable the label's class sets: the
        # rules setting them come with it (base_css), or every highlight is grey
        self._css = "\n".join(base_css() if name == "highlight.css" else asset(name) for name in self._styles)
        super().__init__(**kwargs)
        self.scale = vocabulary()
        self.on_msg(self._dispatch)
        self._followed: "Workspace | None" = None
        self._cursor = 0
        self._polled_at = -float("inf")
        # this widget's own writes not yet met in the feed: each picks the event it logged
        self._own_writes: list[Callable[["Change"], bool]] = []

    # -- following other notebooks ----------------------------------------------------------
    def follow(self, ws: "Workspace | None", every_ms: int = POLL_MS) -> None:
        """Show other notebooks' changes to ``ws`` while the widget is on screen (None: stop).

        Args:
            ws: the workspace whose change log to follow.
            every_ms: the browser's poll period.
        """
        self._followed = ws
        self.poll_ms = int(every_ms) if ws is not None else 0

    def mark_seen(self) -> None:
        """Take the change log's newest event as seen: call it just BEFORE reading what the
        widget shows, so that a change made while reading is seen by the next poll."""
        if self._followed is not None:
            self._cursor = self._followed.latest_change()
            self._own_writes.clear()   # everything up to now is read: own writes included

    def skip_own(self, changed: bool, concerns: Callable[["Change"], bool]) -> None:
        """After a write of this widget whose result was read inside its own transaction: have the
        next poll pass over that write's event, so it does not redraw what is shown already.

        Everything logged up to the write's event is in what the write read back (one writer at a
        time). The write's event is the first new event ``concerns`` picks; with several (the same
        analyst working in two notebooks at once) the first is taken: a later one is shown again.
        Nothing is read here: the poll that meets the event drops it and those before it.

        Args:
            changed: whether the write changed anything (an unchanged write logs no event).
            concerns: picks the events this widget's own write could have logged.
        """
        if self._followed is not None and changed:
            self._own_writes.append(concerns)

    def _unseen(self, events: list["Change"]) -> list["Change"]:
        """The events not already shown: those after each own write's event (``skip_own``)."""
        while self._own_writes and events:
            own = next((i for i, event in enumerate(events) if self._own_writes[0](event)), None)
            if own is None:   # not logged yet in this batch (a long feed): look again next time
                break
            self._own_writes.pop(0)
            events = events[own + 1:]
        return events

    def close(self) -> None:
        """Close the widget: its views go, and so does following (a late poll reads nothing)."""
        self._followed = None
        self._own_writes.clear()
        super().close()

    @handles("poll")
    def _poll(self, _content: dict[str, Any]) -> None:
        """The browser asks: has anyone changed the workspace since the cursor?"""
        if self._followed is None:
            return
        now = time.monotonic()
        if now - self._polled_at < self.poll_ms / 2000:   # two views of one widget: one poll a period
            return
        self._polled_at = now
        try:
            events = self._followed.changes_since(self._cursor)
        except Exception as exc:  # noqa: BLE001 - a closed or vanished workspace: say so once, stop asking
            first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
            self.status = f"stopped following other notebooks' changes: {first_line}"
            self.follow(None)
            return
        if events:
            self._cursor = events[-1].id
            events = self._unseen(events)
        if events:
            self._remote_changes(events)

    @staticmethod
    def who(events: list["Change"]) -> str:
        """The actors of some events, for a status line ("ana, ben")."""
        return ", ".join(sorted({event.actor for event in events}))

    def _remote_changes(self, events: list["Change"]) -> None:
        """Show changes made elsewhere (default: nothing). Called with the cursor already past them."""

    def _dispatch(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Call the handler of the message's kind; an error is shown in ``status``, never lost."""
        kind = content.get("kind") if isinstance(content, dict) else None
        name = self._handlers.get(kind) if isinstance(kind, str) else None
        if name is None:
            return
        try:
            getattr(self, name)(content)
        except Exception as exc:  # noqa: BLE001 - shown to the analyst, never lost silently
            self.status = f"error: {exc}"
            self._after_error()

    def _after_error(self) -> None:
        """Put the view back as the kernel knows it after a failed message (default: nothing)."""

    def static_html(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        data = {**data, "text/html": self.static_html()}
        return data, metadata


def _has_astral(text: str) -> bool:
    return any(ord(ch) > 0xFFFF for ch in text)


def to_js_offsets(text: str, offsets: list[int]) -> list[int]:
    """Python code-point offsets → JavaScript UTF-16 offsets (identical unless the text
    holds characters beyond the Basic Multilingual Plane, such as emoji)."""
    if not _has_astral(text):
        return offsets
    table = _utf16_prefix(text)
    return [table[o] for o in offsets]


def from_js_offset(text: str, offset: int) -> int:
    """A JavaScript UTF-16 offset → a Python code-point offset."""
    if not _has_astral(text):
        return offset
    return bisect.bisect_left(_utf16_prefix(text), offset)


def _utf16_prefix(text: str) -> list[int]:
    table = [0]
    for ch in text:
        table.append(table[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return table
