"""Every correction in the entity explorer, driven as the browser drives it (the messages the ES
module sends), on a real workspace with English, Ukrainian and Russian articles: split, delete
(a spelling or whole entities), add a missed mention, undo; errors in one line; names escaped."""
import pytest

import workbench as wb

from test_entities_xlang import EN, RU, UK


def send(widget, **content) -> None:
    """Deliver a message from the browser, as the comm does."""
    widget._handle_custom_msg(content, [])


@pytest.fixture
def explorer(ws, tmp_path):
    folder = tmp_path / "xlang"
    folder.mkdir()
    for name, text in (("en.txt", EN), ("uk.txt", UK), ("ru.txt", RU)):
        (folder / name).write_text(text, encoding="utf-8")
    ws.ingest(folder, progress=False)
    changes = []
    widget = wb.EntityExplorer(ws, on_change=lambda: changes.append(1))
    widget.changes = changes
    return widget


def _row(explorer, entity):
    rows = [r for r in explorer.rows if r["entity"] == entity]
    return rows[0] if rows else None


def test_rows_carry_aliases_by_language(explorer):
    assert _row(explorer, "Kyiv")["aliases_by_language"] == {"en": ["Kiev", "Kyiv"], "ru": ["Киев"], "uk": ["Київ"]}


def test_split_a_spelling_off_and_undo(explorer):
    send(explorer, kind="split", entity="Kyiv", text="Київ", target="Kyiv (uk)", label="LOC")
    assert explorer.status == "split Київ off Kyiv as Kyiv (uk) (LOC)"
    split = _row(explorer, "Kyiv (uk)")
    assert split["label"] == "LOC" and split["aliases"] == ["Київ"]
    assert "Київ" not in _row(explorer, "Kyiv")["aliases"]
    assert explorer.undo_stack == ["split Київ off Kyiv as Kyiv (uk) (LOC)"] and explorer.changes == [1]
    send(explorer, kind="undo")
    assert explorer.status == "undo: split Київ off Kyiv as Kyiv (uk) (LOC)"
    assert _row(explorer, "Kyiv (uk)") is None and "Київ" in _row(explorer, "Kyiv")["aliases"]
    assert explorer.undo_stack == []
    send(explorer, kind="undo")
    assert explorer.status == "nothing to undo"


def test_delete_a_spelling_or_whole_entities_and_undo(explorer):
    send(explorer, kind="delete", text="Киев", label="GPE")
    assert explorer.status == "deleted the mentions written Киев"
    assert _row(explorer, "Kyiv")["aliases_by_language"] == {"en": ["Kiev", "Kyiv"], "uk": ["Київ"]}
    send(explorer, kind="delete", entities=[{"entity": "Olena Zelenska", "label": "PERSON"},
                                            {"entity": "Minsk", "label": "GPE"}])
    assert explorer.status == "deleted Olena Zelenska, Minsk"
    assert _row(explorer, "Olena Zelenska") is None and _row(explorer, "Minsk") is None
    assert _row(explorer, "Zelensky") is not None          # her husband stays
    send(explorer, kind="undo")                              # both entities come back in one undo
    assert _row(explorer, "Olena Zelenska")["mentions"] == 2 and _row(explorer, "Minsk")["mentions"] == 3
    send(explorer, kind="undo")
    assert "Киев" in _row(explorer, "Kyiv")["aliases"]


def test_add_a_missed_mention_in_one_article_or_everywhere(explorer):
    ws = explorer.ws
    en_id = ws.articles.set_index("language").loc["en", "id"]
    send(explorer, kind="add", text="officials", label="ORG", article_id=en_id[:8], target="")
    assert explorer.status == f"added officials as ORG in article {en_id[:8]}"
    assert _row(explorer, "officials")["mentions"] == 1
    send(explorer, kind="add", text="шпиталь", label="FAC", article_id="", target="Hospital")
    assert explorer.status == "added шпиталь as FAC in every article"
    assert _row(explorer, "Hospital")["aliases_by_language"] == {"uk": ["шпиталь"]}
    send(explorer, kind="undo")
    assert _row(explorer, "Hospital") is None and _row(explorer, "officials") is not None


def test_errors_are_one_line_and_keep_what_succeeded(explorer):
    before = list(explorer.rows)
    for message in ({"kind": "split", "entity": "nowhere", "text": "x", "target": "y"},
                    {"kind": "delete", "text": "Lukashevich"},
                    {"kind": "delete", "entities": [{"entity": "Lukashevich", "label": "PERSON"}]},
                    {"kind": "add", "text": "  ", "label": "ORG", "article_id": ""},
                    {"kind": "add", "text": "Zurich", "label": "GPE", "article_id": ""},
                    {"kind": "add", "text": "Kyiv", "label": "", "article_id": ""}):
        send(explorer, **message)
        assert explorer.status.startswith("error: ") and "\n" not in explorer.status, message
    assert explorer.status == "error: label '': must be 1-40 characters"
    assert explorer.rows == before and explorer.undo_stack == []
    # a batch keeps what succeeded, and it can be undone
    send(explorer, kind="merge", entities=["Minsk", "nowhere"], target="Minsk city")
    assert explorer.status == "error: merge: no mention with canonical 'nowhere' in this workspace"
    assert _row(explorer, "Minsk city")["mentions"] == 3 and explorer.undo_stack == ["merged Minsk into Minsk city"]
    send(explorer, kind="undo")
    assert _row(explorer, "Minsk")["mentions"] == 3


def test_names_from_corrections_are_escaped(explorer):
    evil = '<img src=x onerror="alert(1)">'
    send(explorer, kind="split", entity="Kyiv", text="Kiev", target=evil)
    assert _row(explorer, evil)["aliases"] == ["Kiev"]
    html = explorer.static_html()
    assert "<img" not in html and "&lt;img src=x" in html


def test_corpus_browser_entity_filter_finds_every_script(explorer):
    browser = wb.CorpusBrowser(explorer.ws)
    send(browser, kind="entity", query="Киев")
    assert browser.entity_hits == sorted(explorer.ws.articles["id"]) and browser.status == ""
