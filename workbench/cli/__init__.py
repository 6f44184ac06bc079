"""The ``workbench`` command line (click): one module per command group, the shared options in ``_options``."""
from __future__ import annotations

import click

from .. import __version__
from . import alerts, analysis, articles, notebooks, report, search, sources, workspace
from ._errors import WorkbenchGroup
from ._options import analyst_option

__all__ = ["main"]


@click.group(cls=WorkbenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbench")
def main() -> None:
    """Offline analyst workbench: ingest articles, highlight entities, weigh hypotheses."""


for _command in (articles.ingest, articles.articles, articles.entities, articles.claims, search.search, alerts.alerts, report.report,
                 report.demo, analysis.analysis, notebooks.list_templates, notebooks.new, notebooks.run,
                 notebooks.export_notebook_command, sources.sources, workspace.workspace):
    main.add_command(_command)


def _every_command(group: click.Group) -> list[click.Command]:
    found: list[click.Command] = []
    for command in group.commands.values():
        found.extend(_every_command(command) if isinstance(command, click.Group) else [command])
    return found


for _command in _every_command(main):  # who acts: one option, on every command
    if _command is not workspace.grant:  # there --analyst names the kind of role granted; no one acts
        analyst_option(_command)
