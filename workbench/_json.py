"""JSON from outside with its nesting and its numbers bounded.

Python's ``json`` recurses once per level of nesting (a RecursionError near 1,000 levels) and
refuses integers past 4,300 digits with a bare ValueError; either would end a whole batch. Here
both become a ``JSONLimitError`` that names the problem, raised before anything is stored.
"""
from __future__ import annotations

import json
from typing import Any

__all__ = ["JSONLimitError", "load_json", "check_depth", "MAX_JSON_DEPTH", "MAX_JSON_NUMBER_DIGITS"]

MAX_JSON_DEPTH = 32             # levels of nesting in one value: an article record needs two or three
MAX_JSON_NUMBER_DIGITS = 100    # digits in one JSON number (ids, counts and scores need far fewer)


class JSONLimitError(ValueError):
    """JSON nested deeper than ``MAX_JSON_DEPTH`` or holding a number longer than
    ``MAX_JSON_NUMBER_DIGITS`` digits. The message names which."""


def _too_deep(limit: int) -> JSONLimitError:
    return JSONLimitError(f"JSON nested too deeply (more than {limit} levels)")


def _bounded(convert: Any) -> Any:
    def parse(token: str) -> Any:
        if len(token) > MAX_JSON_NUMBER_DIGITS:  # cheap test first: almost every number is short
            digits = sum(ch.isdigit() for ch in token)
            if digits > MAX_JSON_NUMBER_DIGITS:
                raise JSONLimitError(f"number too long ({digits:,} digits, limit {MAX_JSON_NUMBER_DIGITS})")
        return convert(token)
    return parse


_PARSE_INT, _PARSE_FLOAT = _bounded(int), _bounded(float)


def load_json(text: str | bytes, *, max_depth: int | None = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` with numbers and nesting bounded.

    Args:
        text: the JSON text.
        max_depth: deepest nesting accepted; None leaves the check to the caller (a list of
            records checks each record, so one deep record fails alone).

    Returns:
        The parsed value.

    Raises:
        JSONLimitError: a number longer than ``MAX_JSON_NUMBER_DIGITS`` digits, or nesting
            deeper than ``max_depth`` (or than the parser can go).
        json.JSONDecodeError: the text is not JSON (callers word that error themselves).
    """
    try:
        value = json.loads(text, parse_int=_PARSE_INT, parse_float=_PARSE_FLOAT)
    except RecursionError:  # the C parser recurses once per level (about 1,000 levels)
        raise _too_deep(max_depth or MAX_JSON_DEPTH) from None
    if max_depth is not None:
        check_depth(value, max_depth)
    return value


def check_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise JSONLimitError when ``value`` nests deeper than ``limit`` levels.

    Walked level by level, without recursion (writing such a value back as JSON would
    otherwise recurse as deep).

    Args:
        value: a parsed JSON value (dicts, lists, scalars); a scalar is level 0, ``[1]`` level 1.
        limit: deepest nesting accepted.
    """
    level = [value]
    for _ in range(limit):
        level = [child for item in level if isinstance(item, (dict, list))
                 for child in (item.values() if isinstance(item, dict) else item)]
        if not level:
            return
    if any(isinstance(item, (dict, list)) for item in level):
        raise _too_deep(limit)
