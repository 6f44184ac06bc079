"""Ukrainian, Russian and Belarusian place gazetteers: any case form -> (label, nominative).

Compiled by ``scripts/build_slavic_places.py`` into ``data/slavic/places_<lang>.tsv.gz``
(Ukrainian: the KATOTTG codifier's settlements and oblasts; Russian: GeoNames' Cyrillic
names; both: curated regions, seas and rivers and iso-codes country names; Belarusian:
CLDR, iso-codes and GeoNames names).

The Ukrainian and Russian files hold nominatives only (``label<TAB>name``): their case forms
come from pymorphy3's dictionaries, whose data the package does not redistribute, so they
are declined on the user's machine on first use (``_slavic_decline``, a few seconds) and
kept in a per-user cache file named after the nominatives file's hash, the installed
dictionary's version and the declension code (any of them changing makes a new file). One
process builds it while others starting at the same time wait for it (a file lock); a cache
that cannot be written leaves the table in memory for the process. The Belarusian
file carries its forms (``label<TAB>name<TAB>forms``, made by the build script's own suffix
rules). A lookup is one dict access per candidate span.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import _slavic_decline
from ._morph import analyser, dictionary_version

__all__ = ["CACHE_ENV", "MORPH_LANGS", "Places", "cache_dir", "cache_path", "load_places", "norm_apostrophe"]

DATA = Path(__file__).resolve().parent / "data" / "slavic"
CACHE_ENV = "WORKBENCH_CACHE_DIR"
MORPH_LANGS = frozenset({"uk", "ru"})  # shipped as nominatives, declined with pymorphy3 on first use
_CACHE_FORMAT = "1"
_PROGRESS_AFTER = 2.0  # seconds before a progress bar shows (a quick build stays silent)
_LOCK_WAIT = 300.0  # seconds to wait for another process building the same table (~10 s)
_LOCK = threading.Lock()
_CACHE: dict[str, "Places"] = {}
_log = logging.getLogger(__name__)

Row = tuple[str, str, str]  # label (``~``: minor), nominative, its lower-case forms space-separated


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
        lang: "uk", "ru" or "be".

    Returns:
        The Places table (empty for a language without one).
    """
    with _LOCK:
        found = _CACHE.get(lang)
        if found is None:
            found = _CACHE[lang] = _read(lang, DATA / f"places_{lang}.tsv.gz")
    return found


def cache_dir() -> Path:
    """The per-user folder for tables built on this machine.

    Returns:
        ``WORKBENCH_CACHE_DIR`` when set, else the platform's user cache folder for the
        workbench (``~/.cache/workbench`` on Linux).
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("workbench", appauthor=False))


def cache_path(lang: str, nominatives: bytes) -> tuple[Path, str]:
    """Where the declined table of ``lang`` is cached, and the header line naming what made it.

    Args:
        lang: "uk" or "ru".
        nominatives: the shipped nominatives file's bytes.

    Returns:
        (path, header): the file name carries the dictionary's version and a digest of the
        nominatives, the dictionary, pymorphy3 and the declension code.
    """
    dictionary = dictionary_version(lang)
    code = Path(_slavic_decline.__file__).read_bytes()
    header = (f"# workbench declined places {lang}; format {_CACHE_FORMAT}; {dictionary}; "
              f"nominatives {hashlib.sha256(nominatives).hexdigest()}; "
              f"declension {hashlib.sha256(code).hexdigest()}")
    short = dictionary.rsplit("==", 1)[-1] if "path=" not in dictionary else "custom"
    digest = hashlib.sha256(header.encode("utf-8")).hexdigest()[:16]
    return cache_dir() / f"places_{lang}-{short}-{digest}.tsv", header


def _read(lang: str, path: Path) -> Places:
    """The table of one shipped file (Ukrainian and Russian: declined, or read from the cache)."""
    if not path.exists():
        return Places({}, 0)
    raw = path.read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    if lang in MORPH_LANGS:
        rows = _declined(lang, raw, [(label, name) for label, name, *_ in (line.split("\t") for line in lines)])
    else:
        rows = [(label, name, forms) for label, name, forms in (line.split("\t") for line in lines)]
    return _table(rows)


def _declined(lang: str, raw: bytes, names: list[tuple[str, str]]) -> list[Row]:
    """The rows of ``names`` with their case forms: from the cache, else declined and cached."""
    path, header = cache_path(lang, raw)
    rows = _read_cache(path, header, names)
    if rows is None:
        with _building(path):  # another process building this table: wait for it, then read its file
            rows = _read_cache(path, header, names)
            if rows is None:
                rows = _decline_all(lang, names, path)
                _write_cache(path, header, rows)
    return rows


@contextlib.contextmanager
def _building(path: Path) -> Iterator[None]:
    """Hold the lock for building ``path`` (an operating-system file lock, which a process
    that dies lets go of), or go on without it when it cannot be had: a folder that cannot be
    written, or another process holding it past ``_LOCK_WAIT`` seconds (then both build; the
    atomic write still leaves one whole file).

    Yields:
        Nothing; the lock is held inside the ``with`` block.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(path.parent / f".{path.name}.lock", timeout=_LOCK_WAIT)
    try:
        lock.acquire()
        held = True
    except (Timeout, OSError):
        held = False
    try:
        yield
    finally:
        if held:
            lock.release()


