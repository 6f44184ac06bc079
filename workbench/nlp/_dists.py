"""Installed versions of the distributions whose data shapes entity output."""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["dist_versions"]


def dist_versions(names: tuple[str, ...]) -> str:
    """Installed versions of distributions, by import name (natasha for Russian, pymorphy3
    and its dictionaries for Ukrainian and Russian).

    Reads the ``*.dist-info`` folder name next to the package (importlib.metadata scans
    every installed distribution and costs ~0.1 s); nothing is imported.

    Args:
        names: import names, e.g. ("pymorphy3", "pymorphy3_dicts_uk").

    Returns:
        e.g. "pymorphy3==2.0.6,pymorphy3_dicts_uk==2.4.1.1.1663094765" ("none" for a
        distribution that is not installed).
    """
    out = []
    for name in names:
        version = "none"
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            site = Path(spec.origin).resolve().parent.parent
            for info in site.glob(f"{name}-*.dist-info"):
                version = info.name[len(name) + 1:-len(".dist-info")]
                break
        out.append(f"{name}=={version}")
    return ",".join(out)
