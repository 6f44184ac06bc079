"""``workbench analysis ...``: list, score, import and export analyses of competing hypotheses."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..analysis.confidence import stated_level
from ..analysis.formats import format_range, format_score
from ..errors import WorkbenchError
from ._common import echo_json, emit, open_workspace, records, refused
from ._options import (FILE, analysis_option, chosen_analyst, dependence_option, format_option, output_option,
                       ungraded_option, workspace_option)

__all__ = ["analysis", "score_lines"]


@click.group("analysis")
def analysis() -> None:
    """Analyses of competing hypotheses: list, score, disagreements, import, export."""


@analysis.command("list")
@workspace_option
@format_option("table", "json")
def list_analyses(workspace: Path, fmt: str) -> None:
    """List the analyses in a workspace."""
    with open_workspace(workspace) as ws:
        frame = ws.analyses
    if fmt == "json":
        echo_json(records(frame))
    elif len(frame) == 0:
        click.echo("(none)")
    else:
        click.echo(frame[["id", "question", "hypotheses", "evidence", "updated_at"]].to_string(index=False))


@analysis.command("score")
@workspace_option
@analysis_option
@format_option("table", "json")
@dependence_option("Bayes: one-per-origin (0), independent (1) or a number between; default: the analysis's setting.")
@ungraded_option("Bayes: what an ungraded source is worth; default: the analysis's setting.")
@click.option("--team", is_flag=True, help="The team's view (the default): Open Synthesis on the analysts' mean "
                                            "votes, the other engines on their consensus. --analyst NAME: NAME's.")
def score(workspace: Path, analysis_id: str, fmt: str, dependence: str | None, ungraded: str | None,
          team: bool) -> None:
    """Score the hypotheses under every engine, with the likelihood range, confidence and linchpins."""
    options = {k: v for k, v in (("dependence", dependence), ("ungraded", ungraded)) if v is not None}
    view = "team" if team else chosen_analyst(given_only=True) or "team"
    with open_workspace(workspace) as ws:
        with refused(WorkbenchError, ValueError):
            an = ws.analysis(analysis_id)
            result = an.score(view, **options).to_dict()
            question = an.question
            analysts = an.analysts()
    if fmt == "json":
        payload = {"analysis": an.id, "question": question, "view": view, "analysts": analysts, **result}
        echo_json(payload)
        return
    click.echo(question)
    shown = "the team" if view == "team" else view
    click.echo(f"view: {shown} (analysts: {', '.join(analysts) or 'none yet'})")
    for line in score_lines(result):
        click.echo(line)


@analysis.command("disagreements")
@workspace_option
@analysis_option
@format_option("table", "json")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
def disagreements(workspace: Path, analysis_id: str, fmt: str, as_json: bool) -> None:
    """Where the analysts disagree: each one's leading hypothesis, the cells they rate furthest
    apart (with who said what) and the evidence that splits the team."""
    with open_workspace(workspace) as ws:
        with refused(WorkbenchError, ValueError):
            an = ws.analysis(analysis_id)
            found = an.disagreements()
            analysts = an.analysts()
    if as_json or fmt == "json":
        echo_json({"analysis": an.id, "analysts": analysts, **found.to_dict()})
        return
    click.echo(f"analysts: {', '.join(analysts) or 'none yet'}")
    click.echo("\nleading hypothesis of each analyst")
    emit(found.leaders, "table", columns=["analyst", "leader", "rated", "parc", "open_synthesis", "bayes"])
    click.echo("\ncells rated furthest apart (votes II 1 … CC 5; spread = highest − lowest)")
    emit(found.cells.round({"std": 2}), "table",
         columns=["evidence", "hypothesis", "spread", "std", "consensus", *analysts])
    click.echo("\nevidence that splits the team")
    items = found.items.assign(splits_leaders=[", ".join(h) for h in found.items["splits_leaders"]])
    emit(items, "table", columns=["evidence", "total_spread", "max_spread", "split_cells", "splits_leaders"])


def score_lines(result: dict[str, Any]) -> list[str]:
    """The score JSON as the lines the CLI prints (engines, range, origins, confidence)."""
    lines: list[str] = []
    for name, engine in result["engines"].items():
        better = ("closest to 0 is best" if name.startswith("parc")
                  else "higher is better" if engine.get("higher_is_better") else "lower is better")
        lines.append(f"\n{engine['label']} ({better})")
        words, ranges = engine.get("words") or {}, engine.get("range") or {}
        for hypothesis, value in engine["scores"].items():
            lead = "*" if hypothesis in engine.get("leaders", []) else " "
            shown = (format_score(value, "percent", decimals=1).rjust(6) if name == "bayes"
                     else format_score(value).rjust(8))
            extra = ""
            if hypothesis in words:
                extra = f"  {words[hypothesis]}  (range {format_range(*ranges.get(hypothesis, (value, value)))})"
            lines.append(f" {lead} {shown}  {hypothesis}{extra}")
        if name == "bayes" and engine.get("assumption"):
            lines.append(f"   assumes {engine['assumption']}; the range runs from one observation per origin "
                         f"to every item independent")
        if "independent_origins_for_leader" in engine:
            count = engine["independent_origins_for_leader"]
            flag = "  ⚠ the leader rests on a single origin" if engine.get("single_origin") else ""
            lines.append(f"   independent origins supporting the leader: {count}{flag}")
        if engine.get("linchpins"):
            lines.append(f"   linchpins: {', '.join(engine['linchpins'])}")
    if result.get("disagreement"):
        lines.append(f"\nengines disagree: {result['disagreement']}")
    confidence = result.get("confidence")
    if confidence:
        lines.append(f"\nconfidence: {stated_level(confidence)}")
        lines.extend(f"   - {reason}" for reason in confidence["reasons"])
    return lines


@analysis.command("confidence")
@workspace_option
@analysis_option
@click.argument("level", type=click.Choice(["low", "moderate", "high", "derived"]))
@click.option("--note", default=None, help="Why the analyst overrides the derived level (required).")
def confidence(workspace: Path, analysis_id: str, level: str, note: str | None) -> None:
    """Override the derived confidence (audited), or go back to it with 'derived'."""
    with open_workspace(workspace) as ws:
        with refused(WorkbenchError, ValueError):
            an = ws.analysis(analysis_id)
            an.set_confidence(None if level == "derived" else level, note)
            stated = an.score(linchpins=True).confidence
    click.echo(stated.sentence())


@analysis.command("settings")
@workspace_option
@analysis_option
@dependence_option("one-per-origin (0), independent (1) or a number between.")
@ungraded_option()
def settings(workspace: Path, analysis_id: str, dependence: str | None, ungraded: str | None) -> None:
    """Show or change an analysis's scoring settings (audited)."""
    with open_workspace(workspace) as ws:
        with refused(WorkbenchError, ValueError):
            an = ws.analysis(analysis_id)
            if dependence is not None or ungraded is not None:
                an.configure(dependence=dependence, ungraded=ungraded)
            values = an.settings
    click.echo(f"dependence: {values['dependence']:g}  ungraded sources: {values['ungraded']}")


