"""The search normaliser (``nlp._stems``): which inflected forms meet, and the query syntax.

The groups below are the "small test of inflected forms" that chose the analysers: Snowball
for English and Russian, pymorphy3's Ukrainian dictionary for Ukrainian (Snowball has none,
and no stem joins Київ and Києві)."""
from __future__ import annotations

import re

import pytest

from workbench.nlp._query import QueryError, parse_query, query_forms
from workbench.nlp._stems import search_form, shadow, words

GROUPS = {
    "en": [("strike", "strikes", "striking"), ("missile", "missiles"), ("analyst", "analysts"),
           ("forces", "force"), ("attacked", "attack", "attacks")],
    "ru": [("Москва", "Москве", "Москвы", "Москвой"), ("Путин", "Путина", "Путину"), ("удар", "удары", "ударов"),
           ("Белоруссия", "Белоруссии"), ("Херсон", "Херсоне", "Херсона"), ("ракета", "ракеты", "ракетами"),
           ("Шойгу", "Шойгу")],
    "uk": [("Київ", "Києві", "Києва"), ("Харків", "Харкові", "Харкова"), ("Львів", "Львові"), ("Одеса", "Одесі"),
           ("Путін", "Путіна", "Путіну"), ("танк", "танки", "танків"), ("ракета", "ракети", "ракетами"),
           ("кордон", "кордону", "кордоні"), ("Білорусь", "Білорусі")],
}


@pytest.mark.parametrize("language", sorted(GROUPS))
def test_inflected_forms_share_one_search_form(language):
    for group in GROUPS[language]:
        assert len({search_form(word, language) for word in group}) == 1, group


@pytest.mark.parametrize("language", sorted(GROUPS))
def test_a_query_word_finds_the_forms_the_index_holds(language):
    """The query does not know the language: each word's forms in every language are searched."""
    for group in GROUPS[language]:
        for asked in group:
            assert all(search_form(word, language) in query_forms(asked) for word in group), (asked, group)


def test_different_words_stay_apart():
    assert search_form("Київщині", "uk") != search_form("Києві", "uk")  # the region is not the city
    assert search_form("strike") != search_form("strict")
    assert search_form("Москве", "ru") != search_form("Мосты", "ru")


def test_the_shadow_is_one_letters_and_digits_token_per_word():
    text = "Удари по Києві, T-72 and don't: café Ёлка"
    forms = shadow(text, "uk").split(" ")
    assert len(forms) == len(words(text)) == 9
    assert all(re.fullmatch(r"[^\W_]+", f) for f in forms)
    assert forms[3:5] == ["t", "72"] and forms[7] == "cafe"  # diacritics folded


def test_query_syntax():
    query = parse_query('Київ "joint exercises" strik* -Moscow OR Minsk')
    # an OR after an excluded word joins nothing: Minsk is wanted on its own
    assert len(query.groups) == 4 and len(query.excluded) == 1 and len(query.groups[3]) == 1
    phrase = query.groups[1][0]
    assert [sorted(t.forms) for t in phrase.terms] == [["joint"], ["exercis"]]
    assert query.groups[2][0].terms[0].prefix
    assert len(parse_query("harvest OR port").groups) == 1  # OR joins two items into one group
    for empty in ("", "-x", '"" !!'):
        with pytest.raises(QueryError):
            parse_query(empty)
