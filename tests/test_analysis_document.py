"""The analysis document: validation, the tidy frame, the matrix, CSV and W3C annotations."""
import copy
import csv
import io
import json

import pandas as pd
import pytest

from workbench.analysis import (
    document_to_frame,
    matrix,
    matrix_csv,
    score,
    to_web_annotations,
    validate_document,
)

TEXT = "Lukashenko said the army would not cross the border. Troops massed near Brest."


def make_doc():
    def anchored(evidence_id, exact, **fields):
        start = TEXT.index(exact)
        return {"id": evidence_id, "kind": "quote", "article_id": "art1", "start": start, "end": start + len(exact),
                "exact": exact, "prefix": TEXT[max(0, start - 8):start], "suffix": TEXT[start + len(exact):][:8],
                "note": f"why {evidence_id} matters", "analyst": "kim", "created_at": "2024-02-01T09:00:00Z",
                **fields}

    return {
        "schema": "workbench.analysis", "version": 1,
        "analysis": {"id": "an-7", "question": "Will Belarus attack?"},
        "hypotheses": [{"id": "h-out", "name": "Stays out", "position": 1},
                       {"id": "h-in", "name": "Attacks", "position": 0}],
        "evidence": [anchored("q1", "the army would not cross the border", event_date="2022-12-19"),
                     anchored("q2", "Troops massed near Brest", group="wire", credibility="High"),
                     anchored("q3", "massed near Brest", group="wire", credibility="High"),
                     {"id": "a1", "kind": "absence", "note": "No mobilisation order seen"}],
        "ratings": [{"evidence_id": "q1", "hypothesis_id": "h-in", "rating": "I"},
                    {"evidence_id": "q1", "hypothesis_id": "h-out", "rating": "C"},
                    {"evidence_id": "q2", "hypothesis_id": "h-out", "rating": "I"},
                    {"evidence_id": "q2", "hypothesis_id": "h-in", "rating": "C"},
                    {"evidence_id": "q3", "hypothesis_id": "h-in", "rating": "CC"},
                    {"evidence_id": "a1", "hypothesis_id": "h-in", "rating": "I"}],
    }


def test_normal_form_fills_defaults_and_orders():
    doc = validate_document(make_doc())
    assert [h["name"] for h in doc["hypotheses"]] == ["Attacks", "Stays out"]   # by position
    assert doc["evidence"][3]["credibility"] == "Medium" and doc["evidence"][3]["flags"] == []
    assert doc["analysis"]["classification"] is None
    assert [(r["evidence_id"], r["hypothesis_id"]) for r in doc["ratings"]][:2] == [("q1", "h-in"), ("q1", "h-out")]
    assert validate_document(doc) == doc                                           # idempotent


def mutate(path, value):
    doc = make_doc()
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize("doc, message", [
    (mutate(["version"], 3), "version 3 is newer than this workbench understands (version 2)"),
    (mutate(["version"], "1"), "version '1' is not a positive integer"),
    (mutate(["schema"], "other"), "not an analysis document"),
    (mutate(["analysis", "question"], ""), "analysis: missing question"),
    (mutate(["analysis", "colour"], "red"), "analysis: unknown field 'colour'"),
    (mutate(["hypotheses", 1, "name"], "Stays out"), "hypothesis name 'Stays out' appears twice"),
    (mutate(["hypotheses"], []), "has no hypotheses"),
    (mutate(["evidence", 0, "kind"], "rumour"), "evidence 'q1': kind 'rumour' is not one of"),
    (mutate(["evidence", 0, "end"], 5), "evidence 'q1': span"),
    (mutate(["evidence", 0, "exact"], "the army"), "evidence 'q1': exact has 8 characters"),
    (mutate(["evidence", 0, "article_id"], None), "evidence 'q1': a quote needs article_id"),
    (mutate(["evidence", 0, "credibility"], "high"), "evidence 'q1': credibility 'high' is not High"),
    (mutate(["evidence", 0, "info_credibility"], 0), "evidence 'q1': information credibility 0"),
    (mutate(["evidence", 0, "reliability"], "b"), "evidence 'q1': source reliability 'b'"),
    (mutate(["evidence", 0, "flags"], ["fake"]), "evidence 'q1': flags ['fake']"),
    (mutate(["evidence", 0, "event_date"], "19/12/2022"), "evidence 'q1': event_date '19/12/2022' is not"),
    (mutate(["evidence", 1, "id"], "q1"), "evidence id 'q1' appears twice"),
    (mutate(["ratings", 0, "rating"], "supports"), "rating 'supports' is not one of CC, C, N, I, II, NA"),
    (mutate(["ratings", 0, "hypothesis_id"], "h-x"), "unknown hypothesis id"),
    (mutate(["ratings", 0, "evidence_id"], "zz"), "unknown evidence id"),
    (mutate(["ratings", 1, "hypothesis_id"], "h-in"), "rated twice"),
    (mutate(["ratings", 0, "rating"], KeyError), "ratings[0]: missing rating"),
    ([], "must be a JSON object"),
])
def test_bad_documents_error_in_one_line(doc, message):
    with pytest.raises(ValueError) as err:
        validate_document(doc)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_document_to_frame_has_every_cell_and_the_hypothesis_order():
    frame = document_to_frame(make_doc())
    assert len(frame) == 4 * 2
    assert list(frame["hypothesis"].cat.categories) == ["Attacks", "Stays out"]
    unrated = frame[(frame["evidence"] == "q3") & (frame["hypothesis"] == "Stays out")]
    assert unrated["rating"].tolist() == [None]
    scores = score(frame, linchpins=False)
    # PARC: Attacks: q1 I (-1) + a1 I (-1) = -2; Stays out: group wire = mean(q2 I, q3 unrated 0) = -0.5
    assert scores.hypotheses["parc_inconsistency"].tolist() == [-2.0, -0.5]


