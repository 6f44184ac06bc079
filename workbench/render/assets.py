"""The bundled browser assets (``widgets/`` CSS and ES modules), read without loading anywidget:
the widgets, the report and the notebook export all use them."""
from __future__ import annotations

import re
from functools import lru_cache

from .._paths import bundled

__all__ = ["asset", "esm"]


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The text of a file in the bundled widgets/ folder."""
    return (bundled("widgets") / name).read_text(encoding="utf-8")


_LOCAL_IMPORT = re.compile(r'^import \{[^}]*\} from "\./([\w-]+\.js)";\s*$', re.M)


@lru_cache(maxsize=None)
def esm(name: str) -> str:
    """An ES module with its local imports (``import {…} from "./x.js"``) inlined.

    anywidget loads a module from a string, where relative imports cannot resolve, and we
    want no build step: so shared helpers are pasted in at load time.
    """
    return _LOCAL_IMPORT.sub(lambda m: asset(m.group(1)), asset(name))
