"""Indicators and warnings (Heuer's step 8): what an analysis watches for in new articles.

``AnalysisIndicators`` is mixed into ``Analysis``: an indicator ties a search query (the syntax
of ``Workspace.search``), with optional entity and source conditions, to a hypothesis and the
rating a match is expected to carry. Ingest matches each new article against every indicator
(``ingest._alerts``) and records alerts; ``accept_alert`` turns one into evidence in one change,
``dismiss_alert`` records why not. Every change here is audited and undoable like the rest of
an analysis. ``AlertQueries`` is mixed into ``Workspace``: ``ws.alerts()``.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._ach_base import AnalysisBase
from ._ach_values import normalise_rating
from .._anchor import make_anchor
from ..errors import StoreError, WorkbenchError
from ..nlp import QueryError, parse_query
from ..store import new_id, now
from ..store.analyses import next_evidence_position, resolve_analysis
from ..store.articles import find_source, text_and_hash
from ..store.indicators import (ALERT_COLUMNS, INDICATOR_COLUMNS, alert_row, count_alerts, count_new_alerts, list_alerts,
                                list_indicators, resolve_alert)

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Store

__all__ = ["AnalysisIndicators", "AlertQueries", "ALERT_STATUSES"]

#: What ``Workspace.alerts`` may filter on (None or "all": every status).
ALERT_STATUSES = ("new", "accepted", "dismissed")
_MAX_QUERY = 500


class AnalysisIndicators(AnalysisBase):
    """An analysis's indicators and the decisions on their alerts (each one audited change)."""

    @property
    def indicators(self) -> "pd.DataFrame":
        """The active indicators: id, hypothesis_id, hypothesis (name), query, rating, entity,
        source, active, created_by, created_at (oldest first)."""
        import pandas as pd

        with self.ws.store.read() as conn:
            rows = list_indicators(conn, self.id)
        return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)

    def add_indicator(self, hypothesis: str, query: str, *, rating: Any = "C", entity: str | None = None,
                      source: str | None = None) -> str:
        """Watch new articles for ``query``: a match raises an alert that, accepted, becomes
        evidence rated ``rating`` against ``hypothesis``.

        Args:
            hypothesis: the hypothesis's id, name or H-label.
            query: what to find, in ``Workspace.search``'s syntax (words, "phrases", prefix*,
                -excluded, a OR b); Russian and Ukrainian words find their inflected forms.
            rating: the rating a match is expected to carry (CC, C, N, I, II or supports/refutes…; not NA).
            entity: only articles mentioning this entity (any of its names or scripts).
            source: only articles from this outlet (its exact name, as stored).
        Returns:
            The indicator's id.
        Raises:
            WorkbenchError: one line naming a bad query, rating, hypothesis, entity or source.
        """
        text = " ".join(str(query or "").split())
        if len(text) > _MAX_QUERY:
            raise StoreError(f"indicator query: longer than {_MAX_QUERY} characters")
        try:
            parse_query(text)
        except QueryError as exc:
            raise StoreError(f"indicator {exc}") from None
        value = normalise_rating(rating, where="indicator rating")
        if value == "NA":
            raise StoreError("indicator rating: NA expects nothing; give CC, C, N, I or II")
        entity = " ".join(str(entity).split()) or None if entity is not None else None
        source = str(source).strip() or None if source is not None else None
        if source is not None:
            with self.ws.store.read() as conn:
                found = find_source(conn, source)
            if found is None:
                raise StoreError(f"source {source!r}: not in this workspace (give an outlet's exact name)")
        with self._change(f"add indicator {text[:40]!r} for {hypothesis}") as change:
            hid = self._hypothesis_id(hypothesis, change.hypotheses)
            iid = new_id()
            change.insert("indicators", {"id": iid, "analysis_id": self.id, "hypothesis_id": hid, "query": text,
                                         "rating": value, "entity": entity, "source": source, "active": 1,
                                         "created_by": self.ws.actor, "created_at": now()})
        return iid

    def remove_indicator(self, indicator: str) -> None:
        """Stop watching for an indicator (its alerts stay; ``undo`` brings it back).

        Raises:
            StoreError: no active indicator of this analysis has that id.
        """
        with self._change(f"remove indicator {indicator}") as change:
            ids = {row[0] for row in list_indicators(change.conn, self.id)}
            if indicator not in ids:
                raise StoreError(f"indicator {indicator!r}: not an active indicator of analysis {self.id}")
            change.update("indicators", {"id": indicator}, {"active": 0})

    def accept_alert(self, alert: str, *, note: str | None = None) -> str:
        """Make an alert evidence in one change: its passage becomes a quote rated as the
        indicator expects against its hypothesis, and the alert is marked accepted (its passage,
        found when read, stored with it).

        Args:
            alert: the alert's id (or a unique prefix of at least 4 characters).
            note: the evidence's note (default: which indicator raised it).
        Returns:
            The new evidence id.
        Raises:
            StoreError: an unknown alert, one of another analysis, one already decided, or a
                hypothesis since removed.
        """
        with self._change(f"accept alert {alert}") as change:
            row = self._alert(change.conn, alert)
            hid = row["hypothesis_id"]
            if hid not in set(change.hypotheses["id"]):
                raise StoreError(f"alert {row['id']}: its hypothesis was removed from analysis {self.id}")
            text, content_hash = text_and_hash(change.conn, row["article_id"])
            anchor = make_anchor(text, int(row["start"]), int(row["end"]), name=f"quote in article {row['article_id']}")
            stamp = now()
            eid = new_id()
            change.insert("evidence", {
                "id": eid, "analysis_id": self.id, "kind": "quote",
                "note": note if note is not None else f"indicator: {row['query']}",
                "analyst": self.ws.actor, "created_at": stamp, "updated_at": stamp, "flags": json.dumps([]),
                "position": next_evidence_position(self.id), "article_id": row["article_id"],
                "start": anchor.start, "end": anchor.end, "exact": anchor.exact, "prefix": anchor.prefix,
                "suffix": anchor.suffix, "content_hash": content_hash, "anchor_method": "exact", "anchor_score": 1.0})
            change.insert_rows("ratings", [{"evidence_id": eid, "hypothesis_id": hid, "analyst": self.ws.actor,
                                            "rating": row["rating"]}])
            # the passage found on read is kept with the decision: the alert shows what was accepted
            change.update("alerts", {"id": row["id"]}, {"status": "accepted", "evidence_id": eid, "start": anchor.start,
                                                        "end": anchor.end, "decided_by": self.ws.actor,
                                                        "decided_at": stamp})
        return eid

    def dismiss_alert(self, alert: str, note: str | None = None) -> None:
        """Dismiss an alert, saying why (audited; ``undo`` makes it new again).

        Raises:
            StoreError: an unknown alert, one of another analysis, or one already decided.
        """
        with self._change(f"dismiss alert {alert}") as change:
            row = self._alert(change.conn, alert)
            change.update("alerts", {"id": row["id"]}, {
                "status": "dismissed", "decided_by": self.ws.actor, "decided_at": now(),
                "note": " ".join(str(note).split()) or None if note is not None else None})

    def _alert(self, conn: Any, alert: str) -> dict[str, Any]:
        """An undecided alert of this analysis, read under the change's write lock."""
        row = alert_row(conn, resolve_alert(conn, alert))
        assert row is not None  # resolve_alert found it in this transaction
        if row["analysis_id"] != self.id:
            raise StoreError(f"alert {row['id']}: belongs to analysis {row['analysis_id']}, not {self.id}")
        if row["status"] != "new":
            raise StoreError(f"alert {row['id']}: already {row['status']}")
        return row


