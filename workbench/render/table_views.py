"""Table views: the entity, source and corpus tables as plain, JSON-able dicts, shared by the
widgets' static views and the report.

Pure, like ``views``: frames and records in; ``str``, ``int``, ``None``, lists and dicts out; no
HTML written and nothing read from a workspace. One entity is one cross-script key and label.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..analysis.scales import RELIABILITY_GRADES
from ..nlp import entity_key, preferred_name, script_language

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["table_view", "entity_rows", "entity_table", "aliases_text", "spellings_by_language", "sources_table",
           "corpus_table", "CORPUS_STATIC_ROWS", "ENTITY_STATIC_ROWS"]

CORPUS_STATIC_ROWS = 500  # the corpus browser's static view lists this many articles
ENTITY_STATIC_ROWS = 300  # the entity explorer's static view lists this many entities


# -- tables ----------------------------------------------------------------------------------
def table_view(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, sortable: bool = False,
               row_headers: bool = False, caption: str | None = None, more: str | None = None) -> dict[str, Any]:
    """A plain table.

    Args:
        columns: the column headings.
        rows: cells per row: text or a number, or {"text", "href"} for a link within the page.
        sortable: the report's script may sort it.
        row_headers: the first cell of each row heads the row.
        caption: a line shown above the table.
        more: a line shown below it (e.g. "… and 20 more").

    Returns:
        {"columns", "rows", "sortable", "row_headers", "caption", "more"}.
    """
    return {"columns": list(columns), "rows": [list(r) for r in rows], "sortable": sortable,
            "row_headers": row_headers, "caption": caption, "more": more}


def entity_rows(mentions: "pd.DataFrame") -> list[dict[str, Any]]:
    """The corpus's entities from its mentions, most mentioned first.

    One entity is one cross-script key and label (``nlp.entity_key``; the mentions' ``key``
    column where given, as ``Workspace`` corrections leave it): Kyiv, Київ and Киев are one row,
    named by ``nlp.preferred_name``.

    Args:
        mentions: DataFrame of mentions (article_id, label, text, canonical[, key]).

    Returns:
        [{entity, label, mentions, articles, aliases, aliases_by_language, first}] where ``first``
        is the article of the entity's first mention and ``aliases_by_language`` maps "en" / "ru"
        / "uk" / "be" (told by the letters) to the spellings.
    """
    if not len(mentions):
        return []
    if "key" not in mentions.columns:
        keys = {name: entity_key(name) for name in mentions["canonical"].unique()}
        mentions = mentions.assign(key=mentions["canonical"].map(keys))
    languages = {text: script_language(text) for text in mentions["text"].unique()}
    mentions = mentions.assign(lang=mentions["text"].map(languages))
    names: dict[tuple[str, str], dict[str, int]] = {}
    for (key, label, name), n in mentions.groupby(["key", "label", "canonical"]).size().items():
        names.setdefault((key, label), {})[str(name)] = int(n)
    spelled = spellings_by_language(mentions)
    grouped = (mentions.groupby(["key", "label"])
               .agg(mentions=("text", "size"), articles=("article_id", "nunique"),
                    aliases=("text", lambda t: sorted(set(t))), first=("article_id", "first"))
               .reset_index())
    rows = [{"entity": preferred_name(names[(r["key"], r["label"])]), "label": str(r["label"]),
             "mentions": int(r["mentions"]), "articles": int(r["articles"]), "aliases": list(r["aliases"]),
             "aliases_by_language": spelled[(r["key"], r["label"])], "first": r["first"]}
            for r in grouped.to_dict("records")]
    rows.sort(key=lambda r: (-r["mentions"], r["entity"]))
    return rows


def spellings_by_language(mentions: "pd.DataFrame") -> dict[tuple[str, str], dict[str, list[str]]]:
    """Each entity's spellings by language, in one pass over the distinct ones.

    Args:
        mentions: DataFrame with key, label, lang and text columns.

    Returns:
        (key, label) -> {language: sorted spellings}, languages sorted.
    """
    out: dict[tuple[str, str], dict[str, list[str]]] = {}
    distinct = mentions.drop_duplicates(["key", "label", "lang", "text"]).sort_values(["lang", "text"])
    for key, label, lang, text in zip(distinct["key"], distinct["label"], distinct["lang"], distinct["text"]):
        out.setdefault((key, label), {}).setdefault(str(lang), []).append(text)
    return out


def aliases_text(row: Mapping[str, Any]) -> str:
    """An entity's other spellings: "Kiev · ru: Киев · uk: Київ" by language where it has
    several languages, else comma-separated.

    Args:
        row: an entity row with ``entity``, ``aliases`` and optionally ``aliases_by_language``.

    Returns:
        Plain text (the caller escapes it).
    """
    by_language = row.get("aliases_by_language") or {}
    if len(by_language) <= 1:
        return ", ".join(a for a in row["aliases"] if a != row["entity"])
    parts = []
    for lang, names in by_language.items():
        others = [a for a in names if a != row["entity"]]
        if others:
            parts.append(f"{lang}: {', '.join(others)}")
    return " · ".join(parts)


def entity_table(rows: Sequence[Mapping[str, Any]], *, limit: int | None = None) -> dict[str, Any]:
    """The entity table of the entity explorer and the report's entity index.

    Args:
        rows: [{entity, label, mentions, articles, aliases[, aliases_by_language][, first]}]
            (``entity_rows`` or ``Workspace.entity_table()`` records); with ``first`` each row links
            to that article.
        limit: show at most this many rows.

    Returns:
        A ``table_view``.
    """
    links = bool(rows) and all("first" in r for r in rows)
    shown = rows if limit is None else rows[:limit]
    body = []
    for r in shown:
        cells: list[Any] = [str(r["entity"]), str(r["label"]), int(r["mentions"]), int(r["articles"]), aliases_text(r)]
        if links:
            cells.append({"text": "first article", "href": f"#article-{r['first']}"})
        body.append(cells)
    columns = ["Entity", "Label", "Mentions", "Articles", "Also written as"] + ([""] if links else [])
    more = f"… and {len(rows) - len(shown)} more" if len(shown) < len(rows) else None
    return table_view(columns, body, sortable=True, more=more)


def sources_table(sources: "pd.DataFrame", articles: "pd.DataFrame") -> dict[str, Any]:
    """Outlets with their Admiralty grade, article and copy counts, and the syndicated copies.

    Args:
        sources: DataFrame (name, domain, reliability, articles, notes), as ``Workspace.sources``.
        articles: DataFrame (id, title, source, copy_of), as ``Workspace.articles``.

    Returns:
        {"table": a ``table_view``, "copies": [{id, title, source, copy_of}]}.
    """
    copies = articles[articles["copy_of"].notna()].groupby("source").size().to_dict() if len(articles) else {}
    rows = [[str(r["name"]), str(r["domain"] or ""), f"{r['reliability']} — {RELIABILITY_GRADES[r['reliability']]}",
             int(r["articles"]), int(copies.get(r["name"], 0)), str(r["notes"] or "")]
            for r in sources.to_dict("records")]
    listed = [{"id": r["id"], "title": str(r["title"] or r["id"]), "source": str(r["source"] or ""),
               "copy_of": r["copy_of"]} for r in articles.to_dict("records") if r["copy_of"]]
    table = table_view(["Source", "Domain", "Reliability (Admiralty)", "Articles", "Copies", "Notes"], rows,
                       sortable=True)
    return {"table": table, "copies": listed}


def corpus_table(rows: Sequence[Mapping[str, Any]], *, limit: int = CORPUS_STATIC_ROWS) -> dict[str, Any]:
    """The corpus browser's article list.

    Args:
        rows: the browser's article records (title, source, author, reliability, published,
            language, words, evidence, copy_of).
        limit: show at most this many.

    Returns:
        A ``table_view`` with the article count as its caption; an Author column when some
        listed article has an author.
    """
    shown = rows[:limit]
    byline = any(r.get("author") for r in shown)
    body = [[r.get("title") or "(untitled)", r.get("source") or "", *([r.get("author") or ""] if byline else []),
             r.get("reliability") or "", r.get("published") or "", r.get("language") or "", r.get("words", ""),
             r.get("evidence", 0), (r.get("copy_of") or "")[:8]] for r in shown]
    more = f"… and {len(rows) - limit} more" if len(rows) > limit else None
    columns = ("Title", "Source", *(("Author",) if byline else ()), "Grade", "Published", "Lang", "Words", "Evidence",
               "Copy of")
    return table_view(columns, body, caption=f"{len(rows)} articles", more=more)
