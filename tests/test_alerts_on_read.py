"""Alert passages found when alerts are read, not on ingest (issue 13), on both backends.

Counted, not timed: ingest splits no article text into words for the alerts and looks for no
sentence (it records which indicator matched which article); a listing splits each listed
article's text once, however many of its alerts it lists; accepting stores the passage with the
decision; an older workspace's alerts keep the offsets ingest stored, upgraded by schema step 14.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from workbench import open_workspace
from workbench.store import Store, new_id, now
from workbench.store import _store
from workbench.store import schema as s
from workbench.store.migrations import MIGRATIONS

from conftest import raw_engine

BODY = ("Belarusian units massed near the border. Minsk denied any plans. The port of Odesa reopened on Monday. "
        "Grain ships left the port.")
OTHER = "Farmers near the border reported a good harvest. Prices fell."
# each query's passage in BODY, by hand: the sentence holding the most of its word groups, the first such
EXPECTED = {"border": "Belarusian units massed near the border.",
            "minsk": "Minsk denied any plans.",
            '"the port"': "The port of Odesa reopened on Monday.",  # the phrase stands together in two: the first
            "grain ships": "Grain ships left the port.",
            "reopen*": "The port of Odesa reopened on Monday."}


def _folder(root: Path, articles: dict[str, tuple[str, str]]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    with (root / "batch.jsonl").open("w", encoding="utf-8") as out:
        for name, (title, body) in articles.items():
            out.write(json.dumps({"title": title, "text": body, "outlet": "Wire One", "language": "en",
                                  "url": f"https://example.test/{name}"}) + "\n")
    return root


def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> Counter:
    """Count the calls of the function ``name`` wherever a workbench module holds it, by the
    text its first argument is (or holds): the work is where the function is called from."""
    calls: Counter = Counter()
    wrapped: dict[int, Callable[..., Any]] = {}
    for module in [m for key, m in sys.modules.items() if key.startswith("workbench") and m is not None]:
        real = module.__dict__.get(name)
        if not callable(real) or getattr(real, "__name__", "") != name:
            continue
        if id(real) not in wrapped:
            def counted(*args: Any, _real: Callable[..., Any] = real, **kwargs: Any) -> Any:
                subject = args[-1] if name == "best_sentence" else args[0]
                calls[getattr(subject, "text", subject)] += 1
                return _real(*args, **kwargs)
            wrapped[id(real)] = counted
        monkeypatch.setattr(module, name, wrapped[id(real)])
    assert wrapped, f"no workbench module holds {name}"
    return calls


def _stored_spans(location: str) -> list[tuple[Any, Any]]:
    engine = raw_engine(location)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(select(s.alerts.c.start, s.alerts.c["end"])).all()]
    finally:
        engine.dispose()


def test_ingest_splits_no_text_and_finds_no_sentence_for_alerts(any_ws, workspace_location, tmp_path, monkeypatch):
    ws = any_ws
    forms = _spy(monkeypatch, "text_forms")
    sentences = _spy(monkeypatch, "best_sentence")
    ws.ingest(_folder(tmp_path / "one", {"a": ("Rain", "Farmers in the valley reported rain all week. Prices rose."),
                                                     "b": ("Weather", "It rained. Then it stopped.")}),
              progress=False)
    without = sum(forms.values())  # what the index splits (nothing on SQLite: FTS5 reads English itself)
    an = ws.new_analysis("What moves?", ["H1", "H2"])
    for query in EXPECTED:
        an.add_indicator("H1", query)
    forms.clear()
    ws.ingest(_folder(tmp_path / "two", {"c": ("Troops", BODY), "d": ("Harvest again", OTHER)}), progress=False)
    # before: every matched article's text was split into words again and its best sentence found
    assert sum(forms.values()) == without, forms
    assert not sentences, sentences
    assert _stored_spans(workspace_location) == [(None, None)] * 6  # 5 on BODY, "border" on OTHER


def _alerted(ws, tmp_path):
    """An analysis with every indicator of ``EXPECTED`` and two articles they raise alerts on."""
    an = ws.new_analysis("What moves?", ["H1", "H2"])
    for query in EXPECTED:
        an.add_indicator("H1", query)
    ws.ingest(_folder(tmp_path / "in", {"c": ("Troops", BODY), "d": ("Harvest", OTHER)}), progress=False)
    return an


def test_a_listing_splits_each_article_once_and_accept_stores_the_passage(any_ws, workspace_location, tmp_path,
                                                                          monkeypatch):
    ws = any_ws
    an = _alerted(ws, tmp_path)
    forms = _spy(monkeypatch, "text_forms")
    alerts = ws.alerts()
    assert len(alerts) == 6
    # before: the passages were found on ingest, none on read (0 here)
    assert forms == Counter({BODY: 1, OTHER: 1}), forms
    mine = alerts[alerts["title"] == "Troops"]
    assert dict(zip(mine["query"], mine["passage"])) == EXPECTED
    for _, alert in mine.iterrows():
        assert (alert["start"], alert["end"]) == (BODY.index(alert["passage"]), BODY.index(alert["passage"])
                                                  + len(alert["passage"]))
    # accepting reads its one alert's passage and keeps it with the decision
    chosen = mine[mine["query"] == "minsk"].iloc[0]
    forms.clear()
    eid = an.accept_alert(chosen["id"])
    assert forms == Counter({BODY: 1})
    assert an.evidence.set_index("id").loc[eid, "exact"] == "Minsk denied any plans."
    start = BODY.index("Minsk denied any plans.")
    assert sorted(_stored_spans(workspace_location), key=str) == sorted(
        [(start, start + len("Minsk denied any plans."))] + [(None, None)] * 5, key=str)
    forms.clear()
    accepted = ws.alerts(status="accepted")
    assert list(accepted["passage"]) == ["Minsk denied any plans."]
    assert not forms  # stored: nothing to find
    an.undo()  # the alert is new again, its passage found on read as before
    assert _stored_spans(workspace_location).count((None, None)) == 6
    assert len(ws.alerts()) == 6


def _old_workspace(location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workspace as release 13 wrote it: alerts' start and end NOT NULL."""
    engine = raw_engine(location)
    with monkeypatch.context() as patch, engine.begin() as conn:
        patch.setattr(s.alerts.c.start, "nullable", False)
        patch.setattr(s.alerts.c["end"], "nullable", False)
        s.schema_migrations.create(conn)
        for step in [m for m in MIGRATIONS if m.version <= 13]:
            step.apply(conn)
            conn.execute(insert(s.schema_migrations).values(version=step.version, description="old", applied_at=now()))
    engine.dispose()


