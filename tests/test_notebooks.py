"""Notebooks executed headless with a real kernel."""
import shutil

import nbformat
from nbclient import NotebookClient

from conftest import ROOT


def test_quickstart_runs_and_shows_highlights(tmp_path):
    nb_path = tmp_path / "quickstart.ipynb"
    shutil.copy(ROOT / "notebooks" / "quickstart.ipynb", nb_path)
    nb = nbformat.read(nb_path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    html_outputs = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code"
                    for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert any('class="wb-ent' in h and "Lukashenko" in h for h in html_outputs)
    assert (tmp_path / "quickstart.sqlite").exists()
    assert (tmp_path / "quickstart-report.html").exists()
