"""The in-process entity pass: mentions reused by content hash, and re-running a new pipeline."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..nlp import load_pipeline
from ..store import Store, now
from ..store.articles import articles_for_entities
from ..store.mentions import articles_without_run, replace_pipeline_mentions, reusable_mentions
from ._prepare import BATCH, Prepared
from .readers import RawArticle

__all__ = ["EntityPass", "rerun_entities", "reused"]


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
    with store.read() as conn:
        donors, by_article = reusable_mentions(conn, (item.content_hash for item in items), fingerprint)
    if not donors:
        return [None] * len(items)
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
    with store.read() as conn:
        total, todo = articles_without_run(conn, fingerprint)
    with tqdm(total=len(todo), unit="article", desc="entities", disable=not progress or not todo) as bar:
        for offset in range(0, len(todo), BATCH):
            ids = todo[offset:offset + BATCH]
            with store.read() as conn:
                rows = articles_for_entities(conn, ids)
            items = [Prepared(raw=RawArticle(text=t, origin=i), id=i, text=t, content_hash=h, language=lang,
                               published=None, metadata={}) for i, t, h, lang in rows]
            found = runner.run(items)
            with store.transaction() as conn:
                replace_pipeline_mentions(
                    conn, ids,
                    [(item.id, x["start"], x["end"], x["label"], x["text"], x.get("canonical") or x["text"],
                      x.get("origin", "model"), fingerprint) for item, mentions in zip(items, found) for x in mentions],
                    [{"article_id": item.id, "fingerprint": fingerprint, "pipeline": runner.pipeline.name,
                      "ran_at": now()} for item in items],
                    actor=actor,
                    events=[(item.id, None, {"pipeline": runner.pipeline.name, "fingerprint": fingerprint,
                                             "mentions": len(x)}) for item, x in zip(items, found)])
            bar.update(len(ids))
    return len(todo), total - len(todo)
