"""Canonical entities across the corpus, and the analyst's corrections to them.

One entity is every mention whose canonical name has the same cross-script key
(``nlp.entity_key``): Kyiv, Kiev, Київ and Киев are one row of the entity table, shown under
one name with its aliases by language, and a correction naming any of them applies to all.

Pipelines propose mentions; analysts correct them. Corrections are stored as ordered
rules (merge, split, relabel, delete, add) and applied on top of whatever any pipeline
produced, every time mentions are read, so they persist, win over every pipeline, survive
a change of pipeline, and apply to articles ingested later. An "add" rule also writes the
analyst's mentions into the store (origin "analyst"), where they override overlapping
pipeline mentions.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from ..nlp import preferred_name, script_language
from ..render.table_views import spellings_by_language
from ..store.articles import (ARTICLE_COLUMNS, article_dates, article_texts, list_articles, resolve_article,
                              titles_and_texts)
from ..store.entity_rules import (RULE_COLUMNS, deactivate_rule, find_rule, insert_rule, list_rules, load_rules,
                                  materialise_add_rule, name_keys)
from ..store.mentions import keyed_mentions

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Connection

__all__ = ["EntityCorrections"]


class EntityCorrections:
    """Workspace methods for reading canonical entities and correcting them.

    Mixed into ``Workspace``; needs ``self.store`` and ``self.actor``.
    """

    store: Any
    actor: str

    # -- corrections ----------------------------------------------------------------------
    def merge_entities(self, source: str, target: str) -> int:
        """Make every mention of entity ``source`` a mention of ``target`` (also renames)."""
        return self._add_rule("merge", {"source": source, "target": _name(target, "target entity")},
                              must_match={"canonical": source})

    def rename_entity(self, old: str, new: str) -> int:
        """Rename an entity everywhere (a merge into a new name)."""
        return self.merge_entities(old, new)

    def split_entity(self, canonical: str, text: str, new: str, *, label: str | None = None,
                     article_id: str | None = None) -> int:
        """Mentions of ``canonical`` written as ``text`` become entity ``new`` (optionally relabelled)."""
        params = {"canonical": canonical, "text": text, "new": _name(new, "new entity"), "label": label,
                  "article_id": self._article_ref(article_id)}
        return self._add_rule("split", params, must_match={"canonical": canonical, "text": text})

    def relabel_entity(self, canonical: str, label: str, *, article_id: str | None = None) -> int:
        """Give entity ``canonical`` another label (everywhere, or in one article)."""
        params = {"canonical": canonical, "label": _label(label), "article_id": self._article_ref(article_id)}
        return self._add_rule("relabel", params, must_match={"canonical": canonical})

    def delete_mention(self, text: str, *, label: str | None = None, article_id: str | None = None,
                       start: int | None = None) -> int:
        """Remove wrong mentions: every mention written ``text`` (optionally only with ``label``,
        in one article, or the one at ``start``)."""
        params = {"text": text, "label": label, "article_id": self._article_ref(article_id), "start": start}
        return self._add_rule("delete", params, must_match={"text": text})

    def delete_entity(self, canonical: str, *, label: str | None = None, article_id: str | None = None) -> int:
        """Remove an entity: every mention of ``canonical`` in any script or spelling (optionally
        only with ``label``, or in one article)."""
        params = {"canonical": canonical, "label": label, "article_id": self._article_ref(article_id)}
        match = {"canonical": canonical, **({"label": label} if label is not None else {})}
        return self._add_rule("delete", params, must_match=match)

    def add_mention(self, article_id: str | None, text: str, label: str, *, canonical: str | None = None,
                    start: int | None = None, everywhere: bool = False) -> int:
        """Add a missed mention.

        Args:
            article_id: the article (None with ``everywhere``).
            text: the surface text.
            label: its label.
            canonical: the entity it names (default: the text).
            start: its offset (default: every word-bounded occurrence in the article).
            everywhere: mark ``text`` in every article, including articles ingested later.
        Returns:
            The rule id.
        """
        surface = _name(text, "mention text")
        params: dict[str, Any] = {"text": surface, "label": _label(label), "canonical": canonical or surface,
                                  "article_id": None if everywhere else self._article_ref(article_id)}
        if not everywhere and params["article_id"] is None:
            raise StoreError("add_mention: name an article or pass everywhere=True")
        if start is not None:
            params["start"], params["end"] = int(start), int(start) + len(surface)
        with self.store.transaction() as conn:
            articles = article_texts(conn, params["article_id"] or None)
            if start is not None:
                found = articles[0][1][params["start"]:params["end"]] if articles else None
                if found != surface:
                    raise StoreError(f"add_mention: the article holds {found!r} at {start}, not {surface!r}")
            rule_id = self._insert_rule(conn, "add", params)
            count = materialise_add_rule(conn, rule_id, params, articles)
            if count == 0:
                raise StoreError(f"add_mention: {surface!r} does not occur in "
                                 f"{'any article' if everywhere else 'article ' + str(params['article_id'])}")
        return rule_id

    def undo_correction(self, rule_id: int) -> None:
        """Switch a correction off (it stays in the history)."""
        with self.store.transaction() as conn:
            rule = find_rule(conn, rule_id)
            if rule is None or not rule["active"]:
                raise StoreError(f"correction {rule_id}: no such active correction")
            deactivate_rule(conn, rule_id, rule, actor=self.actor)

    @property
    def corrections(self) -> "pd.DataFrame":
        """Every correction made, active or not."""
        import pandas as pd

        with self.store.read() as conn:
            rows = list_rules(conn)
        return pd.DataFrame(rows, columns=RULE_COLUMNS)

    # -- reading ----------------------------------------------------------------------------
    def entity_table(self) -> "pd.DataFrame":
        """The corpus's entities: entity, label, aliases, aliases_by_language, mentions, articles,
        first_seen, last_seen.

        An entity is one cross-script key and label: its mentions in English, Russian, Ukrainian
        and Belarusian articles are one row, named by its most mentioned Latin-script name (else
        its most mentioned name); ``aliases_by_language`` maps "en" / "ru" / "uk" / "be" (the
        alias's letters, else its article's language) to the surface forms. first/last seen use
        the articles' publication dates (ingest dates where none is known).
        """
        import pandas as pd

        mentions = self._keyed_mentions()
        columns = ["entity", "label", "aliases", "aliases_by_language", "mentions", "articles",
                   "first_seen", "last_seen"]
        if not len(mentions):
            return pd.DataFrame(columns=columns)
        with self.store.read() as conn:
            dates = article_dates(conn)
            languages = {row[0]: row[ARTICLE_COLUMNS.index("language")] for row in list_articles(conn)}
        pairs = mentions[["text", "article_id"]].drop_duplicates()
        langs = {(text, article): script_language(text, _base_language(languages.get(article)))
                 for text, article in zip(pairs["text"], pairs["article_id"])}
        mentions = mentions.assign(seen=mentions["article_id"].map(dates).str.slice(0, 10),
                                   lang=[langs[pair] for pair in zip(mentions["text"], mentions["article_id"])])
        names = _display_names(mentions)
        table = (mentions.groupby(["key", "label"], sort=False)
                 .agg(aliases=("text", lambda t: sorted(set(t))), mentions=("text", "size"),
                      articles=("article_id", "nunique"), first_seen=("seen", "min"), last_seen=("seen", "max"))
                 .reset_index())
        by_language = spellings_by_language(mentions)
        table["aliases_by_language"] = [by_language[(k, label)] for k, label in zip(table["key"], table["label"])]
        table["entity"] = table["key"].map(names)
        return table.sort_values(["mentions", "entity"], ascending=[False, True]).reset_index(drop=True)[columns]

    def articles_with_entity(self, query: str) -> list[str]:
        """Ids of the articles that mention an entity one of whose names or spellings contains
        ``query`` (case-insensitive), in any script: "Kyiv" also finds the articles writing Київ or Киев.

        Args:
            query: part of an entity's name.
        Returns:
            Article ids, sorted.
        """
        needle = query.strip().lower()
        if not needle:
            return []
        mentions = self._keyed_mentions()
        hit = (mentions["canonical"].str.lower().str.contains(needle, regex=False)
               | mentions["text"].str.lower().str.contains(needle, regex=False))
        keys = set(mentions.loc[hit, "key"]) | {self._entity_key(query.strip())}
        return sorted(set(mentions.loc[mentions["key"].isin(keys), "article_id"]))

    def mentions_in_context(self, entity: str, *, label: str | None = None, limit: int = 60,
                            width: int = 8) -> "pd.DataFrame":
        """Keyword in context: each mention of an entity, in any script, with up to ``width`` words either side.

        Returns:
            DataFrame: article_id, title, start, label, left, match, right (at most ``limit`` rows).
        """
        import pandas as pd

        mentions = self._keyed_mentions()
        mask = mentions["key"] == self._entity_key(entity)
        if label is not None:
            mask &= mentions["label"] == label
        chosen = mentions[mask].head(limit)
        ids = sorted(set(chosen["article_id"]))
        with self.store.read() as conn:
            texts = titles_and_texts(conn, ids)
        rows = []
        for m in chosen.to_dict("records"):
            title, text = texts[m["article_id"]]
            start, end = int(m["start"]), int(m["end"])
            left, right = _context(text, start, end, width)
            rows.append({"article_id": m["article_id"], "title": title or "", "start": start, "label": m["label"],
                         "left": left, "match": text[start:end], "right": right})
        return pd.DataFrame(rows, columns=["article_id", "title", "start", "label", "left", "match", "right"])

    # -- internals ----------------------------------------------------------------------------
    def _add_rule(self, action: str, params: dict[str, Any], *, must_match: dict[str, str]) -> int:
        existing = self._keyed_mentions()
        mask = existing["article_id"].notna()
        for column, value in must_match.items():
            if column == "canonical":  # an entity, named in any of its scripts and spellings
                mask &= existing["key"] == self._entity_key(value)
            else:
                mask &= existing[column] == value
        if params.get("article_id"):
            mask &= existing["article_id"] == params["article_id"]
        if not mask.any():
            described = ", ".join(f"{k} {v!r}" for k, v in must_match.items())
            raise StoreError(f"{action}: no mention with {described} in this workspace")
        with self.store.transaction() as conn:
            return self._insert_rule(conn, action, params)

    def _keyed_mentions(self) -> "pd.DataFrame":
        """Every corrected mention with its entity's cross-script ``key``."""
        with self.store.read() as conn:
            return keyed_mentions(conn)

    def _entity_key(self, name: str) -> str:
        """The cross-script key of entity ``name`` under the stored rules."""
        with self.store.read() as conn:
            return name_keys(load_rules(conn))(name)

    def _insert_rule(self, conn: Connection, action: str, params: dict[str, Any]) -> int:
        return insert_rule(conn, action, params, actor=self.actor)

    def _article_ref(self, article_id: str | None) -> str | None:
        if article_id is None:
            return None
        with self.store.read() as conn:
            return resolve_article(conn, article_id)


