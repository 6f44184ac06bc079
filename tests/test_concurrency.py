"""Several processes editing one workspace at once: nothing lost, no error shown, and the audit
log replayed equals the tables (``workbench workspace check``).

The tests on the ``shared`` workspace run on both backends: a SQLite file and a PostgreSQL
database (``workspace_location``)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEED_TXT

import workbench as wb
from workbench.errors import StoreError

WORKER = Path(__file__).with_name("fault_worker.py")


def _env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}


def _spawn(path: str, analysis: str, actor: str, plan: str, *, seed: int, start: float,
           article: str | None = None) -> subprocess.Popen:
    command = [sys.executable, str(WORKER), str(path), analysis, actor, plan, "--seed", str(seed),
               "--start", str(start)]
    if article:
        command += ["--article", article]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())


def _finish(procs: list[subprocess.Popen], timeout: float = 240) -> list[list[dict]]:
    """Wait for the workers; assert none showed an error; return each one's acknowledgements."""
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0 and "ERROR" not in err and "Traceback" not in err, err[-3000:]
        outputs.append([json.loads(line) for line in out.splitlines() if line.startswith("{")])
    return outputs


def _check(path: str) -> None:
    """``workbench workspace check`` passes."""
    from workbench.cli import main

    result = CliRunner().invoke(main, ["workspace", "check", str(path)])
    assert result.exit_code == 0, result.output


def _events(path: str, actor: str) -> dict[str, int]:
    with wb.open_workspace(path) as ws:
        log = ws.history(limit=100_000)
    mine = log[(log["actor"] == actor) & (log["target_type"] == "analysis")]
    return mine["action"].value_counts().to_dict()


@pytest.fixture
def shared(workspace_location: str) -> tuple[str, str, str]:
    """A workspace with the seed article and an analysis of three hypotheses, on each backend."""
    path = workspace_location
    with wb.open_workspace(path, pipeline="builtin") as ws:
        article = ws.ingest(SEED_TXT, progress=False).added[0]
        an = ws.new_analysis("Will Belarus join the ground war?", ["Joins", "Stays out", "Feints"])
    return path, an.id, article


def test_three_processes_undo_and_redo_at_once(shared):
    path, aid, _ = shared
    actors = ["ana", "ben", "cy"]
    for i in range(12):  # interleaved: each actor's own history is spread through the log
        for actor in actors:
            with wb.open_workspace(path, actor=actor) as ws:
                ws.analysis(aid).add_assumption(f"{actor} assumes {i}", ratings={"Joins": "C"})
    start = time.time() + 1.5
    procs = [_spawn(path, aid, actor, "undo*12,redo*12", seed=n, start=start) for n, actor in enumerate(actors)]
    outputs = _finish(procs)
    for actor, acks in zip(actors, outputs):
        undone = [a["result"] for a in acks if a["op"] == "undo"]
        redone = [a["result"] for a in acks if a["op"] == "redo"]
        # each analyst undid and redid exactly their own twelve changes, newest first
        assert undone == [f"assume '{actor} assumes {i}'" for i in reversed(range(12))]
        assert redone == list(reversed(undone))
        assert _events(path, actor) == {"change": 12, "undo": 12, "redo": 12}
    with wb.open_workspace(path) as ws:
        evidence = ws.analysis(aid).evidence
    assert len(evidence) == 36 and evidence["label"].is_unique
    _check(path)


def test_three_processes_rate_the_same_cells(shared):
    path, aid, _ = shared
    with wb.open_workspace(path, actor="setup") as ws:
        an = ws.analysis(aid)
        an.add_assumption("one")
        an.add_assumption("two")
    start = time.time() + 1.5
    procs = [_spawn(path, aid, f"rater{n}", "rate*120", seed=n, start=start) for n in range(3)]
    outputs = _finish(procs)
    for n, acks in enumerate(outputs):
        assert len(acks) == 120 and all(a["ok"] for a in acks)
    with wb.open_workspace(path) as ws:
        matrix = ws.analysis(aid).matrix()
    assert set(matrix[["Joins", "Stays out", "Feints"]].to_numpy().ravel()) <= {"CC", "C", "N", "I", "II", "NA"}
    _check(path)


