"""RSS and Atom feeds served from 127.0.0.1: items in, once; limits and bad feeds."""
from __future__ import annotations

import http.server
import threading
from collections import Counter
from collections.abc import Iterator

import pytest

BODY_A = "Russian troops arrived in Minsk on Monday, the Belarusian defence ministry said in a statement."
BODY_B = "Satellite images show armour parked at a training ground near Brest, ten kilometres from Poland."
BODY_C = "NATO said it was watching the border closely and would answer any provocation."
BODY_D = "Lukashenko said on Friday that Belarus would not send troops to Ukraine."


def _page(title: str, body: str) -> bytes:
    return (f"<html><head><title>{title}</title><meta property='og:site_name' content='Border News'></head>"
            f"<body><article><h1>{title}</h1><p>{body}</p><p>More on this story as it develops.</p></article>"
            f"</body></html>").encode()


def _rss(base: str, items: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Border Feed</title>'
            f'<link>{base}/</link><description>news</description>{"".join(items)}</channel></rss>').encode()


def _items(base: str) -> list[str]:
    return [
        # A: the feed carries the full text: the page is never fetched
        f"<item><title>Troops in Minsk</title><link>{base}/a.html</link><guid>{base}/a.html</guid>"
        f"<pubDate>Mon, 19 Dec 2022 10:00:00 GMT</pubDate><author>desk@border.test (Ivan P.)</author>"
        f"<description>Teaser A</description><content:encoded><![CDATA[<p>{BODY_A}</p><p>Second paragraph.</p>]]>"
        f"</content:encoded></item>",
        # B: only a teaser: the item's page is fetched
        f"<item><title>Armour near Brest</title><link>{base}/b.html</link>"
        f"<description>Teaser B</description><pubDate>Mon, 19 Dec 2022 11:00:00 GMT</pubDate></item>",
        # C: no link at all: its summary is the text
        f"<item><title>NATO watches</title><guid isPermaLink='false'>c-1</guid>"
        f"<description>&lt;p&gt;{BODY_C}&lt;/p&gt;</description></item>",
    ]


class _Feeds(http.server.BaseHTTPRequestHandler):
    hits: Counter = Counter()
    routes: dict[str, tuple[str, bytes]] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.hits[self.path] += 1
        if self.path not in self.routes:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        ctype, body = self.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve(handler: type) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def feeds() -> Iterator[tuple[str, type]]:
    """A server of feeds and item pages on 127.0.0.1, with a hit counter per path."""
    handler = type("Feeds", (_Feeds,), {"hits": Counter(), "routes": {}})
    server, base = _serve(handler)
    handler.routes.update({
        "/feed.rss": ("application/rss+xml", _rss(base, _items(base))),
        "/a.html": ("text/html", _page("Troops in Minsk", BODY_A)),
        "/b.html": ("text/html", _page("Armour near Brest", BODY_B)),
    })
    yield base, handler
    server.shutdown()
    server.server_close()


def test_rss_items_are_ingested_from_content_page_or_summary(ws, feeds):
    base, handler = feeds
    result = ws.ingest(f"{base}/feed.rss", progress=False)
    assert result.ok, result.lines()
    assert len(result.added) == 3
    arts = {a.title: a for a in (ws.article(i) for i in result.added)}
    a, b, c = arts["Troops in Minsk"], arts["Armour near Brest"], arts["NATO watches"]
    assert a.text == f"{BODY_A}\n\nSecond paragraph." and a.metadata["feed_text"] == "content"
    assert a.url == f"{base}/a.html" and a.source == "Border Feed" and a.published.startswith("2022-12-19T10:00")
    assert a.author == "desk@border.test (Ivan P.)"
    assert b.text.startswith(BODY_B) and b.metadata["feed_text"] == "page" and b.url == f"{base}/b.html"
    assert b.source == "Border News"            # the page names its outlet
    assert c.text == BODY_C and c.metadata["feed_text"] == "summary" and c.url is None
    assert handler.hits["/a.html"] == 0 and handler.hits["/b.html"] == 1


def test_rerunning_a_feed_adds_only_new_items(ws, feeds):
    base, handler = feeds
    ws.ingest(f"{base}/feed.rss", progress=False)
    again = ws.ingest(f"{base}/feed.rss", progress=False)
    assert again.added == [] and again.ok and not again.failed
    assert "3 already present" in again.summary()
    assert handler.hits["/b.html"] == 1            # a stored item's page is not fetched again
    handler.routes["/d.html"] = ("text/html", _page("Lukashenko on troops", BODY_D))
    new = f"<item><title>Lukashenko on troops</title><link>{base}/d.html</link><description>Teaser D</description></item>"
    handler.routes["/feed.rss"] = ("application/rss+xml", _rss(base, [new, *_items(base)]))
    third = ws.ingest(f"{base}/feed.rss", progress=False)
    assert len(third.added) == 1 and ws.article(third.added[0]).title == "Lukashenko on troops"
    assert len(ws.articles) == 4


