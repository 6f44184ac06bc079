"""Following other notebooks (issue 12, item 5): what an open matrix's poll costs.

The page asks the kernel every second; the kernel asks the change log for events after its
cursor. Printed, never asserted:

- statements per idle poll (target 1) and per poll that finds a change (the poll, then the
  redraw: the cursor and the two statements of one state read);
- the idle poll's time with a short log and with a long one (100,000 events), and their ratio:
  an indexed ``id > cursor`` query stays flat as the log grows (peer: the short log, same run).

Run: python -m bench.live [--events 100000]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, insert


def _workspace(path: Path, extra_events: int):  # noqa: ANN202
    import workbench as wb
    from workbench.store import now
    from workbench.store import schema as s

    ws = wb.open_workspace(path, pipeline="builtin", analyst="ana")
    an = ws.new_analysis("Will Belarus join?", [f"H{i}" for i in range(10)])
    for i in range(100):
        an.add_assumption(f"assumption {i}", ratings={"H0": "C", "H1": "I"})
    stamp = now()
    with ws.store.transaction() as conn:
        for start in range(0, extra_events, 10_000):
            conn.execute(insert(s.audit_log), [{"at": stamp, "actor": "old", "action": "grade", "target_type": "source",
                                                "target_id": str(i)} for i in range(start, min(extra_events, start + 10_000))])
    return ws, an


def _measure(ws, an, polls: int = 200) -> dict:  # noqa: ANN001
    import workbench as wb

    matrix = wb.Matrix(an)
    seen: list[str] = []
    count = lambda *args: seen.append(args[2])  # noqa: E731 - the statement text
    times = []
    event.listen(ws.store.engine, "before_cursor_execute", count)
    try:
        for _ in range(polls):
            matrix._polled_at = float("-inf")   # as if a second had passed
            t0 = time.perf_counter()
            matrix._handle_custom_msg({"kind": "poll"}, [])
            times.append(time.perf_counter() - t0)
        idle = len(seen) / polls
        seen.clear()
        with wb.open_workspace(ws.location, analyst="ben") as other:
            other.analysis(an.id).rate("E1", "H2", "CC")
        matrix._polled_at = float("-inf")
        t0 = time.perf_counter()
        matrix._handle_custom_msg({"kind": "poll"}, [])
        moved_ms = 1000 * (time.perf_counter() - t0)
        moved = len(seen)
    finally:
        event.remove(ws.store.engine, "before_cursor_execute", count)
    return {"idle_statements": idle, "moved_statements": moved, "idle_ms": 1000 * statistics.median(times),
            "moved_ms": moved_ms}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.live")
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, extra in (("short log", 0), (f"{args.events:,} events", args.events)):
            ws, an = _workspace(Path(tmp) / f"{extra}.sqlite", extra)
            try:
                rows[name] = _measure(ws, an)
            finally:
                ws.close()
    print(f"{'log':<18} {'stmts/idle poll':>16} {'idle poll ms':>13} {'stmts/poll w/ change':>21} {'redraw ms':>10}")
    for name, r in rows.items():
        print(f"{name:<18} {r['idle_statements']:>16.1f} {r['idle_ms']:>13.3f} {r['moved_statements']:>21} "
              f"{r['moved_ms']:>10.1f}")
    short, long_ = rows.values()
    print(f"idle poll, long log / short log: {long_['idle_ms'] / short['idle_ms']:.2f}× (flat ≈ 1)")


if __name__ == "__main__":
    main()
