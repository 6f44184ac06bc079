"""Entity mentions as the analyst sees them: stored mentions with the correction rules applied."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select

from . import schema as s
from ._rows import audit_many, bulk_insert
from .entity_rules import add_keys, apply_rules, load_rules, materialise_add_rule

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MENTION_COLUMNS", "STORED_MENTION_COLUMNS", "corrected_mentions", "keyed_mentions", "reusable_mentions", "insert_mentions",
           "record_runs", "articles_without_run", "replace_pipeline_mentions", "mark_everywhere"]

#: The columns of each row ``insert_mentions`` writes.
STORED_MENTION_COLUMNS = ("article_id", "start", "end", "label", "text", "canonical", "origin", "fingerprint")
_INSERT_RUN = insert(s.nlp_runs)

#: The fields of each mention ``corrected_mentions`` returns.
MENTION_COLUMNS = ["article_id", "start", "end", "label", "text", "canonical", "origin"]


def corrected_mentions(conn: Connection, article_id: str | None = None) -> list[dict[str, Any]]:
    """Mentions of one article (or all), with the analyst's correction rules applied.

    Args:
        conn: a workspace connection.
        article_id: the article's full id, or None for the whole workspace.
    Returns:
        One dict per mention with ``MENTION_COLUMNS``, by article and start.
    """
    rows, rules = _stored(conn, article_id)
    if not rules:
        for row in rows:
            row.pop("rule_id")
        return rows
    import pandas as pd

    corrected = apply_rules(pd.DataFrame(rows, columns=[*MENTION_COLUMNS, "rule_id"]), rules)
    return corrected[MENTION_COLUMNS].to_dict("records")


def keyed_mentions(conn: Connection, article_id: str | None = None) -> "pd.DataFrame":
    """``corrected_mentions`` as a DataFrame, with each mention's ``key``: its entity's cross-script
    key (Kyiv, Київ and Киев share one; see ``entity_rules.NameKeys``).

    Args:
        conn: a workspace connection.
        article_id: the article's full id, or None for the whole workspace.
    Returns:
        ``MENTION_COLUMNS`` and ``key``, by article and start.
    """
    import pandas as pd

    rows, rules = _stored(conn, article_id)
    frame = pd.DataFrame(rows, columns=[*MENTION_COLUMNS, "rule_id"])
    corrected = apply_rules(frame, rules) if rules else add_keys(frame)
    return corrected[[*MENTION_COLUMNS, "key"]].reset_index(drop=True)


def _stored(conn: Connection, article_id: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The stored mentions (with ``rule_id``) of one article or all, and the active rules."""
    m = s.mentions
    query = select(*(m.c[c] for c in MENTION_COLUMNS), m.c.rule_id).order_by(m.c.article_id, m.c.start)
    if article_id is not None:
        query = query.where(m.c.article_id == article_id)
    return [dict(row) for row in conn.execute(query).mappings()], load_rules(conn)


def reusable_mentions(conn: Connection, hashes: Iterable[str],
                      fingerprint: str) -> tuple[dict[str, str], dict[str, list[dict[str, Any]]]]:
    """Pipeline mentions already found for the same content by a pipeline with this fingerprint.

    Args:
        conn: a workspace connection.
        hashes: the content hashes wanted.
        fingerprint: the entity pipeline's fingerprint.
    Returns:
        (content hash -> donor article id, donor article id -> its mentions without ``article_id``,
        by start); both empty when no article can lend its mentions (then one statement, else two).
    """
    m, a, r = s.mentions, s.articles, s.nlp_runs
    donors = dict(conn.execute(
        select(a.c.content_hash, func.min(a.c.id)).join(r, r.c.article_id == a.c.id)
        .where(a.c.content_hash.in_(set(hashes)), r.c.fingerprint == fingerprint)
        .group_by(a.c.content_hash)
    ).all())
    if not donors:
        return {}, {}
    by_article: dict[str, list[dict[str, Any]]] = {donor: [] for donor in donors.values()}
    rows = conn.execute(
        select(m.c.article_id, m.c.start, m.c.end, m.c.label, m.c.text, m.c.canonical, m.c.origin)
        .where(m.c.article_id.in_(list(by_article)), m.c.fingerprint == fingerprint, m.c.origin != "analyst")
        .order_by(m.c.article_id, m.c.start)
    ).mappings()
    for row in rows:
        mention = dict(row)
        by_article[mention.pop("article_id")].append(mention)
    return donors, by_article


def insert_mentions(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert mentions in bulk, one tuple with ``STORED_MENTION_COLUMNS`` each."""
    bulk_insert(conn, s.mentions, STORED_MENTION_COLUMNS, rows)


def record_runs(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Record which pipeline ran on which article (``nlp_runs`` rows: article_id, fingerprint,
    pipeline, ran_at) in one executemany."""
    conn.execute(_INSERT_RUN, rows)


def articles_without_run(conn: Connection, fingerprint: str) -> tuple[int, list[str]]:
    """The articles no pipeline with this fingerprint has run on.

    Returns:
        (how many articles are stored, the ids still to run, in id order).
    """
    a, r = s.articles, s.nlp_runs
    done = select(r.c.article_id).where(r.c.fingerprint == fingerprint)
    total = conn.execute(select(func.count()).select_from(a)).scalar_one()
    todo = list(conn.execute(select(a.c.id).where(a.c.id.not_in(done)).order_by(a.c.id)).scalars().all())
    return int(total), todo


def replace_pipeline_mentions(conn: Connection, ids: list[str], rows: list[tuple[Any, ...]],
                              runs: list[dict[str, Any]], *, actor: str,
                              events: list[tuple[str, Any, Any]]) -> None:
    """Swap these articles' pipeline mentions for a new pipeline's (analyst mentions stay), record
    the runs and audit each article, in the caller's transaction.

    Args:
        conn: a write connection.
        ids: the articles re-run.
        rows: their new mentions (``STORED_MENTION_COLUMNS`` tuples).
        runs: the ``nlp_runs`` rows (see ``record_runs``).
        actor: who re-ran, for the audit log.
        events: (article id, before, after) audit images.
    """
    m = s.mentions
    conn.execute(m.delete().where(m.c.article_id.in_(ids), m.c.origin != "analyst"))
    insert_mentions(conn, rows)
    record_runs(conn, runs)
    audit_many(conn, actor=actor, action="rerun-entities", target_type="article", events=events)


def mark_everywhere(conn: Connection, texts: list[tuple[str, str]]) -> None:
    """Apply the analyst's workspace-wide "add" rules ("mark this everywhere") to new articles.

    Args:
        conn: a write connection.
        texts: (article id, text) of the articles just stored.
    """
    for rule in load_rules(conn):
        if rule["action"] == "add" and not rule.get("article_id"):
            materialise_add_rule(conn, rule["id"], rule, texts)
