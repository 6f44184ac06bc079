"""RSS and Atom feeds (feedparser): each item becomes an article, once.

Which text an item gets:
  * the item's **full content** (``content:encoded``, Atom ``<content>``) when the feed carries
    it: nothing more is fetched;
  * otherwise the **page at the item's link**, fetched within the same limits as any URL
    (size, time, redirects) and held to the redirect rule as if the feed had redirected to
    it: a feed on a public host cannot send the fetcher to a private address;
  * if there is no link, or the page yields no text, the item's **summary** when it has one
    (the article's metadata says ``feed_text: "summary"``).

Re-reading a feed adds only new items: an item whose link is already an article's URL in
the workspace is skipped before anything is fetched (``known``); an item stored from its own
content comes back with the same id and is reported as already present.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..errors import InputError
from .fetch import FEED_TYPES, Fetched, fetch
from .html import extract_html, html_fragment_text
from .raw import RawArticle, Skipped

__all__ = ["MAX_FEED_ITEMS", "is_feed", "read_feed"]

MAX_FEED_ITEMS = 200   # items read from one feed; a longer feed is cut (and says so)
_SNIFF = 1024

Known = Callable[[Iterable[str]], set[str]]


def is_feed(fetched: Fetched) -> bool:
    """Whether a fetched document is a feed: a feed content type, or XML that opens as one."""
    if fetched.content_type in FEED_TYPES:
        return True
    if fetched.content_type not in ("text/html", "text/plain", "application/xhtml+xml"):
        return False
    head = fetched.body[:_SNIFF].lstrip().lower()
    return head.startswith(b"<?xml") and any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def read_feed(fetched: Fetched, fetch_options: dict[str, Any], known: Known | None = None
              ) -> Iterator[RawArticle | InputError | Skipped]:
    """The items of a fetched feed as articles.

    Args:
        fetched: the feed as fetched (its URL names it in messages).
        fetch_options: the fetch limits, used again for each item's page.
        known: given URLs, returns those already stored in the workspace (None: nothing is).
    Returns:
        An iterator of RawArticle (outlet: the feed's title; url: the item's link),
        InputError for an item that could not be read, and Skipped lines (items already
        stored, items past ``MAX_FEED_ITEMS``).
    Raises:
        InputError: the document is not a readable feed.
    """
    import feedparser

    # bytes, never a string: feedparser fetches a string that looks like a URL
    parsed = feedparser.parse(bytes(fetched.body), sanitize_html=True, resolve_relative_uris=True)
    entries = list(parsed.entries)
    problem = getattr(parsed, "bozo_exception", None) if parsed.bozo else None
    # feedparser reads sloppy feeds (an HTML entity, a stray tag) in its loose mode; a feed
    # whose items it cannot make anything of is refused, named by the parser's complaint
    if problem is not None and not any(_link(e) or e.get("content") or e.get("summary") for e in entries):
        raise InputError(fetched.url, f"not a readable feed ({_one_line(problem)})")
    if not entries:
        raise InputError(fetched.url, "feed has no items")
    outlet = _clean(parsed.feed.get("title"))
    if len(entries) > MAX_FEED_ITEMS:
        yield Skipped(fetched.url, f"feed has {len(entries):,} items; read the first {MAX_FEED_ITEMS:,}",
                      count=len(entries) - MAX_FEED_ITEMS)
        entries = entries[:MAX_FEED_ITEMS]
    links = [_link(entry) for entry in entries]
    stored = known([link for link in links if link]) if known else set()
    already = 0
    for index, (entry, link) in enumerate(zip(entries, links), 1):
        if link and link in stored:
            already += 1
            continue
        label = f"{fetched.url} item {index}" + (f" ({link})" if link else "")
        try:
            yield _item(entry, link, label, outlet, fetched, fetch_options)
        except InputError as exc:
            yield exc
    if already:
        yield Skipped(fetched.url, f"{already} item{'s' * (already != 1)} already in the workspace "
                                   f"(same link): not fetched again", count=already,
                      unchanged=True)


def _item(entry: Any, link: str | None, label: str, outlet: str | None, feed: Fetched,
          fetch_options: dict[str, Any]) -> RawArticle:
    """One item: its own content, else its page, else its summary."""
    title = _clean(entry.get("title"))
    meta: dict[str, Any] = {"feed": feed.url}
    guid = entry.get("id")
    if guid:
        meta["feed_guid"] = str(guid)
    content = "\n\n".join(html_fragment_text(part.get("value") or "", label) for part in entry.get("content") or [])
    article: RawArticle | None = None
    page_problem = None
    if content.strip():
        article = RawArticle(text=content, origin=label)
        meta["feed_text"] = "content"
    elif link:
        try:
            page = fetch(link, linked_from=feed, **fetch_options)
            if page.content_type not in ("text/html", "application/xhtml+xml"):
                raise InputError(link, f"item page is {page.content_type}, not HTML")
            article = extract_html(page.body, link)
            meta["feed_text"] = "page"
        except InputError as exc:
            page_problem = exc
    if article is None:
        summary = html_fragment_text(entry.get("summary") or "", label)
        if not summary.strip():
            raise page_problem if page_problem is not None else InputError(label, "item has no text and no link")
        article = RawArticle(text=summary, origin=label)
        meta["feed_text"] = "summary"
        if page_problem is not None:
            meta["page_problem"] = page_problem.problem
    article.origin = label
    article.url = link or article.url
    article.title = title or article.title
    article.outlet = article.outlet or outlet
    article.author = _clean(entry.get("author")) or article.author
    published = entry.get("published") or entry.get("updated")
    article.published = str(published) if published else article.published
    article.metadata.update(meta)
    return article


def _link(entry: Any) -> str | None:
    """The item's link, or its guid when that is an http(s) URL (RSS permalinks)."""
    for value in (entry.get("link"), entry.get("id")):
        if isinstance(value, str) and value.lower().startswith(("http://", "https://")):
            return value.strip()
    return None


def _clean(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _one_line(exc: Any) -> str:
    text = " ".join(str(exc).split())
    return text[:160] + "…" if len(text) > 160 else text
