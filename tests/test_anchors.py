"""Evidence anchors found again in edited text (issue #9 item 7): nine kinds of edit, orphans,
repeated phrases. Expected spans are written out by hand from the edited text."""
import pytest

from workbench._anchor import CONTEXT, find_quote, make_anchor, occurrences
from workbench._folding import fold

TEXT = ("MINSK, 14 March. Belarus’s defence ministry said that snap readiness checks had begun near the border. "
        "“Next week the army will move north to secure the railway hubs at Gomel and Mozry,” the ministry’s "
        "spokesman told reporters on Tuesday evening, adding that no mobilisation order had been signed. "
        "Observers in Vilnius doubted the claim.")
# The quote as tagged; "Mozry" is the original's typo for Mozyr.
QUOTE = ("Next week the army will move north to secure the railway hubs at Gomel and Mozry,” the ministry’s "
         "spokesman told reporters on Tuesday evening")


@pytest.fixture
def anchor():
    start = TEXT.index(QUOTE)
    return make_anchor(TEXT, start, start + len(QUOTE))


# (edit kind, edited article, the quote's words in the edited article)
EDITS = [
    ("changed word", TEXT.replace("will move", "would move"),
     "Next week the army would move north to secure the railway hubs at Gomel and Mozry,” the ministry’s "
     "spokesman told reporters on Tuesday evening"),
    ("apostrophe style", TEXT.replace("ministry’s", "ministry's"),
     "Next week the army will move north to secure the railway hubs at Gomel and Mozry,” the ministry's "
     "spokesman told reporters on Tuesday evening"),
    ("quotation-mark style", TEXT.replace("“", '"').replace("”", '"'),
     'Next week the army will move north to secure the railway hubs at Gomel and Mozry," the ministry’s '
     "spokesman told reporters on Tuesday evening"),
    ("white space", TEXT.replace("the army will", "the  army \u00a0will"),
     "Next week the  army \u00a0will move north to secure the railway hubs at Gomel and Mozry,” the ministry’s "
     "spokesman told reporters on Tuesday evening"),
    ("line break", TEXT.replace("railway hubs", "railway\nhubs"),
     "Next week the army will move north to secure the railway\nhubs at Gomel and Mozry,” the ministry’s "
     "spokesman told reporters on Tuesday evening"),
    ("phrase trimmed at the start", TEXT.replace("“Next week the army", "“The army"),
     "The army will move north to secure the railway hubs at Gomel and Mozry,” the ministry’s "
     "spokesman told reporters on Tuesday evening"),
    ("phrase trimmed at the end", TEXT.replace(" on Tuesday evening,", ","),
     "Next week the army will move north to secure the railway hubs at Gomel and Mozry,” the ministry’s "
     "spokesman told reporters"),
    ("typo fixed", TEXT.replace("Mozry", "Mozyr"),
     "Next week the army will move north to secure the railway hubs at Gomel and Mozyr,” the ministry’s "
     "spokesman told reporters on Tuesday evening"),
    ("text inserted before", "UPDATED 15 March: adds the ministry’s comment.\n\n" + TEXT, QUOTE),
]


@pytest.mark.parametrize("kind, edited, words", EDITS, ids=[e[0] for e in EDITS])
def test_a_quote_survives_each_of_nine_edits(anchor, kind, edited, words):
    found = find_quote(edited, anchor.exact, anchor.prefix, anchor.suffix, anchor.start)
    assert found is not None, f"{kind}: orphaned"
    assert edited[found.start:found.end] == words
    if kind == "text inserted before":
        assert found.method == "exact" and found.start == anchor.start + len("UPDATED 15 March: adds the ministry’s comment.\n\n")
    else:
        assert found.method == "fuzzy"
    assert 0.7 <= found.score <= 1.0


def test_fuzzy_scores_order_the_edits_by_how_much_changed(anchor):
    def score(edited):
        return find_quote(edited, anchor.exact, anchor.prefix, anchor.suffix, anchor.start).score
    typography = score(EDITS[1][1])      # only the apostrophe differs: nothing changed after folding
    word = score(EDITS[0][1])
    trimmed = score(EDITS[5][1])
    assert typography == 1.0 > word > trimmed > 0.7


