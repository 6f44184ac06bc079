"""Indicators and warnings (issue 13, item 3) on both backends: an indicator fires on a newly
ingested article (English, and Ukrainian with an inflected form) and becomes evidence by accept;
dismissing is audited and sticks; re-ingesting never fires twice; entity and source conditions
filter; copies are left out; the CLI; an older workspace upgraded by schema step 12."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, text

from workbench import open_workspace
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.store import Store, now
from workbench.store import schema as s
from workbench.store.migrations import MIGRATIONS

from conftest import raw_engine

EN_TEXT = ("Satellite images released on Tuesday show Belarusian units massing near the border. "
           "Officials in Minsk denied any plans. The weather was mild.")
UK_TEXT = "Уночі у Києві пролунали вибухи. Мер міста повідомив про наслідки."
OTHER_TEXT = "Farmers reported a good harvest of wheat and barley this autumn."


def _write(folder: Path, name: str, *, title: str, body: str, outlet: str = "Wire One", language: str = "en") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.jsonl"
    path.write_text(json.dumps({"title": title, "text": body, "outlet": outlet, "language": language,
                                "url": f"https://example.test/{name}"}) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def ws(any_ws):
    return any_ws


@pytest.fixture
def analysis(ws):
    return ws.new_analysis("Will Belarus enter the war?", ["Belarus joins", "Belarus stays out"])


def test_an_english_indicator_fires_on_a_new_article_and_becomes_evidence(ws, analysis, tmp_path):
    iid = analysis.add_indicator("Belarus joins", "belarusian unit border", rating="CC")
    assert list(analysis.indicators["id"]) == [iid]
    ws.ingest(_write(tmp_path / "in", "other", title="Harvest", body=OTHER_TEXT), progress=False)
    assert ws.alerts().empty  # nothing matched
    ws.ingest(_write(tmp_path / "in", "en", title="Troops", body=EN_TEXT), progress=False)
    alerts = ws.alerts()
    assert len(alerts) == 1
    alert = alerts.iloc[0]
    sentence = "Satellite images released on Tuesday show Belarusian units massing near the border."
    assert alert["passage"] == sentence  # the best sentence, its offsets in the stored text
    assert (alert["start"], alert["end"]) == (0, len(sentence))
    assert (alert["hypothesis"], alert["rating"], alert["status"]) == ("Belarus joins", "CC", "new")
    eid = analysis.accept_alert(alert["id"])
    evidence = analysis.evidence.set_index("id").loc[eid]
    assert evidence["exact"] == sentence
    assert evidence["Belarus joins"] == "CC"
    assert evidence["Belarus stays out"] == "NA"
    assert ws.alerts().empty
    decided = ws.alerts(status="accepted").iloc[0]
    assert decided["evidence_id"] == eid
    with pytest.raises(WorkbenchError, match="already accepted"):
        analysis.accept_alert(alert["id"])
    analysis.undo()  # one step: the evidence goes and the alert is new again
    assert eid not in set(analysis.evidence["id"])
    assert list(ws.alerts()["id"]) == [alert["id"]]


def test_a_ukrainian_indicator_matches_an_inflected_form(ws, analysis, tmp_path):
    analysis.add_indicator("Belarus stays out", "Київ вибух", rating="I")  # the article says Києві, вибухи
    ws.ingest(_write(tmp_path / "in", "uk", title="Вибухи", body=UK_TEXT, outlet="Стрічка", language="uk"),
              progress=False)
    alerts = ws.alerts(analysis.id)
    assert list(alerts["passage"]) == ["Уночі у Києві пролунали вибухи."]
    eid = analysis.accept_alert(alerts["id"][0][:6])  # a unique prefix will do
    assert analysis.evidence.set_index("id").loc[eid, "Belarus stays out"] == "I"


def test_a_dismissed_alert_is_audited_and_stays_dismissed(ws, analysis, tmp_path):
    analysis.add_indicator("H1", "border")
    ws.ingest(_write(tmp_path / "in", "en", title="Troops", body=EN_TEXT), progress=False)
    alert_id = ws.alerts()["id"][0]
    analysis.dismiss_alert(alert_id, note="  routine   exercise ")
    row = ws.alerts(status="dismissed").iloc[0]
    assert (row["id"], row["note"], row["decided_by"]) == (alert_id, "routine exercise", ws.actor)
    assert analysis.history()["what"].iloc[-1] == f"dismiss alert {alert_id}"
    assert ws.alerts().empty
    ws.ingest(_write(tmp_path / "again", "en2", title="Troops again",
                     body="Columns of trucks crossed towards the border overnight, witnesses said."), progress=False)
    # a new article raises its own alert; the dismissed one stays dismissed
    assert list(ws.alerts(status="dismissed")["id"]) == [alert_id]
    assert len(ws.alerts()) == 1


def test_re_ingesting_the_same_article_does_not_fire_twice(ws, analysis, tmp_path):
    analysis.add_indicator("H1", "border")
    path = _write(tmp_path / "in", "en", title="Troops", body=EN_TEXT)
    ws.ingest(path, progress=False)
    ws.ingest(path, progress=False)
    assert len(ws.alerts(status="all")) == 1


def test_a_syndicated_copy_raises_no_alert(ws, analysis, tmp_path):
    analysis.add_indicator("H1", "border")
    ws.ingest(_write(tmp_path / "a", "en", title="Troops", body=EN_TEXT * 3), progress=False)
    result = ws.ingest(_write(tmp_path / "b", "copy", title="Troops", body=EN_TEXT * 3 + " Reprinted.",
                              outlet="Wire Two"), progress=False)
    assert result.copies  # the second is a copy of the first
    assert len(ws.alerts()) == 1


def test_entity_and_source_conditions_filter(ws, analysis, tmp_path):
    # seed the outlets and an entity, then watch with conditions
    ws.ingest(_write(tmp_path / "seed", "seed", title="Seed", body=OTHER_TEXT, outlet="Wire Two"), progress=False)
    ws.ingest(_write(tmp_path / "seed", "seed2", title="Seed", body="Harvest report.", outlet="Wire One"),
              progress=False)
    by_source = analysis.add_indicator("H1", "border", source="Wire Two")
    by_entity = analysis.add_indicator("H1", "border", entity="Minsk")
    with pytest.raises(WorkbenchError, match="source 'Nowhere'"):
        analysis.add_indicator("H1", "border", source="Nowhere")
    ws.ingest(_write(tmp_path / "in", "en", title="Troops", body=EN_TEXT, outlet="Wire One"), progress=False)
    ws.ingest(_write(tmp_path / "in", "nominsk", title="Border", body="Units were seen near the border at dawn.",
                     outlet="Wire Two"), progress=False)
    fired = {(row["indicator_id"], row["title"]) for _, row in ws.alerts().iterrows()}
    # Wire One's article mentions Minsk; Wire Two's does not
    assert fired == {(by_entity, "Troops"), (by_source, "Border")}


def test_an_entity_condition_matches_across_scripts(ws, analysis, tmp_path):
    analysis.add_indicator("H1", "вибух", entity="Kyiv")  # the article writes Києві
    ws.ingest(_write(tmp_path / "in", "uk", title="Вибухи", body=UK_TEXT, outlet="Стрічка", language="uk"),
              progress=False)
    assert len(ws.alerts()) == 1


def test_removed_indicator_fires_no_more_and_undo_restores_it(ws, analysis, tmp_path):
    iid = analysis.add_indicator("H1", "border")
    analysis.remove_indicator(iid)
    assert analysis.indicators.empty
    ws.ingest(_write(tmp_path / "in", "en", title="Troops", body=EN_TEXT), progress=False)
    assert ws.alerts().empty
    analysis.undo()
    assert list(analysis.indicators["id"]) == [iid]


def test_bad_indicators_are_refused_in_one_line(ws, analysis):
    for call, message in ((lambda: analysis.add_indicator("H9", "border"), "hypothesis 'H9'"),
                          (lambda: analysis.add_indicator("H1", "-border"), "only excluded words"),
                          (lambda: analysis.add_indicator("H1", "border", rating="NA"), "NA expects nothing"),
                          (lambda: analysis.add_indicator("H1", "border", rating="maybe"), "not a rating")):
        with pytest.raises(WorkbenchError, match=message) as caught:
            call()
        assert "\n" not in str(caught.value)
    with pytest.raises(WorkbenchError, match="alert 'nope'"):
        analysis.accept_alert("nope")
    with pytest.raises(WorkbenchError, match="status 'old'"):
        analysis.ws.alerts(status="old")


def test_an_alert_of_another_analysis_is_refused(ws, analysis, tmp_path):
    other = ws.new_analysis("Another question?", ["X", "Y"])
    analysis.add_indicator("H1", "border")
    ws.ingest(_write(tmp_path / "in", "en", title="Troops", body=EN_TEXT), progress=False)
    with pytest.raises(WorkbenchError, match="belongs to analysis"):
        other.accept_alert(ws.alerts()["id"][0])


def test_check_finds_the_log_equal_to_the_tables(ws, analysis, tmp_path):
    from workbench.check import check_workspace

    analysis.add_indicator("H1", "border")
    ws.ingest(_write(tmp_path / "in", "en", title="Troops", body=EN_TEXT), progress=False)
    analysis.accept_alert(ws.alerts()["id"][0])
    analysis.add_indicator("H2", "harvest")
    analysis.undo()
    report = check_workspace(ws.location)
    assert report.ok, report.lines()


# -- the command line -------------------------------------------------------------------------
def test_cli_lists_accepts_and_dismisses(ws, analysis, tmp_path):
    location = str(ws.location)
    runner = CliRunner()
    added = runner.invoke(main, ["alerts", "watch", "-w", location, "-a", analysis.id, "H1", "border", "--rating", "CC"])
    assert added.exit_code == 0, added.output
    ingested = runner.invoke(main, ["ingest", "-w", location, "--pipeline", "builtin",
                                    str(_write(tmp_path / "in", "en", title="Troops <b>", body=EN_TEXT))])
    assert ingested.exit_code == 0, ingested.output
    assert ingested.output.splitlines()[-1] == "1 new alert from the analyses' indicators: see `workbench alerts`"
    result = ws.ingest(_write(tmp_path / "in", "en2", title="More", body="Units near the border again."),
                       progress=False)
    assert result.alerts == 1
    quiet = runner.invoke(main, ["ingest", "-w", location, "--pipeline", "builtin",
                                 str(_write(tmp_path / "in", "other", title="Harvest", body=OTHER_TEXT))])
    assert quiet.exit_code == 0 and "alert" not in quiet.output  # nothing matched: nothing said
    listed = runner.invoke(main, ["alerts", "-w", location, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = sorted(json.loads(listed.output), key=lambda r: r["title"] != "Troops <b>")  # one second: either order
    assert [r["title"] for r in rows] == ["Troops <b>", "More"]
    table = runner.invoke(main, ["alerts", "-w", location, "--analysis", analysis.id])
    assert table.exit_code == 0 and "Belarusian units massing near the border." in table.output
    accepted = runner.invoke(main, ["alerts", "accept", "-w", location, rows[0]["id"]])
    assert accepted.exit_code == 0 and "accepted: evidence" in accepted.output
    dismissed = runner.invoke(main, ["alerts", "dismiss", "-w", location, rows[1]["id"], "--note", "old news"])
    assert dismissed.exit_code == 0, dismissed.output
    assert runner.invoke(main, ["alerts", "-w", location]).output.strip() == "no new alerts"
    everything = json.loads(runner.invoke(main, ["alerts", "-w", location, "--all", "--format", "json"]).output)
    assert {r["id"]: r["status"] for r in everything} == {rows[0]["id"]: "accepted", rows[1]["id"]: "dismissed"}


def test_cli_errors_are_one_line(ws, analysis):
    location = str(ws.location)
    runner = CliRunner()
    for args, message in ((["alerts", "accept", "-w", location, "abcd1234"], "alert 'abcd1234': not in this workspace"),
                          (["alerts", "dismiss", "-w", location, "abcd1234"], "alert 'abcd1234': not in this workspace"),
                          (["alerts", "watch", "-w", location, "-a", analysis.id, "H7", "border"],
                           f"hypothesis 'H7': not in analysis {analysis.id}"),
                          (["alerts", "-w", location, "-a", "nosuchanalysis"], "nosuchanalysis")):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, result.output
        assert message in result.output
        assert result.output.count("\n") == 1 and "Traceback" not in result.output


# -- upgrading -----------------------------------------------------------------------------------
def test_an_older_workspace_gains_indicators_by_step_12(workspace_location, tmp_path):
    engine = raw_engine(workspace_location)
    with engine.begin() as conn:  # a workspace as release 11 wrote it
        s.schema_migrations.create(conn)
        for step in [m for m in MIGRATIONS if m.version < 12]:
            step.apply(conn)
            conn.execute(insert(s.schema_migrations).values(version=step.version, description="old", applied_at=now()))
        names = {"sqlite": "SELECT count(*) FROM sqlite_master WHERE name = 'alerts'",
                 "postgresql": "SELECT count(*) FROM pg_tables WHERE tablename = 'alerts'"}
        assert conn.execute(text(names[engine.dialect.name])).scalar() == 0
    engine.dispose()
    Store(workspace_location).close()  # opening upgrades
    ws = open_workspace(workspace_location, pipeline="builtin")
    try:
        assert ws.store.schema_version() == MIGRATIONS[-1].version >= 12
        an = ws.new_analysis("Q?", ["A", "B"])
        an.add_indicator("A", "border")
        ws.ingest(_write(tmp_path / "in", "en", title="Troops", body=EN_TEXT), progress=False)
        assert len(ws.alerts()) == 1
    finally:
        ws.close()


# -- where analysts see them ----------------------------------------------------------------------
HOSTILE_TITLE = 'Troops <script>alert("t")</script>'
HOSTILE_TEXT = ("Units massed near the border <img src=x onerror=alert(1)> & more. Nothing else happened.")


def test_the_report_lists_alerts_new_since_the_previous_report_escaped(ws, analysis, tmp_path):
    analysis.add_indicator("H1", "border")
    ws.ingest(_write(tmp_path / "in", "hostile", title=HOSTILE_TITLE, body=HOSTILE_TEXT), progress=False)
    first = ws.report(tmp_path / "one.html").read_text(encoding="utf-8")
    section = first[first.index('<section id="new-alerts">'):]
    section = section[:section.index("</section>")]
    assert "no report was written before" in section
    assert "Troops &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in section
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; more." in section
    assert "<script>alert" not in first and "<img src=x" not in first
    assert 'href="#new-alerts"' in first
    # the second report shows only what came after the first
    ws.ingest(_write(tmp_path / "in2", "later", title="Later", body="Trucks near the border at dawn."), progress=False)
    second = ws.report(tmp_path / "two.html").read_text(encoding="utf-8")
    section = second[second.index('<section id="new-alerts">'):]
    section = section[:section.index("</section>")]
    assert "Trucks near the border at dawn." in section and "Troops &lt;script&gt;" not in section
    third = ws.report(tmp_path / "three.html").read_text(encoding="utf-8")
    assert "No new alerts." in third


def test_the_widgets_badge_counts_new_alerts_and_the_matrix_adds_an_indicator(ws, analysis, tmp_path):
    from workbench.widgets.corpus_browser import CorpusBrowser
    from workbench.widgets.matrix import Matrix

    browser = CorpusBrowser(ws, live=False)
    matrix = Matrix(analysis, live=False)
    assert (browser.new_alerts, matrix.new_alerts) == (0, 0)
    assert browser.static_html().count("wb-alert-badge") == 0
    hid = analysis.hypotheses["id"][0]
    matrix._indicator({"hypothesis_id": hid, "query": "border", "rating": "CC"})
    assert list(analysis.indicators["query"]) == ["border"] and analysis.indicators["rating"][0] == "CC"
    ws.ingest(_write(tmp_path / "in", "hostile", title=HOSTILE_TITLE, body=HOSTILE_TEXT), progress=False)
    browser.refresh()
    matrix.refresh()
    assert (browser.new_alerts, matrix.new_alerts) == (1, 1)
    assert browser.alert_titles == [HOSTILE_TITLE]  # plain text: the page sets it as text
    badge = browser.static_html()
    assert "1 new alert<" in badge and "<script>alert" not in badge and "&lt;script&gt;" in badge
    assert "1 new alert<" in matrix.static_html()
    analysis.dismiss_alert(ws.alerts()["id"][0])
    matrix.refresh()
    assert matrix.new_alerts == 0


def test_the_analysis_read_counts_its_new_alerts_also_inside_the_write_that_decides_one(ws, analysis, tmp_path):
    """The badge's count comes with the analysis's own row: a state read back inside the write
    that accepts an alert (or an undo that brings it back) counts it as decided (or new again)."""
    analysis.add_indicator(analysis.hypotheses["id"][0], "border")
    ws.ingest(_write(tmp_path / "in", "hostile", title=HOSTILE_TITLE, body=HOSTILE_TEXT), progress=False)
    assert analysis.state().info["new_alerts"] == 1
    with analysis.state_after() as after:
        analysis.accept_alert(ws.alerts()["id"][0])
    assert after.state.info["new_alerts"] == 0
    analysis.undo()
    assert analysis.state().info["new_alerts"] == 1
    with analysis.state_after() as after:   # a write that touches no alert reuses the row read first
        analysis.add_assumption("Rail capacity limits a build-up.")
    assert after.state.info["new_alerts"] == 1


def test_a_phrase_indicator_s_passage_is_the_sentence_holding_the_phrase(ws, analysis, tmp_path):
    """A word of the phrase alone (here in the headline) does not make a sentence the passage."""
    analysis.add_indicator("Belarus joins", '"Belarusian troops"')
    ws.ingest(_write(tmp_path / "in", "brest", title="Troops on the move near Brest",
                     body="Troops on the move near Brest\n\nColumns of Belarusian troops moved toward the border "
                          "on Tuesday, the defence ministry in Minsk said."), progress=False)
    assert list(ws.alerts()["passage"]) == [
        "Columns of Belarusian troops moved toward the border on Tuesday, the defence ministry in Minsk said."]


def test_a_backlog_is_listed_in_part_and_the_rest_counted(ws, analysis, tmp_path, monkeypatch):
    """Thousands of alerts are not all quoted: a table lists the oldest few and says how many
    more there are; the report quotes the oldest ``REPORT_ALERTS`` and counts the rest."""
    import workbench.workspace._gather as gather

    analysis.add_indicator("H1", "border")
    for i in range(3):
        ws.ingest(_write(tmp_path / "in", f"b{i}", title=f"Border {i}", body=f"Trucks near the border, day {i}."),
                  progress=False)
    assert ws.alert_count() == 3 and len(ws.alerts()) == 3
    assert list(ws.alerts(limit=2)["title"]) == list(ws.alerts()["title"])[:2]  # the oldest first
    runner = CliRunner()
    location = str(ws.location)
    table = runner.invoke(main, ["alerts", "-w", location, "--limit", "2"])
    assert table.exit_code == 0, table.output
    assert table.output.count("query 'border'") == 2
    assert table.output.splitlines()[-1] == "… and 1 more (the oldest 2 are shown; --limit 0 lists them all)"
    whole = runner.invoke(main, ["alerts", "-w", location, "--limit", "0"])
    assert whole.output.count("query 'border'") == 3 and "more" not in whole.output
    assert len(json.loads(runner.invoke(main, ["alerts", "-w", location, "--format", "json"]).output)) == 3
    assert "--limit" in runner.invoke(main, ["alerts", "-w", location, "--limit", "-1"]).output  # one line, no trace

    monkeypatch.setattr(gather, "REPORT_ALERTS", 2)
    page = ws.report(tmp_path / "report.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="new-alerts">'):]
    section = section[:section.index("</section>")]
    assert section.count("<blockquote>") == 2
    assert "… and 1 more alert, not quoted here: <code>workbench alerts --all</code> lists them." in section
