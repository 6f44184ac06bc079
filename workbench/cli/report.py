"""``workbench report | demo``: the self-contained HTML report, and a demo workspace with its report."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..render.pdf import PdfError, find_chromium, how_to_print, print_pdf
from ._common import open_workspace, refused
from ._options import output_option, pipeline_option, progress_option, show_progress, workspace_option
from .articles import report_ingest

__all__ = ["demo", "report"]


@click.command()
@workspace_option
@output_option
@click.option("--title", default=None, help="Report title.")
@click.option("--pdf", "pdf", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Also print the report to this PDF with headless Chromium (chromium, chromium-browser or "
                   "google-chrome on PATH); without one, say how to print it by hand.")
def report(workspace: Path, output: Path, title: str | None, pdf: Path | None) -> None:
    """Write the self-contained HTML report (and, with --pdf, a PDF of it)."""
    with open_workspace(workspace) as ws:
        path = ws.report(output, title=title)
    click.echo(f"report: {path}")
    if pdf is None:
        return
    if find_chromium() is None:
        # the HTML is written and kept; the PDF asked for is not: say how to make it, exit 1
        raise click.ClickException(how_to_print(path))
    with refused(PdfError):
        click.echo(f"pdf: {print_pdf(path, pdf)}")


@click.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("workbench-demo"), show_default=True)
@pipeline_option
@progress_option
def demo(out: Path, pipeline: str | None, progress: bool | None) -> None:
    """Build DIR/workspace.sqlite from the bundled seeds and write DIR/report.html."""
    # the demo loads the workspace and the seeds: only this command pays for them
    from ..demo import build_demo

    out.mkdir(parents=True, exist_ok=True)
    with open_workspace(out / "workspace.sqlite", must_exist=False, pipeline=pipeline) as ws:
        result, analysis = build_demo(ws, pipeline=pipeline, progress=show_progress(progress))
        report_ingest(result)
        ok = result.ok
        click.echo(f"analysis: {analysis.id} {analysis.question} "
                   f"({len(analysis.hypotheses)} hypotheses, {len(analysis.evidence)} evidence items)")
        path = ws.report(out / "report.html", title="Workbench demo — Putin–Lukashenko talks, December 2022")
        click.echo(f"workspace: {ws.location}")
        click.echo(f"report: {path}")
    sys.exit(0 if ok else 1)
