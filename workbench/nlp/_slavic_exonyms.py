"""Exonym links: names the gazetteers know to be one place in another language's own word.

``data/slavic/exonyms.tsv.gz`` (compiled by ``scripts/build_exonyms.py`` from CLDR and
iso-codes country names, GeoNames' Cyrillic city names and the English lexicon's place
spellings) maps the spelling key of such a name (Запорожье, Україна, Масква) to the spelling
key of the place's English name (Zaporizhzhia, Ukraine, Moscow); ``_translit.entity_key``
applies it, so the entity table, explorer, filters and corrections see one entity.
"""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

__all__ = ["EXONYMS", "exonym_links", "exonym_rows"]

EXONYMS = Path(__file__).resolve().parent / "data" / "slavic" / "exonyms.tsv.gz"
_LOCK = threading.Lock()
_LINKS: dict[str, str] = {}
_LOADED: list[bool] = []


def exonym_rows(path: Path = EXONYMS) -> list[list[str]]:
    """The file's rows: key, target key, name, target name, source.

    Args:
        path: the compiled file.

    Returns:
        One list of five cells per link (none when the file is missing).
    """
    if not path.exists():
        return []
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def exonym_links() -> dict[str, str]:
    """Spelling key -> the key of the place's English name (loaded once per process).

    Returns:
        The shared mapping (do not modify it).
    """
    if not _LOADED:
        with _LOCK:
            if not _LOADED:
                if EXONYMS.exists():   # only the two key columns are read here (names: for the tests)
                    text = gzip.decompress(EXONYMS.read_bytes()).decode("utf-8")
                    _LINKS.update(line.split("\t", 2)[:2] for line in text.splitlines()
                                  if line and not line.startswith("#"))
                _LOADED.append(True)
    return _LINKS
