"""Entity mentions as the analyst sees them: stored mentions with the correction rules applied."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from . import schema as s
from .entity_rules import apply_rules, load_rules

__all__ = ["MENTION_COLUMNS", "corrected_mentions"]

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
    m = s.mentions
    query = select(*(m.c[c] for c in MENTION_COLUMNS), m.c.rule_id).order_by(m.c.article_id, m.c.start)
    if article_id is not None:
        query = query.where(m.c.article_id == article_id)
    rows = [dict(row) for row in conn.execute(query).mappings()]
    rules = load_rules(conn)
    if not rules:
        for row in rows:
            row.pop("rule_id")
        return rows
    import pandas as pd

    corrected = apply_rules(pd.DataFrame(rows, columns=[*MENTION_COLUMNS, "rule_id"]), rules)
    return corrected[MENTION_COLUMNS].to_dict("records")
