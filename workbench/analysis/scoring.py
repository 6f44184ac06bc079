"""All engines side by side: scores, ranks, diagnosticity, leaders, and disagreement.

``score(frame)`` runs PARC (IS and WIS), Open Synthesis and the Bayesian view over the same
tidy evidence frame and says when they disagree on the leading hypothesis — a disagreement is
itself a finding: the ranking depends on how the evidence is counted.

It also says what the numbers rest on: the Bayesian posterior comes with its range from "one
observation per origin" to "every item independent" (``dependence``), every engine says how
many independent origins support its leader, and the analytic confidence (``confidence``) is
derived apart from the likelihood.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from typing import Any

import numpy as np
import pandas as pd

from ._engine import ENGINE_LABELS, ENGINE_NAMES, identity, leaders_of, ranks_of, spread
from ._frame import EvidenceMatrix, FrameLike, evidence_matrix
from ._registry import engine_parts
from .bayes import posterior_from_log
from .confidence import Confidence, assess_confidence
from .dependence import dependence_words, normalise_dependence, origin_ranks, origin_sums
from .icd203 import likelihood_band, percent_range, range_words
from .open_synthesis import _consistency, open_synthesis_parts, population_std
from .scales import RELIABILITY_ORDER, normalise_ungraded
from .sensitivity import leave_one_out  # sensitivity builds on the engines, not on Scores

__all__ = ["Scores", "score", "disagreement_message", "INDEPENDENCE_NOTE", "DEPENDENCE_NOTE"]

INDEPENDENCE_NOTE = ("Items sharing a group are syndicated copies of one story: every engine counts the "
                     "group once (identical copies as one item, differing readings averaged).")
DEPENDENCE_NOTE = ("Items sharing an origin (one outlet, one article with its copies, or items marked "
                   "'same origin') are not independent observations. The Bayesian posterior is shown as a "
                   "range from one observation per origin to every item independent.")


def _json_number(value: Any) -> float | int | None:
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    number = float(value)
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class Scores:
    """The result of ``score``.

    Attributes:
        hypotheses: DataFrame indexed by hypothesis: ``parc_inconsistency`` (IS, ≤ 0, closer
            to 0 is better), ``parc_rank``, ``parc_weighted_inconsistency`` (WIS),
            ``parc_weighted_rank``, ``open_synthesis_inconsistency`` (lower is better),
            ``open_synthesis_consistency``, ``open_synthesis_rank``, ``bayes_prior``,
            ``bayes_posterior``, ``bayes_words`` (ICD 203), ``bayes_rank``. Rank 1 = most likely.
        evidence: DataFrame indexed by evidence id: the diagnosticity under each engine
            (columns named by engine), ``group``, ``group_size`` (items in the group),
            ``copies`` (identical copies of this item in the group, itself included) and
            ``counts_as`` (the item's share of its group's single count).
            The hypotheses table also has ``bayes_low`` and ``bayes_high`` (the posterior
            with one observation per origin and with every item independent, lower and
            higher of the two, and never beyond the posterior itself), ``bayes_range`` (e.g.
            "45–80%") and ``bayes_range_words`` ("roughly even chance to likely");
            ``bayes_words`` words the posterior at the chosen ``dependence`` (by default the
            conservative end, one observation per origin).
        leaders: engine → leading hypotheses (several when tied).
        disagreement: a sentence when no hypothesis leads under every engine, else None.
        linchpins: engine → items whose removal changes the leader (None if not computed).
        support: engine → number of independent origins whose evidence favours its leader.
        n_origins: number of independent origins in the matrix.
        settings: {"dependence": float, "assumption": words, "ungraded": rule}.
        confidence: the analytic confidence in the leader (``confidence.Confidence``).
    """

    hypotheses: pd.DataFrame
    evidence: pd.DataFrame
    leaders: Mapping[str, tuple[str, ...]]
    disagreement: str | None
    linchpins: Mapping[str, tuple[str, ...]] | None = None
    support: Mapping[str, int] | None = None
    n_origins: int = 0
    settings: Mapping[str, Any] | None = None
    confidence: Confidence | None = None

    def single_origin(self, engine: str) -> bool:
        """True when the engine's leader rests on at most one independent origin."""
        return self.support is not None and self.support.get(engine, 0) <= 1

    def leader(self, engine: str) -> str:
        """The leading hypothesis under an engine (the first in order when tied)."""
        return self.leaders[engine][0]

    def with_linchpins(self, linchpins: Mapping[str, Sequence[str]]) -> Scores:
        """A copy carrying the linchpins found by sensitivity analysis."""
        return replace(self, linchpins={k: tuple(v) for k, v in linchpins.items()})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary.

        Returns:
            {"hypotheses": [...], "evidence": [...], "engines": {engine: {"label",
            "higher_is_better", "scores": {hypothesis: score}, "ranks": {...},
            "leaders": [...], "diagnosticity": {evidence: value}, "linchpins": [...] | None,
            + Open Synthesis "consistency", Bayes "priors" / "words" / "bands"}},
            "disagreement": str | None, "independence": {"note", "groups": {label: [items]}}}
        """
        table, items = self.hypotheses, self.evidence
        names = [str(h) for h in table.index]
        score_columns = {"parc": "parc_inconsistency", "parc_weighted": "parc_weighted_inconsistency",
                         "open_synthesis": "open_synthesis_inconsistency", "bayes": "bayes_posterior"}
        engines: dict[str, Any] = {}
        for engine in ENGINE_NAMES:
            entry: dict[str, Any] = {
                "label": ENGINE_LABELS[engine],
                "higher_is_better": engine != "open_synthesis",
                "scores": {h: _json_number(v) for h, v in zip(names, table[score_columns[engine]])},
                "ranks": {h: int(v) for h, v in zip(names, table[f"{engine}_rank"])},
                "leaders": list(self.leaders[engine]),
                "diagnosticity": {str(e): _json_number(v) for e, v in zip(items.index, items[engine])},
                "linchpins": None if self.linchpins is None else list(self.linchpins.get(engine, ())),
            }
            if engine == "open_synthesis":
                entry["consistency"] = {h: _json_number(v) for h, v in zip(names, table["open_synthesis_consistency"])}
            if engine == "bayes":
                entry["priors"] = {h: _json_number(v) for h, v in zip(names, table["bayes_prior"])}
                entry["words"] = dict(zip(names, table["bayes_words"]))
                entry["bands"] = {h: list(likelihood_band(float(p))[1:])
                                  for h, p in zip(names, table["bayes_posterior"])}
                entry["range"] = {h: [_json_number(lo), _json_number(hi)]
                                  for h, lo, hi in zip(names, table["bayes_low"], table["bayes_high"])}
                entry["range_words"] = dict(zip(names, table["bayes_range_words"]))
                entry["assumption"] = (self.settings or {}).get("assumption")
            if self.support is not None:
                entry["independent_origins_for_leader"] = int(self.support.get(engine, 0))
                entry["single_origin"] = self.single_origin(engine)
            engines[engine] = entry
        groups: dict[str, list[str]] = {}
        for item, group, size in zip(items.index, items["group"], items["group_size"]):
            if group is not None and size > 1:
                groups.setdefault(str(group), []).append(str(item))
        return {
            "hypotheses": names,
            "evidence": [str(e) for e in items.index],
            "engines": engines,
            "disagreement": self.disagreement,
            "independence": {"note": INDEPENDENCE_NOTE, "groups": groups},
            "dependence": {"note": DEPENDENCE_NOTE, "independent_origins": self.n_origins,
                           **dict(self.settings or {})},
            "confidence": None if self.confidence is None else self.confidence.to_dict(),
        }


def _quoted(names: Sequence[str]) -> str:
    return " = ".join(f"'{n}'" for n in names) + (" (tied)" if len(names) > 1 else "")


def _listed(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def disagreement_message(leaders: Mapping[str, Sequence[str]]) -> str | None:
    """A sentence naming each engine's leader when no hypothesis leads under all of them.

    Args:
        leaders: engine → leading hypotheses.

    Returns:
        None when some hypothesis leads (alone or tied) under every engine.
    """
    common = set.intersection(*(set(v) for v in leaders.values())) if leaders else set()
    if common:
        return None
    by_leader: dict[tuple[str, ...], list[str]] = {}
    for engine, names in leaders.items():
        by_leader.setdefault(tuple(names), []).append(ENGINE_LABELS.get(engine, engine))
    parts = [f"{_listed(engines)} favour{'s' if len(engines) == 1 else ''} {_quoted(names)}"
             for names, engines in by_leader.items()]
    return "The engines disagree on the leading hypothesis: " + "; ".join(parts) + "."


def score(data: FrameLike, *, hypotheses: Sequence[str] | None = None,
          priors: Mapping[str, float] | None = None, linchpins: bool = True,
          dependence: float | str | None = None, ungraded: str | None = None,
          confidence: tuple[str | None, str | None, str | None] | None = None,
          open_synthesis_votes: FrameLike | None = None) -> Scores:
    """Score the hypotheses under every engine.

    Args:
        data: tidy evidence frame or compiled ``EvidenceMatrix``.
        hypotheses: hypothesis order (default: as in the frame).
        priors: Bayes priors per hypothesis name (default uniform).
        linchpins: also run leave-one-out to find each engine's linchpins.
        dependence: Bayes weight of each further item of one origin: 0 or "one-per-origin"
            (default), 1 or "independent", or a number between (see ``dependence``).
        ungraded: Bayes rule for sources without a reliability grade: "as-published"
            (default) or "cannot-be-judged" (see ``scales.UNGRADED_RULES``).
        confidence: an analyst's override, ``(level, note, analyst)``; None = derived only.
        open_synthesis_votes: other votes on the same items for Open Synthesis alone (the team
            view: Open Synthesis averages every analyst's votes while the other engines read
            their consensus, see ``team``); None = every engine reads ``data``.

    Returns:
        ``Scores``.

    Raises:
        ValueError: ``open_synthesis_votes`` lists other items or groups than ``data``.
    """
    matrix: EvidenceMatrix = evidence_matrix(data, hypotheses)
    factor, rule = normalise_dependence(dependence), normalise_ungraded(ungraded)
    units, unit_of = matrix.units
    parts = engine_parts(matrix, priors, dependence=factor, ungraded=rule)
    crowd = None if open_synthesis_votes is None else _same_items(
        evidence_matrix(open_synthesis_votes, matrix.hypotheses), matrix)
    # each engine reads its own counting units (identical copies collapse by the votes it reads)
    unit_sets = dict.fromkeys(parts, (units, unit_of))
    if crowd is not None:
        parts["open_synthesis"] = open_synthesis_parts(crowd.units[0])
        unit_sets["open_synthesis"] = crowd.units
    table: dict[str, Any] = {}
    diagnosticity: dict[str, np.ndarray] = {}
    leaders: dict[str, tuple[str, ...]] = {}
    support: dict[str, int] = {}
    supporting: dict[str, np.ndarray] = {}
    for engine, part in parts.items():
        engine_units, engine_unit_of = unit_sets[engine]
        values = part.item_values()
        means = part.means if part.means is not None else engine_units.group_means(values)
        totals = part.offset + part.contributions(means).sum(axis=0)
        utility = part.utility(totals)
        tiebreaks = cache(partial(part.tiebreak_utilities, means))   # Open Synthesis: only if hypotheses tie
        leaders[engine] = leaders_of(utility, matrix.hypotheses, tiebreaks)
        supporting[engine] = _supporting_origins(part, means, matrix.hypotheses.index(leaders[engine][0]))
        support[engine] = int(supporting[engine].sum())
        if engine == "bayes":
            posterior = posterior_from_log(totals)
            base = identity(means)   # the ends of the range: one per origin, every item independent
            one_per_origin = posterior if factor == 0.0 else posterior_from_log(
                part.offset + base[origin_ranks(base, units.group_origins())[0] == 0].sum(axis=0))
            independent = posterior if part.group_weight is None else posterior_from_log(
                part.offset + base.sum(axis=0))
            ends = [one_per_origin, independent]
            low = np.minimum.reduce([posterior, *ends])
            high = np.maximum.reduce([posterior, *ends])
            table["bayes_prior"] = np.exp(part.offset)
            table["bayes_posterior"] = posterior
            table["bayes_low"], table["bayes_high"] = low, high
            table["bayes_range"] = [percent_range(lo, hi) for lo, hi in zip(low, high)]
            table["bayes_words"] = [likelihood_band(float(p))[0] for p in posterior]
            table["bayes_range_words"] = [range_words(lo, hi) for lo, hi in zip(low, high)]
            end_leaders = [leaders_of(np.log(p), matrix.hypotheses) for p in ends]
        elif engine == "open_synthesis":
            table["open_synthesis_inconsistency"] = totals
            table["open_synthesis_consistency"] = _consistency(means).sum(axis=0)
        else:
            table[f"{engine}_inconsistency"] = totals
        table[f"{engine}_rank"] = ranks_of(utility, tiebreaks)
        per_unit = population_std(values) if engine == "open_synthesis" else spread(values)
        diagnosticity[engine] = per_unit[engine_unit_of]    # identical copies share their unit's value
    order = ["parc_inconsistency", "parc_rank", "parc_weighted_inconsistency", "parc_weighted_rank",
             "open_synthesis_inconsistency", "open_synthesis_consistency", "open_synthesis_rank",
             "bayes_prior", "bayes_posterior", "bayes_low", "bayes_high", "bayes_range", "bayes_words", "bayes_range_words", "bayes_rank"]
    hypotheses_table = pd.DataFrame({k: table[k] for k in order}, index=pd.Index(matrix.hypotheses, name="hypothesis"))
    evidence_table = pd.DataFrame(diagnosticity, index=pd.Index(matrix.evidence, name="evidence"))
    evidence_table["group"] = pd.Series(list(matrix.groups), index=evidence_table.index, dtype=object)
    evidence_table["origin"] = matrix.origin_index
    evidence_table["group_size"] = matrix.group_size
    evidence_table["copies"] = matrix.copies
    evidence_table["counts_as"] = matrix.counts_as
    settings = {"dependence": factor, "assumption": dependence_words(factor), "ungraded": rule}
    result = Scores(hypotheses_table, evidence_table, leaders, disagreement_message(leaders),
                    support=support, n_origins=units.n_origins, settings=settings)
    found: Mapping[str, Sequence[str]] | None = None
    if linchpins:
        found = leave_one_out(matrix, priors=priors, dependence=factor, ungraded=rule).linchpins
        if crowd is not None:
            found = {**found, "open_synthesis": leave_one_out(crowd, priors=priors, dependence=factor, ungraded=rule,
                                                              engines=("open_synthesis",)).linchpins["open_synthesis"]}
        result = result.with_linchpins(found)
    derived = assess_confidence(
        leader=leaders["bayes"][0], supporting_origins=min(support.values()) if support else 0,
        origin_grades=_origin_grades(units, supporting["bayes"]),
        engines_agree=result.disagreement is None, linchpins=found,
        assumption_changes_leader=end_leaders[0] != end_leaders[1])
    level, note, analyst = confidence or (None, None, None)
    return replace(result, confidence=derived.with_override(level, note, analyst))


def _same_items(crowd: EvidenceMatrix, matrix: EvidenceMatrix) -> EvidenceMatrix:
    """``crowd``, checked to hold the items, groups and origins of ``matrix`` in the same order."""
    if (crowd.evidence != matrix.evidence or not np.array_equal(crowd.group_index, matrix.group_index)
            or not np.array_equal(crowd.origin_index, matrix.origin_index)):
        raise ValueError("open_synthesis_votes: must hold the same evidence items, groups and origins as the data")
    return crowd


def _supporting_origins(part: Any, means: np.ndarray, leader: int) -> np.ndarray:
    """Which origins' evidence favours the leader: it scores the leader at least as well as any
    rival and better than some rival (bool per origin)."""
    units = part.matrix
    contributions = part.utility(part.contributions(means))          # higher favours a hypothesis
    per_origin = origin_sums(contributions, units.group_origins(), units.n_origins)
    if per_origin.shape[1] < 2 or not len(per_origin):
        return np.zeros(len(per_origin), dtype=bool)
    tolerance = 1e-9 * np.maximum(np.abs(per_origin).max(axis=1), 1.0)
    mine = per_origin[:, leader]
    return (mine >= per_origin.max(axis=1) - tolerance) & (mine > per_origin.min(axis=1) + tolerance)


def _origin_grades(units: EvidenceMatrix, chosen: np.ndarray) -> list[str | None]:
    """Best source-reliability grade of each chosen origin (None when none of its items is graded)."""
    best = np.full(units.n_origins, 99)
    graded = units.reliability >= 0
    np.minimum.at(best, units.origin_index[graded], units.reliability[graded].astype(int))
    return [None if best[o] == 99 else RELIABILITY_ORDER[best[o]] for o in np.flatnonzero(chosen)]
