"""`workbench report --pdf`: a PDF printed by headless Chromium when one is on PATH; without one,
one line that says how to print by hand, and the HTML still written."""
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import workbench as wb
from workbench.cli import main


@pytest.fixture
def small_ws(tmp_path: Path) -> Path:
    path = tmp_path / "ws.sqlite"
    with wb.open_workspace(path) as ws:
        an = ws.new_analysis("Will the bridge reopen by spring?", ["Reopens", "Stays shut"])
        an.add_assumption("Repairs were funded in March.", ratings={"Reopens": "C", "Stays shut": "I"})
    return path


@pytest.mark.browser
def test_report_pdf_is_printed_by_chromium(small_ws, tmp_path):
    import pypdf

    html, pdf = tmp_path / "out" / "report.html", tmp_path / "out" / "report.pdf"
    result = CliRunner().invoke(main, ["report", "--workspace", str(small_ws), "-o", str(html), "--pdf", str(pdf)])
    assert result.exit_code == 0, result.output
    assert f"pdf: {pdf}" in result.output
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(str(pdf)).pages)
    assert "Will the bridge reopen by spring?" in " ".join(text.split())
    assert [p.name for p in pdf.parent.iterdir() if p.name.endswith(".part")] == []  # no leftovers


def test_report_pdf_without_chromium_says_how_to_print(small_ws, tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    result = CliRunner().invoke(main, ["report", "--workspace", str(small_ws), "-o", str(html), "--pdf", str(pdf)])
    assert result.exit_code == 1
    assert html.is_file() and not pdf.exists()            # what succeeded is kept
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0] == f"report: {html}"
    assert len(lines) == 2 and "Traceback" not in result.output
    assert "no Chromium found on PATH" in lines[1] and "Ctrl+P" in lines[1] and str(html) in lines[1]


def test_report_pdf_when_chromium_fails_is_one_clear_line_and_no_pdf(small_ws, tmp_path, monkeypatch):
    # a real executable named chromium that fails as a broken install would
    folder = tmp_path / "bin"
    folder.mkdir()
    broken = folder / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder) + os.pathsep + "/bin")
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    result = CliRunner().invoke(main, ["report", "--workspace", str(small_ws), "-o", str(html), "--pdf", str(pdf)])
    assert result.exit_code == 1
    assert html.is_file() and not pdf.exists()
    assert "failed (exit 3): cannot open display" in result.output and "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
