"""Ingestion: sources → cleaned articles → entity pass → one transaction per article."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from os import PathLike
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ..errors import InputError, StoreIOError
from ..store import Store, audit_many, now
from ..store.articles import (articles_sharing_bands, insert_articles, insert_bands, originals_by_content, source_for,
                              stored_ids, stored_urls, texts_and_roots)
from ..store.mentions import insert_mentions, mark_everywhere, record_runs
from ._alerts import Candidate, record_alerts
from ._entities import EntityPass, reused
from ._parallel import Analysed, DaskEntityPass, analyse
from ._prepare import Prepared, batches
from .raw import Skipped
from .readers import RawArticle, expand
from .syndication import BUCKET_CAP, THRESHOLD, bands_to_keep, shingles, similarity
from .text import words

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["IngestResult", "ingest"]

MAX_COPY_CANDIDATES = 5
SKIPPED_SHOWN = 10   # skipped inputs listed one per line; the rest are counted


@dataclass
class IngestResult:
    """What one ingest call did.

    ``ok`` is False when any input failed, or when the request named something and nothing
    came of it: nothing added and nothing already present (a folder of images, say). Inputs
    already stored are "unchanged", not failures; ``skipped`` lists what the readers left out
    on purpose (files of a type nobody reads, Telegram service messages, feed items already
    stored) and why.
    """

    added: list[str] = field(default_factory=list)
    present: list[tuple[str, str]] = field(default_factory=list)   # (input, article id)
    copies: list[tuple[str, str]] = field(default_factory=list)    # (article id, copy of)
    failed: list[InputError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    alerts: int = 0   # alerts the analyses' indicators raised on the new articles

    @property
    def ok(self) -> bool:
        return not self.failed and not self.nothing_done

    @property
    def nothing_done(self) -> bool:
        """Something was asked for, and nothing was added or found already stored."""
        return (not self.added and not self.present and not any(item.unchanged for item in self.skipped)
                and bool(self.failed or self.skipped))

    def skipped_lines(self) -> list[str]:
        """One line per skipped input (the first ``SKIPPED_SHOWN``), then how many more."""
        out = [f"skipped: {item}" for item in self.skipped[:SKIPPED_SHOWN]]
        if len(self.skipped) > SKIPPED_SHOWN:
            out.append(f"skipped: … and {len(self.skipped) - SKIPPED_SHOWN} more")
        return out

    def lines(self) -> list[str]:
        """One line per failure, per skipped input (the first few) and per already-present
        input, then a summary line."""
        out = [f"failed: {err}" for err in self.failed]
        out += self.skipped_lines()
        out += [f"already present: {origin} ({aid})" for origin, aid in self.present]
        out.append(self.summary())
        return out

    def summary(self) -> str:
        skipped = sum(item.count for item in self.skipped if not item.unchanged)
        present = len(self.present) + sum(item.count for item in self.skipped if item.unchanged)
        line = (f"{len(self.added)} added ({len(self.copies)} syndicated copies), "
                f"{present} already present, {len(self.failed)} failed"
                + (f", {skipped} skipped" if skipped else ""))
        if self.nothing_done:
            line += "; nothing was ingested"
        return line

    def __repr__(self) -> str:
        return f"<IngestResult {self.summary()}>"


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
        MainGuardError: a script asks for local workers outside ``if __name__ == "__main__":``
            (a ``SchedulerError`` that also ends an uncaught script with its one line).
    """
    from tqdm.auto import tqdm

    result = IngestResult()
    units: list[Any] = [unit for source in sources for unit in expand(source)]
    parallel = bool(scheduler) or (workers or 1) > 1
    with (DaskEntityPass(pipeline, workers=workers, scheduler=scheduler) if parallel and units
          else nullcontext()) as remote:
        with tqdm(total=len(units), unit="file", desc="ingest", disable=not progress or not units,
                  dynamic_ncols=True) as bar:
            stream = batches(units, result.failed, fetch_options, bar, skipped=result.skipped,
                             known=lambda urls: _stored_urls(store, urls))
            if remote is None:
                runner = EntityPass(store, pipeline)
                for batch in stream:
                    _flush(store, batch, runner, result, actor)
            else:
                _flush_parallel(store, stream, remote, result, actor)
    return result


def _stored_urls(store: Store, urls: Iterable[str]) -> set[str]:
    """The URLs of ``urls`` already stored as an article's URL (a feed's items read before)."""
    with store.read() as conn:
        return stored_urls(conn, urls)