def _base_language(language: str | None) -> str | None:
    """"uk-UA" -> "uk"; None stays None."""
    return (language or "").lower().replace("_", "-").split("-")[0] or None


def _display_names(mentions: "pd.DataFrame") -> dict[str, str]:
    """Key -> the name an entity is shown by (``nlp.preferred_name``), among its canonical names
    that carry its key."""
    counts = mentions.groupby(["key", "canonical"]).size()
    names: dict[str, dict[str, int]] = {}
    for (key, name), n in counts.items():
        names.setdefault(key, {})[name] = int(n)
    return {key: preferred_name(found) for key, found in names.items()}


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    """Up to ``width`` whole words before ``start`` and after ``end``, white space folded."""
    reach = 30 * width
    before = re.findall(r"\S+\s*", text[max(0, start - reach):start])
    if start - reach > 0 and before:
        before = before[1:]  # the first piece may be a cut word
    after = re.findall(r"\s*\S+", text[end:end + reach])
    if end + reach < len(text) and after:
        after = after[:-1]
    fold = lambda pieces: re.sub(r"\s+", " ", "".join(pieces))  # noqa: E731
    return fold(before[-width:]), fold(after[:width])


def _name(value: Any, what: str) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise StoreError(f"{what}: must not be empty")
    return text


def _label(value: Any) -> str:
    text = str(value or "").strip()
    if not text or len(text) > 40:
        raise StoreError(f"label {value!r}: must be 1-40 characters")
    return text