def test_offsets_that_still_hold_are_exact_with_score_one(anchor):
    found = find_quote(TEXT, anchor.exact, anchor.prefix, anchor.suffix, anchor.start)
    assert (found.start, found.end, found.method, found.score) == (anchor.start, anchor.end, "exact", 1.0)


@pytest.mark.parametrize("edited", [
    # the quoted sentence deleted; its neighbours now touch
    TEXT.replace(TEXT[TEXT.index("“Next"):TEXT.index("Observers")], ""),
    # the quoted sentence rewritten into something else
    TEXT.replace(TEXT[TEXT.index("“Next"):TEXT.index(", adding")],
                 "“Nothing is planned for the coming weeks and the railway stays civilian,” an aide said later"),
    # more than half of the quote cut
    TEXT.replace("Next week the army will move north to secure the railway hubs at Gomel and Mozry,” ", ""),
], ids=["deleted", "rewritten", "mostly cut"])
def test_a_quote_that_is_gone_is_orphaned(anchor, edited):
    assert find_quote(edited, anchor.exact, anchor.prefix, anchor.suffix, anchor.start) is None


def test_a_short_quote_is_not_matched_to_some_other_short_phrase():
    text = "Troops gathered near Brest on Monday. Officials in Minsk said nothing."
    start = text.index("near Brest")
    a = make_anchor(text, start, start + len("near Brest"))
    edited = "Troops gathered in the south on Monday. Officials in Minsk said nothing."
    assert find_quote(edited, a.exact, a.prefix, a.suffix, a.start) is None


REPEATED = ("The ministry said the drills were routine. Western officials disagreed. "
            "Later the ministry said the drills were routine, then cancelled them.")


def test_of_two_occurrences_the_context_picks_the_edited_one_over_an_exact_twin():
    second = REPEATED.index("the ministry said the drills", 10)
    a = make_anchor(REPEATED, second, second + len("the ministry said the drills were routine"))
    # the tagged (second) occurrence is reworded; the first stays verbatim
    edited = "Editor's note added.\n" + REPEATED.replace("Later the ministry said the drills were routine",
                                                        "Later the ministry claimed the drills were routine")
    found = find_quote(edited, a.exact, a.prefix, a.suffix, a.start)
    assert edited[found.start:found.end] == "the ministry claimed the drills were routine"
    assert found.method == "fuzzy" and found.start > edited.index("Western")


def test_context_grows_until_it_tells_a_repeated_passage_apart():
    block = "x" * 40 + " The army will move north. " + "y" * 40
    text = f"Start. {block} Middle part here. {block} End."
    second = text.index("The army", text.index("Middle"))
    a = make_anchor(text, second, second + len("The army will move north."))
    assert len(a.prefix) > CONTEXT  # 32 characters of context are the same at both places
    assert text.count(a.prefix + a.exact + a.suffix) == 1
    found = find_quote(text, a.exact, a.prefix, a.suffix, None)  # no offset to help
    assert found.start == second


def test_occurrences_match_verbatim_or_by_typography_only():
    text = "He said: “It’s over.” Then: “It’s  over.”"
    assert occurrences(text, "It’s over.") == [(text.index("It’s over."), text.index("It’s over.") + 10)]
    loose = occurrences(text, "it's over.")  # straight apostrophe, lower case: both places, as stored
    assert [text[a:b] for a, b in loose] == ["It’s over.", "It’s  over."]
    assert fold("“It’s\u00a0 OVER”") == '"it\'s over"'


def test_quotes_in_scripts_with_many_letters_are_still_found():
    # edlib takes at most 256 distinct symbols: the text's other letters share one
    pool = "".join(chr(0x4E00 + i) for i in range(400))
    text = pool[:200] + " 军队将向北移动以保护铁路枢纽 " + pool[200:]
    start = text.index("军队")
    a = make_anchor(text, start, start + len("军队将向北移动以保护铁路枢纽"))
    edited = text.replace("向北移动", "向北方移动")
    found = find_quote(edited, a.exact, a.prefix, a.suffix, a.start)
    assert edited[found.start:found.end] == "军队将向北方移动以保护铁路枢纽" and found.method == "fuzzy"