def test_two_processes_adding_evidence_get_distinct_labels(shared, tmp_path):
    path, aid, article = shared
    start = time.time() + 1.5
    procs = [_spawn(path, aid, f"tagger{n}", "tag*30,assume*30", seed=n, start=start, article=article)
             for n in range(2)]
    outputs = _finish(procs)
    assert [len(acks) for acks in outputs] == [60, 60]
    with wb.open_workspace(path) as ws:
        an = ws.analysis(aid)
        evidence = an.evidence
        assert sorted(evidence["label"]) == sorted(f"E{i}" for i in range(1, 121))
        an.score()  # scoring, sensitivity and the report work on the result
        an.leave_one_out()
        ws.report(tmp_path / "report.html")
    _check(path)


def test_edits_during_a_long_import_wait_and_are_kept(shared, tmp_path):
    path, aid, _ = shared
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paragraphs = SEED_TXT.read_text(encoding="utf-8").split("\n\n")
    for i in range(300):
        k = i % len(paragraphs)
        body = f"Dispatch {i} from the desk.\n\n" + "\n\n".join(paragraphs[k:] + paragraphs[:k])
        (corpus / f"a{i:03d}.txt").write_text(body, encoding="utf-8")
    script = (f"import workbench as wb; ws = wb.open_workspace({str(path)!r}, pipeline='builtin'); "
              f"r = ws.ingest({str(corpus)!r}, progress=False); print(len(r.added), len(r.failed))")
    importer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=_env())
    editor = _spawn(path, aid, "analyst", "assume*80,rate*80", seed=7, start=time.time() + 1.0)
    (acks,) = _finish([editor])
    out, err = importer.communicate(timeout=240)
    assert importer.returncode == 0, err[-2000:]
    assert out.split() == ["300", "0"]
    assert len(acks) == 160 and all(a["ok"] for a in acks)
    assert _events(path, "analyst") == _acknowledged(acks)
    with wb.open_workspace(path) as ws:
        assert len(ws.analysis(aid).evidence) == 80
        assert len(ws.articles) == 301
    _check(path)


@pytest.mark.parametrize("victim_plan", ["tag*400", "rate*400", "undo*400", "redo*400"])
def test_kill_9_in_the_middle_of_concurrent_edits(shared, victim_plan):
    """Three workers make mixed edits while a fourth, killed with SIGKILL mid-way, tags, rates,
    undoes or redoes: the workspace checks clean and what was written is what was acknowledged."""
    path, aid, article = shared
    with wb.open_workspace(path, actor="victim") as ws:
        an = ws.analysis(aid)
        for i in range(60):  # history for the victim to undo, then redo
            an.add_assumption(f"victim assumes {i}", ratings={"Feints": "I"})
        if victim_plan.startswith("redo"):
            for _ in range(60):
                an.undo()
    start = time.time() + 1.5
    peers = [_spawn(path, aid, f"peer{n}", "mixed*40", seed=n, start=start, article=article) for n in range(3)]
    victim = _spawn(path, aid, "victim", victim_plan, seed=9, start=start, article=article)
    lines: list[str] = []
    deadline = time.monotonic() + 120
    assert victim.stdout is not None
    while len(lines) < 15 and time.monotonic() < deadline:
        line = victim.stdout.readline()
        if line.startswith("{"):
            lines.append(line)
    os.kill(victim.pid, signal.SIGKILL)
    rest, _ = victim.communicate(timeout=30)
    lines += [line for line in rest.splitlines() if line.startswith("{")]
    assert victim.returncode == -signal.SIGKILL
    outputs = _finish(peers)

    for n, acks in enumerate(outputs):  # the peers: every acknowledged edit is in the log, no more
        expected = _acknowledged(acks)
        assert _events(path, f"peer{n}") == expected
    victim_events = _events(path, "victim")
    op = victim_plan.split("*")[0]
    action = {"tag": "change", "rate": "change"}.get(op, op)
    before = {"change": 60, "undo": 60 if op == "redo" else 0}
    written = victim_events.get(action, 0) - before.get(action, 0)
    acked = _acknowledged([json.loads(line) for line in lines]).get(action, 0)
    assert 15 <= len(lines) < 400, "the kill came in the middle"
    assert acked <= written <= acked + 1  # at most the one edit committed as the kill came
    _check(path)


def _acknowledged(acks: list[dict]) -> dict[str, int]:
    """The audit events a worker's acknowledgements promise: one per edit that changed something."""
    counts: dict[str, int] = {}
    for ack in acks:
        if not ack["ok"] or ack["result"] in (None, False):
            continue
        action = ack["op"] if ack["op"] in ("undo", "redo") else "change"
        counts[action] = counts.get(action, 0) + 1
    return counts


