"""PARC .achz imports within bounds (issue 10 targets), each beside the old path on the same file.

Two files are written once per run:

- a 20,000-item analysis (5 hypotheses) as the workbench exports it (``write_achz``), and
- element floods: the layout's title, MATRIX and two hypotheses, then N elements (default
  4,000,000; ``--flood-elements 33000000`` is the issue's 388 KB file, whose old path needs
  ~3 GB — do not run that on a shared machine).

Each measurement runs in a fresh process and prints wall and CPU time and peak memory: the
resident high-water mark (reset after the imports, Linux) above the resident size before the work:

- parsing into records: the old parser (gunzip the whole file, decode it whole, parse it into
  one ElementTree with defusedxml, then walk the tree) vs the streaming parser; then the whole
  ``read_achz`` (records → validated document) on its own line;
- two floods, both ways — empty elements in the MATRIX, and EVIDENCE records padded to just
  under the per-record limit, so that only the limit on elements in all stops them: the old
  path builds the whole tree, the new one refuses it [target: refused in <= 2 s and <= 200 MB];
- the whole 20,000-item import into a fresh workspace (``Workspace.import_analysis``: read,
  validate, store, audit) [target <= 5 s], beside the old import's per-row store (one INSERT
  and one read-back per row), run on the first ``--old-rows`` items and extrapolated (it says so).

Targets are printed, never asserted. The machine may be shared: the load average is printed.
Run: python -m bench.achz [--items 20000] [--flood-elements 4000000] [--old-rows 2000]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def synthetic_document(items: int, hypotheses: int = 5, seed: int = 0) -> dict[str, Any]:
    """An analysis document of unanchored items with notes, weights, types, dates and ratings."""
    rng = random.Random(seed)
    hyps = [{"id": f"h{i}", "name": f"Hypothesis {i + 1}", "position": i + 1} for i in range(hypotheses)]
    evidence, ratings = [], []
    for i in range(items):
        evidence.append({
            "id": f"e{i}", "kind": rng.choice(["assumption", "assumption", "absence"]),
            "note": f"Item {i}: " + " ".join(rng.choice(["report", "source", "convoy", "border", "said", "denied"])
                                              for _ in range(rng.randint(5, 40))),
            "credibility": rng.choice(["Low", "Medium", "High"]), "relevance": rng.choice(["Low", "Medium", "High"]),
            "event_date": "2022-12-19" if i % 3 == 0 else None,
            "evidence_type": rng.choice([None, "HUMINT", "OSINT", "SIGINT"]),
            "flags": ["deception"] if i % 17 == 0 else []})
        for hypothesis in hyps:
            if rng.random() < 0.9:
                ratings.append({"evidence_id": f"e{i}", "hypothesis_id": hypothesis["id"],
                                "rating": rng.choice(["CC", "C", "N", "I", "II", "NA"])})
    return {"schema": "workbench.analysis", "version": 1,
            "analysis": {"question": f"A {items:,}-item analysis?", "created_by": "bench"},
            "hypotheses": hyps, "evidence": evidence, "ratings": ratings}


def flood_file(elements: int, padded_records: bool = False) -> bytes:
    """The PARC layout with ``elements`` empty elements in its MATRIX (a few hundred KB of gzip).

    ``padded_records``: the elements come as EVIDENCE records of 63 empty elements each (just
    under the per-record limit), so that only the limit on elements in all can stop them.
    """
    import zlib

    head = ('<?xml version="1.0" encoding="UTF-16"?>\n<ACH><PROJECT-TITLE>Flood</PROJECT-TITLE><MATRIX>'
            "<HYPOTHESIS><NAME>A</NAME></HYPOTHESIS><HYPOTHESIS><NAME>B</NAME></HYPOTHESIS>")
    unit, per_unit = ("<EVIDENCE>" + "<x/>" * 63 + "</EVIDENCE>", 64) if padded_records else ("<x/>", 1)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip, written in slices: never whole in memory
    out = [compressor.compress(head.encode("utf-16"))]
    units, step = elements // per_unit, 1_000_000 // per_unit
    for start in range(0, units, step):
        out.append(compressor.compress((unit * min(step, units - start)).encode("utf-16-le")))
    out.append(compressor.compress("</MATRIX></ACH>".encode("utf-16-le")))
    out.append(compressor.flush())
    return b"".join(out)


# -- the old path (as workbench.analysis.achz read files before the streaming reader) ---------
def old_parse(data: bytes) -> dict[str, Any]:
    """Gunzip whole (capped at 256 MB), decode whole, one defusedxml tree, then walk it."""
    from defusedxml.ElementTree import fromstring

    with gzip.GzipFile(fileobj=__import__("io").BytesIO(data)) as stream:
        raw = stream.read(256 * 2**20 + 1)
    if len(raw) > 256 * 2**20:
        raise ValueError("expands beyond 256 MB")
    text = re.sub(r"^\ufeff?\s*<\?xml[^>]*\?>", "", raw.decode("utf-16"), count=1)
    del raw
    root = fromstring(text)
    del text
    matrix = root if root.tag == "MATRIX" else root.find(".//MATRIX")
    extra = "{urn:x-workbench:analysis}EXTRA"
    records = [{child.tag: child.text or "" for child in reversed(list(element))}
               for element in matrix.findall("EVIDENCE")]
    hypotheses = [{child.tag: child.text or "" for child in element} for element in matrix.findall("HYPOTHESIS")]
    for record in records:
        if extra in record:
            json.loads(record[extra])
    return {"hypotheses": len(hypotheses), "evidence": len(records), "elements": sum(1 for _ in root.iter())}


def old_store(ws: Any, doc: dict[str, Any], rows: int) -> None:
    """The old import's store: every row through ``ChangeSet.insert`` (an INSERT and a read-back)."""
    from workbench.store import schema as s
    from workbench.store.changes import ChangeSet
    from workbench.store import now

    items = doc["evidence"][:rows]
    kept = {e["id"] for e in items}
    stamp = now()
    with ws.store.transaction() as conn:
        change = ChangeSet(conn, "old", "import")
        change.insert(s.analyses, {"id": "old", "question": "q", "created_by": "bench", "created_at": stamp,
                                   "updated_at": stamp})
        for position, hyp in enumerate(doc["hypotheses"], 1):
            change.insert(s.hypotheses, {"id": hyp["id"], "analysis_id": "old", "name": hyp["name"],
                                         "position": position, "is_other": 0})
        for position, item in enumerate(items, 1):
            change.insert(s.evidence, {"id": item["id"], "analysis_id": "old", "kind": item["kind"],
                                       "note": item["note"], "analyst": "bench", "created_at": stamp,
                                       "updated_at": stamp, "credibility": item["credibility"],
                                       "relevance": item["relevance"], "flags": "[]", "position": position})
        for rating in doc["ratings"]:
            if rating["evidence_id"] in kept and rating["rating"] != "NA":
                change.insert(s.ratings, dict(rating))
        change.commit("bench")


