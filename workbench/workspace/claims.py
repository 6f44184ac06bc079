"""Who claimed what: speaker, quote and cue for every attributed statement in the corpus."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..nlp import find_claims
from ..store.articles import article_texts, resolve_article
from ..store.mentions import corrected_mentions

if TYPE_CHECKING:
    import pandas as pd

    from .core import Workspace

__all__ = ["claims", "CLAIM_COLUMNS"]

CLAIM_COLUMNS = ["article_id", "speaker", "cue", "quote", "quote_start", "quote_end", "speaker_start", "speaker_end"]


def claims(ws: "Workspace", article_id: str | None = None) -> "pd.DataFrame":
    """Attributed statements (``X said "…"``, ``according to X, …``, ``"…," X stated`` …).

    Speakers are canonical entities with the analyst's corrections applied, so a claim by
    "Putin" and one by "President Putin" list under the same name.

    Args:
        ws: the workspace.
        article_id: one article (id or prefix), or every article.
    Returns:
        A DataFrame with ``CLAIM_COLUMNS``, in article and text order.
    """
    import pandas as pd

    with ws.store.read() as conn:
        texts = article_texts(conn, None if article_id is None else resolve_article(conn, article_id))
        mentions = corrected_mentions(conn, None if article_id is None else texts[0][0])
    by_article: dict[str, list[dict]] = {}
    for mention in mentions:
        by_article.setdefault(mention["article_id"], []).append(mention)
    rows = []
    for ident, text in texts:
        for claim in find_claims(text, by_article.get(ident, [])):
            rows.append({"article_id": ident, **{k: claim[k] for k in CLAIM_COLUMNS[1:]}})
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)
