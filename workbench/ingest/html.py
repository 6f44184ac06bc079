"""Main-text extraction from HTML (trafilatura), with metadata and clear failures.

trafilatura finds the article in the page (also when the text sits in bare ``<div>``s or
``<br>``-separated runs) and returns it as a small XML tree (``<p>``, ``<head>``, ``<list>``,
``<table>``, ``<lb/>``…). We write that tree out ourselves so paragraphs stay paragraphs
(a blank line between blocks, a line break for ``<br>``), and drop the headline from the top
of the body when it repeats the title.
"""
from __future__ import annotations

import re
from typing import Any

from ..errors import InputError
from .encoding import decode
from .raw import RawArticle

__all__ = ["extract_html", "html_fragment_text"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)
# trafilatura's output elements that are blocks of their own (paragraph breaks around them)
_BLOCKS = {"p", "head", "list", "table", "quote", "code", "div", "body", "doc", "main", "section", "article",
           "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "figure"}
_LINES = {"item", "row", "li", "tr"}          # one line each
_CELLS = {"cell", "td", "th"}                 # tab-separated within their line
_KEEP_NEWLINES = {"quote", "code", "pre"}     # preformatted text keeps its own line breaks
_SPACE = re.compile(r"\s+")
HEADLINE_WITHIN = 3   # paragraphs at the top of the body where a repeated headline is looked for


def extract_html(data: bytes, name: str) -> RawArticle:
    """Extract the article body and metadata from an HTML page.

    Args:
        data: the page's bytes.
        name: file path or URL, for messages and as the extraction's URL hint.
    Returns:
        A RawArticle: paragraphs separated by a blank line, the headline not repeated at the
        top, the author (meta author, article:author, byline or JSON-LD) and the outlet
        (og:site_name, else the site's domain from the URL, og:url or the canonical link).
    Raises:
        InputError: truncated or unparsable pages, pages with no article text.
    """
    html = _decode_html(data, name)
    lowered = html.lower()
    if "<html" in lowered and "</html>" not in lowered:
        raise InputError(name, "truncated HTML (the page ends before </html>)")
    if "<" not in html or not re.search(r"<[a-zA-Z!]", html):
        raise InputError(name, "not HTML (no tags)")
    doc = _extract(html, name)
    title = _clean(getattr(doc, "title", None)) if doc is not None else None
    text = _body_text(doc.body, title) if doc is not None and getattr(doc, "body", None) is not None else ""
    if not text and doc is not None:
        text = (getattr(doc, "text", None) or "").strip()
    if not text:
        raise InputError(name, "no article text found in the page")
    return RawArticle(
        text=text, origin=name, title=title, url=doc.url or None,
        published=doc.date or None, outlet=doc.sitename or doc.hostname or None, author=_clean(doc.author),
        language=doc.language or None,
        metadata={k: v for k, v in (("description", doc.description), ("hostname", doc.hostname)) if v},
    )


def html_fragment_text(fragment: str, name: str) -> str:
    """The text of a piece of HTML (a feed item's content), paragraphs kept.

    Args:
        fragment: HTML without a page around it.
        name: what it came from, for messages.
    Returns:
        The text ("" when there is none).
    """
    if not fragment.strip():
        return ""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.etree
    import lxml.html
    from lxml.html import builder

    try:  # parsed as a tree, never pasted into markup: the fragment is untrusted input
        parts = lxml.html.fragments_fromstring(fragment)
    except (ValueError, lxml.etree.ParserError):
        return ""
    article = builder.ARTICLE()
    if parts and isinstance(parts[0], str):  # text before the first element
        article.text = parts.pop(0)
    article.extend(parts)
    doc = _extract(builder.HTML(builder.BODY(article)), name)
    if doc is None or getattr(doc, "body", None) is None:
        return ""
    return _body_text(doc.body, None)


def _extract(html: Any, name: str) -> Any:
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            html, url=name if name.startswith("http") else None, with_metadata=True,
            include_comments=False, include_tables=True, favor_precision=True)
    except Exception as exc:  # trafilatura/lxml raise assorted parser errors
        raise InputError(name, f"malformed HTML ({type(exc).__name__}: {exc})") from None


def _body_text(body: Any, title: str | None) -> str:
    """Write trafilatura's body tree out as text: blocks apart, ``<lb/>`` as a line break,
    the title dropped from the top when one of the first paragraphs repeats it."""
    parts: list[str] = []
    _walk(body, parts, preformatted=False)
    lines = [line.strip() for line in "".join(parts).split("\n")]
    paragraphs, current = [], []
    for line in lines + [""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    # the headline repeated at the top (after a kicker or a site line, at most)
    for index, paragraph in enumerate(paragraphs[:HEADLINE_WITHIN]):
        if title and _same(paragraph, title):
            del paragraphs[index]
            break
    return "\n\n".join(paragraphs)


def _walk(element: Any, out: list[str], *, preformatted: bool) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    keep = preformatted or tag in _KEEP_NEWLINES
    if tag in _BLOCKS:
        out.append("\n\n")
    elif tag in _LINES:
        out.append("\n")
    elif tag == "lb":
        out.append("\n")
    if element.text:
        out.append(_inline(element.text, keep))
    for child in element:
        _walk(child, out, preformatted=keep)
    if tag in _CELLS:
        out.append("\t")
    elif tag in _BLOCKS:
        out.append("\n\n")
    elif tag in _LINES:
        out.append("\n")
    if element.tail:
        out.append(_inline(element.tail, preformatted))


def _inline(text: str, preformatted: bool) -> str:
    """HTML white space: runs collapse to one space, except in preformatted text."""
    return text if preformatted else _SPACE.sub(" ", text)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _clean(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _decode_html(data: bytes, name: str) -> str:
    match = _META_CHARSET.search(data[:4096])
    if match:
        try:
            text = data.decode(match.group(1).decode("ascii"))
            if text.strip():
                return text
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, name)[0]
