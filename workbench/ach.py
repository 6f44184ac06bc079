"""Competing hypotheses in a workspace: analyses, hypotheses, anchored evidence, ratings.

``Analysis`` is the store-backed object an analyst works with; the scoring engines in
``workbench.analysis`` are pure functions over the tidy frame it produces.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from .store import schema as s
from ._anchor import make_anchor, occurrences
from .store.changes import ChangeSet, redo, undo
from ._folding import fold
from . import analysis as maths  # a lazy package: each engine loads (with pandas) on first use
from .analysis import scales
from .errors import StoreError
from .interchange import analysis_to_document, export_analysis
from .store import now

if TYPE_CHECKING:
    import pandas as pd

    from .workspace import Workspace

__all__ = ["Analysis", "RATINGS", "normalise_rating", "WEIGHTS", "FLAGS"]

RATINGS = ("CC", "C", "N", "I", "II", "NA")  # display order; spellings are normalised by analysis.scales
WEIGHTS = ("High", "Medium", "Low")
FLAGS = ("deception", "key_assumption")
KINDS = ("quote", "assumption", "absence")
INFO_CREDIBILITY = {1: "confirmed", 2: "probably true", 3: "possibly true", 4: "doubtful",
                    5: "improbable", 6: "truth cannot be judged"}


def normalise_rating(value: Any, *, where: str = "rating") -> str:
    """Map CC/C/N/I/II/NA and the simple mode (supports/refutes/neutral, ++/+/-/--) to a rating.

    Raises:
        StoreError: a value outside the scale, naming where it was found.
    """
    try:
        rating = scales.normalise_rating(value)
    except ValueError:
        rating = None
    if rating is None:
        raise StoreError(f"{where}: {value!r} is not a rating (use CC, C, N, I, II, NA or supports/refutes/neutral)")
    return rating


def _flags(values: Iterable[str]) -> list[str]:
    flags = sorted(set(values))
    unknown = [f for f in flags if f not in FLAGS]
    if unknown:
        raise StoreError(f"flags {unknown}: unknown (use {', '.join(FLAGS)})")
    return flags


def _weight(value: Any, what: str) -> str:
    text = str(value).strip().capitalize()
    if text not in WEIGHTS:
        raise StoreError(f"{what}: {value!r} must be High, Medium or Low")
    return text


def _info_credibility(value: Any) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in INFO_CREDIBILITY or str(value).strip() not in (str(number),):
        raise StoreError(f"information credibility {value!r}: must be 1-6 (1 confirmed … 5 improbable, 6 cannot be judged)")
    return number


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


class Analysis:
    """One question with its competing hypotheses and evidence, stored in a workspace.

    Obtain one with ``ws.new_analysis(...)`` or ``ws.analysis(id)``.
    """

    def __init__(self, ws: "Workspace", analysis_id: str) -> None:
        self.ws = ws
        self.id = analysis_id

    # -- reading ------------------------------------------------------------------------
    @property
    def info(self) -> dict[str, Any]:
        with self.ws.store.read() as conn:
            row = conn.execute(select(s.analyses).where(s.analyses.c.id == self.id)).mappings().first()
        if row is None:
            raise StoreError(f"analysis {self.id!r}: not in this workspace")
        return dict(row)

    @property
    def question(self) -> str:
        return self.info["question"]

    @property
    def hypotheses(self) -> "pd.DataFrame":
        """Hypotheses in order: id, name, description, position, is_other."""
        import pandas as pd

        h = s.hypotheses
        with self.ws.store.read() as conn:
            rows = conn.execute(select(h.c.id, h.c.name, h.c.description, h.c.position, h.c.is_other)
                                .where(h.c.analysis_id == self.id).order_by(h.c.position)).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=["id", "name", "description", "position", "is_other"])
        frame["is_other"] = frame["is_other"].astype(bool)
        return frame

    @property
    def evidence(self) -> "pd.DataFrame":
        """Evidence items with their anchors, weights, source grades and ratings (one column per hypothesis)."""
        return self._evidence_view(self._snapshot())

    def frame(self) -> "pd.DataFrame":
        """The tidy frame for the scoring engines: one row per (evidence, hypothesis).

        Columns: evidence (label), hypothesis (name), rating (None where unrated), credibility,
        relevance, info_credibility, reliability, group (syndicated copies of one story share
        it), origin (items of one outlet, one article family or one analyst-marked set share
        it), date.
        """
        return self._frame_view(self._snapshot())

    def views(self) -> tuple["pd.DataFrame", "pd.DataFrame"]:
        """``(evidence, frame())`` from one read, for callers that need both."""
        snapshot = self._snapshot()
        return self._evidence_view(snapshot), self._frame_view(snapshot)

    @staticmethod
    def _evidence_view(snapshot: tuple["pd.DataFrame", "pd.DataFrame", "pd.DataFrame"]) -> "pd.DataFrame":
        items, hyps, wide = snapshot
        columns = ["label", "id", "kind", "article_id", "start", "end", "exact", "note", "credibility",
                   "relevance", "info_credibility", "reliability", "source", "group", "event_date",
                   "report_date", "analyst", "flags", "copy", "anchor_method", "anchor_score"]
        out = items[columns].reset_index(drop=True)
        # the matrix shows an unrated cell as blank ("NA"), as PARC does; only the engines tell them apart
        ratings = wide.where(wide.notna(), "NA").set_axis(list(hyps["name"]), axis=1).reset_index(drop=True)
        return out.join(ratings) if len(hyps) else out

    @staticmethod
    def _frame_view(snapshot: tuple["pd.DataFrame", "pd.DataFrame", "pd.DataFrame"]) -> "pd.DataFrame":
        import numpy as np
        import pandas as pd

        items, hyps, wide = snapshot
        n = len(hyps)
        def each(column: str) -> np.ndarray:
            return np.repeat(items[column].to_numpy(dtype=object), n)

        dates = items["event_date"].where(items["event_date"].notna(), items["report_date"])
        # An ungraded source stays ungraded: the engines' ``ungraded`` setting says what it is worth.
        reliability = items["reliability"]
        return pd.DataFrame({
            "evidence": each("label"), "hypothesis": np.tile(hyps["name"].to_numpy(dtype=object), len(items)),
            "rating": np.array([r if isinstance(r, str) else None for r in wide.to_numpy(dtype=object).ravel()],
                               dtype=object) if n else np.array([], dtype=object),
            "credibility": each("credibility"), "relevance": each("relevance"),
            "info_credibility": each("info_credibility"), "reliability": np.repeat(reliability.to_numpy(dtype=object), n),
            "group": each("group"), "origin": each("origin_key"), "date": np.repeat(dates.to_numpy(dtype=object), n),
        })

    # -- scoring (pure engines in workbench.analysis) ------------------------------------------
    def score(self, **options: Any) -> Any:
        """PARC, weighted PARC, Open Synthesis and Bayes side by side (``analysis.Scores``),
        with the Bayesian range, the independent origins and the confidence.

        Options override the analysis's settings (``dependence``, ``ungraded``) for this call.
        """
        info = self.info
        options = {**self.settings, **options}
        options.setdefault("confidence", (info.get("confidence"), info.get("confidence_note"), info.get("confidence_by"))
                           if info.get("confidence") else None)
        return maths.score(self.frame(), hypotheses=list(self.hypotheses["name"]), **options)

    def leave_one_out(self, **options: Any) -> Any:
        """Which evidence items, removed, change the leader under each engine (the linchpins)."""
        return maths.leave_one_out(self.frame(), hypotheses=list(self.hypotheses["name"]), **{**self.settings, **options})

    def rating_perturbation(self, **options: Any) -> "pd.DataFrame":
        """Every one-step rating change that would change the leader."""
        return maths.rating_perturbation(self.frame(), hypotheses=list(self.hypotheses["name"]),
                                   **{**self.settings, **options})

    def monte_carlo(self, draws: int = 10_000, seed: int | None = 0, **options: Any) -> Any:
        """How robust each hypothesis's first place is when ratings and weights are uncertain."""
        return maths.monte_carlo(self.frame(), draws=draws, seed=seed, hypotheses=list(self.hypotheses["name"]),
                           **{**self.settings, **options})

    # -- settings and confidence ------------------------------------------------------------
    @property
    def settings(self) -> dict[str, Any]:
        """The analysis's scoring settings: ``dependence`` (0 = one observation per origin … 1 =
        every item independent) and ``ungraded`` (the rule for ungraded sources)."""
        stored = self.info.get("settings")
        values = json.loads(stored) if stored else {}
        return {"dependence": values.get("dependence", maths.DEFAULT_DEPENDENCE),
                "ungraded": values.get("ungraded", maths.DEFAULT_UNGRADED)}

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
            change.update(s.analyses, {"id": self.id}, {"settings": json.dumps(values, sort_keys=True)})

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
            change.update(s.analyses, {"id": self.id}, values)

    def mark_same_origin(self, evidence: Iterable[str], origin: str) -> None:
        """Mark items as sharing one origin (e.g. one press conference reported by several
        outlets): the Bayesian view then counts them as one observation."""
        label = " ".join(str(origin or "").split())
        if not label:
            raise StoreError("an origin needs a name")
        ids = [self._evidence_id(ref) for ref in evidence]
        with self._change(f"mark {len(ids)} items as one origin {label!r}") as change:
            for eid in ids:
                if change.update(s.evidence, {"id": eid}, {"origin": label}):
                    self._touch(change, eid)

    def matrix(self) -> "pd.DataFrame":
        """The matrix: evidence rows, hypothesis columns, ratings as values."""
        frame = self.evidence
        names = list(self.hypotheses["name"])
        return frame.set_index("label")[["exact", "note", "credibility", "relevance", *names]]

    def to_document(self) -> dict[str, Any]:
        """The whole analysis as a plain, versioned document (lossless JSON)."""
        return analysis_to_document(self)

    def export(self, path: Any, format: str = "json") -> Any:  # noqa: A002 - the CLI's word
        """Write the analysis as json | achz | w3c | csv."""
        return export_analysis(self, format, path)

    def _evidence_rows(self) -> list[dict[str, Any]]:
        return self._snapshot()[0].to_dict("records")

    def _snapshot(self) -> tuple["pd.DataFrame", "pd.DataFrame", "pd.DataFrame"]:
        """One consistent read: evidence items (with source grade, copy and independence group),
        hypotheses, and the ratings as an items × hypotheses frame ("NA" where unrated)."""
        import pandas as pd

        e, a, src, r = s.evidence, s.articles, s.sources, s.ratings
        root = a.alias("root")   # the original of a syndicated copy: its outlet is the story's origin
        graded = case((src.c.graded == 1, src.c.reliability), else_=None).label("reliability")
        query = (select(e, a.c.copy_of, a.c.published, src.c.name.label("source"), graded,
                        a.c.source_id, root.c.source_id.label("root_source_id"))
                 .select_from(e.outerjoin(a, e.c.article_id == a.c.id).outerjoin(src, a.c.source_id == src.c.id)
                              .outerjoin(root, a.c.copy_of == root.c.id))
                 .where(e.c.analysis_id == self.id).order_by(e.c.position, e.c.created_at))
        with self.ws.store.read() as conn:
            result = conn.execute(query)
            # object columns: offsets and grades stay ints (None where absent), not floats
            items = pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()), dtype=object)
            rated = conn.execute(select(r.c.evidence_id, r.c.hypothesis_id, r.c.rating)
                                 .join(e, e.c.id == r.c.evidence_id).where(e.c.analysis_id == self.id)).all()
        hyps = self.hypotheses
        items = items.astype(object).where(items.notna(), None)
        items["label"] = [f"E{p}" for p in items["position"]]
        items["flags"] = [[] if f in (None, "", "[]") else json.loads(f) for f in items["flags"]]
        items["copy"] = items["copy_of"].notna()
        items["report_date"] = items["report_date"].where(items["report_date"].notna(), items["published"])
        # Syndicated copies of one story, quoting the same words, are one piece of evidence.
        items["group"] = [
            f"{copy_of or article}:{' '.join((exact or '').lower().split())}" if kind == "quote" else ident
            for kind, copy_of, article, exact, ident in zip(items["kind"], items["copy_of"], items["article_id"],
                                                             items["exact"], items["id"])]
        items["origin_key"] = [_origin_key(*row) for row in zip(
            items["origin"], items["root_source_id"], items["source_id"], items["copy_of"], items["article_id"])]
        ratings = pd.DataFrame([tuple(x) for x in rated], columns=["evidence_id", "hypothesis_id", "rating"])
        wide = (ratings.pivot(index="evidence_id", columns="hypothesis_id", values="rating")
                .reindex(index=items["id"], columns=hyps["id"]).astype(object))
        wide = wide.where(wide.notna(), None)   # unrated is not N/A: the engines tell them apart
        return items, hyps, wide

    # -- hypotheses -----------------------------------------------------------------------
    def add_hypothesis(self, name: str, *, description: str | None = None, is_other: bool = False) -> str:
        """Add a hypothesis at the end; returns its id."""
        name = _clean_name(name, "hypothesis name")
        with self._change(f"add hypothesis {name!r}") as change:
            position = change.conn.execute(select(func.coalesce(func.max(s.hypotheses.c.position), 0))
                                           .where(s.hypotheses.c.analysis_id == self.id)).scalar_one() + 1
            if change.conn.execute(select(s.hypotheses.c.id).where(s.hypotheses.c.analysis_id == self.id,
                                                                    s.hypotheses.c.name == name)).first():
                raise StoreError(f"hypothesis {name!r}: already in this analysis")
            hid = _new_id()
            change.insert(s.hypotheses, {"id": hid, "analysis_id": self.id, "name": name, "description": description,
                                         "position": position, "is_other": int(is_other)})
        return hid

    def rename_hypothesis(self, hypothesis: str, name: str) -> None:
        hid = self._hypothesis_id(hypothesis)
        name = _clean_name(name, "hypothesis name")
        with self._change(f"rename hypothesis {hypothesis!r} to {name!r}") as change:
            change.update(s.hypotheses, {"id": hid}, {"name": name})

    def remove_hypothesis(self, hypothesis: str) -> None:
        hid = self._hypothesis_id(hypothesis)
        with self._change(f"remove hypothesis {hypothesis!r}") as change:
            for (eid,) in change.conn.execute(select(s.ratings.c.evidence_id).where(s.ratings.c.hypothesis_id == hid)).all():
                change.delete(s.ratings, {"evidence_id": eid, "hypothesis_id": hid})
            change.delete(s.hypotheses, {"id": hid})

    # -- evidence -------------------------------------------------------------------------
    def tag(self, article_id: str, start: int, end: int, *, ratings: Mapping[str, Any] | None = None,
            note: str | None = None, credibility: str = "Medium", relevance: str = "Medium",
            info_credibility: int | None = None, event_date: str | None = None,
            flags: Iterable[str] = (), analyst: str | None = None) -> str:
        """Tag ``article[start:end]`` as evidence and rate it; returns the evidence id.

        Args:
            article_id: article id or unique prefix.
            start, end: character offsets of the passage in the stored text.
            ratings: hypothesis name (or id) -> rating (CC, C, N, I, II, NA or supports/refutes/neutral).
            note, credibility, relevance, info_credibility, event_date, flags, analyst: see the data model.
        """
        article = self.ws.article(article_id)
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

    @property
    def orphans(self) -> "pd.DataFrame":
        """Quotes whose article or words could not be found (kept with their ratings; see import)."""
        frame = self.evidence
        return frame[frame["anchor_method"] == "orphaned"].reset_index(drop=True)

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
        eid = _new_id()
        with self._change(label) as change:
            resolved = self._resolve_ratings(ratings or {}, change.conn)
            position = change.conn.execute(select(func.coalesce(func.max(s.evidence.c.position), 0))
                                           .where(s.evidence.c.analysis_id == self.id)).scalar_one() + 1
            change.insert(s.evidence, {
                "id": eid, "analysis_id": self.id, "kind": kind, "note": note,
                "analyst": analyst or self.ws.actor, "created_at": stamp, "updated_at": stamp,
                "event_date": event_date, "flags": json.dumps(flags), "position": position,
                **values, **(anchor or {}),
            })
            for hid, rating in resolved.items():
                change.insert(s.ratings, {"evidence_id": eid, "hypothesis_id": hid, "rating": rating})
        return eid

    def rate(self, evidence: str, hypothesis: str, rating: Any) -> bool:
        """Rate one evidence item against one hypothesis (NA removes the rating).

        Returns:
            Whether the rating changed (rating a cell with the value it has records nothing).
        """
        value = normalise_rating(rating, where=f"rating of {evidence} against {hypothesis}")
        with self._change(f"rate {evidence} against {hypothesis}: {value}") as change:
            eid = self._evidence_id(evidence, change.conn)  # resolved under the write lock
            hid = self._hypothesis_id(hypothesis, change.conn)
            key = {"evidence_id": eid, "hypothesis_id": hid}
            if value == "NA":
                changed = change.delete(s.ratings, key)
            else:
                changed = change.upsert(s.ratings, {**key, "rating": value})
            if changed:
                self._touch(change, eid)
        return bool(change.ops)

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
            if change.update(s.evidence, {"id": eid}, clean):
                self._touch(change, eid)
        return bool(change.ops)

    def remove_evidence(self, evidence: str) -> None:
        eid = self._evidence_id(evidence)
        with self._change(f"remove {evidence}") as change:
            for (hid,) in change.conn.execute(select(s.ratings.c.hypothesis_id).where(s.ratings.c.evidence_id == eid)).all():
                change.delete(s.ratings, {"evidence_id": eid, "hypothesis_id": hid})
            change.delete(s.evidence, {"id": eid})

    # -- history --------------------------------------------------------------------------
    def undo(self) -> str | None:
        """Undo the newest change to this analysis; returns what was undone."""
        with self.ws.store.transaction() as conn:
            return undo(conn, self.id, self.ws.actor)

    def redo(self) -> str | None:
        """Redo the newest undone change; returns what was redone."""
        with self.ws.store.transaction() as conn:
            return redo(conn, self.id, self.ws.actor)

    def history(self) -> "pd.DataFrame":
        """This analysis's changes, undos and redos, oldest first."""
        import pandas as pd

        log = s.audit_log
        with self.ws.store.read() as conn:
            rows = conn.execute(select(log.c.id, log.c.at, log.c.actor, log.c.action, log.c.after)
                                .where(log.c.target_type == "analysis", log.c.target_id == self.id)
                                .order_by(log.c.id)).all()
        return pd.DataFrame([(i, at, actor, action, json.loads(after).get("label")) for i, at, actor, action, after in rows],
                            columns=["id", "at", "actor", "action", "what"])

    # -- internals ------------------------------------------------------------------------
    def _change(self, label: str) -> "_ChangeContext":
        return _ChangeContext(self, label)

    def _touch(self, change: ChangeSet, eid: str) -> None:
        change.conn.execute(s.evidence.update().where(s.evidence.c.id == eid).values(updated_at=now()))

    def _hypothesis_id(self, ref: str, conn: Any = None) -> str:
        """The id of a hypothesis given by id, name or H-label (read in ``conn`` when given)."""
        h = s.hypotheses
        query = select(h.c.id, h.c.name, h.c.position).where(h.c.analysis_id == self.id)
        if conn is not None:
            rows = conn.execute(query).all()
        else:
            with self.ws.store.read() as reader:
                rows = reader.execute(query).all()
        for hid, name, position in rows:
            if ref in (hid, name, f"H{position}"):
                return hid
        raise StoreError(f"hypothesis {ref!r}: not in analysis {self.id}")

    def _evidence_id(self, ref: str, conn: Any = None) -> str:
        """The id of an evidence item given by id or E-label (read in ``conn`` when given)."""
        e = s.evidence
        query = select(e.c.id, e.c.position).where(e.c.analysis_id == self.id)
        if conn is not None:
            rows = conn.execute(query).all()
        else:
            with self.ws.store.read() as reader:
                rows = reader.execute(query).all()
        for eid, position in rows:
            if ref in (eid, f"E{position}"):
                return eid
        raise StoreError(f"evidence {ref!r}: not in analysis {self.id}")

    def _resolve_ratings(self, ratings: Mapping[str, Any], conn: Any = None) -> dict[str, str]:
        out = {}
        for hyp, rating in ratings.items():
            value = normalise_rating(rating, where=f"rating against {hyp!r}")
            if value != "NA":
                out[self._hypothesis_id(hyp, conn)] = value
        return out

    def __repr__(self) -> str:
        return f"<Analysis {self.id} {self.question!r}>"


