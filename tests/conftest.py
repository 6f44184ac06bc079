"""Shared fixtures: real workspaces on disk, the seed corpus, a local HTTP server."""
from __future__ import annotations

import http.server
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from _postgres import Cluster

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_TXT = SEEDS / "000_77591201f77be997.txt"
ARTIFACTS = ROOT / "test-artifacts"

pytest_plugins = ["lab_harness"]

os.environ.setdefault("WORKBENCH_PIPELINE", "builtin")  # tests do not depend on what else is installed
# the declined place tables are cached in the checkout, not in the user's home (kernels and CLI
# subprocesses inherit it); a clean checkout builds them once
os.environ.setdefault("WORKBENCH_CACHE_DIR", str(ARTIFACTS / "cache"))


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A private copy of the seed corpus."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def ws(tmp_path: Path):
    """A fresh workspace in a real SQLite file."""
    from workbench import open_workspace

    workspace = open_workspace(tmp_path / "ws.sqlite", pipeline="builtin")
    yield workspace
    workspace.close()


# -- PostgreSQL: one throwaway cluster per session, one database per test ------------------------
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator["Cluster"]:
    """A real PostgreSQL server on 127.0.0.1 (initdb + pg_ctl), removed at the end of the session.

    Fails (never skips) when the server binaries are missing: ``make test`` installs them.
    """
    from _postgres import MISSING, Cluster, find_bin_dir

    if find_bin_dir() is None:
        pytest.fail(MISSING)
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> Iterator[str]:
    """The URL of a new, empty database on the session's server (dropped after the test)."""
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop_database(url)


@pytest.fixture(params=BACKENDS)
def workspace_location(request, tmp_path: Path) -> str:
    """Where a new workspace goes, once per backend: a SQLite file path or a PostgreSQL URL."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "ws.sqlite")


@pytest.fixture
def any_ws(workspace_location: str):
    """A fresh workspace on each backend. A module whose tests run on both overrides ``ws``
    with a fixture ``ws`` that returns ``any_ws``."""
    from workbench import open_workspace

    workspace = open_workspace(workspace_location, pipeline="builtin")
    yield workspace
    workspace.close()


def raw_engine(location: str):
    """A plain SQLAlchemy engine on a workspace (no migration, no workbench locking): for tests
    that go behind the API to prove the database itself refuses something."""
    from sqlalchemy import create_engine

    return create_engine(location if "://" in location else f"sqlite:///{location}")


ARTICLE_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Minsk talks end without a deal | Example Wire</title>
<meta property="og:title" content="Minsk talks end without a deal">
<meta name="author" content="Jane Analyst">
<meta property="article:published_time" content="2022-12-20T09:30:00+00:00">
<meta property="og:site_name" content="Example Wire">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Minsk talks end without a deal</h1>
<p>Russian President Vladimir Putin and Alexander Lukashenko met in Minsk on December 19 for talks that lasted more than two hours.</p>
<p>The Belarusian leader said the two countries would hold joint military exercises next year, while the Kremlin denied that it wanted Belarus to enter the war.</p>
<p>Analysts at the Institute for the Study of War said a Belarusian ground offensive remained unlikely in the coming months.</p>
</article><footer>Copyright Example Wire. Subscribe to our newsletter.</footer></body></html>"""


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802
        routes = {
            "/article.html": (200, "text/html; charset=utf-8", ARTICLE_HTML.encode()),
            "/plain.txt": (200, "text/plain; charset=utf-8",
                           b"Wire copy\n\nNATO ministers met in Brussels on Tuesday to discuss air defence for Ukraine."),
            "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            "/css-only.html": (200, "text/html", b"<html><head><style>body{color:red}</style></head><body></body></html>"),
        }
        if self.path in routes:
            code, ctype, body = routes[self.path]
            self._send(code, ctype, body)
        elif self.path == "/missing":
            self._send(404, "text/html", b"<html><body>not here</body></html>")
        elif self.path == "/broken":
            self._send(500, "text/html", b"<html><body>oops</body></html>")
        elif self.path == "/slow":
            time.sleep(3)
            self._send(200, "text/html", ARTICLE_HTML.encode())
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"endless text " * 5000 + b"</p>\n"
            deadline = time.monotonic() + 20  # bounded: the server stops on its own
            try:
                self.wfile.write(b"<html><body>")
                while time.monotonic() < deadline:
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self._send(404, "text/plain", b"unknown")

    def _send(self, code: int, ctype: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="session")
def http_server() -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `make test` (it installs it) or apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh page that records every request and every dialog."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.requests = []
    page.dialogs = []
    page.on("request", lambda req: page.requests.append(req.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def artifact(name: str) -> Path:
    """Where a test keeps a screenshot or file for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, str]:
    """A workspace file where ana, ben and cy rate two assumptions against two hypotheses
    (votes II 1 … CC 5); the analysis's id comes with it:

        E1 Joins      C / I / I     mean 8/3 → N, spread 4 − 2 = 2     E1 Stays out  II / II / N   5/3 → I, spread 2
        E2 Joins      N / N / –     N, all agree                      E2 Stays out  C / – / –     C, one vote
    """
    path = tmp_path / "ws.sqlite"
    return path, make_team(path)


@pytest.fixture
def any_team(workspace_location: str) -> tuple[str, str]:
    """``team`` on each backend: (the workspace's location, the analysis's id)."""
    return workspace_location, make_team(workspace_location)


def make_team(location: str | Path) -> str:
    """Build ``team``'s analysis (ana, ben and cy's votes) in the workspace at ``location``; its id."""
    import workbench as wb

    votes = {("E1", "Joins"): ("C", "I", "I"), ("E1", "Stays out"): ("II", "II", "N"),
             ("E2", "Joins"): ("N", "N", None), ("E2", "Stays out"): ("C", None, None)}
    with wb.open_workspace(location, analyst="ana") as ws:
        an = ws.new_analysis("Will Belarus join?", ["Joins", "Stays out"])
        an.add_assumption("Minsk fears unrest")
        an.add_assumption("Troops drill near the border")
    for index, name in enumerate(("ana", "ben", "cy")):
        with wb.open_workspace(location, analyst=name) as ws:
            mine = ws.analysis(an.id)
            for (evidence, hypothesis), cell in votes.items():
                if cell[index] is not None:
                    mine.rate(evidence, hypothesis, cell[index])
    return an.id
