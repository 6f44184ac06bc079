"""Workbench: an offline Jupyter workbench for intelligence and OSINT analysts.

Load articles, see who / what / where / when highlighted, and weigh competing hypotheses
with evidence quoted from the articles. Heavy libraries (pandas, spaCy, SQLAlchemy) load
lazily, so ``import workbench`` stays fast.

    >>> import workbench as wb
    >>> ws = wb.open_workspace("workspace.sqlite")
    >>> ws.ingest("articles/")
    >>> wb.show(ws.article(ws.articles.id[0]))
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["open_workspace", "Workspace", "Article", "Analysis", "show", "demo_sources", "Workbench", "Reader",
           "CorpusBrowser", "EntityExplorer", "Matrix", "__version__"]

if TYPE_CHECKING:
    from .render.display import demo_sources, show
    from .widgets.corpus_browser import CorpusBrowser
    from .widgets.entity_explorer import EntityExplorer
    from .widgets.matrix import Matrix
    from .widgets.reader import Reader
    from .widgets.workbench import Workbench
    from .workspace import Analysis, Article, Workspace, open_workspace

_LAZY = {
    "open_workspace": "workspace", "Workspace": "workspace", "Article": "workspace", "Analysis": "workspace",
    "show": "render.display", "demo_sources": "render.display",
    "Workbench": "widgets.workbench", "Reader": "widgets.reader", "CorpusBrowser": "widgets.corpus_browser",
    "EntityExplorer": "widgets.entity_explorer", "Matrix": "widgets.matrix",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
