"""``workbench search`` through click's CliRunner on a real workspace file: formats, filters,
an empty result and bad input."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from workbench.cli import main


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def workspace(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(d) for d in [
        {"title": "Port hit", "text": "A missile struck the port. Missiles fell twice.", "outlet": "Wire",
         "published": "2023-01-10", "language": "en", "url": "https://x.test/1"},
        {"title": "Удари", "text": "Уночі у Києві пролунали вибухи.", "outlet": "Стрічка", "published": "2023-02-01",
         "language": "uk", "url": "https://x.test/2"},
    ]) + "\n", encoding="utf-8")
    path = tmp_path / "ws.sqlite"
    assert run("ingest", "--workspace", path, corpus).exit_code == 0
    return path


def test_table_json_and_csv(workspace):
    table = run("search", "--workspace", workspace, "missiles")
    assert table.exit_code == 0
    assert "1. Port hit (Wire, 2023-01-10, en)" in table.output
    assert "A [missile] struck the port. [Missiles] fell twice." in table.output
    rows = json.loads(run("search", "-w", workspace, "Київ", "--format", "json").output)
    assert [r["title"] for r in rows] == ["Удари"]
    assert [rows[0]["snippet"][a:b] for a, b in rows[0]["highlights"]] == ["Києві"]
    read = list(csv.DictReader(io.StringIO(run("search", "-w", workspace, "missile", "--passages",
                                               "--format", "csv").output)))
    assert [(r["start"], r["end"], r["snippet"]) for r in read] == [
        ("0", "26", "A [missile] struck the port."), ("27", "47", "[Missiles] fell twice.")]


def test_filters_reach_the_search(workspace):
    out = run("search", "-w", workspace, "missile", "--since", "2023-01-11")
    assert out.exit_code == 0 and out.output == "no articles match 'missile'\n"  # empty: said, exit 0
    assert "Port hit" in run("search", "-w", workspace, "missile", "--until", "2023-01-10", "--language", "en",
                             "--source", "Wire", "--grade", "F", "--copies", "--limit", "5").output


@pytest.mark.parametrize("args, message", [
    (["--since", "yesterday"], "Error: since 'yesterday': not a date (use YYYY-MM-DD)"),
    (["--language", "fr"], "Error: language 'fr': no article is stored in it (stored: en, uk)"),
    (["--source", "Nobody"], "Error: source 'Nobody': not in this workspace"),
    (["--entity", "Nobody Atall"], "Error: entity 'Nobody Atall': no article mentions it"),
    (["--grade", "Q"], "Error: grade 'Q': give Admiralty grades A-F, such as B, AB or A-C"),
])
def test_bad_filter_values_are_one_line(workspace, args, message):
    out = run("search", "-w", workspace, "missile", *args)
    assert out.exit_code == 1 and out.output.strip() == message


def test_a_missing_workspace_and_an_empty_query(tmp_path, workspace):
    out = run("search", "-w", tmp_path / "nope.sqlite", "missile")
    assert out.exit_code == 1 and out.output.strip().endswith("nope.sqlite: no such workspace")
    out = run("search", "-w", workspace, "--", "-missile")
    assert out.exit_code == 1 and out.output.strip() == "Error: query '-missile': only excluded words to search for"