def test_matrix_rows_columns_weights_and_sorting():
    table = matrix(document_to_frame(make_doc()))
    assert table.index.tolist() == ["q1", "q2", "q3", "a1"]
    assert table.loc["q1", "Attacks"] == "I" and table.loc["q1", "Stays out"] == "C"
    assert table.loc["q3", "Stays out"] is None
    assert table.loc["q2", "weight"] == pytest.approx(2 ** 0.5)
    assert table.loc["q2", "counts_as"] == 0.5 and table.loc["q2", "group"] == "wire"
    ordered = matrix(document_to_frame(make_doc()), sort_by="bayes")
    assert ordered["diagnosticity_bayes"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="sort_by 'speed'"):
        matrix(document_to_frame(make_doc()), sort_by="speed")


def test_matrix_shows_the_consensus_of_several_analysts():
    rows = pd.DataFrame([
        {"evidence": "E1", "hypothesis": "H1", "rating": r, "analyst": a}
        for a, r in [("a", "C"), ("b", "CC"), ("c", "N")]
    ] + [{"evidence": "E2", "hypothesis": "H1", "rating": r, "analyst": a} for a, r in [("a", "NA"), ("b", "NA"),
                                                                                         ("c", "I")]])
    table = matrix(rows)
    # E1 mean of C(3), CC(4), N(2) on codes = 3 → C;  E2: two NA of three → NA
    assert table["H1"].tolist() == ["C", "NA"]


def test_matrix_csv():
    text = matrix_csv(make_doc())
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [row["evidence"] for row in parsed] == ["q1", "q2", "q3", "a1"]
    assert parsed[0]["text"] == "the army would not cross the border"
    assert parsed[3]["text"] == "No mobilisation order seen" and parsed[3]["kind"] == "absence"
    assert parsed[0]["Attacks"] == "I" and parsed[2]["Stays out"] == ""
    assert parsed[1]["counts_as"] == "0.5"
    # text quoted, numbers bare (OWASP's advice for CSV opened in spreadsheets)
    assert text.splitlines()[0].startswith('"evidence","kind","text","Attacks","Stays out","credibility"')
    assert text.splitlines()[2].startswith('"q2","quote",')


