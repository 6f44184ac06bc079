"""The self-contained HTML report: one file, no external requests, readable with scripts off."""
from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .render import base_css, label_styles, render_article
from .store import now

if TYPE_CHECKING:
    from .workspace import Workspace

__all__ = ["write_report", "build_report", "CSP"]

# No network, no plugins, no forms; inline style only. Scripts are off entirely.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
       "script-src 'none'; base-uri 'none'; form-action 'none'")

_PAGE_CSS = """
body { margin: 0 auto; padding: 1.5rem 1.2rem 4rem; max-width: 60rem; background: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1d1d1f; }
.wb-report h1 { font-family: system-ui, sans-serif; font-size: 1.7rem; margin-bottom: .2rem; }
.wb-report section { margin: 2rem 0; }
.wb-report table { border-collapse: collapse; font: .85rem system-ui, sans-serif; width: 100%; }
.wb-report th, .wb-report td { border-bottom: 1px solid #e3e3e8; padding: .25rem .4rem; text-align: left; vertical-align: top; }
.wb-report th { background: #f4f4f7; }
.wb-report .wb-provenance { color: #5b5b66; font: .8rem system-ui, sans-serif; }
.wb-report nav ol { font: .9rem system-ui, sans-serif; }
.wb-report article.wb-article { border-top: 1px solid #e3e3e8; padding-top: 1rem; margin-top: 1.5rem; }
@page { size: A4; margin: 18mm 15mm; }
@media print { body { max-width: none; padding: 0; } .wb-report article.wb-article { break-before: page; } }
"""


def build_report(ws: "Workspace", *, title: str | None = None) -> str:
    """Build the report HTML for a workspace.

    Args:
        ws: the workspace.
        title: the page title (default: the workspace file name).
    Returns:
        A complete HTML document as a string.
    """
    articles = ws.articles
    all_mentions = ws.entities()
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in all_mentions.to_dict("records"):
        by_article[row["article_id"]].append(row)
    heading = title or f"Workbench report — {Path(ws.location).name}"
    body: list[str] = [f"<h1>{escape(heading)}</h1>", _provenance(ws, len(articles))]
    body.append(_contents(articles))
    body.append('<section id="articles"><h2>Articles</h2>')
    for record in articles.to_dict("records"):
        article = ws.article(record["id"])
        data = article.to_dict()
        body.append(render_article(data, by_article.get(article.id, []), with_css=False,
                                   heading_level=3, anchor=f"article-{article.id}"))
    body.append("</section>")
    body.append(_entity_index(all_mentions))
    labels = set(all_mentions["label"]) if len(all_mentions) else set()
    css = base_css() + "\n" + label_styles(labels) + _PAGE_CSS
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(heading)}</title><style>{css}</style></head>"
        f'<body class="wb-report">{"".join(body)}</body></html>\n'
    )


def write_report(ws: "Workspace", path: str | os.PathLike[str], *, title: str | None = None) -> Path:
    """Write the report atomically (temp file + rename) and return its path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    html = build_report(ws, title=title)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target


def _provenance(ws: "Workspace", count: int) -> str:
    fingerprint = _workspace_fingerprint(ws)
    noun = "article" if count == 1 else "articles"
    return (f'<p class="wb-provenance">{count} {noun} · written {escape(now())} by {escape(ws.actor)} · '
            f"workbench {escape(__version__)} · workspace {escape(Path(ws.location).name)} "
            f"(fingerprint {fingerprint})</p>")


def _workspace_fingerprint(ws: "Workspace") -> str:
    digest = hashlib.sha256()
    for row in ws.articles[["id"]].itertuples(index=False):
        digest.update(row.id.encode())
    history = ws.history(limit=1)
    if len(history):
        digest.update(str(history.iloc[0]["id"]).encode())
    return digest.hexdigest()[:12]


def _contents(articles: Any) -> str:
    items = []
    for row in articles.to_dict("records"):
        title = row["title"] or "(untitled)"
        extra = " — syndicated copy" if row["copy_of"] else ""
        meta = ", ".join(str(v) for v in (row["source"], row["published"]) if v)
        items.append(f'<li><a href="#article-{escape(row["id"])}">{escape(str(title))}</a> '
                     f"<small>{escape(meta)}{escape(extra)}</small></li>")
    return f'<nav><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


def _entity_index(mentions: Any) -> str:
    if not len(mentions):
        return '<section id="entities"><h2>Entity index</h2><p>No entities.</p></section>'
    grouped = (mentions.groupby(["canonical", "label"])
               .agg(mentions=("text", "size"), articles=("article_id", "nunique"),
                    aliases=("text", lambda t: sorted(set(t))))
               .reset_index().sort_values(["mentions", "canonical"], ascending=[False, True]))
    rows = []
    for r in grouped.to_dict("records"):
        aliases = ", ".join(a for a in r["aliases"] if a != r["canonical"])
        rows.append(f"<tr><td>{escape(str(r['canonical']))}</td><td>{escape(str(r['label']))}</td>"
                    f"<td>{r['mentions']}</td><td>{r['articles']}</td><td>{escape(aliases)}</td></tr>")
    return ('<section id="entities"><h2>Entity index</h2><table><thead><tr><th>Entity</th><th>Label</th>'
            "<th>Mentions</th><th>Articles</th><th>Also written as</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>")
