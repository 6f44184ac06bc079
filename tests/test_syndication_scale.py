"""Near-duplicate detection stays near-linear when one story has many copies (issue 12, item 8).

Counts the work done, not the time: a spy on the real ``_stored_candidates`` adds up the stored
articles it is handed as band candidates, and a spy on the real ``similarity`` counts the exact
shingle comparisons. Before the fix every stored copy of the story sat in every band bucket, so
the n-th copy examined n-1 candidates per band (quadratic in total).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import workbench.ingest.pipeline as pipeline_module
from conftest import SEED_TXT

STORY = " ".join(SEED_TXT.read_text(encoding="utf-8").split()[:220])


def _write_copies(folder: Path, count: int) -> Path:
    """One JSONL file: an original and ``count - 1`` copies, each with a one-line edit."""
    lines = [json.dumps({"title": "copy 0", "text": STORY, "url": "https://wire.test/0"})]
    lines += [json.dumps({"title": f"copy {i}", "text": f"{STORY}\n\nRepublished by outlet number {i}.",
                          "url": f"https://outlet{i}.test/story"}) for i in range(1, count)]
    path = folder / f"copies-{count}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class _Spy:
    """Wraps the real functions and counts what they are given."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.band_candidates = 0
        self.comparisons = 0
        real_candidates, real_similarity = pipeline_module._stored_candidates, pipeline_module.similarity

        def candidates(item, same_content, sharing):  # noqa: ANN001, ANN202
            self.band_candidates += sum(len(sharing.get(band, ())) for band in set(item.bands))
            return real_candidates(item, same_content, sharing)

        def similarity(a, b):  # noqa: ANN001, ANN202
            self.comparisons += 1
            return real_similarity(a, b)

        monkeypatch.setattr(pipeline_module, "_stored_candidates", candidates)
        monkeypatch.setattr(pipeline_module, "similarity", similarity)


def _ingest_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int) -> tuple[_Spy, object, object]:
    from workbench import open_workspace

    folder = tmp_path / str(count)
    folder.mkdir()
    source = _write_copies(folder, count)
    with monkeypatch.context() as patch:
        spy = _Spy(patch)
        ws = open_workspace(folder / "ws.sqlite", pipeline="builtin")
        result = ws.ingest(source, progress=False)
    return spy, result, ws


def test_many_copies_of_one_story_cost_linear_work(tmp_path, monkeypatch):
    small, result, ws = _ingest_copies(tmp_path, monkeypatch, 100)
    assert result.ok and len(result.added) == 100
    # every copy is found, and points at the one original (today's results are kept)
    original = result.added[0]
    assert sorted(result.copies) == sorted((aid, original) for aid in result.added[1:])
    assert set(ws.articles.set_index("id").drop(index=original)["copy_of"]) == {original}
    ws.close()

    large, result, ws = _ingest_copies(tmp_path, monkeypatch, 400)
    assert len(result.copies) == 399
    ws.close()
    # 4 times the copies, about 4 times the work (quadratic would be about 16 times; the first
    # copies see fewer candidates while the buckets fill, hence the margin)
    assert large.band_candidates <= 6 * max(small.band_candidates, 1), (small.band_candidates, large.band_candidates)
    assert large.comparisons <= 6 * small.comparisons, (small.comparisons, large.comparisons)
    # and a small constant per article: 16 bands, a handful of stored candidates each
    assert large.band_candidates / 400 <= 16 * 8 + 1


class _StatementCounter:
    """Counts the SQL statements the real engine runs, by their text (SQLAlchemy's cursor event)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, conn, cursor, statement, params, context, executemany):  # noqa: ANN001, ANN204
        self.seen.append(" ".join(statement.split()))

    def count(self, prefix: str) -> int:
        return sum(1 for statement in self.seen if statement.startswith(prefix))


def test_copy_check_reads_each_stored_candidate_once_per_batch(tmp_path, workspace_location):
    """The copy check reads the stored candidates' texts in one statement per batch, not one per
    candidate per article: on the old code every copy re-read (and re-shingled) about five stored
    texts, so 400 copies ran about 2,000 ``SELECT text`` statements."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from workbench import open_workspace

    counter = _StatementCounter()
    event.listen(Engine, "before_cursor_execute", counter)
    try:
        ws = open_workspace(workspace_location, pipeline="builtin")
        result = ws.ingest(_write_copies(tmp_path, 400), progress=False)
        ws.close()
    finally:
        event.remove(Engine, "before_cursor_execute", counter)
    assert len(result.copies) == 399
    reads = counter.count("SELECT articles.id, articles.text, articles.copy_of FROM articles") + \
        counter.count("SELECT text, copy_of FROM articles")
    batches = counter.count("INSERT INTO articles ")
    assert batches >= 10  # several batches, so one read per batch is not one read in all
    assert reads <= batches, (reads, batches)


def _rows_read_for_bands(location: Path, article_count: int) -> int:
    """SQLite virtual-machine steps (a count of rows visited, give or take a constant) spent by
    ``articles_sharing_bands`` on a workspace whose band buckets were filled without a cap, as an
    older workspace's were: ``article_count`` articles all in the same 16 buckets."""
    import sqlite3

    from sqlalchemy import create_engine

    from workbench import open_workspace
    from workbench.store.articles import articles_sharing_bands
    from workbench.ingest.syndication import BUCKET_CAP

    ws = open_workspace(location)
    ws.close()
    raw = sqlite3.connect(location)
    stamp = "2026-11-30T00:00:00+00:00"
    raw.executemany("INSERT INTO articles (id, language, content_hash, words, ingested_at, text) VALUES (?, 'en', ?, 1, ?, 'x')",
                    [(f"a{i:06d}", f"h{i}", stamp) for i in range(article_count)])
    raw.executemany("INSERT INTO article_bands (band, article_id) VALUES (?, ?)",
                    [(band, f"a{i:06d}") for i in range(article_count) for band in range(16)])
    raw.commit()
    raw.close()
    steps = [0]
    engine = create_engine(f"sqlite:///{location}")
    with engine.connect() as conn:
        def tick() -> int:
            steps[0] += 1
            return 0

        conn.connection.dbapi_connection.set_progress_handler(tick, 1)
        sharing = articles_sharing_bands(conn, set(range(16)), cap=BUCKET_CAP)
        conn.connection.dbapi_connection.set_progress_handler(None, 1)
    engine.dispose()
    assert {band: len(ids) for band, ids in sharing.items()} == {band: BUCKET_CAP for band in range(16)}
    # the first articles of each bucket are the ones kept (the story's original and first copies)
    assert sharing[0] == [f"a{i:06d}" for i in range(BUCKET_CAP)]
    return steps[0]


def test_band_lookup_reads_at_most_the_cap_of_an_overfull_bucket(tmp_path):
    """An older workspace (before the cap) may hold thousands of articles in a bucket; the lookup
    must read only the first ``BUCKET_CAP`` of each, or every batch reads every stored copy."""
    small = _rows_read_for_bands(tmp_path / "small.sqlite", 200)
    large = _rows_read_for_bands(tmp_path / "large.sqlite", 2000)
    # 10 times the stored copies: the same work (reading them all would be about 10 times)
    assert large <= 1.5 * small, (small, large)