def test_edit_waits_for_a_long_write_transaction(shared):
    """Another process holds the write lock for 12 s (a long import's transaction): the edit
    waits for it and is stored, and no "database is locked" reaches the analyst. The lock is
    SQLite's BEGIN IMMEDIATE, or PostgreSQL's advisory lock every workbench write takes."""
    path, aid, _ = shared
    if "://" in path:
        from workbench.store.postgres import WRITE_LOCK

        dsn = path.replace("postgresql+psycopg://", "postgresql://")
        script = ("import psycopg, sys, time\n"
                  f"db = psycopg.connect({dsn!r})\n"
                  f"db.execute('SELECT pg_advisory_xact_lock({WRITE_LOCK})')\n"
                  "db.execute(\"INSERT INTO sources (name, reliability, created_at) VALUES ('Slow Wire', 'F', 'now')\")\n"
                  "print('held', flush=True)\ntime.sleep(12)\ndb.rollback()\n")
    else:
        script = ("import sqlite3, sys, time\n"
                  f"db = sqlite3.connect({path!r}, isolation_level=None)\n"
                  "db.execute('BEGIN IMMEDIATE')\n"
                  "db.execute(\"INSERT INTO sources (name, reliability, created_at) VALUES ('Slow Wire', 'F', 'now')\")\n"
                  "print('held', flush=True)\ntime.sleep(12)\ndb.execute('ROLLBACK')\n")
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=_env())
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    editor = _spawn(path, aid, "analyst", "assume*3", seed=1, start=0)
    (acks,) = _finish([editor])
    holder.wait(timeout=60)
    assert len(acks) == 3 and all(a["ok"] for a in acks)
    assert max(a["ms"] for a in acks) > 5000  # the first edit waited for the lock
    _check(path)


# -- undo and redo act on the analyst's own history -------------------------------------------
@pytest.fixture
def two_analysts(shared):
    path, aid, _ = shared
    ana, ben = wb.open_workspace(path, actor="ana"), wb.open_workspace(path, actor="ben")
    yield path, ana.analysis(aid), ben.analysis(aid)
    ana.close()
    ben.close()


def test_undo_takes_back_only_my_own_change(two_analysts):
    path, ana, ben = two_analysts
    ana.add_assumption("ana's assumption")
    ben.add_assumption("ben's assumption")
    assert ana.undo() == "assume \"ana's assumption\""
    assert list(ana.evidence["note"]) == ["ben's assumption"]
    assert ben.redo() is None and ana.redo() == "assume \"ana's assumption\""
    assert ben.undo() == "assume \"ben's assumption\""
    assert list(ana.evidence["note"]) == ["ana's assumption"]
    _check(path)


def test_undo_is_refused_while_someone_elses_later_change_depends_on_it(two_analysts):
    path, ana, ben = two_analysts
    ana.add_assumption("Minsk fears unrest")
    ben.rate("E1", "Joins", "II")
    with pytest.raises(StoreError, match=r"ben .*'rate E1 against Joins: II'.* depends on it"):
        ana.undo()
    assert ana.evidence.loc[0, "Joins"] == "II"  # nothing was taken back
    assert ben.undo() == "rate E1 against Joins: II"
    assert ana.undo() == "assume 'Minsk fears unrest'"
    assert len(ana.evidence) == 0
    _check(path)


def test_undo_of_a_rating_someone_removed_since_is_refused(two_analysts):
    """Each analyst's rating of a cell is their own (schema step 8), so a rating is only refused
    its undo when someone else's change took it away: here ben removes the item."""
    path, ana, ben = two_analysts
    ana.add_assumption("one")
    ben.add_assumption("two")
    ana.rate("E1", "Joins", "C")
    ben.remove_evidence("E1")
    with pytest.raises(StoreError, match=r"ben .*'remove E1'"):
        ana.undo()
    ben.undo()
    assert ana.undo() == "rate E1 against Joins: C"
    assert ana.evidence.loc[0, "Joins"] == "NA"
    _check(path)


def test_redo_is_refused_when_its_label_was_taken(two_analysts):
    path, ana, ben = two_analysts
    ana.add_assumption("ana's")
    ana.undo()
    ben.add_assumption("ben's")  # gets E1, the label ana's item had
    with pytest.raises(StoreError, match=r"cannot redo .*ben"):
        ana.redo()
    assert list(ana.evidence["label"]) == ["E1"] and list(ana.evidence["note"]) == ["ben's"]
    _check(path)


