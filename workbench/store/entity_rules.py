"""The analyst's stored entity-correction rules, applied to mentions.

Rules (merge, split, relabel, delete, add) are stored in order and applied on top of whatever
any pipeline produced, every time mentions are read; an "add" rule also writes the analyst's
mentions into the store (origin "analyst"). Kept in the store layer so both ingest (new
articles get the analyst's added mentions) and the workspace can use them.
"""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from ..nlp import entity_key
from . import schema as s
from ._rows import audit, now

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RULE_ACTIONS", "MENTION_FIELDS", "RULE_COLUMNS", "load_rules", "apply_rules", "find_surface",
           "materialise_add_rule", "insert_rule", "find_rule", "deactivate_rule", "list_rules", "name_keys",
           "add_keys", "PINNED"]

RULE_ACTIONS = ("merge", "split", "relabel", "delete", "add")
MENTION_FIELDS = ["article_id", "start", "end", "label", "text", "canonical", "origin", "rule_id"]
#: The columns of each ``list_rules`` row.
RULE_COLUMNS = ["id", "action", "params", "actor", "created_at", "active"]


def load_rules(conn: Connection) -> list[dict[str, Any]]:
    """Active correction rules in the order they were made."""
    r = s.entity_rules
    rows = conn.execute(select(r.c.id, r.c.action, r.c.params).where(r.c.active == 1).order_by(r.c.id)).all()
    return [{"id": i, "action": a, **json.loads(p)} for i, a, p in rows]


PINNED = "="
"""Prefix of the key of a name a split made that folds like the entity it was split from: it
stays apart from that entity (the analyst split "Kiev" out of "Kyiv": no folding joins them again)."""


class NameKeys:
    """The cross-script key of each entity name, as the rules made so far leave it.

    A name's key is ``entity_key(name)`` (Kyiv, Kiev, Київ, Киев: one key) unless a split gave
    the name a key of its own. Depends only on the rules, never on which mentions are read, so
    one article read alone and the whole workspace agree.
    """

    def __init__(self) -> None:
        self.pinned: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        """The key of ``name``."""
        return self.pinned.get(name) or entity_key(name)

    def split(self, old: str, new: str) -> str:
        """The key the mentions split from entity ``old`` into ``new`` take (pinned when it would fold back)."""
        key = self(new)
        if key == self(old):
            key = self.pinned[new] = PINNED + new
        return key


def name_keys(rules: list[dict[str, Any]]) -> NameKeys:
    """The key of each entity name after these rules (see ``NameKeys``).

    Args:
        rules: active rules in order (``load_rules``).
    Returns:
        A callable name -> key.
    """
    keys = NameKeys()
    for rule in rules:
        if rule["action"] == "split":
            keys.split(rule["canonical"], rule["new"])
    return keys


def add_keys(frame: "pd.DataFrame") -> "pd.DataFrame":
    """``frame`` with a ``key`` column: each mention's canonical name's cross-script key."""
    names = frame["canonical"].fillna("")
    keys = {name: entity_key(name) for name in names.unique()}
    return frame.assign(key=names.map(keys))


def apply_rules(frame: "pd.DataFrame", rules: list[dict[str, Any]]) -> "pd.DataFrame":
    """Apply correction rules, in order, to a frame of mentions (``MENTION_FIELDS`` columns).

    A rule names an entity by one of its names and applies to every mention of that entity, in
    any script or language (its mentions share the name's cross-script key: a merge of "Kyiv"
    also takes the mentions written Київ or Киев). Mentions made by an "add" rule join at that
    rule's turn and push out the pipeline mentions they overlap.
    Returns:
        The corrected frame, sorted by article and start, with a ``key`` column (the entity's
        cross-script key, see ``NameKeys``).
    """
    import pandas as pd

    if "rule_id" not in frame.columns:
        frame = frame.assign(rule_id=None)
    frame = add_keys(frame)
    keys = NameKeys()
    added = frame[frame["origin"] == "analyst"]
    out = frame[frame["origin"] != "analyst"]
    for rule in rules:
        action = rule["action"]
        if action == "add":
            mine = added[added["rule_id"] == rule["id"]]
            if len(mine):
                out = _drop_overlaps(out, mine)
                out = pd.concat([out, mine.assign(key=mine["canonical"].map(keys))], ignore_index=True)
            continue
        mask = _scope(out, rule)
        if action == "merge":
            mask &= out["key"] == keys(rule["source"])
            out.loc[mask, ["canonical", "key"]] = [rule["target"], keys(rule["target"])]
        elif action == "split":
            mask &= (out["key"] == keys(rule["canonical"])) & (out["text"] == rule["text"])
            out.loc[mask, ["canonical", "key"]] = [rule["new"], keys.split(rule["canonical"], rule["new"])]
            if rule.get("label"):
                out.loc[mask, "label"] = rule["label"]
        elif action == "relabel":
            if rule.get("canonical") is not None:
                mask &= out["key"] == keys(rule["canonical"])
            if rule.get("text") is not None:
                mask &= out["text"] == rule["text"]
            out.loc[mask, "label"] = rule["label"]
        elif action == "delete":
            if rule.get("text") is not None:
                mask &= out["text"] == rule["text"]
            if rule.get("canonical") is not None:
                mask &= out["key"] == keys(rule["canonical"])
            if rule.get("label") is not None:
                mask &= out["label"] == rule["label"]
            if rule.get("start") is not None:
                mask &= out["start"] == int(rule["start"])
            out = out[~mask]
    # Unconsumed analyst mentions (their rule was switched off) are not shown.
    return out.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)


