"""One consistent read of an analysis (``AnalysisState``): its row, hypotheses, evidence and
every analyst's ratings.

Every view of an analysis (the evidence table, the engines' tidy frame, the scores, the matrix
and the reader's underlines, for the team or one analyst) is built from one state, so they
always agree. A state costs two statements: the analysis row with its hypotheses, and the
evidence with its ratings gathered per item. A write can read it back inside its own
transaction (``Analysis.state_after``), so a tag reaches the matrix without a second trip.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import analysis as maths  # a lazy package: each engine loads (with pandas) on first use
from ._ach_views import TEAM, analysts_in, resolve_view, view_ratings
from ..errors import StoreError
from ..ingest.pages import page_of
from ..store.analyses import HYPOTHESIS_COLUMNS, analysis_head
from ..store.evidence import RATED_COLUMNS, evidence_rows

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from sqlalchemy import Connection

__all__ = ["AnalysisState", "read_head", "read_state", "scoring_options", "EVIDENCE_COLUMNS", "RATING_SUFFIX"]

#: The evidence table's own columns, before one rating column per hypothesis (by name).
EVIDENCE_COLUMNS = ["label", "id", "kind", "article_id", "start", "end", "exact", "note", "credibility",
                    "relevance", "info_credibility", "reliability", "source", "group", "event_date",
                    "report_date", "analyst", "flags", "copy", "anchor_method", "anchor_score", "page"]
#: Added to the rating column of a hypothesis named like one of ``EVIDENCE_COLUMNS``.
RATING_SUFFIX = " (rating)"
_HYPOTHESIS_COLUMNS = HYPOTHESIS_COLUMNS


@dataclass(frozen=True)
class AnalysisState:
    """An analysis as one read found it.

    A view says whose ratings: "team" (None, the default: the analysts' consensus; with one
    analyst, theirs), "mine" (``actor``'s) or an analyst's name (see ``_ach_views``).

    Attributes:
        info: the stored analysis row (question, settings, confidence override, …), and
            ``new_alerts``: how many of its alerts are not decided yet (the widgets' badge).
        hypotheses: id, name, description, position, is_other, in order.
        items: one row per evidence item with its anchor, weights, source grade (``reliability``:
            None while ungraded; ``source_reliability``: as stored), copy, independence group and
            origin key, in order (``store.evidence.evidence_rows``); ``report_date`` falls back
            to the article's date, ``stored_report_date`` is the item's own.
        rated: every analyst's ratings: evidence_id, hypothesis_id, analyst, rating.
        actor: the acting analyst (the view "mine").
    """

    info: dict[str, Any]
    hypotheses: "pd.DataFrame"
    items: "pd.DataFrame"
    rated: "pd.DataFrame"
    actor: str
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.info["id"]

    def analysts(self) -> list[str]:
        """The analysts who rated something, in name order."""
        return analysts_in(self.rated)

    def ratings(self, view: str | None = None) -> "pd.DataFrame":
        """One view's ratings as items × hypothesis ids: the rating, or None where unrated.

        Raises:
            StoreError: a view naming no analyst of this analysis.
        """
        key = ("ratings", resolve_view(view, self.actor, self.analysts(), self.id))
        if key not in self._cache:
            self._cache[key] = _wide(view_ratings(self.rated, view, self.actor, self.id),
                                     list(self.items["id"]), list(self.hypotheses["id"]))
        return self._cache[key]

    @property
    def evidence(self) -> "pd.DataFrame":
        """The team's evidence table (see ``evidence_view``)."""
        return self.evidence_view()

    def evidence_view(self, view: str | None = None) -> "pd.DataFrame":
        """Evidence items with their anchors, weights, grades and one view's ratings: the last
        columns, one per hypothesis in order, named by it ("NA" where unrated, as the matrix
        shows it).

        A hypothesis named like a column of the items (say "note") gets its column named
        "note (rating)": the item's own column keeps its name.
        """
        out = self.items[EVIDENCE_COLUMNS].reset_index(drop=True)
        if not len(self.hypotheses):
            return out
        ratings = self.ratings(view)
        shown = ratings.where(ratings.notna(), "NA")
        names = [f"{name}{RATING_SUFFIX}" if name in EVIDENCE_COLUMNS else name for name in self.hypotheses["name"]]
        return out.join(shown.set_axis(names, axis=1).reset_index(drop=True))

    def frame(self, view: str | None = None) -> "pd.DataFrame":
        """The tidy frame for the scoring engines: one row per (evidence, hypothesis name)."""
        key = ("frame", resolve_view(view, self.actor, self.analysts(), self.id))
        if key not in self._cache:
            self._cache[key] = _tidy_frame(self.items, self.hypotheses, self.ratings(view))
        return self._cache[key]

    def views(self, view: str | None = None) -> tuple["pd.DataFrame", "pd.DataFrame"]:
        """``(evidence_view(view), frame(view))``."""
        return self.evidence_view(view), self.frame(view)

    def long_frame(self) -> "pd.DataFrame":
        """Every analyst's tidy frame stacked, with an ``analyst`` column (without ratings, the
        frame as ``frame()`` gives it)."""
        import pandas as pd

        analysts = self.analysts()
        if not analysts:
            return self.frame()
        frames = []
        for analyst in analysts:
            frame = self.frame(analyst).copy()
            frame["analyst"] = analyst
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    @property
    def settings(self) -> dict[str, Any]:
        """``dependence`` and ``ungraded``: the analysis's scoring settings."""
        options = self.scoring_options()
        return {"dependence": options["dependence"], "ungraded": options["ungraded"]}

    def scoring_options(self) -> dict[str, Any]:
        """What ``analysis.score`` takes from the analysis row: ``dependence``, ``ungraded`` and
        ``confidence`` (the analyst's override, or None)."""
        return scoring_options(self.info)

    def score(self, view: str | None = None, **options: Any) -> Any:
        """Every engine's scores (``analysis.Scores``) for a view: the team's (Open Synthesis on
        the mean of the analysts' votes, the other engines on their consensus), or one
        analyst's; options override the stored settings."""
        options = {**self.scoring_options(), **options}
        names = list(self.hypotheses["name"])
        if resolve_view(view, self.actor, self.analysts(), self.id) == TEAM and len(self.analysts()) > 1:
            return maths.team_score(self.long_frame(), hypotheses=names, **options)
        return maths.score(self.frame(view), hypotheses=names, **options)

    def ratings_by_id(self, view: str | None = None) -> list[dict[str, str]]:
        """Each item's ratings keyed by hypothesis id (unrated cells left out), in item order."""
        ratings = self.ratings(view)
        ids = list(ratings.columns)
        return [{hid: value for hid, value in zip(ids, row) if value is not None}
                for row in ratings.to_numpy(dtype=object).tolist()]


def scoring_options(info: dict[str, Any]) -> dict[str, Any]:
    """The engines' options stored in an analysis row (see ``AnalysisState.scoring_options``)."""
    stored = info.get("settings")
    values = json.loads(stored) if stored else {}
    override = ((info["confidence"], info.get("confidence_note"), info.get("confidence_by"))
                if info.get("confidence") else None)
    return {"dependence": values.get("dependence", maths.DEFAULT_DEPENDENCE),
            "ungraded": values.get("ungraded", maths.DEFAULT_UNGRADED), "confidence": override}


def read_head(conn: Connection, analysis_id: str) -> tuple[dict[str, Any], "pd.DataFrame"]:
    """The analysis row and its hypotheses in order, in one statement.

    Raises:
        StoreError: no such analysis.
    """
    import pandas as pd

    found = analysis_head(conn, analysis_id)
    if found is None:
        raise StoreError(f"analysis {analysis_id!r}: not in this workspace")
    info, rows = found
    hyps = pd.DataFrame(rows, columns=_HYPOTHESIS_COLUMNS)
    hyps["is_other"] = hyps["is_other"].astype(bool)
    return info, hyps


def read_state(conn: Connection, analysis_id: str, actor: str,
               head: tuple[dict[str, Any], "pd.DataFrame"] | None = None) -> AnalysisState:
    """Read an analysis in ``conn``: the head (unless given, e.g. read earlier in the same
    write transaction) and the evidence with every analyst's ratings, one statement each.

    Args:
        conn: a workspace connection.
        analysis_id: the analysis.
        actor: the acting analyst (the view "mine").
        head: ``read_head``'s answer when the caller has it.
    """
    info, hyps = head if head is not None else read_head(conn, analysis_id)
    items, rated = _read_items(conn, analysis_id)
    return AnalysisState(info=info, hypotheses=hyps, items=items, rated=rated, actor=actor)


def _read_items(conn: Connection, analysis_id: str) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """Evidence items (with source grade, copy and independence group) and every analyst's ratings."""
    import pandas as pd

    found = evidence_rows(conn, analysis_id)
    # object columns: offsets and grades stay ints (None where absent), not floats
    items = pd.DataFrame(found.rows, columns=found.columns, dtype=object)
    items = items.astype(object).where(items.notna(), None)
    rated = pd.DataFrame(found.rated, columns=list(RATED_COLUMNS), dtype=object)
    items["label"] = [f"E{p}" for p in items["position"]]
    items["flags"] = [[] if f in (None, "", "[]") else json.loads(f) for f in items["flags"]]
    items["copy"] = items["copy_of"].notna()
    # the views show the article's date where the item has none; the document keeps the item's own
    items["stored_report_date"] = items["report_date"]
    items["report_date"] = items["report_date"].where(items["report_date"].notna(), items["published"])
    # Syndicated copies of one story, quoting the same words, are one piece of evidence.
    items["group"] = [
        f"{copy_of or article}:{' '.join((exact or '').lower().split())}" if kind == "quote" else ident
        for kind, copy_of, article, exact, ident in zip(items["kind"], items["copy_of"], items["article_id"],
                                                         items["exact"], items["id"])]
    meta = [_metadata(text) for text in items.pop("article_metadata")]
    # the page a quote is on, for a paged article (a PDF): the report cites it
    items["page"] = pd.Series([page_of(m, start) if kind == "quote" else None
                               for m, start, kind in zip(meta, items["start"], items["kind"])],
                              index=items.index, dtype=object)  # ints and None, not floats and NaN
    items["origin_key"] = [_origin_key(*row) for row in zip(
        items["origin"], items["root_source_id"], items["source_id"], items["copy_of"], items["article_id"],
        [m.get("forwarded_from") for m in meta])]
    return items, rated


def _metadata(text: Any) -> dict[str, Any]:
    """An article's metadata JSON as a dict ({} when absent or unreadable)."""
    if not text:
        return {}
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _wide(ratings: "pd.DataFrame", item_ids: list[str], hypothesis_ids: list[str]) -> "pd.DataFrame":
    """evidence_id, hypothesis_id, rating rows → items × hypothesis ids (None where unrated)."""
    import pandas as pd

    cell = {(e, h): r for e, h, r in zip(ratings["evidence_id"], ratings["hypothesis_id"], ratings["rating"])}
    return pd.DataFrame([[cell.get((e, h)) for h in hypothesis_ids] for e in item_ids],
                        index=item_ids, columns=hypothesis_ids, dtype=object)


def _tidy_frame(items: "pd.DataFrame", hyps: "pd.DataFrame", ratings: "pd.DataFrame") -> "pd.DataFrame":
    import numpy as np
    import pandas as pd

    n = len(hyps)

    def each(column: str) -> "np.ndarray":
        return np.repeat(items[column].to_numpy(dtype=object), n)

    dates = items["event_date"].where(items["event_date"].notna(), items["report_date"])
    # An ungraded source stays ungraded: the engines' ``ungraded`` setting says what it is worth.
    return pd.DataFrame({
        "evidence": each("label"), "hypothesis": np.tile(hyps["name"].to_numpy(dtype=object), len(items)),
        "rating": np.array([r if isinstance(r, str) else None for r in ratings.to_numpy(dtype=object).ravel()],
                           dtype=object) if n else np.array([], dtype=object),
        "credibility": each("credibility"), "relevance": each("relevance"),
        "info_credibility": each("info_credibility"), "reliability": each("reliability"),
        "group": each("group"), "origin": each("origin_key"), "date": np.repeat(dates.to_numpy(dtype=object), n),
    })


def _origin_key(mark: str | None, root_source: int | None, source: int | None, copy_of: str | None,
                article: str | None, forwarded_from: Any = None) -> str | None:
    """Which origin an item belongs to: the analyst's mark, else the story's outlet (a copy takes
    its original's), else the article family; None for an item with no article (it stands alone)."""
    if mark:
        return f"mark:{mark}"
    if isinstance(forwarded_from, str) and forwarded_from.strip():
        # a forwarded Telegram post comes from the channel it was forwarded from
        return f"forwarded:{' '.join(forwarded_from.split()).casefold()}"
    outlet = root_source if copy_of else source
    if outlet is not None:
        return f"source:{outlet}"
    if article is not None:
        return f"article:{copy_of or article}"
    return None