class AlertQueries:
    """Mixed into ``Workspace``: the alerts indicators raised."""

    store: "Store"

    def alerts(self, analysis: str | None = None, status: str | None = "new", *,
               passages: bool = True, limit: int | None = None) -> "pd.DataFrame":
        """Alerts raised on ingest, oldest first.

        Args:
            analysis: only this analysis's (id or unique prefix); None for every analysis.
            status: "new" (the default: not decided yet), "accepted", "dismissed", or None / "all".
            passages: find each alert's passage (the best sentence, found on read: each listed
                article's text is split into words once); False leaves start, end and passage
                empty where none is stored (a badge needs only the count and titles).
            limit: at most this many, the oldest (``alert_count`` says how many there are).
        Returns:
            A DataFrame with ``store.indicators.ALERT_COLUMNS``: the indicator's hypothesis, query
            and rating, the article, and the matching ``passage`` (``article.text[start:end]``).
        Raises:
            WorkbenchError: an unknown analysis or status (one line).
        """
        import pandas as pd

        status = _alert_status(status)
        with self.store.read() as conn:
            aid = resolve_analysis(conn, analysis) if analysis is not None else None
            rows = list_alerts(conn, analysis_id=aid, status=status, passages=passages, limit=limit)
        return pd.DataFrame(rows, columns=ALERT_COLUMNS)

    def alert_count(self, analysis: str | None = None, status: str | None = "new") -> int:
        """How many alerts ``alerts(analysis, status)`` lists without a limit.

        Raises:
            WorkbenchError: an unknown analysis or status (one line).
        """
        status = _alert_status(status)
        with self.store.read() as conn:
            aid = resolve_analysis(conn, analysis) if analysis is not None else None
            return count_alerts(conn, analysis_id=aid, status=status)

    def alert(self, alert_id: str) -> dict[str, Any]:
        """One alert by id or unique prefix (at least 4 characters), as a dict of ``ALERT_COLUMNS``.

        Raises:
            StoreError: no alert, or several, match (one line).
        """
        with self.store.read() as conn:
            row = alert_row(conn, resolve_alert(conn, alert_id))
        assert row is not None  # resolved in the same read
        return row

    def new_alert_count(self, analysis: str | None = None) -> int:
        """How many alerts are new (undecided): of one analysis (its full id), or of all."""
        with self.store.read() as conn:
            return count_new_alerts(conn, analysis)


def _alert_status(status: str | None) -> str | None:
    """An alert status as the store filters by it ("all" -> None); one line for an unknown one."""
    if status == "all":
        return None
    if status is not None and status not in ALERT_STATUSES:
        raise WorkbenchError(f"status {status!r}: not an alert status ({', '.join(ALERT_STATUSES)} or all)")
    return status
