"""``workbench search``: ranked full-text search of a workspace's articles or their sentences."""
from __future__ import annotations

from pathlib import Path

import click

from ._common import echo_json, emit, open_workspace, records, refused
from ._options import format_option, workspace_option

__all__ = ["search", "marked"]

_ARTICLE_COLUMNS = ["article_id", "score", "title", "source", "published", "language", "snippet"]
_PASSAGE_COLUMNS = ["article_id", "start", "end", "score", "title", "snippet"]


@click.command()
@workspace_option
@click.option("--entity", default=None, help="Only articles mentioning this entity (canonical name).")
@click.option("--source", default=None, help="Only articles from this outlet (its exact name).")
@click.option("--grade", default=None, help="Only outlets of these Admiralty grades: B, AB or A-C.")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Published on or after this date.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="Published on or before this date.")
@click.option("--language", default=None, help="Only articles in this language (en, ru, uk...).")
@click.option("--copies", is_flag=True, help="Include syndicated copies (by default only originals).")
@click.option("--passages", is_flag=True, help="List matching sentences with their offsets, not articles.")
@click.option("--limit", type=click.IntRange(min=1, max=10_000), default=20, show_default=True,
              help="At most this many results.")
@format_option("table", "json", "csv")
@click.argument("query")
def search(workspace: Path, entity: str | None, source: str | None, grade: str | None, since: str | None,
           until: str | None, language: str | None, copies: bool, passages: bool, limit: int, fmt: str,
           query: str) -> None:
    """Search the articles, best match first; words find their inflected forms.

    QUERY: words (all must occur), "a phrase", prefix*, -excluded, a OR b. In a table or CSV
    the matched words of each snippet are shown [in brackets]; JSON gives the plain snippet
    and the highlights' offsets in it.
    """
    with open_workspace(workspace) as ws:
        with refused():
            finder = ws.search_passages if passages else ws.search
            frame = finder(query, entity=entity, source=source, grade=grade, language=language, since=since,
                           until=until, copies=copies, limit=limit)
    if frame.empty and fmt == "table":
        click.echo(f"no {'sentences' if passages else 'articles'} match {query!r}")
        return
    if fmt == "json":
        echo_json(records(frame))
        return
    frame = frame.copy()
    frame["snippet"] = [marked(s, h) for s, h in zip(frame["snippet"], frame["highlights"])]
    frame["score"] = [float(f"{v:.3g}") for v in frame["score"]]
    if fmt == "csv":
        emit(frame, fmt, columns=_PASSAGE_COLUMNS if passages else _ARTICLE_COLUMNS)
        return
    best = max(frame["score"]) or 1.0  # raw ranks mean nothing to a reader: relevance against the best match
    for number, row in enumerate(records(frame), 1):  # a block per result: the snippet is the point
        where = f" [{row['start']}:{row['end']}]" if passages else ""
        about = ", ".join(str(v) for v in (row["source"], (row["published"] or "")[:10], row["language"]) if v)
        click.echo(f"{number}. {row['title'] or '(untitled)'} ({about}) relevance {row['score'] / best:.0%}")
        click.echo(f"   {row['article_id']}{where}")
        click.echo(f"   {row['snippet']}")


def marked(snippet: str, highlights: list[list[int]], opening: str = "[", closing: str = "]") -> str:
    """A snippet with its highlights between markers (for a terminal or a CSV file).

    Args:
        snippet: the snippet's text.
        highlights: [start, end] offsets in it, in order, not overlapping.
        opening, closing: the markers.
    Returns:
        The marked text.
    """
    out, at = [], 0
    for start, end in highlights:
        out += [snippet[at:start], opening, snippet[start:end], closing]
        at = end
    out.append(snippet[at:])
    return "".join(out)
