"""Telegram Desktop channel export ("Export chat history", JSON: ``result.json``): one article per post.

The export is one JSON object: the chat's ``name``, ``type`` ("public_channel"…), ``id`` and
``messages``. A post is a message of ``type`` "message" with text; its ``text`` is a string or
a list of strings and entity dicts (``{"type": "link", "text": …}``). Service messages (pins,
channel created…) and posts without text (a photo alone) are skipped and counted.

Telegram Desktop does not write the channel's public @username into the export, so a post's
link (``https://t.me/USERNAME/ID``) is made only when the object has a ``username`` key (add
it by hand, or it comes from a tool that writes it); otherwise a post has no URL.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import InputError
from .raw import RawArticle, Skipped

__all__ = ["is_telegram_export", "read_telegram"]

CHAT_TYPES = {"public_channel", "private_channel", "public_supergroup", "private_supergroup", "private_group",
              "personal_chat", "saved_messages", "bot_chat"}
TITLE_CHARS = 120
_USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")


def is_telegram_export(data: Any) -> bool:
    """Whether a parsed JSON document is a Telegram Desktop chat export."""
    return (isinstance(data, Mapping) and isinstance(data.get("messages"), list)
            and (data.get("type") in CHAT_TYPES or "name" in data) and "text" not in data)


def read_telegram(data: Mapping[str, Any], name: str) -> Iterator[RawArticle | InputError | Skipped]:
    """The posts of an export as articles, then one ``Skipped`` line per kind of message left out.

    Args:
        data: the parsed export (``is_telegram_export`` is true).
        name: the file's path, for messages; each post's origin is ``"<name> post <id>"``.
    Returns:
        An iterator of RawArticle (source: the channel's name; date; link when the channel's
        username is known; metadata: ``telegram_id``, ``forwarded_from`` for a forwarded post,
        ``telegram_channel``), InputError for a malformed message, and Skipped counts.
    """
    channel = str(data.get("name") or "").strip() or None
    match = _USERNAME.match(str(data.get("username") or ""))
    username = match.group(1) if match else None
    skipped: Counter[str] = Counter()
    if not data["messages"]:
        yield Skipped(name, "no posts in the export")
        return
    for index, message in enumerate(data["messages"], 1):
        if not isinstance(message, Mapping):
            yield InputError(f"{name} message {index}", f"expected a JSON object, found {type(message).__name__}")
            continue
        post_id = message.get("id")
        label = f"{name} post {post_id if isinstance(post_id, int) else index}"
        if message.get("type") != "message":
            skipped["service messages"] += 1
            continue
        try:
            text = _text(message.get("text"))
        except ValueError as exc:
            yield InputError(label, str(exc))
            continue
        if not text.strip():
            skipped["posts without text (media only)"] += 1
            continue
        yield _article(message, text, label, channel, username, post_id)
    total = sum(skipped.values())
    if total:
        reasons = ", ".join(f"{count} {what}" for what, count in sorted(skipped.items()))
        yield Skipped(name, f"skipped {reasons}", count=total)


def _article(message: Mapping[str, Any], text: str, label: str, channel: str | None, username: str | None,
             post_id: Any) -> RawArticle:
    metadata: dict[str, Any] = {"telegram_id": post_id}
    if channel:
        metadata["telegram_channel"] = channel
    forwarded = message.get("forwarded_from")
    if isinstance(forwarded, str) and forwarded.strip():
        metadata["forwarded_from"] = forwarded.strip()
    first = text.strip().split("\n", 1)[0].strip()
    title = first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS - 1].rstrip() + "…"
    url = f"https://t.me/{username}/{post_id}" if username and isinstance(post_id, int) else None
    date = message.get("date")
    return RawArticle(text=text, origin=label, title=title or None, url=url,
                      published=str(date) if isinstance(date, str) else None, outlet=channel,
                      author=_author(message, channel), metadata=metadata)


def _author(message: Mapping[str, Any], channel: str | None) -> str | None:
    """A post's signature (``author``), or who sent it when that is not the channel itself."""
    for key in ("author", "from"):
        value = message.get(key)
        if isinstance(value, str) and value.strip() and value.strip() != channel:
            return value.strip()
    return None


def _text(value: Any) -> str:
    """A message's text: a string, or a list of strings and entity dicts with a ``text``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise ValueError(f"'text' must be a string or a list, found {type(value).__name__}")
    parts = []
    for part in value:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, Mapping) and isinstance(part.get("text"), str):
            parts.append(part["text"])
        else:
            raise ValueError("'text' list holds something that is neither a string nor an entity with text")
    return "".join(parts)
