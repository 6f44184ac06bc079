"""Ingestion: sources → cleaned articles → entity pass → one transaction per article."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from os import PathLike
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import Connection, func, insert, select, text

from ..store.entity_rules import load_rules, materialise_add_rule
from ..errors import InputError, StoreIOError
from ..nlp import load_pipeline
from ..store import schema as s
from ..store import Store, audit, audit_many, bulk_insert, now
from ._parallel import Analysed, DaskEntityPass, analyse
from .dates import parse_published
from .language import detect_language
from .readers import RawArticle, expand, read_unit
from .syndication import BUCKET_CAP, THRESHOLD, bands, bands_to_keep, shingles, similarity
from .text import clean_text, identity, words

__all__ = ["IngestResult", "ingest", "rerun_entities"]

BATCH = 32
MAX_COPY_CANDIDATES = 5


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
    mentions: list[dict] = field(default_factory=list)
    shingles: set[int] = field(default_factory=set)
    bands: list[int] = field(default_factory=list)
    copy_of: str | None = None
    stored: bool = True
    words: list[str] = field(default_factory=list)


def ingest(store: Store, sources: Iterable[str | PathLike[str]], *, pipeline: Any = None,
           actor: str = "analyst", progress: bool = True,
           fetch_options: dict[str, Any] | None = None, workers: int | None = None,
           scheduler: str | None = None) -> IngestResult:
    """Ingest files, directories and URLs into the workspace.

    Args:
        store: the workspace store.
        sources: paths (files or directories, read recursively) and http(s) URLs.
        pipeline: an EntityPipeline, a pipeline choice string, or None for the default.
        actor: who is ingesting, for the audit log.
        progress: show a progress bar (tqdm.auto: a widget in notebooks, a bar in terminals).
        fetch_options: passed to the URL fetcher (timeout, total_timeout, max_bytes, max_redirects,
            max_header_bytes, max_headers).
        workers: run the entity pass on a local Dask cluster of this many worker processes
            (one thread each); None or 1 runs it in this process.
        scheduler: run the entity pass on the existing Dask scheduler at this address
            (``tcp://host:port``) instead; ``workers`` is then not used.
    Returns:
        An IngestResult; inputs that failed are listed there and nothing of them is stored.
    Raises:
        SchedulerError: the Dask scheduler cannot be reached (one line naming it).
    """
    from tqdm.auto import tqdm

    result = IngestResult()
    units: list[Any] = [unit for source in sources for unit in expand(source)]
    parallel = bool(scheduler) or (workers or 1) > 1
    with (DaskEntityPass(pipeline, workers=workers, scheduler=scheduler) if parallel and units
          else nullcontext()) as remote:
        with tqdm(total=len(units), unit="file", desc="ingest", disable=not progress or not units,
                  dynamic_ncols=True) as bar:
            batches = _batches(units, result, fetch_options, bar)
            if remote is None:
                runner = _EntityPass(store, pipeline)
                for batch in batches:
                    _flush(store, batch, runner, result, actor)
            else:
                _flush_parallel(store, batches, remote, result, actor)
    return result


def _batches(units: list[Any], result: IngestResult, fetch_options: dict[str, Any] | None,
             bar: Any) -> Iterator[list[_Prepared]]:
    """Read and prepare the articles of ``units``, ``BATCH`` at a time (never the whole corpus).

    Args:
        units: files, URLs or the ``InputError`` of a source that could not be expanded.
        result: collects the inputs that fail.
        fetch_options: passed to the URL fetcher.
        bar: the progress bar, advanced once per unit read.
    Returns:
        An iterator of batches (the last one may be short).
    """
    batch: list[_Prepared] = []
    for unit in units:
        if isinstance(unit, InputError):
            result.failed.append(unit)
            bar.update(1)
            continue
        for item in read_unit(unit, fetch_options=fetch_options):
            if isinstance(item, InputError):
                result.failed.append(item)
                continue
            try:
                batch.append(_prepare(item))
            except InputError as exc:
                result.failed.append(exc)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        bar.update(1)
    if batch:
        yield batch


def _prepare(raw: RawArticle) -> _Prepared:
    text = clean_text(raw.text)
    if not text:
        raise InputError(raw.origin, "no article text after clean-up")
    metadata = dict(raw.metadata)
    published = parse_published(raw.published)
    if raw.published and published is None:
        metadata["published_raw"] = raw.published
    language = (raw.language or "").strip().lower().replace("_", "-").split("-")[0] or detect_language(text)
    ident, digest = identity(text, raw.url)
    return _Prepared(raw=raw, id=ident, text=text, content_hash=digest, language=language, published=published, metadata=metadata, words=words(text))


class _EntityPass:
    """Runs the entity pipeline in this process, reusing mentions already computed for the same content."""

    def __init__(self, store: Store, pipeline: Any) -> None:
        self.store = store
        self._choice = pipeline
        self._pipeline = None

    @property
    def pipeline(self):  # noqa: ANN201
        if self._pipeline is None:
            self._pipeline = self._choice if hasattr(self._choice, "extract_batch") else load_pipeline(self._choice)
        return self._pipeline

    def run(self, items: Sequence[_Prepared]) -> list[list[dict]]:
        """Mentions for each item: reused from an article with the same content hash and
        pipeline fingerprint when there is one, computed in one batch otherwise."""
        if not items:
            return []
        out = _reused(self.store, items, self.pipeline.fingerprint)
        todo = [i for i, found in enumerate(out) if found is None]
        if todo:
            fresh = self.pipeline.extract_batch([items[i].text for i in todo], [items[i].language for i in todo])
            for i, mentions in zip(todo, fresh):
                out[i] = mentions
        return out  # type: ignore[return-value]


def _reused(store: Store, items: Sequence[_Prepared], fingerprint: str) -> list[list[dict] | None]:
    """Per item, the mentions of a stored article with the same content hash found by a
    pipeline with this fingerprint, or None when the entity pass must run."""
    m, a, r = s.mentions, s.articles, s.nlp_runs
    with store.read() as conn:
        donors = dict(conn.execute(
            select(a.c.content_hash, func.min(a.c.id)).join(r, r.c.article_id == a.c.id)
            .where(a.c.content_hash.in_({item.content_hash for item in items}), r.c.fingerprint == fingerprint)
            .group_by(a.c.content_hash)
        ).all())
        if not donors:
            return [None] * len(items)
        by_article: dict[str, list[dict]] = {donor: [] for donor in donors.values()}
        rows = conn.execute(
            select(m.c.article_id, m.c.start, m.c.end, m.c.label, m.c.text, m.c.canonical, m.c.origin)
            .where(m.c.article_id.in_(list(by_article)), m.c.fingerprint == fingerprint,
                   m.c.origin != "analyst")
            .order_by(m.c.article_id, m.c.start)
        ).mappings()
        for row in rows:
            mention = dict(row)
            by_article[mention.pop("article_id")].append(mention)
    # a copy per item: two items of one batch may share a donor
    return [[dict(x) for x in by_article[donors[item.content_hash]]] if item.content_hash in donors else None
            for item in items]


def _select(store: Store, batch: list[_Prepared], result: IngestResult) -> list[_Prepared]:
    """The items of ``batch`` not stored yet (first of each id); the others go to ``result.present``."""
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
    return fresh


def _flush(store: Store, batch: list[_Prepared], runner: _EntityPass, result: IngestResult, actor: str) -> None:
    """Run the entity pass of a batch in this process, then store it (``_store``)."""
    fresh = _select(store, batch, result)
    if not fresh:
        return
    reused = _reused(store, fresh, runner.pipeline.fingerprint)
    done = analyse(runner.pipeline, [i.text for i in fresh], [i.language for i in fresh], [r is None for r in reused],
                   [i.words for i in fresh])
    _store(store, fresh, reused, done, runner.pipeline, result, actor)


def _flush_parallel(store: Store, batches: Iterable[list[_Prepared]], remote: DaskEntityPass,
                    result: IngestResult, actor: str) -> None:
    """Send each batch's entity pass to the Dask cluster and store the results in input order,
    with a bounded number of batches in flight."""
    fingerprint = remote.pipeline.fingerprint
    for batch in batches:
        fresh = _select(store, batch, result)
        if fresh:
            reused = _reused(store, fresh, fingerprint)
            remote.submit((fresh, reused), [i.text for i in fresh], [i.language for i in fresh],
                          [r is None for r in reused])
        while remote.full:
            (items, reused), done = remote.next_result()
            _store(store, items, reused, done, remote.pipeline, result, actor)
    while remote.pending:
        (items, reused), done = remote.next_result()
        _store(store, items, reused, done, remote.pipeline, result, actor)


def _store(store: Store, fresh: list[_Prepared], reused: list[list[dict] | None], done: list[Analysed],
           pipeline: Any, result: IngestResult, actor: str) -> None:
    """Store a batch: one transaction for all its new articles (whole articles only).

    An article the entity pass failed on is reported and not stored. If the batch
    transaction fails, each article is retried in its own transaction so one bad article
    cannot cost the others.

    Args:
        store: the workspace store (this process is its only writer for the ingest).
        fresh: the batch's articles not stored yet, in input order.
        reused: per article, mentions reused from the store, or None.
        done: per article, what ``analyse`` found.
        pipeline: anything with the ``name`` and ``fingerprint`` of the pipeline that ran.
        result: collects what was added, the copies and the failures.
        actor: who is ingesting, for the audit log.
    """
    kept: list[_Prepared] = []
    for item, mentions, outcome in zip(fresh, reused, done):
        if outcome.error:
            result.failed.append(InputError(item.raw.origin, outcome.error))
            continue
        item.mentions = mentions if mentions is not None else (outcome.mentions or [])
        item.shingles, item.bands = outcome.shingles, outcome.bands
        kept.append(item)
    fresh = kept
    if not fresh:
        return
    try:
        with store.transaction() as conn:
            fresh = _still_new(conn, fresh, result)
            copies = _write(conn, fresh, pipeline, actor)
    except StoreIOError:
        raise  # busy, full, read-only, damaged: no article can be stored; stop with one line
    except Exception:  # noqa: BLE001 - isolate the article at fault, keep the rest
        copies = []
        for item in fresh:
            try:
                with store.transaction() as conn:
                    if _still_new(conn, [item], result):
                        copies += _write(conn, [item], pipeline, actor)
            except StoreIOError:
                raise
            except Exception as exc:  # noqa: BLE001
                result.failed.append(InputError(item.raw.origin, f"could not be stored ({type(exc).__name__}: {exc})"))
                item.stored = False
    result.added.extend(item.id for item in fresh if item.stored)
    result.copies.extend(copies)


def _still_new(conn: Connection, items: list[_Prepared], result: IngestResult) -> list[_Prepared]:
    """Recheck under the write lock: another process may have stored some of them meanwhile."""
    a = s.articles
    present = set(conn.execute(select(a.c.id).where(a.c.id.in_([i.id for i in items]))).scalars())
    for item in items:
        if item.id in present:
            result.present.append((item.raw.origin, item.id))
            item.stored = False
    return [item for item in items if item.id not in present]


_INSERT_ARTICLE = insert(s.articles)
_INSERT_RUN = insert(s.nlp_runs)
MENTION_COLUMNS = ("article_id", "start", "end", "label", "text", "canonical", "origin", "fingerprint")


def _write(conn: Connection, items: list[_Prepared], pipeline: Any, actor: str) -> list[tuple[str, str]]:
    """Insert articles with their bands, mentions, entity run and audit events."""
    stamp = now()
    copies: list[tuple[str, str]] = []
    sources: dict[tuple[str, str | None], int | None] = {}
    articles, band_rows, mention_rows, run_rows = [], [], [], []
    a, b = s.articles, s.article_bands
    same_content = dict(conn.execute(
        select(a.c.content_hash, func.min(a.c.id)).where(a.c.content_hash.in_({i.content_hash for i in items}))
        .group_by(a.c.content_hash)).all())
    # every stored article sharing a band with any item of the batch, in one query; buckets
    # hold at most BUCKET_CAP articles (older workspaces may hold more: keep the first ones)
    sharing: dict[int, list[str]] = {}
    wanted = {band for item in items for band in item.bands}
    if wanted:
        for band, article_id in conn.execute(select(b.c.band, b.c.article_id).where(b.c.band.in_(wanted))):
            bucket = sharing.setdefault(band, [])
            if len(bucket) < BUCKET_CAP:
                bucket.append(article_id)
    bucket_sizes = {band: len(ids) for band, ids in sharing.items()}
    for item in items:
        raw = item.raw
        copy_of, score = _find_original(conn, item, items, same_content, sharing)
        if copy_of:
            copies.append((item.id, copy_of))
        item.copy_of = copy_of
        key = _source_name(raw)
        if key not in sources:
            sources[key] = _source_id(conn, *key)
        articles.append({
            "id": item.id, "title": raw.title, "source_id": sources[key], "url": raw.url,
            "published": item.published, "language": item.language, "author": raw.author,
            "text": item.text, "content_hash": item.content_hash, "words": len(item.words),
            "copy_of": copy_of, "copy_similarity": score, "origin": raw.origin,
            "metadata": json.dumps(item.metadata, ensure_ascii=False, default=str) if item.metadata else None,
            "ingested_at": stamp,
        })
        band_rows += [(k, item.id) for k in bands_to_keep(item.bands, bucket_sizes)]
        mention_rows += [
            (item.id, m["start"], m["end"], m["label"], m["text"], m.get("canonical") or m["text"],
             m.get("origin", "model"), pipeline.fingerprint)
            for m in item.mentions
        ]
        run_rows.append({"article_id": item.id, "fingerprint": pipeline.fingerprint,
                         "pipeline": pipeline.name, "ran_at": stamp})
    conn.execute(_INSERT_ARTICLE, articles)
    bulk_insert(conn, s.article_bands, ("band", "article_id"), band_rows)
    bulk_insert(conn, s.mentions, MENTION_COLUMNS, mention_rows)
    conn.execute(_INSERT_RUN, run_rows)
    for rule in load_rules(conn):  # the analyst's "mark this everywhere" corrections
        if rule["action"] == "add" and not rule.get("article_id"):
            materialise_add_rule(conn, rule["id"], rule, [(item.id, item.text) for item in items])
    audit_many(conn, actor=actor, action="ingest", target_type="article", events=[
        (item.id, None, {"title": item.raw.title, "origin": item.raw.origin, "copy_of": item.copy_of,
                         "mentions": len(item.mentions)}) for item in items])
    return copies


_ARTICLE_TEXT = text("SELECT text, copy_of FROM articles WHERE id = :id")


def _find_original(conn: Connection, item: _Prepared, batch: list[_Prepared], same_content: dict[str, str],
                   sharing: dict[int, list[str]]) -> tuple[str | None, float | None]:
    """The article this one copies (its root original) and the similarity, or (None, None).

    Candidates: a stored article with the same content hash (``same_content``), the stored
    articles sharing the most LSH bands (``sharing``: band -> stored article ids), and the
    articles before this one in the batch.
    """
    scored: list[tuple[float, str]] = []
    mine = set(item.bands)
    for earlier in batch[:batch.index(item)]:
        if earlier.content_hash == item.content_hash or mine & set(earlier.bands):
            score = similarity(item.shingles, earlier.shingles)
            if score >= THRESHOLD:
                scored.append((score, earlier.copy_of or earlier.id))
    candidates = [same_content[item.content_hash]] if item.content_hash in same_content else []
    counts = Counter(article_id for band in mine for article_id in sharing.get(band, ()))
    candidates += [article_id for article_id, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_COPY_CANDIDATES]]
    for cid in dict.fromkeys(candidates):
        stored_text, root = conn.execute(_ARTICLE_TEXT, {"id": cid}).one()
        score = similarity(item.shingles, shingles(words(stored_text)))
        if score >= THRESHOLD:
            scored.append((score, root or cid))
    if not scored:
        return None, None
    best = max(scored)
    return best[1], round(best[0], 4)


def _source_name(raw: RawArticle) -> tuple[str, str | None]:
    """The outlet's name (or the URL's domain when none is given) and the domain."""
    domain = urlparse(raw.url).hostname if raw.url else None
    if domain and domain.startswith("www."):
        domain = domain[4:]
    return (raw.outlet or domain or "").strip(), domain


def _source_id(conn: Connection, name: str, domain: str | None) -> int | None:
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


def rerun_entities(store: Store, *, pipeline: Any = None, actor: str = "analyst",
                   progress: bool = True) -> tuple[int, int]:
    """Run the entity pass again where the chosen pipeline has not run yet.

    Articles already processed by a pipeline with the same fingerprint are skipped; for the
    others, the pipeline's mentions replace the previous pipeline's (analyst mentions stay,
    corrections apply on top as always). One transaction per batch.

    Returns:
        (articles re-run, articles skipped).
    """
    from tqdm.auto import tqdm

    runner = _EntityPass(store, pipeline)
    fingerprint = runner.pipeline.fingerprint
    a, r, m = s.articles, s.nlp_runs, s.mentions
    done = select(r.c.article_id).where(r.c.fingerprint == fingerprint)
    with store.read() as conn:
        total = conn.execute(select(func.count()).select_from(a)).scalar_one()
        todo = conn.execute(select(a.c.id).where(a.c.id.not_in(done)).order_by(a.c.id)).scalars().all()
    with tqdm(total=len(todo), unit="article", desc="entities", disable=not progress or not todo) as bar:
        for offset in range(0, len(todo), BATCH):
            ids = todo[offset:offset + BATCH]
            with store.read() as conn:
                rows = conn.execute(select(a.c.id, a.c.text, a.c.content_hash, a.c.language)
                                    .where(a.c.id.in_(ids)).order_by(a.c.id)).all()
            items = [_Prepared(raw=RawArticle(text=t, origin=i), id=i, text=t, content_hash=h, language=lang,
                               published=None, metadata={}) for i, t, h, lang in rows]
            found = runner.run(items)
            with store.transaction() as conn:
                conn.execute(m.delete().where(m.c.article_id.in_(ids), m.c.origin != "analyst"))
                bulk_insert(conn, m, MENTION_COLUMNS, [
                    (item.id, x["start"], x["end"], x["label"], x["text"], x.get("canonical") or x["text"],
                     x.get("origin", "model"), fingerprint) for item, mentions in zip(items, found) for x in mentions])
                conn.execute(_INSERT_RUN, [{"article_id": item.id, "fingerprint": fingerprint,
                                            "pipeline": runner.pipeline.name, "ran_at": now()} for item in items])
                audit_many(conn, actor=actor, action="rerun-entities", target_type="article",
                           events=[(item.id, None, {"pipeline": runner.pipeline.name, "fingerprint": fingerprint,
                                                    "mentions": len(x)}) for item, x in zip(items, found)])
            bar.update(len(ids))
    return len(todo), total - len(todo)
