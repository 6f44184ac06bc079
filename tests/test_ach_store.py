"""Analyses in the workspace: hypotheses, anchored evidence, ratings, undo/redo, audit.

Every test runs on a SQLite file and on a PostgreSQL database (``workspace_location``)."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from conftest import raw_engine
from workbench.errors import StoreError

QUESTION = "Will Belarus's armed forces join the ground war against Ukraine?"
HYPS = ["Belarus joins the ground war", "Belarus stays a staging ground", "Belarus distances itself"]


@pytest.fixture
def ws(any_ws):
    """This module's workspace: one per backend."""
    return any_ws


@pytest.fixture
def seeded(ws, seed_dir):
    ws.ingest(seed_dir, progress=False)
    return ws, ws.articles.id[0]


def test_create_analysis_with_hypotheses_and_other(ws):
    an = ws.new_analysis(QUESTION, HYPS, time_horizon="by 31 March 2023", other=True)
    hyps = an.hypotheses
    assert list(hyps["name"]) == [*HYPS, "None of these"]
    assert list(hyps["position"]) == [1, 2, 3, 4]
    assert list(hyps["is_other"]) == [False, False, False, True]
    listed = ws.analyses
    assert listed.loc[0, "question"] == QUESTION and listed.loc[0, "hypotheses"] == 4
    assert ws.analysis(an.id[:5]).id == an.id


def test_tag_quote_anchors_exact_prefix_suffix_and_hash(seeded):
    ws, aid = seeded
    an = ws.new_analysis(QUESTION, HYPS)
    quote = "the armed forces of Belarus did not directly engage in a land operation under their flag"
    eid = an.tag_quote(aid, quote, ratings={"H1": "II", HYPS[1]: "C", HYPS[2]: "supports"},
                       note="Belarus has not fought so far", credibility="High", info_credibility=2)
    ev = an.evidence.set_index("id").loc[eid]
    article = ws.article(aid)
    assert article.text[ev["start"]:ev["end"]] == quote == ev["exact"]
    assert ev["label"] == "E1" and ev["credibility"] == "High" and ev["info_credibility"] == 2
    assert ev[HYPS[0]] == "II" and ev[HYPS[1]] == "C" and ev[HYPS[2]] == "C"
    assert ev["source"] == "Insight News Media" and ev["reliability"] is None   # no analyst graded the outlet
    with ws.store.read() as conn:
        row = conn.execute(text("SELECT prefix, suffix, content_hash FROM evidence")).one()
    assert article.text[ev["start"] - len(row.prefix):ev["start"]] == row.prefix
    assert article.text[ev["end"]:ev["end"] + len(row.suffix)] == row.suffix
    assert row.content_hash == article.content_hash


def test_frame_is_tidy_and_complete(seeded):
    ws, aid = seeded
    an = ws.new_analysis(QUESTION, HYPS)
    an.tag_quote(aid, "Belarus did join the war", ratings={"H1": "C"})
    an.add_assumption("Lukashenko fears unrest in the army if mobilised", ratings={"H1": "I", "H3": "C"})
    frame = an.frame()
    assert len(frame) == 2 * 3
    assert set(frame["rating"].dropna()) == {"C", "I"}
    assert frame["rating"].isna().sum() == 3          # unrated stays unrated: it is not N/A
    assert frame.groupby("evidence").size().to_dict() == {"E1": 3, "E2": 3}
    assert frame[frame.evidence == "E1"]["reliability"].isna().all()     # the seed outlet is not graded yet
    assert frame[frame.evidence == "E2"]["reliability"].isna().all()       # an assumption has no source grade


def test_bad_ratings_weights_and_anchors_are_refused_and_nothing_written(seeded):
    ws, aid = seeded
    an = ws.new_analysis(QUESTION, HYPS)
    before = len(an.history())
    with pytest.raises(StoreError, match="'maybe' is not a rating"):
        an.tag_quote(aid, "Belarus did join the war", ratings={"H1": "maybe"})
    with pytest.raises(StoreError, match="must be High, Medium or Low"):
        an.tag_quote(aid, "Belarus did join the war", credibility="Very")
    with pytest.raises(StoreError, match="must be 1-6"):
        an.tag_quote(aid, "Belarus did join the war", info_credibility=7)
    with pytest.raises(StoreError, match="not found in article"):
        an.tag_quote(aid, "Belarus invaded Poland")
    with pytest.raises(ValueError, match="outside the article"):
        an.tag(aid, 10, 10_000_000)
    with pytest.raises(StoreError, match="hypothesis 'H9'"):
        an.tag_quote(aid, "Belarus did join the war", ratings={"H9": "C"})
    assert len(an.evidence) == 0 and len(an.history()) == before
    with ws.store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM ratings")).scalar() == 0


