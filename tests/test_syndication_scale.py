"""Near-duplicate detection stays near-linear when one story has many copies (issue 12, item 8).

Counts the work done, not the time: a spy on the real ``_find_original`` adds up the stored
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
        real_find, real_similarity = pipeline_module._find_original, pipeline_module.similarity

        def find(conn, item, batch, same_content, sharing):  # noqa: ANN001, ANN202
            self.band_candidates += sum(len(sharing.get(band, ())) for band in set(item.bands))
            return real_find(conn, item, batch, same_content, sharing)

        def similarity(a, b):  # noqa: ANN001, ANN202
            self.comparisons += 1
            return real_similarity(a, b)

        monkeypatch.setattr(pipeline_module, "_find_original", find)
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
