"""A reusable harness for driving a real JupyterLab in headless Chromium.

What it gives a test:

* ``lab_server`` (session fixture): a private ``jupyter lab`` on 127.0.0.1 with a random token,
  a temporary root dir and private config/data/runtime/IPython dirs, news feed, update checks
  and the PyPI extension manager switched off so the server never reaches the network.
* ``lab`` (function fixture): a :class:`Lab` — a fresh browser context and page on that server
  that records every request, websocket, console error and page error.  On teardown the
  context is closed and every kernel and session is shut down through the REST API.
* :func:`write_notebook` / :meth:`LabServer.copy_notebook` to put notebooks in the root dir,
  :meth:`Lab.open_notebook`, :meth:`Lab.run_all`, :meth:`Lab.reload`, :meth:`Lab.execute_in_kernel`,
  :func:`cell_output`, :func:`wait_for_text`, :func:`external_requests`.

Every wait is bounded; a failed wait takes a screenshot into ``test-artifacts/`` and puts its
path, the server log tail and the browser console errors in the assertion message.

Use it from a test module with ``from lab_harness import lab, lab_server  # noqa: F401`` or,
for every test at once, ``pytest_plugins = ["lab_harness"]`` in ``tests/conftest.py``.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from conftest import artifact

SERVER_START_TIMEOUT = 90.0  # s; a cold start on the 2-core box takes ~5 s
NOTEBOOK_OPEN_TIMEOUT = 60.0  # s; page load + kernel start
RUN_ALL_TIMEOUT = 60.0  # s
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
KERNEL_IDLE_TEXT = "Python 3 (ipykernel) | Idle"

# Settings that every lab page gets (written to the app settings dir as overrides.json).
LAB_SETTINGS_OVERRIDES: dict[str, dict[str, Any]] = {
    # no "Would you like to receive official Jupyter news?" popup, no news or update fetches
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True,
    },
    # nothing to ask or fetch from PyPI
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}


# --------------------------------------------------------------------------- notebooks

def markdown(source: str) -> dict[str, Any]:
    """A markdown cell for :func:`write_notebook` (plain strings become code cells)."""
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def write_notebook(path: Path, cells: Sequence[str | dict[str, Any]]) -> Path:
    """Write an nbformat-4 notebook with the ``python3`` kernelspec; return ``path``.

    A ``str`` cell is a code cell; a ``dict`` (e.g. from :func:`markdown`) is used as it is.
    """
    nb_cells: list[dict[str, Any]] = []
    for cell in cells:
        if isinstance(cell, str):
            nb_cells.append({"cell_type": "code", "execution_count": None, "metadata": {},
                             "outputs": [], "source": cell})
        else:
            nb_cells.append(cell)
    notebook = {
        "cells": nb_cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for index, cell in enumerate(nb_cells):  # nbformat 4.5 wants cell ids
        cell.setdefault("id", f"cell-{index}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the server

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    """A running private JupyterLab server (see :func:`start_lab_server`)."""

    process: subprocess.Popen[bytes]
    base_url: str  # e.g. http://127.0.0.1:8123 (no trailing slash)
    token: str
    root_dir: Path  # notebooks live here
    home: Path  # the private temp tree: config, data, runtime, ipython, settings, log
    log_path: Path

    @property
    def runtime_dir(self) -> Path:
        """Where the server and its kernels write connection files."""
        return self.home / "runtime"

    def url(self, path: str = "/lab", **query: str) -> str:
        """An absolute URL on the server with the token in the query string."""
        params = "&".join([f"{k}={quote(v)}" if v else k for k, v in query.items()] + [f"token={self.token}"])
        return f"{self.base_url}{path}?{params}"

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the server's combined stdout/stderr."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return f"<no server log: {exc}>"
        return "\n".join(text.splitlines()[-lines:])

    # -- REST -----------------------------------------------------------------------
    def api(self, method: str, path: str, body: Any = None, timeout: float = 10.0) -> Any:
        """Call the REST API (``path`` like ``/api/kernels``); return the decoded JSON or None."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def kernels(self) -> list[dict[str, Any]]:
        """The running kernels (``GET /api/kernels``)."""
        return self.api("GET", "/api/kernels")

    def sessions(self) -> list[dict[str, Any]]:
        """The open sessions (``GET /api/sessions``)."""
        return self.api("GET", "/api/sessions")

    def kernel_id_for(self, notebook: str) -> str:
        """The id of the kernel of the session opened on ``notebook`` (a path relative to root)."""
        for session in self.sessions():
            if session.get("path") == notebook and session.get("kernel"):
                return session["kernel"]["id"]
        raise AssertionError(f"no session with a kernel for {notebook!r}: {self.sessions()!r}")

    def shutdown_all(self, timeout: float = 20.0) -> None:
        """Delete every session and kernel, then wait (bounded) until none is left."""
        for session in self.sessions():
            self._delete(f"/api/sessions/{session['id']}")
        for kernel in self.kernels():
            self._delete(f"/api/kernels/{kernel['id']}")
        deadline = time.monotonic() + timeout
        while self.kernels() or self.sessions():
            if time.monotonic() > deadline:
                raise AssertionError(f"kernels still running after {timeout:.0f} s: {self.kernels()!r}")
            time.sleep(0.2)

    def _delete(self, path: str) -> None:
        try:
            self.api("DELETE", path, timeout=30)
        except urllib.error.HTTPError as exc:
            if exc.code != 404:  # already gone: fine
                raise

    # -- files and kernels ------------------------------------------------------------
    def write_notebook(self, name: str, cells: Sequence[str | dict[str, Any]]) -> str:
        """Write a notebook from cells into the root dir; return its server path (``name``)."""
        write_notebook(self.root_dir / name, cells)
        return name

    def copy_notebook(self, source: Path, name: str | None = None) -> str:
        """Copy an existing notebook into the root dir; return its server path."""
        name = name or source.name
        target = self.root_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return name

    def execute(self, kernel_id: str, code: str, timeout: float = 30.0) -> str:
        """Run ``code`` in a running kernel over ZMQ (not through the page); return its stdout.

        This is the kernel-side view: it sees the same Python objects as the notebook's cells.
        Raises AssertionError with the traceback if the code fails.
        """
        from jupyter_client import BlockingKernelClient

        client = BlockingKernelClient(connection_file=str(self.runtime_dir / f"kernel-{kernel_id}.json"))
        client.load_connection_file()
        client.start_channels()
        stdout: list[str] = []
        errors: list[str] = []

        def on_output(msg: dict[str, Any]) -> None:
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream" and content.get("name") == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                errors.append("\n".join(content.get("traceback", [])) or content.get("evalue", ""))

        try:
            client.wait_for_ready(timeout=timeout)
            reply = client.execute_interactive(code, timeout=timeout, output_hook=on_output,
                                               store_history=False, allow_stdin=False)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok" or errors:
            raise AssertionError(f"kernel code failed:\n{code}\n" + "\n".join(errors))
        return "".join(stdout)

    # -- lifetime -----------------------------------------------------------------------
    def kernel_pids(self) -> list[int]:
        """PIDs of kernel processes started by this server (their command line names our runtime dir).

        Kernels run in their own process sessions, so they are found by their connection file.
        """
        marker = str(self.runtime_dir).encode()
        pids = []
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    if marker in (proc / "cmdline").read_bytes():
                        pids.append(int(proc.name))
                except OSError:
                    continue  # exited meanwhile
        return pids

    def stop(self, timeout: float = 15.0) -> None:
        """Shut kernels down (REST), terminate the server, then kill whatever of ours is left."""
        if self.process.poll() is None:
            try:
                self.shutdown_all(timeout=timeout)
            except (OSError, AssertionError, urllib.error.URLError):
                pass  # the server is going away anyway
            self.process.terminate()  # SIGTERM: jupyter_server shuts its kernels down itself
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the session we started it in
                self.process.wait(timeout=timeout)
        for pid in self.kernel_pids():  # only if a kernel outlived its server
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _lab_env(home: Path) -> dict[str, str]:
    """The server's environment: every per-user Jupyter/IPython dir points into ``home``.

    The data *path* still contains ``sys.prefix/share/jupyter`` (jupyter_core always adds the
    environment's prefix after the user data dir), so the venv's labextensions and kernelspec
    are found; the venv's ``etc/jupyter`` (which enables the server extensions) stays in the
    config path for the same reason.
    """
    env = dict(os.environ)
    for var in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTERLAB_DIR", "JUPYTER_TOKEN",
                "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
        env.pop(var, None)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_PLATFORM_DIRS="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def start_lab_server(home: Path, timeout: float = SERVER_START_TIMEOUT, attempts: int = 3) -> LabServer:
    """Start ``python -m jupyter lab`` with everything private under ``home``; wait until it answers.

    The port is picked free just before the start; if another process grabs it in between,
    the start is retried on a new port (up to ``attempts`` times).  Fails (``pytest.fail``)
    with the server log tail if the server exits or does not answer within ``timeout``.
    """
    for attempt in range(1, attempts + 1):
        server = _start_once(home, timeout)
        if server is not None:
            return server
        if attempt == attempts:
            pytest.fail(f"jupyter lab could not bind a free port in {attempts} attempts")
    raise AssertionError("unreachable")


