"""Ingestion from every supported kind of source, into a real SQLite file and a real PostgreSQL
database (``workspace_location``)."""
import json

import pytest

from conftest import SEED_TXT

SEED_ID = "77591201f77be997"


@pytest.fixture
def ws(any_ws):
    """The workspace under test, on each backend."""
    return any_ws


def test_seed_directory_with_sidecar(ws, seed_dir):
    result = ws.ingest(seed_dir, progress=False)
    assert result.ok and len(result.added) == 1
    art = ws.article(result.added[0])
    assert art.title == "Putin – Lukashenko talks in Minsk. What did the dictators agree on?"
    assert art.source == "Insight News Media"
    assert art.published in ("2022-12-19", "2022-12-20")
    assert art.language == "en"
    assert art.reliability == "F"  # default Admiralty grade: cannot be judged
    assert "Scroll to Top" not in art.text and "Google News" not in art.text
    assert art.metadata["topic"].startswith("Belarus")  # unknown sidecar keys are kept
    assert len(art.entities) > 20
    assert set(art.entities.columns) >= {"start", "end", "label", "text", "canonical"}
    for m in art.mentions:
        assert art.text[m["start"]:m["end"]] == m["text"]


def test_same_article_again_is_already_present(ws, seed_dir):
    first = ws.ingest(seed_dir, progress=False)
    again = ws.ingest(seed_dir, progress=False)
    assert again.added == [] and again.ok
    assert again.present == [(str(seed_dir / "000_77591201f77be997.txt"), first.added[0])]
    assert "already present" in "\n".join(again.lines())
    assert len(ws.articles) == 1


def test_txt_with_front_matter(ws, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("---\ntitle: \"Front matter title\"\nurl: https://example.test/a\npublished: 2023-01-05\n"
                    "outlet: Example Wire\nregion: Eastern Europe\n---\nNATO said on Monday that Belarus hosts Russian troops.\n",
                    encoding="utf-8")
    result = ws.ingest(path, progress=False)
    art = ws.article(result.added[0])
    assert (art.title, art.url, art.published, art.source) == (
        "Front matter title", "https://example.test/a", "2023-01-05", "Example Wire")
    assert art.metadata == {"region": "Eastern Europe"}
    assert art.text.startswith("NATO said")


def test_markdown_heading_becomes_title(ws, tmp_path):
    path = tmp_path / "b.md"
    path.write_text("# Troops seen near Brest\n\nSatellite images show Russian armour near Brest on March 3.\n", encoding="utf-8")
    art = ws.article(ws.ingest(path, progress=False).added[0])
    assert art.title == "Troops seen near Brest"


def test_html_main_text_and_metadata(ws, tmp_path):
    from conftest import ARTICLE_HTML

    path = tmp_path / "page.html"
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    art = ws.article(ws.ingest(path, progress=False).added[0])
    assert art.title == "Minsk talks end without a deal"
    assert art.author == "Jane Analyst"
    assert art.published.startswith("2022-12-20")
    assert "Institute for the Study of War" in art.text
    assert "Subscribe to our newsletter" not in art.text and "Home" not in art.text.split()


def test_json_object_list_and_unknown_keys(ws, tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"title": "One", "text": "Lukashenko met Putin in Sochi on September 14, 2020.",
                               "source": "Wire A", "published": "2020-09-14", "language": "en", "desk": "east"}))
    many = tmp_path / "many.json"
    many.write_text(json.dumps([
        {"title": "Two", "text": "The CSTO held exercises in Belarus in October.", "outlet": "Wire B"},
        {"title": "Three", "text": "Ukraine's Armed Forces reported strikes near Kherson.", "url": "https://w.test/3"},
    ]))
    result = ws.ingest(one, many, progress=False)
    assert len(result.added) == 3 and result.ok
    df = ws.articles.set_index("title")
    assert df.loc["One", "source"] == "Wire A" and df.loc["Two", "source"] == "Wire B"
    assert df.loc["Three", "source"] == "w.test"  # outlet falls back to the URL's domain
    assert ws.article(df.loc["One", "id"]).metadata == {"desk": "east"}


def test_jsonl_and_csv(ws, tmp_path):
    jl = tmp_path / "a.jsonl"
    jl.write_text("\n".join(json.dumps({"title": f"L{i}", "text": f"Report number {i} from Minsk about drills and troops."})
                            for i in range(3)) + "\n")
    csvf = tmp_path / "a.csv"
    csvf.write_text('title,text,published,source\n"C1","Belarus said, again, that it will not join the war.",2022-12-21,Wire C\n'
                    '"C2","Multi-line\ntext about NATO.",2022-12-22,Wire C\n', encoding="utf-8")
    result = ws.ingest(jl, csvf, progress=False)
    assert result.ok and len(result.added) == 5
    df = ws.articles.set_index("title")
    assert df.loc["C2", "published"] == "2022-12-22"
    assert ws.article(df.loc["C2", "id"]).text == "Multi-line\ntext about NATO."


