"""The Reader widget: an article with entity highlights, evidence underlined by stance,
and text selection → tagging panel → evidence stored in the workspace at once."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import traitlets as t

from ._base import BundledWidget, from_js_offset, handles, to_js_offsets
from ..ingest.text import sentence_spans
from ..nlp import LABELS
from ..render.static import reader_static_html
from ..render.views import article_view

if TYPE_CHECKING:
    from .._story_evidence import CopyPassage
    from ..workspace import Analysis, Workspace
    from ..workspace._ach_state import AnalysisState

__all__ = ["Reader"]

KWIC_LIMIT = 60


class Reader(BundledWidget):
    """Read one article; select text to tag it as evidence in ``analysis``.

    Args:
        ws: the workspace.
        article_id: the article to show (id or prefix; default: the first article).
        analysis: the analysis that tagged passages go to (None: read only).
        on_change: called with the new evidence id after each tag (the Workbench uses it
            to refresh the matrix and the scores from ``analysis_state``, the analysis as the
            tag's own transaction left it).

    Hypotheses are keyed by id everywhere here: in ``hypotheses``, in each evidence item's
    ``ratings``, in ``focus`` and in the tag message.
    """

    _module = "reader"
    _styles = ("highlight.css", "reader.css")

    doc = t.Dict().tag(sync=True)
    evidence = t.List().tag(sync=True)
    hypotheses = t.List().tag(sync=True)
    labels = t.Dict().tag(sync=True)
    focus = t.Unicode("").tag(sync=True)
    can_tag = t.Bool(False).tag(sync=True)
    kwic = t.List().tag(sync=True)
    kwic_title = t.Unicode("").tag(sync=True)

    def __init__(self, ws: "Workspace", article_id: str | None = None, *, analysis: "Analysis | None" = None,
                 on_change: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self.analysis: "Analysis | None" = None  # set_analysis below, once the article is shown
        self._listeners: list[Callable[[str], None]] = [on_change] if on_change else []
        self.labels = {name: {"colour": lab.colour, "description": lab.description} for name, lab in LABELS.items()}
        self._article = None
        self.analysis_state: "AnalysisState | None" = None
        self._copied: list["CopyPassage"] = []
        if article_id is None:
            ids = ws.articles["id"]
            article_id = ids.iloc[0] if len(ids) else None
        if article_id is not None:
            self.show(article_id)
        self.set_analysis(analysis)

    # -- public ---------------------------------------------------------------------------
    def show(self, article_id: str) -> None:
        """Switch to another article."""
        article = self.ws.article(article_id)
        self._article = article
        text = article.text
        spans = article.mentions
        cuts = to_js_offsets(text, [v for m in spans for v in (m["start"], m["end"])])
        sentences = sentence_spans(text)
        sent_cuts = to_js_offsets(text, [v for pair in sentences for v in pair])
        meta = " · ".join(str(v) for v in (article.source, article.published, article.language) if v)
        self.doc = {
            "id": article.id, "title": article.title or "(untitled)", "meta": meta, "text": text,
            "spans": [[cuts[2 * i], cuts[2 * i + 1], m["label"], m["canonical"]] for i, m in enumerate(spans)],
            "sentences": [[sent_cuts[2 * i], sent_cuts[2 * i + 1]] for i in range(len(sentences))],
        }
        self.kwic = []
        self._load_copies()
        self._show_state(self.analysis.state() if self.analysis is not None else None)

    def set_analysis(self, analysis: "Analysis | None") -> None:
        """Tag into another analysis (or None for reading only)."""
        self.analysis = analysis
        self.can_tag = analysis is not None
        self._load_copies()
        self._show_state(analysis.state() if analysis is not None else None)

    def observe_tags(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(evidence_id)`` after each passage tagged in this reader."""
        self._listeners.append(callback)

    def refresh(self, state: "AnalysisState | None" = None) -> None:
        """Reload evidence and hypotheses (after changes made elsewhere).

        Args:
            state: the analysis as a write just left it (e.g. the matrix's after a rating);
                None (or another analysis's state) reads it afresh.
        """
        if state is None or self.analysis is None or state.id != self.analysis.id:
            self.set_analysis(self.analysis)
        else:
            self._load_copies()
            self._show_state(state)

    @property
    def article(self):  # noqa: ANN201
        return self._article

    # -- internals --------------------------------------------------------------------------
    def _load_copies(self) -> None:
        """Passages tagged in other copies of this story, found again in this article's text.

        Read when the article, the analysis or the outside changes; a tag made here adds none.
        """
        self._copied = []
        if self.analysis is None or self._article is None:
            return
        self._copied = self.analysis.copies_in(self._article.id)

    def _show_state(self, state: "AnalysisState | None") -> None:
        """Hypotheses and evidence underlines from one read of the analysis, keyed by hypothesis id."""
        self.analysis_state = state
        if state is None:
            self.hypotheses = []
            self.evidence = []
            return
        hyps = state.hypotheses
        self.hypotheses = [{"id": i, "name": n, "label": f"H{p}"}
                           for i, n, p in zip(hyps["id"], hyps["name"], hyps["position"])]
        if self.focus not in set(hyps["id"]):
            self.focus = hyps["id"].iloc[0] if len(hyps) else ""
        if self._article is None:
            self.evidence = []
            return
        text = self._article.text
        items = state.items
        ratings = dict(zip(items["id"], state.ratings_by_id()))
        notes = dict(zip(items["id"], items["note"]))
        labels = dict(zip(items["id"], items["label"]))
        # this article's own quotes (an orphan has no place), then those tagged in another copy
        # of the same story, found again in this copy's text
        spans = [(eid, int(start), int(end)) for eid, article, start, end
                 in zip(items["id"], items["article_id"], items["start"], items["end"])
                 if article == self._article.id and start is not None]
        spans += [(p.evidence_id, p.start, p.end) for p in self._copied if p.evidence_id in labels]
        out = []
        for eid, begin, finish in spans:
            start, end = to_js_offsets(text, [begin, finish])
            out.append({"id": eid, "label": labels[eid], "start": start, "end": end, "note": notes[eid] or "",
                        "ratings": ratings[eid]})
        self.evidence = out

    @handles("tag")
    def _tag(self, content: dict[str, Any]) -> None:
        if self.analysis is None or self._article is None:
            self.status = "error: no analysis is open; pass analysis= to tag evidence"
            return
        text = self._article.text
        start = from_js_offset(text, int(content["start"]))
        end = from_js_offset(text, int(content["end"]))
        # keyed by hypothesis id, as sent; "not applicable" is no rating at all
        none = self.scale["none"]
        ratings = {str(hid): r for hid, r in (content.get("ratings") or {}).items() if r and r != none}
        with self.analysis.state_after() as after:
            eid = self.analysis.tag(self._article, start, end, ratings=ratings, note=content.get("note") or None,
                                    credibility=content.get("credibility") or "Medium",
                                    info_credibility=content.get("info_credibility"))
        self._show_state(after.state)
        label = next((e["label"] for e in self.evidence if e["id"] == eid), eid)
        self.status = f"saved {label}: “{text[start:end][:60]}”"
        for listener in self._listeners:
            listener(eid)

    @handles("entity")
    def _entity_message(self, content: dict[str, Any]) -> None:
        self._entity(str(content.get("canonical", "")))

    @handles("open")
    def _open(self, content: dict[str, Any]) -> None:
        self.show(str(content["article_id"]))

    def _entity(self, canonical: str) -> None:
        context = self.ws.mentions_in_context(canonical, limit=KWIC_LIMIT)
        totals = self.ws.entity_table()
        row = totals[totals["entity"] == canonical]
        mentions = int(row["mentions"].sum()) if len(row) else len(context)
        articles = int(row["articles"].max()) if len(row) else context["article_id"].nunique()
        self.kwic_title = f"{canonical}: {mentions} mentions in {articles} article{'s' if articles != 1 else ''}"
        self.kwic = context.to_dict("records")

    def static_html(self) -> str:
        article = self._article
        return reader_static_html(None if article is None else article_view(article.to_dict(), article.mentions))

    def __repr__(self) -> str:
        return f"<Reader {self.doc.get('title', '')!r}>"
