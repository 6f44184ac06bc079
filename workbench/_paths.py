"""Where the bundled folders (widgets/, seeds/, notebooks/) live.

An editable install sees them at the repository root; a wheel carries them inside the
package as ``workbench/_bundled/<name>`` (see pyproject's force-include).
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Return the directory of a bundled folder.

    Args:
        name: "widgets", "seeds" or "notebooks".
    Returns:
        The existing directory.
    Raises:
        FileNotFoundError: if neither layout holds it.
    """
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} is missing from the installation")
