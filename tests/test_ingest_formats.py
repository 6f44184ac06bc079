"""PDF, Word and Telegram exports, read into a real workspace; each with its bad variants."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from _pdf import make_pdf

P1 = ["Belarus border report", "Russian troops arrived in Minsk on Monday.", "They came by rail from Smolensk."]
P3 = ["Satellite images show armour near Brest.", "NATO said it was watching closely."]


@pytest.fixture
def ws(any_ws):
    """This module's workspace: one per backend (SQLite file, PostgreSQL database)."""
    return any_ws


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- PDF ---------------------------------------------------------------------------------------
def test_pdf_text_layer_with_pages_title_and_author(ws, tmp_path):
    path = _write(tmp_path, "report.pdf", make_pdf([P1, [], P3], title="Border Report", author="J. Analyst"))
    result = ws.ingest(path, progress=False)
    assert result.ok, result.lines()
    art = ws.article(result.added[0])
    assert (art.title, art.author) == ("Border Report", "J. Analyst")
    page1 = "\n".join(P1)
    assert art.text == page1 + "\n\n" + "\n".join(P3)          # the blank page 2 adds nothing
    assert art.metadata["pages"] == [[1, 0], [3, len(page1) + 2]]
    assert art.metadata["page_count"] == 3
    # every offset of page 1 is on page 1, every offset of page 3 on page 3
    brest = art.text.index("Brest")
    assert art.page_of(art.text.index("Smolensk")) == 1
    assert art.page_of(len(page1) - 1) == 1
    assert art.page_of(len(page1) + 2) == 3 and art.page_of(brest) == 3
    mention_pages = {m["text"]: art.page_of(m["start"]) for m in art.mentions}
    assert mention_pages.get("Minsk") == 1 and mention_pages.get("NATO") == 3


def test_pdf_title_falls_back_to_the_first_line(ws, tmp_path):
    path = _write(tmp_path, "untitled.pdf", make_pdf([P1]))
    art = ws.article(ws.ingest(path, progress=False).added[0])
    assert art.title == "Belarus border report"


def test_a_quote_from_a_pdf_cites_its_page_in_the_evidence_and_the_report(ws, tmp_path):
    path = _write(tmp_path, "report.pdf", make_pdf([P1, [], P3], title="Border Report"))
    aid = ws.ingest(path, progress=False).added[0]
    an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
    an.tag_quote(aid, "armour near Brest", ratings={"H1": "C"})
    an.tag_quote(aid, "arrived in Minsk", ratings={"H1": "N"})
    an.add_assumption("Lukashenko fears unrest", ratings={"H1": "I"})
    evidence = an.evidence.set_index("label")
    assert evidence.loc["E1", "page"] == 3 and evidence.loc["E2", "page"] == 1
    assert evidence.loc["E3", "page"] is None
    html = Path(ws.report(tmp_path / "report.html")).read_text(encoding="utf-8")
    assert "p. 3" in html and "p. 1" in html


def test_a_quote_from_an_article_without_pages_cites_no_page(ws, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Russian troops arrived in Minsk on Monday, officials said.", encoding="utf-8")
    aid = ws.ingest(path, progress=False).added[0]
    an = ws.new_analysis("Q?", ["A", "B"])
    an.tag_quote(aid, "arrived in Minsk")
    assert an.evidence["page"].tolist() == [None]
    assert ws.article(aid).page_of(3) is None


def _encrypted(password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([P1], title="Secret"))))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_with_an_empty_user_password_is_read(ws, tmp_path):
    art = ws.article(ws.ingest(_write(tmp_path, "open.pdf", _encrypted("")), progress=False).added[0])
    assert art.title == "Secret" and "Smolensk" in art.text