# -- one measurement in its own process ---------------------------------------------------------
def _rss_kb(field: str) -> int:
    """VmRSS / VmHWM of this process in kB (Linux), else the peak from getrusage."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> None:
    """Start the high-water mark afresh (Linux): imports must not hide the work's own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _child(task: str, path: str, extra: str) -> None:
    import defusedxml.ElementTree  # noqa: F401 - the same imports on both sides, before the baseline

    import workbench as wb
    from workbench.analysis import read_achz
    from workbench.analysis._achz_stream import parse_achz
    from workbench.analysis.achz import LimitExceeded

    data = Path(path).read_bytes() if task.endswith("read") or task == "new-parse" else b""
    location = extra.split(":")[0]
    ws = wb.open_workspace(location, pipeline="builtin") if task in ("new-import", "old-store") else None
    doc = json.loads(Path(path).read_text()) if task == "old-store" else None
    _reset_peak()
    base = _rss_kb("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        if task == "old-read":
            outcome = "tree of {elements:,} elements: {hypotheses} hypotheses, {evidence:,} items".format(
                **old_parse(data))
        elif task == "new-parse":
            parsed = parse_achz(data)
            outcome = f"records: {len(parsed.hypotheses)} hypotheses, {len(parsed.evidence):,} items"
        elif task == "new-read":
            doc = read_achz(data)
            outcome = f"validated document: {len(doc['evidence']):,} items, {len(doc['ratings']):,} ratings"
        elif task == "new-import":
            an = ws.import_analysis(path)
            counts = ws.analyses.set_index("id").loc[an.id]
            outcome = f"imported: {counts['evidence']:,} items"
        else:  # old-store
            rows = int(extra.split(":")[1])
            old_store(ws, doc, rows)
            outcome = f"stored: {rows:,} items"
    except (LimitExceeded, ValueError) as exc:
        outcome = f"refused: {exc}"
    result = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
              "peak_mb": (_rss_kb("VmHWM") - base) / 1024, "outcome": outcome}
    if ws is not None:
        ws.close()
    print(json.dumps(result))


