"""The full-text search index: kept with the articles, ranked queries with filters.

The index holds each article's words in their search forms (``nlp._stems``: stems and
lemmas, case and diacritics folded), so that Москва finds Москве and Київ finds Києві. Article text never changes, so an article is indexed once, in
the transaction that stores it (``insert_articles`` calls ``index_articles``).

- SQLite: an FTS5 table ``article_search`` (columns ``title``, ``body``; tokenizer
  ``porter unicode61 remove_diacritics 2``) given ``nlp._stems.index_text`` (Cyrillic words
  replaced by their forms, the rest stemmed by FTS5 in C), contentless so that the index does not hold a second
  copy of every text, ranked by ``bm25``. Its rowids are numbered by ``article_search_rows``
  (article id <-> rowid; an article's own rowid may change when SQLite vacuums). A search
  joins through that table to ``articles``, so an article deleted without ``unindex_articles``
  is never found, only counted in the index's statistics until ``rebuild_index``.
- PostgreSQL: a table ``article_search`` (article id, ``document tsvector``) with a GIN index,
  ranked by ``ts_rank_cd``. The tsvector is written as a literal (lexemes and positions
  computed here, title weighted A, body B), so the server's parser and dictionaries play no part:
  both backends match the same words.

Snippets are not cut by the database (``snippet()`` / ``ts_headline`` would show the index's
stems and lemmas): the workspace marks the article's own words, found by the same normaliser.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text

from ..nlp import Phrase, Query, Term, index_text, shadow

__all__ = ["SearchFilters", "create_index", "index_articles", "unindex_articles", "rebuild_index",
           "index_batch_alone",
           "search_articles",
           "hit_details", "fts5_match", "tsquery", "indexed_count", "stored_languages", "canonical_names"]

_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
_FTS_DDL = f"CREATE VIRTUAL TABLE IF NOT EXISTS article_search USING fts5(title, body, content='', {_TOKENIZE})"
# a batch indexed again alone (this connection's own, temporary): the same tokenizer, so the same matches
_BATCH_DDL = f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.alert_batch USING fts5(title, body, {_TOKENIZE})"
_ROWS_DDL = ("CREATE TABLE IF NOT EXISTS article_search_rows (id INTEGER PRIMARY KEY, "
             "article_id VARCHAR(16) NOT NULL UNIQUE REFERENCES articles (id) ON DELETE CASCADE)")
_PG_DDL = ("CREATE TABLE IF NOT EXISTS article_search (article_id VARCHAR(16) PRIMARY KEY "
           "REFERENCES articles (id) ON DELETE CASCADE, document TSVECTOR NOT NULL); "
           "CREATE INDEX IF NOT EXISTS ix_article_search_document ON article_search USING GIN (document)")
_MAX_POSITION = 16383      # PostgreSQL keeps positions up to this
_MAX_POSITIONS = 256       # and at most this many per lexeme
_TITLE_WEIGHT, _BODY_WEIGHT = 2.0, 1.0  # bm25 column weights: a word in the title counts double
_REBUILD_BATCH = 500
_OVERFETCH, _OVERFETCH_SLACK = 2, 20  # ranked without the copies filter: this many times more, then filtered


@dataclass(frozen=True)
class SearchFilters:
    """What a search is narrowed to (None: no narrowing).

    Attributes:
        entity: a canonical entity name the article mentions (resolved by the caller).
        entity_ids: instead, the ids of the articles that mention it (when correction rules
            change who mentions what, the caller computes them).
        source: an outlet's exact name.
        grades: Admiralty reliability grades of the outlet (A-F).
        language: the article's stored language.
        since: published on or after this ISO date.
        before: published before this ISO date (the day after "until").
        copies: include syndicated copies (by default only originals are found).
    """

    entity: str | None = None
    entity_ids: tuple[str, ...] | None = None
    source: str | None = None
    grades: tuple[str, ...] | None = None
    language: str | None = None
    since: str | None = None
    before: str | None = None
    copies: bool = False


# -- the index -------------------------------------------------------------------------------
def create_index(conn: Connection) -> None:
    """Create the index's tables (empty) for this backend; safe to re-run."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_FTS_DDL)
        conn.exec_driver_sql(_ROWS_DDL)
    else:
        for statement in _PG_DDL.split("; "):
            conn.exec_driver_sql(statement)


