"""The seed article: every named actor, alliance, weapon and explicit date highlighted; key claims found."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.nlp import find_claims, load_pipeline
from workbench.nlp._loader import available

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = [ROOT / "seeds" / "000_77591201f77be997.txt",
              ROOT.parent / "shared" / "seeds" / "000_77591201f77be997.txt"]
SEED = next((p for p in CANDIDATES if p.exists()), CANDIDATES[0])
CHOICES = ["builtin"] + [c for c in ("hybrid:en_core_web_md",) if c in available()]


@pytest.fixture(scope="module")
def text() -> str:
    # the product strips the site furniture before NLP
    return SEED.read_text(encoding="utf-8").split("Read all articles by Insight News Media")[0]


def _by_canonical(ments: list[dict], label: str) -> set[str]:
    return {m["canonical"] for m in ments if m["label"] == label}


@pytest.mark.parametrize("choice", CHOICES)
def test_people(text: str, choice: str) -> None:
    ments = load_pipeline(choice).extract(text)
    people = _by_canonical(ments, "PERSON")
    for name in ["Vladimir Putin", "Alexander Lukashenko", "Serhiy Nayev", "Oleg Zhdanov", "Mykhailo Podoliak",
                 "Dmitry Peskov"]:
        assert name in people, (name, people)
    # every bare "Putin" / "Lukashenko" in the text is highlighted as that person
    for surname, full in [("Putin", "Vladimir Putin"), ("Lukashenko", "Alexander Lukashenko")]:
        spans = {(m["start"], m["end"]) for m in ments if m["label"] == "PERSON" and m["canonical"] == full}
        for hit in re.finditer(surname, text):
            assert any(s <= hit.start() and hit.end() <= e for s, e in spans), (surname, hit.start())


@pytest.mark.parametrize("choice", CHOICES)
def test_organisations_and_weapons(text: str, choice: str) -> None:
    ments = load_pipeline(choice).extract(text)
    orgs = _by_canonical(ments, "ORG")
    for org in ["Institute for the Study of War", "Collective Security Treaty Organization", "NATO",
                "Armed Forces of Ukraine"]:
        assert org in orgs, (org, orgs)
    isw = [m for m in ments if m["text"] == "ISW"]
    assert isw and all(m["label"] == "ORG" and m["canonical"] == "Institute for the Study of War" for m in isw)
    weapons = {m["text"]: m for m in ments if m["label"] == "WEAPON"}
    assert "S-400" in weapons and "Iskander" in weapons
    belarus = [m for m in ments if m["text"] == "Belarus"]
    assert belarus and all(m["label"] == "GPE" for m in belarus)


@pytest.mark.parametrize("choice", CHOICES)
def test_every_explicit_date(text: str, choice: str) -> None:
    ments = load_pipeline(choice).extract(text)
    dates = {m["text"] for m in ments if m["label"] == "DATE"}
    for d in ["December 6", "February 24", "December 19", "February 17", "September 14, 2020", "2022",
              "February 18"]:
        assert d in dates, (d, dates)
    money = {m["text"] for m in ments if m["label"] == "MONEY"}
    assert "$ 1.5 billion" in money


@pytest.mark.parametrize("choice", CHOICES)
def test_podoliak_and_peskov_claims(text: str, choice: str) -> None:
    claims = find_claims(text, load_pipeline(choice).extract(text))
    by = {}
    for c in claims:
        by.setdefault(c["speaker"], []).append(c)
    podoliak = by.get("Mykhailo Podoliak", [])
    assert any(c["quote"].startswith("The agenda is banal") for c in podoliak), podoliak
    peskov = by.get("Dmitry Peskov", [])
    assert any("stupid and groundless" in c["quote"] and c["cue"] == "called" for c in peskov), peskov
    assert any(c["quote"].startswith("In our opinion") for c in by.get("Serhiy Nayev", []))
    assert any(c["quote"].startswith("Belarus and Russia find common answers") for c in
               by.get("Alexander Lukashenko", []))
