"""Shared plumbing of the workbench's anywidgets: bundled ES modules and CSS, a static
HTML fallback in every MIME bundle, and text offsets that agree between Python and JS."""
from __future__ import annotations

from typing import Any

import anywidget
import traitlets as t

from ..render.assets import asset, esm

__all__ = ["BundledWidget", "to_js_offsets", "from_js_offset", "asset", "esm"]  # asset, esm: from render.assets


class BundledWidget(anywidget.AnyWidget):
    """An anywidget whose browser side is ``widgets/<_module>.js`` + CSS files.

    Subclasses set ``_module`` and ``_styles`` and implement ``static_html()``, the view
    shown where no kernel runs (exported notebooks, viewers): it must escape all text.
    """

    _module: str = ""
    _styles: tuple[str, ...] = ("highlight.css",)
    status = t.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        self._esm = esm(f"{self._module}.js")
        self._css = "\n".join(asset(name) for name in self._styles)
        super().__init__(**kwargs)

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
    table = _utf16_prefix(text)
    import bisect

    return bisect.bisect_left(table, offset)


def _utf16_prefix(text: str) -> list[int]:
    table = [0]
    for ch in text:
        table.append(table[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return table