def _tsvector(title: list[str], body: list[str]) -> str:
    """A tsvector literal of an article's search forms (its title's, its text's, each in order):
    title words weighted A, body words B."""
    positions: dict[str, list[str]] = {}
    at = 0
    for forms, weight in ((title, "A"), (body, "B")):
        for form in forms:
            at = min(at + 1, _MAX_POSITION)
            spots = positions.setdefault(form, [])
            if len(spots) < _MAX_POSITIONS:
                spots.append(f"{at}{weight}")
        at = min(at + 1, _MAX_POSITION)  # the title's last word and the body's first are no phrase
    # search forms are letters and digits only: quoting is enough
    return " ".join(f"'{lexeme}':{','.join(dict.fromkeys(spots))}" for lexeme, spots in positions.items())


def index_batch_alone(conn: Connection, ids: list[str]) -> None:
    """Index these just-indexed articles again, alone, in this connection's temporary FTS5 table
    ``alert_batch`` (its rows numbered like ``article_search``'s; what was there before is
    dropped). SQLite only: matching a few articles in a large index costs more than indexing
    them again (the index's many segments are each looked up).

    Args:
        conn: the write connection that indexed them (in its transaction).
        ids: the articles.
    """
    conn.exec_driver_sql(_BATCH_DDL)
    conn.exec_driver_sql("DELETE FROM temp.alert_batch")
    rows = conn.execute(text("SELECT r.id, a.title, a.text, a.language FROM article_search_rows r "
                             "JOIN articles a ON a.id = r.article_id WHERE r.article_id IN :ids")
                        .bindparams(bindparam("ids", expanding=True)), {"ids": ids}).all()
    conn.exec_driver_sql("INSERT INTO temp.alert_batch (rowid, title, body) VALUES (?, ?, ?)",
                         [(number, index_text(title or "", language), index_text(body, language))
                          for number, title, body, language in rows])


