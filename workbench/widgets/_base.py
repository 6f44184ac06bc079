"""Shared plumbing of the workbench's anywidgets: bundled ES modules and CSS, the scales sent
once to the browser, messages from the browser dispatched by kind with errors shown to the
analyst, a static HTML fallback in every MIME bundle, and text offsets that agree between
Python and JS."""
from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any, TypeVar

import anywidget
import traitlets as t

from ..analysis.scales import vocabulary
from ..render.assets import asset, esm

__all__ = ["BundledWidget", "handles", "to_js_offsets", "from_js_offset", "asset", "esm"]  # asset, esm: from render.assets

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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # kind -> method name, from the @handles marks of this class and its bases
        cls._handlers = {getattr(member, "_handles"): name
                         for klass in reversed(cls.__mro__) for name, member in vars(klass).items()
                         if callable(member) and hasattr(member, "_handles")}

    def __init__(self, **kwargs: Any) -> None:
        self._esm = esm(f"{self._module}.js")
        self._css = "\n".join(asset(name) for name in self._styles)
        super().__init__(**kwargs)
        self.scale = vocabulary()
        self.on_msg(self._dispatch)

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
