"""Following other notebooks (issue 12, item 5): what an open widget's poll costs.

While a widget is on screen its page asks the kernel every second; the kernel asks the change
log for events after the widget's cursor. Printed, never asserted, for each widget (reader,
corpus browser, entity explorer, matrix) and each backend:

- per idle poll: the workbench's SQL statements (target 1: the feed read), the transactions
  around them and the pool checkouts (PostgreSQL: each checkout is pinged, each read transaction
  opens with SET TRANSACTION, then ends; SQLite: a BEGIN and its end in this process);
- the idle poll's median time, and its ratio to a peer in the same run: one bare
  ``ws.latest_change()`` read (the cheapest read a workspace makes), so ≈ 1 means a poll costs
  what any one-statement read costs;
- per poll that finds a change: the statements of the poll and the redraw it causes;
- the idle poll with a short change log and with a long one (``--events``, 100,000 by default,
  SQLite), and their ratio: an indexed ``id > cursor`` query stays flat as the log grows.

Run: python -m bench.live [--events 100000] [--polls 200]
(PostgreSQL too when WORKBENCH_BENCH_PG names an EMPTY throwaway database URL.)
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

ARTICLE = ("Minsk talks\n\nRussian President Vladimir Putin met Alexander Lukashenko in Minsk on Monday. "
           "NATO said Belarus would not join the war. Lukashenko denied it.")
QUOTE = "NATO said Belarus would not join the war."


class Counter:
    """Counts, on one engine, the workbench's statements, the transactions begun and the checkouts."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.statements = self.transactions = self.checkouts = 0
        self._hooks: list[tuple[Any, str, Callable[..., None]]] = [
            (engine, "before_cursor_execute", self._statement),
            (engine, "begin", self._begin),
            (engine.pool, "checkout", self._checkout),
        ]

    def _statement(self, *_args: Any) -> None:
        self.statements += 1

    def _begin(self, *_args: Any) -> None:
        self.transactions += 1

    def _checkout(self, *_args: Any) -> None:
        self.checkouts += 1

    def __enter__(self) -> "Counter":
        for target, name, hook in self._hooks:
            event.listen(target, name, hook)
        return self

    def __exit__(self, *_exc: Any) -> None:
        for target, name, hook in self._hooks:
            event.remove(target, name, hook)


def _prepare(location: str, folder: Path, extra_events: int) -> tuple[str, str]:
    import workbench as wb
    from workbench.store import now
    from workbench.store import schema as s

    source = folder / "minsk.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    with wb.open_workspace(location, pipeline="builtin", analyst="ana") as ws:
        article = ws.ingest(source, progress=False).added[0]
        an = ws.new_analysis("Will Belarus join?", [f"H{i}" for i in range(10)])
        for i in range(100):
            an.add_assumption(f"assumption {i}", ratings={"H0": "C", "H1": "I"})
        stamp = now()
        with ws.store.transaction() as conn:
            for start in range(0, extra_events, 10_000):
                conn.execute(insert(s.audit_log), [
                    {"at": stamp, "actor": "old", "action": "grade", "target_type": "source", "target_id": str(i)}
                    for i in range(start, min(extra_events, start + 10_000))])
        return article, an.id


def _widgets(ws: Any, article: str, aid: str) -> dict[str, Any]:
    import workbench as wb

    return {"reader": wb.Reader(ws, article, analysis=ws.analysis(aid)), "corpus": wb.CorpusBrowser(ws),
            "entities": wb.EntityExplorer(ws), "matrix": wb.Matrix(ws.analysis(aid))}


def _poll(widget: Any) -> None:
    widget._polled_at = float("-inf")   # as if a second had passed since the last poll
    widget._handle_custom_msg({"kind": "poll"}, [])


def _median_ms(actions: list[Callable[[], Any]], times: int) -> list[float]:
    """Median milliseconds of each action, run in turn (interleaved: the machine's load, shared
    with other work, weighs on each alike)."""
    taken: list[list[float]] = [[] for _ in actions]
    for _ in range(times):
        for action, out in zip(actions, taken):
            t0 = time.perf_counter()
            action()
            out.append(time.perf_counter() - t0)
    return [1000 * statistics.median(out) for out in taken]


def measure(location: str, folder: Path, polls: int, extra_events: int = 0) -> dict[str, dict[str, float]]:
    """Idle-poll and changed-poll costs of each widget on one workspace."""
    import workbench as wb

    article, aid = _prepare(location, folder, extra_events)
    out: dict[str, dict[str, float]] = {}
    with wb.open_workspace(location, analyst="ana") as ws:
        widgets = _widgets(ws, article, aid)
        for name, widget in widgets.items():
            with Counter(ws.store.engine) as idle:
                for _ in range(polls):
                    _poll(widget)
            idle_ms, peer_ms = _median_ms([lambda w=widget: _poll(w), ws.latest_change], polls)
            out[name] = {"statements": idle.statements / polls, "transactions": idle.transactions / polls,
                         "checkouts": idle.checkouts / polls, "idle_ms": idle_ms, "peer_ms": peer_ms}
        # one change of each kind, then one poll of each widget: what the redraw costs
        with wb.open_workspace(location, pipeline="builtin", analyst="ben") as ben:
            ben.analysis(aid).tag_quote(article, QUOTE, ratings={"H2": "CC"})
            ben.rename_entity("Minsk", "Minsk (city)")
        for name, widget in widgets.items():
            with Counter(ws.store.engine) as moved:
                t0 = time.perf_counter()
                _poll(widget)
                out[name]["moved_ms"] = 1000 * (time.perf_counter() - t0)
            out[name]["moved_statements"] = moved.statements
    return out


def _table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'widget':<10} {'stmts/idle poll':>15} {'txns':>5} {'checkouts':>9} {'idle poll ms':>12} "
          f"{'÷ one read':>10} {'stmts w/ change':>15} {'redraw ms':>9}")
    for name, r in rows.items():
        print(f"{name:<10} {r['statements']:>15.1f} {r['transactions']:>5.1f} {r['checkouts']:>9.1f} "
              f"{r['idle_ms']:>12.3f} {r['idle_ms'] / r['peer_ms']:>9.2f}× {r['moved_statements']:>15.0f} "
              f"{r['moved_ms']:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.live")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--polls", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        targets = [("SQLite", str(folder / "live.sqlite"))]
        if os.environ.get("WORKBENCH_BENCH_PG"):
            targets.append(("PostgreSQL", os.environ["WORKBENCH_BENCH_PG"]))
        for kind, location in targets:
            _table(f"{kind}: one article, one analysis of 10 hypotheses × 100 items", measure(location, folder, args.polls))
        short = measure(str(folder / "short.sqlite"), folder, args.polls)
        long_ = measure(str(folder / "long.sqlite"), folder, args.polls, args.events)
    ratio = statistics.median(long_[w]["idle_ms"] / short[w]["idle_ms"] for w in short)
    print(f"\nSQLite idle poll, {args.events:,}-event log / short log (median over the widgets): {ratio:.2f}× (flat ≈ 1)")


if __name__ == "__main__":
    main()