def measure(task: str, path: Path, extra: str = "") -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "bench.achz", "--child", task, str(path), extra],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return {"wall": float("nan"), "cpu": float("nan"), "peak_mb": float("nan"),
                "outcome": f"failed: {(out.stderr.strip().splitlines() or ['?'])[-1][:120]}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(label: str, r: dict[str, Any]) -> str:
    return (f"  {label:<34} {r['wall']:7.2f} s wall {r['cpu']:7.2f} s cpu {r['peak_mb']:8.1f} MB peak   "
            f"{r['outcome'][:110]}")


def _ratio(new: dict[str, Any], old: dict[str, Any]) -> str:
    return (f"  ratio new/old: time {new['wall'] / old['wall']:.3f} (cpu {new['cpu'] / old['cpu']:.3f}), "
            f"peak memory {new['peak_mb'] / max(old['peak_mb'], 0.1):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--flood-elements", type=int, default=4_000_000)
    parser.add_argument("--old-rows", type=int, default=2_000, help="items the old per-row store runs on")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return

    from workbench.analysis import write_achz

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        doc = synthetic_document(args.items)
        big = folder / "big.achz"
        big.write_bytes(write_achz(doc))
        (folder / "big.json").write_text(json.dumps(doc))
        flood, padded = folder / "flood.achz", folder / "padded.achz"
        flood.write_bytes(flood_file(args.flood_elements))
        padded.write_bytes(flood_file(args.flood_elements, padded_records=True))
        print(f"{args.items:,}-item file: {big.stat().st_size / 1024:,.0f} KB; floods of {args.flood_elements:,} "
              f"elements: {flood.stat().st_size / 1024:,.0f} KB and {padded.stat().st_size / 1024:,.0f} KB")

        print(f"\nparsing the {args.items:,}-item file into its records")
        old, new = measure("old-read", big), measure("new-parse", big)
        print(_line("old: whole tree, then walked", old))
        print(_line("new: stream within limits", new))
        print(_ratio(new, old))
        print(_line("new: read_achz, validated document", measure("new-read", big)))

        for label, path in (("empty elements in the MATRIX", flood), ("EVIDENCE records of 63 empty elements", padded)):
            print(f"\nthe element flood, {args.flood_elements:,} {label}   [target: refused in <= 2 s and <= 200 MB]")
            old, new = measure("old-read", path), measure("new-read", path)
            print(_line("old: whole tree", old))
            print(_line("new: stream within limits", new))
            print(_ratio(new, old))

        print(f"\nimporting the {args.items:,}-item file into a fresh workspace   [target <= 5 s]")
        new = measure("new-import", big, str(folder / "new.sqlite"))
        print(_line("new: Workspace.import_analysis", new))
        rows = min(args.old_rows, args.items)
        old = measure("old-store", folder / "big.json", f"{folder / 'old.sqlite'}:{rows}")
        print(_line(f"old per-row store, {rows:,} items", old))
        scale = args.items / rows
        print(f"  the old per-row store alone, extrapolated to {args.items:,} items: ~{old['wall'] * scale:.1f} s "
              f"wall (x{scale:.0f}, linear; reading and validating not included)")


if __name__ == "__main__":
    main()
