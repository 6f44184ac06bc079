"""Report at scale (issue #6 targets): 200 articles and 1,000 evidence items.

Prints the time to write the report (beside the time to build the same workspace's plain
article listing with pandas ``to_html``, the peer), its size, Chromium's first paint of it,
and the number of network requests Chromium made (target 0 besides the file itself).
Run: python -m bench.report [--articles 200] [--evidence 1000]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from pathlib import Path

from bench.corpus import articles


def build(folder: Path, n_articles: int, n_evidence: int, hypotheses: int = 4):  # noqa: ANN201
    import workbench as wb
    from workbench.store import schema as s
    from workbench.store import now

    ws = wb.open_workspace(folder / "ws.sqlite", pipeline="builtin")
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in articles(n_articles, words=400)), encoding="utf-8")
    ws.ingest(folder / "corpus.jsonl", progress=False)
    an = ws.new_analysis("Will Belarus's armed forces join the ground war against Ukraine?",
                         [f"Hypothesis {i}" for i in range(1, hypotheses + 1)])
    ids = list(ws.articles["id"])
    texts = {i: ws.article(i).text for i in ids}
    hyp_ids = list(an.hypotheses["id"])
    cycle = ["CC", "C", "N", "I", "II", "NA"]
    rows, rates = [], []
    for k in range(n_evidence):
        article = ids[k % len(ids)]
        text = texts[article]
        start = (k * 97) % max(1, len(text) - 80)
        eid = uuid.uuid4().hex[:12]
        rows.append(dict(id=eid, analysis_id=an.id, kind="quote", article_id=article, start=start, end=start + 60,
                         exact=text[start:start + 60], prefix=text[max(0, start - 32):start],
                         suffix=text[start + 60:start + 92], content_hash="", note=f"note {k}", analyst="bench",
                         created_at=now(), updated_at=now(), credibility="Medium", relevance="Medium",
                         info_credibility=1 + k % 6, flags="[]", position=k + 1, event_date=f"2022-{1 + k % 12:02d}-10"))
        for j, hid in enumerate(hyp_ids):
            rating = cycle[(k * 5 + j * 2) % 6]
            if rating != "NA":
                rates.append(dict(evidence_id=eid, hypothesis_id=hid, analyst="bench", rating=rating))
    with ws.store.transaction() as conn:
        conn.execute(s.evidence.insert(), rows)
        conn.execute(s.ratings.insert(), rates)
    return ws


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--evidence", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = build(folder, args.articles, args.evidence)
        ws.report(folder / "warm.html")  # imports, matplotlib font cache
        t0 = time.perf_counter()
        path = ws.report(folder / "report.html")
        write_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        frame = ws.articles
        peer_html = frame.to_html() + "".join(f"<p>{ws.article(i).text}</p>" for i in frame["id"])
        peer_s = time.perf_counter() - t0
        size = path.stat().st_size
        paint_ms, requests = _chromium(path)
        print(f"report: {args.articles} articles, {args.evidence} evidence items")
        print(f"write: {write_s:.2f} s (target <= 2 s); peer (pandas to_html + article texts): {peer_s:.2f} s "
              f"→ ratio {write_s / peer_s:.1f}×")
        print(f"size: {size / 1e6:.2f} MB (target <= 5 MB); peer {len(peer_html) / 1e6:.2f} MB")
        print(f"first paint in Chromium: {paint_ms:.0f} ms (target <= 1000 ms); "
              f"requests besides the file: {len(requests)} (target 0)")


def _chromium(path: Path) -> tuple[float, list[str]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        paint = page.evaluate("() => (performance.getEntriesByName('first-contentful-paint')[0] || "
                              "performance.getEntriesByName('first-paint')[0] || {startTime: NaN}).startTime")
        browser.close()
    return float(paint), [u for u in requests if u != path.as_uri()]


if __name__ == "__main__":
    main()