def _scope(frame: "pd.DataFrame", rule: dict[str, Any]) -> "pd.Series":
    if rule.get("article_id"):
        return frame["article_id"] == rule["article_id"]
    return frame["article_id"].notna()


def _drop_overlaps(frame: "pd.DataFrame", added: "pd.DataFrame") -> "pd.DataFrame":
    keep = frame["article_id"].notna()
    for article_id, group in added.groupby("article_id"):
        same = frame["article_id"] == article_id
        for start, end in zip(group["start"], group["end"]):
            keep &= ~(same & (frame["start"] < end) & (frame["end"] > start))
    return frame[keep]


def find_surface(text: str, surface: str) -> list[tuple[int, int]]:
    """Word-bounded, case-sensitive occurrences of ``surface`` in ``text``."""
    pattern = re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def materialise_add_rule(conn: Connection, rule_id: int, params: dict[str, Any],
                         articles: list[tuple[str, str]]) -> int:
    """Write the analyst mentions an "add" rule makes in the given (id, text) articles."""
    rows = []
    for article_id, text in articles:
        if params.get("article_id") and params["article_id"] != article_id:
            continue
        spans = ([(int(params["start"]), int(params["end"]))] if params.get("start") is not None
                 else find_surface(text, params["text"]))
        for start, end in spans:
            rows.append({"article_id": article_id, "start": start, "end": end, "label": params["label"],
                         "text": text[start:end], "canonical": params["canonical"], "origin": "analyst",
                         "fingerprint": "analyst", "rule_id": rule_id})
    if rows:
        conn.execute(insert(s.mentions), rows)
    return len(rows)


def insert_rule(conn: Connection, action: str, params: dict[str, Any], *, actor: str) -> int:
    """Store a new active correction rule and audit it, in the caller's transaction.

    Args:
        conn: a write connection.
        action: one of ``RULE_ACTIONS``.
        params: the rule's parameters (None values are left out).
        actor: who corrects.
    Returns:
        The rule's id.
    """
    clean = {k: v for k, v in params.items() if v is not None}
    rule_id = conn.execute(insert(s.entity_rules).values(
        action=action, params=json.dumps(clean, ensure_ascii=False), actor=actor,
        created_at=now(), active=1)).inserted_primary_key[0]
    audit(conn, actor=actor, action=f"entity-{action}", target_type="entity_rule",
          target_id=str(rule_id), after=clean)
    return int(rule_id)


def find_rule(conn: Connection, rule_id: int) -> dict[str, Any] | None:
    """A rule's ``action``, ``params`` (decoded) and ``active`` flag, or None when no rule has that id."""
    r = s.entity_rules
    row = conn.execute(select(r.c.action, r.c.params, r.c.active).where(r.c.id == rule_id)).first()
    if row is None:
        return None
    return {"action": row.action, "params": json.loads(row.params), "active": bool(row.active)}


def deactivate_rule(conn: Connection, rule_id: int, rule: dict[str, Any], *, actor: str) -> None:
    """Switch a rule off (it stays in the history), drop the mentions an "add" rule wrote, and audit.

    Args:
        conn: a write connection.
        rule_id: the rule.
        rule: the rule as ``find_rule`` read it (its before image).
        actor: who undoes it.
    """
    r = s.entity_rules
    conn.execute(update(r).where(r.c.id == rule_id).values(active=0))
    if rule["action"] == "add":
        conn.execute(delete(s.mentions).where(s.mentions.c.rule_id == rule_id))
    audit(conn, actor=actor, action="undo-correction", target_type="entity_rule",
          target_id=str(rule_id), before={"action": rule["action"], **rule["params"]})


def list_rules(conn: Connection) -> list[tuple[Any, ...]]:
    """Every rule made, active or not, oldest first: ``RULE_COLUMNS`` tuples, params decoded, active a bool."""
    r = s.entity_rules
    return [(i, a, json.loads(p), actor, at, bool(act))
            for i, a, p, actor, at, act in conn.execute(select(r).order_by(r.c.id)).all()]
