"""``workbench analysis ...``: list, score, import and export analyses of competing hypotheses."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .errors import WorkbenchError

workspace_option = click.option(
    "--workspace", "-w", "workspace", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The workspace file (SQLite).")
analysis_option = click.option("--analysis", "-a", "analysis_id", required=True, help="Analysis id (or unique prefix).")


@click.group("analysis")
def analysis() -> None:
    """Analyses of competing hypotheses: list, score, import, export."""


def _workspace(path: Path, *, must_exist: bool = True) -> Any:
    from .workspace import Workspace

    if must_exist and not path.exists():
        raise click.ClickException(f"{path}: no such workspace")
    try:
        return Workspace(path)
    except WorkbenchError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - a file that is not a workspace
        raise click.ClickException(f"{path}: cannot open workspace ({type(exc).__name__}: {exc})") from None


@analysis.command("list")
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_analyses(workspace: Path, fmt: str) -> None:
    """List the analyses in a workspace."""
    with _workspace(workspace) as ws:
        frame = ws.analyses
    if fmt == "json":
        click.echo(json.dumps(frame.astype(object).where(frame.notna(), None).to_dict("records"),
                              ensure_ascii=False, indent=2, default=str))
    elif len(frame) == 0:
        click.echo("(none)")
    else:
        click.echo(frame[["id", "question", "hypotheses", "evidence", "updated_at"]].to_string(index=False))


@analysis.command("score")
@workspace_option
@analysis_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def score(workspace: Path, analysis_id: str, fmt: str) -> None:
    """Score the hypotheses under every engine, with diagnosticity and linchpins."""
    with _workspace(workspace) as ws:
        try:
            an = ws.analysis(analysis_id)
            result = an.score().to_dict()
            question = an.question
        except WorkbenchError as exc:
            raise click.ClickException(str(exc)) from None
    if fmt == "json":
        payload = {"analysis": an.id, "question": question, **result}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(question)
    for name, engine in result["engines"].items():
        better = ("closest to 0 is best" if name.startswith("parc")
                  else "higher is better" if engine.get("higher_is_better") else "lower is better")
        click.echo(f"\n{engine['label']} ({better})")
        words = engine.get("words") or {}
        for hypothesis, value in engine["scores"].items():
            lead = "*" if hypothesis in engine.get("leaders", []) else " "
            shown = f"{100 * value:5.1f}%" if name == "bayes" else f"{value:8.2f}"
            extra = f"  {words[hypothesis]}" if hypothesis in words else ""
            click.echo(f" {lead} {shown}  {hypothesis}{extra}")
        if engine.get("linchpins"):
            click.echo(f"   linchpins: {', '.join(engine['linchpins'])}")
    if result.get("disagreement"):
        click.echo(f"\nengines disagree: {result['disagreement']}")


@analysis.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workspace_option
def import_analysis(file: Path, workspace: Path) -> None:
    """Import an analysis from a JSON document or a PARC .achz file (told apart by content)."""
    with _workspace(workspace, must_exist=False) as ws:
        try:
            an = ws.import_analysis(file)
        except WorkbenchError as exc:
            raise click.ClickException(str(exc)) from None
        except (ValueError, OSError) as exc:  # never a traceback: name the file and the problem
            raise click.ClickException(f"{file}: cannot import ({type(exc).__name__}: {exc})") from None
        # counted in SQL: building the evidence table of a 20,000-item analysis just to count it
        # took longer than storing it
        counts = ws.analyses.set_index("id").loc[an.id]
        click.echo(f"imported {an.id}: {an.question} ({counts['hypotheses']} hypotheses, "
                   f"{counts['evidence']} evidence items)")


@analysis.command("export")
@workspace_option
@analysis_option
@click.option("--format", "fmt", type=click.Choice(["json", "achz", "w3c", "csv"]), required=True)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_analysis(workspace: Path, analysis_id: str, fmt: str, output: Path) -> None:
    """Export an analysis as json | achz | w3c | csv."""
    with _workspace(workspace) as ws:
        try:
            path = ws.analysis(analysis_id).export(output, fmt)
        except WorkbenchError as exc:
            raise click.ClickException(str(exc)) from None
        except (ValueError, OSError) as exc:  # never a traceback: name the output and the problem
            raise click.ClickException(f"{output}: cannot export ({type(exc).__name__}: {exc})") from None
    click.echo(f"{fmt}: {path}")
