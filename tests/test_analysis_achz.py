"""PARC ACH .achz: our round trip, hand-written PARC files, and every kind of bad file."""
import copy
import gzip
import math

import pytest
from parc_files import HYPOTHESES, IS, WIS, parc_205_file, wis_as_parc_scores_it

from workbench.analysis import document_to_frame, read_achz, score, validate_document, write_achz

ARTICLE = ("Russian President Vladimir Putin and Alexander Lukashenko met in Minsk on December 19. "
           "The Kremlin denied that it wanted Belarus to enter the war.")


def quote(evidence_id, text, **fields):
    start = ARTICLE.index(text)
    end = start + len(text)
    item = {"id": evidence_id, "kind": "quote", "article_id": "a1", "start": start, "end": end, "exact": text,
            "prefix": ARTICLE[max(0, start - 12):start], "suffix": ARTICLE[end:end + 12], "content_hash": "f" * 64,
            "note": f"note on {evidence_id}", "analyst": "ana", "created_at": "2024-01-02T03:04:05Z",
            "updated_at": "2024-01-03T00:00:00Z", "event_date": "2022-12-19", "report_date": "2022-12-20",
            "credibility": "High", "relevance": "Low", "info_credibility": 2, "reliability": "B",
            "source": "Example Wire", "url": "https://example.org/a", "title": "Talks in Minsk", "group": None,
            "flags": [], "anchor_method": "exact", "anchor_score": 1.0, "evidence_type": None}
    item.update(fields)
    return item


@pytest.fixture
def doc():
    assumption = {"id": "e4", "kind": "assumption", "article_id": None, "start": None, "end": None, "exact": None,
                  "prefix": None, "suffix": None, "content_hash": None,
                  "note": "Lukashenko fears a coup if he sends troops", "analyst": "ana", "created_at": None,
                  "updated_at": None, "event_date": None, "report_date": None, "credibility": "Medium",
                  "relevance": "High", "info_credibility": None, "reliability": None, "source": None, "url": None,
                  "title": None, "group": None, "flags": ["key_assumption"], "anchor_method": None, "anchor_score": None,
                  "evidence_type": None}
    return {
        "schema": "workbench.analysis", "version": 2,
        "analysis": {"id": "an1", "question": "Will Belarus's armed forces join the ground war?",
                     "time_horizon": "6 months", "created_by": "ana", "created_at": "2024-01-01T00:00:00Z",
                     "updated_at": "2024-01-05T00:00:00Z", "classification": "UNCLASSIFIED"},
        "hypotheses": [
            {"id": "h1", "name": "Belarus joins", "description": "ground forces cross", "position": 0,
             "is_other": False},
            {"id": "h2", "name": "Belarus stays out", "description": None, "position": 1, "is_other": False},
            {"id": "h3", "name": "None of these", "description": "other", "position": 2, "is_other": True},
        ],
        "evidence": [
            quote("e1", "met in Minsk on December 19", flags=["deception", "key_assumption"],
                  event_date="2022-12-19T10:30:00.250Z"),
            quote("e2", "The Kremlin denied that it wanted Belarus to enter the war", group="wire-1",
                  note="line one\r\nline two\x01 — «quoted» ☃"),
            quote("e3", "Belarus to enter the war", group="wire-1", credibility="Low", info_credibility=6,
                  reliability="F", evidence_type="OSINT"),
            assumption,
        ],
        "ratings": [
            {"evidence_id": "e1", "hypothesis_id": "h1", "rating": "C"},
            {"evidence_id": "e1", "hypothesis_id": "h2", "rating": "N"},
            {"evidence_id": "e1", "hypothesis_id": "h3", "rating": "NA"},
            {"evidence_id": "e2", "hypothesis_id": "h1", "rating": "I"},
            {"evidence_id": "e2", "hypothesis_id": "h2", "rating": "CC"},
            {"evidence_id": "e3", "hypothesis_id": "h1", "rating": "II"},
            {"evidence_id": "e3", "hypothesis_id": "h2", "rating": "C"},
            {"evidence_id": "e3", "hypothesis_id": "h3", "rating": "N"},
            {"evidence_id": "e4", "hypothesis_id": "h1", "rating": "I"},
            {"evidence_id": "e4", "hypothesis_id": "h3", "rating": "C"},
        ],
        "analyst_ratings": [],
    }


def xml_of(data: bytes) -> str:
    return gzip.decompress(data).decode("utf-16")


def test_round_trip_is_identical(doc):
    assert validate_document(doc) == doc            # the fixture is in normal form
    data = write_achz(doc)
    assert read_achz(data) == doc
    assert write_achz(read_achz(data)) == data      # and writing is deterministic


