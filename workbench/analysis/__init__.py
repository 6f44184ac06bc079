"""Analysis of Competing Hypotheses: pure scoring, sensitivity, charts and interchange.

Everything here is a pure function over plain data — a tidy evidence frame (see ``_frame``) or
an analysis document (see ``document``) in; DataFrames, dicts, bytes or matplotlib Figures out.
No database, no files unless a function is given a path. matplotlib is imported only when a
chart is drawn.

    >>> from workbench.analysis import score
    >>> scores = score(frame)            # PARC, Open Synthesis and Bayes side by side
    >>> scores.to_dict()["engines"]["bayes"]["words"]
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._frame import EvidenceMatrix, evidence_matrix, validate_frame
    from .achz import read_achz, write_achz
    from .bayes import bayes_diagnosticity, bayes_scores
    from .charts import matrix_chart, scores_chart, timeline_chart, tornado_chart
    from .csv_safe import neutralise, safe_csv
    from .document import SCHEMA, SCHEMA_VERSION, document_to_frame, validate_document
    from .icd203 import likelihood_band, likelihood_words, percent_range, range_words
    from .confidence import CONFIDENCE_LEVELS, Confidence, assess_confidence, normalise_confidence
    from .dependence import DEFAULT_DEPENDENCE, DEPENDENCE_SETTINGS, dependence_words, normalise_dependence
    from .ach_matrix import matrix, matrix_csv
    from .montecarlo import MonteCarlo, describe_first, monte_carlo, robustness_words
    from .open_synthesis import open_synthesis_diagnosticity, open_synthesis_scores
    from .parc import parc_diagnosticity, parc_scores
    from .scales import DEFAULT_UNGRADED, UNGRADED_RULES, normalise_rating, normalise_ungraded
    from .scoring import Scores, score
    from .sensitivity import LeaveOneOut, leave_one_out, rating_perturbation, tornado
    from .team import (Disagreements, analyst_frame, analyst_frames, analysts_of, consensus_frame,
                       consensus_matrix, consensus_ratings, disagreements, team_score)
    from .w3c import to_web_annotations

_LAZY = {
    "EvidenceMatrix": "_frame", "evidence_matrix": "_frame", "validate_frame": "_frame",
    "read_achz": "achz", "write_achz": "achz",
    "bayes_scores": "bayes", "bayes_diagnosticity": "bayes",
    "matrix_chart": "charts", "scores_chart": "charts", "timeline_chart": "charts", "tornado_chart": "charts",
    "neutralise": "csv_safe", "safe_csv": "csv_safe",
    "SCHEMA": "document", "SCHEMA_VERSION": "document", "document_to_frame": "document",
    "validate_document": "document",
    "likelihood_band": "icd203", "likelihood_words": "icd203", "percent_range": "icd203", "range_words": "icd203",
    "CONFIDENCE_LEVELS": "confidence", "Confidence": "confidence", "assess_confidence": "confidence",
    "normalise_confidence": "confidence",
    "DEFAULT_DEPENDENCE": "dependence", "DEPENDENCE_SETTINGS": "dependence", "dependence_words": "dependence",
    "normalise_dependence": "dependence",
    "matrix": "ach_matrix", "matrix_csv": "ach_matrix",
    "MonteCarlo": "montecarlo", "monte_carlo": "montecarlo", "describe_first": "montecarlo",
    "robustness_words": "montecarlo",
    "open_synthesis_scores": "open_synthesis", "open_synthesis_diagnosticity": "open_synthesis",
    "parc_scores": "parc", "parc_diagnosticity": "parc",
    "normalise_rating": "scales", "DEFAULT_UNGRADED": "scales", "UNGRADED_RULES": "scales",
    "normalise_ungraded": "scales",
    "Scores": "scoring", "score": "scoring",
    "LeaveOneOut": "sensitivity", "leave_one_out": "sensitivity", "rating_perturbation": "sensitivity",
    "tornado": "sensitivity",
    "to_web_annotations": "w3c",
    "Disagreements": "team", "analyst_frame": "team", "analyst_frames": "team", "analysts_of": "team",
    "consensus_frame": "team", "consensus_matrix": "team", "consensus_ratings": "team", "disagreements": "team", "team_score": "team",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench.analysis' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