def _start_once(home: Path, timeout: float) -> LabServer | None:
    """One start attempt; None if the port was taken (the caller retries), else the running server."""
    for sub in ("config", "data", "runtime", "ipython", "user-settings", "workspaces", "app-settings", "root"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (home / "app-settings" / "overrides.json").write_text(json.dumps(LAB_SETTINGS_OVERRIDES, indent=1))
    token = secrets.token_hex(24)
    port = _free_port()
    log_path = home / "server.log"
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={home / 'root'}",
        "--ServerApp.terminals_enabled=False",
        f"--LabApp.app_settings_dir={home / 'app-settings'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run commands, read models
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=home / "root", env=_lab_env(home), start_new_session=True)
    server = LabServer(process=process, base_url=f"http://127.0.0.1:{port}", token=token,
                       root_dir=home / "root", home=home, log_path=log_path)
    deadline = time.monotonic() + timeout
    last_error = "no attempt yet"
    while True:
        if process.poll() is not None:
            if "already in use" in server.log_tail(20):
                return None
            pytest.fail(f"jupyter lab exited with code {process.returncode} before answering "
                        f"({last_error}); log tail:\n{server.log_tail()}")
        try:
            status = server.api("GET", "/api/status", timeout=2)
            with urllib.request.urlopen(server.url("/lab"), timeout=5) as response:
                if response.status == 200 and status is not None:
                    return server
        except (OSError, urllib.error.URLError, ValueError) as exc:
            last_error = repr(exc)
        if time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"jupyter lab did not answer on {server.base_url} within {timeout:.0f} s "
                        f"({last_error}); log tail:\n{server.log_tail()}")
        time.sleep(0.25)


