"""The Reader widget: an article with entity highlights, evidence underlined by stance,
text selection → tagging panel → evidence stored in the workspace at once, and other
notebooks' tags and entity corrections shown as they happen."""
from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import traitlets as t

from ._base import POLL_MS, BundledWidget, from_js_offset, handles, to_js_offsets
from ..ingest.text import sentence_spans
from ..nlp import LABELS
from ..render.static import reader_static_html
from ..render.views import article_view

if TYPE_CHECKING:
    from .._story_evidence import CopyPassage
    from ..workspace import Analysis, Workspace
    from ..workspace._ach_state import AnalysisState
    from ..workspace.core import Change

__all__ = ["Reader", "quote_preview"]

KWIC_LIMIT = 60
#: the saved-status line quotes at most this many characters of the passage
QUOTE_PREVIEW = 60
#: change-log targets that move the underlines besides the analysis itself (a re-anchored item)
_EVIDENCE_SEEN = frozenset({"evidence"})


def quote_preview(quote: str, width: int = QUOTE_PREVIEW) -> str:
    """A passage for a one-line status: whitespace collapsed, cut at a word boundary with "…".

    Args:
        quote: the passage.
        width: the most characters shown, the ellipsis included.

    Returns:
        The passage whole if it fits; else its first words and "…" (a first word longer than
        ``width`` alone is cut inside, as there is no boundary to cut at).
    """
    line = " ".join(quote.split())
    if len(line) <= width:
        return line
    cut = textwrap.shorten(line, width=width, placeholder="…")
    return cut if cut != "…" else line[:width - 1] + "…"