def test_written_file_is_gzip_of_utf16_xml_in_parc_layout(doc):
    data = write_achz(doc)
    raw = gzip.decompress(data)
    assert raw[:2] in (b"\xff\xfe", b"\xfe\xff")
    xml = raw.decode("utf-16")
    assert "<PROJECT-TITLE>Will Belarus's armed forces join the ground war?</PROJECT-TITLE>" in xml
    assert "<CLASSIFICATION>UNCLASSIFIED</CLASSIFICATION>" in xml
    assert "<HYPOTHESIS><NAME>Belarus joins</NAME>" in xml
    assert "<VALUES>C,N,NA</VALUES>" in xml                 # e1 in hypothesis order
    assert "<VALUES>I,C C,NA</VALUES>" in xml               # e2: unrated h3 written as NA
    assert "<VALUES>I I,C,N</VALUES>" in xml
    assert "<DATE>1671445800250</DATE>" in xml              # 2022-12-19T10:30:00.250Z in epoch ms
    assert "<DATE>1671408000000</DATE>" in xml              # 2022-12-19 at UTC midnight
    assert "<CREDIBILITY>HIGH</CREDIBILITY>" in xml and "<CREDIBILITY>LOW</CREDIBILITY>" in xml
    assert "<FLAG>true</FLAG>" in xml and "<TYPE>Assumption</TYPE>" in xml and "<CODE>e4</CODE>" in xml
    assert "\x01" not in xml                                # control characters never reach the XML


def test_relevance_type_and_undated_items_go_in_parcs_own_elements(doc):
    xml = xml_of(write_achz(doc))
    # relevance in PARC's RELEVANCE beside CREDIBILITY: e1-e3 Low, e4 High
    assert xml.count("<RELEVANCE>LOW</RELEVANCE>") == 3 and xml.count("<RELEVANCE>HIGH</RELEVANCE>") == 1
    assert "<TYPE>OSINT</TYPE>" in xml and xml.count("<TYPE>Quote</TYPE>") == 2   # e3's own type, e1 / e2 by kind
    assert "<DATE>0</DATE>" in xml                          # e4 is undated: PARC's 0, not an empty element


def test_parc_scores_the_written_file_as_the_workbench_does(doc):
    # e1 High×Low = 1, no I; e2 High×Low = 1, I on h1; e3 Low×Low = 1/2, II on h1; e4 Medium×High = √2, I on h1
    expected = [-1 - 2 * 0.5 - math.sqrt(2), 0.0, 0.0]
    assert wis_as_parc_scores_it(write_achz(doc)) == pytest.approx(expected)
    for item in doc["evidence"]:
        item["group"] = None    # PARC knows no syndicated copies (the workbench counts e2 + e3 once)
    ours = score(document_to_frame(doc), linchpins=False).hypotheses["parc_weighted_inconsistency"].tolist()
    assert ours == pytest.approx(expected)


def test_edits_made_in_parc_win_over_our_extra_data(doc):
    xml = xml_of(write_achz(doc))
    xml = xml.replace("<NAME>Belarus stays out</NAME>", "<NAME>Belarus stays neutral</NAME>")
    xml = xml.replace("<VALUES>C,N,NA</VALUES>", "<VALUES>C C,I,NA</VALUES>")
    xml = xml.replace("<NOTES>note on e1</NOTES>", "<NOTES>edited in PARC</NOTES>")
    xml = xml.replace("<CREDIBILITY>LOW</CREDIBILITY>", "<CREDIBILITY>MEDIUM</CREDIBILITY>")
    back = read_achz(gzip.compress(xml.encode("utf-16")))
    assert back["hypotheses"][1]["name"] == "Belarus stays neutral"
    assert back["hypotheses"][1]["description"] is None and back["hypotheses"][1]["id"] == "h2"
    e1 = [r["rating"] for r in back["ratings"] if r["evidence_id"] == "e1"]
    assert e1 == ["CC", "I", "NA"]
    assert back["evidence"][0]["note"] == "edited in PARC"
    assert back["evidence"][2]["credibility"] == "Medium"
    assert back["evidence"][0]["exact"] == doc["evidence"][0]["exact"]   # anchors untouched


