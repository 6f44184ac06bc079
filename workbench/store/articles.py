"""Articles and their outlets as stored: listing, look-up, search and the outlets' grades."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from collections.abc import Iterable

from sqlalchemy import Connection, TextClause, func, insert, or_, select, text, update

from . import schema as s
from ._rows import audit, bulk_insert, bulk_select, now, resolve_id
from .search import index_articles

__all__ = ["ARTICLE_COLUMNS", "SOURCE_COLUMNS", "list_articles", "count_articles", "resolve_article", "article_row",
           "article_texts", "search_articles", "list_sources", "find_source", "grade_source", "stored_ids",
           "originals_by_content", "articles_sharing_bands", "texts_and_roots", "insert_articles", "insert_bands",
           "source_for", "stored_urls", "articles_for_entities", "article_dates", "titles_and_texts", "text_and_hash",
           "candidate_articles", "article_text", "all_texts"]

#: The columns of each ``list_articles`` row.
ARTICLE_COLUMNS = ["id", "title", "source", "reliability", "url", "published", "language",
                   "author", "words", "copy_of", "ingested_at"]
#: The columns of each ``list_sources`` row.
SOURCE_COLUMNS = ["id", "name", "domain", "reliability", "graded", "notes", "articles", "evidence"]


def list_articles(conn: Connection) -> list[tuple[Any, ...]]:
    """Every article (no text) with its outlet's name and grade, oldest ingest first.

    Args:
        conn: a workspace connection.
    Returns:
        Plain driver tuples with ``ARTICLE_COLUMNS`` (read in bulk: the corpus can be large).
    """
    a, src = s.articles, s.sources
    query = (select(a.c.id, a.c.title, src.c.name.label("source"), src.c.reliability, a.c.url,
                    a.c.published, a.c.language, a.c.author, a.c.words, a.c.copy_of, a.c.ingested_at)
             .select_from(a.outerjoin(src, a.c.source_id == src.c.id))
             .order_by(a.c.ingested_at, a.c.id))
    return bulk_select(conn, query)


def count_articles(conn: Connection) -> int:
    """How many articles the workspace holds."""
    return int(conn.execute(select(func.count()).select_from(s.articles)).scalar_one())


def resolve_article(conn: Connection, article_id: str) -> str:
    """The full id of an article given by id or unique prefix (at least 4 characters).

    Raises:
        StoreError: no article, or several, match.
    """
    return resolve_id(conn, s.articles.c.id, article_id, "article", min_prefix=4)


def article_row(conn: Connection, article_id: str) -> dict[str, Any]:
    """One article's stored columns plus ``source`` (its outlet's name) and ``reliability``.

    Args:
        conn: a workspace connection.
        article_id: the article's full id.
    Returns:
        Column name -> value.
    Raises:
        sqlalchemy.exc.NoResultFound: no article has that id.
    """
    a, src = s.articles, s.sources
    row = conn.execute(select(a, src.c.name.label("source"), src.c.reliability)
                       .select_from(a.outerjoin(src, a.c.source_id == src.c.id)).where(a.c.id == article_id)
                       ).mappings().one()
    return dict(row)


def article_texts(conn: Connection, article_id: str | None = None) -> list[tuple[str, str]]:
    """(id, text) of one article, or of every article, in id order.

    Args:
        conn: a workspace connection.
        article_id: the article's full id, or None for all.
    """
    a = s.articles
    query = select(a.c.id, a.c.text).order_by(a.c.id)
    if article_id is not None:
        query = query.where(a.c.id == article_id)
    return [(ident, text) for ident, text in conn.execute(query).all()]


def article_dates(conn: Connection) -> dict[str, str]:
    """Article id -> its publication date, or its ingest time where none is known."""
    a = s.articles
    return dict(conn.execute(select(a.c.id, func.coalesce(a.c.published, a.c.ingested_at))).all())


def titles_and_texts(conn: Connection, ids: list[str]) -> dict[str, tuple[str | None, str]]:
    """Article id -> (title, text) for these articles (one statement)."""
    a = s.articles
    return {i: (title, body) for i, title, body in
            conn.execute(select(a.c.id, a.c.title, a.c.text).where(a.c.id.in_(ids))).all()}


def search_articles(conn: Connection, words: str, *, limit: int) -> list[str]:
    """Ids of articles whose text or title contains ``words`` (case-insensitive, portable ``ILIKE``).

    Args:
        conn: a workspace connection.
        words: the text to find (``%`` and ``_`` are dropped, so they are never wildcards).
        limit: at most this many ids.
    """
    a = s.articles
    pattern = f"%{words.replace('%', '').replace('_', '')}%"
    return list(conn.execute(select(a.c.id).where(or_(a.c.text.ilike(pattern), a.c.title.ilike(pattern)))
                             .limit(limit)).scalars())


def list_sources(conn: Connection) -> list[tuple[Any, ...]]:
    """Every outlet with its grade, whether an analyst graded it, notes, article count and
    evidence count (items tagged in its articles, across analyses), by name.

    Returns:
        Tuples with ``SOURCE_COLUMNS``.
    """
    src, a, e = s.sources, s.articles, s.evidence
    evidence = (select(func.count(e.c.id)).select_from(e.join(a, e.c.article_id == a.c.id))
                .where(a.c.source_id == src.c.id).scalar_subquery())
    articles = select(func.count(a.c.id)).where(a.c.source_id == src.c.id).scalar_subquery()
    query = (select(src.c.id, src.c.name, src.c.domain, src.c.reliability, src.c.graded, src.c.notes,
                    articles.label("articles"), evidence.label("evidence"))
             .order_by(src.c.name))
    return [tuple(r) for r in conn.execute(query).all()]


def find_source(conn: Connection, name: str) -> dict[str, Any] | None:
    """An outlet's id, grade and notes by its exact name (None when no outlet has that name)."""
    src = s.sources
    row = conn.execute(select(src.c.id, src.c.reliability, src.c.notes).where(src.c.name == name)).first()
    return None if row is None else {"id": row.id, "reliability": row.reliability, "notes": row.notes}


