"""The read side of ``Analysis``: the evidence table, the engines' tidy frame, scores, the matrix, exports.

One ``_snapshot`` read feeds every view, so the evidence table and the frame always agree.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, select

from .. import analysis as maths  # a lazy package: each engine loads (with pandas) on first use
from ._ach_base import AnalysisBase
from ._ach_views import view_ratings
from .interchange import analysis_to_document, export_analysis
from ..store import schema as s

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AnalysisReading"]


class AnalysisReading(AnalysisBase):
    """Reading an analysis: views, the scoring engines' results, documents and exports."""

    @property
    def evidence(self) -> "pd.DataFrame":
        """Evidence items with their anchors, weights, source grades and ratings (one column per hypothesis)."""
        return self._evidence_view(self._snapshot())

    def frame(self, view: str | None = None) -> "pd.DataFrame":
        """The tidy frame for the scoring engines: one row per (evidence, hypothesis).

        ``view`` says whose ratings: "team" (default: the analysts' consensus), "mine" or an
        analyst's name (see ``analysts``).

        Columns: evidence (label), hypothesis (name), rating (None where unrated), credibility,
        relevance, info_credibility, reliability, group (syndicated copies of one story share
        it), origin (items of one outlet, one article family or one analyst-marked set share
        it), date.
        """
        return self._frame_view(self._snapshot(view))

    def views(self, view: str | None = None) -> tuple["pd.DataFrame", "pd.DataFrame"]:
        """``(evidence, frame())`` from one read, for callers that need both (``view``: see ``frame``)."""
        snapshot = self._snapshot(view)
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
        options = {**self.scoring_options(), **options}
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

    def matrix(self, view: str | None = None) -> "pd.DataFrame":
        """The matrix: evidence rows, hypothesis columns, ratings as values (``view``: see ``frame``)."""
        frame = self._evidence_view(self._snapshot(view))
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

    def _snapshot(self, view: str | None = None) -> tuple["pd.DataFrame", "pd.DataFrame", "pd.DataFrame"]:
        """One consistent read: evidence items (with source grade, copy and independence group),
        hypotheses, and the ratings of ``view`` (see ``frame``) as an items × hypotheses frame
        (None where unrated)."""
        items, rated = self._read_rows()
        hyps = self.hypotheses
        return self._assemble(items, hyps, view_ratings(rated, view, self.ws.actor, self.id))

    def _read_rows(self) -> tuple["pd.DataFrame", "pd.DataFrame"]:
        """The raw evidence rows and every analyst's ratings (evidence_id, hypothesis_id, analyst,
        rating), from one read."""
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
            rated = conn.execute(select(r.c.evidence_id, r.c.hypothesis_id, r.c.analyst, r.c.rating)
                                 .join(e, e.c.id == r.c.evidence_id).where(e.c.analysis_id == self.id)).all()
        return items, pd.DataFrame([tuple(x) for x in rated], columns=["evidence_id", "hypothesis_id", "analyst",
                                                                       "rating"], dtype=object)

    @staticmethod
    def _assemble(items: "pd.DataFrame", hyps: "pd.DataFrame",
                  ratings: "pd.DataFrame") -> tuple["pd.DataFrame", "pd.DataFrame", "pd.DataFrame"]:
        """The snapshot from the raw evidence rows and one view's ratings (evidence_id,
        hypothesis_id, rating)."""
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
        wide = (ratings.pivot(index="evidence_id", columns="hypothesis_id", values="rating")
                .reindex(index=items["id"], columns=hyps["id"]).astype(object))
        wide = wide.where(wide.notna(), None)   # unrated is not N/A: the engines tell them apart
        return items, hyps, wide

    @property
    def orphans(self) -> "pd.DataFrame":
        """Quotes whose article or words could not be found (kept with their ratings; see import)."""
        frame = self.evidence
        return frame[frame["anchor_method"] == "orphaned"].reset_index(drop=True)


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

