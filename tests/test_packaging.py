"""The package as installed: lazy imports, bundled folders in the wheel, console script."""
import subprocess
import sys
import zipfile

from conftest import ROOT


def test_import_is_light():
    code = ("import sys, workbench; heavy = [m for m in ('pandas', 'spacy', 'sqlalchemy', 'trafilatura', "
            "'matplotlib', 'numpy') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_wheel_carries_widgets_seeds_notebooks_and_finds_them(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True)
    if build.returncode != 0:  # hatchling may be absent from the venv; build isolated then
        build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                               capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(tmp_path.glob("workbench-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "workbench/_bundled/seeds/000_77591201f77be997.txt" in names
    assert "workbench/_bundled/seeds/000_77591201f77be997.json" in names
    assert "workbench/_bundled/widgets/highlight.css" in names
    assert any(n.startswith("workbench/_bundled/notebooks/") for n in names)
    assert any(n.startswith("workbench/nlp/data/") for n in names)
    # unpack and import from there (no repository beside it): bundled() must find the copies
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import workbench._paths as p, workbench.render.display as d; "
            "print(p.bundled('widgets')); print(d.demo_sources()); print(p.bundled('notebooks'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    for line in out.stdout.split():
        assert line.startswith(str(site / "workbench" / "_bundled")), line


def test_console_script_is_installed():
    exe = ROOT / ".venv" / "bin" / "workbench"
    script = exe if exe.exists() else "workbench"
    out = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for command in ("demo", "ingest", "articles", "entities", "report"):
        assert command in out.stdout
