"""Parse the many ways articles state their publication date into ISO 8601."""
from __future__ import annotations

from datetime import date, datetime
from email.utils import parsedate_to_datetime


def parse_published(value: str | None) -> str | None:
    """Return an ISO date ("2022-12-19") or datetime, or None when it cannot be read.

    Args:
        value: "2022-12-19", "2022-12-19T10:00:00+02:00", "Mon, 19 Dec 2022 10:00:00 GMT",
            "19 December 2022", "December 19, 2022" and similar.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        from dateutil import parser

        parsed = parser.parse(text, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    has_time = any(ch == ":" for ch in text)
    return parsed.isoformat() if has_time else parsed.date().isoformat()
