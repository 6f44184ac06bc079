"""The report as a PDF, printed by a headless Chromium when one is installed.

The HTML report is self-contained and offline, so Chromium prints it with networking off and a
throwaway profile; nothing here needs a library. Without a Chromium the caller says how to print
by hand (open the HTML, Ctrl+P).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .._paths import check_output
from ..errors import WorkbenchError

__all__ = ["BROWSERS", "PRINT_TIMEOUT", "PdfError", "find_chromium", "print_pdf", "how_to_print"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")  # looked up on PATH, in order
PRINT_TIMEOUT = 120.0  # seconds: the demo report prints in a few
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--disable-extensions")


class PdfError(WorkbenchError):
    """The PDF could not be printed (no Chromium, or Chromium failed): the message says why."""


def find_chromium() -> str | None:
    """The first of ``BROWSERS`` found on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def how_to_print(html: str | os.PathLike[str]) -> str:
    """One line telling an analyst without Chromium how to make the PDF by hand.

    Args:
        html: the report written.
    """
    return (f"no Chromium found on PATH (looked for {', '.join(BROWSERS)}): open {html} in a browser and "
            "print it to PDF (Ctrl+P, Save as PDF)")


def print_pdf(html: str | os.PathLike[str], pdf: str | os.PathLike[str], *, browser: str | None = None,
              timeout: float = PRINT_TIMEOUT) -> Path:
    """Print ``html`` to ``pdf`` with headless Chromium, whole or not at all.

    Args:
        html: the report's HTML file.
        pdf: the PDF to write (a temporary file beside it is renamed into place when complete).
        browser: the Chromium executable (default: ``find_chromium()``).
        timeout: seconds before Chromium is stopped.

    Returns:
        The PDF's path.

    Raises:
        PdfError: no Chromium, or it failed, timed out or wrote no PDF.
    """
    target = check_output(pdf)
    executable = browser or find_chromium()
    if executable is None:
        raise PdfError(how_to_print(html))
    source = Path(html).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wb-chromium-") as profile:
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        command = [executable, *_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={partial}", source.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise PdfError(f"{executable}: printing {source.name} took over {timeout:g} s; stopped") from None
        except OSError as exc:
            raise PdfError(f"{executable}: cannot run ({exc.strerror or exc})") from None
        try:
            complete = partial.is_file() and partial.read_bytes()[:5] == b"%PDF-"
            if done.returncode != 0 or not complete:
                last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
                raise PdfError(f"{executable}: printing {source.name} failed (exit {done.returncode}): {last[:200]}")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target
