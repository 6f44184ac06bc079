"""A document's per-analyst ratings: each one checked, and the stated ratings checked to be
their consensus (Open Synthesis's, as the workspace's team view)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._document_records import fill
from ._frame import NO_VOTE
from .open_synthesis import consensus_codes
from .scales import RATINGS

__all__ = ["analyst_ratings", "check_consensus"]

_ANALYST_RATING_KEYS = ("analyst", "evidence_id", "hypothesis_id", "rating")


def analyst_ratings(records: list[Any], evidence_order: Mapping[str, int],
                     hypothesis_order: Mapping[str, int]) -> list[dict[str, Any]]:
    """Each analyst's ratings checked (one line naming the first problem), in normal order."""
    out, seen = [], set()
    codes = frozenset(RATINGS)
    for index, record in enumerate(records):
        # the usual case first, tersely: a team's analysis has 100,000s of ratings
        try:
            who, cell, code = record["analyst"], (record["evidence_id"], record["hypothesis_id"]), record["rating"]
            usual = (type(record) is dict and len(record) == 4 and type(who) is str and who and who == who.strip()
                     and cell[0] in evidence_order and cell[1] in hypothesis_order and code in codes
                     and (who, *cell) not in seen)
        except (TypeError, KeyError):
            usual = False
        if not usual:
            _analyst_rating_problem(record, index, evidence_order, hypothesis_order, seen)
        seen.add((who, *cell))
        out.append({"analyst": who, "evidence_id": cell[0], "hypothesis_id": cell[1], "rating": code})
    out.sort(key=lambda r: (r["analyst"], evidence_order[r["evidence_id"]], hypothesis_order[r["hypothesis_id"]]))
    return out


def _analyst_rating_problem(record: Any, index: int, evidence_order: Mapping[str, int],
                            hypothesis_order: Mapping[str, int], seen: set[tuple[str, str, str]]) -> None:
    """Raise the one-line error an analyst's rating breaks (the usual case took none)."""
    rating = fill(record, dict.fromkeys(_ANALYST_RATING_KEYS), f"analyst_ratings[{index}]", _ANALYST_RATING_KEYS)
    who, cell = rating["analyst"], (rating["evidence_id"], rating["hypothesis_id"])
    problem = ("the analyst must be a name without surrounding blanks"
               if not isinstance(who, str) or who != who.strip() or not who
               else "unknown evidence id" if not isinstance(cell[0], str) or cell[0] not in evidence_order
               else "unknown hypothesis id" if not isinstance(cell[1], str) or cell[1] not in hypothesis_order
               else f"rating {rating['rating']!r} is not one of CC, C, N, I, II, NA"
               if not isinstance(rating["rating"], str) or rating["rating"] not in RATINGS
               else "rated twice" if (who, *cell) in seen else "not a rating")
    raise ValueError(f"rating by {who!r} of evidence {cell[0]!r} for hypothesis {cell[1]!r}: {problem}")


def check_consensus(ratings: list[dict[str, Any]], by_analyst: list[dict[str, Any]],
                     evidence_order: Mapping[str, int], hypothesis_order: Mapping[str, int]) -> None:
    """``ratings`` must be the consensus of ``by_analyst`` (else the file says two things).

    The consensus is Open Synthesis's (``open_synthesis.consensus_codes``, as the workspace's
    team view), computed on arrays: a team's analysis holds 100,000s of ratings.
    """
    width = len(hypothesis_order)
    analysts = {name: i for i, name in enumerate(dict.fromkeys(r["analyst"] for r in by_analyst))}
    code_of = {code: i for i, code in enumerate(RATINGS)}
    votes = np.full((len(analysts), 1, len(evidence_order) * width), NO_VOTE, dtype=np.int8)
    slots = [(analysts[r["analyst"]], evidence_order[r["evidence_id"]] * width + hypothesis_order[r["hypothesis_id"]],
              code_of[r["rating"]]) for r in by_analyst]
    who, cell, code = np.array(slots, dtype=np.int64).T
    votes[who, 0, cell] = code
    agreed = consensus_codes(votes)[0]
    stated = np.full(agreed.shape, NO_VOTE, dtype=np.int64)
    for r in ratings:
        stated[evidence_order[r["evidence_id"]] * width + hypothesis_order[r["hypothesis_id"]]] = code_of[r["rating"]]
    wrong = np.flatnonzero(stated != agreed)
    if len(wrong):
        evidence_ids, hypothesis_ids = list(evidence_order), list(hypothesis_order)
        at = int(wrong[0])

        def said(value: int) -> str:
            return "unrated" if value == NO_VOTE else RATINGS[value]
        raise ValueError(f"ratings: evidence {evidence_ids[at // width]!r} for hypothesis "
                         f"{hypothesis_ids[at % width]!r} is {said(int(stated[at]))} but the consensus of "
                         f"analyst_ratings is {said(int(agreed[at]))}; ratings must be that consensus "
                         "(or leave analyst_ratings out)")