def _select(store: Store, batch: list[Prepared], result: IngestResult) -> list[Prepared]:
    """The items of ``batch`` not stored yet (first of each id); the others go to ``result.present``."""
    fresh: list[Prepared] = []
    seen: set[str] = set()
    with store.read() as conn:
        existing = stored_ids(conn, [p.id for p in batch])
    for item in batch:
        if item.id in existing or item.id in seen:
            result.present.append((item.raw.origin, item.id))
        else:
            seen.add(item.id)
            fresh.append(item)
    return fresh


def _flush(store: Store, batch: list[Prepared], runner: EntityPass, result: IngestResult, actor: str) -> None:
    """Run the entity pass of a batch in this process, then store it (``_store``)."""
    fresh = _select(store, batch, result)
    if not fresh:
        return
    known = reused(store, fresh, runner.pipeline.fingerprint)
    done = analyse(runner.pipeline, [i.text for i in fresh], [i.language for i in fresh], [k is None for k in known],
                   [i.words for i in fresh])
    _store(store, fresh, known, done, runner.pipeline, result, actor)


def _flush_parallel(store: Store, stream: Iterable[list[Prepared]], remote: DaskEntityPass,
                    result: IngestResult, actor: str) -> None:
    """Send each batch's entity pass to the Dask cluster and store the results in input order,
    with a bounded number of batches in flight."""
    fingerprint = remote.pipeline.fingerprint
    for batch in stream:
        fresh = _select(store, batch, result)
        if fresh:
            known = reused(store, fresh, fingerprint)
            remote.submit((fresh, known), [i.text for i in fresh], [i.language for i in fresh],
                          [k is None for k in known])
        while remote.full:
            (items, known), done = remote.next_result()
            _store(store, items, known, done, remote.pipeline, result, actor)
    while remote.pending:
        (items, known), done = remote.next_result()
        _store(store, items, known, done, remote.pipeline, result, actor)


def _store(store: Store, fresh: list[Prepared], known: list[list[dict] | None], done: list[Analysed],
           pipeline: Any, result: IngestResult, actor: str) -> None:
    """Store a batch: one transaction for all its new articles (whole articles only).

    An article the entity pass failed on is reported and not stored. If the batch
    transaction fails, each article is retried in its own transaction so one bad article
    cannot cost the others.

    Args:
        store: the workspace store (this process is its only writer for the ingest).
        fresh: the batch's articles not stored yet, in input order.
        known: per article, mentions reused from the store, or None.
        done: per article, what ``analyse`` found.
        pipeline: anything with the ``name`` and ``fingerprint`` of the pipeline that ran.
        result: collects what was added, the copies and the failures.
        actor: who is ingesting, for the audit log.
    """
    kept: list[Prepared] = []
    for item, mentions, outcome in zip(fresh, known, done):
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
            copies, alerts = _write(conn, fresh, pipeline, actor)
    except StoreIOError:
        raise  # busy, full, read-only, damaged: no article can be stored; stop with one line
    except Exception:  # noqa: BLE001 - isolate the article at fault, keep the rest
        copies, alerts = [], 0
        for item in fresh:
            try:
                with store.transaction() as conn:
                    one_copy, one_alerts = _write(conn, [item], pipeline, actor) if _still_new(conn, [item], result) \
                        else ([], 0)
                copies += one_copy   # counted once its transaction committed
                alerts += one_alerts
            except StoreIOError:
                raise
            except Exception as exc:  # noqa: BLE001
                result.failed.append(InputError(item.raw.origin, f"could not be stored ({type(exc).__name__}: {exc})"))
                item.stored = False
    result.added.extend(item.id for item in fresh if item.stored)
    result.copies.extend(copies)
    result.alerts += alerts


def _still_new(conn: Connection, items: list[Prepared], result: IngestResult) -> list[Prepared]:
    """Recheck under the write lock: another process may have stored some of them meanwhile."""
    present = stored_ids(conn, [i.id for i in items])
    for item in items:
        if item.id in present:
            result.present.append((item.raw.origin, item.id))
            item.stored = False
    return [item for item in items if item.id not in present]


