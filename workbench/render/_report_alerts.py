"""The report's "New since the last report" section and the widgets' alert badge, as escaped HTML.

Plain data in (``workspace._gather.new_alerts_view``): the alerts indicators raised after the
previous report was written. Article titles and passages are untrusted text: every value is
escaped here.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["alerts_section", "alert_badge_html", "ALERTS_ANCHOR"]

#: The section's id (the contents link to it).
ALERTS_ANCHOR = "new-alerts"


def alert_badge_html(count: int, titles: Sequence[str] = ()) -> str:
    """A widget's static badge: how many alerts are new (nothing when none).

    Args:
        count: the number of new alerts.
        titles: their articles' titles, shown as the badge's tooltip.
    Returns:
        HTML ("" for no alert).
    """
    if not count:
        return ""
    tip = f' title="{escape(chr(10).join(titles))}"' if titles else ""
    return f'<p><span class="wb-alert-badge"{tip}>{int(count)} new alert{"" if count == 1 else "s"}</span></p>'


def alerts_section(view: Mapping[str, Any] | None) -> str:
    """The "New since the last report" section.

    Args:
        view: {"since": ISO time of the previous report or None, "alerts": [dicts with
            ``question``, ``hypothesis``, ``rating``, ``query``, ``article_id``, ``title``,
            ``source``, ``passage``, ``created_at``, ``status``], "more": how many more alerts were
            left out}; None leaves the section out.
    Returns:
        HTML.
    """
    if view is None:
        return ""
    since = view.get("since")
    heading = "New since the last report"
    lead = (f"Alerts raised by indicators since the previous report ({escape(str(since))})." if since
            else "Alerts raised by indicators (no report was written before this one).")
    alerts = view.get("alerts") or []
    if not alerts:
        return (f'<section id="{ALERTS_ANCHOR}"><h2>{heading}</h2><p class="wb-note">{lead}</p>'
                "<p>No new alerts.</p></section>")
    items = []
    for alert in alerts:
        title = escape(str(alert.get("title") or "(untitled)"))
        article = escape(str(alert["article_id"]))
        about = " · ".join(escape(str(v)) for v in (alert.get("source"), alert.get("created_at"), alert.get("status"))
                           if v)
        items.append(
            f'<li><span class="wb-words">{escape(str(alert["hypothesis"]))} ({escape(str(alert["rating"]))})</span>'
            f' — indicator <q>{escape(str(alert["query"]))}</q> in <a href="#article-{article}">{title}</a>'
            f'<blockquote>{escape(str(alert["passage"]))}</blockquote>'
            f'<span class="wb-meta">{escape(str(alert.get("question") or ""))} · {about}</span></li>')
    more = int(view.get("more") or 0)
    tail = (f'<p class="wb-note">… and {more} more alert{"" if more == 1 else "s"}, not quoted here: '
            f'<code>workbench alerts --all</code> lists them.</p>' if more else "")
    return (f'<section id="{ALERTS_ANCHOR}"><h2>{heading}</h2><p class="wb-note">{lead}</p>'
            f'<ul class="wb-evidence-list wb-alert-list">{"".join(items)}</ul>{tail}</section>')
