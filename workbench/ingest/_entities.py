"""The in-process entity pass: mentions reused by content hash, and re-running a new pipeline."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select

from ..nlp import load_pipeline
from ..store import schema as s
from ..store import Store, audit_many, bulk_insert, now
from ._prepare import BATCH, Prepared
from .readers import RawArticle

__all__ = ["EntityPass", "INSERT_RUN", "MENTION_COLUMNS", "rerun_entities", "reused"]

INSERT_RUN = insert(s.nlp_runs)
MENTION_COLUMNS = ("article_id", "start", "end", "label", "text", "canonical", "origin", "fingerprint")


class EntityPass:
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

    def run(self, items: Sequence[Prepared]) -> list[list[dict]]:
        """Mentions for each item: reused from an article with the same content hash and
        pipeline fingerprint when there is one, computed in one batch otherwise."""
        if not items:
            return []
        out = reused(self.store, items, self.pipeline.fingerprint)
        todo = [i for i, found in enumerate(out) if found is None]
        if todo:
            fresh = self.pipeline.extract_batch([items[i].text for i in todo], [items[i].language for i in todo])
            for i, mentions in zip(todo, fresh):
                out[i] = mentions
        return out  # type: ignore[return-value]


def reused(store: Store, items: Sequence[Prepared], fingerprint: str) -> list[list[dict] | None]:
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

    runner = EntityPass(store, pipeline)
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
            items = [Prepared(raw=RawArticle(text=t, origin=i), id=i, text=t, content_hash=h, language=lang,
                               published=None, metadata={}) for i, t, h, lang in rows]
            found = runner.run(items)
            with store.transaction() as conn:
                conn.execute(m.delete().where(m.c.article_id.in_(ids), m.c.origin != "analyst"))
                bulk_insert(conn, m, MENTION_COLUMNS, [
                    (item.id, x["start"], x["end"], x["label"], x["text"], x.get("canonical") or x["text"],
                     x.get("origin", "model"), fingerprint) for item, mentions in zip(items, found) for x in mentions])
                conn.execute(INSERT_RUN, [{"article_id": item.id, "fingerprint": fingerprint,
                                            "pipeline": runner.pipeline.name, "ran_at": now()} for item in items])
                audit_many(conn, actor=actor, action="rerun-entities", target_type="article",
                           events=[(item.id, None, {"pipeline": runner.pipeline.name, "fingerprint": fingerprint,
                                                    "mentions": len(x)}) for item, x in zip(items, found)])
            bar.update(len(ids))
    return len(todo), total - len(todo)
