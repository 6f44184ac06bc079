"""The write side of ``Analysis``: hypotheses, evidence, ratings, settings, confidence, origin marks.

Each method is one audited change (``_change``); the values are checked by ``_ach_values``.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from .. import analysis as maths  # a lazy package: each engine loads (with pandas) on first use
from ._ach_base import AnalysisBase
from ._ach_values import _clean_name, _flags, _info_credibility, _pick_occurrence, _weight, normalise_rating
from .._anchor import make_anchor
from ..errors import StoreError
from ..store import new_id, now
from ..store.analyses import hypothesis_named, next_evidence_position, next_hypothesis_position, ratings_of
from ..store.changes import ChangeSet
from ..store.evidence import touch_for_rating

__all__ = ["AnalysisWriting", "LoadedArticle"]


class _Unchanged(Exception):
    """Raised inside a change that turns out to change nothing, to roll it back."""


class LoadedArticle(Protocol):
    """What ``tag`` needs of an article already loaded (a ``Workspace.article``)."""

    id: str
    text: str
    content_hash: str


class AnalysisWriting(AnalysisBase):
    """Changing an analysis: every method is one audited, undoable change."""

    def configure(self, *, dependence: Any = None, ungraded: Any = None) -> None:
        """Change the scoring settings (audited; undo restores the old ones).

        Args:
            dependence: "one-per-origin" (0), "independent" (1) or a number between.
            ungraded: "as-published" or "cannot-be-judged".
        """
        values = self.settings
        try:
            if dependence is not None:
                values["dependence"] = maths.normalise_dependence(dependence)
            if ungraded is not None:
                values["ungraded"] = maths.normalise_ungraded(ungraded)
        except ValueError as err:
            raise StoreError(str(err)) from None
        with self._change(f"settings: dependence {values['dependence']:g}, ungraded sources {values['ungraded']}") as change:
            change.update("analyses", {"id": self.id}, {"settings": json.dumps(values, sort_keys=True)})

    def set_confidence(self, level: str | None, note: str | None = None) -> None:
        """Override the derived confidence (low / moderate / high) with a note; None clears it.

        The override is audited and shown beside the derived level and its reasons.

        Raises:
            StoreError: an unknown level, or an override without a note.
        """
        if level is None:
            values = {"confidence": None, "confidence_note": None, "confidence_by": None}
            label = "clear the confidence override"
        else:
            try:
                level = maths.normalise_confidence(level)
            except ValueError as err:
                raise StoreError(str(err)) from None
            note = " ".join(str(note or "").split())
            if not note:
                raise StoreError("a confidence override needs a note saying why")
            values = {"confidence": level, "confidence_note": note, "confidence_by": self.ws.actor}
            label = f"confidence set to {level}"
        with self._change(label) as change:
            change.update("analyses", {"id": self.id}, values)

    def mark_same_origin(self, evidence: Iterable[str], origin: str) -> None:
        """Mark items as sharing one origin (e.g. one press conference reported by several
        outlets): the Bayesian view then counts them as one observation."""
        label = " ".join(str(origin or "").split())
        if not label:
            raise StoreError("an origin needs a name")
        ids = [self._evidence_id(ref) for ref in evidence]
        with self._change(f"mark {len(ids)} items as one origin {label!r}") as change:
            for eid in ids:
                if change.update("evidence", {"id": eid}, {"origin": label}):
                    self._touch(change, eid)

    # -- hypotheses -----------------------------------------------------------------------
    def add_hypothesis(self, name: str, *, description: str | None = None, is_other: bool = False) -> str:
        """Add a hypothesis at the end; returns its id."""
        name = _clean_name(name, "hypothesis name")
        with self._change(f"add hypothesis {name!r}") as change:
            position = next_hypothesis_position(change.conn, self.id)
            if hypothesis_named(change.conn, self.id, name):
                raise StoreError(f"hypothesis {name!r}: already in this analysis")
            hid = new_id()
            change.insert("hypotheses", {"id": hid, "analysis_id": self.id, "name": name, "description": description,
                                         "position": position, "is_other": int(is_other)})
        return hid

    def rename_hypothesis(self, hypothesis: str, name: str) -> None:
        hid = self._hypothesis_id(hypothesis)
        name = _clean_name(name, "hypothesis name")
        with self._change(f"rename hypothesis {hypothesis!r} to {name!r}") as change:
            change.update("hypotheses", {"id": hid}, {"name": name})

    def remove_hypothesis(self, hypothesis: str) -> None:
        hid = self._hypothesis_id(hypothesis)
        with self._change(f"remove hypothesis {hypothesis!r}") as change:
            _remove_ratings(change, ratings_of(change.conn, hypothesis_id=hid))
            change.delete("hypotheses", {"id": hid})

    # -- evidence -------------------------------------------------------------------------
    def tag(self, article_id: "str | LoadedArticle", start: int, end: int, *, ratings: Mapping[str, Any] | None = None,
            note: str | None = None, credibility: str = "Medium", relevance: str = "Medium",
            info_credibility: int | None = None, event_date: str | None = None,
            flags: Iterable[str] = (), analyst: str | None = None) -> str:
        """Tag ``article[start:end]`` as evidence and rate it; returns the evidence id.

        Args:
            article_id: article id or unique prefix, or the ``Article`` already loaded (the
                reader passes the one it shows: its offsets are offsets in that text).
            start, end: character offsets of the passage in the stored text.
            ratings: hypothesis id (or name, or H-label) -> rating (CC, C, N, I, II, NA or
                supports/refutes/neutral).
            note, credibility, relevance, info_credibility, event_date, flags, analyst: see the data model.
        """
        article = self.ws.article(article_id) if isinstance(article_id, str) else article_id
        anchor = make_anchor(article.text, int(start), int(end), name=f"quote in article {article.id}")
        return self._add_evidence("quote", ratings=ratings, note=note, credibility=credibility,
                                  relevance=relevance, info_credibility=info_credibility, event_date=event_date,
                                  flags=flags, analyst=analyst,
                                  anchor={"article_id": article.id, "start": anchor.start, "end": anchor.end,
                                          "exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix,
                                          "content_hash": article.content_hash, "anchor_method": "exact",
                                          "anchor_score": 1.0},
                                  label=f"tag {anchor.exact[:40]!r} in {article.id}")

    def tag_quote(self, article_id: str, quote: str, *, prefix: str | None = None, suffix: str | None = None,
                  occurrence: int | None = None, **options: Any) -> str:
        """Tag ``quote`` in an article (see ``tag``); returns the evidence id.

        The quote is found verbatim, or differing only in typography, white space or case
        (curly or straight quotes, a line break for a space). When it occurs more than once,
        say which: ``prefix`` / ``suffix`` (words just before / after it) or ``occurrence``
        (1 for the first); the first is never taken silently.

        Args:
            article_id: article id or unique prefix.
            quote: the words to tag.
            prefix, suffix: text that must come just before / after the wanted occurrence.
            occurrence: which occurrence, counting from 1 in text order (among those with the
                given prefix/suffix, when given).
            **options: ratings, note, weights, dates, flags, analyst (see ``tag``).
        Raises:
            StoreError: the quote is not in the article, or occurs more than once and the
                options do not single out one occurrence (the message names the count).
        """
        article = self.ws.article(article_id)
        start, end = _pick_occurrence(article.text, quote, f"article {article.id}",
                                      prefix=prefix, suffix=suffix, occurrence=occurrence)
        return self.tag(article.id, start, end, **options)

    def add_assumption(self, note: str, **options: Any) -> str:
        """A key assumption: free-standing evidence with no article anchor."""
        flags = set(options.pop("flags", ())) | {"key_assumption"}
        return self._add_evidence("assumption", note=_clean_name(note, "assumption"), flags=flags,
                                  label=f"assume {note[:40]!r}", **options)

    def add_absence(self, note: str, **options: Any) -> str:
        """An absence of evidence ("no mobilisation orders seen in Belarusian media")."""
        return self._add_evidence("absence", note=_clean_name(note, "absence"), label=f"absence {note[:40]!r}", **options)

    def _add_evidence(self, kind: str, *, ratings: Mapping[str, Any] | None = None, note: str | None = None,
                      credibility: str = "Medium", relevance: str = "Medium", info_credibility: Any = None,
                      event_date: str | None = None, flags: Iterable[str] = (), analyst: str | None = None,
                      anchor: dict[str, Any] | None = None, label: str = "add evidence") -> str:
        flags = _flags(flags)
        values = {
            "credibility": _weight(credibility, "credibility"), "relevance": _weight(relevance, "relevance"),
            "info_credibility": _info_credibility(info_credibility),
        }
        stamp = now()
        eid = new_id()
        with self._change(label) as change:
            resolved = self._resolve_ratings(ratings or {}, change.hypotheses)
            # the next position is taken in the insert itself, under the write lock
            position = next_evidence_position(self.id)
            change.insert("evidence", {
                "id": eid, "analysis_id": self.id, "kind": kind, "note": note,
                "analyst": analyst or self.ws.actor, "created_at": stamp, "updated_at": stamp,
                "event_date": event_date, "flags": json.dumps(flags), "position": position,
                **values, **(anchor or {}),
            })
            change.insert_rows("ratings", [{"evidence_id": eid, "hypothesis_id": hid, "analyst": self.ws.actor,
                                            "rating": rating} for hid, rating in resolved.items()])
        return eid

    def rate(self, evidence: str, hypothesis: str, rating: Any) -> bool:
        """Rate one evidence item against one hypothesis as the acting analyst (NA removes their
        rating; other analysts' ratings of the cell stay as they are).

        Returns:
            Whether the rating changed (rating a cell with the value it has records nothing).
        """
        value = normalise_rating(rating, where=f"rating of {evidence} against {hypothesis}")
        try:
            with self._change(f"rate {evidence} against {hypothesis}: {value}") as change:
                hid = self._hypothesis_id(hypothesis, change.hypotheses)
                # under the write lock, in one statement: the item found, marked edited, its cell read
                found = touch_for_rating(change.conn, self.id, evidence, hid, self.ws.actor, now())
                if found is None:
                    raise StoreError(f"evidence {evidence!r}: not in analysis {self.id}")
                eid, current = found
                if current == (None if value == "NA" else value):
                    raise _Unchanged  # the touch rolls back: an unchanged rating records nothing
                key = {"evidence_id": eid, "hypothesis_id": hid, "analyst": self.ws.actor}
                before = None if current is None else {**key, "rating": current}
                if value == "NA":
                    change.delete("ratings", key, before=before)
                else:
                    change.upsert("ratings", {**key, "rating": value}, before=before)
        except _Unchanged:
            return False
        return True

    def update_evidence(self, evidence: str, **values: Any) -> bool:
        """Change an item's note, weights, information credibility, dates or flags.

        Returns:
            Whether anything changed.
        """
        allowed = {"note", "credibility", "relevance", "info_credibility", "event_date", "report_date", "flags",
                   "origin"}
        unknown = set(values) - allowed
        if unknown:
            raise StoreError(f"evidence fields {sorted(unknown)}: cannot be changed (allowed: {', '.join(sorted(allowed))})")
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key in ("credibility", "relevance"):
                clean[key] = _weight(value, key)
            elif key == "info_credibility":
                clean[key] = _info_credibility(value)
            elif key == "flags":
                clean[key] = json.dumps(_flags(value))
            elif key == "origin":
                clean[key] = " ".join(str(value).split()) or None if value is not None else None
            else:
                clean[key] = value
        with self._change(f"edit {evidence}: {', '.join(sorted(clean))}") as change:
            eid = self._evidence_id(evidence, change.conn)
            if change.update("evidence", {"id": eid}, clean):
                self._touch(change, eid)
        return bool(change.ops)

    def remove_evidence(self, evidence: str) -> None:
        eid = self._evidence_id(evidence)
        with self._change(f"remove {evidence}") as change:
            _remove_ratings(change, ratings_of(change.conn, evidence_id=eid))
            change.delete("evidence", {"id": eid})


def _remove_ratings(change: ChangeSet, rated: list[tuple[str, str, str]]) -> None:
    """Delete every analyst's ratings of one item or of one hypothesis, each delete recorded
    (undo brings them back).

    Args:
        change: the change under way.
        rated: (evidence id, hypothesis id, analyst) of the ratings (``store.analyses.ratings_of``).
    """
    for eid, hid, who in rated:
        change.delete("ratings", {"evidence_id": eid, "hypothesis_id": hid, "analyst": who})
