"""A worker process for the concurrency and fault-injection tests (and bench.edits).

Run: python tests/fault_worker.py WORKSPACE ANALYSIS ACTOR PLAN [--seed N] [--start T] [--article ID]

PLAN is a comma list of steps, each ``op`` or ``op*count``: ``tag``, ``assume``, ``rate``,
``edit``, ``undo``, ``redo``, ``mixed`` (one of tag / assume / rate / edit / undo / redo at
random). The worker waits until the wall clock reaches ``--start`` so that several workers
begin together, then prints one JSON line per acknowledged edit to stdout, flushed at once:
``{"op": ..., "ok": true, "result": ..., "ms": latency}`` (for rate and edit the result says
whether anything changed; for undo and redo it is what was undone, or null); an edit the workbench refused with
a message prints ``"ok": false, "refused": message``. Any other exception is an error: it is
printed to stderr as one ``ERROR`` line and counted, and the worker goes on.
"""
from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

from sqlalchemy import text as sql

import workbench as wb
from workbench.errors import WorkbenchError

RATINGS = ("CC", "C", "N", "I", "II", "NA")
MIXED = ("tag", "assume", "rate", "rate", "edit", "undo", "redo")


def main(argv: list[str]) -> int:
    args = list(argv)
    options: dict[str, str] = {}
    for flag in ("--seed", "--start", "--article"):
        if flag in args:
            at = args.index(flag)
            options[flag] = args[at + 1]
            del args[at:at + 2]
    path, analysis_id, actor, plan = args
    rng = random.Random(int(options.get("--seed", "0")))
    ws = wb.open_workspace(path, actor=actor)
    an = ws.analysis(analysis_id)
    hypotheses = list(an.hypotheses["name"])
    article = options.get("--article")
    text = ws.article(article).text if article else ""
    start = float(options.get("--start", "0"))
    while time.time() < start:
        time.sleep(0.005)
    errors = 0
    for step in plan.split(","):
        op, _, count = step.partition("*")
        for _ in range(int(count or 1)):
            chosen = rng.choice(MIXED) if op == "mixed" else op
            if chosen == "tag" and not article:
                chosen = "assume"
            labels = _labels(ws, analysis_id) if chosen in ("rate", "edit") else []
            began = time.perf_counter()
            try:
                result = _do(an, chosen, rng, hypotheses, article, text, labels)
                line: dict[str, Any] = {"op": chosen, "ok": True, "result": result}
            except WorkbenchError as exc:
                line = {"op": chosen, "ok": False, "refused": str(exc)}
            except Exception as exc:  # noqa: BLE001 - counted and shown: the test asserts there are none
                errors += 1
                print(f"ERROR {chosen}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}", file=sys.stderr,
                      flush=True)
                continue
            line["ms"] = round(1000 * (time.perf_counter() - began), 3)
            print(json.dumps(line), flush=True)
    ws.close()
    return 1 if errors else 0


def _labels(ws: Any, analysis_id: str) -> list[str]:
    """The analysis's evidence labels now (chosen before the edit is timed)."""
    with ws.store.read() as conn:
        rows = conn.execute(sql("SELECT position FROM evidence WHERE analysis_id = :a ORDER BY position"),
                            {"a": analysis_id}).all()
    return [f"E{p}" for (p,) in rows]


def _do(an: Any, op: str, rng: random.Random, hypotheses: list[str], article: str | None, text: str,
        labels: list[str]) -> Any:
    if op == "tag":
        start = rng.randrange(0, max(1, len(text) - 80))
        return an.tag(article, start, start + rng.randrange(20, 80),
                      ratings={rng.choice(hypotheses): rng.choice(RATINGS[:5])})
    if op == "assume":
        return an.add_assumption(f"assumption {rng.random():.6f}",
                                 ratings={rng.choice(hypotheses): rng.choice(RATINGS[:5])})
    if op in ("rate", "edit") and not labels:
        return an.add_assumption(f"assumption {rng.random():.6f}")
    if op == "rate":
        return bool(an.rate(rng.choice(labels), rng.choice(hypotheses), rng.choice(RATINGS)))
    if op == "edit":
        return bool(an.update_evidence(rng.choice(labels), credibility=rng.choice(("High", "Medium", "Low"))))
    if op == "undo":
        return an.undo()
    if op == "redo":
        return an.redo()
    raise ValueError(f"unknown op {op!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