# A file in PARC's own layout, written by hand from the format description: big-endian UTF-16
# with a byte-order mark (as a Java program writes it), no workbench extras, PARC's own TYPE words.
PARC_XML = """<?xml version="1.0" encoding="UTF-16"?>
<PARC-ACH-PROJECT>
  <PROJECT-TITLE>Who cut the undersea cable?</PROJECT-TITLE>
  <CLASSIFICATION>UNCLASSIFIED//FOUO</CLASSIFICATION>
  <MATRIX>
    <HYPOTHESIS><NAME>Accident (anchor drag)</NAME></HYPOTHESIS>
    <HYPOTHESIS><NAME>State sabotage</NAME></HYPOTHESIS>
    <HYPOTHESIS><NAME>Copper thieves</NAME></HYPOTHESIS>
    <EVIDENCE>
      <NAME>AIS track crossed the cable route at 2 knots</NAME>
      <NOTES>Coast guard AIS export</NOTES>
      <LINK>https://example.org/ais</LINK>
      <TYPE>OSINT</TYPE>
      <DATE>1696118400000</DATE>
      <CODE>AIS-1</CODE>
      <FLAG>false</FLAG>
      <CREDIBILITY>HIGH</CREDIBILITY>
      <VALUES>C C, C, I</VALUES>
    </EVIDENCE>
    <EVIDENCE>
      <NAME>No claim of responsibility</NAME>
      <NOTES/>
      <LINK/>
      <TYPE>Absence of Evidence</TYPE>
      <DATE/>
      <CODE/>
      <FLAG>true</FLAG>
      <CREDIBILITY>MEDIUM</CREDIBILITY>
      <VALUES>N,N,N</VALUES>
    </EVIDENCE>
    <EVIDENCE>
      <NAME>Ship owner is state-linked</NAME>
      <NOTES>Registry records</NOTES>
      <LINK></LINK>
      <TYPE>Assumption</TYPE>
      <DATE>1696159800000</DATE>
      <CODE>REG</CODE>
      <FLAG>false</FLAG>
      <CREDIBILITY>LOW</CREDIBILITY>
      <VALUES>I,C,NA</VALUES>
    </EVIDENCE>
  </MATRIX>
</PARC-ACH-PROJECT>
"""


@pytest.fixture
def parc_file() -> bytes:
    return gzip.compress(b"\xfe\xff" + PARC_XML.encode("utf-16-be"))


def test_hand_written_parc_file_imports(parc_file):
    doc = read_achz(parc_file)
    assert doc["analysis"]["question"] == "Who cut the undersea cable?"
    assert doc["analysis"]["classification"] == "UNCLASSIFIED//FOUO"
    assert [(h["id"], h["name"], h["position"]) for h in doc["hypotheses"]] == [
        ("H1", "Accident (anchor drag)", 0), ("H2", "State sabotage", 1), ("H3", "Copper thieves", 2)]
    ais, claim, registry = doc["evidence"]
    assert (ais["id"], claim["id"], registry["id"]) == ("AIS-1", "E2", "REG")   # CODE, else E<n>
    assert (ais["kind"], claim["kind"], registry["kind"]) == ("assumption", "absence", "assumption")
    assert ais["note"] == "AIS track crossed the cable route at 2 knots\n\nCoast guard AIS export"
    assert claim["note"] == "No claim of responsibility"
    assert ais["url"] == "https://example.org/ais" and claim["url"] is None
    assert ais["event_date"] == "2023-10-01" and claim["event_date"] is None
    assert registry["event_date"] == "2023-10-01T11:30:00Z"
    assert claim["flags"] == ["deception"] and ais["flags"] == []
    assert [e["credibility"] for e in doc["evidence"]] == ["High", "Medium", "Low"]
    ratings = {(r["evidence_id"], r["hypothesis_id"]): r["rating"] for r in doc["ratings"]}
    assert ratings == {("AIS-1", "H1"): "CC", ("AIS-1", "H2"): "C", ("AIS-1", "H3"): "I",
                       ("E2", "H1"): "N", ("E2", "H2"): "N", ("E2", "H3"): "N",
                       ("REG", "H1"): "I", ("REG", "H2"): "C", ("REG", "H3"): "NA"}
    # and it scores: IS = H1 -1 (REG), H2 0, H3 -1 (AIS) → state sabotage least inconsistent
    scores = score(document_to_frame(doc), linchpins=False)
    assert scores.hypotheses["parc_inconsistency"].tolist() == [-1.0, 0.0, -1.0]
    assert scores.leaders["parc"] == ("State sabotage",)