def _write(conn: Connection, items: list[Prepared], pipeline: Any, actor: str) -> tuple[list[tuple[str, str]], int]:
    """Insert articles with their bands, mentions, entity run, alerts and audit events; (the
    (copy, original) pairs found, the number of alerts raised)."""
    stamp = now()
    copies: list[tuple[str, str]] = []
    sources: dict[tuple[str, str | None], int | None] = {}
    articles, band_rows, mention_rows, run_rows = [], [], [], []
    same_content = originals_by_content(conn, (i.content_hash for i in items))
    # every stored article sharing a band with any item of the batch, a few statements per batch;
    # buckets hold at most BUCKET_CAP articles (older workspaces may hold more: the first are read)
    sharing = articles_sharing_bands(conn, {band for item in items for band in item.bands}, cap=BUCKET_CAP)
    bucket_sizes = {band: len(ids) for band, ids in sharing.items()}
    candidates = [_stored_candidates(item, same_content, sharing) for item in items]
    stored = _stored_shingles(conn, candidates)
    for index, item in enumerate(items):
        raw = item.raw
        copy_of, score = _find_original(item, items[:index], candidates[index], stored)
        if copy_of:
            copies.append((item.id, copy_of))
        item.copy_of = copy_of
        key = _source_name(raw)
        if key not in sources:
            sources[key] = source_for(conn, *key)
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
    insert_articles(conn, articles)
    insert_bands(conn, band_rows)
    insert_mentions(conn, mention_rows)
    record_runs(conn, run_rows)
    mark_everywhere(conn, [(item.id, item.text) for item in items])  # the analyst's "mark this everywhere" corrections
    # indicators watch the new originals (copies repeat a story already seen): alerts in this transaction
    # (the passages are found when the alerts are read)
    originals = [item for item in items if item.copy_of is None]
    raised = record_alerts(conn, [Candidate(item.id, _source_name(item.raw)[0],
                                            frozenset(m.get("canonical") or m["text"] for m in item.mentions))
                                  for item in originals]) if originals else []
    audit_many(conn, actor=actor, action="ingest", target_type="article", events=[
        (item.id, None, {"title": item.raw.title, "origin": item.raw.origin, "copy_of": item.copy_of,
                         "mentions": len(item.mentions)}) for item in items])
    return copies, len(raised)


def _stored_candidates(item: Prepared, same_content: dict[str, str], sharing: dict[int, list[str]]) -> list[str]:
    """The stored articles an item may copy: the one with its content hash, then those sharing
    the most LSH bands with it (at most ``MAX_COPY_CANDIDATES``).

    Args:
        item: the new article.
        same_content: content hash -> the stored article with that content.
        sharing: band -> stored article ids in that bucket.
    Returns:
        Distinct article ids, the likeliest first.
    """
    found = [same_content[item.content_hash]] if item.content_hash in same_content else []
    counts = Counter(article_id for band in set(item.bands) for article_id in sharing.get(band, ()))
    found += [article_id for article_id, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_COPY_CANDIDATES]]
    return list(dict.fromkeys(found))


def _stored_shingles(conn: Connection, candidates: list[list[str]]) -> dict[str, tuple[set[int], str | None]]:
    """Shingles and root original of every stored candidate of a batch, each read and shingled
    once: the copies of one story all name the same few candidates, and re-reading them per copy
    cost five text reads and five shingle passes for each new copy.

    Args:
        conn: the batch's write connection.
        candidates: per item of the batch, its stored candidates (``_stored_candidates``).
    Returns:
        article id -> (its shingles, the original it copies or None).
    """
    texts = texts_and_roots(conn, (cid for ids in candidates for cid in ids))
    return {cid: (shingles(words(stored_text)), root) for cid, (stored_text, root) in texts.items()}


def _find_original(item: Prepared, earlier: list[Prepared], candidates: list[str],
                   stored: dict[str, tuple[set[int], str | None]]) -> tuple[str | None, float | None]:
    """The article this one copies (its root original) and the similarity, or (None, None).

    Args:
        item: the new article.
        earlier: the articles before it in the batch (compared when they share a band or content).
        candidates: its stored candidates (``_stored_candidates``).
        stored: the batch's stored candidates' shingles and roots (``_stored_shingles``).
    Returns:
        (root original id, similarity rounded to 4 places), or (None, None).
    """
    scored: list[tuple[float, str]] = []
    mine = set(item.bands)
    for other in earlier:
        if other.content_hash == item.content_hash or mine & set(other.bands):
            score = similarity(item.shingles, other.shingles)
            if score >= THRESHOLD:
                scored.append((score, other.copy_of or other.id))
    for cid in candidates:
        other_shingles, root = stored[cid]
        score = similarity(item.shingles, other_shingles)
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