class Reader(BundledWidget):
    """Read one article; select text to tag it as evidence in ``analysis``.

    Args:
        ws: the workspace.
        article_id: the article to show (id or prefix; default: the first article).
        analysis: the analysis that tagged passages go to (None: read only).
        on_change: called with the new evidence id after each tag (the Workbench uses it
            to refresh the matrix and the scores from ``analysis_state``, the analysis as the
            tag's own transaction left it).
        live: follow other notebooks' changes while shown (polled every second): their tags,
            ratings and undos in this analysis redraw the underlines, their entity corrections
            the highlights; an open tagging panel, the selection and the scroll stay.

    Hypotheses are keyed by id everywhere here: in ``hypotheses``, in each evidence item's
    ``ratings``, in ``focus`` and in the tag message.
    """

    _module = "reader"
    _styles = ("highlight.css", "static.css", "reader.css")

    doc = t.Dict().tag(sync=True)
    evidence = t.List().tag(sync=True)
    hypotheses = t.List().tag(sync=True)
    labels = t.Dict().tag(sync=True)
    focus = t.Unicode("").tag(sync=True)
    can_tag = t.Bool(False).tag(sync=True)
    kwic = t.List().tag(sync=True)
    kwic_title = t.Unicode("").tag(sync=True)

    def __init__(self, ws: "Workspace", article_id: str | None = None, *, analysis: "Analysis | None" = None,
                 on_change: Callable[[str], None] | None = None, live: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        if live:
            self.follow(ws, POLL_MS)
        self.analysis: "Analysis | None" = None  # set_analysis below, once the article is shown
        self._listeners: list[Callable[[str], None]] = [on_change] if on_change else []
        self.labels = {name: {"colour": lab.colour, "description": lab.description} for name, lab in LABELS.items()}
        self._article = None
        self.analysis_state: "AnalysisState | None" = None
        self._copied: list["CopyPassage"] = []
        # the underlined passages in Python offsets, for the static view: (id, label, start, end, ratings, note)
        self._passages: list[tuple[str, str, int, int, dict[str, str], str]] = []
        if article_id is None:
            ids = ws.articles["id"]
            article_id = ids.iloc[0] if len(ids) else None
        if article_id is not None:
            self.show(article_id)
        self.set_analysis(analysis)

    # -- public ---------------------------------------------------------------------------
    def show(self, article_id: str) -> None:
        """Switch to another article."""
        self.mark_seen()   # before the reads: a change made meanwhile is seen by the next poll
        self._load_article(article_id)
        self.kwic = []
        self._load_copies()
        self._show_state(self.analysis.state() if self.analysis is not None else None)

    def _load_article(self, article_id: str) -> None:
        """Read the article and its (corrected) entity mentions into ``doc``."""
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

    def set_analysis(self, analysis: "Analysis | None") -> None:
        """Tag into another analysis (or None for reading only)."""
        self.mark_seen()
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
        self._passages = []
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
            self._passages.append((eid, labels[eid], begin, finish, ratings[eid], notes[eid] or ""))
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
        self.skip_own(True, self._own_event)   # read inside the write: the next poll need not redraw it
        label = next((e["label"] for e in self.evidence if e["id"] == eid), eid)
        self.status = f"saved {label}: “{quote_preview(text[start:end])}”"
        for listener in self._listeners:
            listener(eid)

    def _own_event(self, event: "Change") -> bool:
        return (self.analysis is not None and event.action == "change" and event.actor == self.ws.actor
                and event.target_type == "analysis" and event.target_id == self.analysis.id)

    def _remote_changes(self, events: list["Change"]) -> None:
        """Another notebook changed the workspace: redraw what of it this reader shows.

        Tags, ratings, undos and re-anchoring in the open analysis redraw the underlines (and the
        hypotheses); entity corrections, or a re-run of this article's entity pass, its highlights.
        The article, the keyword-in-context list and the focus stay; the page keeps its panel.
        """
        analysis = [e for e in events if self.analysis is not None and (
            (e.target_type == "analysis" and e.target_id == self.analysis.id) or e.target_type in _EVIDENCE_SEEN)]
        entities = [e for e in events if self._article is not None and (
            e.target_type == "entity_rule" or (e.action == "rerun-entities" and e.target_id == self._article.id))]
        if not analysis and not entities:
            return
        try:
            self.mark_seen()
            if entities and self._article is not None:
                self._load_article(self._article.id)
            if analysis and self.analysis is not None:
                self._load_copies()
                self._show_state(self.analysis.state())
        except Exception as exc:  # noqa: BLE001 - e.g. the analysis was deleted elsewhere: shown, not raised
            self.status = f"error: {exc}"
            return
        what = " and ".join(part for part, seen in (("this analysis", analysis), ("the entities", entities)) if seen)
        self.status = f"updated: {self.who(analysis + entities)} changed {what}"

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
        """The article with its entities, the evidence underlined as the page shows it (for the
        hypothesis in ``focus``), and the legends of both."""
        article = self._article
        if article is None:
            return reader_static_html(None)
        stance = {r["code"]: r["stance"] for r in self.scale["ratings"]}
        label_of = {hy["id"]: hy["label"] for hy in self.hypotheses}
        passages, counts = [], {}
        for eid, label, start, end, ratings, note in self._passages:
            shown = stance.get(ratings.get(self.focus, self.scale["none"]), "none")
            counts[shown] = counts.get(shown, 0) + 1
            rated = ", ".join(f"{label_of.get(hid, hid)} {code}" for hid, code in ratings.items())
            passages.append({"start": start, "end": end, "anchor": f"wb-reader-{eid}", "stance": shown,
                             "title": f"{label}: {rated}" + (f" — {note}" if note else "")})
        focus = next((f'{hy["label"]} {hy["name"]}' for hy in self.hypotheses if hy["id"] == self.focus), None)
        underlines = {"hypothesis": focus, "counts": counts} if focus is not None and passages else None
        view = article_view(article.to_dict(), article.mentions, passages=passages)
        return reader_static_html(view, underlines)

    def __repr__(self) -> str:
        return f"<Reader {self.doc.get('title', '')!r}>"