@analysis.command("import")
@click.argument("file", type=FILE)
@workspace_option
def import_analysis(file: Path, workspace: Path) -> None:
    """Import an analysis from a JSON document or a PARC .achz file (told apart by content)."""
    with open_workspace(workspace, must_exist=False) as ws:
        try:
            an = ws.import_analysis(file)
        except WorkbenchError as exc:
            raise click.ClickException(str(exc)) from None
        except (ValueError, OSError) as exc:  # never a traceback: name the file and the problem
            raise click.ClickException(f"{file}: cannot import ({type(exc).__name__}: {exc})") from None
        evidence = an.evidence
        click.echo(f"imported {an.id}: {an.question} ({len(an.hypotheses)} hypotheses, {len(evidence)} evidence items)")
        fuzzy = int((evidence["anchor_method"] == "fuzzy").sum())
        if fuzzy:
            click.echo(f"{fuzzy} quote{'s' if fuzzy > 1 else ''} found in changed text (fuzzy match)")
        orphans = evidence[evidence["anchor_method"] == "orphaned"]
        if len(orphans):
            click.echo(f"{len(orphans)} quote{'s' if len(orphans) > 1 else ''} orphaned (kept with ratings, "
                       "not found in any article of this workspace):")
            for row in orphans.to_dict("records"):
                where = f"article {row['article_id']}" if row["article_id"] else "no matching article"
                click.echo(f"  {row['label']} {row['exact'][:70]!r} ({where})")


@analysis.command("export")
@workspace_option
@analysis_option
@format_option("json", "achz", "w3c", "csv", default=None)
@output_option
@click.option("--team", is_flag=True, help="The team's ratings (the default): JSON keeps every analyst's and "
                                            "their consensus, the one-matrix formats the consensus. "
                                            "--analyst NAME: NAME's ratings alone.")
def export_analysis(workspace: Path, analysis_id: str, fmt: str, output: Path, team: bool) -> None:
    """Export an analysis as json | achz | w3c | csv; says whose ratings it wrote."""
    view = "team" if team else chosen_analyst(given_only=True) or "team"
    with open_workspace(workspace) as ws:
        try:
            an = ws.analysis(analysis_id)
            path = an.export(output, fmt, view)
            analysts = an.analysts()
        except WorkbenchError as exc:
            raise click.ClickException(str(exc)) from None
        except (ValueError, OSError) as exc:  # never a traceback: name the output and the problem
            raise click.ClickException(f"{output}: cannot export ({type(exc).__name__}: {exc})") from None
    click.echo(f"{fmt}: {path} ({_whose(fmt, view, analysts)})")


def _whose(fmt: str, view: str, analysts: list[str]) -> str:
    """Whose ratings an export holds, in words."""
    if view != "team":
        return f"{view}'s ratings"
    if not analysts:
        return "no ratings yet"
    if len(analysts) == 1:
        return f"{analysts[0]}'s ratings"
    named = ", ".join(analysts)
    if fmt == "json":
        return f"each analyst's ratings ({named}) and their consensus"
    return f"the team's consensus of {named}"
