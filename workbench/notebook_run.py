"""Run a notebook headless (papermill) and export it as offline HTML.

Apart from ``templates`` because the export loads nbconvert (seconds): listing or
instantiating a template does not pay for it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ._paths import check_output
from .errors import WorkbenchError
from .render.notebook_export import export_notebook
from .templates import check_parameters

__all__ = ["run_notebook"]


def _local_kernel_manager() -> type:
    """A kernel manager that talks to its kernel over local sockets (IPC), not TCP.

    Over TCP the kernel warns that code and outputs travel unencrypted; a headless run never
    needs the network, so it uses sockets in the Jupyter runtime folder instead.
    """
    from jupyter_client.manager import KernelManager
    from traitlets import CaselessStrEnum

    class LocalKernelManager(KernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    return LocalKernelManager


def run_notebook(notebook: str | Path, *, parameters: dict[str, Any] | None = None, html: str | Path | None = None,
                 output: str | Path | None = None, progress: bool = True, timeout: int = 900) -> Path:
    """Execute a notebook headless with papermill, then export it as offline HTML.

    Args:
        notebook: the notebook (a template instance or any notebook).
        parameters: injected into its ``parameters`` cell.
        html: where to write the offline HTML (default: beside the executed notebook).
        output: where to write the executed notebook (default: ``<html stem>.ipynb`` beside the HTML).
        progress: show papermill's progress bar.
        timeout: seconds allowed per cell.
    Returns:
        The HTML path.
    Raises:
        WorkbenchError: unknown notebook or parameter, or a cell failed (the executed notebook,
            with the error in it, is still written and exported).
    """
    import papermill as pm

    source = Path(notebook)
    if not source.is_file():
        raise WorkbenchError(f"{source}: no such notebook")
    parameters = check_parameters(source, parameters or {}) if parameters else {}
    html_path = Path(html) if html else source.with_suffix(".html")
    executed = Path(output) if output else html_path.with_suffix(".ipynb")
    if executed.resolve() == source.resolve():
        executed = executed.with_name(executed.stem + ".run.ipynb")
    for target in (html_path, executed):  # never onto a workspace, before any work
        check_output(target)
    executed.parent.mkdir(parents=True, exist_ok=True)
    failure = None
    try:
        pm.execute_notebook(str(source), str(executed), parameters=parameters, kernel_name="python3",
                            cwd=str(source.parent.resolve()), progress_bar=progress, execution_timeout=timeout,
                            report_mode=False, kernel_manager_class=_local_kernel_manager())
    except pm.PapermillExecutionError as exc:
        failure = f"{source}: cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}"
    export_notebook(executed, html_path)
    if failure:
        raise WorkbenchError(failure + f" (executed notebook: {executed})")
    return html_path
