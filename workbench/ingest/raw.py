"""``RawArticle``: an article as a reader produced it, before cleaning and storage; ``Skipped``:
a part of an input a reader left out on purpose (not a failure)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["RawArticle", "Skipped"]


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


@dataclass(frozen=True)
class Skipped:
    """What a reader left out on purpose, and why: a file of a type nobody reads in a folder,
    a Telegram service message, a feed item already stored. ``str()`` is one line naming it."""

    source: str
    reason: str
    count: int = 1            # how many things this line stands for (e.g. 12 service messages)
    unchanged: bool = False   # they are in the workspace already (feed items read before)

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"
