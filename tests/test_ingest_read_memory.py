"""Reading a small collection file reserves memory for what it holds, not for the size limit
(``handle.read(limit + 1)`` allocated 500 MB for every JSONL file, then shrank it)."""
from __future__ import annotations

import json
import tracemalloc

from workbench.ingest.readers import read_unit


def test_reading_a_small_jsonl_file_does_not_reserve_the_size_limit(tmp_path):
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(json.dumps({"title": f"t{i}", "text": f"Dispatch {i} from Kyiv. " * 20})
                              for i in range(50)) + "\n", encoding="utf-8")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        items = list(read_unit(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(items) == 50
    assert peak < 50 * size, f"peak {peak / 1e6:.1f} MB to read a {size / 1e3:.0f} kB file"
