"""Read sources (files, directories, URLs) into raw article records.

Each source yields ``RawArticle`` records, ``InputError`` values (never raises for one bad
item, so a batch keeps what succeeded) and ``Skipped`` lines for what is left out on purpose.
Formats: text and Markdown, HTML, JSON / JSON Lines / CSV collections, a Telegram Desktop
export (``result.json``), PDF, Word (.docx), and over http(s) also RSS and Atom feeds.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .._json import JSONLimitError, check_depth, load_json
from ..errors import InputError
from .encoding import decode
from .feeds import is_feed, read_feed
from .fetch import DOCX_TYPE, fetch
from .html import extract_html
from .pdf import read_pdf
from .raw import RawArticle, Skipped
from .telegram import is_telegram_export, read_telegram
from .word import read_docx

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
COLLECTION_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv"}
DOCUMENT_SUFFIXES = {".pdf", ".docx"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | COLLECTION_SUFFIXES | DOCUMENT_SUFFIXES
SIDECAR_BODIES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCUMENT_SUFFIXES   # files a same-stem .json describes

MAX_FILE_BYTES = 25_000_000          # one article in one file
MAX_DOCUMENT_BYTES = 200_000_000     # a PDF or Word file: images make them large, the text is small
MAX_COLLECTION_BYTES = 500_000_000   # a JSON / CSV batch
MAX_ARTICLE_CHARS = 2_000_000        # ~300k words: longer is a book or a dump, not an article

KNOWN_KEYS = {"title", "text", "url", "published", "date", "outlet", "source", "language", "author"}


Item = RawArticle | InputError | Skipped
Unit = str | Path | InputError | Skipped


def expand(source: str | os.PathLike[str]) -> list[Unit]:
    """Turn one source into the units to read: a URL, a file, or a directory's files.

    Problems found while expanding (a missing path, a broken link inside a directory) are
    returned in place as ``InputError`` units, so failures keep the order of the inputs. A
    directory's files of a type nobody reads come back as ``Skipped`` units, so the analyst
    learns what was left out and why.

    Sidecar ``.json`` files that sit beside a ``.txt``/``.md``/``.html``/``.pdf``/``.docx`` of
    the same stem belong to that file and are not units of their own. Hidden files are skipped
    without a word (they are the system's, not the analyst's).
    """
    text = str(source)
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        if not text.lower().startswith(("http://", "https://")):
            return [InputError(text, "unsupported URL scheme (http and https only)")]
        return [text]
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if not p.is_dir()
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
        bodies = {p.with_suffix("") for p in files if p.suffix.lower() in SIDECAR_BODIES}
        units: list[Unit] = []
        for p in files:
            if p.suffix.lower() not in SUPPORTED:
                units.append(Skipped(str(p), f"not read: unsupported file type {p.suffix or '(none)'!r}"))
                continue
            if p.suffix.lower() == ".json" and p.with_suffix("") in bodies:
                continue  # a sidecar: read with its body
            units.append(p if p.is_file() else InputError(str(p), "broken link" if p.is_symlink() else "not a regular file"))
        return units or [Skipped(text, "empty folder: no files to read (hidden files are not read)")]
    if not path.exists():
        kind = "broken link" if path.is_symlink() else "no such file or directory"
        return [InputError(text, kind)]
    if path.suffix.lower() not in SUPPORTED:
        return [InputError(text, f"unsupported file type {path.suffix or '(none)'!r}; "
                                 f"use one of {', '.join(sorted(SUPPORTED))}")]
    return [path]


def read_unit(unit: str | Path, *, fetch_options: dict[str, Any] | None = None,
              known: Callable[[Iterable[str]], set[str]] | None = None) -> Iterator[Item]:
    """Read one file or URL into raw articles (or errors for the parts that failed).

    Args:
        unit: a file or an http(s) URL (from ``expand``).
        fetch_options: the fetch limits for URLs (and for a feed's item pages).
        known: given URLs, returns those already stored: a feed's items at those links are
            skipped before they are fetched. None: nothing is known.
    Returns:
        An iterator of RawArticle, InputError and Skipped.
    """
    try:
        if isinstance(unit, str):
            yield from _read_url(unit, fetch_options or {}, known)
            return
        suffix = unit.suffix.lower()
        limit = (MAX_COLLECTION_BYTES if suffix in COLLECTION_SUFFIXES
                 else MAX_DOCUMENT_BYTES if suffix in DOCUMENT_SUFFIXES else MAX_FILE_BYTES)
        data = _read_bytes(unit, limit)
        yield from _parse(data, suffix, str(unit), sidecar=_sidecar(unit))
    except InputError as exc:
        yield exc


def _read_url(url: str, fetch_options: dict[str, Any], known: Callable[[Iterable[str]], set[str]] | None
              ) -> Iterator[Item]:
    fetched = fetch(url, **fetch_options)
    if is_feed(fetched):
        yield from read_feed(fetched, fetch_options, known)
        return
    suffix = {"application/pdf": ".pdf", DOCX_TYPE: ".docx", "text/plain": ".txt", "text/markdown": ".md",
              "application/json": ".json", "text/csv": ".csv",
              "application/x-ndjson": ".jsonl"}.get(fetched.content_type, ".html")
    data = fetched.body
    if fetched.charset and suffix not in HTML_SUFFIXES | DOCUMENT_SUFFIXES:
        try:
            data = data.decode(fetched.charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass
    for item in _parse(data, suffix, url, sidecar={}):
        if isinstance(item, RawArticle) and not item.url:
            item.url = fetched.url
        yield item


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(str(path), f"file too large ({size / 1e6:.1f} MB, limit {limit / 1e6:.0f} MB)")
        with path.open("rb") as handle:
            # read(n) reserves n bytes first: ask for the size, not the limit (500 MB per JSONL file)
            data = handle.read(size + 1)
            if len(data) > size:  # it grew since stat(): the rest, up to the limit
                data += handle.read(limit + 1 - len(data))
            return data
    except PermissionError:
        raise InputError(str(path), "permission denied") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory") from None
    except FileNotFoundError:
        raise InputError(str(path), "no such file or directory") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from None


def _sidecar(path: Path) -> dict[str, Any]:
    if path.suffix.lower() not in SIDECAR_BODIES:
        return {}
    side = path.with_suffix(".json")
    if not side.is_file():
        return {}
    try:
        data = load_json(decode(_read_bytes(side, MAX_FILE_BYTES), str(side))[0])
    except JSONLimitError as exc:
        raise InputError(str(side), str(exc)) from None
    except json.JSONDecodeError as exc:
        raise InputError(str(side), f"sidecar is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict):
        raise InputError(str(side), "sidecar must hold one JSON object")
    return data


def _parse(data: bytes, suffix: str, name: str, *, sidecar: dict[str, Any]) -> Iterator[Item]:
    if suffix in HTML_SUFFIXES:
        yield _finish(extract_html(data, name), sidecar)
        return
    if suffix == ".pdf":
        yield _finish(read_pdf(data, name), sidecar)
        return
    if suffix == ".docx":
        yield _finish(read_docx(data, name), sidecar)
        return
    text, _encoding = decode(data, name)
    if suffix in TEXT_SUFFIXES:
        yield _finish(_from_text(text, name, markdown=suffix != ".txt"), sidecar)
    elif suffix == ".json":
        yield from _from_json(text, name)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _from_jsonl(text, name)
    elif suffix == ".csv":
        yield from _from_csv(text, name)


def _finish(article: RawArticle, sidecar: dict[str, Any]) -> RawArticle:
    if sidecar:
        _apply_metadata(article, sidecar, override=True)
    _check_size(article)
    return article


def _checked(article: RawArticle) -> RawArticle | InputError:
    """The article, or the error that its size check raised."""
    try:
        _check_size(article)
    except InputError as exc:
        return exc
    return article


def _check_size(article: RawArticle) -> None:
    if len(article.text) > MAX_ARTICLE_CHARS:
        raise InputError(article.origin, f"text too long ({len(article.text):,} characters, "
                                         f"limit {MAX_ARTICLE_CHARS:,})")
    if not article.text.strip():
        raise InputError(article.origin, "no article text")


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


def _from_text(text: str, name: str, *, markdown: bool) -> RawArticle:
    article = RawArticle(text=text, origin=name)
    match = _FRONT_MATTER.match(text)
    if match:
        meta = {}
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                meta[key.strip().lower()] = value.strip().strip("\"'")
        article.text = text[match.end():]
        _apply_metadata(article, meta, override=True)
    if not article.title:
        first = article.text.lstrip().split("\n", 1)[0].strip()
        if markdown and first.startswith("#"):
            article.title = first.lstrip("#").strip()
        elif 0 < len(first) <= 200 and "\n\n" in article.text.lstrip()[: len(first) + 3]:
            article.title = first
    return article


def _apply_metadata(article: RawArticle, meta: dict[str, Any], *, override: bool) -> None:
    def take(*keys: str) -> str | None:
        for key in keys:
            value = meta.get(key)
            if value not in (None, ""):
                return str(value)
        return None

    for attr, keys in (("title", ("title",)), ("url", ("url",)), ("published", ("published", "date")),
                       ("outlet", ("outlet", "source")), ("language", ("language",)), ("author", ("author",))):
        value = take(*keys)
        if value is not None and (override or getattr(article, attr) is None):
            setattr(article, attr, value)
    for key, value in meta.items():
        if key not in KNOWN_KEYS:
            article.metadata[key] = value


def _from_record(record: Any, name: str) -> RawArticle:
    if not isinstance(record, dict):
        raise InputError(name, f"expected a JSON object, found {type(record).__name__}")
    try:
        check_depth(record)
    except JSONLimitError as exc:
        raise InputError(name, str(exc)) from None
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(name, "missing 'text'" if text is None else "'text' must be a non-empty string")
    article = RawArticle(text=text, origin=name)
    _apply_metadata(article, record, override=True)
    _check_size(article)
    return article


def _records(items: list[Any], name: str, what: str) -> Iterator[Item]:
    for index, record in enumerate(items, 1):
        label = f"{name} {what} {index}"
        try:
            yield _from_record(record, label)
        except InputError as exc:
            yield exc


def _from_json(text: str, name: str) -> Iterator[Item]:
    try:
        data = load_json(text, max_depth=None)  # each record is checked on its own
    except JSONLimitError as exc:
        raise InputError(name, str(exc)) from None
    except json.JSONDecodeError as exc:
        raise InputError(name, f"invalid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})") from None
    if is_telegram_export(data):
        for item in read_telegram(data, name):
            yield _checked(item) if isinstance(item, RawArticle) else item
    elif isinstance(data, dict):
        yield _from_record(data, name)
    elif isinstance(data, list):
        if not data:
            raise InputError(name, "empty JSON list")
        yield from _records(data, name, "item")
    else:
        raise InputError(name, "JSON must be an article object or a list of them")


def _from_jsonl(text: str, name: str) -> Iterator[Item]:
    found = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        found = True
        label = f"{name} line {number}"
        try:
            yield _from_record(load_json(line, max_depth=None), label)
        except JSONLimitError as exc:
            yield InputError(label, str(exc))
        except json.JSONDecodeError as exc:
            yield InputError(label, f"invalid JSON ({exc.msg})")
        except InputError as exc:
            yield exc
    if not found:
        raise InputError(name, "empty file")


def _from_csv(text: str, name: str) -> Iterator[Item]:
    csv.field_size_limit(MAX_ARTICLE_CHARS + 1)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError(name, "empty file") from None
    except csv.Error as exc:
        raise InputError(name, f"unreadable CSV header ({exc})") from None
    if "text" not in header:
        raise InputError(name, f"CSV header has no 'text' column (found: {', '.join(header)})")
    while True:
        row_number = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield InputError(f"{name} row {row_number}", f"malformed CSV ({exc}); rest of file not read")
            return
        label = f"{name} row {reader.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield InputError(label, f"expected {len(header)} fields, found {len(row)}")
            continue
        try:
            yield _from_record(dict(zip(header, row)), label)
        except InputError as exc:
            yield exc
