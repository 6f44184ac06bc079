"""The command line for a team: --analyst on every command, score per analyst or team, disagreements;
on a SQLite file and with ``--workspace postgresql+psycopg://…`` (``any_team``)."""
from __future__ import annotations

import json

import click
from click.testing import CliRunner

import workbench as wb
from workbench.cli import main




def _run(*args: str, env: dict[str, str] | None = None) -> click.testing.Result:
    return CliRunner().invoke(main, list(args), env=env)


def test_every_command_takes_analyst():
    def leaves(group):
        for command in group.commands.values():
            yield from leaves(command) if isinstance(command, click.Group) else [command]
    names = {c.name: [p.name for p in c.params] for c in leaves(main)}
    # `workspace grant` acts as the database owner, not as an analyst: there `--analyst` is the
    # role flag (`--viewer|--analyst`, issue 12), a switch rather than a name.
    names.pop("grant")
    grant = next(c for c in leaves(main) if c.name == "grant")
    assert {"--analyst", "--viewer"} <= {opt for p in grant.params for opt in p.opts}
    assert len(names) > 10 and all("analyst" in params for params in names.values()), names


def test_score_per_analyst_and_for_the_team(any_team):
    path, aid = any_team
    result = _run("analysis", "score", "-w", str(path), "-a", aid, "--format", "json", "--analyst", "cy")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["view"] == "cy" and payload["analysts"] == ["ana", "ben", "cy"]
    assert payload["engines"]["parc"]["scores"] == {"Joins": -1.0, "Stays out": 0.0}
    for extra in ([], ["--team"], ["--team", "--analyst", "cy"]):
        result = _run("analysis", "score", "-w", str(path), "-a", aid, "--format", "json", *extra)
        payload = json.loads(result.output)
        assert payload["view"] == "team" and payload["engines"]["parc"]["scores"] == {"Joins": 0.0, "Stays out": -1.0}
    # the environment says who acts, not whose view is shown
    result = _run("analysis", "score", "-w", str(path), "-a", aid, "--format", "json", env={"WORKBENCH_ANALYST": "cy"})
    assert json.loads(result.output)["view"] == "team"
    result = _run("analysis", "score", "-w", str(path), "-a", aid, "--analyst", "zed")
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: analyst 'zed': has rated nothing in analysis {aid} "
                                     "(rated by: ana, ben, cy)")


def test_analyst_acts_in_the_workspace(any_team):
    path, aid = any_team
    result = _run("analysis", "confidence", "-w", str(path), "-a", aid, "low", "--note", "one source",
                  "--analyst", "zoe")
    assert result.exit_code == 0, result.output
    with wb.open_workspace(path) as ws:
        assert ws.analysis(aid).info["confidence_by"] == "zoe"
        assert ws.history()["actor"].iloc[0] == "zoe"


def test_disagreements(any_team):
    path, aid = any_team
    result = _run("analysis", "disagreements", "-w", str(path), "-a", aid, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["analysts"] == ["ana", "ben", "cy"]
    assert [(c["evidence"], c["hypothesis"], c["ana"], c["ben"], c["cy"]) for c in payload["cells"]] == [
        ("E1", "Joins", "C", "I", "I"), ("E1", "Stays out", "II", "II", "N")]
    assert {row["analyst"]: row["leader"] for row in payload["leaders"]} == {
        "ana": "Joins", "ben": "Joins", "cy": "Stays out"}
    assert payload["items"][0]["splits_leaders"] == ["Joins"]
    table = _run("analysis", "disagreements", "-w", str(path), "-a", aid)
    assert table.exit_code == 0 and "cells rated furthest apart" in table.output
