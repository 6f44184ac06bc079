"""The notebook-facing workspace: open, ingest, browse articles and entities, report."""
from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .ach import Analysis, create_analysis
from ..analysis.scales import RELIABILITY_GRADES
from .claims import claims as find_claims
from .corrections import EntityCorrections
from ._corpus import CorpusQueries
from ._indicators import AlertQueries
from ..errors import StoreError, StoreIOError
from .._paths import check_output
from ..ingest import IngestResult, ingest, rerun_entities
from ..ingest.pages import page_of
from .interchange import import_document, read_analysis_file
from ..render import render_article
from ..render.report import write_report
from ._gather import report_data
from ..store.live import Change, changes_since, latest_change
from ..store import Store
from ..store.analyses import ANALYSIS_COLUMNS, list_analyses, resolve_analysis
from ..store.articles import (ARTICLE_COLUMNS, SOURCE_COLUMNS, article_row, count_articles, find_source, grade_source,
                              list_articles, list_sources, resolve_article)
from ..store.live import recent_events
from ..store.mentions import MENTION_COLUMNS, corrected_mentions
from ..store.copy import copy_workspace
from ..store.indicators import LAST_REPORT, set_setting

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Workspace", "Article", "Change", "open_workspace", "GRADES", "current_actor", "ANALYST_ENV"]

GRADES = RELIABILITY_GRADES  # the Admiralty source grades; their one home is analysis.scales



@dataclass
class Article:
    """One stored article. ``text`` is immutable; ``entities`` is a DataFrame of mentions."""

    id: str
    title: str | None
    text: str
    source: str | None
    reliability: str | None
    url: str | None
    published: str | None
    language: str
    author: str | None
    words: int
    copy_of: str | None
    content_hash: str
    ingested_at: str
    metadata: dict[str, Any] = field(default_factory=dict)
    mentions: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def entities(self) -> "pd.DataFrame":
        import pandas as pd

        return pd.DataFrame(self.mentions, columns=MENTION_COLUMNS)

    def page_of(self, offset: int) -> int | None:
        """The page an offset of the text is on (1-based), for an article read from a PDF.

        Args:
            offset: a character offset into ``text`` (a mention's or an evidence quote's start).
        Returns:
            The page number, or None for an article without pages.
        """
        return page_of(self.metadata, offset)

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("id", "title", "text", "source", "reliability", "url",
                                             "published", "language", "author", "words", "copy_of")}
        out["forwarded_from"] = self.metadata.get("forwarded_from")  # a forwarded Telegram post's origin
        return out

    def _repr_html_(self) -> str:
        return render_article(self.to_dict(), self.mentions)

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.title!r} ({self.words} words, {len(self.mentions)} mentions)>"


