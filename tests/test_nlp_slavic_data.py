"""The compiled Ukrainian/Russian gazetteers: coverage of the codifier and declension."""
from __future__ import annotations

import gzip

from workbench.nlp._slavic_places import DATA, load_places


def test_ukrainian_gazetteer_holds_every_settlement_class_and_declines_them() -> None:
    rows = gzip.decompress((DATA / "places_uk.tsv.gz").read_bytes()).decode("utf-8").splitlines()
    villages = sum(1 for r in rows if r.startswith("GPE~\t"))
    assert villages > 15_000  # KATOTTG has ~27k villages and settlements (names repeat)
    places = load_places("uk")
    # two-word names decline in agreement, with both Ukrainian locatives
    assert places.lookup(["Кривому", "Рогу"]) == ("GPE", "Кривий Ріг")
    assert places.lookup(["Кривих", "Рогів"]) is None  # a singular name has no plural forms
    assert places.lookup(["Великій", "Новосілці"]) == ("GPE", "Велика Новосілка")
    assert places.lookup(["Часовому", "Ярі"]) == ("GPE", "Часів Яр")
    # a hyphenated name declines part by part
    assert places.lookup(["Кам'янці-Дніпровській"]) == ("GPE", "Кам'янка-Дніпровська")
    # apostrophes are one character whatever the text uses
    assert places.lookup(["Куп’янськ"]) == places.lookup(["Куп'янськ"]) == ("GPE", "Куп'янськ")
    assert "Очеретине" in places.minor


def test_russian_gazetteer_has_regions_and_cities() -> None:
    places = load_places("ru")
    assert places.lookup(["Брянской", "области"]) == ("GPE", "Брянская область")
    assert places.lookup(["Краснодарском", "крае"]) == ("GPE", "Краснодарский край")
    assert places.lookup(["Харькове"]) == ("GPE", "Харьков")
    assert places.lookup(["Черном", "море"]) == ("LOC", "Черное море")
