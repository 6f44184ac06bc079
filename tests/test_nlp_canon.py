"""In-article canonical names."""
from __future__ import annotations

from workbench.nlp import load_pipeline
from workbench.nlp._canon import initials, normalise, strip_the


def _canon(text: str) -> dict[str, str]:
    return {m["text"]: m["canonical"] for m in load_pipeline("builtin").extract(text)}


def test_person_short_forms_resolve_to_fullest_name() -> None:
    text = ("Putin arrived first. Russian President Vladimir Putin then met President Putin’s guest. "
            "Later Putin left.")
    ments = [m for m in load_pipeline("builtin").extract(text) if m["label"] == "PERSON"]
    assert len(ments) == 4
    assert {m["canonical"] for m in ments} == {"Vladimir Putin"}


def test_two_people_sharing_a_surname_stay_apart() -> None:
    text = "Joe Biden spoke. Hunter Biden listened. Biden then left."
    got = [(m["text"], m["canonical"]) for m in load_pipeline("builtin").extract(text) if m["label"] == "PERSON"]
    assert ("Joe Biden", "Joe Biden") in got and ("Hunter Biden", "Hunter Biden") in got
    assert ("Biden", "Hunter Biden") in got  # nearest full name before the short form


def test_acronym_defined_in_article_links_both_ways() -> None:
    text = ("The Syria Recovery Trust Fund (SRTF) channels money. Donors trust the SRTF. "
            "Analysts of the American Institute for the Study of War (ISW) agree; ISW said so.")
    c = _canon(text)
    assert c["SRTF"] == "Syria Recovery Trust Fund"
    assert c["The Syria Recovery Trust Fund"] == "Syria Recovery Trust Fund"
    assert c["ISW"] == "Institute for the Study of War"
    assert c["Institute for the Study of War"] == "Institute for the Study of War"


def test_curated_aliases() -> None:
    c = _canon("The U.S. and America argued with the UK, Kiev and the Russian Federation.")
    assert c["U.S."] == c["America"] == "United States"
    assert c["UK"] == "United Kingdom"
    assert c["Kiev"] == "Kyiv"
    assert c["Russian Federation"] == "Russia"


def test_helpers() -> None:
    assert normalise("Putin’s ") == "Putin"
    assert normalise("Lukashenko  \n Alexander") == "Lukashenko Alexander"
    assert strip_the("the Kremlin") == "Kremlin" and strip_the("The") == "The"
    assert initials("Institute for the Study of War") == "ISW"
    assert initials("Collective Security Treaty Organization") == "CSTO"
