"""Main-text extraction from HTML (trafilatura), with metadata and clear failures."""
from __future__ import annotations

import re

from ..errors import InputError
from .encoding import decode
from .raw import RawArticle

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)


def extract_html(data: bytes, name: str) -> RawArticle:
    """Extract the article body and metadata from an HTML page.

    Args:
        data: the page's bytes.
        name: file path or URL, for messages and as the extraction's URL hint.
    Returns:
        A RawArticle.
    Raises:
        InputError: truncated or unparsable pages, pages with no article text.
    """
    html = _decode_html(data, name)
    lowered = html.lower()
    if "<html" in lowered and "</html>" not in lowered:
        raise InputError(name, "truncated HTML (the page ends before </html>)")
    if "<" not in html or not re.search(r"<[a-zA-Z!]", html):
        raise InputError(name, "not HTML (no tags)")
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=name if name.startswith("http") else None, with_metadata=True,
            include_comments=False, include_tables=True, favor_precision=True)
    except Exception as exc:  # trafilatura/lxml raise assorted parser errors
        raise InputError(name, f"malformed HTML ({type(exc).__name__}: {exc})") from None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        raise InputError(name, "no article text found in the page")
    return RawArticle(
        text=text, origin=name, title=doc.title or None, url=doc.url or None,
        published=doc.date or None, outlet=doc.sitename or None, author=doc.author or None,
        language=doc.language or None,
        metadata={k: v for k, v in (("description", doc.description), ("hostname", doc.hostname)) if v},
    )


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
