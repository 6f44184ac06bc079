"""Highlight HTML generation against displaCy's ``render(..., style="ent", manual=True)``
on the same spans, in the same run (issue #5 target: ours <= 0.5 × displaCy's time).

Run: python -m bench.render [--words 10000] [--repeat 20]
"""
from __future__ import annotations

import argparse
import statistics
import time

from bench.corpus import articles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from spacy import displacy

    from workbench.nlp import load_pipeline
    from workbench.render import highlight, render_article

    text = articles(1, words=args.words, seed=11)[0]["text"]
    spans = load_pipeline("builtin").extract(text)
    manual = {"text": text, "ents": [{"start": m["start"], "end": m["end"], "label": m["label"]} for m in spans],
              "title": None}
    options = {"ents": sorted({m["label"] for m in spans})}

    def clock(fn) -> float:
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    clock(lambda: displacy.render(manual, style="ent", manual=True, options=options))  # warm
    ours_fragment = clock(lambda: highlight(text, spans))
    ours_full = clock(lambda: render_article({"text": text, "title": "t"}, spans))
    theirs = clock(lambda: displacy.render(manual, style="ent", manual=True, options=options))
    print(f"text: {len(text.split()):,} words, {len(spans):,} entity spans; median of {args.repeat}")
    print(f"{'renderer':44} {'ms':>8} {'ratio':>7}")
    print(f"{'displaCy render(style=ent, manual=True) (peer)':44} {theirs * 1e3:8.2f} {1:7.2f}")
    print(f"{'workbench highlight() (spans only)':44} {ours_fragment * 1e3:8.2f} {ours_fragment / theirs:7.2f}")
    print(f"{'workbench render_article() (+legend, meta)':44} {ours_full * 1e3:8.2f} {ours_full / theirs:7.2f}")
    print("target: highlight <= 0.5 × displaCy")


if __name__ == "__main__":
    main()
