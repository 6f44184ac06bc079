"""Entity labels: defined once, with display colours and one-line descriptions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    """One entity label.

    Attributes:
        name: the label as it appears in mentions ("PERSON").
        colour: a CSS colour (hex) used by every renderer.
        description: one line telling an analyst what the label covers.
    """

    name: str
    colour: str
    description: str


_DEFS: tuple[tuple[str, str, str], ...] = (
    ("PERSON", "#f4a6a6", "People, real or fictional, named without their titles"),
    ("ORG", "#9ecbff", "Organisations: governments, ministries, armed forces, companies, media, alliances"),
    ("GPE", "#ffd58a", "Geopolitical entities: countries, cities, states and regions with a government"),
    ("LOC", "#ffe9b8", "Other locations: continents, seas, rivers, mountains, non-political regions"),
    ("NORP", "#c9b3ff", "Nationalities, religious or political groups (Russian, Belarusian, Kurdish)"),
    ("FAC", "#d9c2a7", "Facilities: buildings, airports, bases, bridges, roads"),
    ("WEAPON", "#ff7b7b", "Weapon systems and military platforms (S-400, Iskander, Su-25, HIMARS)"),
    ("MILITARY_UNIT", "#7fd1c1", "Numbered military formations (58th Combined Arms Army, 3rd Assault Brigade)"),
    ("DATE", "#b5e3a1", "Absolute or relative dates and periods (December 19, 2022, last week)"),
    ("TIME", "#d3f0c4", "Times smaller than a day (10:30, this morning)"),
    ("MONEY", "#9fe0d8", "Monetary values with their unit ($ 1.5 billion)"),
    ("QUANTITY", "#c6e8f0", "Measurements with a unit (300 km, 20 tonnes)"),
    ("PERCENT", "#e0e0a0", "Percentages (20%, 15 per cent)"),
    ("CARDINAL", "#e2e2e2", "Numerals that fall under no other label"),
    ("ORDINAL", "#ececec", "Ordinals (first, 3rd)"),
    ("EVENT", "#f7c6e8", "Named events: wars, operations, summits, battles"),
    ("PRODUCT", "#dcdcf5", "Named products and objects that are not weapons"),
    ("LAW", "#f0d0b0", "Named laws, treaties and legal documents"),
    ("LANGUAGE", "#e8d8f8", "Named languages"),
    ("WORK_OF_ART", "#f5e1f5", "Titles of books, songs, films and other works"),
)

LABELS: dict[str, Label] = {name: Label(name, colour, desc) for name, colour, desc in _DEFS}
"""Every label any pipeline may emit, keyed by name."""
