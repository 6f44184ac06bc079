"""HTML for highlighted articles: plain data in, one escaped HTML fragment out.

Shared by ``show()``, the widgets' static views, the report and notebook exports.
Every piece of article text and metadata passes through ``html.escape``.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache, partial
from html import escape
from typing import Any

from .._paths import bundled
from ..nlp import LABELS
from .views import article_view, legend_rows

__all__ = ["highlight", "highlight_passages", "render_article", "article_html", "label_styles", "base_css", "css_class",
           "legend", "legend_html"]

_UNKNOWN_PALETTE = ("#9aa5b1", "#b8a07e", "#8fb3a9", "#b39bc8", "#c9a0a0", "#a3b86c")


def css_class(label: str) -> str:
    """A safe CSS class for a label (labels may come from analysts: never trust them)."""
    return "wb-l-" + re.sub(r"[^A-Za-z0-9_-]", "_", label)[:40]


def _colour(label: str) -> str:
    known = LABELS
    if label in known:
        return known[label].colour
    digest = hashlib.md5(label.encode("utf-8")).digest()[0]
    return _UNKNOWN_PALETTE[digest % len(_UNKNOWN_PALETTE)]


def label_styles(labels: Iterable[str]) -> str:
    """CSS rules giving each label its colour."""
    rules = []
    for label in sorted(set(labels) | set(LABELS)):
        rules.append(f".{css_class(label)}{{--wb-c:{_colour(label)}}}")
    return "\n".join(rules)


@lru_cache(maxsize=1)
def base_css() -> str:
    """The shared stylesheet (widgets/highlight.css) plus per-label colours."""
    css = (bundled("widgets") / "highlight.css").read_text(encoding="utf-8")
    return css + "\n" + label_styles(())


def highlight(text: str, spans: Sequence[Mapping[str, Any]]) -> str:
    """Mark entity spans in text.

    Args:
        text: the article text.
        spans: dicts with ``start``, ``end``, ``label`` and optionally ``canonical``.
            Overlaps are resolved in favour of the span that starts first, then the longest.
    Returns:
        An HTML fragment (no wrapper); every character of ``text`` escaped, so the rendered
        text content equals ``text`` exactly (labels are drawn by CSS, not inserted).
    """
    # Most articles hold no & < >: then slices need no escaping at all (checked once).
    if "&" in text or "<" in text or ">" in text:
        text_piece = partial(escape, quote=False)
    else:
        text_piece = str
    attribute: dict[str, str] = {}
    opening: dict[str, tuple[str, str]] = {}
    parts: list[str] = []
    append = parts.append
    pos = 0
    length = len(text)
    for span in sorted(spans, key=_span_order):
        start, end = span["start"], span["end"]
        if start < pos or end <= start or end > length:
            continue
        label = span["label"]
        if label not in opening:
            safe = escape(str(label))
            opening[label] = (f'<mark class="wb-ent {css_class(str(label))}" data-label="{safe}" data-start="',
                              f'" title="{safe}: ')
        head, title = opening[label]
        piece = text[start:end]
        canonical = span.get("canonical") or piece
        safe_canonical = attribute.get(canonical)
        if safe_canonical is None:
            safe_canonical = attribute[canonical] = escape(str(canonical))
        append(text_piece(text[pos:start]))
        append(f'{head}{start}" data-end="{end}{title}{safe_canonical}">{text_piece(piece)}</mark>')
        pos = end
    append(text_piece(text[pos:]))
    return "".join(parts)


def highlight_passages(text: str, spans: Sequence[Mapping[str, Any]],
                       passages: Sequence[Mapping[str, Any]]) -> str:
    """Like ``highlight``, with passages (evidence) underlined and anchored.

    Args:
        text: the article text.
        spans: entity mentions (see ``highlight``).
        passages: dicts with ``start``, ``end``, ``anchor`` (an id for the first piece),
            ``stance`` (support | refute | neutral | none), ``title`` and optionally ``follow``
            (further CSS classes, e.g. the stance on each hypothesis for the report's legend).
    Returns:
        An HTML fragment whose text content equals ``text``.
    """
    if not passages:
        return highlight(text, spans)
    ordered: list[Mapping[str, Any]] = []
    pos = 0
    for span in sorted(spans, key=_span_order):
        if span["start"] >= pos and span["start"] < span["end"] <= len(text):
            ordered.append(span)
            pos = span["end"]
    cuts = {0, len(text)}
    for item in (*ordered, *passages):
        cuts.update((int(item["start"]), int(item["end"])))
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    parts: list[str] = []
    anchored: set[str] = set()
    k = 0
    for a, b in zip(points, points[1:]):
        while k < len(ordered) and ordered[k]["end"] <= a:
            k += 1
        piece = escape(text[a:b], quote=False)
        entity = ordered[k] if k < len(ordered) and ordered[k]["start"] <= a and ordered[k]["end"] >= b else None
        if entity is not None:
            label = str(entity["label"])
            canonical = str(entity.get("canonical") or text[entity["start"]:entity["end"]])
            cont = "" if b == entity["end"] else " wb-cont"
            piece = (f'<mark class="wb-ent {css_class(label)}{cont}" data-label="{escape(label)}" '
                     f'title="{escape(label)}: {escape(canonical)}">{piece}</mark>')
        covering = [p for p in passages if p["start"] <= a and p["end"] >= b]
        if covering:
            passage = covering[-1]
            ident = ""
            if passage["anchor"] not in anchored:
                anchored.add(passage["anchor"])
                ident = f' id="{escape(passage["anchor"])}"'
            # "follow": further classes that let the page colour the underline by another hypothesis
            extra = "".join(" " + re.sub(r"[^A-Za-z0-9_-]", "_", str(c)) for c in passage.get("follow", ()))
            piece = (f'<span class="wb-ev wb-ev-{escape(passage.get("stance", "none"))}{extra}"{ident} '
                     f'data-passage="{escape(passage["anchor"])}" title="{escape(passage.get("title", ""))}">{piece}</span>')
        parts.append(piece)
    return "".join(parts)


def _span_order(span: Mapping[str, Any]) -> tuple[int, int]:
    return span["start"], span["start"] - span["end"]


def legend(spans: Sequence[Mapping[str, Any]]) -> str:
    """A legend of the labels present, with counts and one-line descriptions."""
    return legend_html(legend_rows(spans))


def legend_html(rows: Sequence[Mapping[str, Any]]) -> str:
    """The legend of ``views.legend_rows``: one swatch, label and count per label."""
    items = [f'<li class="{css_class(r["label"])}" title="{escape(r["description"])}"><span class="wb-swatch"></span>'
             f'{escape(r["label"])} <span class="wb-count">{r["count"]}</span></li>' for r in rows]
    return f'<ul class="wb-legend">{"".join(items)}</ul>'


def render_article(article: Mapping[str, Any], spans: Sequence[Mapping[str, Any]], *,
                   with_css: bool = True, heading_level: int = 2, anchor: str | None = None,
                   passages: Sequence[Mapping[str, Any]] = ()) -> str:
    """Render one article with its highlighted entities.

    Args:
        article: dict with ``text`` and optionally ``title``, ``source``, ``published``,
            ``language``, ``url``, ``copy_of``, ``id``.
        spans: entity mentions (see ``highlight``).
        with_css: include a <style> block (False when the page already has it).
        heading_level: h2 by default.
        anchor: an id for the <article> element.
        passages: evidence passages to underline and anchor (see ``highlight_passages``).
    Returns:
        An HTML fragment.
    """
    return article_html(article_view(article, spans, anchor=anchor, passages=passages),
                        with_css=with_css, heading_level=heading_level)


def article_html(view: Mapping[str, Any], *, with_css: bool = True, heading_level: int = 2) -> str:
    """An ``views.article_view`` as an escaped ``<article>``: heading, meta line, legend, highlighted text.

    Args:
        view: the article view.
        with_css: include a <style> block (False when the page already has it).
        heading_level: h2 by default.
    Returns:
        An HTML fragment.
    """
    meta_html = " · ".join(escape(m) for m in view["meta"])
    if view.get("copy_of"):
        meta_html += f' · <span class="wb-copy">syndicated copy of {escape(view["copy_of"])}</span>'
    if view.get("url"):
        meta_html += f' · <span class="wb-url">{escape(view["url"])}</span>'
    h = f"h{heading_level}"
    spans = view["spans"]
    style = f"<style>{base_css()}\n{label_styles(sp['label'] for sp in spans)}</style>" if with_css else ""
    ident = f' id="{escape(view["anchor"])}"' if view.get("anchor") else ""
    return (
        f'{style}<article class="wb-article"{ident}><header><{h}>{escape(view["title"])}</{h}>'
        f'<p class="wb-meta">{meta_html}</p></header>{legend_html(view["legend"])}'
        f'<div class="wb-text">{highlight_passages(view["text"], spans, view["passages"])}</div></article>'
    )
