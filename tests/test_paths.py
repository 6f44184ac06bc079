"""staged_file: the one way a file is put in place (outputs, workspace copies, new workspaces)."""
from __future__ import annotations

import pytest

from workbench._paths import atomic_write, staged_file


def test_a_failed_block_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    with pytest.raises(RuntimeError), staged_file(target) as tmp:
        with open(tmp, "w") as handle:
            handle.write("half")
        (tmp_path / (tmp.rsplit("/", 1)[1] + "-wal")).write_text("sidecar")
        raise RuntimeError("disk gone")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_overwrite_renames_over_and_link_refuses_an_existing_name(tmp_path):
    target = tmp_path / "out" / "copy.sqlite"          # the parent is created
    with staged_file(target) as tmp, open(tmp, "w") as handle:
        handle.write("first")
    assert target.read_text() == "first"
    with pytest.raises(FileExistsError), staged_file(target, overwrite=False) as tmp, open(tmp, "w") as handle:
        handle.write("second")
    assert target.read_text() == "first"
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite"]
    fresh = tmp_path / "out" / "new.sqlite"
    with staged_file(fresh, overwrite=False, suffix=".new") as tmp, open(tmp, "w") as handle:
        handle.write("made")
    assert fresh.read_text() == "made"
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite", "new.sqlite"]


def test_atomic_write_goes_through_it(tmp_path):
    target = tmp_path / "a" / "b.json"
    assert atomic_write(target, "{}") == target
    assert target.read_text() == "{}"
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.json"]
