"""Ukrainian and Russian NER quality and speed: built-in path vs natasha alone, same run.

Sets: ``bench/eval/uk.jsonl`` and ``bench/eval/ru.jsonl`` (written for this project; see
bench/eval/README.md), each split into a tune half and a report half. Scored per class
(PERSON ORG GPE LOC FAC WEAPON DATE NORP) with exact spans and exact labels, micro P/R/F1;
a second line pools the place labels (GPE/LOC/FAC) into one class.

Systems:

- ``built-in``: ``load_pipeline("builtin").extract_batch(texts, [lang] * n)`` — the path an
  ingested article takes (Ukrainian morphology and gazetteer for "uk", natasha + fixes for "ru").
- ``natasha-only``: natasha's NER alone (PER/ORG/LOC -> PERSON/ORG/GPE), the old path's core.

Speed: words/s of both on the same texts (CPU time, best of N), and a fresh interpreter's
time and RSS to tag its first Ukrainian article.

Usage::

    .venv/bin/python -m bench.ner_eval_slavic               # tables (both halves) + speed
    .venv/bin/python -m bench.ner_eval_slavic --errors uk   # errors on the uk TUNE half only
    .venv/bin/python -m bench.ner_eval_slavic --villages    # the small-places list only

The small-places lists (``bench/eval/villages.txt`` and the held-out ``villages_heldout.txt``,
Russian, Ukrainian and Belarusian sentences with a settlement word before a place, and traps) score the settlement-word mechanism alone
(precision, recall, nominatives right) and the whole built-in path on the same places.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["CLASSES", "load_set", "load_villages", "main", "natasha_only", "score", "villages_scores"]

EVAL_DIR = ROOT / "bench" / "eval"
CLASSES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "WEAPON", "DATE", "NORP")
PLACES = frozenset({"GPE", "LOC", "FAC"})
Span = tuple[int, int, str]
Doc = tuple[str, str, list[Span]]
System = Callable[[list[str], str], list[list[Span]]]


def load_set(lang: str, half: str) -> list[Doc]:
    """One half of one language's set.

    Args:
        lang: "uk" or "ru".
        half: "tune" or "report".

    Returns:
        (id, text, gold spans) per article.
    """
    docs = []
    for line in (EVAL_DIR / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["split"] == half:
            docs.append((rec["id"], rec["text"], [tuple(e) for e in rec["entities"]]))
    return docs


_MARK = re.compile(r"\[\[([^|\]]+)\|([^\]]+)\]\]")
Village = tuple[str, str, list[tuple[int, int, str]]]


def load_villages(path: Path | None = None) -> list[Village]:
    """The small-places list: (lang, text, [(start, end, nominative)]) per sentence.

    Args:
        path: the list (default ``bench/eval/villages.txt``).

    Returns:
        One entry per sentence, marks removed from the text.
    """
    out = []
    for line in (path or EVAL_DIR / "villages.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, marked = line.split("\t", 1)
        text, gold, pos = "", [], 0
        for m in _MARK.finditer(marked):
            text += marked[pos:m.start()]
            gold.append((len(text), len(text) + len(m.group(1)), m.group(2)))
            text += m.group(1)
            pos = m.end()
        out.append((lang, text + marked[pos:], gold))
    return out


def _fold(name: str) -> str:
    return name.replace("ё", "е").replace("Ё", "Е")


def villages_scores(items: list[Village]) -> dict[str, dict[str, tuple[int, int]]]:
    """Score the settlement-word mechanism alone and the whole built-in path on the list.

    Names are compared with ё folded to е (the press mostly omits the dots).

    Args:
        items: from ``load_villages``.

    Returns:
        lang -> {"gold": (n, n), "rule P": (right, predicted), "rule R": (found, gold),
        "rule nominative": (right, found), "built-in R": (found as GPE/LOC, gold),
        "built-in nominative": (right, found)}.
    """
    from workbench.nlp import load_pipeline
    from workbench.nlp._slavic_places import load_places
    from workbench.nlp._slavic_settlements import settlement_names

    pipe = load_pipeline("builtin")
    out: dict[str, dict[str, list[int]]] = {}
    for lang, text, gold in items:
        acc = out.setdefault(lang, {k: [0, 0] for k in ("rule P", "rule R", "rule nominative", "built-in R",
                                                          "built-in nominative")})
        want = {(s, e): nom for s, e, nom in gold}
        rule = {(s, e): name for s, e, _, name in settlement_names(text, lang, load_places(lang))}
        acc["rule P"][0] += sum(k in want for k in rule)
        acc["rule P"][1] += len(rule)
        acc["rule R"][0] += sum(k in rule for k in want)
        acc["rule R"][1] += len(want)
        right = sum(k in rule and _fold(rule[k]) == _fold(v) for k, v in want.items())
        acc["rule nominative"][0] += right
        acc["rule nominative"][1] += sum(k in rule for k in want)
        ments = {(m["start"], m["end"]): m for m in pipe.extract(text, language=lang) if m["label"] in ("GPE", "LOC")}
        found = [k for k in want if k in ments]
        acc["built-in R"][0] += len(found)
        acc["built-in R"][1] += len(want)
        acc["built-in nominative"][0] += sum(_fold(ments[k]["canonical"]) == _fold(want[k]) for k in found)
        acc["built-in nominative"][1] += len(found)
    return {lang: {k: (v[0], v[1]) for k, v in acc.items()} for lang, acc in out.items()}


def geox_precision(docs: list[Doc]) -> tuple[int, int, int]:
    """The Geox signal alone on a set (use the TUNE half only): candidates from
    ``_russian.geox_places``, how many are exactly a gold place, and how many the built-in
    path keeps as a place of its own.

    Args:
        docs: gold documents (Russian).

    Returns:
        (candidates, exact gold places among them, kept by the built-in path).
    """
    from workbench.nlp._russian import geox_places
    from workbench.nlp._slavic_doc import tokenize
    from workbench.nlp._slavic_places import load_places

    preds = builtin([t for _, t, _ in docs], "ru")
    n = right = kept = 0
    for (_, text, gold), pred in zip(docs, preds):
        places = {(s, e) for s, e, c in gold if c in PLACES}
        got = {(s, e) for s, e, c in pred if c in PLACES}
        for s, e, *_ in geox_places(tokenize(text), load_places("ru")):
            n += 1
            right += (s, e) in places
            kept += (s, e) in got
    return n, right, kept


def print_villages() -> None:
    """The small-places tables (settlement-word rule alone, then the whole built-in path): the
    development list, then the held-out list written after the mechanism was done."""
    for name in ("villages.txt", "villages_heldout.txt"):
        items = load_villages(EVAL_DIR / name)
        print(f"\n### small places after a settlement word ({len(items)} sentences, bench/eval/{name})")
        print(f"{'lang':<5} {'sent':>4} {'gold':>4} | {'rule P':>12} {'rule R':>12} {'nominative':>12} | "
              f"{'built-in R':>12} {'nominative':>12}")
        for lang, acc in villages_scores(items).items():
            n = sum(1 for it in items if it[0] == lang)
            cells = [f"{a}/{b} {a / b if b else 0:.2f}" for a, b in (acc["rule P"], acc["rule R"],
                                                                        acc["rule nominative"], acc["built-in R"],
                                                                        acc["built-in nominative"])]
            print(f"{lang:<5} {n:>4} {acc['rule R'][1]:>4} | {cells[0]:>12} {cells[1]:>12} {cells[2]:>12} | "
                  f"{cells[3]:>12} {cells[4]:>12}")


def builtin(texts: list[str], lang: str) -> list[list[Span]]:
    """The built-in pipeline's spans (what ingest stores)."""
    from workbench.nlp import load_pipeline

    out = load_pipeline("builtin").extract_batch(texts, [lang] * len(texts))
    return [[(m["start"], m["end"], m["label"]) for m in ments] for ments in out]