def grade_source(conn: Connection, source: dict[str, Any], values: dict[str, Any], *, actor: str) -> None:
    """Write an outlet's grade (and notes) and audit the change, in the caller's transaction.

    Args:
        conn: a write connection.
        source: the outlet as ``find_source`` read it (its before image).
        values: the columns to set (``reliability``, ``graded``, maybe ``notes``).
        actor: who grades, for the audit log.
    """
    src = s.sources
    conn.execute(update(src).where(src.c.id == source["id"]).values(**values))
    audit(conn, actor=actor, action="grade", target_type="source", target_id=str(source["id"]),
          before={"reliability": source["reliability"], "notes": source["notes"]}, after=values)


# -- ingest: what a new batch of articles is checked against, and how it is written ----------
_INSERT_ARTICLE = insert(s.articles)
_BANDS_PER_STATEMENT = 200   # SQLite allows 500 terms in a compound SELECT
_IDS_PER_STATEMENT = 500


def stored_ids(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Which of these article ids are stored already (one statement)."""
    a = s.articles
    return set(conn.execute(select(a.c.id).where(a.c.id.in_(list(ids)))).scalars())


def stored_urls(conn: Connection, urls: Iterable[str]) -> set[str]:
    """Which of these URLs are already an article's URL (one statement; a feed's re-read)."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return set()
    a = s.articles
    return set(conn.execute(select(a.c.url).where(a.c.url.in_(wanted)).distinct()).scalars())


def originals_by_content(conn: Connection, hashes: Iterable[str]) -> dict[str, str]:
    """Content hash -> the oldest-id stored article with that content, for the hashes stored."""
    a = s.articles
    return dict(conn.execute(select(a.c.content_hash, func.min(a.c.id)).where(a.c.content_hash.in_(set(hashes)))
                             .group_by(a.c.content_hash)).all())


def articles_sharing_bands(conn: Connection, bands: set[int], *, cap: int) -> dict[int, list[str]]:
    """Band -> the stored articles in that LSH bucket, at most ``cap`` each.

    Each bucket is read with its own ``LIMIT cap`` (subqueries joined by UNION ALL, a few
    statements per batch): an older workspace, filled before buckets were capped, may hold
    thousands of copies in a bucket, and reading them all made every batch cost as much as the
    stored copies. The first rows of a bucket are kept (the story's original and first copies).

    Args:
        conn: a connection.
        bands: the band keys looked up.
        cap: at most this many articles per bucket.
    Returns:
        band -> article ids; {} for no bands.
    """
    sharing: dict[int, list[str]] = {}
    wanted = sorted(bands)
    for start in range(0, len(wanted), _BANDS_PER_STATEMENT):
        chunk = wanted[start:start + _BANDS_PER_STATEMENT]
        params: dict[str, int] = {f"b{i}": band for i, band in enumerate(chunk)}
        params["cap"] = cap
        for band, article_id in conn.execute(_bucket_heads(len(chunk)), params):
            bucket = sharing.setdefault(band, [])
            if len(bucket) < cap:
                bucket.append(article_id)
    return sharing


@lru_cache(maxsize=8)
def _bucket_heads(count: int) -> TextClause:
    """``count`` per-band ``LIMIT :cap`` reads joined by UNION ALL, as plain SQL (portable to
    SQLite and PostgreSQL): SQLAlchemy takes a third of a second to compile the same 200
    subqueries as Core constructs, every batch."""
    part = "SELECT band, article_id FROM (SELECT band, article_id FROM article_bands WHERE band = :b{i} LIMIT :cap) AS h{i}"
    return text(" UNION ALL ".join(part.format(i=i) for i in range(count)))


