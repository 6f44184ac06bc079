"""The notebook facade (``Workspace``, ``Analysis``, entity corrections, claims), composed from the layers below."""
from __future__ import annotations

from .ach import Analysis, create_analysis
from .core import GRADES, Article, Workspace, current_actor, open_workspace

__all__ = ["Workspace", "Article", "open_workspace", "Analysis", "create_analysis", "GRADES", "current_actor"]
