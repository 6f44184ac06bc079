"""``RawArticle``: an article as a reader produced it, before cleaning and storage."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["RawArticle"]


@dataclass
class RawArticle:
    """An article as read, before cleaning and storage."""

    text: str
    origin: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    language: str | None = None
    author: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