def test_migration_gives_evidence_that_shared_a_label_its_own(tmp_path):
    """A workspace from before step 7, where two processes once gave two items the label E2.

    SQLite only: such workspaces were SQLite files (PostgreSQL workspaces start at the latest
    step, with the unique index)."""
    import sqlite3

    path = tmp_path / "old.sqlite"
    with wb.open_workspace(path, actor="ana") as ws:
        an = ws.new_analysis("q", ["a", "b"])
        an.add_assumption("one")
        an.add_assumption("two")
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    with db:  # back to schema 3, then the race as it happened: a second E2, recorded like any add
        db.execute("DROP INDEX ix_evidence_analysis")
        db.execute("CREATE INDEX ix_evidence_analysis ON evidence (analysis_id, position)")
        db.execute("DELETE FROM schema_migrations WHERE version >= 7")
        row = dict(db.execute("SELECT * FROM evidence WHERE position = 2").fetchone())
        row.update(id="racer0000000", note="three", created_at="2030-01-01T00:00:00+00:00")
        db.execute(f"INSERT INTO evidence ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                   list(row.values()))
        db.execute("INSERT INTO audit_log (at, actor, action, target_type, target_id, after) "
                   "VALUES ('2030', 'ben', 'change', 'analysis', ?, ?)",
                   (an.id, json.dumps({"label": "assume 'three'",
                                       "ops": [{"table": "evidence", "before": None, "after": row}]})))
    db.close()
    with wb.open_workspace(path) as ws:
        evidence = ws.analysis(an.id).evidence
        assert list(zip(evidence["label"], evidence["note"])) == [("E1", "one"), ("E2", "two"), ("E3", "three")]
        assert ws.history()["actor"].iloc[0] == "workbench"
    _check(path)


def test_a_write_transaction_holds_the_lock_from_its_first_read(tmp_path):
    """BEGIN IMMEDIATE: before the transaction writes anything, other writers already wait.

    SQLite only: it watches SQLite's file lock; the PostgreSQL form, the advisory lock, is
    tested in test_store_postgres.py."""
    import sqlite3

    from sqlalchemy import text

    from workbench.store import Store

    store = Store(tmp_path / "ws.sqlite")
    other = sqlite3.connect(tmp_path / "ws.sqlite", timeout=0, isolation_level=None)
    try:
        with store.transaction() as conn:
            conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
        with store.read() as conn:  # a read takes no write lock
            conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()
        store.close()


def test_entity_corrections_from_two_processes_at_once(shared):
    """Corrections are audited writes too: concurrent ones all land, an undo lands once."""
    path, _, article = shared
    with wb.open_workspace(path, actor="setup") as ws:
        rule = ws.relabel_entity(ws.entities(article)["canonical"].iloc[0], "ORG")
    script = ("import sys, time, workbench as wb\n"
              f"ws = wb.open_workspace({str(path)!r}, actor=sys.argv[1])\n"
              "start = float(sys.argv[2])\n"
              "while time.time() < start: time.sleep(0.005)\n"
              "ok = 0\n"
              "for i in range(15):\n"
              f"    ws.add_mention({article!r}, 'Minsk', 'GPE', canonical=f'Minsk {{sys.argv[1]}} {{i}}')\n"
              "    ok += 1\n"
              "try:\n"
              f"    ws.undo_correction({rule})\n"
              "    ok += 100\n"
              "except wb.errors.StoreError:\n"
              "    pass\n"
              "print(ok)\n")
    start = str(time.time() + 1.5)
    procs = [subprocess.Popen([sys.executable, "-c", script, name, start], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=_env()) for name in ("ana", "ben")]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        results.append(int(out.split()[-1]))
    assert sorted(results) == [15, 115]  # every correction stored; the undo happened exactly once
    with wb.open_workspace(path) as ws:
        corrections = ws.corrections
    assert len(corrections) == 31 and corrections["active"].sum() == 30
    _check(path)


def test_an_imported_analysis_checks_clean_and_undoes(shared):
    """An import records its rows in bulk (as given, without defaulted columns): the log still
    replays to the tables, and the importer can undo it."""
    path, aid, article = shared
    with wb.open_workspace(path, actor="ana") as ws:
        an = ws.analysis(aid)
        an.tag_quote(article, "Lukashenko", occurrence=1, ratings={"Joins": "C"})
        an.add_assumption("Minsk fears unrest", ratings={"Stays out": "CC"})
        doc = an.to_document()
        doc["analysis"]["id"] = None
        copy = ws.import_analysis(doc)
        assert len(copy.evidence) == 2
    _check(path)
    with wb.open_workspace(path, actor="ana") as ws:
        assert ws.analysis(copy.id).undo().startswith("import analysis")
    _check(path)
