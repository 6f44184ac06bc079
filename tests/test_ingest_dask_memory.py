"""The Dask pass keeps no batch alive once it is stored (issue 12, item 7/8: memory flat as the
corpus grows). A real LocalCluster of 2 workers; the ingesting process runs the client AND the
scheduler, so tracemalloc there sees both sides' copies of the batches."""
from __future__ import annotations

import gc
import json
import random
import sys
import time
import tracemalloc

import cloudpickle
import pytest

import workbench.ingest._prepare as prepare_module
import workbench.ingest.pipeline as pipeline_module
from conftest import SEED_TXT
from workbench import open_workspace

pytestmark = pytest.mark.timeout(300)
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import this test module

FIRST, LAST = 4, 12   # compare the process after FIRST and after LAST = 3 x FIRST stored batches
BATCH = 16
VOCABULARY = sorted(set(SEED_TXT.read_text(encoding="utf-8").split()))


def _articles(count: int, words: int = 400):
    """``count`` articles of ``words`` words drawn at random from the seed's vocabulary: no two
    alike, so copy detection has nothing to compare (the store's share of the time stays small)."""
    draw = random.Random(5)
    for i in range(count):
        yield {"title": f"Dispatch {i}", "text": " ".join(draw.choices(VOCABULARY, k=words)),
               "url": f"https://wire.test/{i}"}


class NoEntities:
    """Finds nothing: the workers' time goes to shingles and bands only (a short test)."""

    name = "none"
    fingerprint = "none"

    def extract_batch(self, texts, languages=None):  # noqa: ANN001, ANN201
        return [[] for _ in texts]


def test_memory_retained_does_not_grow_with_the_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(prepare_module, "BATCH", BATCH)
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for doc in _articles((LAST + 3) * BATCH):
            out.write(json.dumps(doc) + "\n")

    samples: dict[int, int] = {}
    sent = {"between": 0}
    real_store = pipeline_module._store

    def measured_store(store, fresh, known, done, *args, **kwargs):  # noqa: ANN001, ANN202
        real_store(store, fresh, known, done, *args, **kwargs)
        stored = len(samples) + 1
        if FIRST < stored <= LAST:
            sent["between"] += sum(len(item.text.encode()) for item in fresh)
        del fresh, known, done
        if stored in (FIRST, LAST):
            time.sleep(0.3)   # let the scheduler's thread finish with the messages of the moment
            gc.collect()
        samples[stored] = tracemalloc.get_traced_memory()[0] if stored in (FIRST, LAST) else 0

    monkeypatch.setattr(pipeline_module, "_store", measured_store)
    ws = open_workspace(tmp_path / "ws.sqlite")
    tracemalloc.start()
    try:
        result = ws.ingest(corpus, progress=False, workers=2, pipeline=NoEntities())
    finally:
        tracemalloc.stop()
        ws.close()
    assert result.ok and len(result.added) == (LAST + 3) * BATCH
    grown = samples[LAST] - samples[FIRST]
    # bytes still held per byte of article text sent in between: every batch kept by the
    # client (pickled) and the scheduler (unpickled, then pickled for a worker) made it ~3.7
    ratio = grown / sent["between"]
    assert sent["between"] > 12 * BATCH * 1000
    assert ratio < 0.5, (f"the process grew by {grown / 1e6:.2f} MB between batch {FIRST} and {LAST}, "
                         f"{ratio:.2f} bytes per byte of text sent ({sent['between'] / 1e6:.2f} MB)")
