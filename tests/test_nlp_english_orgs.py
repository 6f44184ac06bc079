"""English organisations on unseen news (issue 14): the contexts and name shapes that tell an
organisation no list knows, on sentences written for this file (invented company, band, club
and party names, so no gazetteer can answer for the rules)."""
from __future__ import annotations

import pytest

from test_nlp_english import ents, pipe  # noqa: F401 - the built-in pipeline and its surface -> label fixture


# -- contexts that only an organisation stands in --------------------------------------------------
@pytest.mark.parametrize("text, name", [
    ("Shares of Kelmscott fell 4 percent in early trading.", "Kelmscott"),
    ("Investors sold shares in Drumvale Thornbury after the warning.", "Drumvale Thornbury"),
    ("Quarnby's chief executive resigned on Tuesday.", "Quarnby"),
    ("Analysts expect Ellanby's shareholders to approve the merger.", "Ellanby"),
    ("A spokeswoman for Draventa declined to comment.", "Draventa"),
    ("A spokesman for Pelham Orrin said the plant was safe.", "Pelham Orrin"),
    ("Tallisker, a Norwegian shipping company, ordered two tankers.", "Tallisker"),
    ("He later joined Corvid Hollow, an indie band from Leeds.", "Corvid Hollow"),
    ("The deal was announced by Varnholt, the German carmaker, on Monday.", "Varnholt"),
    ("He signed for Castlebridge in 2009 and scored twelve goals.", "Castlebridge"),
    ("She played for Ardgowan before moving abroad.", "Ardgowan"),
    ("The single was released by Murmur Lane, the label he founded.", "Murmur Lane"),
    ("Their debut came out on the Pellucid label in 1998.", "Pellucid"),
    ("Workers at the Vantrel company went on strike.", "Vantrel"),
])
def test_organisation_read_from_its_context(ents, text: str, name: str) -> None:
    got = ents(text)
    assert got.get(name) == "ORG", got


@pytest.mark.parametrize("text, name", [
    ("The band Corvid Hollow released its third album in May.", "Corvid Hollow"),
    ("The record label Pellucid signed them in 1998.", "Pellucid"),
    ("Last year the football club Grimsworth was relegated.", "Grimsworth"),
    ("The opposition party Narodni Glas won 12 seats.", "Narodni Glas"),
    ("The chipmaker Vantrel cut its forecast.", "Vantrel"),
])
def test_organisation_named_after_its_class_noun(ents, text: str, name: str) -> None:
    """"the band X", "the carmaker X": the class noun before a name makes it an organisation."""
    got = ents(text)
    assert got.get(name) == "ORG", got


# -- name shapes: organisation heads and suffixes -------------------------------------------------
@pytest.mark.parametrize("text, name", [
    ("The loan came from Carrow Savings Bank last spring.", "Carrow Savings Bank"),
    ("Larchfield plc reported a loss.", "Larchfield plc"),
    ("Orders rose at Dunholm Group in the third quarter.", "Dunholm Group"),
    ("He coached Grelford United for two seasons.", "Grelford United"),
    ("Fares went up on Ostmark Airlines this winter.", "Ostmark Airlines"),
    ("The study came from the Vessen Institute of Marine Science.", "Vessen Institute of Marine Science"),
    ("The album was recorded at Halcyon Studios in London.", "Halcyon Studios"),
    ("Profits at Brennock Mining doubled.", "Brennock Mining"),
    ("Torvald Software Labs hired forty engineers.", "Torvald Software Labs"),
    ("The merger with Ashcombe Partners collapsed.", "Ashcombe Partners"),
])
def test_organisation_name_shapes(ents, text: str, name: str) -> None:
    got = ents(text)
    assert got.get(name) == "ORG", got


# -- acronyms defined in parentheses ---------------------------------------------------------------
def test_name_defined_with_its_acronym_is_an_organisation(ents) -> None:
    """"Tavistock Halden Partners (THP)": the initials spell the acronym, so the name is an
    organisation and the later bare acronym is one too."""
    got = ents("Analysts at Morvane Kessel Trading (MKT) cut their forecast. MKT later apologised.")
    assert got.get("Morvane Kessel Trading") == "ORG", got
    assert got.get("MKT") == "ORG", got


def test_acronym_that_does_not_spell_the_name_is_not_a_definition(ents) -> None:
    """A person's name before a bracketed code is not turned into an organisation."""
    got = ents("The report quotes Oren Malloy (MP) at length.")
    assert got.get("Oren Malloy") == "PERSON", got


# -- what must stay what it is ---------------------------------------------------------------------
@pytest.mark.parametrize("text, name, label", [
    ("Shares of Norway's largest bank fell.", "Norway", "GPE"),  # a known country stays a place
    ("A spokesman for Kateryna Zhuk said she would appeal.", "Kateryna Zhuk", "PERSON"),
    ("Ukraine's chief prosecutor opened a case.", "Ukraine", "GPE"),
])
def test_known_names_keep_their_label_in_organisation_contexts(ents, text: str, name: str, label: str) -> None:
    got = ents(text)
    assert got.get(name) == label, got


@pytest.mark.parametrize("text", [
    "Yesterday Fenwick Holdings said profits fell.",
    "However Fenwick Holdings said profits fell.",
])
def test_sentence_initial_adverb_stays_outside_the_name(ents, text: str) -> None:
    got = ents(text)
    assert got.get("Fenwick Holdings") == "ORG", got


