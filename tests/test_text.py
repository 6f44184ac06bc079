from pathlib import Path

from workbench.ingest.text import article_id, clean_text, content_hash, word_count
from workbench.ingest.language import detect_language
from workbench.ingest.dates import parse_published

from conftest import SEED_TXT


def test_clean_text_removes_site_furniture_from_the_seed():
    raw = SEED_TXT.read_text(encoding="utf-8")
    assert "Scroll to Top" in raw and "on Google News" in raw  # the seed file stays as it is
    cleaned = clean_text(raw)
    assert "Scroll to Top" not in cleaned
    assert "Google News" not in cleaned
    assert cleaned.endswith("destroy peaceful people and civilian objects.")


def test_furniture_words_inside_prose_are_kept():
    text = "Scroll to top of the page, he said.\n\nThe minister said: Read all articles by him on Google News.\n\nLast paragraph."
    assert clean_text(text) == text


def test_clean_text_normalises_newlines_and_blank_runs():
    assert clean_text("a \r\n\r\n\r\n\r\nb\u00a0c  \n") == "a\n\nb c"


def test_ids_are_stable_and_whitespace_insensitive():
    a = article_id("One  two\nthree", "https://x.test/a")
    assert a == article_id("One two three", "https://x.test/a")
    assert a != article_id("One two three", "https://y.test/a")
    assert len(a) == 16
    assert content_hash("x  y") == content_hash("x y") != content_hash("x z")


def test_word_count():
    assert word_count("Russia's S-400 systems, 12 of them.") == 6


def test_detect_language():
    assert detect_language(SEED_TXT.read_text(encoding="utf-8")) == "en"
    ru = "Президент России Владимир Путин прибыл в Минск, где проведёт переговоры с Лукашенко. Это первый визит за три года."
    uk = "Президент Росії Володимир Путін прибув до Мінська, де проведе переговори з Лукашенком. Це перший візит за три роки, і він є важливим."
    assert detect_language(ru) == "ru"
    assert detect_language(uk) == "uk"
    assert detect_language("1234 5678") == "und"
    assert detect_language("Der Präsident ist nicht in der Stadt und die Regierung hat sich auf den Plan geeinigt.") == "de"


def test_parse_published():
    assert parse_published("2022-12-19") == "2022-12-19"
    assert parse_published("2022-12-20T09:30:00Z") == "2022-12-20T09:30:00+00:00"
    assert parse_published("Tue, 20 Dec 2022 09:30:00 GMT").startswith("2022-12-20T09:30:00")
    assert parse_published("December 19, 2022") == "2022-12-19"
    assert parse_published("not a date at all") is None
    assert parse_published("") is None