def natasha_only(texts: list[str], lang: str) -> list[list[Span]]:
    """natasha's NER alone, labels mapped (PER->PERSON, ORG->ORG, LOC->GPE)."""
    from natasha import Doc as NDoc, NewsEmbedding, NewsNERTagger, Segmenter

    global _NATASHA
    if _NATASHA is None:
        _NATASHA = (Segmenter(), NewsNERTagger(NewsEmbedding()))
    seg, ner = _NATASHA
    kinds = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
    out = []
    for text in texts:
        doc = NDoc(text)
        doc.segment(seg)
        doc.tag_ner(ner)
        out.append([(s.start, s.stop, kinds[s.type]) for s in doc.spans])
    return out


_NATASHA = None


def score(docs: list[Doc], preds: list[list[Span]], pool: bool = False) -> dict[str, tuple[float, float, float, int]]:
    """Exact-span micro P/R/F1 per class and overall.

    Args:
        docs: gold documents.
        preds: predicted spans per document.
        pool: count GPE/LOC/FAC as one class "PLACE".

    Returns:
        class (and "ALL") -> (precision, recall, F1, gold count).
    """
    def cls(label: str) -> str:
        return "PLACE" if pool and label in PLACES else label

    tp: dict[str, int] = defaultdict(int)
    npred: dict[str, int] = defaultdict(int)
    ngold: dict[str, int] = defaultdict(int)
    for (_, _, gold), pred in zip(docs, preds):
        g = {(s, e, cls(c)) for s, e, c in gold}
        p = {(s, e, cls(c)) for s, e, c in pred if c in CLASSES}
        for s, e, c in p:
            npred[c] += 1
            tp[c] += (s, e, c) in g
        for s, e, c in g:
            ngold[c] += 1
    out = {}
    names = sorted(set(ngold) | set(npred), key=lambda c: (CLASSES + ("PLACE",)).index(c))
    for c in names + ["ALL"]:
        keys = names if c == "ALL" else [c]
        t, n_p, n_g = sum(tp[k] for k in keys), sum(npred[k] for k in keys), sum(ngold[k] for k in keys)
        p = t / n_p if n_p else 0.0
        r = t / n_g if n_g else 0.0
        out[c] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, n_g)
    return out