def _read_cache(path: Path, header: str, names: list[tuple[str, str]]) -> list[Row] | None:
    """The cached rows, or None when the file is missing, unreadable, or not exactly the
    table of ``names`` under ``header`` (another build, or a file cut short)."""
    try:
        with open(path, encoding="utf-8", newline="\n") as fh:  # line by line: no second copy of the file
            if fh.readline() != header + "\n":
                return None
            rows: list[Row] = []
            for (label, name), line in zip(names, fh):
                row = line.rstrip("\n").split("\t")
                if len(row) != 3 or row[0] != label or row[1] != name:
                    return None
                rows.append((label, name, row[2]))
            if len(rows) != len(names) or fh.read() != f"# end {len(names)}\n":
                return None
            return rows
    except (FileNotFoundError, NotADirectoryError):  # not built yet (or no folder to build it in)
        return None
    except (OSError, UnicodeDecodeError) as exc:
        _log.warning("workbench: cannot read the place-name cache %s (%s); building it again", path, exc)
        return None


def _decline_all(lang: str, names: list[tuple[str, str]], path: Path) -> list[Row]:
    """Decline every name with the installed dictionary (a few seconds for Ukrainian's 23,000)."""
    from tqdm.auto import tqdm

    _log.info("workbench: declining %d %s place names with pymorphy3 (once; cached in %s)", len(names), lang, path)
    morph = analyser(lang)
    todo = tqdm(names, desc=f"Declining {lang} place names (once)", unit=" names", delay=_PROGRESS_AFTER,
                disable=None, leave=False)  # disable=None: silent when stderr is not a terminal
    return [(label, name, " ".join(sorted(_slavic_decline.forms(morph, name)))) for label, name in todo]


def _write_cache(path: Path, header: str, rows: list[Row]) -> bool:
    """Write the table atomically (a temporary file, then a rename: a reader, or another
    process writing the same table, never sees half a file).

    Returns:
        Whether the cache was written (False: kept in memory only, with a one-line warning).
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(header + "\n")
            fh.writelines(f"{label}\t{name}\t{forms}\n" for label, name, forms in rows)
            fh.write(f"# end {len(rows)}\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return True
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        _log.warning("workbench: cannot write the place-name cache in %s (%s); kept in memory for this run",
                     path.parent, exc)
        return False


def _table(rows: list[Row]) -> Places:
    """The lookup table of gazetteer rows (first row first: a form two names share goes to the
    earlier, more important one)."""
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
