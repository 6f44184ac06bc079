"""Scoring invariants that must hold for every matrix (property-based, with hypothesis)."""
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.analysis import leave_one_out, read_achz, score, write_achz, validate_document
from workbench.analysis.scales import RATINGS, WEIGHT_LEVELS

SETTINGS = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SCORE_COLUMNS = ["parc_inconsistency", "parc_weighted_inconsistency", "open_synthesis_inconsistency",
                 "open_synthesis_consistency", "bayes_posterior"]


@st.composite
def matrices(draw, min_items=0, weighted=True):
    """A tidy frame: 2–5 hypotheses, up to 7 items, random ratings, weights, grades, groups."""
    n_hyps = draw(st.integers(2, 5))
    n_items = draw(st.integers(min_items, 7))
    rows = []
    for item in range(n_items):
        attributes = {
            "credibility": draw(st.sampled_from(WEIGHT_LEVELS)) if weighted else "Medium",
            "relevance": draw(st.sampled_from(WEIGHT_LEVELS)) if weighted else "Medium",
            "reliability": draw(st.sampled_from([None, "A", "B", "C", "D", "E", "F"])),
            "info_credibility": draw(st.sampled_from([None, 1, 2, 3, 4, 5, 6])),
            "group": draw(st.sampled_from([None, None, "g1", "g2"])),
        }
        for hypothesis in range(n_hyps):
            rating = draw(st.sampled_from(list(RATINGS) + [None]))
            rows.append({"evidence": f"E{item}", "hypothesis": f"H{hypothesis}", "rating": rating, **attributes})
    columns = ["evidence", "hypothesis", "rating", "credibility", "relevance", "reliability", "info_credibility",
               "group"]
    return pd.DataFrame(rows, columns=columns), [f"H{h}" for h in range(n_hyps)]


def scores_of(frame, hypotheses):
    return score(frame, hypotheses=hypotheses, linchpins=False).hypotheses[SCORE_COLUMNS]


@SETTINGS
@given(matrices())
def test_an_added_all_neutral_item_changes_no_score(case):
    frame, hypotheses = case
    neutral = pd.DataFrame([{"evidence": "NEUTRAL", "hypothesis": h, "rating": "N", "credibility": "High",
                             "relevance": "High"} for h in hypotheses])
    before = scores_of(frame, hypotheses)
    after = scores_of(pd.concat([frame, neutral], ignore_index=True), hypotheses)
    pd.testing.assert_frame_equal(before, after, check_exact=False, atol=1e-9)


@SETTINGS
@given(matrices(), st.randoms(use_true_random=False))
def test_permuting_hypotheses_permutes_the_scores(case, random):
    frame, hypotheses = case
    permuted = list(hypotheses)
    random.shuffle(permuted)
    original = score(frame, hypotheses=hypotheses, linchpins=False)
    shuffled = score(frame, hypotheses=permuted, linchpins=False)
    pd.testing.assert_frame_equal(original.hypotheses.loc[permuted], shuffled.hypotheses, check_exact=False,
                                  atol=1e-9)
    assert {k: set(v) for k, v in original.leaders.items()} == {k: set(v) for k, v in shuffled.leaders.items()}


@SETTINGS
@given(matrices(min_items=1), st.data())
def test_duplicating_a_syndicated_item_changes_nothing(case, data):
    frame, hypotheses = case
    item = data.draw(st.sampled_from(sorted(frame["evidence"].unique())))
    frame = frame.copy()
    chosen = frame["evidence"] == item
    if frame.loc[chosen, "group"].isna().all():       # make it a story that has one copy so far
        frame.loc[chosen, "group"] = "story"
    copies = frame[chosen].assign(evidence=f"{item}-copy")
    before = score(frame, hypotheses=hypotheses, linchpins=False)
    after = score(pd.concat([frame, copies], ignore_index=True), hypotheses=hypotheses, linchpins=False)
    pd.testing.assert_frame_equal(before.hypotheses, after.hypotheses, check_exact=False, atol=1e-9)
    assert before.leaders == after.leaders


@SETTINGS
@given(matrices(weighted=False))
def test_medium_weights_leave_wis_equal_to_is(case):
    frame, hypotheses = case
    table = score(frame, hypotheses=hypotheses, linchpins=False).hypotheses
    assert table["parc_weighted_inconsistency"].tolist() == table["parc_inconsistency"].tolist()


@SETTINGS
@given(matrices(min_items=1))
def test_leave_one_out_equals_rescoring_without_the_item(case):
    frame, hypotheses = case
    result = leave_one_out(frame, hypotheses=hypotheses)
    for item in frame["evidence"].unique():
        rest = score(frame[frame["evidence"] != item], hypotheses=hypotheses, linchpins=False)
        for engine, leaders in rest.leaders.items():
            assert result.table.loc[item, f"{engine}_leaders"] == " = ".join(leaders)


@SETTINGS
@given(st.text(min_size=1, max_size=12).filter(lambda s: s.strip()))
def test_anything_that_is_not_a_rating_errors_with_its_place(value):
    from workbench.analysis.scales import _RATING_ALIASES

    if " ".join(value.split()).upper() in _RATING_ALIASES:
        return
    frame = pd.DataFrame([{"evidence": "E9", "hypothesis": "H4", "rating": value}])
    with pytest.raises(ValueError) as err:
        score(frame)
    assert "'E9'" in str(err.value) and "'H4'" in str(err.value) and repr(value) in str(err.value)


