"""Belarusian NER quality: the built-in "be" path on a small set written for this project.

``bench/eval/be.src.txt``: 14 short articles, annotated (label and surface per entity, the
offsets found in order); names only (PERSON ORG GPE LOC FAC), exact spans and labels, micro
P/R/F1 per class and with the place labels pooled (``bench.ner_eval_slavic.score``). The set
was written after the path was built; its first run scored P 0.65 R 0.67, after which three
general fixes were made reading its errors (the gazetteer's names shared with ru/uk, titles and
leading acronyms cut from a person), so it is no longer blind. It is small: read it as a
sanity check, not a benchmark.

Run: python -m bench.ner_eval_be [--errors]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from bench.ner_eval_slavic import score

SRC = Path(__file__).parent / "eval" / "be.src.txt"
NAMES = ("PERSON", "ORG", "GPE", "LOC", "FAC")


def load(path: Path = SRC) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    """(id, text, gold spans) per article; a surface not found after the previous one is an error."""
    docs, block = [], []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    for line in [*lines, ""]:
        if line.strip():
            block.append(line)
            continue
        if not block:
            continue
        text, spans, pos = block[0], [], 0
        for row in block[1:]:
            label, surface = row.split("\t")
            start = text.find(surface, pos)
            if start < 0:
                raise SystemExit(f"{path}: {surface!r} not found in {text!r}")
            spans.append((start, start + len(surface), label))
            pos = start + len(surface)
        docs.append((f"be-{len(docs) + 1:02d}", text, spans))
        block = []
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    from workbench.nlp import load_pipeline

    docs = load()
    out = load_pipeline("builtin").extract_batch([t for _, t, _ in docs], ["be"] * len(docs))
    preds = [[(m["start"], m["end"], m["label"]) for m in ments if m["label"] in NAMES] for ments in out]
    print(f"{len(docs)} Belarusian articles, {sum(len(g) for *_, g in docs)} entities")
    for pool in (False, True):
        for cls, (p, r, f, n) in score(docs, preds, pool=pool).items():
            if not pool or cls in ("PLACE", "ALL"):
                print(f"  {cls:8} P {p:.2f}  R {r:.2f}  F1 {f:.2f}  ({n} gold)")
    if args.errors:
        for (_, text, gold), pred in zip(docs, preds):
            for s, e, c in sorted(set(gold) ^ set(pred)):
                print(f"  {'missed' if (s, e, c) in gold else 'wrong '} {c:7} {text[s:e]!r}")


if __name__ == "__main__":
    main()
