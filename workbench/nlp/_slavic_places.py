"""Ukrainian and Russian place gazetteers: any case form -> (label, nominative).

Compiled by ``scripts/build_slavic_places.py`` into ``data/slavic/places_<lang>.tsv.gz``
(Ukrainian: the KATOTTG codifier's settlements and oblasts; Russian: GeoNames' Cyrillic
names; both: curated regions, seas and rivers and iso-codes country names), each name
already declined, so a lookup is one dict access per candidate span.
"""

from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Places", "load_places", "norm_apostrophe"]

DATA = Path(__file__).resolve().parent / "data" / "slavic"
_LOCK = threading.Lock()
_CACHE: dict[str, "Places"] = {}


def norm_apostrophe(text: str) -> str:
    """One apostrophe (Ukrainian text mixes ', ’ and ʼ) and "е" for "ё" (Russian text mostly
    omits the dots; the dictionary writes them)."""
    return text.replace("’", "'").replace("ʼ", "'").replace("ё", "е").replace("Ё", "Е")


@dataclass
class Places:
    """One language's gazetteer.

    Attributes:
        forms: lower-case form (words joined by single spaces) -> (label, nominative).
        longest: the most words any name has.
        minor: nominatives of villages and settlements (weaker evidence).
    """

    forms: dict[str, tuple[str, str]]
    longest: int
    minor: frozenset[str] = frozenset()

    def lookup(self, words: list[str]) -> tuple[str, str] | None:
        """The entry whose form is exactly these words.

        Args:
            words: the words as written.

        Returns:
            (label, nominative) or None.
        """
        return self.forms.get(norm_apostrophe(" ".join(words).lower()))


def load_places(lang: str) -> Places:
    """Load (once per process) the gazetteer of ``lang``.

    Args:
        lang: "uk" or "ru".

    Returns:
        The Places table (empty for a language without one).
    """
    with _LOCK:
        found = _CACHE.get(lang)
        if found is None:
            found = _CACHE[lang] = _read(DATA / f"places_{lang}.tsv.gz")
    return found


def _read(path: Path) -> Places:
    if not path.exists():
        return Places({}, 0)
    rows = [line.split("\t") for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()]
    minor = frozenset(name for label, name, _ in rows if label.endswith("~"))
    rows = [(label.rstrip("~"), name, declined) for label, name, declined in rows]
    forms: dict[str, tuple[str, str]] = {}
    for label, name, _ in rows:  # nominatives first: "Суми" the city beats a case form of another name
        forms.setdefault(norm_apostrophe(name.lower()), (label, name))
    for label, name, declined in rows:
        entry = (label, name)
        for form in _split_forms(declined, name.count(" ") + 1):
            forms.setdefault(norm_apostrophe(form), entry)
    return Places(forms, max((name.count(" ") + 1 for _, name, _ in rows), default=0), minor)


def _split_forms(declined: str, words: int) -> list[str]:
    """The forms of a name, written space-separated, regrouped ``words`` words at a time."""
    parts = declined.split(" ")
    return [" ".join(parts[i:i + words]) for i in range(0, len(parts), words)]
