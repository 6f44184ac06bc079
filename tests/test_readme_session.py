"""The README's session works when pasted line by line (issue 15, item 5): every command in
its first console block runs in a fresh folder, one after the other, and every output line it
shows is printed by that command (timestamps and the operating-system user aside; '...' stands
for lines left out).

Ids are made fresh by each run, so an id the README shows in an output line stands for the id
printed there, and a later command that types it (``workbench alerts accept ID``) gets the
printed one, as a person pasting the session would."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
ID = re.compile(r"\b[0-9a-f]{12}(?:[0-9a-f]{4})?\b")


def session() -> list[tuple[str, list[str]]]:
    text = README.read_text(encoding="utf-8")
    block = text[text.index("## A session"):]
    block = block[block.index("```console\n") + len("```console\n"):]
    block = block[:block.index("```")]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return steps


def _pattern(line: str) -> tuple[re.Pattern[str], list[str]]:
    """A shown line as a pattern (white space runs match any run; ids, times and users are
    free), and the ids it shows, in the order of the pattern's groups."""
    parts, ids = [], []
    for word in line.split():
        escaped = re.escape(word)
        for shown in ID.findall(word):
            ids.append(shown)
        escaped = ID.sub(lambda m: f"([0-9a-f]{{{len(m.group())}}})", escaped)
        escaped = re.sub(r"\d{4}\\-\d\d\\-\d\dT\d\d:\d\d:\d\d(?:\\\.\d+)?\\\+00:00", r"\\S+", escaped)
        parts.append(escaped)
    pattern = r"\s+".join(parts)
    pattern = pattern.replace(r"analysts:\s+root\)", r"analysts:\s+\S+\)")
    return re.compile(r"^\s*" + pattern + r"\s*$"), ids


def test_ids_shown_in_output_stand_for_the_printed_ones():
    pattern, ids = _pattern("41edf9f253e3  H1 (C)  d518c126bd21d4fa [0:48]")
    match = pattern.match("0123456789ab  H1 (C)  ffffffffffffffff [0:48]")
    assert match and dict(zip(ids, match.groups())) == {"41edf9f253e3": "0123456789ab",
                                                        "d518c126bd21d4fa": "ffffffffffffffff"}
    assert not pattern.match("0123456789ab  H2 (C)  ffffffffffffffff [0:48]")


@pytest.mark.slow
def test_the_readme_session_runs_as_shown(tmp_path):
    steps = session()
    assert steps[0][0] == "make demo" and len(steps) >= 8
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("WORKBENCH_ANALYST", None)
    ids: dict[str, str] = {}  # id shown in the README -> id this run printed
    status = 0
    for at, (command, shown) in enumerate(steps):
        checked_by_echo = at + 1 < len(steps) and steps[at + 1][0] == "echo $?"
        if command == "make demo":  # what `make demo` runs, with the pipeline a fresh machine has
            command = "workbench demo --out workbench-demo --pipeline builtin"
        if command.startswith(". .venv/bin/activate"):
            continue
        if command == "echo $?":  # the previous command's status, as the shell would print it
            printed, errors = f"{status}\n", ""
        else:
            typed = ID.sub(lambda m: ids.get(m.group(), m.group()), command)
            run = subprocess.run(["bash", "-c", typed], capture_output=True, text=True, cwd=tmp_path, env=env,
                                 timeout=900)
            printed, errors, status = run.stdout, run.stderr, run.returncode
            assert "Traceback" not in errors, f"{command!r}:\n{errors}"
            if not checked_by_echo:  # a failure the README means to show is followed by `echo $?`
                assert status == 0, f"{command!r} exited {status}:\n{errors}"
        lines = printed.splitlines() + errors.splitlines()
        for line in (line for line in shown if line.strip() and line.strip() != "..."):
            pattern, line_ids = _pattern(line)
            match = next((m for m in map(pattern.match, lines) if m), None)
            assert match, f"{command!r}: README shows {line!r}; it printed:\n{printed}{errors}"
            for readme_id, real in zip(line_ids, match.groups()):
                assert ids.setdefault(readme_id, real) == real, f"{readme_id} stands for two ids"
