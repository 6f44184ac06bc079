"""Concurrent edits on one workspace (issue #10 target: 4 processes × 500 mixed edits at once,
0 lost, 0 errors shown, the audit log replayed equal to the tables).

Each process is ``tests/fault_worker.py`` doing mixed edits (tag a quote, add an assumption,
rate, change a weight, undo, redo) as its own analyst. The peer is one process doing the same
number of edits alone on a workspace set up the same way, in the same run: the ratio of the
p95 latencies says what waiting for the others costs. Printed, never asserted:

- acknowledged edits, refusals (an undo blocked by someone else's later change, an item
  removed meanwhile), errors shown (target 0);
- lost edits: acknowledged changes missing from the audit log, per analyst (target 0);
- ``workbench workspace check`` (target: ok);
- edit latency p50 / p95 / max in ms, and throughput.

Run: python -m bench.edits [--processes 4] [--edits 500]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "fault_worker.py"
SEED = ROOT / "seeds" / "000_77591201f77be997.txt"


def _setup(path: Path) -> tuple[str, str]:
    import workbench as wb

    with wb.open_workspace(path, pipeline="builtin", actor="setup") as ws:
        article = ws.ingest(SEED, progress=False).added[0]
        an = ws.new_analysis("Will Belarus join the ground war?", ["Joins", "Stays out", "Feints", "Mobilises"])
        for i in range(20):
            an.add_assumption(f"starting assumption {i}", ratings={"Joins": "C"})
    return an.id, article


def _run(path: Path, analysis: str, article: str, processes: int, edits: int) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    start = time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, str(WORKER), str(path), analysis, f"analyst{n}", f"mixed*{edits}",
                               "--seed", str(100 + n), "--start", str(start), "--article", article],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for n in range(processes)]
    results = [p.communicate() for p in procs]
    wall = time.time() - start
    acks = [[json.loads(line) for line in out.splitlines() if line.startswith("{")] for out, _ in results]
    errors = sum(err.count("ERROR") for _, err in results) + sum(1 for p in procs if p.returncode != 0)
    lost = _lost(path, acks)
    from workbench.check import check_workspace

    report = check_workspace(path)
    latencies = sorted(a["ms"] for worker in acks for a in worker)
    refusals = Counter(a["refused"].split(":")[0] if ":" in a["refused"] else a["refused"]
                       for worker in acks for a in worker if not a["ok"])
    return {"acks": sum(len(w) for w in acks), "refused": sum(refusals.values()), "errors": errors, "lost": lost,
            "check": "ok" if report.ok else "; ".join(report.log[:3] + report.integrity[:3] + report.foreign_keys[:3]),
            "p50": statistics.median(latencies), "p95": latencies[int(0.95 * (len(latencies) - 1))],
            "max": latencies[-1], "wall": wall, "edits_per_s": len(latencies) / wall}


def _lost(path: Path, acks: list[list[dict]]) -> int:
    """Acknowledged changes / undos / redos that the audit log does not hold (and any extra)."""
    import sqlite3

    db = sqlite3.connect(path)
    try:
        logged = Counter(db.execute("SELECT actor, action FROM audit_log WHERE target_type = 'analysis'"))
    finally:
        db.close()
    lost = 0
    for n, worker in enumerate(acks):
        promised: Counter = Counter()
        for ack in worker:
            if ack["ok"] and ack["result"] not in (None, False):
                promised[ack["op"] if ack["op"] in ("undo", "redo") else "change"] += 1
        for action in ("change", "undo", "redo"):
            lost += abs(promised[action] - logged[(f"analyst{n}", action)])
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--edits", type=int, default=500)
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for label, processes in (("peer: 1 process alone", 1), (f"{args.processes} processes at once", args.processes)):
            path = Path(tmp) / f"ws{processes}.sqlite"
            analysis, article = _setup(path)
            result = _run(path, analysis, article, processes, args.edits)
            rows.append((label, processes, result))
            print(f"{label:>24}: {processes}×{args.edits} mixed edits: {result['acks']} acknowledged, "
                  f"{result['refused']} refused, errors shown {result['errors']} [target 0], "
                  f"lost {result['lost']} [target 0], check {result['check']} [target ok]")
            print(f"{'':>24}  latency ms p50 {result['p50']:.1f}, p95 {result['p95']:.1f}, max {result['max']:.1f}; "
                  f"{result['edits_per_s']:.0f} edits/s over {result['wall']:.1f} s")
        peer, crowd = rows[0][2], rows[1][2]
        print(f"p95 latency, {args.processes} processes / 1 alone: {crowd['p95'] / peer['p95']:.2f}×; "
              f"throughput ratio {crowd['edits_per_s'] / peer['edits_per_s']:.2f}×")


if __name__ == "__main__":
    main()
