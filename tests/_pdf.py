"""A minimal PDF writer for tests: pages of Helvetica text lines, an optional Title, nothing else.

Hand-built (objects, xref table, trailer) so the tests need no PDF-writing library; pypdf reads
it back like any PDF with a text layer. A page given no lines has no text (a scanned page).
"""
from __future__ import annotations

__all__ = ["make_pdf"]


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], title: str | None = None, author: str | None = None) -> bytes:
    """The bytes of a PDF whose page ``i`` shows the lines ``pages[i]`` (Latin-1 text).

    Args:
        pages: the lines of each page, first page first.
        title: the document's Title property (None: no information dictionary entry).
        author: the document's Author property.
    Returns:
        The PDF file's bytes.
    """
    objects: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
                                 3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    page_ids = []
    next_id = 4
    for lines in pages:
        page_id, content_id = next_id, next_id + 1
        next_id += 2
        page_ids.append(page_id)
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td", *(f"({_escape(line)}) Tj T*" for line in lines), "ET"]
        stream = "\n".join(ops).encode("latin-1") if lines else b""
        objects[page_id] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                            f"/Contents {content_id} 0 R >>").encode()
        objects[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] /Count {len(pages)} >>".encode()
    info = ""
    if title or author:
        fields = "".join(f" /{key} ({_escape(value)})" for key, value in (("Title", title), ("Author", author)) if value)
        objects[next_id] = f"<<{fields} >>".encode("latin-1")
        info = f" /Info {next_id} 0 R"
    body = b"%PDF-1.4\n"
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(body)
        body += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(body)
    size = max(objects) + 1
    body += b"xref\n0 %d\n0000000000 65535 f \n" % size
    body += b"".join(b"%010d 00000 n \n" % offsets[number] for number in range(1, size))
    return body + f"trailer\n<< /Size {size} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