class _ChangeContext:
    """``with analysis._change(label) as change:`` — one transaction, one audit event."""

    def __init__(self, analysis: Analysis, label: str) -> None:
        self.analysis = analysis
        self.label = label

    def __enter__(self) -> ChangeSet:
        self._tx = self.analysis.ws.store.transaction()
        conn = self._tx.__enter__()
        if conn.execute(select(s.analyses.c.id).where(s.analyses.c.id == self.analysis.id)).first() is None:
            self._tx.__exit__(None, None, None)
            raise StoreError(f"analysis {self.analysis.id!r}: not in this workspace")
        self.change = ChangeSet(conn, self.analysis.id, self.label)
        return self.change

    def __exit__(self, exc_type, exc, tb) -> bool:  # noqa: ANN001
        if exc_type is None:
            if self.change.commit(self.analysis.ws.actor):
                self.change.conn.execute(s.analyses.update().where(s.analyses.c.id == self.analysis.id)
                                         .values(updated_at=now()))
        return bool(self._tx.__exit__(exc_type, exc, tb))


def _origin_key(mark: str | None, root_source: int | None, source: int | None, copy_of: str | None,
                article: str | None) -> str | None:
    """Which origin an item belongs to: the analyst's mark, else the story's outlet (a copy takes
    its original's), else the article family; None for an item with no article (it stands alone)."""
    if mark:
        return f"mark:{mark}"
    outlet = root_source if copy_of else source
    if outlet is not None:
        return f"source:{outlet}"
    if article is not None:
        return f"article:{copy_of or article}"
    return None


