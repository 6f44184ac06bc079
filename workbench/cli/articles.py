"""``workbench ingest | articles | entities | claims``: bring articles in and list what they hold."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ._common import emit, open_workspace, refused
from ._options import (article_option, format_option, pipeline_option, progress_option, show_progress,
                       workspace_option)

__all__ = ["articles", "claims", "entities", "ingest", "report_ingest"]


def report_ingest(result: Any) -> None:
    """Print an ingest result: each failure, what was skipped (the first few) and each article
    already present (stderr), then the summary.

    Args:
        result: the ``IngestResult`` of ``Workspace.ingest``.
    """
    for err in result.failed:
        click.echo(f"failed: {err}", err=True)
    for line in result.skipped_lines():
        click.echo(line, err=True)
    for origin, article_id in result.present:
        click.echo(f"already present: {origin} ({article_id})", err=True)
    click.echo(result.summary())
    if result.alerts:
        click.echo(f"{result.alerts} new alert{'s' if result.alerts != 1 else ''} from the analyses' indicators: "
                   f"see `workbench alerts`")


@click.command()
@workspace_option
@pipeline_option
@click.option("--url-timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="Seconds allowed for each URL, from connecting to the last byte, redirects included.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Run the entity pass on a local Dask cluster of this many worker processes.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Run the entity pass on an existing Dask scheduler instead (--workers is then not used).")
@progress_option
@click.argument("sources", nargs=-1, required=True)
def ingest(workspace: Path, pipeline: str | None, url_timeout: float, workers: int | None, scheduler: str | None,
           progress: bool | None, sources: tuple[str, ...]) -> None:
    """Ingest files, directories, http(s) URLs and RSS/Atom feeds into a workspace.

    Reads .txt, .md, .html, .pdf, .docx, .json (articles, or a Telegram Desktop export),
    .jsonl and .csv. Exit status is 1 when any source failed (the others stay stored) or when
    nothing was added and nothing was already present; articles already stored are not failures.
    """
    with open_workspace(workspace, must_exist=False, pipeline=pipeline) as ws:
        with refused():  # an unreachable scheduler: one line naming it
            result = ws.ingest(*sources, pipeline=pipeline, progress=show_progress(progress),
                               fetch_options={"total_timeout": url_timeout}, workers=workers, scheduler=scheduler)
        report_ingest(result)
    sys.exit(0 if result.ok else 1)


@click.command()
@workspace_option
@format_option("table", "json", "csv")
def articles(workspace: Path, fmt: str) -> None:
    """List the articles in a workspace."""
    with open_workspace(workspace) as ws:
        frame = ws.articles
    # JSON and CSV always carry the author; the table shows its column only where some article has one
    byline = ["author"] if fmt != "table" or frame["author"].notna().any() else []
    emit(frame, fmt, columns=["id", "title", "source", *byline, "url", "published", "language",
                              "words", "copy_of", "reliability", "ingested_at"])


@click.command()
@workspace_option
@article_option
@format_option("table", "json", "csv")
def entities(workspace: Path, article_id: str | None, fmt: str) -> None:
    """List entity mentions (article_id, start, end, label, text, canonical)."""
    _list_per_article(workspace, "entities", article_id, fmt,
                      ["article_id", "start", "end", "label", "text", "canonical", "origin"])


@click.command()
@workspace_option
@article_option
@format_option("table", "json")
def claims(workspace: Path, article_id: str | None, fmt: str) -> None:
    """List who claimed what (speaker, cue, quote)."""
    _list_per_article(workspace, "claims", article_id, fmt,
                      ["article_id", "speaker", "cue", "quote", "quote_start", "quote_end"])


def _list_per_article(workspace: Path, what: str, article_id: str | None, fmt: str, columns: list[str]) -> None:
    """``ws.<what>(article_id)`` printed as a table, JSON or CSV."""
    with open_workspace(workspace) as ws:
        with refused():
            frame = getattr(ws, what)(article_id)
        emit(frame, fmt, columns=columns)