def test_directory_is_read_recursively_and_skips_hidden(ws, tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "top.txt").write_text("Top level article about Minsk and Moscow talks.")
    (tmp_path / "d" / "sub" / "deep.txt").write_text("Nested article about the Union State of Russia and Belarus.")
    (tmp_path / "d" / ".hidden.txt").write_text("Hidden file that must not be read.")
    (tmp_path / "d" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = ws.ingest(tmp_path / "d", progress=False)
    assert len(result.added) == 2 and result.ok
    # a file nobody reads is said to be skipped, and why; it is not a failure
    assert [str(s) for s in result.skipped] == [f"{tmp_path / 'd' / 'photo.png'}: not read: unsupported file type '.png'"]


def test_russian_cp1251_file(ws, tmp_path):
    path = tmp_path / "ru.txt"
    path.write_bytes("Владимир Путин прибыл в Минск для переговоров с Александром Лукашенко. Это был первый визит за три года.".encode("cp1251"))
    art = ws.article(ws.ingest(path, progress=False).added[0])
    assert art.language == "ru"
    assert art.text.startswith("Владимир Путин")


def test_url_ingest_from_local_server(ws, http_server):
    result = ws.ingest(f"{http_server}/article.html", f"{http_server}/plain.txt", progress=False)
    assert result.ok, result.lines()
    df = ws.articles.set_index("title")
    assert df.loc["Minsk talks end without a deal", "url"] == f"{http_server}/article.html"
    assert df.loc["Minsk talks end without a deal", "source"] == "Example Wire"


def test_syndicated_copy_is_stored_and_marked(ws, tmp_path):
    original = SEED_TXT.read_text(encoding="utf-8")
    a = tmp_path / "a.json"
    a.write_text(json.dumps({"title": "Original", "text": original, "url": "https://insightnews.test/x"}))
    copy_text = original.replace("dictators", "leaders").replace("Minsk", "Minsk (Belarus)", 1) + "\n\nRepublished with permission."
    b = tmp_path / "b.json"
    b.write_text(json.dumps({"title": "Copy", "text": copy_text, "url": "https://mirror.test/y"}))
    other = tmp_path / "c.json"
    other.write_text(json.dumps({"title": "Other", "text": "A different story about HIMARS deliveries to Ukraine in June.", "url": "https://z.test"}))
    result = ws.ingest(a, b, other, progress=False)
    assert len(result.added) == 3
    df = ws.articles.set_index("title")
    assert df.loc["Copy", "copy_of"] == df.loc["Original", "id"]
    assert df.loc["Original", "copy_of"] is None or df.loc["Original", "copy_of"] != df.loc["Original", "copy_of"]
    assert result.copies == [(df.loc["Copy", "id"], df.loc["Original", "id"])]
    assert not isinstance(df.loc["Other", "copy_of"], str)


def test_identical_text_on_another_url_is_a_copy_and_reuses_mentions(ws, tmp_path):
    text = SEED_TXT.read_text(encoding="utf-8")
    for name, url in (("a", "https://one.test/a"), ("b", "https://two.test/b")):
        (tmp_path / f"{name}.json").write_text(json.dumps({"title": name, "text": text, "url": url}))
    result = ws.ingest(tmp_path / "a.json", tmp_path / "b.json", progress=False)
    a_id, b_id = result.added
    assert result.copies == [(b_id, a_id)]
    ea, eb = ws.entities(a_id), ws.entities(b_id)
    assert len(ea) == len(eb) > 0
    assert list(ea["text"]) == list(eb["text"])


def test_every_ingest_is_audited(ws, seed_dir, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("NATO met in Brussels on Monday. Jens Stoltenberg spoke about Ukraine.\n", encoding="utf-8")
    ws.ingest(seed_dir, other, progress=False)
    ws.ingest(seed_dir, progress=False)                     # already present: no new event
    history = ws.history()
    ingested = history[history["action"] == "ingest"]
    assert sorted(ingested["target_id"]) == sorted(ws.articles["id"])      # one event per stored article
    assert (ingested["target_type"] == "article").all()
    titles = {json.loads(after)["title"] for after in ingested["after"]}
    assert titles == set(ws.articles["title"])
    created = history[history["action"] == "create"]
    assert set(created["target_type"]) == {"source"} and len(created) == len(ws.sources)


def test_grade_source(ws, seed_dir):
    ws.ingest(seed_dir, progress=False)
    ws.grade_source("Insight News Media", "c", notes="Ukrainian outlet, partisan")
    src = ws.sources.set_index("name").loc["Insight News Media"]
    assert src["reliability"] == "C" and src["articles"] == 1
    from workbench.errors import StoreError
    with pytest.raises(StoreError, match="must be one of"):
        ws.grade_source("Insight News Media", "G")
    with pytest.raises(StoreError, match="not in this workspace"):
        ws.grade_source("Nobody", "A")


def test_article_prefix_lookup_and_unknown(ws, seed_dir):
    aid = ws.ingest(seed_dir, progress=False).added[0]
    assert ws.article(aid[:6]).id == aid
    from workbench.errors import StoreError
    with pytest.raises(StoreError, match="not in this workspace"):
        ws.article("ffffffffffff")


def test_show_escapes_article_text(ws, tmp_path):
    import workbench as wb

    path = tmp_path / "x.json"
    path.write_text(json.dumps({"title": "<img src=x onerror=alert(1)>", "text": "NATO <script>alert('x')</script> & Putin said."}))
    art = ws.article(ws.ingest(path, progress=False).added[0])
    html = wb.show(art).data
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html or "&lt;script&gt;alert('x')&lt;/script&gt;" in html
