"""Word (.docx) reader (python-docx): paragraphs kept, title and author from the document."""
from __future__ import annotations

import io
import zipfile

from ..errors import InputError
from .raw import RawArticle

__all__ = ["read_docx"]

HEADING_WITHIN = 5   # blocks at the top where a heading is taken as the title


def read_docx(data: bytes, name: str) -> RawArticle:
    """Read a .docx file's body text into one article.

    Paragraphs (and table rows, cells joined by tabs) are separated by a blank line. The title
    is the core property ``title``, else the first heading, else nothing; a title taken from the
    first paragraph is not repeated as the body's first line.

    Args:
        data: the file's bytes.
        name: the file path or URL, for messages.
    Returns:
        A RawArticle with title, author (core property ``author``) and, in its metadata, the
        document's creation date.
    Raises:
        InputError: not a .docx (not a zip, or a zip without a Word document), a broken one,
            or one with no text.
    """
    if not data.strip():
        raise InputError(name, "empty file")
    if not data.startswith(b"PK"):
        raise InputError(name, "not a .docx file (not a zip archive; an old .doc must be saved as .docx)")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = _blocks(document)
        props = document.core_properties
        title, author, created = (props.title or "").strip(), (props.author or "").strip(), props.created
    except (PackageNotFoundError, KeyError):
        raise InputError(name, "not a Word document (the archive holds no word/document.xml)") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise InputError(name, "broken .docx (the zip archive is damaged or cut short)") from None
    except Exception as exc:  # noqa: BLE001 - python-docx and lxml raise assorted errors on damaged parts
        raise InputError(name, f"broken .docx ({type(exc).__name__})") from None
    if not title:
        title = _first_heading(blocks[:HEADING_WITHIN])
    body = [text for _, text in blocks]
    if title and body and " ".join(body[0].split()) == " ".join(title.split()):
        body = body[1:]  # the headline is the title, not the body's first line
    text = "\n\n".join(body)
    if not text.strip():
        raise InputError(name, "no text in the document")
    # the file's creation date is not the publication date: kept aside, not used as one
    return RawArticle(text=text, origin=name, title=" ".join(title.split()) or None, author=author or None,
                      metadata={"document_created": created.isoformat()} if created else {})


def _first_heading(blocks: list[tuple[object, str]]) -> str:
    """The text of the first heading (or Title-styled) paragraph among ``blocks``, or ""."""
    for paragraph, text in blocks:
        style = getattr(paragraph, "style", None)  # a lookup in the styles part: only for a few blocks
        if style is not None and (style.name or "").lower().startswith(("heading", "title")):
            return text
    return ""


def _blocks(document: object) -> list[tuple[object, str]]:
    """(paragraph, or None for a table row; text) of each non-empty block, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[tuple[str, str]] = []
    for block in document.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                out.append((block, text))
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                if any(cells):
                    out.append((None, "\t".join(dict.fromkeys(cells))))  # merged cells repeat
    return out
