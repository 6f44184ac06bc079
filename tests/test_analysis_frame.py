"""The tidy evidence frame: normalisation and one-line errors for bad input."""
import sys
import subprocess

import numpy as np
import pandas as pd
import pytest

from workbench.analysis import evidence_matrix, normalise_rating, score, validate_frame


def rows(*triples, **extra):
    return pd.DataFrame([{"evidence": e, "hypothesis": h, "rating": r, **extra} for e, h, r in triples])


@pytest.mark.parametrize("spelling, canonical", [
    ("supports", "C"), ("Refutes", "I"), ("NEUTRAL", "N"), ("++", "CC"), ("+", "C"), ("-", "I"), ("--", "II"),
    ("c c", "CC"), ("I I", "II"), (" na ", "NA"), ("n/a", "NA"), ("cc", "CC"),
])
def test_simple_mode_and_aliases_normalise(spelling, canonical):
    assert normalise_rating(spelling) == canonical
    frame = validate_frame(rows(("E1", "H1", spelling), ("E1", "H2", "N")))
    assert frame["rating"].tolist() == [canonical, "N"]


@pytest.mark.parametrize("bad", ["X", "CCC", "+++", "maybe", "0", 3, True])
def test_bad_rating_names_evidence_hypothesis_and_value(bad):
    frame = rows(("E1", "H1", "C"), ("E7", "H2", bad))
    with pytest.raises(ValueError) as err:
        score(frame)
    message = str(err.value)
    assert "\n" not in message
    assert "'E7'" in message and "'H2'" in message and repr(bad) in message


def test_missing_rating_means_unrated_not_an_error():
    frame = rows(("E1", "H1", "I"), ("E1", "H2", None), ("E1", "H3", np.nan))
    result = score(frame, linchpins=False)
    assert result.hypotheses.index.tolist() == ["H1", "H2", "H3"]
    assert result.hypotheses["parc_inconsistency"].tolist() == [-1.0, 0.0, 0.0]


def test_weights_default_to_medium_and_bad_weights_error():
    frame = validate_frame(rows(("E1", "H1", "C")))
    assert frame.loc[0, "credibility"] == "Medium" and frame.loc[0, "relevance"] == "Medium"
    assert validate_frame(rows(("E1", "H1", "C"), credibility="high")).loc[0, "credibility"] == "High"
    with pytest.raises(ValueError, match=r"evidence 'E1': weight 'Huge' is not High, Medium or Low"):
        validate_frame(rows(("E1", "H1", "C"), credibility="Huge"))


@pytest.mark.parametrize("column, value, message", [
    ("info_credibility", 7, "information credibility 7 is not a grade 1-6"),
    ("info_credibility", "high", "information credibility 'high' is not a grade 1-6"),
    ("reliability", "G", "source reliability 'G' is not an Admiralty grade A-F"),
    ("date", "not a date", "date 'not a date' is not a date"),
])
def test_bad_grades_and_dates_error_with_the_evidence(column, value, message):
    with pytest.raises(ValueError, match=message) as err:
        validate_frame(rows(("E3", "H1", "C"), **{column: value}))
    assert str(err.value).startswith("evidence 'E3'")


def test_admiralty_grades_normalise():
    frame = validate_frame(rows(("E1", "H1", "C"), reliability="b", info_credibility="6"))
    assert frame.loc[0, "reliability"] == "B"
    assert frame.loc[0, "info_credibility"] == 6          # 6 = cannot be judged, a valid grade


def test_per_item_columns_must_agree_across_rows():
    frame = pd.DataFrame([{"evidence": "E1", "hypothesis": "H1", "rating": "C", "credibility": "High"},
                          {"evidence": "E1", "hypothesis": "H2", "rating": "I", "credibility": "Low"}])
    with pytest.raises(ValueError, match="evidence 'E1': rows disagree on credibility"):
        score(frame)


def test_a_cell_rated_twice_by_the_same_analyst_errors():
    with pytest.raises(ValueError, match="evidence 'E1', hypothesis 'H1': rated more than once"):
        score(rows(("E1", "H1", "C"), ("E1", "H1", "I")))
    several = pd.DataFrame([{"evidence": "E1", "hypothesis": "H1", "rating": "C", "analyst": "a"},
                            {"evidence": "E1", "hypothesis": "H1", "rating": "I", "analyst": "b"}])
    assert evidence_matrix(several).votes.shape == (2, 1, 1)


def test_missing_columns_and_unknown_hypotheses_error():
    with pytest.raises(ValueError, match="lacks column"):
        score(pd.DataFrame({"evidence": ["E1"], "rating": ["C"]}))
    with pytest.raises(ValueError, match="hypothesis 'H9' is not one of the listed hypotheses"):
        score(rows(("E1", "H9", "C")), hypotheses=["H1", "H2"])
    with pytest.raises(ValueError, match="evidence is missing"):
        score(rows((None, "H1", "C")))


def test_hypothesis_order_first_appearance_list_or_categorical():
    frame = rows(("E1", "B", "C"), ("E1", "A", "I"))
    assert evidence_matrix(frame).hypotheses == ("B", "A")
    assert evidence_matrix(frame, ["A", "B", "C"]).hypotheses == ("A", "B", "C")
    frame["hypothesis"] = pd.Categorical(frame["hypothesis"], categories=["A", "Z", "B"])
    assert evidence_matrix(frame).hypotheses == ("A", "Z", "B")


def test_importing_the_package_does_not_import_matplotlib():
    code = ("import sys, workbench.analysis as a; a.score; a.matrix; a.read_achz; a.monte_carlo; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