def test_an_older_workspace_keeps_its_stored_passages_after_step_14(workspace_location, tmp_path, monkeypatch):
    _old_workspace(workspace_location, monkeypatch)
    sentence = "Minsk denied any plans."  # stored by the old ingest (not this rule's first choice for "border")
    with monkeypatch.context() as patch:
        patch.setattr(_store, "MIGRATIONS", [m for m in MIGRATIONS if m.version <= 13])
        ws = open_workspace(workspace_location, pipeline="builtin")
        try:
            ws.ingest(_folder(tmp_path / "old", {"c": ("Troops", BODY)}), progress=False)
            an = ws.new_analysis("What moves?", ["H1", "H2"])
            iid = an.add_indicator("H1", "border")
            article = ws.articles["id"][0]
        finally:
            ws.close()
    engine = raw_engine(workspace_location)
    try:
        row = {"indicator_id": iid, "analysis_id": an.id, "article_id": article, "created_at": now(), "status": "new"}
        with pytest.raises(IntegrityError), engine.begin() as conn:  # the old table: no alert without offsets
            conn.execute(insert(s.alerts).values(id=new_id(), start=None, end=None, **row))
        with engine.begin() as conn:
            conn.execute(insert(s.alerts).values(id="oldalert", start=BODY.index(sentence),
                                                 end=BODY.index(sentence) + len(sentence), **row))
    finally:
        engine.dispose()
    Store(workspace_location).close()  # opening upgrades
    ws = open_workspace(workspace_location, pipeline="builtin")
    try:
        assert ws.store.schema_version() == MIGRATIONS[-1].version >= 14
        old = ws.alert("oldalert")
        assert (old["passage"], old["start"], old["status"]) == (sentence, BODY.index(sentence), "new")
        ws.ingest(_folder(tmp_path / "new", {"d": ("Harvest", OTHER)}), progress=False)  # "border": a new alert
        fresh = ws.alerts()
        assert list(fresh["passage"]) == [sentence, "Farmers near the border reported a good harvest."]
        with ws.store.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM alerts WHERE start IS NULL")).scalar() == 1
            if conn.dialect.name == "sqlite":  # the table made again with its indexes
                names = {name for (name,) in conn.execute(text(
                    "SELECT name FROM sqlite_master WHERE tbl_name = 'alerts' AND type = 'index'")).all()}
                assert {"ix_alerts_analysis", "ix_alerts_created"} <= names
    finally:
        ws.close()


def test_the_badge_finds_no_passage(any_ws, tmp_path, monkeypatch):
    from workbench.widgets.corpus_browser import CorpusBrowser

    ws = any_ws
    _alerted(ws, tmp_path)
    forms = _spy(monkeypatch, "text_forms")
    browser = CorpusBrowser(ws, live=False)
    assert browser.new_alerts == 6 and sorted(set(browser.alert_titles)) == ["Harvest", "Troops"]
    assert not forms  # a count and titles: no text split for passages
    plain = ws.alerts(passages=False)
    assert len(plain) == 6 and plain["passage"].isna().all() and plain["start"].isna().all()