def test_rate_update_remove_and_undo_redo(seeded):
    ws, aid = seeded
    an = ws.new_analysis(QUESTION, HYPS)
    eid = an.tag_quote(aid, "Belarus did join the war", ratings={"H1": "C"})
    an.rate("E1", "H2", "refutes")
    an.rate("E1", "H1", "CC")
    an.update_evidence("E1", note="invasion launched from Belarus", relevance="High")
    ev = an.evidence.iloc[0]
    assert (ev[HYPS[0]], ev[HYPS[1]], ev["relevance"]) == ("CC", "I", "High")

    assert an.undo() == "edit E1: note, relevance"
    assert an.evidence.iloc[0]["relevance"] == "Medium"
    assert an.undo().startswith("rate E1 against H1")
    assert an.evidence.iloc[0][HYPS[0]] == "C"
    assert an.redo().startswith("rate E1 against H1")
    assert an.evidence.iloc[0][HYPS[0]] == "CC"

    an.remove_evidence("E1")
    assert len(an.evidence) == 0
    an.undo()
    restored = an.evidence.iloc[0]
    assert restored["id"] == eid and restored[HYPS[0]] == "CC" and restored[HYPS[1]] == "I"

    an.rate("E1", "H3", "N")  # a new change clears the redo stack
    assert an.redo() is None
    actions = list(an.history()["action"])
    assert actions.count("undo") == 3 and actions.count("redo") == 1


def test_undo_survives_reopening_the_workspace(seeded, tmp_path):
    ws, aid = seeded
    an = ws.new_analysis(QUESTION, HYPS)
    an.tag_quote(aid, "Belarus did join the war", ratings={"H1": "C"})
    an.rate("E1", "H1", "II")
    path = ws.location
    ws.close()
    import workbench as wb

    again = wb.open_workspace(path).analysis(an.id)
    assert again.undo().startswith("rate E1")
    assert again.evidence.iloc[0][HYPS[0]] == "C"


def test_hypothesis_edits_and_unique_names(ws):
    an = ws.new_analysis(QUESTION, HYPS)
    with pytest.raises(StoreError, match="already in this analysis"):
        an.add_hypothesis(HYPS[0])
    an.add_hypothesis("Belarus mobilises but does not attack", description="partial")
    an.rename_hypothesis("H4", "Belarus mobilises only")
    an.remove_hypothesis("H2")
    assert list(an.hypotheses["name"]) == [HYPS[0], HYPS[2], "Belarus mobilises only"]
    an.undo()
    assert HYPS[1] in list(an.hypotheses["name"])


def test_database_refuses_bad_rating_even_behind_the_api(seeded):
    ws, aid = seeded
    an = ws.new_analysis(QUESTION, HYPS)
    an.tag_quote(aid, "Belarus did join the war", ratings={"H1": "C"})
    engine = raw_engine(ws.location)  # a plain connection: the database itself refuses
    try:
        for statement in ("UPDATE ratings SET rating = 'X'", "UPDATE evidence SET info_credibility = 9"):
            with pytest.raises(IntegrityError):
                with engine.begin() as conn:
                    conn.execute(text(statement))
    finally:
        engine.dispose()


def test_v1_workspace_upgrades_in_place(workspace_location):
    from workbench.store import schema as s
    from workbench.store.migrations import MIGRATIONS
    from workbench.store import Store, now
    from sqlalchemy import insert

    path = workspace_location
    engine = raw_engine(path)
    with engine.begin() as conn:  # a workspace as the first release wrote it
        s.schema_migrations.create(conn)
        MIGRATIONS[0].apply(conn)
        conn.execute(insert(s.schema_migrations).values(version=1, description="v1", applied_at=now()))
        conn.execute(insert(s.articles).values(id="a" * 16, language="en", text="Old text.", content_hash="h",
                                               words=2, ingested_at=now()))
    engine.dispose()
    store = Store(path)
    assert store.schema_version() == MIGRATIONS[-1].version
    with store.read() as conn:
        assert conn.execute(text("SELECT text FROM articles")).scalar() == "Old text."
        assert conn.execute(text("SELECT count(*) FROM analyses")).scalar() == 0
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError, match="immutable"):  # the guards hold after the upgrade (step 8 on PostgreSQL)
        with store.transaction() as conn:
            conn.execute(text("UPDATE articles SET text = 'New text.'"))
    store.close()
