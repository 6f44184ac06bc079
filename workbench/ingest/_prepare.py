"""Reading side of an ingest: sources -> cleaned, identified articles, a batch at a time."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from .dates import parse_published
from .language import detect_language
from .pages import PAGES_KEY
from .raw import Skipped
from .readers import RawArticle, read_unit
from .text import clean_text, identity, words

__all__ = ["BATCH", "Prepared", "batches", "prepare"]

BATCH = 32   # articles per entity-pass batch and per store transaction


@dataclass
class Prepared:
    """One article ready for the entity pass and the store."""

    raw: RawArticle
    id: str
    text: str
    content_hash: str
    language: str
    published: str | None
    metadata: dict[str, Any]
    mentions: list[dict] = field(default_factory=list)
    shingles: set[int] = field(default_factory=set)
    bands: list[int] = field(default_factory=list)
    copy_of: str | None = None
    stored: bool = True
    words: list[str] = field(default_factory=list)


def batches(units: list[Any], failed: list[InputError], fetch_options: dict[str, Any] | None,
            bar: Any, *, skipped: list[Skipped] | None = None,
            known: Callable[[Iterable[str]], set[str]] | None = None) -> Iterator[list[Prepared]]:
    """Read and prepare the articles of ``units``, ``BATCH`` at a time (never the whole corpus).

    Args:
        units: files, URLs, or the ``InputError`` or ``Skipped`` of a source ``expand`` did not read.
        failed: collects the inputs that fail.
        fetch_options: passed to the URL fetcher.
        bar: the progress bar, advanced once per unit read.
        skipped: collects what the readers left out on purpose (None: not collected).
        known: given URLs, returns those already stored (a feed skips those items).
    Returns:
        An iterator of batches (the last one may be short).
    """
    batch: list[Prepared] = []
    for unit in units:
        if isinstance(unit, (InputError, Skipped)):
            (failed if isinstance(unit, InputError) else skipped if skipped is not None else []).append(unit)
            bar.update(1)
            continue
        for item in read_unit(unit, fetch_options=fetch_options, known=known):
            if isinstance(item, InputError):
                failed.append(item)
                continue
            if isinstance(item, Skipped):
                if skipped is not None:
                    skipped.append(item)
                continue
            try:
                batch.append(prepare(item))
            except InputError as exc:
                failed.append(exc)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        bar.update(1)
    if batch:
        yield batch


def prepare(raw: RawArticle) -> Prepared:
    """Clean, date, language-tag and identify one raw article.

    Args:
        raw: what a reader produced.
    Returns:
        The prepared article.
    Raises:
        InputError: no text is left after clean-up.
    """
    text = clean_text(raw.text)
    if not text:
        raise InputError(raw.origin, "no article text after clean-up")
    metadata = dict(raw.metadata)
    if PAGES_KEY in metadata and text != raw.text[:len(text)]:
        # page offsets refer to the reader's text; clean-up that moved them (it only ever cuts
        # the tail of a paged reader's text) would make every page citation wrong: drop them
        del metadata[PAGES_KEY]
    published = parse_published(raw.published)
    if raw.published and published is None:
        metadata["published_raw"] = raw.published
    language = (raw.language or "").strip().lower().replace("_", "-").split("-")[0] or detect_language(text)
    ident, digest = identity(text, raw.url)
    return Prepared(raw=raw, id=ident, text=text, content_hash=digest, language=language, published=published, metadata=metadata, words=words(text))