def _pick_occurrence(text: str, quote: str, where: str, *, prefix: str | None, suffix: str | None,
                     occurrence: int | None) -> tuple[int, int]:
    """The one occurrence of ``quote`` in ``text`` the options single out, as offsets.

    Raises:
        StoreError: not found, or ambiguous (naming the count and how to choose).
    """
    if not str(quote or "").strip():
        raise StoreError("quote: must not be empty")
    found = occurrences(text, quote)
    short = f"{quote[:60]!r}"
    if not found:
        raise StoreError(f"quote {short}: not found in {where}")
    if prefix or suffix:
        # compared folded, so a straight apostrophe in the option matches a curly one in the text
        before, after = fold(prefix or "").strip(), fold(suffix or "").strip()
        found = [(start, end) for start, end in found
                 if fold(text[max(0, start - 4 * len(before) - 8):start]).rstrip().endswith(before)
                 and fold(text[end:end + 4 * len(after) + 8]).lstrip().startswith(after)]
        if not found:
            raise StoreError(f"quote {short}: no occurrence in {where} has the given prefix/suffix")
    if occurrence is not None:  # counted among those with the given prefix/suffix, if any
        if isinstance(occurrence, bool) or not isinstance(occurrence, int) or not 1 <= occurrence <= len(found):
            raise StoreError(f"quote {short}: occurrence={occurrence!r} is not between 1 and {len(found)} "
                             f"(it occurs {len(found)} time{'s' if len(found) > 1 else ''} in {where})")
        found = [found[occurrence - 1]]
    if len(found) > 1:
        raise StoreError(f"quote {short}: occurs {len(found)} times in {where}; say which with "
                         f"occurrence=1..{len(found)} or prefix=/suffix= (the words just before/after it)")
    return found[0]


