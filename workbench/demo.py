"""The demo: the seed corpus, its entities, and an analysis of competing hypotheses."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .render.display import demo_sources

if TYPE_CHECKING:
    from .workspace import Analysis
    from .ingest import IngestResult
    from .workspace import Workspace

__all__ = ["build_demo", "DEMO_QUESTION", "DEMO_HYPOTHESES"]

DEMO_QUESTION = "Will Belarus's armed forces join the ground war against Ukraine?"
DEMO_HYPOTHESES = [
    "Belarus's army joins the ground war against Ukraine",
    "Belarus stays a staging ground and supplier, its army out of the fighting",
    "Belarus steps back: it limits Russia's use of its territory",
]
# (exact quote from the seed article, ratings H1/H2/H3, options)
_EVIDENCE: list[tuple[str, tuple[str, str, str], dict[str, Any]]] = [
    ("the armed forces of Belarus did not directly engage in a land operation under their flag",
     ("I", "C", "N"), {"credibility": "High", "info_credibility": 2,
                       "note": "Ten months into the war, no Belarusian ground units have fought."}),
    ("the primary purpose of Putin’s visit to Minsk is to persuade Lukashenko to enter the war against Ukraine "
     "in terms of ground operation on Ukrainian soil",
     ("C", "N", "I"), {"info_credibility": 3, "note": "Ukrainian assessment of Russian intent, not of Belarusian will."}),
    ("the Belarusian Defense Ministry announced the completion of a surprise inspection of the combat and "
     "mobilization readiness of the Belarussian army",
     ("C", "C", "I"), {"info_credibility": 1, "event_date": "2022-12-19",
                       "note": "Readiness checks fit both preparation and posturing."}),
    ("ISW continues to assess that Belarus’ participation in Putin’s war against Ukraine remains unlikely",
     ("II", "C", "N"), {"credibility": "High", "info_credibility": 2, "note": "ISW assessment after the talks."}),
    ("Lukashenko likely deflected Russian President Vladimir Putin’s efforts to coerce Belarus into further "
     "Russian-Belarusian integration concessions",
     ("I", "C", "C"), {"info_credibility": 3}),
    ("Russia and Belarus had agreed to continue the practice of joint military exercises",
     ("C", "C", "II"), {"info_credibility": 2, "event_date": "2022-12-19"}),
    ("it provides Russian troops access to the territory of Belarus, from where Russian forces carry out combat sorties",
     ("N", "CC", "II"), {"credibility": "High", "info_credibility": 1, "relevance": "High"}),
    ("called the reports that Putin is going to Minsk to persuade Belarus to military actions in Ukraine "
     "“stupid and groundless.”",
     ("I", "N", "N"), {"credibility": "Low", "info_credibility": 4, "flags": ["deception"],
                       "note": "Kremlin denial; a denial is expected whatever the truth."}),
    ("Lukashenko uses the rhetoric of defending Belarusian borders against the West and NATO to avoid "
     "participating in the Russian invasion of Ukraine",
     ("I", "C", "C"), {"info_credibility": 3}),
    ("Lukashenko noted that Russia would deliver S-400 air defense complexes and Iskander complexes",
     ("N", "C", "I"), {"info_credibility": 2, "event_date": "2022-12-19"}),
]
_ASSUMPTION = ("Lukashenko doubts that conscripts would follow orders to fight in Ukraine, and fears unrest at home.",
               ("I", "C", "C"))


def build_demo(ws: "Workspace", *, pipeline: Any = None, progress: bool = True) -> tuple["IngestResult", "Analysis"]:
    """Ingest the seed corpus and create (once) the demo analysis.

    Returns:
        The ingest result and the demo analysis.
    """
    result = ws.ingest(demo_sources(), pipeline=pipeline, progress=progress)
    existing = ws.analyses
    match = existing[existing["question"] == DEMO_QUESTION]
    if len(match):
        return result, ws.analysis(match.iloc[0]["id"])
    analysis = ws.new_analysis(DEMO_QUESTION, DEMO_HYPOTHESES, time_horizon="by 31 March 2023")
    article_id = _seed_article(ws)
    outlet = ws.article(article_id).source
    if outlet:   # an unknown outlet that repeats one side's claims: its reliability cannot be judged
        ws.grade_source(outlet, "F", notes="unknown outlet; reliability cannot be judged")
    names = list(DEMO_HYPOTHESES)
    for quote, ratings, options in _EVIDENCE:
        analysis.tag_quote(article_id, quote, ratings=dict(zip(names, ratings)), analyst="demo", **options)
    note, ratings = _ASSUMPTION
    analysis.add_assumption(note, ratings=dict(zip(names, ratings)), analyst="demo")
    return result, analysis


def _seed_article(ws: "Workspace") -> str:
    articles = ws.articles
    seeded = articles[articles["title"].fillna("").str.startswith("Putin – Lukashenko talks in Minsk")]
    return str(seeded.iloc[0]["id"])

