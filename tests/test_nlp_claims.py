"""find_claims: who said what."""
from __future__ import annotations

import pytest

from workbench.nlp import find_claims, load_pipeline

KEYS = {"speaker", "speaker_start", "speaker_end", "quote_start", "quote_end", "quote", "cue"}


def _claims(text: str) -> list[dict]:
    claims = find_claims(text, load_pipeline("builtin").extract(text))
    for c in claims:
        assert set(c) == KEYS
        assert text[c["quote_start"]:c["quote_end"]] == c["quote"]
        assert c["speaker_start"] < c["speaker_end"]
    return claims


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "quote"),
    [
        ("Lukashenko said, “Belarus and Russia find common answers to threats.”", "Lukashenko", "said",
         "Belarus and Russia find common answers to threats."),
        ("“We will not retreat,” President Volodymyr Zelensky said on Monday.", "Volodymyr Zelensky", "said",
         "We will not retreat"),
        ("\"The agenda is banal,\" said Mykhailo Podoliak, an adviser.", "Mykhailo Podoliak", "said",
         "The agenda is banal"),
        ("“It is a provocation” – General Valerii Zaluzhnyi stated.", "Valerii Zaluzhnyi", "stated",
         "It is a provocation"),
        ("According to Oleg Zhdanov, Russian forces made marginal gains near Bakhmut.", "Oleg Zhdanov",
         "according to", "Russian forces made marginal gains near Bakhmut"),
        ("Russian forces made marginal gains near Bakhmut, according to Oleg Zhdanov.", "Oleg Zhdanov",
         "according to", "Russian forces made marginal gains near Bakhmut"),
        ("Defense Minister Sergei Shoigu told reporters that the offensive was going to plan.", "Sergei Shoigu",
         "told", "the offensive was going to plan"),
        ("Kremlin spokesman Dmitry Peskov called the report “absurd and groundless.”", "Dmitry Peskov", "called",
         "absurd and groundless."),
    ],
)
def test_patterns(text: str, speaker: str, cue: str, quote: str) -> None:
    claims = _claims(text)
    assert [(c["speaker"], c["cue"], c["quote"]) for c in claims] == [(speaker, cue, quote)]


def test_no_claim_without_a_speaker_or_cue() -> None:
    assert _claims("The weather was “very productive” for farmers.") == []
    assert _claims("Putin visited Minsk on Monday.") == []


def test_pronoun_speaker_resolves_to_previous_claimant() -> None:
    text = ("“The agenda is banal,” said Mykhailo Podoliak.\n\n"
            "He said during the telethon that Lukashenko “will sign his suicide note” by joining the war.")
    claims = _claims(text)
    assert [c["speaker"] for c in claims] == ["Mykhailo Podoliak", "Mykhailo Podoliak"]
    assert "suicide note" in claims[1]["quote"]


def test_speaker_is_canonical() -> None:
    text = ("Russian President Vladimir Putin arrived. “It was very productive,” Putin said.")
    claims = _claims(text)
    assert claims and claims[0]["speaker"] == "Vladimir Putin"
    assert text[claims[0]["speaker_start"]:claims[0]["speaker_end"]] == "Putin"