def print_table(title: str, docs: list[Doc], results: dict[str, list[list[Span]]]) -> None:
    """Per-class F1 and overall P/R/F1 for each system, strict labels then places pooled."""
    print(f"\n### {title}")
    for pool in (False, True):
        tables = {name: score(docs, preds, pool) for name, preds in results.items()}
        classes = [c for c in next(iter(tables.values())) if c != "ALL"]
        print(f"{'places pooled' if pool else 'exact span + label':<18} " + " ".join(f"{c[:6]:>6}" for c in classes)
              + f"   {'P':>5} {'R':>5} {'F1':>5}")
        first = next(iter(tables.values()))
        print(f"{'(gold)':<18} " + " ".join(f"{first[c][3]:>6}" for c in classes) + f"   n={first['ALL'][3]}")
        for name, t in tables.items():
            p, r, f, _ = t["ALL"]
            print(f"{name:<18} " + " ".join(f"{100 * t[c][2]:6.1f}" for c in classes)
                  + f"   {100 * p:5.1f} {100 * r:5.1f} {100 * f:5.1f}")


def show_errors(docs: list[Doc], preds: list[list[Span]], limit: int) -> None:
    """False positives and negatives (development aid; tune half only)."""
    for (ident, text, gold), pred in zip(docs, preds):
        g, p = set(gold), {x for x in pred if x[2] in CLASSES}
        for s, e, c in sorted(p - g):
            print(f"FP {ident} {text[s:e]!r}/{c}  gold={[(text[a:b], l) for a, b, l in gold if a < e and s < b]}")
        for s, e, c in sorted(g - p):
            print(f"FN {ident} {text[s:e]!r}/{c}  pred={[(text[a:b], l) for a, b, l in pred if a < e and s < b]}")


def words_per_second(system: System, texts: list[str], lang: str, reps: int) -> float:
    """Best-of-``reps`` throughput in CPU time (after one warm-up call)."""
    system(texts[:1], lang)
    n = sum(len(t.split()) for t in texts)
    best = float("inf")
    for _ in range(reps):
        t0 = time.process_time()
        system(texts, lang)
        best = min(best, time.process_time() - t0)
    return n / best