# --------------------------------------------------------------------------- the page

# JS: the NotebookPanel showing `path` in the main area (null if none).
_FIND_PANEL = """
(path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path && w.content && w.content.widgets) return w;
  }
  return null;
}
"""

# JS: a summary of the notebook's state, read from JupyterLab's models (not from the DOM).
_NOTEBOOK_STATE = f"""
(path) => {{
  const panel = ({_FIND_PANEL})(path);
  if (!panel) return {{found: false}};
  const session = panel.sessionContext && panel.sessionContext.session;
  const kernel = session && session.kernel;
  const cells = panel.content.widgets.map((cell, index) => {{
    const model = cell.model;
    const prompt = cell.promptNode ? cell.promptNode.textContent.trim() : '';
    const errors = model.type === 'code'
      ? model.outputs.toJSON().filter(o => o.output_type === 'error').map(o => `${{o.ename}}: ${{o.evalue}}`)
      : [];
    return {{index, type: model.type, executionCount: model.type === 'code' ? model.executionCount : null,
             prompt, errors}};
  }});
  return {{found: true, ready: !!(panel.context.isReady && panel.sessionContext.isReady),
           kernelStatus: kernel ? kernel.status : null, kernelName: kernel ? kernel.name : null, cells}};
}}
"""


def _host_of(url: str) -> str | None:
    """The host a request goes to; None for in-page URLs (data:, about:, blob: of a local origin…)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "about", "chrome", "chrome-extension", "devtools"):
        return None
    if parts.scheme == "blob":  # blob:http://127.0.0.1:8888/uuid — the origin is inside
        return _host_of(url[len("blob:"):])
    return parts.hostname


def external_requests(urls: Sequence[str]) -> list[str]:
    """The URLs in ``urls`` that would leave this machine (host not 127.0.0.1/localhost)."""
    return [url for url in urls if (host := _host_of(url)) is not None and host not in LOCAL_HOSTS]


def cell_output(page: Any, index: int) -> Any:
    """Locator for the output area of the ``index``-th cell (0-based, markdown cells count)."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index) \
        .locator(".jp-OutputArea").first


def wait_for_text(target: Any, text: str | re.Pattern[str], timeout: float = 15.0) -> None:
    """Wait (bounded) until ``target`` (a Page or Locator) shows ``text`` (substring or regex).

    Raises AssertionError with what was visible instead.
    """
    from playwright.sync_api import expect

    locator = target.locator("body") if hasattr(target, "goto") else target
    try:
        expect(locator).to_contain_text(text, timeout=timeout * 1000)
    except AssertionError as exc:
        try:
            seen = locator.first.inner_text(timeout=1000)[-500:] if locator.count() else "<no such element>"
        except Exception:  # noqa: BLE001 - only for the message
            seen = "<unreadable>"
        raise AssertionError(f"text {text!r} not shown within {timeout:.0f} s; saw: {seen!r}") from exc