# -- .achz round trip over generated documents --------------------------------------------
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
optional_texts = st.none() | texts
dates = st.none() | st.dates().map(lambda d: d.isoformat()) | st.datetimes(
    min_value=pd.Timestamp("1900-01-01").to_pydatetime(), max_value=pd.Timestamp("2200-01-01").to_pydatetime()
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000).isoformat(timespec="milliseconds") + "Z")


@st.composite
def documents(draw):
    names = draw(st.lists(texts.filter(lambda s: s.strip()).map(str.strip), min_size=1, max_size=4, unique=True))
    hypotheses = [{"id": f"h{i}", "name": name, "description": draw(optional_texts), "position": i * 10,
                   "is_other": draw(st.booleans())} for i, name in enumerate(names)]
    evidence = []
    for index in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["quote", "assumption", "absence"]))
        exact = draw(texts.filter(bool)) if kind == "quote" else None
        start = draw(st.integers(0, 1000)) if kind == "quote" else None
        evidence.append({
            "id": draw(st.sampled_from([f"e{index}", f"item {index} ü"])), "kind": kind,
            "article_id": "art" if kind == "quote" else None, "start": start,
            "end": start + len(exact) if kind == "quote" else None, "exact": exact,
            "prefix": draw(optional_texts), "suffix": draw(optional_texts), "content_hash": draw(optional_texts),
            "note": draw(optional_texts), "analyst": draw(optional_texts), "created_at": draw(dates),
            "updated_at": draw(dates), "event_date": draw(dates), "report_date": draw(dates),
            "credibility": draw(st.sampled_from(WEIGHT_LEVELS)), "relevance": draw(st.sampled_from(WEIGHT_LEVELS)),
            "info_credibility": draw(st.sampled_from([None, 1, 6])), "reliability": draw(st.sampled_from([None, "F"])),
            "source": draw(optional_texts), "url": draw(optional_texts), "group": draw(optional_texts),
            "flags": draw(st.lists(st.sampled_from(["deception", "key_assumption"]), unique=True)),
            "evidence_type": draw(st.none() | st.sampled_from(["OSINT", " HUMINT ", "Quote", "Assumption"]) | texts),
        })
    ratings = [{"evidence_id": e["id"], "hypothesis_id": h["id"], "rating": rating}
               for e in evidence for h in hypotheses
               if (rating := draw(st.sampled_from(list(RATINGS) + [None]))) is not None]
    return {"schema": "workbench.analysis", "version": 1,
            "analysis": {"id": draw(st.none() | st.just("a1")), "question": draw(texts.filter(str.strip)),
                         "time_horizon": draw(optional_texts), "created_by": draw(optional_texts),
                         "created_at": draw(dates), "updated_at": draw(dates),
                         "classification": draw(optional_texts)},
            "hypotheses": hypotheses, "evidence": evidence, "ratings": ratings}


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_achz_round_trip(doc):
    assert read_achz(write_achz(doc)) == validate_document(doc)


def test_matrices_strategy_produces_groups_and_missing_ratings():
    # guard against a strategy that silently stopped exercising the interesting cases
    seen = {"group": False, "unrated": False}

    @settings(max_examples=50, deadline=None, database=None)
    @given(matrices(min_items=3))
    def probe(case):
        frame, _ = case
        seen["group"] |= bool(frame["group"].notna().any())
        seen["unrated"] |= bool(frame["rating"].isna().any())

    probe()
    assert all(seen.values())


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices(min_items=1))
def test_rating_perturbation_equals_rescoring_each_move(case):
    from workbench.analysis import evidence_matrix, rating_perturbation

    frame, hypotheses = case
    compiled = evidence_matrix(frame, hypotheses)
    _, unit_of = compiled.units
    story = dict(zip(compiled.evidence, unit_of))          # identical copies move together
    baseline = score(frame, hypotheses=hypotheses, linchpins=False).leaders
    expected = set()
    for evidence, hypothesis, rating in {(e, h, r) for e, h, r in zip(frame["evidence"], frame["hypothesis"],
                                                                      frame["rating"]) if pd.notna(r) and r != "NA"}:
        for step in (1, -1):
            code = RATINGS.index(rating) + step
            if not 0 <= code <= 4:
                continue
            moved = frame.copy()
            copies = moved["evidence"].map(story) == story[evidence]
            moved.loc[copies & (moved["hypothesis"] == hypothesis), "rating"] = RATINGS[code]
            leaders = score(moved, hypotheses=hypotheses, linchpins=False).leaders
            first_copy = compiled.evidence[list(unit_of).index(story[evidence])]
            expected |= {(engine, first_copy, hypothesis, RATINGS[code]) for engine in leaders
                         if set(leaders[engine]) != set(baseline[engine])}
    flips = rating_perturbation(frame, hypotheses=hypotheses)
    assert set(zip(flips["engine"], flips["evidence"], flips["hypothesis"], flips["to"])) == expected
