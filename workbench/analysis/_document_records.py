"""Filling a document's records: every field taken or defaulted, shared values copied."""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

__all__ = ["fill"]

_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


def fill(record: Any, defaults: Mapping[str, Any], where: str, required: tuple[str, ...]) -> dict[str, Any]:
    """Every key of ``defaults`` taken from ``record`` (a deep copy) or defaulted.

    Args:
        record: one record of the document (an object).
        defaults: field -> default value, in the order wanted.
        where: the record's place for messages ("evidence[3]").
        required: fields that must be given and not empty.
    Returns:
        The filled record.
    Raises:
        ValueError: one line naming the record and the problem.
    """
    if type(record) is not dict and not isinstance(record, Mapping):
        raise ValueError(f"{where}: expected an object, got {type(record).__name__}")
    if not defaults.keys() >= record.keys():
        unknown = sorted(set(record) - set(defaults))
        raise ValueError(f"{where}: unknown field {unknown[0]!r}")
    for key in required:
        if record.get(key) in (None, ""):
            raise ValueError(f"{where}: missing {key}")
    filled = {**defaults, **record}  # every key of defaults, in their order
    # copy only what could be shared and mutated (lists, dicts): deep-copying every string was
    # most of the time spent validating a large document
    for key, value in filled.items():
        if type(value) not in _IMMUTABLE:
            filled[key] = _copy(value)
    return filled


def _copy(value: Any) -> Any:
    if type(value) is list:
        return [item if type(item) in _IMMUTABLE else copy.deepcopy(item) for item in value]
    return copy.deepcopy(value)