@dataclass
class Lab:
    """One browser context/page on the shared :class:`LabServer`, with its recordings."""

    server: LabServer
    page: Any  # playwright.sync_api.Page
    test_name: str
    requests: list[str] = field(default_factory=list)  # every request URL, incl. workers
    websockets: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)  # "type: message" of every dialog seen
    notebook: str | None = None  # server path of the notebook opened last

    # -- recording and failure reports ---------------------------------------------------
    def external_requests(self) -> list[str]:
        """Requests and websockets that went (or tried to go) beyond 127.0.0.1/localhost."""
        return external_requests(self.requests + self.websockets)

    def screenshot(self, name: str) -> Path:
        """Save a PNG of the page to ``test-artifacts/<name>.png``; return its path."""
        path = artifact(name if name.endswith(".png") else f"{name}.png")
        self.page.screenshot(path=str(path))
        return path

    def fail(self, message: str, label: str = "failure") -> None:
        """Fail the test with a screenshot, the console errors and the server log tail."""
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.test_name}-{label}")
        try:
            shot = str(self.screenshot(safe))
        except Exception as exc:  # noqa: BLE001 - the page may be gone
            shot = f"<no screenshot: {exc}>"
        raise AssertionError(
            f"{message}\nscreenshot: {shot}\nconsole errors: {self.console_errors[-10:]!r}\n"
            f"page errors: {self.page_errors[-10:]!r}\nserver log tail:\n{self.server.log_tail(20)}")

    def wait_for_text(self, target: Any, text: str | re.Pattern[str], timeout: float = 15.0) -> None:
        """:func:`wait_for_text`, but a failure comes with a screenshot and the logs."""
        try:
            wait_for_text(target, text, timeout)
        except AssertionError as exc:
            self.fail(str(exc), label="text")

    def _wait(self, what: str, predicate: Callable[[], Any], timeout: float, interval: float = 0.1) -> Any:
        """Poll ``predicate`` until truthy (bounded); on timeout :meth:`fail` with ``what``."""
        from playwright.sync_api import Error as PlaywrightError

        deadline = time.monotonic() + timeout
        while True:
            try:
                value = predicate()
            except PlaywrightError as exc:  # e.g. "Execution context was destroyed" mid-navigation
                if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                    raise
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                self.fail(f"timed out after {timeout:.0f} s waiting for {what}", label=what.split()[0])
            self.page.wait_for_timeout(interval * 1000)  # lets Playwright deliver events meanwhile

    # -- notebook state -------------------------------------------------------------------
    def state(self, notebook: str | None = None) -> dict[str, Any]:
        """The notebook's state from JupyterLab's models: kernel status and per-cell prompts."""
        return self.page.evaluate(_NOTEBOOK_STATE, notebook or self._current())

    def _current(self) -> str:
        if self.notebook is None:
            raise AssertionError("no notebook opened yet: call lab.open_notebook(name) first")
        return self.notebook

    def wait_for_kernel_idle(self, timeout: float = NOTEBOOK_OPEN_TIMEOUT) -> None:
        """Wait until the notebook's session is ready, its kernel is idle and the status bar says so."""
        def idle() -> bool:
            state = self.state()
            return bool(state.get("found") and state["ready"] and state["kernelStatus"] == "idle")

        self._wait("kernel idle", idle, timeout)
        status = self.page.locator(".jp-StatusBar-Widget", has_text=KERNEL_IDLE_TEXT)
        self._wait(f"status bar {KERNEL_IDLE_TEXT!r}", lambda: status.count() > 0, timeout)

    # -- actions --------------------------------------------------------------------------
    def open_notebook(self, notebook: str, timeout: float = NOTEBOOK_OPEN_TIMEOUT) -> None:
        """Open ``notebook`` (server path) in a fresh workspace and wait for an idle kernel."""
        self.notebook = notebook
        self.page.goto(self.server.url(f"/lab/tree/{quote(notebook)}", reset=""), wait_until="domcontentloaded")
        self._wait("jupyterapp", lambda: self.page.evaluate("() => !!(window.jupyterapp && window.jupyterapp.shell)"),
                   timeout)
        self._wait(f"notebook {notebook} to open", lambda: self.state().get("found"), timeout)
        self.wait_for_kernel_idle(timeout)

    def save(self, timeout: float = 30.0) -> None:
        """Save the open notebook (``docmanager:save``) and wait until it is no longer dirty."""
        notebook = self._current()
        self.page.evaluate(
            f"""(path) => {{
                const panel = ({_FIND_PANEL})(path);
                window.jupyterapp.shell.activateById(panel.id);
                window.jupyterapp.commands.execute('docmanager:save');
            }}""", notebook)
        self._wait(f"save of {notebook}", lambda: self.page.evaluate(
            f"(path) => {{ const p = ({_FIND_PANEL})(path); return !!p && !p.context.model.dirty; }}", notebook),
            timeout)

    def reload(self, save: bool = True, timeout: float = NOTEBOOK_OPEN_TIMEOUT) -> None:
        """Reload the page and wait until the notebook is open with an idle kernel again.

        The kernel (and every widget model in it) survives; the notebook itself is re-read from
        disk, so by default it is saved first — otherwise unsaved outputs, widget views
        included, are gone after the reload (a "leave page?" prompt is accepted).
        """
        if save and self.notebook is not None:
            self.save()
        self.page.reload(wait_until="domcontentloaded")
        self._wait("jupyterapp", lambda: self.page.evaluate("() => !!(window.jupyterapp && window.jupyterapp.shell)"),
                   timeout)
        if self.notebook is not None:
            self._wait(f"notebook {self.notebook} to reopen", lambda: self.state().get("found"), timeout)
            self.wait_for_kernel_idle(timeout)

    def run_all(self, timeout: float = RUN_ALL_TIMEOUT, raise_on_error: bool = True) -> dict[str, Any]:
        """Run All Cells (the ``notebook:run-all-cells`` command the Run menu uses) and wait for the end.

        Done means: the command's promise resolved, the kernel is idle, no prompt shows ``[*]``
        and every code cell has an execution count.  With ``raise_on_error`` a cell error fails
        the test with the error.  Returns the final :meth:`state`.
        """
        notebook = self._current()
        self.wait_for_kernel_idle()
        self.page.evaluate(
            f"""(path) => {{
                const panel = ({_FIND_PANEL})(path);
                window.jupyterapp.shell.activateById(panel.id);
                window.__labHarnessRunAll = {{done: false, result: null, error: null}};
                window.jupyterapp.commands.execute('notebook:run-all-cells')
                  .then(r => {{ window.__labHarnessRunAll = {{done: true, result: r, error: null}}; }})
                  .catch(e => {{ window.__labHarnessRunAll = {{done: true, result: false, error: String(e)}}; }});
            }}""", notebook)

        def finished() -> dict[str, Any] | None:
            run = self.page.evaluate("() => window.__labHarnessRunAll")
            if not run or not run["done"]:
                return None
            state = self.state()
            if state.get("kernelStatus") != "idle" or any("*" in c["prompt"] for c in state["cells"]):
                return None
            code = [c for c in state["cells"] if c["type"] == "code"]
            errored = any(c["errors"] for c in code) or run["result"] is False
            if not errored and any(c["executionCount"] is None for c in code):
                return None
            return {"run": run, **state}

        state = self._wait("run-all to finish", finished, timeout)
        if raise_on_error:
            errors = [f"cell {c['index']}: {e}" for c in state["cells"] for e in c["errors"]]
            if errors or state["run"]["result"] is False:
                self.fail(f"Run All failed: {errors or state['run']}", label="run-all-error")
        return state

    def execute_in_kernel(self, code: str, timeout: float = 30.0) -> str:
        """Run ``code`` in the open notebook's kernel (kernel side, via ZMQ); return its stdout."""
        return self.server.execute(self.server.kernel_id_for(self._current()), code, timeout)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def lab_server() -> Iterator[LabServer]:
    """A private JupyterLab server for the whole session (stopped, kernels and all, at the end)."""
    home = Path(tempfile.mkdtemp(prefix="lab-harness-"))
    server = start_lab_server(home)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def lab(browser: Any, lab_server: LabServer, request: pytest.FixtureRequest) -> Iterator[Lab]:
    """A fresh browser context on ``lab_server`` that records requests, websockets and errors.

    Teardown closes the context, then deletes every session and kernel through the REST API.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    harness = Lab(server=lab_server, page=page, test_name=request.node.name)
    context.on("request", lambda req: harness.requests.append(req.url))
    page.on("websocket", lambda ws: harness.websockets.append(ws.url))
    page.on("console", lambda msg: harness.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: harness.page_errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        harness.dialogs.append(f"{dialog.type}: {dialog.message}")
        # "leave page with unsaved changes?" must not block reload(); anything else is declined
        dialog.accept() if dialog.type == "beforeunload" else dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield harness
    finally:
        context.close()
        lab_server.shutdown_all()
