"""Ukrainian and Russian place names ship as nominatives; their case forms are made on the
user's machine with the installed pymorphy3 dictionary and cached per user."""
from __future__ import annotations

import gzip
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pymorphy3
import pytest

from workbench.nlp import _slavic_places
from workbench.nlp._loader import fingerprint
from workbench.nlp._slavic_places import CACHE_ENV, DATA, Places, load_places

ROOT = Path(__file__).resolve().parent.parent


def _rows(path: Path) -> list[str]:
    return gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()


def _nominatives(data: Path, count: int) -> None:
    """Write the first ``count`` rows of the shipped Ukrainian file (label, nominative) to ``data``."""
    rows = ["\t".join(r.split("\t")[:2]) for r in _rows(DATA / "places_uk.tsv.gz")[:count]]
    assert "GPE\tКиїв" in rows and "GPE\tЛьвів" in rows
    data.mkdir()
    (data / "places_uk.tsv.gz").write_bytes(gzip.compress(("\n".join(rows) + "\n").encode("utf-8")))


@pytest.fixture
def parse_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every word pymorphy3 parses from now on (any analyser, any language)."""
    calls: list[str] = []
    real = pymorphy3.MorphAnalyzer.parse

    def counting(self: pymorphy3.MorphAnalyzer, word: str) -> list:
        calls.append(word)
        return real(self, word)

    monkeypatch.setattr(pymorphy3.MorphAnalyzer, "parse", counting)
    return calls


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with the first 600 Ukrainian names of the shipped file (Київ and Львів
    among them), an empty cache folder in ``WORKBENCH_CACHE_DIR``, no table loaded yet.

    Returns:
        The cache folder.
    """
    data = tmp_path / "data"
    _nominatives(data, 600)
    cache = tmp_path / "cache"
    monkeypatch.setattr(_slavic_places, "DATA", data)
    monkeypatch.setattr(_slavic_places, "_CACHE", {})
    monkeypatch.setenv(CACHE_ENV, str(cache))
    return cache


def _tables(cache: Path) -> list[Path]:
    """The cached tables in a cache folder (not the build locks beside them)."""
    return [p for p in cache.iterdir() if not p.name.startswith(".")]


def _fresh_load(monkeypatch: pytest.MonkeyPatch, lang: str = "uk") -> Places:
    """Load ``lang`` as a new process would (nothing kept from an earlier load)."""
    monkeypatch.setattr(_slavic_places, "_CACHE", {})
    return load_places(lang)