def texts_and_roots(conn: Connection, ids: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """Stored articles' texts and the originals they copy (None for an original), by id.

    One statement per ``_IDS_PER_STATEMENT`` ids: the copy check reads a batch's candidates at once.
    """
    a = s.articles
    wanted = list(dict.fromkeys(ids))
    out: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(wanted), _IDS_PER_STATEMENT):
        chunk = wanted[start:start + _IDS_PER_STATEMENT]
        for article_id, stored_text, root in conn.execute(select(a.c.id, a.c.text, a.c.copy_of).where(a.c.id.in_(chunk))):
            out[article_id] = (stored_text, root)
    return out


def insert_articles(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert articles (one dict of ``articles`` columns each) in one executemany, and add them
    to the search index in the same transaction.

    Args:
        conn: a write connection.
        rows: the articles.
    """
    conn.execute(_INSERT_ARTICLE, rows)
    index_articles(conn, rows)


def insert_bands(conn: Connection, rows: list[tuple[int, str]]) -> None:
    """Insert (band, article id) LSH rows in bulk."""
    bulk_insert(conn, s.article_bands, ("band", "article_id"), rows)


def source_for(conn: Connection, name: str, domain: str | None) -> int | None:
    """The id of the outlet of this name, created (ungraded, audited) when new; None for no name.

    Args:
        conn: a write connection.
        name: the outlet's name ("" when unknown).
        domain: its web domain, stored when the outlet is created.
    """
    if not name:
        return None
    src = s.sources
    found = conn.execute(select(src.c.id).where(src.c.name == name)).scalar()
    if found is not None:
        return found
    new_id = conn.execute(insert(src).values(name=name, domain=domain, created_at=now())).inserted_primary_key[0]
    audit(conn, actor="workbench", action="create", target_type="source", target_id=str(new_id),
          after={"name": name, "domain": domain, "reliability": "F"})
    return new_id


def articles_for_entities(conn: Connection, ids: list[str]) -> list[tuple[str, str, str, str]]:
    """(id, text, content hash, language) of these articles, in id order: the entity pass's input."""
    a = s.articles
    return [tuple(r) for r in conn.execute(select(a.c.id, a.c.text, a.c.content_hash, a.c.language)
                                           .where(a.c.id.in_(ids)).order_by(a.c.id)).all()]  # type: ignore[misc]


def text_and_hash(conn: Connection, article_id: str) -> tuple[str, str]:
    """A stored article's text and content hash."""
    a = s.articles
    stored_text, digest = conn.execute(select(a.c.text, a.c.content_hash).where(a.c.id == article_id)).one()
    return stored_text, digest


def candidate_articles(conn: Connection, *, article_id: str | None, content_hash: str | None, url: str | None,
                       title: str | None, source: str | None) -> list[list[str]]:
    """Stored articles that may be the one an imported quote came from, best evidence first: the
    same id, the same content hash, the same URL, the same title (from the same outlet when one is
    named); each tier oldest first, an article listed in its best tier only, empty tiers dropped.

    Args:
        conn: a workspace connection.
        article_id, content_hash, url: as the document gives them (None or "" when unknown).
        title, source: the article's title and outlet (white space folded, compared without case).
    """
    a, src = s.articles, s.sources
    tiers: list[list[str]] = []
    if article_id:
        tiers.append(list(conn.execute(select(a.c.id).where(a.c.id == article_id)).scalars()))
    if content_hash:
        tiers.append(list(conn.execute(select(a.c.id).where(a.c.content_hash == content_hash)
                                       .order_by(a.c.ingested_at, a.c.id)).scalars()))
    if url:
        tiers.append(list(conn.execute(select(a.c.id).where(a.c.url == url.strip())
                                       .order_by(a.c.ingested_at, a.c.id)).scalars()))
    folded = " ".join((title or "").split())
    if folded:
        query = (select(a.c.id).select_from(a.outerjoin(src, a.c.source_id == src.c.id))
                 .where(func.lower(a.c.title) == folded.lower()).order_by(a.c.ingested_at, a.c.id))
        if source:
            query = query.where(func.lower(src.c.name) == " ".join(source.split()).lower())
        tiers.append(list(conn.execute(query).scalars()))
    seen: set[str] = set()
    out = []
    for tier in tiers:
        fresh = [i for i in tier if i not in seen]
        seen.update(fresh)
        if fresh:
            out.append(fresh)
    return out


def article_text(conn: Connection, article_id: str) -> str:
    """A stored article's text."""
    return str(conn.execute(select(s.articles.c.text).where(s.articles.c.id == article_id)).scalar_one())


def all_texts(conn: Connection) -> dict[str, str]:
    """Article id -> text, for every article (one statement)."""
    return dict(conn.execute(select(s.articles.c.id, s.articles.c.text)).all())
