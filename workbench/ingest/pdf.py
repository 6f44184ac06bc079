"""PDF reader (pypdf): the text layer, page by page, with the page boundaries kept."""
from __future__ import annotations

import io
import logging

from ..errors import InputError
from .pages import PAGES_KEY, join_pages
from .raw import RawArticle

__all__ = ["read_pdf"]

MAX_PAGES = 5_000   # a longer PDF is a book or a dump, not an article


def read_pdf(data: bytes, name: str) -> RawArticle:
    """Read a PDF's text layer into one article.

    Args:
        data: the file's bytes.
        name: the file path or URL, for messages.
    Returns:
        A RawArticle whose metadata holds the page boundaries (``pages.PAGES_KEY``); the title
        is the document's Title property, else its first line; the author its Author property.
    Raises:
        InputError: not a PDF, a broken or encrypted PDF, or a PDF with no text layer.
    """
    if not data.strip():
        raise InputError(name, "empty file")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise InputError(name, "not a PDF (no %PDF header)")
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    # pypdf reports what it repairs through logging: those are not the analyst's business
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise InputError(name, "encrypted PDF (it needs a password; save an unprotected copy)")
        if len(reader.pages) > MAX_PAGES:
            raise InputError(name, f"too many pages ({len(reader.pages):,}, limit {MAX_PAGES:,})")
        texts = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except InputError:
        raise
    except FileNotDecryptedError:
        raise InputError(name, "encrypted PDF (it needs a password; save an unprotected copy)") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError) as exc:  # pypdf's many ways of finding a broken file
        raise InputError(name, f"broken PDF ({type(exc).__name__}: {_one_line(exc)})") from None
    text, pages = join_pages(texts)
    if not text.strip():
        raise InputError(name, f"PDF has no text layer (scanned?): none of its {len(texts)} page{'s' * (len(texts) != 1)} holds text")
    title = _property(info, "title")
    if not title:
        first = text.split("\n", 1)[0].strip()
        title = first if 0 < len(first) <= 200 else None
    return RawArticle(text=text, origin=name, title=title, author=_property(info, "author"),
                      metadata={PAGES_KEY: pages, "page_count": len(texts)})


def _opens_without_password(reader: object) -> bool:
    """Whether an encrypted PDF opens with the empty password (many 'protected' PDFs do)."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an unsupported cipher is a PDF we cannot open
        return False


def _property(info: object, key: str) -> str | None:
    """A document information property as clean text, or None."""
    try:
        value = getattr(info, key, None) if info is not None else None
    except Exception:  # noqa: BLE001 - a damaged information dictionary costs only the property
        return None
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:160] + "…" if len(text) > 160 else text
