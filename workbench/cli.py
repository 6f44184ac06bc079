"""The ``workbench`` command line (click). Commands mirror what the analyst does."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from . import analysis as maths  # a lazy package: csv_safe (and pandas) load when CSV is written
from ._cli_errors import WorkbenchGroup, remember_workspace
from .cli_analysis import analysis
from .cli_notebooks import export_notebook_command, new, run
from .cli_workspace import workspace
from .errors import WorkbenchError

FORMATS = click.Choice(["table", "json", "csv"])
workspace_option = click.option(
    "--workspace", "-w", "workspace", required=True, type=click.Path(dir_okay=False, path_type=Path),
    callback=remember_workspace, help="The workspace file (SQLite).")
pipeline_option = click.option(
    "--pipeline", default=None, envvar="WORKBENCH_PIPELINE", show_envvar=True,
    help="Entity pipeline: auto (default), builtin, a spaCy package name or a path.")


@click.group(cls=WorkbenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbench")
def main() -> None:
    """Offline analyst workbench: ingest articles, highlight entities, weigh hypotheses."""


def _open(path: Path, **options: Any):  # noqa: ANN202
    from .workspace import Workspace

    try:
        return Workspace(path, **options)
    except WorkbenchError as exc:
        raise click.ClickException(str(exc)) from None


def _run_ingest(ws: Any, sources: tuple[str, ...], pipeline: str | None,
                fetch_options: dict[str, Any] | None = None) -> bool:
    result = ws.ingest(*sources, pipeline=pipeline, progress=True, fetch_options=fetch_options)
    _report_ingest(result)
    return result.ok


def _report_ingest(result: Any) -> None:
    for err in result.failed:
        click.echo(f"failed: {err}", err=True)
    for origin, article_id in result.present:
        click.echo(f"already present: {origin} ({article_id})", err=True)
    click.echo(result.summary())


@main.command()
@workspace_option
@pipeline_option
@click.option("--url-timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="Seconds allowed for each URL, from connecting to the last byte, redirects included.")
@click.argument("sources", nargs=-1, required=True)
def ingest(workspace: Path, pipeline: str | None, url_timeout: float, sources: tuple[str, ...]) -> None:
    """Ingest files, directories and http(s) URLs into a workspace.

    Exit status is 1 when any source failed; the others stay stored.
    """
    with _open(workspace, pipeline=pipeline) as ws:
        ok = _run_ingest(ws, sources, pipeline, {"total_timeout": url_timeout})
    sys.exit(0 if ok else 1)


@main.command()
@workspace_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def articles(workspace: Path, fmt: str) -> None:
    """List the articles in a workspace."""
    _require(workspace)
    with _open(workspace) as ws:
        _emit(ws.articles, fmt, columns=["id", "title", "source", "url", "published", "language",
                                         "words", "copy_of", "reliability", "ingested_at"])


@main.command()
@workspace_option
@click.option("--article", "article_id", default=None, help="Only this article (id or unique prefix).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def entities(workspace: Path, article_id: str | None, fmt: str) -> None:
    """List entity mentions (article_id, start, end, label, text, canonical)."""
    _list_per_article(workspace, "entities", article_id, fmt,
                      ["article_id", "start", "end", "label", "text", "canonical", "origin"])


@main.command()
@workspace_option
@click.option("--article", "article_id", default=None, help="Only this article (id or unique prefix).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def claims(workspace: Path, article_id: str | None, fmt: str) -> None:
    """List who claimed what (speaker, cue, quote)."""
    _list_per_article(workspace, "claims", article_id, fmt,
                      ["article_id", "speaker", "cue", "quote", "quote_start", "quote_end"])


def _list_per_article(workspace: Path, what: str, article_id: str | None, fmt: str, columns: list[str]) -> None:
    """``ws.<what>(article_id)`` printed as a table, JSON or CSV."""
    _require(workspace)
    with _open(workspace) as ws:
        try:
            frame = getattr(ws, what)(article_id)
        except WorkbenchError as exc:
            raise click.ClickException(str(exc)) from None
        _emit(frame, fmt, columns=columns)


@main.command()
@workspace_option
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", default=None, help="Report title.")
def report(workspace: Path, output: Path, title: str | None) -> None:
    """Write the self-contained HTML report."""
    _require(workspace)
    with _open(workspace) as ws:
        path = ws.report(output, title=title)
    click.echo(f"report: {path}")


@main.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("workbench-demo"), show_default=True)
@pipeline_option
def demo(out: Path, pipeline: str | None) -> None:
    """Build DIR/workspace.sqlite from the bundled seeds and write DIR/report.html."""
    from .demo import build_demo

    out.mkdir(parents=True, exist_ok=True)
    with _open(out / "workspace.sqlite", pipeline=pipeline) as ws:
        result, analysis = build_demo(ws, pipeline=pipeline)
        _report_ingest(result)
        ok = result.ok
        click.echo(f"analysis: {analysis.id} {analysis.question} "
                   f"({len(analysis.hypotheses)} hypotheses, {len(analysis.evidence)} evidence items)")
        path = ws.report(out / "report.html", title="Workbench demo — Putin–Lukashenko talks, December 2022")
        click.echo(f"workspace: {ws.location}")
        click.echo(f"report: {path}")
    sys.exit(0 if ok else 1)


for _command in (analysis, new, run, export_notebook_command, workspace):
    main.add_command(_command)


def _require(workspace: Path) -> None:
    if not workspace.exists():
        raise click.ClickException(f"{workspace}: no such workspace")


def _emit(frame: Any, fmt: str, *, columns: list[str]) -> None:
    frame = frame[[c for c in columns if c in frame.columns]]
    if fmt == "json":
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        click.echo(json.dumps(records, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        click.echo(maths.safe_csv(frame), nl=False)
    elif len(frame) == 0:
        click.echo("(none)")
    else:
        shown = frame.copy()
        for col in shown.columns:
            if shown[col].dtype == object or str(shown[col].dtype).startswith("str"):
                shown[col] = shown[col].map(lambda v: _clip(v))
        click.echo(shown.to_string(index=False))


def _clip(value: Any, width: int = 48) -> Any:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value if len(value) <= width else value[: width - 1] + "…"
    return "" if value is None else value


if __name__ == "__main__":
    main()
