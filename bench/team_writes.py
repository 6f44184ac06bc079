"""Several analysts rating at once (issue #12 target: 4 analysts × 500 ratings on PostgreSQL,
0 lost, 0 errors shown).

One analysis of 25 hypotheses × 20 assumptions is made; then N processes start together, each
opening the workspace as its own analyst and rating 500 cells, one ``rate`` (one transaction)
each. Afterwards it counts every analyst's stored ratings and the audited changes, and prints
errors, lost ratings and the write rate. The peer, in the same run, is one analyst making all
N × 500 ratings alone: the ratio says what the write lock costs when analysts contend.

Run: python -m bench.team_writes [--analysts 4] [--ratings 500] [--workspace URL_OR_PATH]
(without --workspace: a SQLite file, and PostgreSQL too when WORKBENCH_BENCH_PG names an empty
database URL.)
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import tempfile
import time
from pathlib import Path

import workbench as wb

RATINGS = ("CC", "C", "N", "I", "II")
HYPOTHESES, ITEMS = 25, 20


def _cells(analyst: int, count: int) -> list[tuple[str, str, str]]:
    cells = [(f"E{e + 1}", f"H{h + 1}") for e in range(ITEMS) for h in range(HYPOTHESES)]
    return [(e, h, RATINGS[(analyst + i) % len(RATINGS)]) for i, (e, h) in enumerate(cells[:count])]


def _analyst(location: str, analysis: str, index: int, count: int, start: float, out: "mp.Queue") -> None:
    errors = []
    with wb.open_workspace(location, analyst=f"analyst-{index + 1}") as ws:
        an = ws.analysis(analysis)
        while time.time() < start:
            time.sleep(0.001)
        for evidence, hypothesis, rating in _cells(index, count):
            try:
                an.rate(evidence, hypothesis, rating)
            except Exception as exc:  # noqa: BLE001 - counted and shown, the bench goes on
                errors.append(f"{type(exc).__name__}: {exc}")
    out.put((index, errors))


def _prepare(location: str) -> str:
    with wb.open_workspace(location, analyst="lead") as ws:
        an = ws.new_analysis("Bench: who rates what", [f"hypothesis {h + 1}" for h in range(HYPOTHESES)])
        for e in range(ITEMS):
            an.add_assumption(f"assumption {e + 1}")
        return an.id


def run(location: str, analysts: int, count: int) -> dict[str, float]:
    analysis = _prepare(location)
    queue: mp.Queue = mp.Queue()
    start = time.time() + 3.0   # every process open and waiting before the first rating
    procs = [mp.Process(target=_analyst, args=(location, analysis, i, count, start, queue)) for i in range(analysts)]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=900) for _ in procs]
    for proc in procs:
        proc.join()
    elapsed = time.time() - start
    errors = [e for _, errs in results for e in errs]
    with wb.open_workspace(location, analyst="lead") as ws:
        rated = ws.analysis(analysis).state().rated
        stored = {name: int((rated["analyst"] == name).sum()) for name in sorted(set(rated["analyst"]))}
    expected = {f"analyst-{i + 1}": count for i in range(analysts)}
    lost = sum(max(0, want - stored.get(name, 0)) for name, want in expected.items())
    return {"seconds": elapsed, "errors": len(errors), "lost": lost, "stored": sum(stored.values()),
            "first_error": errors[0] if errors else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analysts", type=int, default=4)
    parser.add_argument("--ratings", type=int, default=500)
    parser.add_argument("--workspace", default=None)
    args = parser.parse_args()
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        targets = [args.workspace] if args.workspace else [str(Path(tmp) / "team.sqlite")]
        if not args.workspace and os.environ.get("WORKBENCH_BENCH_PG"):
            targets.append(os.environ["WORKBENCH_BENCH_PG"])
        for index, location in enumerate(targets):
            together = run(location, args.analysts, args.ratings)
            alone_location = (str(Path(tmp) / f"alone-{index}.sqlite") if location.endswith(".sqlite")
                              else location)
            alone = run(alone_location, 1, args.analysts * args.ratings)
            kind = "PostgreSQL" if location.startswith("postgresql") else "SQLite"
            total = args.analysts * args.ratings
            print(f"{kind}: {args.analysts} analysts × {args.ratings} ratings at once: "
                  f"{together['stored']:,} stored, {together['lost']} lost, {together['errors']} errors "
                  f"[target 0 lost, 0 errors]; {total / together['seconds']:.0f} ratings/s")
            if together["first_error"]:
                print(f"  first error: {together['first_error']}")
            print(f"  peer, one analyst making all {total:,}: {total / alone['seconds']:.0f} ratings/s; "
                  f"ratio together / alone {alone['seconds'] / together['seconds']:.2f}x")


if __name__ == "__main__":
    main()
