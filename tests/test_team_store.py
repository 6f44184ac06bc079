"""Several analysts on one workspace: each keeps their own ratings and undo, the team view, and
the upgrade that gives every rating on record its analyst (schema step 8); on a SQLite file and a
PostgreSQL database (``workspace_location``)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

import workbench as wb
from conftest import raw_engine
from workbench.errors import StoreError


def _check(path: Path | str) -> None:
    from workbench.cli import main

    result = CliRunner().invoke(main, ["workspace", "check", str(path)])
    assert result.exit_code == 0, result.output


def _cell(an, evidence: str, hypothesis: str, view: str | None = None) -> str:
    return an.matrix(view).loc[evidence, hypothesis]


def test_each_analyst_rates_and_undoes_their_own(workspace_location):
    """Two workspaces on one file (or database), ana and ben, rating the same cells in turn and undoing."""
    path = workspace_location
    with wb.open_workspace(path, analyst="ana") as ana_ws, wb.open_workspace(path, analyst="ben") as ben_ws:
        ana = ana_ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
        ben = ben_ws.analysis(ana.id)
        ana.add_assumption("Minsk fears unrest")
        ana.rate("E1", "Joins", "C")
        ben.rate("E1", "Joins", "II")
        ana.rate("E1", "Stays out", "I")
        ben.rate("E1", "Stays out", "CC")
        assert ana.undo() == "rate E1 against Stays out: I"        # ben's later rating of the cell stays
        assert (_cell(ana, "E1", "Joins", "ben"), _cell(ana, "E1", "Stays out", "ben")) == ("II", "CC")
        assert (_cell(ben, "E1", "Joins", "ana"), _cell(ben, "E1", "Stays out", "ana")) == ("C", "NA")
        assert ben.undo() == "rate E1 against Stays out: CC"
        assert ana.redo() == "rate E1 against Stays out: I"
        assert _cell(ben, "E1", "Stays out", "mine") == "NA" and _cell(ana, "E1", "Stays out", "mine") == "I"
        assert ana.undo() == "rate E1 against Stays out: I"
        assert ana.undo() == "rate E1 against Joins: C"
        assert _cell(ben, "E1", "Joins", "mine") == "II"
        assert ana.analysts() == ["ben"]
    _check(path)



def test_team_and_analyst_views(any_team):
    path, aid = any_team
    with wb.open_workspace(path, analyst="ana") as ws:
        an = ws.analysis(aid)
        assert an.analysts() == ["ana", "ben", "cy"]
        assert an.matrix().loc["E1", ["Joins", "Stays out"]].tolist() == ["N", "I"]
        assert an.matrix("cy").loc["E2", ["Joins", "Stays out"]].tolist() == ["NA", "NA"]
        team_scores = an.score().hypotheses
        # PARC on the consensus: Joins N, N → 0; Stays out I, C → -1
        assert team_scores["parc_inconsistency"].tolist() == [0.0, -1.0]
        # Open Synthesis on the mean votes: Joins (3 - 8/3)² = 1/9; Stays out (3 - 5/3)² = 16/9
        assert team_scores["open_synthesis_inconsistency"].tolist() == pytest.approx([1 / 9, 16 / 9])
        mine = an.score("mine").hypotheses
        # ana alone: Joins C, N → 0; Stays out II, C → -2 (Open Synthesis 4)
        assert mine["parc_inconsistency"].tolist() == [0.0, -2.0]
        assert mine["open_synthesis_inconsistency"].tolist() == [0.0, 4.0]
        assert an.score("cy").hypotheses["parc_inconsistency"].tolist() == [-1.0, 0.0]
        with pytest.raises(StoreError, match=r"analyst 'zed': has rated nothing .*\(rated by: ana, ben, cy\)"):
            an.score("zed")
        cells = an.disagreements().cells
        # E1 Joins 4, 2, 2 and E1 Stays out 1, 1, 3: spread 2, std √(4/3) each; E2 Joins N, N agree
        assert list(zip(cells["evidence"], cells["hypothesis"])) == [("E1", "Joins"), ("E1", "Stays out")]
        assert cells["std"].tolist() == pytest.approx([math.sqrt(4 / 3)] * 2)
        assert cells.iloc[0][["ana", "ben", "cy"]].tolist() == ["C", "I", "I"]
        leaders = an.disagreements().leaders.set_index("analyst")["leader"].to_dict()
        assert leaders == {"ana": "Joins", "ben": "Joins", "cy": "Stays out"}
        document = an.to_document()
        assert sorted(r["rating"] for r in document["ratings"]) == ["C", "I", "N", "N"]  # the consensus
    _check(path)


# SQLite only: who acts comes from options and the environment, nothing stored differs by backend
def test_env_and_explicit_analyst(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_ANALYST", "  olga  ")
    with wb.open_workspace(tmp_path / "ws.sqlite") as ws:
        assert ws.analyst == "olga" and ws.actor == "olga"
    with wb.open_workspace(tmp_path / "ws.sqlite", analyst="ana") as ws:
        assert ws.actor == "ana"
    with wb.open_workspace(tmp_path / "ws.sqlite", actor="ben") as ws:  # the older word still works
        assert ws.analyst == "ben"
    with pytest.raises(StoreError, match="give one name"):
        wb.open_workspace(tmp_path / "ws.sqlite", analyst="ana", actor="ben")


# -- the upgrade (schema step 8) -------------------------------------------------------------

class _Old:
    """A workspace at schema step 7, where ratings had one row per cell, written behind the
    workbench's back (each statement its own transaction) on either backend."""

    def __init__(self, location: str) -> None:
        from sqlalchemy import insert

        from workbench.store import now
        from workbench.store import schema as s
        from workbench.store.migrations import MIGRATIONS

        self.engine = raw_engine(location)
        with self.engine.begin() as conn:
            s.schema_migrations.create(conn)
            for step in MIGRATIONS:
                if step.version <= 7:
                    step.apply(conn)
                    conn.execute(insert(s.schema_migrations).values(version=step.version, description="old",
                                                                    applied_at=now()))

    def execute(self, statement: str, params: dict | None = None) -> list[tuple]:
        """Run one statement in its own transaction; the rows it returns (none for most)."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys = ON")
            result = conn.execute(text(statement), params or {})
            return [tuple(row) for row in result] if result.returns_rows else []

    def close(self) -> None:
        self.engine.dispose()


def _old_workspace(location: str) -> _Old:
    return _Old(location)


def _change(db: _Old, actor: str, aid: str, label: str, ops: list[dict]) -> int:
    """Apply row operations and record them as the workbench before step 8 did."""
    for op in ops:
        table, before, after = op["table"], op["before"], op["after"]
        if before is None:
            names = ", ".join(f'"{k}"' for k in after)
            db.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + k for k in after)})", after)
        elif after is None:
            db.execute("DELETE FROM ratings WHERE evidence_id = :evidence_id AND hypothesis_id = :hypothesis_id",
                       before)
        else:
            db.execute("UPDATE ratings SET rating = :rating WHERE evidence_id = :evidence_id "
                       "AND hypothesis_id = :hypothesis_id", after)
    rows = db.execute("INSERT INTO audit_log (at, actor, action, target_type, target_id, after) "
                      "VALUES ('2024-01-01T00:00:00+00:00', :actor, 'change', 'analysis', :aid, :after) RETURNING id",
                      {"actor": actor, "aid": aid, "after": json.dumps({"label": label, "ops": ops})})
    return rows[0][0]


def _rating(e: str, h: str, r: str) -> dict:
    return {"evidence_id": e, "hypothesis_id": h, "rating": r}


def _seed_old(db: _Old, aid: str = "a1", created_by: str = "olga") -> None:
    stamp = "2024-01-01T00:00:00+00:00"
    analysis = {"id": aid, "question": f"question {aid}", "created_by": created_by, "created_at": stamp,
                "updated_at": stamp}
    hyps = [{"id": f"{aid}h{i}", "analysis_id": aid, "name": f"H{i}", "position": i, "is_other": 0} for i in (1, 2)]
    items = [{"id": f"{aid}e{i}", "analysis_id": aid, "kind": "assumption", "note": f"item {i}", "analyst": created_by,
              "created_at": stamp, "updated_at": stamp, "credibility": "Medium", "relevance": "Medium",
              "flags": "[]", "position": i} for i in (1, 2)]
    _change(db, created_by, aid, "create", [{"table": "analyses", "before": None, "after": analysis}]
            + [{"table": "hypotheses", "before": None, "after": h} for h in hyps]
            + [{"table": "evidence", "before": None, "after": e} for e in items])


def test_upgrade_gives_each_old_rating_the_analyst_who_last_set_it(workspace_location):
    path = workspace_location
    db = _old_workspace(path)
    _seed_old(db)
    e1, e2, h1, h2 = "a1e1", "a1e2", "a1h1", "a1h2"
    _change(db, "ana", "a1", "rate E1 H1 C", [{"table": "ratings", "before": None, "after": _rating(e1, h1, "C")}])
    _change(db, "ben", "a1", "rate E1 H1 II",
            [{"table": "ratings", "before": _rating(e1, h1, "C"), "after": _rating(e1, h1, "II")}])
    _change(db, "ana", "a1", "rate E1 H2 I", [{"table": "ratings", "before": None, "after": _rating(e1, h2, "I")}])
    _change(db, "ana", "a1", "rate E2 H1 N", [{"table": "ratings", "before": None, "after": _rating(e2, h1, "N")}])
    undone = _change(db, "ben", "a1", "rate E2 H1 CC",
                     [{"table": "ratings", "before": _rating(e2, h1, "N"), "after": _rating(e2, h1, "CC")}])
    db.execute("UPDATE ratings SET rating = 'N' WHERE evidence_id = :e AND hypothesis_id = :h", {"e": e2, "h": h1})
    db.execute("INSERT INTO audit_log (at, actor, action, target_type, target_id, after) "
               "VALUES ('2024-01-02', 'ben', 'undo', 'analysis', 'a1', :after)",
               {"after": json.dumps({"change": undone, "label": "rate E2 H1 CC"})})
    _change(db, "cy", "a1", "rate E2 H2 C", [{"table": "ratings", "before": None, "after": _rating(e2, h2, "C")}])
    before = db.execute("SELECT evidence_id, hypothesis_id, rating FROM ratings ORDER BY 1, 2")
    with wb.open_workspace(path, analyst="ana") as ws:
        after = db.execute("SELECT evidence_id, hypothesis_id, analyst, rating FROM ratings ORDER BY 1, 2")
        db.close()
        # every rating survives; ben's undo gave E2 H1 back to ana
        assert [(e, h, r) for e, h, _, r in after] == before
        assert after == [(e1, h1, "ben", "II"), (e1, h2, "ana", "I"), (e2, h1, "ana", "N"), (e2, h2, "cy", "C")]
        an = ws.analysis("a1")
        assert an.analysts() == ["ana", "ben", "cy"]
        an.rate("E1", "H1", "C")           # ana's own rating beside ben's: II (1) and C (4) → 2.5 → I
        assert _cell(an, "E1", "H1") == "I" and _cell(an, "E1", "H1", "ben") == "II"
        assert an.undo() == "rate E1 against H1: C"
        assert ws.history()["actor"].tolist()[:3] == ["ana", "ana", "workbench"]   # the re-keying is on record
    _check(path)


def test_upgrade_falls_back_on_the_analysis_author(workspace_location):
    """A rating the log does not explain (written by some other tool) goes to whoever created the analysis."""
    path = workspace_location
    db = _old_workspace(path)
    _seed_old(db, created_by="olga")
    db.execute("INSERT INTO ratings (evidence_id, hypothesis_id, rating) VALUES ('a1e1', 'a1h2', 'CC')")
    db.close()
    with wb.open_workspace(path) as ws:
        assert ws.analysis("a1").analysts() == ["olga"]
        assert _cell(ws.analysis("a1"), "E1", "H2", "olga") == "CC"
