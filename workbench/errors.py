"""Errors the workbench raises for bad input, each one line that names the input."""
from __future__ import annotations

__all__ = ["WorkbenchError", "InputError", "StoreError", "StoreIOError"]


class WorkbenchError(Exception):
    """Base class for errors meant for the analyst."""


class InputError(WorkbenchError):
    """A source could not be ingested. ``str(err)`` is ``"<input>: <problem>"``."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class StoreError(WorkbenchError):
    """The workspace refused a change (immutable text, bad grade, newer schema...)."""


class StoreIOError(StoreError):
    """The workspace file could not be read or written: busy past the wait, disk full,
    read-only, damaged. Nothing was changed; what was stored before is intact."""
