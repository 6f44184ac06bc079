"""The reader's keys and its saved-status line: kernel side here, the page in
tests/test_reader_keys_browser.py."""
import re

import pytest

import workbench as wb
from workbench.demo import build_demo
from workbench.widgets.reader import quote_preview


@pytest.fixture
def demo(ws):
    _, an = build_demo(ws, progress=False)
    return ws, an


@pytest.mark.parametrize(("quote", "width", "shown"), [
    ("NATO said Belarus would not join the war.", 60, "NATO said Belarus would not join the war."),
    # cut before the word that would cross 20 characters: "Belarus" ends at 17, "would" at 23
    ("NATO said Belarus would not join the war.", 20, "NATO said Belarus…"),
    ("one\n\ntwo   three", 60, "one two three"),               # one line: whitespace collapsed
    ("Антидепрессант" * 3, 10, "Антидепре…"),                  # no boundary at all: cut inside, marked
])
def test_quote_preview_ends_on_a_word(quote, width, shown):
    assert quote_preview(quote, width) == shown
    assert len(quote_preview(quote, width)) <= width


def test_the_saved_status_ends_on_a_word(demo):
    """A long sentence tagged from the page: the status quotes whole words, then "…"."""
    ws, an = demo
    article = ws.article(an.evidence["article_id"].dropna().iloc[0])
    reader = wb.Reader(ws, article.id, analysis=an)
    taken = [(int(s), int(e)) for s, e in zip(an.evidence["start"], an.evidence["end"]) if s is not None]
    match = next(m for m in re.finditer(r"[A-Z][^.\n]{90,300}\.", article.text)
                 if all(m.end() <= s or m.start() >= e for s, e in taken))
    words = match.group(0).split()
    reader._handle_custom_msg({"kind": "tag", "start": match.start(), "end": match.end(),
                               "ratings": {reader.hypotheses[0]["id"]: "C"}}, [])
    quoted = re.fullmatch(r"saved E\d+: “(.*)”", reader.status)
    assert quoted, reader.status
    shown = quoted.group(1)
    assert shown.endswith("…") and len(shown) <= 60
    kept = shown[:-1].split()
    assert kept == words[:len(kept)], (shown, words)   # whole words only, the last one too
