"""Ingestion: sources → cleaned articles → entity pass → one transaction per article."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import Connection, insert, select

from . import _schema as s
from ._dates import parse_published
from ._language import detect_language
from ._readers import RawArticle, expand, read_unit
from ._syndication import THRESHOLD, bands, shingles, similarity
from ._text import article_id, clean_text, content_hash, word_count
from .errors import InputError
from .store import Store, audit, now

__all__ = ["IngestResult", "ingest"]

BATCH = 32


@dataclass
class IngestResult:
    """What one ingest call did. ``ok`` is False when any input failed."""

    added: list[str] = field(default_factory=list)
    present: list[tuple[str, str]] = field(default_factory=list)   # (input, article id)
    copies: list[tuple[str, str]] = field(default_factory=list)    # (article id, copy of)
    failed: list[InputError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        """One line per failure and per already-present input, then a summary line."""
        out = [f"failed: {err}" for err in self.failed]
        out += [f"already present: {origin} ({aid})" for origin, aid in self.present]
        out.append(self.summary())
        return out

    def summary(self) -> str:
        return (f"{len(self.added)} added ({len(self.copies)} syndicated copies), "
                f"{len(self.present)} already present, {len(self.failed)} failed")

    def __repr__(self) -> str:
        return f"<IngestResult {self.summary()}>"


@dataclass
class _Prepared:
    raw: RawArticle
    id: str
    text: str
    content_hash: str
    language: str
    published: str | None
    metadata: dict[str, Any]


def ingest(store: Store, sources: Iterable[str | PathLike[str]], *, pipeline: Any = None,
           actor: str = "analyst", progress: bool = True,
           fetch_options: dict[str, Any] | None = None) -> IngestResult:
    """Ingest files, directories and URLs into the workspace.

    Args:
        store: the workspace store.
        sources: paths (files or directories, read recursively) and http(s) URLs.
        pipeline: an EntityPipeline, a pipeline choice string, or None for the default.
        actor: who is ingesting, for the audit log.
        progress: show a progress bar (tqdm.auto: a widget in notebooks, a bar in terminals).
        fetch_options: passed to the URL fetcher (timeout, max_bytes, total_timeout).
    Returns:
        An IngestResult; inputs that failed are listed there and nothing of them is stored.
    """
    from tqdm.auto import tqdm

    result = IngestResult()
    units: list[Any] = []
    for source in sources:
        expanded = expand(source)
        if isinstance(expanded, InputError):
            result.failed.append(expanded)
        else:
            units.extend(expanded)
    runner = _EntityPass(store, pipeline)
    batch: list[_Prepared] = []
    with tqdm(total=len(units), unit="file", desc="ingest", disable=not progress or not units,
              dynamic_ncols=True) as bar:
        for unit in units:
            for item in read_unit(unit, fetch_options=fetch_options):
                if isinstance(item, InputError):
                    result.failed.append(item)
                    continue
                try:
                    batch.append(_prepare(item))
                except InputError as exc:
                    result.failed.append(exc)
                if len(batch) >= BATCH:
                    _flush(store, batch, runner, result, actor)
                    batch = []
            bar.update(1)
        _flush(store, batch, runner, result, actor)
    return result


def _prepare(raw: RawArticle) -> _Prepared:
    text = clean_text(raw.text)
    if not text:
        raise InputError(raw.origin, "no article text after clean-up")
    metadata = dict(raw.metadata)
    published = parse_published(raw.published)
    if raw.published and published is None:
        metadata["published_raw"] = raw.published
    language = (raw.language or "").strip().lower().replace("_", "-").split("-")[0] or detect_language(text)
    return _Prepared(raw=raw, id=article_id(text, raw.url), text=text, content_hash=content_hash(text),
                     language=language, published=published, metadata=metadata)


class _EntityPass:
    """Runs the entity pipeline, reusing mentions already computed for the same content."""

    def __init__(self, store: Store, pipeline: Any) -> None:
        self.store = store
        self._choice = pipeline
        self._pipeline = None

    @property
    def pipeline(self):  # noqa: ANN201
        if self._pipeline is None:
            from .nlp import load_pipeline

            self._pipeline = self._choice if hasattr(self._choice, "extract") else load_pipeline(self._choice)
        return self._pipeline

    def run(self, items: Sequence[_Prepared]) -> list[list[dict]]:
        if not items:
            return []
        fingerprint = self.pipeline.fingerprint
        out: list[list[dict] | None] = [self._cached(item.content_hash, fingerprint) for item in items]
        todo = [i for i, found in enumerate(out) if found is None]
        if todo:
            fresh = self.pipeline.extract_batch([items[i].text for i in todo], [items[i].language for i in todo])
            for i, mentions in zip(todo, fresh):
                out[i] = mentions
        return out  # type: ignore[return-value]

    def _cached(self, digest: str, fingerprint: str) -> list[dict] | None:
        m, a, r = s.mentions, s.articles, s.nlp_runs
        with self.store.read() as conn:
            donor = conn.execute(
                select(a.c.id).join(r, r.c.article_id == a.c.id)
                .where(a.c.content_hash == digest, r.c.fingerprint == fingerprint).limit(1)
            ).scalar()
            if donor is None:
                return None
            rows = conn.execute(
                select(m.c.start, m.c.end, m.c.label, m.c.text, m.c.canonical, m.c.origin)
                .where(m.c.article_id == donor, m.c.fingerprint == fingerprint, m.c.origin != "analyst")
                .order_by(m.c.start)
            ).mappings().all()
        return [dict(row) for row in rows]


def _flush(store: Store, batch: list[_Prepared], runner: _EntityPass, result: IngestResult, actor: str) -> None:
    if not batch:
        return
    fresh: list[_Prepared] = []
    seen: set[str] = set()
    with store.read() as conn:
        existing = set(conn.execute(select(s.articles.c.id).where(s.articles.c.id.in_([p.id for p in batch]))).scalars())
    for item in batch:
        if item.id in existing or item.id in seen:
            result.present.append((item.raw.origin, item.id))
        else:
            seen.add(item.id)
            fresh.append(item)
    mentions = runner.run(fresh)
    for item, found in zip(fresh, mentions):
        _store_one(store, item, found, runner, result, actor)


def _store_one(store: Store, item: _Prepared, found: list[dict], runner: _EntityPass,
               result: IngestResult, actor: str) -> None:
    raw = item.raw
    item_shingles = shingles(item.text)
    keys = bands(item_shingles)
    pipeline = runner.pipeline
    with store.transaction() as conn:
        copy_of, score = _find_original(conn, item, item_shingles, keys)
        source_id = _source_id(conn, raw)
        row = {
            "id": item.id, "title": raw.title, "source_id": source_id, "url": raw.url,
            "published": item.published, "language": item.language, "author": raw.author,
            "text": item.text, "content_hash": item.content_hash, "words": word_count(item.text),
            "copy_of": copy_of, "copy_similarity": score, "origin": raw.origin,
            "metadata": json.dumps(item.metadata, ensure_ascii=False, default=str) if item.metadata else None,
            "ingested_at": now(),
        }
        conn.execute(insert(s.articles).values(**row))
        if keys:
            conn.execute(insert(s.article_bands), [{"band": k, "article_id": item.id} for k in keys])
        if found:
            conn.execute(insert(s.mentions), [
                {"article_id": item.id, "start": m["start"], "end": m["end"], "label": m["label"],
                 "text": m["text"], "canonical": m.get("canonical") or m["text"],
                 "origin": m.get("origin", "model"), "fingerprint": pipeline.fingerprint}
                for m in found
            ])
        conn.execute(insert(s.nlp_runs).values(article_id=item.id, fingerprint=pipeline.fingerprint,
                                               pipeline=pipeline.name, ran_at=now()))
        audit(conn, actor=actor, action="ingest", target_type="article", target_id=item.id,
              after={"title": raw.title, "origin": raw.origin, "copy_of": copy_of, "mentions": len(found)})
    result.added.append(item.id)
    if copy_of:
        result.copies.append((item.id, copy_of))


def _find_original(conn: Connection, item: _Prepared, item_shingles: set[int],
                   keys: list[int]) -> tuple[str | None, float | None]:
    a, b = s.articles, s.article_bands
    candidates = set(conn.execute(select(a.c.id).where(a.c.content_hash == item.content_hash)).scalars())
    if keys:
        candidates |= set(conn.execute(select(b.c.article_id).where(b.c.band.in_(keys)).distinct()).scalars())
    best: tuple[float, str] | None = None
    for cid in sorted(candidates):
        text, root = conn.execute(select(a.c.text, a.c.copy_of).where(a.c.id == cid)).one()
        score = similarity(item_shingles, shingles(text))
        if score >= THRESHOLD and (best is None or score > best[0]):
            best = (score, root or cid)
    if best is None:
        return None, None
    return best[1], round(best[0], 4)


def _source_id(conn: Connection, raw: RawArticle) -> int | None:
    domain = urlparse(raw.url).hostname if raw.url else None
    if domain and domain.startswith("www."):
        domain = domain[4:]
    name = (raw.outlet or domain or "").strip()
    if not name:
        return None
    src = s.sources
    found = conn.execute(select(src.c.id).where(src.c.name == name)).scalar()
    if found is not None:
        return found
    new_id = conn.execute(insert(src).values(name=name, domain=domain, created_at=now())).inserted_primary_key[0]
    audit(conn, actor="workbench", action="create", target_type="source", target_id=str(new_id),
          after={"name": name, "domain": domain, "reliability": "F"})
    return new_id