@pytest.mark.parametrize("text", [
    "Shares of the company fell.",
    "A spokesman for the ministry declined to comment.",
    "The band played until midnight.",
])
def test_no_organisation_from_common_nouns(ents, text: str) -> None:
    got = ents(text)
    assert "ORG" not in got.values(), got


# -- places: coordination with a known place, three-word names after a place preposition ----------
@pytest.mark.parametrize("text, name, label", [
    ("Shelling hit Kharkiv and Velykyi Burluk overnight.", None, None),  # the two-word name is not forced
    ("Aid reached Aleppo and Tannurin by Friday.", "Tannurin", "GPE"),
    ("Aid reached Tannurin and Aleppo by Friday.", "Tannurin", "GPE"),
    ("Near Ras Abu Hamid, two convoys were stopped.", "Ras Abu Hamid", "GPE"),
    ("Talks continued in Kafr Bani Zayd on Sunday.", "Kafr Bani Zayd", "GPE"),
    ("Gunmen raided the villages of Tellhurst and Amdon.", "Tellhurst", "GPE"),
])
def test_places_read_from_coordination_and_prepositions(ents, text: str, name: str | None, label: str | None) -> None:
    got = ents(text)
    if name is None:
        assert got.get("Kharkiv") == "GPE", got
    else:
        assert got.get(name) == label, got


def test_coordination_does_not_make_a_person_a_place(ents) -> None:
    got = ents("Officials from Poland and Anna Kowalczyk met on Monday.")
    assert got.get("Anna Kowalczyk") == "PERSON", got


# -- defining appositions and copulas, biography dates, occupations before a name -----------------
@pytest.mark.parametrize("text, name, label", [
    ("Corvid Hollow is an English indie band formed in 2004.", "Corvid Hollow", "ORG"),
    ("Tamsin Orrell is an English footballer who plays as a striker.", "Tamsin Orrell", "PERSON"),
    ("Brennock, a small town in County Mayo, lost its railway in 1963.", "Brennock", "GPE"),
    ("Kessa Varlow (born 3 March 1971) is a novelist.", "Kessa Varlow", "PERSON"),
    ("Edwin Thorne-Maddox (1881–1940) painted the harbour.", "Edwin Thorne-Maddox", "PERSON"),
    ("The album features the guitarist Orrin Blay on two songs.", "Orrin Blay", "PERSON"),
    ("It was produced by American rapper Kaydo Venn.", "Kaydo Venn", "PERSON"),
])
def test_label_from_a_defining_phrase(ents, text: str, name: str, label: str) -> None:
    got = ents(text)
    assert got.get(name) == label, got


def test_occupation_before_a_club_name_is_no_person(ents) -> None:
    got = ents("The striker Grelford United signed in May scored twice.")
    assert got.get("Grelford United") == "ORG", got


# -- people: events that happen to people, ages in commas, nicknames ------------------------------
@pytest.mark.parametrize("text, name", [
    ("Police said Daoud Harrak was arrested at the airport.", "Daoud Harrak"),
    ("Witnesses said Tarveen Oshby died in the blast.", "Tarveen Oshby"),
    ("Court papers show Imre Kallas, 52, was paid twice.", "Imre Kallas"),
    ("Officials confirmed Ruslan Ghadimi has been detained.", "Ruslan Ghadimi"),
    ('The commander, Daniel "Spike" Manning, spoke first.', 'Daniel "Spike" Manning'),
    ("The commander, Daniel “Spike” Manning, spoke first.", "Daniel “Spike” Manning"),
])
def test_person_read_from_what_happens_to_them(ents, text: str, name: str) -> None:
    got = ents(text)
    assert got.get(name) == "PERSON", got


@pytest.mark.parametrize("text", [
    "Grelford United was relegated in May.",
    "Kessel Trading, 2, 4 and 6 were closed.",
])
def test_no_person_from_other_subjects(ents, text: str) -> None:
    got = ents(text)
    assert "PERSON" not in got.values(), got


def test_a_name_the_context_defined_keeps_its_label_later(pipe) -> None:
    """"the band Corvid Hollow" once: "Corvid Hollow" later in the text is the band too, but not
    inside a longer capitalised name."""
    text = "The band Corvid Hollow formed in 2004. In 2009 Corvid Hollow toured Japan."
    later = text.rindex("Corvid Hollow")
    hit = [m for m in pipe.extract(text) if m["start"] == later]
    assert hit and hit[0]["text"] == "Corvid Hollow" and hit[0]["label"] == "ORG", hit
    text = "The band Corvid Hollow formed in 2004. Corvid Hollow Smith left."
    later = text.rindex("Corvid Hollow")
    assert not [m for m in pipe.extract(text) if m["start"] == later and m["end"] == later + 13]


@pytest.mark.parametrize("text, name, label", [
    ("The report quoted Abdulkarim Petrenko at length.", "Abdulkarim Petrenko", "PERSON"),
    ("Crowds met Hadiqa Nowak outside the court.", "Hadiqa Nowak", "PERSON"),
])
def test_unknown_run_ending_in_a_surname_is_a_person(ents, text: str, name: str, label: str) -> None:
    got = ents(text)
    assert got.get(name) == label, got


def test_run_ending_in_a_surname_needs_mid_sentence_and_no_head(ents) -> None:
    got = ents("Petrenko Holdings bought Vantrel Mining last year.")
    assert "PERSON" not in got.values(), got