def test_parc_205_file_keeps_type_relevance_and_undated_items():
    doc = read_achz(parc_205_file())
    assert [(h["id"], h["name"], h["position"]) for h in doc["hypotheses"]] == [
        ("H1", HYPOTHESES[0], 0), ("H2", HYPOTHESES[1], 1), ("H3", HYPOTHESES[2], 2)]   # 0-based, as read
    crew, ais, claim, saboteurs = doc["evidence"]
    assert [e["id"] for e in doc["evidence"]] == ["E1", "AIS-1", "E3", "A-1"]
    assert [(e["kind"], e["evidence_type"]) for e in doc["evidence"]] == [
        ("assumption", "HUMINT"), ("assumption", "OSINT"), ("absence", None), ("assumption", None)]
    assert [e["event_date"] for e in doc["evidence"]] == [None, "2023-10-01", None, "2023-10-01T11:30:00Z"]
    assert [e["flags"] for e in doc["evidence"]] == [[], ["deception"], ["deception"], []]   # FLAG 0, 1, true, false
    assert [(e["credibility"], e["relevance"]) for e in doc["evidence"]] == [
        ("High", "Low"), ("Medium", "High"), ("Low", "Low"), ("High", "High")]
    assert crew["note"] == "Crew member says the anchor was dropped by mistake\n\nInterview, harbour bar"
    assert doc["analysis"]["classification"] == "UNCLASSIFIED"      # COLOR-SCHEME's NAME is not the title's
    scores = score(document_to_frame(doc), linchpins=False).hypotheses
    assert scores["parc_inconsistency"].tolist() == IS
    assert scores["parc_weighted_inconsistency"].tolist() == pytest.approx(WIS)


def test_parc_205_file_written_back_keeps_parcs_own_fields():
    data = write_achz(read_achz(parc_205_file()))
    xml = xml_of(data)
    for element in ("<TYPE>HUMINT</TYPE>", "<TYPE>OSINT</TYPE>", "<TYPE>Absence of Evidence</TYPE>",
                    "<TYPE>Assumption</TYPE>", "<RELEVANCE>LOW</RELEVANCE>", "<DATE>1696118400000</DATE>"):
        assert element in xml, element
    assert xml.count("<DATE>0</DATE>") == 2
    assert wis_as_parc_scores_it(data) == pytest.approx(WIS)
    assert read_achz(data) == read_achz(parc_205_file())


def test_type_edited_in_parc_changes_kind_and_type(doc):
    xml = xml_of(write_achz(doc))
    xml = xml.replace("<TYPE>OSINT</TYPE>", "<TYPE>SIGINT</TYPE>", 1)       # e3, a quote: stays a quote
    xml = xml.replace("<TYPE>Assumption</TYPE>", "<TYPE>Absence of Evidence</TYPE>", 1)   # e4 becomes an absence
    back = read_achz(gzip.compress(xml.encode("utf-16")))
    assert [(e["kind"], e["evidence_type"]) for e in back["evidence"]] == [
        ("quote", None), ("quote", None), ("quote", "SIGINT"), ("absence", None)]


def test_parc_file_in_little_endian_without_bom_also_imports():
    data = gzip.compress(PARC_XML.encode("utf-16-le"))
    assert read_achz(data)["analysis"]["question"] == "Who cut the undersea cable?"


def packed(xml: str) -> bytes:
    return gzip.compress(xml.encode("utf-16"))


def minimal(matrix: str, title: str = "<PROJECT-TITLE>Q</PROJECT-TITLE>") -> str:
    return f"<P>{title}<MATRIX>{matrix}</MATRIX></P>"