def _clean_name(value: Any, what: str) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise StoreError(f"{what}: must not be empty")
    if len(text) > 2000:
        raise StoreError(f"{what}: longer than 2,000 characters")
    return text


def create_analysis(ws: "Workspace", question: str, hypotheses: Iterable[str] = (), *,
                    time_horizon: str | None = None, classification: str | None = None,
                    other: bool = False, exist_ok: bool = False) -> Analysis:
    """Create an analysis with its hypotheses in one change; ``other`` adds "None of these";
    ``exist_ok`` returns the analysis already asking the same question instead."""
    question = _clean_name(question, "question")
    if exist_ok:
        with ws.store.read() as conn:
            found = conn.execute(select(s.analyses.c.id).where(s.analyses.c.question == question)
                                 .order_by(s.analyses.c.created_at)).scalar()
        if found:
            return Analysis(ws, found)
    names = [_clean_name(h, "hypothesis name") for h in hypotheses]
    if len(set(names)) != len(names):
        raise StoreError("hypotheses: names must be distinct")
    if other:
        names.append("None of these")
    aid = _new_id()
    stamp = now()
    with ws.store.transaction() as conn:
        change = ChangeSet(conn, aid, f"create analysis {question[:60]!r}")
        change.insert(s.analyses, {"id": aid, "question": question, "time_horizon": time_horizon,
                                   "classification": classification, "created_by": ws.actor,
                                   "created_at": stamp, "updated_at": stamp})
        for position, name in enumerate(names, 1):
            change.insert(s.hypotheses, {"id": _new_id(), "analysis_id": aid, "name": name, "description": None,
                                         "position": position, "is_other": int(other and position == len(names))})
        change.commit(ws.actor)
    return Analysis(ws, aid)
