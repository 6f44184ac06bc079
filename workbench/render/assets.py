"""The bundled browser assets (``widgets/`` CSS and ES modules), read without loading anywidget,
and the one Content-Security-Policy of the pages we write: the widgets, the report and the
notebook export all use them."""
from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache

from .._paths import bundled

__all__ = ["asset", "esm", "content_security_policy"]


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


def content_security_policy(script: str | None) -> str:
    """No network, no plugins, no forms, inline styles, and at most one script (by hash).

    Args:
        script: the one inline script allowed (the report's); None allows no script at all
            (exported notebooks).

    Returns:
        The policy, for a ``<meta http-equiv="Content-Security-Policy">`` tag.
    """
    if script is None:
        allowed = "'none'"
    else:
        allowed = "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
            f"script-src {allowed}; base-uri 'none'; form-action 'none'")