_COLD = """
import json, sys, time
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 1e6
t0, c0, r0 = time.perf_counter(), time.process_time(), rss()
if sys.argv[2] == "built-in":
    from workbench.nlp import load_pipeline
    pipe = load_pipeline("builtin")
    t1, c1, r1 = time.perf_counter(), time.process_time(), rss()
    n = len(pipe.extract(sys.argv[1], language="uk"))
else:
    from bench.ner_eval_slavic import natasha_only
    t1, c1, r1 = time.perf_counter(), time.process_time(), rss()
    n = len(natasha_only([sys.argv[1]], "uk")[0])
t2, c2, r2 = time.perf_counter(), time.process_time(), rss()
print(json.dumps({"load_wall": t1 - t0, "load_cpu": c1 - c0, "first_wall": t2 - t1, "first_cpu": c2 - c1,
                  "rss_load": r1 - r0, "rss_first": r2 - r1, "n": n}))
"""


def cold_start(text: str, system: str) -> dict:
    """A fresh interpreter's time and RSS growth to load ``system`` and tag one Ukrainian article.

    ``load`` is importing and building the pipeline (for built-in: the English rules, which
    every article language shares); ``first`` is the first Ukrainian article (pymorphy3's
    dictionary and the gazetteer load on it; natasha's models for natasha-only).
    """
    proc = subprocess.run([sys.executable, "-c", _COLD, text, system], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def print_small_places() -> None:
    """The Geox signal's precision (ru tune half) and the small-places list's table."""
    n, right, kept = geox_precision(load_set("ru", "tune"))
    print(f"\nGeox words no gazetteer knows (ru TUNE half only): {n} candidates, {right} exact gold places "
          f"(precision {right / n if n else 0:.2f}); {kept} are places in the built-in output")
    print_villages()


def main(argv: list[str] | None = None) -> int:
    """Print the tables, then speed and cold start.

    Args:
        argv: command-line arguments.

    Returns:
        Exit status.
    """
    ap = argparse.ArgumentParser(description="Ukrainian/Russian NER: built-in vs natasha-only")
    ap.add_argument("--errors", choices=("uk", "ru"), help="print errors on that language's TUNE half only")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--villages", action="store_true", help="only the small-places list")
    args = ap.parse_args(argv)
    if args.villages:
        print_small_places()
        return 0
    systems: dict[str, System] = {"built-in": builtin, "natasha-only": natasha_only}
    if args.errors:
        docs = load_set(args.errors, "tune")
        show_errors(docs, builtin([t for _, t, _ in docs], args.errors), 400)
        return 0
    for lang in ("uk", "ru"):
        for half in ("tune", "report"):
            docs = load_set(lang, half)
            texts = [t for _, t, _ in docs]
            print_table(f"{lang} {half.upper()} half", docs, {n: s(texts, lang) for n, s in systems.items()})
    print_small_places()
    if args.no_speed:
        return 0
    print("\n### speed (CPU time, best of %d; same texts)" % args.reps)
    for lang in ("uk", "ru"):
        texts = [t for h in ("tune", "report") for _, t, _ in load_set(lang, h)]
        rates = {n: words_per_second(s, texts, lang, args.reps) for n, s in systems.items()}
        base = rates["natasha-only"]
        print(f"{lang}: " + ", ".join(f"{n} {r:,.0f} words/s ({r / base:.2f}x natasha-only)" for n, r in rates.items()))
    first = load_set("uk", "tune")[0][1]
    print("first Ukrainian article in a fresh interpreter (CPU time is what other jobs cannot inflate):")
    for name in systems:
        c = cold_start(first, name)
        print(f"  {name:<13} load {c['load_cpu']:.2f} s CPU ({c['load_wall']:.2f} wall) +{c['rss_load']:.0f} MB; "
              f"first article {c['first_cpu']:.2f} s CPU ({c['first_wall']:.2f} wall) +{c['rss_first']:.0f} MB; "
              f"{c['n']} mentions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
