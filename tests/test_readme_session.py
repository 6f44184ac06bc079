"""The README's session works when pasted line by line (issue 15, item 5): every command in
its first console block runs in a fresh folder, and every output line it shows is printed
(ids, timestamps and the operating-system user aside; '...' stands for lines left out)."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
MARK = "@@readme-command@@"


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


def _pattern(line: str) -> re.Pattern[str]:
    """A shown line as a pattern: white space runs match any run; ids, times and users are free."""
    parts = []
    for word in line.split():
        escaped = re.escape(word)
        escaped = re.sub(r"[0-9a-f]{12}", "[0-9a-f]{12}", escaped)
        escaped = re.sub(r"\d{4}\\-\d\d\\-\d\dT\d\d:\d\d:\d\d\\\+00:00", r"\\S+", escaped)
        parts.append(escaped)
    pattern = r"\s+".join(parts)
    pattern = pattern.replace(r"analysts:\s+root\)", r"analysts:\s+\S+\)")
    return re.compile(r"^\s*" + pattern + r"\s*$")


@pytest.mark.slow
def test_the_readme_session_runs_as_shown(tmp_path):
    steps = session()
    assert steps[0][0] == "make demo" and len(steps) >= 8
    script = ["set +e"]
    for command, _ in steps:
        if command == "make demo":  # what `make demo` runs, with the pipeline a fresh machine has
            command = "workbench demo --out workbench-demo --pipeline builtin"
        if command.startswith(". .venv/bin/activate"):
            command = "true"
        script += [f"__status=$?; echo {MARK}; (exit $__status)", command]  # `echo $?` sees the command before
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("WORKBENCH_ANALYST", None)
    run = subprocess.run(["bash", "-c", "\n".join(script) + "\n"], capture_output=True, text=True, cwd=tmp_path,
                         env=env, timeout=900)
    outputs = (run.stdout + run.stderr).split(MARK + "\n")[1:]
    # stderr lines ("failed: …") come after stdout here: compare each step's lines as a set, in any order
    stdout_steps = run.stdout.split(MARK + "\n")[1:]
    assert len(stdout_steps) == len(steps), run.stderr[-2000:]
    for (command, shown), printed in zip(steps, stdout_steps):
        if command == "make demo":
            continue
        wanted = [line for line in shown if line.strip() and line.strip() != "..."]
        lines = printed.splitlines() + run.stderr.splitlines()
        for line in wanted:
            pattern = _pattern(line)
            assert any(pattern.match(got) for got in lines), f"{command!r}: README shows {line!r}; it printed:\n{printed}"
    assert "Traceback" not in run.stderr and outputs
