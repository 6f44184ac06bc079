"""``workbench alerts``: what the analyses' indicators found in new articles, accepted or dismissed."""
from __future__ import annotations

import re
from pathlib import Path

import click

from ..errors import WorkbenchError
from ._common import echo_json, open_workspace, records, refused
from ._options import format_option, workspace_choice, workspace_option

__all__ = ["alerts"]

_SHOWN = ["id", "analysis_id", "hypothesis", "rating", "query", "article_id", "title", "source", "start", "end",
          "passage", "created_at", "status", "evidence_id", "note"]
_SECONDS = re.compile(r"\.\d+(?=\+|Z|$)")
TABLE_LIMIT = 50  # alerts a table lists unless told: a backlog of thousands is read with --limit 0 or as JSON


@click.group("alerts", invoke_without_command=True)
@workspace_choice(required=False)
@click.option("--analysis", "-a", "analysis_id", default=None, help="Only this analysis's alerts (id or unique prefix).")
@click.option("--all", "show_all", is_flag=True, help="Every alert, decided ones too (by default only new ones).")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help=f"List at most this many, the oldest first; 0 for all. [default: {TABLE_LIMIT} in a table, all in JSON]")
@format_option("table", "json")
@click.pass_context
def alerts(ctx: click.Context, workspace: Path | str | None, analysis_id: str | None, show_all: bool,
           limit: int | None, fmt: str) -> None:
    """List the alerts indicators raised on ingest (new ones, oldest first); accept or dismiss one."""
    if ctx.invoked_subcommand is not None:
        return
    if workspace is None:
        raise click.UsageError("Missing option '--workspace' / '-w'.")
    if limit is None:
        limit = TABLE_LIMIT if fmt == "table" else 0
    status = None if show_all else "new"
    with open_workspace(workspace) as ws:
        with refused():
            frame = ws.alerts(analysis_id, status=status, limit=limit or None)
            more = ws.alert_count(analysis_id, status=status) - len(frame) if limit else 0
    if fmt == "json":
        echo_json(records(frame[_SHOWN]))
        return
    if frame.empty:
        click.echo("no alerts" if show_all else "no new alerts")
        return
    for row in records(frame):  # a block per alert: the passage is the point
        when = _SECONDS.sub("", str(row["created_at"] or ""))  # stored to the microsecond for ordering; shown to the second
        about = ", ".join(str(v) for v in (row["source"], row["status"], when) if v)
        click.echo(f"{row['id']}  {row['hypothesis']} ({row['rating']})  query {row['query']!r}  ({about})")
        click.echo(f"   {row['title'] or '(untitled)'}  {row['article_id']} [{row['start']}:{row['end']}]")
        click.echo(f"   {' '.join(str(row['passage']).split())}")
    if more > 0:
        click.echo(f"… and {more} more (the oldest {len(frame)} are shown; --limit 0 lists them all)")


@alerts.command("accept")
@workspace_option
@click.option("--note", default=None, help="The evidence's note (default: the indicator that raised it).")
@click.argument("alert_id", metavar="ID")
def accept(workspace: Path | str, note: str | None, alert_id: str) -> None:
    """Make alert ID evidence: its passage, rated as its indicator expects."""
    with open_workspace(workspace) as ws:
        with refused():
            found = ws.alert(alert_id)
            eid = ws.analysis(found["analysis_id"]).accept_alert(found["id"], note=note)
    click.echo(f"alert {found['id']} accepted: evidence {eid} in analysis {found['analysis_id']}")


@alerts.command("dismiss")
@workspace_option
@click.option("--note", default=None, help="Why it is dismissed (kept in the audit log).")
@click.argument("alert_id", metavar="ID")
def dismiss(workspace: Path | str, note: str | None, alert_id: str) -> None:
    """Dismiss alert ID (audited; undo in the analysis brings it back)."""
    with open_workspace(workspace) as ws:
        with refused(WorkbenchError):
            found = ws.alert(alert_id)
            ws.analysis(found["analysis_id"]).dismiss_alert(found["id"], note=note)
    click.echo(f"alert {found['id']} dismissed")


@alerts.command("watch")
@workspace_option
@click.option("--analysis", "-a", "analysis_id", required=True, help="Analysis id (or unique prefix).")
@click.option("--rating", default="C", show_default=True, help="The rating a match is expected to carry.")
@click.option("--entity", default=None, help="Only articles mentioning this entity (any of its names).")
@click.option("--source", default=None, help="Only articles from this outlet (its exact name).")
@click.argument("hypothesis")
@click.argument("query")
def watch(workspace: Path | str, analysis_id: str, rating: str, entity: str | None, source: str | None,
          hypothesis: str, query: str) -> None:
    """Add an indicator: new articles matching QUERY raise alerts for HYPOTHESIS (id, name or H-label)."""
    with open_workspace(workspace) as ws:
        with refused():
            iid = ws.analysis(analysis_id).add_indicator(hypothesis, query, rating=rating, entity=entity,
                                                         source=source)
    click.echo(f"indicator {iid} added: {query!r} for {hypothesis}")