class Workspace(EntityCorrections, CorpusQueries, AlertQueries):
    """An analyst's workspace: one SQLite file holding articles, entities and analyses.

    Args:
        location: path of the workspace file (created if missing) or a SQLAlchemy URL.
        pipeline: default entity pipeline choice ("auto", "builtin", a spaCy package or path).
        analyst: who acts: whose ratings ``rate`` writes and ``undo`` takes back, and the name
            in the audit log (default: ``WORKBENCH_ANALYST``, else the operating-system user;
            see ``current_actor``).
        actor: the older name of ``analyst`` (still accepted).
    """

    def __init__(self, location: str | os.PathLike[str], *, pipeline: str | None = None,
                 analyst: str | None = None, actor: str | None = None) -> None:
        if analyst and actor and analyst.strip() != actor.strip():
            raise StoreError(f"analyst {analyst!r} and actor {actor!r}: give one name (actor is the older word)")
        self.store = Store(location)
        self.location = self.store.location  # a URL's password is never shown or written
        self.pipeline = pipeline
        self.actor = current_actor(analyst or actor)

    @property
    def analyst(self) -> str:
        """Who acts in this workspace (the same as ``actor``)."""
        return self.actor

    # -- ingest -------------------------------------------------------------------------
    def ingest(self, *sources: str | os.PathLike[str], pipeline: Any = None, progress: bool = True,
               fetch_options: dict[str, Any] | None = None, workers: int | None = None,
               scheduler: str | None = None) -> "IngestResult":
        """Ingest files, directories (recursively), http(s) URLs and RSS/Atom feeds.

        Files: .txt, .md, .html, .pdf (pages kept: ``Article.page_of``), .docx, .json (articles,
        or a Telegram Desktop channel export), .jsonl, .csv. A feed's items are read once: a
        re-run adds only new ones.

        Args:
            sources: files, directories and URLs.
            pipeline: the entity pipeline (default: the workspace's).
            progress: show a progress bar.
            fetch_options: passed to the URL fetcher.
            workers: run the entity pass on a local Dask cluster of this many processes.
            scheduler: run it on an existing Dask scheduler (``tcp://host:port``) instead.
        Returns:
            An IngestResult listing what was added, already present, copies and failures.
        """
        self.store.require_writable()  # a read-only workspace: one line before any work
        return ingest(self.store, sources, pipeline=pipeline or self.pipeline, actor=self.actor,
                      progress=progress, fetch_options=fetch_options, workers=workers, scheduler=scheduler)

    def rerun_entities(self, pipeline: Any = None, *, progress: bool = True) -> tuple[int, int]:
        """Run the entity pass where this pipeline has not run yet (after a change of pipeline).

        Returns:
            (articles re-run, articles already up to date).
        """
        self.store.require_writable()
        return rerun_entities(self.store, pipeline=pipeline or self.pipeline, actor=self.actor, progress=progress)

    # -- reading ------------------------------------------------------------------------
    @property
    def articles(self) -> "pd.DataFrame":
        """All articles, one row each (no text), oldest ingest first."""
        import pandas as pd

        with self.store.read() as conn:
            rows = list_articles(conn)
        # object columns keep None as None (pandas' string columns would turn it into NaN)
        frame = pd.DataFrame(rows, columns=ARTICLE_COLUMNS, dtype=object)
        frame["words"] = frame["words"].astype("int64")
        return frame

    def article(self, article_id: str) -> Article:
        """Load one article by id or by a unique id prefix (at least 4 characters)."""
        with self.store.read() as conn:
            resolved = resolve_article(conn, article_id)
            row = article_row(conn, resolved)
            mentions = corrected_mentions(conn, resolved)
        return Article(
            id=row["id"], title=row["title"], text=row["text"], source=row["source"],
            reliability=row["reliability"], url=row["url"], published=row["published"],
            language=row["language"], author=row["author"], words=row["words"], copy_of=row["copy_of"],
            content_hash=row["content_hash"], ingested_at=row["ingested_at"],
            metadata=json.loads(row["metadata"]) if row["metadata"] else {}, mentions=mentions,
        )

    def entities(self, article_id: str | None = None) -> "pd.DataFrame":
        """Entity mentions, for one article or the whole workspace."""
        import pandas as pd

        with self.store.read() as conn:
            resolved = resolve_article(conn, article_id) if article_id else None
            rows = corrected_mentions(conn, resolved)
        return pd.DataFrame(rows, columns=MENTION_COLUMNS)

    def claims(self, article_id: str | None = None) -> "pd.DataFrame":
        """Who claimed what: speaker, cue and quote of each attributed statement."""
        return find_claims(self, article_id)

    @property
    def sources(self) -> "pd.DataFrame":
        """Outlets with their Admiralty reliability grade and article counts.

        ``graded`` is False for a source no analyst has graded: its F is a placeholder, and the
        scoring engines treat it by the analysis's rule for ungraded sources."""
        import pandas as pd

        with self.store.read() as conn:
            rows = list_sources(conn)
        frame = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
        frame["graded"] = frame["graded"].astype(bool)
        return _with_none(frame, ("domain", "notes"))

    def grade_source(self, name: str, reliability: str, *, notes: str | None = None) -> None:
        """Set a source's Admiralty reliability grade (A completely reliable … F cannot be judged)."""
        grade = str(reliability).strip().upper()
        if grade not in GRADES:
            raise StoreError(f"reliability {reliability!r}: must be one of A, B, C, D, E, F")
        with self.store.transaction() as conn:
            source = find_source(conn, name)
            if source is None:
                raise StoreError(f"source {name!r}: not in this workspace")
            values: dict[str, Any] = {"reliability": grade, "graded": 1}
            if notes is not None:
                values["notes"] = notes
            grade_source(conn, source, values, actor=self.actor)

    def history(self, limit: int = 100) -> "pd.DataFrame":
        """The newest audit-log events."""
        import pandas as pd

        with self.store.read() as conn:
            columns, rows = recent_events(conn, limit)
        return pd.DataFrame(rows, columns=columns)

    def latest_change(self) -> int:
        """The id of the newest event in the change log (0 when empty): a cursor for
        ``changes_since``. One statement."""
        with self.store.read(snapshot=False) as conn:
            return latest_change(conn)

    def changes_since(self, cursor: int) -> list[Change]:
        """The changes anyone made after ``cursor`` (an event id), oldest first: how an open
        widget sees another notebook's work. One indexed statement; empty when nothing changed.

        Args:
            cursor: ``latest_change()`` or the ``id`` of the last change seen.
        Returns:
            ``Change`` events (id, at, actor, action, target_type, target_id), at most
            ``store.live.FEED_LIMIT`` of them.
        """
        with self.store.read(snapshot=False) as conn:
            return changes_since(conn, cursor)

    # -- analyses -----------------------------------------------------------------------
    def new_analysis(self, question: str, hypotheses: Iterable[str] = (), *, time_horizon: str | None = None,
                     classification: str | None = None, other: bool = False, exist_ok: bool = False) -> "Analysis":
        """Start an analysis of competing hypotheses.

        Args:
            question: the question ("Will Belarus's armed forces join the ground war?").
            hypotheses: mutually exclusive answers, in order.
            time_horizon: the period the question covers ("by 31 March 2023").
            classification: a marking carried into exports.
            other: add a final "None of these" hypothesis.
            exist_ok: return the analysis that already asks this question (notebooks re-run).
        """
        return create_analysis(self, question, hypotheses, time_horizon=time_horizon,
                               classification=classification, other=other, exist_ok=exist_ok)

    def import_analysis(self, source: "str | os.PathLike[str] | dict[str, Any]") -> "Analysis":
        """Import an analysis: a JSON document or a PARC .achz file (path), or a document dict."""
        if isinstance(source, dict):
            return Analysis(self, import_document(self, source))
        return Analysis(self, import_document(self, read_analysis_file(source), name=str(source), validated=True))

    @property
    def analyses(self) -> "pd.DataFrame":
        """The workspace's analyses with hypothesis and evidence counts."""
        import pandas as pd

        with self.store.read() as conn:
            rows = list_analyses(conn)
        return pd.DataFrame(rows, columns=ANALYSIS_COLUMNS)

    def analysis(self, analysis_id: str) -> "Analysis":
        """Open an analysis by id or unique prefix."""
        with self.store.read() as conn:
            return Analysis(self, resolve_analysis(conn, analysis_id))

    # -- output -------------------------------------------------------------------------
    def report(self, path: str | os.PathLike[str], *, title: str | None = None,
               analyses: list[str] | None = None) -> Path:
        """Write the self-contained HTML report (all analyses, or those listed) and return its path."""
        check_output(path)  # before the work: never onto a workspace
        data = self.report_data(title=title, analyses=analyses)
        written = write_report(data, path)
        try:
            with self.store.transaction() as conn:  # the next report's "New since the last report" starts here
                set_setting(conn, LAST_REPORT, data["new_alerts"]["as_of"])
        except StoreIOError:
            pass  # a read-only workspace (a viewer's): the report is written, its time not kept
        return written

    def report_data(self, *, title: str | None = None, analyses: list[str] | None = None) -> dict[str, Any]:
        """What the report shows, as plain JSON-able data: the queries and engines run here, once.

        Args:
            title: the page title (default: the first analysis's question, else the workspace name).
            analyses: ids of the analyses to include (default: all).
        Returns:
            The dict ``render.report.build_report`` formats.
        """
        return report_data(self, title=title, analyses=analyses)

    def save_copy(self, path: str | os.PathLike[str]) -> Path | str:
        """Write a consistent copy of the workspace, even while others write to it: to a new file,
        or into an empty PostgreSQL database (``postgresql+psycopg://…``), from either backend.

        Args:
            path: the new file (it must not exist) or the database's URL.
        Returns:
            The copy's path, or its URL without the password.
        """
        return copy_workspace(self.store, path)

    def close(self) -> None:
        """Fold the write-ahead log into the file and release it (the ``.sqlite`` alone is then complete)."""
        self.store.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        with self.store.read() as conn:
            count = count_articles(conn)
        return f"<Workspace {self.location} ({count} articles)>"


def _with_none(frame: "pd.DataFrame", columns: Iterable[str]) -> "pd.DataFrame":
    """Missing text values as None, not NaN (pandas' string columns use NaN, which is truthy)."""
    for column in columns:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


ANALYST_ENV = "WORKBENCH_ANALYST"


def current_actor(explicit: str | None = None) -> str:
    """Who is acting, for the audit log and for undo / redo (each analyst undoes their own changes).

    Args:
        explicit: a name given by the caller (wins when not empty).
    Returns:
        That name (white space folded), else ``WORKBENCH_ANALYST``, else the operating-system
        user, else "analyst".
    """
    for name in (explicit, os.environ.get(ANALYST_ENV)):
        if name and name.strip():
            return " ".join(name.split())
    try:
        return getpass.getuser() or "analyst"
    except Exception:  # noqa: BLE001 - no user name known to the system (some containers)
        return "analyst"


def open_workspace(location: str | os.PathLike[str] = "workspace.sqlite", **options: Any) -> Workspace:
    """Open (creating if needed) a workspace. See ``Workspace`` for options."""
    return Workspace(location, **options)