def _install_version(m: pytest.MonkeyPatch, site: Path, lang: str, version: str) -> None:
    """Install ``pymorphy3_dicts_<lang>`` ``version`` ahead of the real one, for the life of
    ``m`` (same data, another version: what the workbench sees after the user upgrades the
    dictionary)."""
    name = f"pymorphy3_dicts_{lang}"
    real = __import__(name)
    (site / name).mkdir(parents=True)
    (site / name / "__init__.py").write_text(f"def get_path():\n    return {real.get_path()!r}\n", encoding="utf-8")
    (site / f"{name}-{version}.dist-info").mkdir()
    (site / f"{name}-{version}.dist-info" / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: {version}\n", encoding="utf-8")
    m.syspath_prepend(str(site))
    m.delitem(sys.modules, name, raising=False)  # find_spec answers from sys.modules first


def test_shipped_ukrainian_and_russian_files_carry_no_case_forms() -> None:
    for lang in ("uk", "ru"):
        rows = _rows(DATA / f"places_{lang}.tsv.gz")
        assert len(rows) > (20_000 if lang == "uk" else 5_000)
        assert {len(r.split("\t")) for r in rows} == {2}, lang  # label, nominative: nothing else
    uk = _rows(DATA / "places_uk.tsv.gz")
    assert "GPE\tКиїв" in uk and not any("Києві" in r or "києві" in r for r in uk)
    # the Belarusian file (our own suffix rules) keeps its forms
    assert all(len(r.split("\t")) == 3 for r in _rows(DATA / "places_be.tsv.gz"))


def test_a_fresh_cache_is_built_once_and_read_afterwards_without_declining(
        small: Path, monkeypatch: pytest.MonkeyPatch, parse_calls: list[str], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="workbench.nlp._slavic_places"):
        first = load_places("uk")
    assert len(parse_calls) >= 600  # every name declined with the dictionary
    assert any("declining 600 uk place names" in r.getMessage() for r in caplog.records)
    files = _tables(small)
    assert len(files) == 1 and files[0].name.startswith("places_uk-2.4.1.1.1663094765-")
    assert first.lookup(["Києві"]) == ("GPE", "Київ")
    parse_calls.clear()
    second = _fresh_load(monkeypatch)
    assert parse_calls == []  # read from the cache: pymorphy3 declined nothing
    assert second.forms == first.forms and second.minor == first.minor and second.longest == first.longest
    assert second.lookup(["Львові"]) == ("GPE", "Львів")


def test_a_cache_file_cut_short_or_edited_by_hand_is_built_again(
        small: Path, monkeypatch: pytest.MonkeyPatch, parse_calls: list[str]) -> None:
    whole = load_places("uk")
    (path,) = _tables(small)
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[: len(lines) // 2]), encoding="utf-8")  # a file cut short
    parse_calls.clear()
    assert _fresh_load(monkeypatch).forms == whole.forms
    assert parse_calls  # declined again, and written whole
    parse_calls.clear()
    assert _fresh_load(monkeypatch).forms == whole.forms and parse_calls == []


def test_a_cache_file_from_another_dictionary_version_is_not_used(
        small: Path, monkeypatch: pytest.MonkeyPatch, parse_calls: list[str], tmp_path: Path) -> None:
    with monkeypatch.context() as m:
        _install_version(m, tmp_path / "site", "uk", "9.9.9")
        load_places("uk")  # built under dictionary 9.9.9
        (path,) = _tables(small)
        assert "-9.9.9-" in path.name
        # mark that table so a read of it shows: Київ gets a form the dictionary never gives
        text = path.read_text(encoding="utf-8").replace("\tКиїв\tкиєва ", "\tКиїв\tзаглушка києва ")
        assert "заглушка" in text
        path.write_text(text, encoding="utf-8")
        parse_calls.clear()
        assert _fresh_load(m).lookup(["Заглушка"]) == ("GPE", "Київ")  # same version: the file is read
        assert parse_calls == []
    places = _fresh_load(monkeypatch)  # the installed dictionary again
    assert parse_calls  # declined anew
    assert places.lookup(["Заглушка"]) is None  # the other version's file was not read
    assert places.lookup(["Києва"]) == ("GPE", "Київ")
    assert sorted(p.name.split("-")[1] for p in _tables(small)) == ["2.4.1.1.1663094765", "9.9.9"]


def test_the_pipeline_fingerprint_follows_the_installed_dictionary_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = fingerprint("builtin", "none", "a" * 64, "rules")
    assert fingerprint("builtin", "none", "a" * 64, "rules") == base  # stable otherwise
    with monkeypatch.context() as m:
        _install_version(m, tmp_path / "site", "ru", "9.9.9")
        assert fingerprint("builtin", "none", "a" * 64, "rules") != base
    assert fingerprint("builtin", "none", "a" * 64, "rules") == base


def test_an_unwritable_cache_folder_keeps_the_table_in_memory(
        small: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))  # cannot be created: its parent is a file
    with caplog.at_level(logging.INFO, logger="workbench.nlp._slavic_places"):
        places = load_places("uk")
    assert places.lookup(["Києві"]) == ("GPE", "Київ")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "kept in memory" in warnings[0].getMessage() and warnings[0].exc_info is None
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    assert not list(tmp_path.glob("**/.places_uk-*.tmp"))


_BUILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import pymorphy3
    from workbench.nlp import _slavic_places
    from workbench.nlp._morph import analyser
    _slavic_places.DATA = Path(sys.argv[1])
    analyser("uk")                      # the dictionary loaded: what remains is declining
    calls = []
    real = pymorphy3.MorphAnalyzer.parse
    pymorphy3.MorphAnalyzer.parse = lambda self, word: calls.append(word) or real(self, word)
    go = Path(sys.argv[2])
    while not go.exists():              # both processes start together
        time.sleep(0.01)
    print(len(_slavic_places.load_places("uk").forms), len(calls))
""")


@pytest.mark.slow
def test_two_processes_building_at_once_leave_one_valid_file_and_decline_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parse_calls: list[str]) -> None:
    data = tmp_path / "data"
    _nominatives(data, 3000)
    cache, go = tmp_path / "cache", tmp_path / "go"
    env = {**os.environ, CACHE_ENV: str(cache), "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _BUILD, str(data), str(go)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    go.touch()
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert results[0][1] == "" == results[1][1]  # piped: no progress bar, no warning
    (forms_a, calls_a), (forms_b, calls_b) = (map(int, out.split()) for out, _ in results)
    assert forms_a == forms_b
    assert sorted([calls_a, calls_b])[0] == 0 < sorted([calls_a, calls_b])[1]  # one declined, the other waited and read
    files = [p for p in cache.iterdir() if not p.name.endswith(".lock")]
    assert len(files) == 1 and not files[0].name.startswith(".")  # no temporary file left over
    monkeypatch.setattr(_slavic_places, "DATA", data)
    monkeypatch.setenv(CACHE_ENV, str(cache))
    places = _fresh_load(monkeypatch)
    assert parse_calls == []  # the file is whole: read, not declined again
    assert len(places.forms) == forms_a
    assert places.lookup(["Києва"]) == ("GPE", "Київ")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Places]:
    """The shipped Ukrainian and Russian tables, declined into an empty cache folder."""
    with pytest.MonkeyPatch.context() as m:
        m.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("cache")))
        m.setattr(_slavic_places, "_CACHE", {})
        return {lang: load_places(lang) for lang in ("uk", "ru")}


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "words", "nominative"), [
    ("uk", ["Києві"], "Київ"), ("uk", ["Києва"], "Київ"), ("uk", ["Львові"], "Львів"),
    ("uk", ["Запоріжжям"], "Запоріжжя"), ("uk", ["Новій", "Каховці"], "Нова Каховка"),
    ("ru", ["Киеве"], "Киев"), ("ru", ["Москве"], "Москва"), ("ru", ["Ростова-на-Дону"], "Ростов-на-Дону"),
])
def test_case_forms_still_resolve_to_their_nominatives(
        shipped: dict[str, Places], lang: str, words: list[str], nominative: str) -> None:
    assert shipped[lang].lookup(words) == ("GPE", nominative)