def test_atom_feed_and_a_feed_served_as_html_are_recognised(ws, feeds):
    base, handler = feeds
    atom = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>'
            f'<id>urn:x</id><updated>2022-12-20T09:00:00Z</updated><entry><title>Talks end</title>'
            f'<link href="{base}/atom-1.html"/><id>urn:1</id><updated>2022-12-20T09:00:00Z</updated>'
            f'<content type="html">&lt;p&gt;{BODY_D}&lt;/p&gt;</content></entry></feed>').encode()
    handler.routes["/atom"] = ("application/atom+xml", atom)
    handler.routes["/sniffed"] = ("text/html", _rss(base, _items(base)[:1]))
    result = ws.ingest(f"{base}/atom", f"{base}/sniffed", progress=False)
    assert result.ok, result.lines()
    titles = sorted(ws.article(i).title for i in result.added)
    assert titles == ["Talks end", "Troops in Minsk"]
    talks = ws.article(result.added[0])
    assert talks.text == BODY_D and talks.source == "Atom Wire" and talks.url == f"{base}/atom-1.html"


def test_item_pages_are_fetched_within_the_limits(ws, feeds):
    base, handler = feeds
    big = b"<html><body><p>" + b"x " * 400_000 + b"</p></body></html>"
    handler.routes["/b.html"] = ("text/html", big)
    handler.routes["/lone"] = ("application/rss+xml", _rss(base, [
        f"<item><title>Big</title><link>{base}/b.html</link></item>",
        f"<item><title>Gone</title><link>{base}/gone.html</link><description>Teaser G</description></item>"]))
    result = ws.ingest(f"{base}/lone", progress=False, fetch_options={"max_bytes": 100_000})
    # the oversize page with no summary fails on one line; the missing page falls back to its summary
    assert [str(e) for e in result.failed] == [f"{base}/b.html: response too large ({len(big):,} bytes, limit 100,000)"]
    gone = ws.article(result.added[0])
    assert gone.text == "Teaser G" and gone.metadata["feed_text"] == "summary"
    assert gone.metadata["page_problem"] == "HTTP 404 Not Found"


def test_a_feed_cannot_send_the_fetcher_to_another_private_origin(ws, feeds):
    base, handler = feeds
    other_handler = type("Other", (_Feeds,), {"hits": Counter(), "routes": {
        "/secret.html": ("text/html", _page("Internal", "An internal page that no feed may reach."))}})
    other, other_base = _serve(other_handler)
    try:
        handler.routes["/evil"] = ("application/rss+xml", _rss(base, [
            f"<item><title>Internal</title><link>{other_base}/secret.html</link></item>"]))
        result = ws.ingest(f"{base}/evil", progress=False)
    finally:
        other.shutdown()
        other.server_close()
    assert other_handler.hits["/secret.html"] == 0
    assert len(result.failed) == 1
    message = str(result.failed[0])
    assert message.startswith(f"{other_base}/secret.html: redirect to {other_base}/secret.html refused "
                              f"(127.0.0.1 is a loopback address, on another origin than {base})")
    assert result.nothing_done and not result.ok


@pytest.mark.parametrize("ctype,body,expect", [
    ("application/rss+xml", b"", "feed has no items"),
    ("application/rss+xml", b'<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>',
     "feed has no items"),
    ("application/rss+xml", b'{"title": "not a feed"}', "not a readable feed ("),
    ("application/rss+xml", b'<?xml version="1.0"?><rss version="2.0"><channel><title>Cut</title><item><tit',
     "not a readable feed ("),
], ids=["empty", "no-items", "wrong-type", "truncated"])
def test_bad_feeds_fail_on_one_line(ws, feeds, ctype, body, expect):
    base, handler = feeds
    handler.routes["/bad"] = (ctype, body)
    result = ws.ingest(f"{base}/bad", progress=False)
    assert len(result.failed) == 1 and str(result.failed[0]).startswith(f"{base}/bad: {expect}"), result.lines()
    assert "\n" not in str(result.failed[0])
    assert len(ws.articles) == 0


def test_a_huge_feed_is_refused_by_the_fetch_limit(ws, feeds):
    base, handler = feeds
    handler.routes["/huge"] = ("application/rss+xml", _rss(base, _items(base) * 2000))
    result = ws.ingest(f"{base}/huge", progress=False, fetch_options={"max_bytes": 200_000})
    assert len(result.failed) == 1 and str(result.failed[0]).startswith(f"{base}/huge: response too large (")


def test_a_long_feed_is_cut_and_says_so(ws, feeds):
    from workbench.ingest.feeds import MAX_FEED_ITEMS

    base, handler = feeds
    items = [f"<item><title>N{i}</title><guid isPermaLink='false'>n{i}</guid>"
             f"<description>Report number {i} about troops near Brest.</description></item>"
             for i in range(MAX_FEED_ITEMS + 5)]
    handler.routes["/long"] = ("application/rss+xml", _rss(base, items))
    result = ws.ingest(f"{base}/long", progress=False)
    assert len(result.added) == MAX_FEED_ITEMS
    assert [str(s) for s in result.skipped] == [
        f"{base}/long: feed has {MAX_FEED_ITEMS + 5:,} items; read the first {MAX_FEED_ITEMS:,}"]


def test_cli_ingests_a_feed_and_a_rerun_with_nothing_new_exits_zero(tmp_path, feeds):
    from click.testing import CliRunner

    from workbench.cli import main

    base, handler = feeds
    args = ["ingest", "--workspace", str(tmp_path / "w.sqlite"), f"{base}/feed.rss"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "3 added (0 syndicated copies), 0 already present, 0 failed" in first.output
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "0 added (0 syndicated copies), 3 already present, 0 failed" in again.output
    assert f"skipped: {base}/feed.rss: 2 items already in the workspace (same link): not fetched again" in again.output
