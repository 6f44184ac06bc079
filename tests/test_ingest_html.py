"""HTML that reads like the page: little markup, paragraphs, headline, outlet and author."""
from __future__ import annotations

import json

import pytest

from conftest import ARTICLE_HTML

P1 = "Satellite images published on Monday show Russian armour parked at a training ground near Brest."
P2 = "Local residents said convoys had been moving through the town at night for a week."
P3 = "The Belarusian defence ministry described the movements as a routine rotation."


def _ingest(ws, tmp_path, html: str, name: str = "page.html"):
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    result = ws.ingest(path, progress=False)
    assert result.ok, result.lines()
    return ws.article(result.added[0])


@pytest.mark.parametrize("body", [
    f"<div>{P1}</div><div>{P2}</div><div>{P3}</div>",
    f"{P1}<br><br>{P2}<br><br>{P3}",
    f"<div class='txt'>{P1}<br/><br/>\n{P2}<br/><br/>\n{P3}</div>",
], ids=["divs", "bare-br", "br-in-div"])
def test_little_markup_is_read_with_its_paragraphs(ws, tmp_path, body):
    art = _ingest(ws, tmp_path, f"<html><head><title>Brest</title></head><body>{body}</body></html>")
    assert art.text == f"{P1}\n\n{P2}\n\n{P3}"


def test_paragraphs_are_kept_and_the_headline_is_not_repeated(ws, tmp_path):
    art = _ingest(ws, tmp_path, ARTICLE_HTML)
    assert art.title == "Minsk talks end without a deal"
    paragraphs = art.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Russian President Vladimir Putin")
    assert "Minsk talks end without a deal" not in art.text


def test_a_single_line_break_stays_a_line_break(ws, tmp_path):
    art = _ingest(ws, tmp_path, f"<html><body><article><p>{P1}<br>{P2}</p><p>{P3}</p></article></body></html>")
    assert art.text == f"{P1}\n{P2}\n\n{P3}"


@pytest.mark.parametrize("head,expect", [
    ('<meta property="og:url" content="https://www.border-news.test/brest">', "border-news.test"),
    ('<link rel="canonical" href="https://minsk-wire.test/2022/12/brest">', "minsk-wire.test"),
    ('<meta property="og:site_name" content="Border News">'
     '<link rel="canonical" href="https://www.border-news.test/brest">', "Border News"),
], ids=["og-url", "canonical", "site-name-wins"])
def test_outlet_falls_back_to_the_site_domain(ws, tmp_path, head, expect):
    art = _ingest(ws, tmp_path, f"<html><head><title>Brest</title>{head}</head><body><p>{P1}</p><p>{P2}</p></body></html>")
    assert art.source == expect


def test_outlet_of_a_fetched_page_without_site_name_is_its_domain(ws, http_server):
    # conftest's /plain.txt has no metadata at all: the URL's host names the outlet
    result = ws.ingest(f"{http_server}/plain.txt", progress=False)
    assert ws.article(result.added[0]).source == "127.0.0.1"


@pytest.mark.parametrize("head,body", [
    ('<meta name="author" content="Jane Analyst">', ""),
    ('<meta property="article:author" content="Jane Analyst">', ""),
    ("", '<p class="byline">By Jane Analyst</p>'),
    ('<script type="application/ld+json">' + json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Brest",
         "author": {"@type": "Person", "name": "Jane Analyst"}}) + "</script>", ""),
], ids=["meta", "article-author", "byline", "json-ld"])
def test_author_is_stored_and_shown(ws, tmp_path, head, body):
    art = _ingest(ws, tmp_path, f"<html><head><title>Brest</title>{head}</head><body><article><h1>Brest</h1>"
                                f"{body}<p>{P1}</p><p>{P2}</p><p>{P3}</p></article></body></html>")
    assert art.author == "Jane Analyst"
    assert "by Jane Analyst" in art._repr_html_()


def test_author_is_escaped_where_shown(ws, tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "T", "text": P1, "author": "<img src=x onerror=alert(1)>"}), encoding="utf-8")
    art = ws.article(ws.ingest(path, progress=False).added[0])
    html = art._repr_html_()
    assert "<img src=x" not in html and "by &lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("page", [
    "<html><head><style>body{color:red} p{margin:0}</style></head><body></body></html>",
    "<html><head><title>App</title><script src='app.js'></script></head><body><div id='root'></div></body></html>",
], ids=["css-only", "empty-shell"])
def test_pages_without_text_are_still_refused(ws, tmp_path, page):
    path = tmp_path / "shell.html"
    path.write_text(page, encoding="utf-8")
    result = ws.ingest(path, progress=False)
    assert [str(e) for e in result.failed] == [f"{path}: no article text found in the page"]