def test_bad_pdfs_each_fail_on_one_line_and_the_good_one_stays(ws, tmp_path):
    good = make_pdf([P1], title="Good")
    cases = {
        "scanned.pdf": (make_pdf([[], []]), "PDF has no text layer (scanned?): none of its 2 pages holds text"),
        "locked.pdf": (_encrypted("secret"), "encrypted PDF (it needs a password"),
        "truncated.pdf": (good[: len(good) // 2], "broken PDF ("),
        "empty.pdf": (b"", "empty file"),
        "notreally.pdf": (b"Just some text saved with the wrong name.\n", "not a PDF (no %PDF header)"),
    }
    paths = {name: _write(tmp_path, name, data) for name, (data, _) in cases.items()}
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.truncate(250_000_000)  # sparse: refused by its size before a byte is read
    result = ws.ingest(_write(tmp_path, "good.pdf", good), *paths.values(), huge, progress=False)
    messages = [str(e) for e in result.failed]
    assert all("\n" not in m for m in messages)
    for name, (_, expect) in cases.items():
        assert any(m.startswith(f"{paths[name]}: {expect}") for m in messages), (name, messages)
    assert f"{huge}: file too large (250.0 MB, limit 200 MB)" in messages
    assert len(messages) == len(cases) + 1
    assert list(ws.articles["title"]) == ["Good"]


# -- Word --------------------------------------------------------------------------------------
def _docx(paragraphs: list[tuple[str, str | None]], *, title: str | None = None, author: str | None = None,
          table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.core_properties.title = title or ""
    document.core_properties.author = author or ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_paragraphs_title_and_author(ws, tmp_path):
    data = _docx([("Minsk talks", "Heading 1"), ("Putin and Lukashenko met in Minsk on Monday.", None),
                  ("", None), ("The talks lasted two hours.", None)],
                 author="Olena K.", table=[["Unit", "Place"], ["38th brigade", "Brest"]])
    art = ws.article(ws.ingest(_write(tmp_path, "brief.docx", data), progress=False).added[0])
    assert art.title == "Minsk talks"             # the first heading, not repeated in the body
    assert art.author == "Olena K."
    assert art.text == ("Putin and Lukashenko met in Minsk on Monday.\n\nThe talks lasted two hours.\n\n"
                        "Unit\tPlace\n\n38th brigade\tBrest")


def test_docx_title_from_the_core_properties(ws, tmp_path):
    data = _docx([("Intro", "Heading 1"), ("Belarus moved two brigades to the border.", None)], title="Weekly brief")
    art = ws.article(ws.ingest(_write(tmp_path, "w.docx", data), progress=False).added[0])
    assert art.title == "Weekly brief"
    assert art.text == "Intro\n\nBelarus moved two brigades to the border."


def test_bad_docx_files_each_fail_on_one_line(ws, tmp_path):
    import zipfile

    good = _docx([("Belarus moved two brigades to the border.", None)])
    not_word = io.BytesIO()
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    cases = {
        "truncated.docx": (good[: len(good) // 2], "broken .docx"),
        "empty.docx": (b"", "empty file"),
        "old.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "not a .docx file (not a zip archive"),
        "zip.docx": (not_word.getvalue(), "not a Word document"),
        "blank.docx": (_docx([("", None)]), "no text in the document"),
    }
    paths = {name: _write(tmp_path, name, data) for name, (data, _) in cases.items()}
    result = ws.ingest(*paths.values(), progress=False)
    messages = [str(e) for e in result.failed]
    assert len(messages) == len(cases) and all("\n" not in m for m in messages)
    for name, (_, expect) in cases.items():
        assert any(m.startswith(f"{paths[name]}: {expect}") for m in messages), (name, messages)
    assert len(ws.articles) == 0 and not result.ok


# -- Telegram ----------------------------------------------------------------------------------
def _telegram(**extra) -> dict:
    return {
        "name": "Border Watch", "type": "public_channel", "id": 1234567, **extra,
        "messages": [
            {"id": 1, "type": "service", "date": "2022-12-01T08:00:00", "actor": "Border Watch",
             "action": "create_channel", "title": "Border Watch", "text": ""},
            {"id": 2, "type": "message", "date": "2022-12-19T10:30:00", "from": "Border Watch",
             "text": "Columns of Russian trucks seen near Brest this morning."},
            {"id": 3, "type": "message", "date": "2022-12-19T11:00:00", "from": "Border Watch",
             "forwarded_from": "Rybar", "text": ["Lukashenko met ", {"type": "bold", "text": "Putin"},
                                                 " in Minsk. Details: ",
                                                 {"type": "link", "text": "https://example.test/x"}]},
            {"id": 4, "type": "message", "date": "2022-12-19T12:00:00", "photo": "(File not included)",
             "text": ""},
            {"id": 5, "type": "message", "date": "2022-12-19T13:00:00", "text": {"not": "text"}},
            {"id": 6, "type": "service", "date": "2022-12-19T14:00:00", "action": "pin_message", "text": ""},
        ],
    }


def test_telegram_export_posts_become_articles(ws, tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(_telegram(username="borderwatch")), encoding="utf-8")
    result = ws.ingest(path, progress=False)
    assert len(result.added) == 2
    # the malformed post fails on one line; service and media-only messages are skipped, counted
    assert [str(e) for e in result.failed] == [
        f"{path} post 5: 'text' must be a string or a list, found dict"]
    assert [str(s) for s in result.skipped] == [
        f"{path}: skipped 1 posts without text (media only), 2 service messages"]
    assert "3 skipped" in result.summary()
    first, forwarded = (ws.article(i) for i in result.added)
    assert first.source == "Border Watch" and forwarded.source == "Border Watch"
    assert first.url == "https://t.me/borderwatch/2" and forwarded.url == "https://t.me/borderwatch/3"
    assert first.published == "2022-12-19T10:30:00"
    assert forwarded.text == "Lukashenko met Putin in Minsk. Details: https://example.test/x"
    assert forwarded.metadata["forwarded_from"] == "Rybar" and "forwarded_from" not in first.metadata
    assert first.metadata["telegram_id"] == 2
    assert "forwarded from Rybar" in forwarded._repr_html_() and "forwarded from" not in first._repr_html_()


def test_telegram_export_without_username_has_no_links(ws, tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(_telegram()), encoding="utf-8")
    result = ws.ingest(path, progress=False)
    assert [ws.article(i).url for i in result.added] == [None, None]
    again = ws.ingest(path, progress=False)
    assert again.added == [] and len(again.present) == 2 and not again.nothing_done


def test_forwarded_posts_share_the_origin_of_the_channel_they_came_from(ws, tmp_path):
    one = _telegram(username="borderwatch")
    other = {"name": "Minsk Daily", "type": "public_channel", "id": 99, "messages": [
        {"id": 7, "type": "message", "date": "2022-12-19T11:05:00", "forwarded_from": "Rybar",
         "text": "Rybar reports a column of trucks moving towards Brest."}]}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "result.json").write_text(json.dumps(one), encoding="utf-8")
    (tmp_path / "b" / "result.json").write_text(json.dumps(other), encoding="utf-8")
    result = ws.ingest(tmp_path / "a", tmp_path / "b", progress=False)
    titles = {ws.article(i).text[:20]: i for i in result.added}
    an = ws.new_analysis("Q?", ["A", "B"])
    an.tag_quote(titles["Lukashenko met Putin"], "Putin", ratings={"H1": "C"})
    an.tag_quote(titles["Rybar reports a colu"], "column of trucks", ratings={"H1": "C"})
    an.tag_quote(titles["Columns of Russian t"], "Russian trucks", ratings={"H1": "C"})
    origins = an.frame().drop_duplicates("evidence").set_index("evidence")["origin"]
    assert origins["E1"] == origins["E2"]      # both forwarded from Rybar, by two channels
    assert origins["E3"] != origins["E1"]      # the channel's own post
    assert an.score().n_origins == 2


def test_bad_telegram_exports(ws, tmp_path):
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(_telegram())[:300], encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"name": "Quiet", "type": "public_channel", "messages": []}), encoding="utf-8")
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"name": "Odd", "type": "public_channel", "messages": [7, "x"]}), encoding="utf-8")
    result = ws.ingest(cut, empty, odd, progress=False)
    messages = [str(e) for e in result.failed]
    assert messages[0].startswith(f"{cut}: invalid JSON (line 1")
    assert messages[1:] == [f"{odd} message 1: expected a JSON object, found int",
                            f"{odd} message 2: expected a JSON object, found str"]
    assert [str(s) for s in result.skipped] == [f"{empty}: no posts in the export"]
    assert result.nothing_done and not result.ok


def test_page_offsets_survive_the_clean_up_of_the_stored_text():
    from workbench.ingest._prepare import prepare
    from workbench.ingest.pdf import read_pdf

    # trailing spaces, a furniture line at the end of the last page, a no-break space
    pages = [["Report\u00a0title   ", "Troops moved to Brest.  "], [], ["NATO watched.", "Back to top"]]
    raw = read_pdf(make_pdf([[line.encode("latin-1", "replace").decode("latin-1") for line in p] for p in pages]), "x.pdf")
    prepared = prepare(raw)
    assert prepared.text == "Report title\nTroops moved to Brest.\n\nNATO watched."
    starts = dict(prepared.metadata["pages"])
    assert prepared.text[starts[3]:].startswith("NATO watched.")
