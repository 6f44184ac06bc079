"""NER quality: exact-span and overlap micro P/R/F1 by class on re3d and WikiGold.

Every system is scored by the same code in the same run:

- re3d (Dstl): Person->PER, Organisation->ORG, Location->LOC, Nationality->NORP,
  Weapon+MilitaryPlatform->WEAPON, Temporal->DATE; within each class only the
  outermost gold spans are kept (spans nest; a NORP inside an ORG stays gold, as
  in the numbers quoted in DESIGN.md); all confidences count. Tune subsets:
  australian-department-of-foreign-affairs, centcom, us-state-department.
  Report subsets: uk-government, wikipedia (never tuned on).
- WikiGold (CoNLL IO): PER/ORG/LOC; MISC ignored (report only).

System labels map to classes: PERSON->PER, ORG and MILITARY_UNIT->ORG, GPE/LOC/FAC->LOC,
NORP->NORP, WEAPON->WEAPON, DATE/TIME->DATE; other labels are not scored.

Usage::

    .venv/bin/python -m bench.ner_eval                 # every available system, report sets
    .venv/bin/python -m bench.ner_eval --tune          # tune sets too
    .venv/bin/python -m bench.ner_eval --errors PER    # false pos/neg on the TUNE sets only
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EVAL = Path(os.environ.get("WORKBENCH_EVAL_DIR", ROOT.parent / "shared" / "eval"))
TUNE = ("australian-department-of-foreign-affairs", "centcom", "us-state-department")
REPORT = ("uk-government", "wikipedia")
RE3D_MAP = {
    "Person": "PER", "Organisation": "ORG", "Location": "LOC", "Nationality": "NORP",
    "Weapon": "WEAPON", "MilitaryPlatform": "WEAPON", "Temporal": "DATE",
}
SYS_MAP = {
    "PERSON": "PER", "ORG": "ORG", "MILITARY_UNIT": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "NORP", "WEAPON": "WEAPON", "DATE": "DATE", "TIME": "DATE",
}
RE3D_CLASSES = ("PER", "ORG", "LOC", "NORP", "WEAPON", "DATE")
WIKI_CLASSES = ("PER", "ORG", "LOC")

Doc = tuple[str, str, list[tuple[int, int, str]]]  # (id, text, gold spans)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


CLASS_ORDER = {c: i for i, c in enumerate(("PER", "ORG", "LOC", "WEAPON", "NORP", "DATE"))}


def outermost(spans: list[tuple[int, int, str]], conf: dict | None = None) -> list[tuple[int, int, str]]:
    """Drop spans contained in another (longer) span; one class per identical span.

    Called per class by ``load_re3d``. When one span has two classes, the more
    confident annotation wins, then the fixed CLASS_ORDER (deterministic across runs).

    Args:
        spans: (start, end, class) triples.
        conf: optional {(start, end, class): confidence}.

    Returns:
        The outermost spans, sorted.
    """
    conf = conf or {}
    spans = sorted(set(spans), key=lambda x: (x[0], -(x[1] - x[0]), -conf.get(x, 1.0), CLASS_ORDER.get(x[2], 9)))
    out: list[tuple[int, int, str]] = []
    for s, e, c in spans:
        if any(os_ <= s and e <= oe and (oe - os_) > (e - s) for os_, oe, _ in out):
            continue
        if any(os_ == s and oe == e for os_, oe, _ in out):
            continue
        out.append((s, e, c))
    return out


def load_re3d(subset: str) -> list[Doc]:
    """Read one re3d subset.

    Args:
        subset: folder name under re3d/.

    Returns:
        Documents with outermost gold spans of the scored classes.
    """
    base = EVAL / "re3d" / subset
    docs = {}
    for line in (base / "documents.json").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            docs[d["_id"]] = d["text"]
    gold: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    conf: dict[tuple[int, int, str], float] = {}
    for line in (base / "entities.json").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        e = json.loads(line)
        cls = RE3D_MAP.get(e["type"])
        if cls and e["documentId"] in docs:
            s, t = _trim(docs[e["documentId"]], e["begin"], e["end"])
            if s < t:
                gold[e["documentId"]].append((s, t, cls))
                key = (s, t, cls)
                conf[key] = max(conf.get(key, 0.0), float(e.get("confidence", 1.0)))
    out = []
    for i in sorted(docs):
        spans = gold.get(i, [])
        kept: list[tuple[int, int, str]] = []
        for cls in sorted({c for _, _, c in spans}):
            kept += outermost([x for x in spans if x[2] == cls], conf)
        out.append((i, docs[i], sorted(kept)))
    return out


def load_wikigold() -> list[Doc]:
    """Read WikiGold (CoNLL IO); tokens joined by spaces, sentences by newlines.

    Returns:
        Documents with PER/ORG/LOC gold spans.
    """
    path = EVAL / "wikigold" / "wikigold.conll.txt"
    docs: list[Doc] = []
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    cur: list | None = None

    def flush() -> None:
        nonlocal parts, spans, pos, cur
        if cur:
            spans.append(tuple(cur))
        cur = None
        if parts:
            docs.append((f"wikigold-{len(docs)}", "".join(parts), spans))
        parts, spans, pos = [], [], 0

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            flush()
            continue
        if not line.strip():
            if cur:
                spans.append(tuple(cur))
                cur = None
            if parts and not parts[-1].endswith("\n"):
                parts.append("\n")
                pos += 1
            continue
        tok, tag = line.rsplit(" ", 1)
        if parts and not parts[-1].endswith("\n"):
            parts.append(" ")
            pos += 1
        start = pos
        parts.append(tok)
        pos += len(tok)
        cls = {"I-PER": "PER", "I-ORG": "ORG", "I-LOC": "LOC"}.get(tag)
        if cls and cur and cur[2] == cls:
            cur[1] = pos
        else:
            if cur:
                spans.append(tuple(cur))
            cur = [start, pos, cls] if cls else None
    flush()
    return docs


def predict(pipe, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
    """Run a pipeline over the documents.

    Args:
        pipe: an EntityPipeline.
        docs: documents.

    Returns:
        Per document, predicted (start, end, class) spans.
    """
    out = []
    for ments in pipe.extract_batch([t for _, t, _ in docs]):
        out.append([(m["start"], m["end"], SYS_MAP[m["label"]]) for m in ments if m["label"] in SYS_MAP])
    return out


def score(docs: list[Doc], preds: list[list[tuple[int, int, str]]], classes: tuple[str, ...]) -> dict:
    """Exact and overlap micro P/R/F1, overall and per class.

    Args:
        docs: documents with gold spans.
        preds: predictions per document.
        classes: classes scored.

    Returns:
        {"exact": {cls|"ALL": (p, r, f, n_gold)}, "overlap": {...}}.
    """
    res = {}
    for mode in ("exact", "overlap"):
        tp_p: dict[str, int] = defaultdict(int)
        tp_g: dict[str, int] = defaultdict(int)
        npred: dict[str, int] = defaultdict(int)
        ngold: dict[str, int] = defaultdict(int)
        for (_, text, gold), pred in zip(docs, preds):
            gold = [g for g in gold if g[2] in classes]
            pred = [_trim(text, s, e) + (c,) for s, e, c in pred if c in classes]
            gset = set(gold)
            for s, e, c in pred:
                npred[c] += 1
                if mode == "exact":
                    hit = (s, e, c) in gset
                else:
                    hit = any(gs < e and s < ge and gc == c for gs, ge, gc in gold)
                tp_p[c] += hit
            pset = set(pred)
            for s, e, c in gold:
                ngold[c] += 1
                if mode == "exact":
                    hit = (s, e, c) in pset
                else:
                    hit = any(ps < e and s < pe and pc == c for ps, pe, pc in pred)
                tp_g[c] += hit
        table = {}
        for c in list(classes) + ["ALL"]:
            keys = classes if c == "ALL" else (c,)
            tpp = sum(tp_p[k] for k in keys)
            tpg = sum(tp_g[k] for k in keys)
            npr = sum(npred[k] for k in keys)
            ngo = sum(ngold[k] for k in keys)
            p = tpp / npr if npr else 0.0
            r = tpg / ngo if ngo else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            table[c] = (p, r, f, ngo)
        res[mode] = table
    return res


def print_table(title: str, results: dict[str, dict], classes: tuple[str, ...]) -> None:
    """Print one dataset's table: rows = systems, columns = F1 per class, then P/R/F1 all.

    Args:
        title: dataset name.
        results: system -> score() output.
        classes: classes shown.
    """
    print(f"\n### {title}")
    for mode in ("exact", "overlap"):
        any_res = next(iter(results.values()))[mode]
        head = " ".join(f"{c:>7}" for c in classes)
        gold_n = " ".join(f"{any_res[c][3]:>7}" for c in classes)
        print(f"{mode:<24} {head}   {'P':>5} {'R':>5} {'F1':>5}")
        print(f"{'(gold spans)':<24} {gold_n}   n={any_res['ALL'][3]}")
        for name, res in results.items():
            t = res[mode]
            cells = " ".join(f"{100 * t[c][2]:7.1f}" for c in classes)
            p, r, f, _ = t["ALL"]
            print(f"{name:<24} {cells}   {100 * p:5.1f} {100 * r:5.1f} {100 * f:5.1f}")


def show_errors(docs: list[Doc], preds: list[list[tuple[int, int, str]]], cls: str, limit: int) -> None:
    """Print false positives and negatives of one class (development aid)."""
    fps, fns = [], []
    for (_, text, gold), pred in zip(docs, preds):
        g = {x for x in gold if x[2] == cls}
        p = {_trim(text, s, e) + (c,) for s, e, c in pred if c == cls}
        allg = {(s, e): c for s, e, c in gold}
        for s, e, c in sorted(p - g):
            fps.append(f"{text[s:e]!r} (gold: {allg.get((s, e), '-')})  …{text[max(0, s - 40):e + 30]!r}")
        for s, e, c in sorted(g - p):
            pl = [f"{text[ps:pe]}/{pc}" for ps, pe, pc in pred if ps < e and s < pe]
            fns.append(f"{text[s:e]!r} pred={pl}  …{text[max(0, s - 40):e + 30]!r}")
    print(f"--- {cls} false positives ({len(fps)})")
    print("\n".join(fps[:limit]))
    print(f"--- {cls} false negatives ({len(fns)})")
    print("\n".join(fns[:limit]))


def systems(names: list[str] | None) -> dict:
    """Load the requested (or all available) systems.

    Args:
        names: pipeline choices, or None for builtin + en_core_web_md bare and hybrid when installed.

    Returns:
        name -> EntityPipeline.
    """
    from workbench.nlp import load_pipeline
    from workbench.nlp._loader import available

    if not names:
        names = ["builtin"] + [n for n in ("en_core_web_md", "hybrid:en_core_web_md") if n in available()]
    return {n: load_pipeline(n) for n in names}


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print tables.

    Args:
        argv: command-line arguments.

    Returns:
        Exit status.
    """
    ap = argparse.ArgumentParser(description="NER quality on re3d and WikiGold")
    ap.add_argument("--system", action="append", help="pipeline choice (repeatable)")
    ap.add_argument("--tune", action="store_true", help="also print the tune subsets")
    ap.add_argument("--no-report", action="store_true", help="skip report sets (while tuning)")
    ap.add_argument("--errors", metavar="CLASS", help="print errors of CLASS on the tune sets")
    ap.add_argument("--limit", type=int, default=80)
    args = ap.parse_args(argv)

    pipes = systems(args.system)
    sets: list[tuple[str, list[Doc], tuple[str, ...]]] = []
    tune_docs = [d for s in TUNE for d in load_re3d(s)]
    if args.tune or args.errors:
        sets.append(("re3d TUNE (australian-dfa + centcom + us-state-dept)", tune_docs, RE3D_CLASSES))
    if not args.no_report and not args.errors:
        uk, wp = load_re3d("uk-government"), load_re3d("wikipedia")
        sets += [
            ("re3d REPORT uk-government", uk, RE3D_CLASSES),
            ("re3d REPORT wikipedia", wp, RE3D_CLASSES),
            ("re3d REPORT pooled (uk-government + wikipedia)", uk + wp, RE3D_CLASSES),
            ("WikiGold REPORT (PER/ORG/LOC)", load_wikigold(), WIKI_CLASSES),
        ]
    print("NER evaluation; F1 per class, micro P/R/F1 over all classes (percent)")
    print("systems:", ", ".join(f"{n} [{p.fingerprint}]" for n, p in pipes.items()))
    for title, docs, classes in sets:
        results = {}
        for name, pipe in pipes.items():
            t0 = time.perf_counter()
            preds = predict(pipe, docs)
            results[name] = score(docs, preds, classes)
            results[name]["_secs"] = time.perf_counter() - t0
            if args.errors and name == (args.system or ["builtin"])[0]:
                show_errors(docs, preds, args.errors, args.limit)
        print_table(f"{title} — {len(docs)} docs", results, classes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