ONE_HYPOTHESIS = "<HYPOTHESIS><NAME>H</NAME></HYPOTHESIS>"
BAD_FILES = {
    "not gzip": (b"PK\x03\x04 this is a zip", "not gzip-compressed"),
    "truncated gzip": (gzip.compress(PARC_XML.encode("utf-16"))[:40], "not gzip-compressed"),
    "utf-8 inside": (gzip.compress(PARC_XML.replace("UTF-16", "UTF-8").encode("utf-8")), "not UTF-16"),
    "latin-1 garbage": (gzip.compress(b"\x81\x82\x83\x84"), "not UTF-16"),
    "broken utf-16": (gzip.compress(b"\xff\xfe<\x00\x00\xd8"), "invalid UTF-16"),
    "not xml": (packed("this is < not xml"), "not well-formed XML"),
    "unclosed element": (packed("<P><PROJECT-TITLE>Q</PROJECT-TITLE><MATRIX>"), "not well-formed XML"),
    "entity expansion": (packed('<!DOCTYPE P [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                                "<P><PROJECT-TITLE>&b;</PROJECT-TITLE></P>"), "DTD or entity"),
    "no title": (packed(minimal(ONE_HYPOTHESIS, title="")), "no PROJECT-TITLE"),
    "empty title": (packed(minimal(ONE_HYPOTHESIS, title="<PROJECT-TITLE> </PROJECT-TITLE>")), "empty PROJECT-TITLE"),
    "no matrix": (packed("<P><PROJECT-TITLE>Q</PROJECT-TITLE></P>"), "no MATRIX"),
    "no hypothesis": (packed(minimal("")), "MATRIX has no HYPOTHESIS"),
    "hypothesis without name": (packed(minimal("<HYPOTHESIS/>")), "HYPOTHESIS 1 has no NAME"),
    "evidence without values": (packed(minimal(ONE_HYPOTHESIS + "<EVIDENCE><NAME>x</NAME></EVIDENCE>")),
                                "EVIDENCE 1 has no VALUES"),
    "evidence without name": (packed(minimal(ONE_HYPOTHESIS + "<EVIDENCE><VALUES>C</VALUES></EVIDENCE>")),
                              "EVIDENCE 1 has no NAME"),
    "too many values": (packed(minimal(ONE_HYPOTHESIS + "<EVIDENCE><NAME>x</NAME><VALUES>C,I</VALUES></EVIDENCE>")),
                        "EVIDENCE 1 has 2 VALUES for 1 hypotheses"),
    "bad value": (packed(minimal(ONE_HYPOTHESIS + "<EVIDENCE><NAME>x</NAME><VALUES>Q</VALUES></EVIDENCE>")),
                  "VALUES entry 'Q'"),
    "bad date": (packed(minimal(ONE_HYPOTHESIS + "<EVIDENCE><NAME>x</NAME><DATE>yesterday</DATE>"
                                "<VALUES>C</VALUES></EVIDENCE>")), "DATE 'yesterday' is not epoch milliseconds"),
    "bad credibility": (packed(minimal(ONE_HYPOTHESIS + "<EVIDENCE><NAME>x</NAME><CREDIBILITY>HUGE</CREDIBILITY>"
                                       "<VALUES>C</VALUES></EVIDENCE>")), "credibility 'Huge'"),
    "duplicate hypothesis names": (packed(minimal(ONE_HYPOTHESIS * 2)), "appears twice"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_error_in_one_line(case):
    data, expected = BAD_FILES[case]
    with pytest.raises(ValueError) as err:
        read_achz(data)
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("extra", [
    '{"id": [1], "position": {}, "name": 5}', '{"note": 5, "flags": 3, "unrated": 7, "event_date": "soon"}',
    '{"kind": 9, "evidence_type": ["x"], "url": {}, "id": null}', '[1, 2]', '"text"', '{"start": "x", "kind": "quote"}',
])
def test_a_damaged_workbench_extra_is_a_one_line_error_or_ignored(extra):
    xml = minimal(f"<HYPOTHESIS><NAME>H</NAME><wb:EXTRA>{extra}</wb:EXTRA></HYPOTHESIS>"
                  f"<EVIDENCE><NAME>x</NAME><VALUES>C</VALUES><wb:EXTRA>{extra}</wb:EXTRA></EVIDENCE>")
    data = packed(xml.replace("<P>", '<P xmlns:wb="urn:x-workbench:analysis">'))
    try:
        doc = read_achz(data)
    except ValueError as err:
        assert "\n" not in str(err)
    else:
        assert doc["hypotheses"][0]["name"] == "H"


def test_file_from_a_newer_workbench_is_refused(doc):
    xml = xml_of(write_achz(doc)).replace('"version": 1', '"version": 7')
    with pytest.raises(ValueError, match="written by a newer workbench .*version 7"):
        read_achz(gzip.compress(xml.encode("utf-16")))


def test_codes_used_twice_or_missing_still_give_unique_ids():
    evidence = ("<EVIDENCE><NAME>a</NAME><CODE>E2</CODE><VALUES>C</VALUES></EVIDENCE>"
                "<EVIDENCE><NAME>b</NAME><VALUES>I</VALUES></EVIDENCE>"
                "<EVIDENCE><NAME>c</NAME><CODE>E2</CODE><VALUES>N</VALUES></EVIDENCE>")
    doc = read_achz(packed(minimal(ONE_HYPOTHESIS + evidence)))
    assert [e["id"] for e in doc["evidence"]] == ["E2", "E2-2", "E3"]


def test_writing_an_invalid_document_errors(doc):
    broken = copy.deepcopy(doc)
    broken["ratings"][0]["rating"] = "maybe"
    with pytest.raises(ValueError, match="rating 'maybe' is not one of"):
        write_achz(broken)
