"""A Bayesian view of the matrix: posterior probabilities from rating likelihoods.

    P(H | E) ∝ P(H) · Π_i P(E_i | H)          (naive: items independent given H)

Likelihoods come from the ratings (CC .95, C .80, N .50, I .20, II .05; NA .50 — no
information). Uniform priors unless given.

**Discount.** An item's evidential strength is scaled by

    k = reliability factor × information-credibility factor × credibility × relevance

(factors in ``scales``: A/1 → 1.0, B/2 → .8, C/3 → .6, D/4 → .4, E/5 → .2, F/6 "cannot be
judged" → .5; an ungraded source → 1.0 by default, or .5 under the "cannot-be-judged" rule,
see ``scales.UNGRADED_RULES``; credibility and relevance High √2, Medium 1, Low 1/√2), applied
on the log-odds scale:

    logit L' = k · logit L

so k < 1 pulls a likelihood toward 0.5 (a discredited item says less), k > 1 pushes it away,
L' stays a probability, and an ungraded Medium/Medium item keeps the published value. With
several analysts an item's log-likelihood is the mean of theirs; syndicated copies (same
``group``) count once (their log-likelihoods are averaged). A cell nobody rated is neutral.

**Dependence.** Groups that share an origin (one outlet, one article family, or items marked
"same origin") are combined by a damped sum: the k-th most diagnostic group of an origin
counts ``dependence ** k`` (see ``dependence``). The default, 0, counts each origin as its
most diagnostic item; 1 is the naive product.

**Diagnosticity** of an item: |log likelihood ratio| maximised over hypothesis pairs,
ln(max_h L'(e|h) / min_h L'(e|h)) — natural log; 0 means the item cannot move the posterior.

The posterior is worded with ICD 203 bands (``icd203``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ._engine import EngineParts, identity, ranks_of, spread
from ._frame import EvidenceMatrix, FrameLike, evidence_matrix
from .dependence import normalise_dependence, origin_weights
from .icd203 import likelihood_words
from .scales import (
    BAYES_LIKELIHOODS,
    INFO_CREDIBILITY_FACTORS,
    RATINGS,
    RELIABILITY_FACTORS,
    RELIABILITY_ORDER,
    UNGRADED_RULES,
    normalise_ungraded,
)

__all__ = ["bayes_scores", "bayes_diagnosticity", "bayes_parts", "discounted_likelihood", "log_likelihood_table",
           "prior_vector", "posterior_from_log", "admiralty_strength"]

_LIKELIHOODS = np.array([BAYES_LIKELIHOODS[r] for r in RATINGS])
_LOGITS = np.log(_LIKELIHOODS / (1.0 - _LIKELIHOODS))


def discounted_likelihood(rating: str, strength: float) -> float:
    """P(E | H) for a rating after the discount (``logit L' = strength · logit L``).

    Args:
        rating: canonical rating.
        strength: the item's k (1 = as published, 0 = no information).

    Returns:
        The discounted likelihood.
    """
    return float(1.0 / (1.0 + np.exp(-strength * _LOGITS[RATINGS.index(rating)])))


def log_likelihood_table(strength: np.ndarray) -> np.ndarray:
    """ln(L' / 0.5) of every rating code for items of the given strengths.

    Measuring against 0.5 makes the neutral value 0, so unrated cells need no special case;
    the constant cancels when the posterior is normalised.

    Args:
        strength: k of each item, any shape S.

    Returns:
        Array of shape S + (6,).
    """
    scaled = np.asarray(strength, dtype=float)[..., None] * _LOGITS
    # ln(σ(x) / 0.5) = ln 2 − ln(1 + e^−x), computed stably
    return np.log(2.0) - np.logaddexp(0.0, -scaled)


def admiralty_strength(matrix: EvidenceMatrix, ungraded: str | None = None) -> np.ndarray:
    """Each item's discount from its Admiralty grades: reliability × information credibility, (E,).

    Args:
        matrix: compiled evidence.
        ungraded: the rule for a source without a reliability grade (``scales.UNGRADED_RULES``).
    """
    ungraded_factor = UNGRADED_RULES[normalise_ungraded(ungraded)]
    reliability = np.array([RELIABILITY_FACTORS[g] for g in RELIABILITY_ORDER] + [ungraded_factor])
    info = np.array([INFO_CREDIBILITY_FACTORS[None]] + [INFO_CREDIBILITY_FACTORS[g] for g in range(1, 7)])
    return reliability[matrix.reliability] * info[matrix.info_credibility]


def bayes_parts(matrix: EvidenceMatrix, priors: Mapping[str, float] | None = None, *,
                dependence: float | str | None = None, ungraded: str | None = None) -> EngineParts:
    """The Bayes engine (unnormalised log posterior) on a compiled matrix.

    Args:
        matrix: compiled evidence (counting units).
        priors: prior per hypothesis (default uniform).
        dependence: weight of each further group of one origin (0 = one per origin, the
            default; 1 = independent); see ``dependence``.
        ungraded: the rule for ungraded sources (default "as-published").
    """
    parts = EngineParts(
        name="bayes",
        matrix=matrix,
        vote_table=log_likelihood_table(admiralty_strength(matrix, ungraded) * matrix.weights),
        missing=0.0,
        transform=identity,
        offset=np.log(prior_vector(matrix.hypotheses, priors)),
        sign=1.0,
    )
    factor = normalise_dependence(dependence)
    if factor >= 1.0 or matrix.n_origins == matrix.n_groups:
        return parts   # every group its own origin, or independence assumed: the naive product
    values = parts.item_values()
    means = matrix.group_means(values)
    weights = origin_weights(identity(means), matrix.group_origins(), factor)
    # the item values and group means are kept: callers score the same items right after
    return replace(parts, group_weight=weights, dependence=factor, values=values, means=means)


def prior_vector(hypotheses: Sequence[str], priors: Mapping[str, float] | None) -> np.ndarray:
    """Prior probabilities in hypothesis order, normalised to sum to 1.

    Raises:
        ValueError: a hypothesis without a prior, an unknown name, or a prior that is not > 0.
    """
    if priors is None:
        return np.full(len(hypotheses), 1.0 / len(hypotheses))
    unknown = sorted(set(priors) - set(hypotheses))
    if unknown:
        raise ValueError(f"prior given for unknown hypothesis {unknown[0]!r}")
    missing = [h for h in hypotheses if h not in priors]
    if missing:
        raise ValueError(f"no prior given for hypothesis {missing[0]!r}")
    values = np.array([float(priors[h]) for h in hypotheses])
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("priors must be positive numbers")
    return values / values.sum()


def posterior_from_log(log_posterior: np.ndarray) -> np.ndarray:
    """Normalise unnormalised log posteriors (last axis) into probabilities."""
    shifted = log_posterior - np.max(log_posterior, axis=-1, keepdims=True)
    weights = np.exp(shifted)
    return weights / weights.sum(axis=-1, keepdims=True)


def bayes_scores(data: FrameLike, hypotheses: Sequence[str] | None = None,
          priors: Mapping[str, float] | None = None, *, dependence: float | str | None = None,
          ungraded: str | None = None) -> pd.DataFrame:
    """Posterior probability of each hypothesis.

    Args:
        data: tidy evidence frame or compiled matrix.
        hypotheses: hypothesis order.
        priors: prior weight per hypothesis name (normalised); default uniform.
        dependence: see ``bayes_parts``.
        ungraded: see ``bayes_parts``.

    Returns:
        DataFrame indexed by hypothesis with ``prior``, ``posterior``, ``log_posterior``
        (unnormalised), ``words`` (ICD 203) and ``rank``.
    """
    units = evidence_matrix(data, hypotheses).units[0]
    parts = bayes_parts(units, priors, dependence=dependence, ungraded=ungraded)
    log_posterior = parts.totals()
    posterior = posterior_from_log(log_posterior)
    return pd.DataFrame(
        {"prior": np.exp(parts.offset), "posterior": posterior, "log_posterior": log_posterior,
         "words": [likelihood_words(float(p)) for p in posterior], "rank": ranks_of(log_posterior)},
        index=pd.Index(units.hypotheses, name="hypothesis"),
    )


def bayes_diagnosticity(data: FrameLike, hypotheses: Sequence[str] | None = None) -> pd.Series:
    """|ln likelihood ratio| of each item, maximised over pairs of hypotheses.

    Returns:
        Series indexed by evidence.
    """
    matrix = evidence_matrix(data, hypotheses)
    return pd.Series(spread(bayes_parts(matrix).item_values()), index=pd.Index(matrix.evidence, name="evidence"),
                     name="diagnosticity")
