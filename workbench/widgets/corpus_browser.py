"""The corpus browser widget: every article as a sortable, filterable table, following the
articles other notebooks ingest and the evidence they tag. A search also lists the matching
passages (sentences), each tagged as evidence for the browser's analysis in one step."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import traitlets as t

from ..errors import StoreError, StoreIOError
from ._base import POLL_MS, BundledWidget, handles, to_js_offsets
from ..render._report_alerts import alert_badge_html
from ..render.tables import static_table_html
from ..render.table_views import corpus_table

if TYPE_CHECKING:
    from ..workspace import Analysis, Workspace
    from ..workspace._ach_state import AnalysisState
    from ..workspace.core import Change

__all__ = ["CorpusBrowser", "SEARCH_HITS", "PASSAGE_HITS"]

SEARCH_HITS = 200  # the best matches a search box shows (each with its snippet)
PASSAGE_HITS = 30  # the best matching sentences listed under the table, each with its tag button
_BADGE_TITLES = 10  # the alert badge's tooltip lists this many articles
NO_ANALYSIS = "no analysis in this workspace: start one (ws.new_analysis(question, hypotheses)) to tag passages"

#: change-log targets that change the evidence column only (a tag, an undo, a re-anchored item)
_COUNTED = frozenset({"analysis", "evidence"})


class CorpusBrowser(BundledWidget):
    """Search, filter and sort the workspace's articles; clicking a row calls ``on_open(id)``.

    Args:
        ws: the workspace.
        on_open: called with an article id when the analyst opens a row.
        live: follow other notebooks' changes while shown (polled every second): articles they
            ingest, sources they grade and the evidence they tag appear in the table; the typed
            query, the filters, the sort and the scroll stay.
        analysis: the analysis that passages are tagged into (None: the analyst picks one of
            the workspace's, the most recently changed first).

    A text search also lists its best passages (``passages``: sentences with their offsets in
    the article). One click tags a passage as evidence, rated against the hypotheses the analyst
    chose in its row (none chosen: tag now, rate later in the matrix).
    """

    _module = "corpus_browser"
    _styles = ("table.css", "corpus_browser.css")

    rows = t.List().tag(sync=True)
    text_hits = t.List(allow_none=True, default_value=None).tag(sync=True)  # ranked: best match first
    snippets = t.Dict().tag(sync=True)  # article id -> {"text": snippet, "marks": [[start, end], ...]}
    entity_hits = t.List(allow_none=True, default_value=None).tag(sync=True)
    new_alerts = t.Int(0).tag(sync=True)  # alerts indicators raised, not decided yet (the badge)
    alert_titles = t.List().tag(sync=True)  # their articles' titles, plain text (the badge's tooltip)
    #: the search's best sentences: {article_id, title, start, end (offsets in the article, echoed
    #: back by the tag message), text (plain), marks (JS offsets in text), evidence (its label
    #: in the analysis when tagged there already, else None), overlaps (labels of items inside it)}
    passages = t.List().tag(sync=True)
    analyses = t.List().tag(sync=True)  # [{id, question}], the analyses a passage may be tagged into
    #: the analysis tagged into: {id, question, hypotheses: [{id, label, name}]} ({} when none)
    analysis = t.Dict().tag(sync=True)
    analysis_fixed = t.Bool(False).tag(sync=True)  # given by the caller: the page offers no choice
    tag_note = t.Unicode("").tag(sync=True)  # one line in the passages panel (no analysis, a stale passage…)

    def __init__(self, ws: "Workspace", *, on_open: Callable[[str], None] | None = None, live: bool = True,
                 analysis: "Analysis | str | None" = None, on_tag: Callable[[Any], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self._on_open = [on_open] if on_open else []
        self._on_tag = on_tag  # told the analysis state a tag left, so a matrix beside it redraws at once
        # the queries the page last sent, asked again when the corpus changes under them
        self._text_query = ""
        self._entity_query = ""
        # (article id, start, end) -> the sentence as listed: a tag message names a listed passage
        self._listed: dict[tuple[str, int, int], str] = {}
        self._analysis: "Analysis | None" = None
        self._recounted: set[str] = set()  # the articles whose evidence count the last recount changed
        if live:
            self.follow(ws, POLL_MS)
        self.refresh()
        if analysis is not None:
            self.analysis_fixed = True
            self.choose_analysis(analysis if isinstance(analysis, str) else analysis.id)
        else:
            self.refresh_analyses()

    def observe_open(self, callback: Callable[[str], None]) -> None:
        self._on_open.append(callback)

    def refresh(self) -> None:
        """Reload the article list (after ingest or new evidence)."""
        self.mark_seen()   # before the reads: a change made meanwhile is seen by the next poll
        frame = self.ws.articles
        counts = self.ws.evidence_counts()
        rows = []
        for r in frame.to_dict("records"):
            rows.append({k: (None if v != v else v) for k, v in r.items() if k != "ingested_at"}
                        | {"evidence": counts.get(r["id"], 0), "published": (r["published"] or "")[:10] or None})
        self.rows = rows
        self.refresh_alerts()

    def refresh_alerts(self) -> None:
        """Reload the badge: how many alerts are new, and the titles of their articles (the first few)."""
        new = self.ws.alerts(passages=False)  # the count and titles: no passage to find
        self.new_alerts = len(new)
        titles = [str(title or "(untitled)") for title in new["title"]]
        self.alert_titles = titles[:_BADGE_TITLES] + ([f"… and {len(titles) - _BADGE_TITLES} more"]
                                                      if len(titles) > _BADGE_TITLES else [])

    def refresh_counts(self) -> bool:
        """Reload only the evidence column (after a tag or an undo: the articles are the same).

        Returns:
            Whether a count changed.
        """
        counts = self.ws.evidence_counts()
        self._recounted = {row["id"] for row in self.rows if row["evidence"] != counts.get(row["id"], 0)}
        if not self._recounted:
            return False
        self.rows = [{**row, "evidence": counts.get(row["id"], 0)} if row["id"] in self._recounted else row
                     for row in self.rows]
        return True

    def refresh_analyses(self) -> None:
        """Reload the analyses a passage may go to; keep the chosen one, else choose the most
        recently changed (none in the workspace: the passages panel says so)."""
        frame = self.ws.analyses
        if not self.analysis_fixed:
            frame = frame.sort_values("updated_at", ascending=False, kind="stable")
        self.analyses = [{"id": str(i), "question": str(q)} for i, q in zip(frame["id"], frame["question"])]
        current = self._analysis.id if self._analysis is not None else None
        if current in {a["id"] for a in self.analyses}:
            return
        if self.analyses and not self.analysis_fixed:
            self.choose_analysis(self.analyses[0]["id"])
        else:
            self._analysis, self.analysis = None, {}
            self.tag_note = NO_ANALYSIS if not self.analyses else f"analysis {current}: no longer in this workspace"
            self._mark_passages(None)

    def choose_analysis(self, analysis_id: str) -> None:
        """Tag passages into this analysis (id or unique prefix).

        Raises:
            WorkbenchError: no analysis has that id.
        """
        chosen = self.ws.analysis(analysis_id)
        state = chosen.state()
        self._analysis = chosen
        if self.analysis_fixed:
            self.analyses = [{"id": chosen.id, "question": str(state.info["question"])}]
        self.tag_note = ""
        self._show_analysis(state)

    def tag_passage(self, article_id: str, start: int, end: int,
                    ratings: dict[str, str] | None = None) -> str | None:
        """Tag a listed passage as evidence for the chosen analysis, rated against the hypotheses
        in ``ratings`` (hypothesis id -> rating code; the others are rated later).

        Args:
            article_id: the passage's article.
            start, end: its offsets in the article's text, as ``passages`` lists them.
            ratings: hypothesis id -> a rating of the scale ("" or "NA": not rated now).
        Returns:
            The new evidence id, or None when the passage could not be tagged (``tag_note`` says why).
        """
        if self._analysis is None:
            self.tag_note = NO_ANALYSIS if not self.analyses else "choose an analysis to tag passages into"
            return None
        key = (str(article_id), int(start), int(end))
        sentence = self._listed.get(key)
        if sentence is None:
            self.tag_note = f"passage {key[1]}-{key[2]} of article {key[0][:8]}: not in this search's list; search again"
            return None
        try:
            article = self.ws.article(key[0])
        except StoreError as exc:
            if isinstance(exc, StoreIOError):   # the workspace itself failed: not news about the article
                raise
            self.tag_note = f"article {key[0][:8]}: no longer in this workspace (deleted); search again"
            return None
        if article.text[key[1]:key[2]] != sentence:
            self.tag_note = f"article {key[0][:8]}: its text changed since this search; search again"
            return None
        chosen = {str(h): str(r) for h, r in (ratings or {}).items() if r and r != self.scale.get("none")}
        with self._analysis.state_after() as after:
            eid = self._analysis.tag(article, key[1], key[2], ratings=chosen or None)
        state = after.state if after.state is not None else self._analysis.state()
        label = str(state.items.loc[state.items["id"] == eid, "label"].iloc[0])
        self._show_analysis(state)
        self.refresh_counts()
        if self._on_tag is not None:
            self._on_tag(state)
        rated = f", rated against {len(chosen)} hypothes{'is' if len(chosen) == 1 else 'es'}" if chosen else \
            ", rate it later in the matrix"
        self.tag_note = f"tagged {label} in “{state.info['question']}” from {article.title or article.id[:8]}{rated}"
        return eid

    def search(self, query: str) -> list[str]:
        """Ids of the articles matching ``query`` (ranked search, inflected forms found), best
        first; their snippets go to ``snippets`` (plain text and offsets: the view escapes)."""
        found = self.ws.search(query, copies=True, limit=SEARCH_HITS)
        self.snippets = {ident: {"text": text, "marks": marks}
                         for ident, text, marks in zip(found["article_id"], found["snippet"], found["highlights"])}
        return list(found["article_id"])

    def search_passages(self, query: str) -> None:
        """List the best sentences matching ``query`` in ``passages`` (plain text, offsets in the
        article for the tag message, highlights in JS offsets: the view escapes)."""
        found = self.ws.search_passages(query, copies=True, limit=PASSAGE_HITS)
        listed, passages = {}, []
        for row in found.to_dict("records"):
            key = (str(row["article_id"]), int(row["start"]), int(row["end"]))
            listed[key] = str(row["sentence"])
            text = str(row["snippet"])
            marks = [to_js_offsets(text, [int(a), int(b)]) for a, b in row["highlights"]]
            passages.append({"article_id": key[0], "title": str(row["title"] or key[0][:8]), "start": key[1],
                             "end": key[2], "text": text, "marks": marks, "evidence": None, "overlaps": []})
        self._listed = listed
        self._mark_passages(self._analysis.state() if self._analysis is not None else None, passages)

    def articles_with_entity(self, query: str) -> list[str]:
        """Ids of articles mentioning an entity whose canonical name or surface contains ``query``,
        in any script (``Workspace.articles_with_entity``)."""
        return self.ws.articles_with_entity(query)

    def _remote_changes(self, events: list["Change"]) -> None:
        """Another notebook changed the workspace: reload what of it the table shows.

        Ingests and source grades reload the list; tags and undos the evidence column only; new
        articles and entity corrections ask the page's text and entity queries again.
        """
        listed = [e for e in events if e.action == "ingest" or e.target_type == "source"]
        counted = [e for e in events if e.target_type in _COUNTED]
        entities = [e for e in events if e.target_type == "entity_rule" or e.action == "rerun-entities"]
        if not (listed or counted or entities):
            return
        try:
            recounted = False
            if listed:
                self.refresh()
            elif counted:
                recounted = self.refresh_counts()
                self.refresh_alerts()  # an alert accepted or dismissed elsewhere
            known = {a["id"] for a in self.analyses}
            if any(e.target_type == "analysis" and e.target_id not in known for e in counted):
                self.refresh_analyses()   # an analysis started elsewhere (maybe the first: now passages can be tagged)
            elif (recounted and self._analysis is not None
                  and self._recounted & {p["article_id"] for p in self.passages}):
                self._show_analysis(self._analysis.state())   # evidence tagged elsewhere in a listed passage's article
            if listed and self._text_query:
                self._ask_text(self._text_query)
            if (listed or entities) and self._entity_query:
                self._ask_entity(self._entity_query)
        except Exception as exc:  # noqa: BLE001 - shown to the analyst, never raised into the kernel
            self.status = f"error: {exc}"
            return
        added = sum(e.action == "ingest" for e in listed)
        parts = [f"added {added} article{'s' if added != 1 else ''}" if added else "",
                 "graded a source" if len(listed) > added else "", "changed evidence counts" if recounted else ""]
        if any(parts):   # a rating elsewhere changes nothing shown here: nothing to say
            self.status = f"updated: {self.who(listed + counted)} {', '.join(p for p in parts if p)}"

    @handles("open")
    def _open(self, content: dict[str, Any]) -> None:
        for callback in self._on_open:
            callback(str(content["id"]))

    @handles("search")
    def _search(self, content: dict[str, Any]) -> None:
        self._ask_text(str(content.get("query", "")))

    @handles("entity")
    def _entity(self, content: dict[str, Any]) -> None:
        self._ask_entity(str(content.get("query", "")))

    @handles("tag")
    def _tag(self, content: dict[str, Any]) -> None:
        ratings = content.get("ratings") or {}
        self.tag_passage(str(content.get("article_id", "")), int(content.get("start", -1)), int(content.get("end", -1)),
                         ratings if isinstance(ratings, dict) else {})

    @handles("choose")
    def _choose(self, content: dict[str, Any]) -> None:
        if not self.analysis_fixed:
            self.choose_analysis(str(content.get("analysis_id", "")))

    def _ask_text(self, query: str) -> None:
        self._text_query = query
        if len(query.strip()) >= 3:
            self.text_hits = self.search(query)
            self.search_passages(query)
        else:
            self.text_hits = None
            self._listed, self.passages = {}, []

    def _show_analysis(self, state: "AnalysisState") -> None:
        """Send the chosen analysis (its hypotheses by id) and mark the listed passages it holds."""
        hypotheses = [{"id": str(i), "label": f"H{n}", "name": str(name)}
                      for n, (i, name) in enumerate(zip(state.hypotheses["id"], state.hypotheses["name"]), start=1)]
        self.analysis = {"id": self._analysis.id if self._analysis is not None else "",
                         "question": str(state.info["question"]), "hypotheses": hypotheses}
        self._mark_passages(state)

    def _mark_passages(self, state: "AnalysisState | None", passages: list[dict[str, Any]] | None = None) -> None:
        """Set each listed passage's ``evidence`` (the label of an item quoting exactly it) and
        ``overlaps`` (labels of items quoting part of it) in the analysis ``state`` (None: none)."""
        spans: dict[str, list[tuple[int, int, str]]] = {}
        if state is not None:
            items = state.items
            for article, start, end, label in zip(items["article_id"], items["start"], items["end"], items["label"]):
                if isinstance(article, str) and _offset(start) and _offset(end):   # else an item without an anchor
                    spans.setdefault(article, []).append((int(start), int(end), str(label)))
        marked = []
        for passage in (self.passages if passages is None else passages):
            inside = [(s, e, label) for s, e, label in spans.get(passage["article_id"], [])
                      if s < passage["end"] and e > passage["start"]]
            exact = next((label for s, e, label in inside if (s, e) == (passage["start"], passage["end"])), None)
            marked.append({**passage, "evidence": exact,
                           "overlaps": [label for s, e, label in inside if label != exact]})
        self.passages = marked

    def _ask_entity(self, query: str) -> None:
        self._entity_query = query
        self.entity_hits = self.articles_with_entity(query) if query.strip() else None

    def static_html(self) -> str:
        """The article list as static, escaped HTML (after the new-alert count, when there are any)."""
        return alert_badge_html(self.new_alerts, self.alert_titles) + static_table_html(corpus_table(self.rows), "corpus")


def _offset(value: Any) -> bool:
    """Whether an evidence item's start or end is a number (an unanchored item has None or NaN)."""
    return value is not None and value == value