def index_articles(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Add articles to the index, in the caller's transaction.

    Args:
        conn: a write connection.
        rows: dicts with ``id``, ``title``, ``text`` and ``language`` (as ``articles`` stores them).
    """
    rows = list(rows)
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        ids = [(row["id"],) for row in rows]
        conn.exec_driver_sql("INSERT INTO article_search_rows (article_id) VALUES (?)", ids)
        numbers = dict(conn.execute(text("SELECT article_id, id FROM article_search_rows WHERE article_id IN :ids")
                                    .bindparams(bindparam("ids", expanding=True)),
                                    {"ids": [row["id"] for row in rows]}).all())
        values = [(numbers[row["id"]], index_text(row["title"] or "", row["language"]),
                   index_text(row["text"], row["language"])) for row in rows]
        conn.exec_driver_sql("INSERT INTO article_search (rowid, title, body) VALUES (?, ?, ?)", values)
    else:
        values = [(row["id"], _tsvector(shadow(row["title"] or "", row["language"]).split(),
                                        shadow(row["text"], row["language"]).split())) for row in rows]
        conn.exec_driver_sql(
            "INSERT INTO article_search (article_id, document) VALUES (%s, CAST(%s AS tsvector))", values)


def unindex_articles(conn: Connection, ids: Iterable[str]) -> None:
    """Take articles out of the index, in the caller's transaction, BEFORE their rows are deleted
    (SQLite's contentless index is told the words it indexed, recomputed from the stored text).

    Args:
        conn: a write connection.
        ids: the articles' ids (those not indexed are skipped).
    """
    ids = list(ids)
    if not ids:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(text("DELETE FROM article_search WHERE article_id IN :ids")
                     .bindparams(bindparam("ids", expanding=True)), {"ids": ids})
        return
    found = conn.execute(text(
        "SELECT r.id, a.title, a.text, a.language FROM article_search_rows r JOIN articles a ON a.id = r.article_id "
        "WHERE r.article_id IN :ids").bindparams(bindparam("ids", expanding=True)), {"ids": ids}).all()
    if found:
        conn.exec_driver_sql(
            "INSERT INTO article_search (article_search, rowid, title, body) VALUES ('delete', ?, ?, ?)",
            [(number, index_text(title or "", language), index_text(body, language))
             for number, title, body, language in found])
    conn.execute(text("DELETE FROM article_search_rows WHERE article_id IN :ids")
                 .bindparams(bindparam("ids", expanding=True)), {"ids": ids})


def _stored_articles(conn: Connection) -> Iterator[list[dict[str, Any]]]:
    """Every stored article (id, title, text, language) in batches of ``_REBUILD_BATCH``, by id."""
    last = ""
    while True:
        batch = [dict(row) for row in conn.execute(text(
            "SELECT id, title, text, language FROM articles WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": _REBUILD_BATCH}).mappings()]
        if not batch:
            return
        yield batch
        last = batch[-1]["id"]


def rebuild_index(conn: Connection) -> int:
    """Empty the index and index every stored article again, in the caller's transaction
    (schema step 11 on an older workspace; a copy between backends).

    Returns:
        How many articles were indexed.
    """
    create_index(conn)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO article_search (article_search) VALUES ('delete-all')")
        conn.exec_driver_sql("DELETE FROM article_search_rows")
    else:
        conn.exec_driver_sql("DELETE FROM article_search")
    count = 0
    for batch in _stored_articles(conn):
        index_articles(conn, batch)
        count += len(batch)
    return count


def indexed_count(conn: Connection) -> int:
    """How many articles the index holds."""
    table = "article_search_rows" if conn.dialect.name == "sqlite" else "article_search"
    return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


# -- queries ---------------------------------------------------------------------------------
def _quoted(form: str) -> str:
    return '"' + form.replace('"', '""') + '"'


def _fts_phrase(phrase: Phrase) -> str:
    last = phrase.terms[-1]
    if last.prefix:  # a prefix ends the phrase: FTS5 marks the last word of a string with *
        head = Phrase(phrase.terms[:-1])
        spellings = head.spellings(literal=True) if head.terms else [()]
        prefix = last.literal or sorted(last.forms)[0]
        return "(" + " OR ".join(_quoted(" ".join([*s, prefix])) + " *" for s in spellings) + ")"
    return "(" + " OR ".join(_quoted(" ".join(s)) for s in phrase.spellings(literal=True)) + ")"


def fts5_match(query: Query) -> str:
    """The FTS5 MATCH expression of a parsed query (every word quoted: no syntax from the analyst)."""
    wanted = " AND ".join("(" + " OR ".join(_fts_phrase(p) for p in group) + ")" for group in query.groups)
    expression = f"({wanted})"
    for phrase in query.excluded:
        expression = f"({expression} NOT {_fts_phrase(phrase)})"
    return expression


def _ts_term(term: Term) -> str:
    if term.prefix:
        return "'" + sorted(term.forms)[0] + "':*"
    return "(" + " | ".join(f"'{form}'" for form in sorted(term.forms)) + ")"


def _ts_phrase(phrase: Phrase) -> str:
    return "(" + " <-> ".join(_ts_term(t) for t in phrase.terms) + ")"


def tsquery(query: Query) -> str:
    """The tsquery literal of a parsed query (search forms are letters and digits: quoting suffices)."""
    parts = ["(" + " | ".join(_ts_phrase(p) for p in group) + ")" for group in query.groups]
    parts += [f"!{_ts_phrase(p)}" for p in query.excluded]
    return " & ".join(parts)


def _filter_sql(filters: SearchFilters, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """The WHERE conditions of the filters on ``articles a`` / ``sources src``, and expanding binds."""
    where: list[str] = []
    expanding: list[Any] = []
    if not filters.copies:
        where.append("a.copy_of IS NULL")
    if filters.language is not None:
        where.append("a.language = :language")
        params["language"] = filters.language
    if filters.source is not None:
        where.append("src.name = :source")
        params["source"] = filters.source
    if filters.grades is not None:
        where.append("src.reliability IN :grades")
        params["grades"] = list(filters.grades)
        expanding.append(bindparam("grades", expanding=True))
    if filters.since is not None:
        where.append("a.published >= :since")
        params["since"] = filters.since
    if filters.before is not None:
        where.append("a.published < :before")
        params["before"] = filters.before
    if filters.entity_ids is not None:
        where.append("a.id IN :entity_ids")
        params["entity_ids"] = list(filters.entity_ids) or [""]
        expanding.append(bindparam("entity_ids", expanding=True))
    elif filters.entity is not None:
        where.append("a.id IN (SELECT article_id FROM mentions WHERE canonical = :entity)")
        params["entity"] = filters.entity
    return "".join(f" AND {w}" for w in where), expanding


def search_articles(conn: Connection, query: Query, filters: SearchFilters, *, limit: int) -> list[tuple[str, float]]:
    """The best-ranked articles matching a query and the filters.

    Args:
        conn: a workspace connection.
        query: the parsed query (``nlp.parse_query``).
        filters: what to narrow to.
        limit: at most this many.
    Returns:
        (article id, score) best first; a higher score is a better match (scores compare within
        one search only: bm25 on SQLite, ts_rank_cd on PostgreSQL).
    """
    params: dict[str, Any] = {"limit": int(limit)}
    conditions, expanding = _filter_sql(filters, params)
    join_sources = " LEFT JOIN sources src ON src.id = a.source_id" if (filters.source or filters.grades) else ""
    if conn.dialect.name == "sqlite":
        params["match"] = fts5_match(query)
        rank = f"bm25(article_search, {_TITLE_WEIGHT}, {_BODY_WEIGHT})"
        sql = (f"SELECT r.article_id, -{rank} AS score FROM article_search "
               "JOIN article_search_rows r ON r.id = article_search.rowid JOIN articles a ON a.id = r.article_id"
               f"{join_sources} WHERE article_search MATCH :match{conditions} ORDER BY {rank}, r.article_id "
               "LIMIT :limit")
    else:
        params["query"] = tsquery(query)
        # normalisation 1: divided by 1 + the log of the document's length (long articles do not win by size)
        sql = ("SELECT s.article_id, ts_rank_cd(s.document, q.query, 1) AS score FROM article_search s "
               "CROSS JOIN (SELECT CAST(:query AS tsquery) AS query) q JOIN articles a ON a.id = s.article_id"
               f"{join_sources} WHERE s.document @@ q.query{conditions} ORDER BY score DESC, s.article_id "
               "LIMIT :limit")
    statement = text(sql).bindparams(*expanding) if expanding else text(sql)
    if conn.dialect.name == "sqlite" and not expanding and set(params) <= {"limit", "match"}:
        # no filter but the copies: FTS5 ranks alone (its ORDER BY rank LIMIT path, no join per
        # match: 3x faster on a common word), a few more than asked, and the copies are dropped
        # after. The best originals are among them unless too many copies rank high: then in full.
        fast = text(f"SELECT r.article_id, -hit.rank AS score FROM (SELECT rowid AS number, rank FROM article_search "
                    f"WHERE article_search MATCH :match AND rank MATCH 'bm25({_TITLE_WEIGHT}, {_BODY_WEIGHT})' "
                    "ORDER BY rank LIMIT :fetch) hit JOIN article_search_rows r ON r.id = hit.number "
                    f"JOIN articles a ON a.id = r.article_id WHERE 1 = 1{conditions} ORDER BY hit.rank, r.article_id "
                    "LIMIT :limit")
        rows = conn.execute(fast, {**params, "fetch": params["limit"] * _OVERFETCH + _OVERFETCH_SLACK}).all()
        if len(rows) == params["limit"]:
            return [(ident, float(score)) for ident, score in rows]
    return [(ident, float(score)) for ident, score in conn.execute(statement, params).all()]


def hit_details(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    """What a search result shows of each article: title, outlet, grade, dates, language, copy link, text.

    Args:
        conn: a workspace connection.
        ids: article ids.
    Returns:
        Article id -> dict (one statement).
    """
    if not ids:
        return {}
    rows = conn.execute(text(
        "SELECT a.id, a.title, src.name AS source, src.reliability, a.published, a.language, a.copy_of, a.text "
        "FROM articles a LEFT JOIN sources src ON src.id = a.source_id WHERE a.id IN :ids")
        .bindparams(bindparam("ids", expanding=True)), {"ids": ids}).mappings()
    return {row["id"]: dict(row) for row in rows}


# -- filter values, checked before a search ---------------------------------------------------
def stored_languages(conn: Connection) -> list[str]:
    """The languages articles are stored in, sorted."""
    return sorted(conn.exec_driver_sql("SELECT DISTINCT language FROM articles").scalars())


def canonical_names(conn: Connection, name: str) -> list[str]:
    """The stored canonical entity names equal to ``name``: exactly, else ignoring case.

    Args:
        conn: a workspace connection.
        name: what the analyst typed (surrounding white space ignored).
    Returns:
        The matching names, sorted ([] when no mention has that name).
    """
    name = " ".join(name.split())
    exact = conn.execute(text("SELECT canonical FROM mentions WHERE canonical = :n LIMIT 1"), {"n": name}).scalars().all()
    if exact:
        return list(exact)
    return sorted(conn.execute(text("SELECT DISTINCT canonical FROM mentions WHERE lower(canonical) = lower(:n)"),
                               {"n": name}).scalars())