def test_web_annotations_export():
    collection = to_web_annotations(make_doc(), {"art1": "https://news.example/belarus"})
    json.dumps(collection)
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 3   # quotes only
    first = collection["first"]["items"][0]
    assert first["type"] == "Annotation" and first["motivation"] == "assessing"
    assert first["target"]["source"] == "https://news.example/belarus"
    quote_selector, position_selector = first["target"]["selector"]
    start = TEXT.index("the army would not cross the border")
    assert quote_selector == {"type": "TextQuoteSelector", "exact": "the army would not cross the border",
                              "prefix": TEXT[start - 8:start], "suffix": ". Troops"}
    assert position_selector == {"type": "TextPositionSelector", "start": start, "end": start + 35}
    assert TEXT[position_selector["start"]:position_selector["end"]] == quote_selector["exact"]
    values = [body["value"] for body in first["body"]]
    assert values == ["why q1 matters", "inconsistent (I) with hypothesis: Attacks",
                      "consistent (C) with hypothesis: Stays out"]
    assert first["creator"] == {"type": "Person", "name": "kim"} and first["created"] == "2024-02-01T09:00:00Z"
    unnamed = to_web_annotations(make_doc())
    assert unnamed["first"]["items"][0]["target"]["source"] == "urn:workbench:article:art1"


def test_documents_are_not_modified():
    doc = make_doc()
    before = copy.deepcopy(doc)
    validate_document(doc)
    matrix_csv(doc)
    to_web_annotations(doc)
    assert doc == before


# -- each analyst's ratings (version 2) ------------------------------------------------------
def _team_doc(analyst_ratings, ratings=None):
    return {"schema": "workbench.analysis", "version": 2, "analysis": {"question": "q"},
            "hypotheses": [{"id": "h1", "name": "A"}, {"id": "h2", "name": "B"}],
            "evidence": [{"id": "e1", "kind": "assumption"}, {"id": "e2", "kind": "assumption"}],
            "ratings": ratings if ratings is not None else [{"evidence_id": "e1", "hypothesis_id": "h1", "rating": "N"}],
            "analyst_ratings": analyst_ratings}


def _by(who, evidence, hypothesis, rating):
    return {"analyst": who, "evidence_id": evidence, "hypothesis_id": hypothesis, "rating": rating}


def test_analyst_ratings_are_kept_in_order_and_ratings_are_their_consensus():
    # votes II 1 … CC 5: C 4 and I 2 → 3, N; CC 5 and I 2 → 3.5, rounded to the even vote 4, C
    doc = validate_document(_team_doc(
        [_by("ben", "e2", "h2", "I"), _by("ana", "e1", "h1", "C"), _by("ben", "e1", "h1", "I"),
         _by("ana", "e2", "h2", "CC")],
        [{"evidence_id": "e2", "hypothesis_id": "h2", "rating": "C"},
         {"evidence_id": "e1", "hypothesis_id": "h1", "rating": "N"}]))
    assert [(r["analyst"], r["evidence_id"]) for r in doc["analyst_ratings"]] == [
        ("ana", "e1"), ("ana", "e2"), ("ben", "e1"), ("ben", "e2")]
    assert doc["version"] == 2
    old = validate_document({**_team_doc([]), "version": 1})   # a version-1 document reads as ever
    assert old["analyst_ratings"] == [] and old["version"] == 2


@pytest.mark.parametrize("analyst_ratings, message", [
    ([_by(" ana", "e1", "h1", "N")], "rating by ' ana' of evidence 'e1' for hypothesis 'h1': the analyst must be"),
    ([_by("ana", "e9", "h1", "N")], "'e9' for hypothesis 'h1': unknown evidence id"),
    ([_by("ana", "e1", "h9", "N")], "unknown hypothesis id"),
    ([_by("ana", "e1", "h1", "Z")], "rating 'Z' is not one of CC, C, N, I, II, NA"),
    ([_by("ana", "e1", "h1", "N")] * 2, "rated twice"),
    ([{"analyst": "ana", "evidence_id": "e1", "hypothesis_id": "h1"}], "analyst_ratings[0]: missing rating"),
    ([{**_by("ana", "e1", "h1", "N"), "note": "x"}], "analyst_ratings[0]: unknown field 'note'"),
    ("all of them", "analyst_ratings must be a list"),
    ([_by("ana", "e1", "h1", "CC"), _by("ben", "e1", "h1", "I")],
     "ratings: evidence 'e1' for hypothesis 'h1' is N but the consensus of analyst_ratings is C"),
    ([_by("ana", "e1", "h1", "N"), _by("ana", "e2", "h1", "C")],
     "evidence 'e2' for hypothesis 'h1' is unrated but the consensus of analyst_ratings is C"),
])
def test_bad_analyst_ratings_error_in_one_line(analyst_ratings, message):
    with pytest.raises(ValueError) as err:
        validate_document(_team_doc(analyst_ratings))
    assert message in str(err.value) and "\n" not in str(err.value)
