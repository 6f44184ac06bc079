"""Honest batch results: what was skipped and why, and a non-zero exit when nothing came of a request."""
from __future__ import annotations

from click.testing import CliRunner

from _pdf import make_pdf
from workbench.cli import main

GOOD = "NATO said on Monday that Russian troops in Belarus had started new drills near Brest."


def ingest(workspace, *sources):
    return CliRunner().invoke(main, ["ingest", "--workspace", str(workspace), *map(str, sources)])


def test_a_folder_of_images_says_what_it_skipped_and_exits_non_zero(tmp_path):
    folder = tmp_path / "shots"
    folder.mkdir()
    for name in ("a.png", "b.png", "c.jpg"):
        (folder / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    result = ingest(tmp_path / "w.sqlite", folder)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line for line in lines if line.startswith("skipped: ")] == [
        f"skipped: {folder / n}: not read: unsupported file type '{n[-4:]}'" for n in ("a.png", "b.png", "c.jpg")]
    assert lines[-1] == "0 added (0 syndicated copies), 0 already present, 0 failed, 3 skipped; nothing was ingested"


def test_a_folder_of_pdfs_that_all_fail_exits_non_zero(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "one.pdf").write_bytes(make_pdf([[]]))
    (folder / "two.pdf").write_bytes(b"%PDF-1.4\n garbage")
    result = ingest(tmp_path / "w.sqlite", folder)
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if line.startswith("failed: ")]
    assert failed[0] == f"failed: {folder / 'one.pdf'}: PDF has no text layer (scanned?): none of its 1 page holds text"
    assert failed[1].startswith(f"failed: {folder / 'two.pdf'}: broken PDF (")
    assert "nothing was ingested" in result.output.splitlines()[-1]


def test_an_empty_folder_is_not_a_success(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / ".DS_Store").write_bytes(b"\0")
    result = ingest(tmp_path / "w.sqlite", folder)
    assert result.exit_code == 1
    assert f"skipped: {folder}: empty folder: no files to read (hidden files are not read)" in result.output


def test_skipped_files_beside_good_ones_are_listed_and_the_run_succeeds(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    for i in range(14):
        (folder / f"img{i:02}.png").write_bytes(b"\x89PNG")
    result = ingest(tmp_path / "w.sqlite", folder)
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == 11 and skipped[-1] == "skipped: … and 4 more"   # the first ten, then a count
    assert result.output.splitlines()[-1] == "1 added (0 syndicated copies), 0 already present, 0 failed, 14 skipped"


def test_already_present_articles_are_unchanged_not_failures(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(GOOD, encoding="utf-8")
    assert ingest(tmp_path / "w.sqlite", path).exit_code == 0
    again = ingest(tmp_path / "w.sqlite", path)
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1] == "0 added (0 syndicated copies), 1 already present, 0 failed"
