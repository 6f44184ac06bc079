"""NER speed: ratios against peers measured in the same run.

1. Throughput: built-in pipeline (``extract_batch``: spaCy-free, our replay of spaCy's
   tokenizer then the rules on word lists) vs spaCy's tokenizer alone
   (``spacy.blank("en").pipe``) on the same texts; beside it our tokenizer alone and the
   same rules on spaCy Docs (the path before the spaCy-free one). Every repetition builds
   fresh pipelines and tokenizers (both tokenizers cache per chunk string, so reusing one
   would favour whichever runs second); best of N. Timed in process CPU time
   (``time.process_time``) so other jobs on a shared machine do not skew the ratio.
2. Cold start: a fresh interpreter imports ``workbench.nlp``, loads the pipeline and
   tags the seed article; wall time to ready / to first article (plus the process's
   CPU time, which other jobs cannot inflate), and RSS over the bare interpreter.
   Compared in the same run with the built-in rules on spaCy Docs (``builtin:doc``: what
   the built-in pipeline did before it stopped importing spaCy) and with the trained
   model when installed.
   The load average is printed beside it (the machine may be shared: wall time then
   drifts, CPU time much less).
3. Lexicon: a fresh interpreter loads the compiled gazetteer (``data/lexicon.tsv``, read
   lazily: one line per first token, parsed when a text holds that token) and then parses
   every line, the peer: what an eager load costs. CPU time and RSS of each.
4. Hybrid overhead: ``hybrid:en_core_web_md`` vs the bare model (same components:
   NER only) on the same texts; interleaved repetitions, best wall time of each.

Usage::

    .venv/bin/python -m bench.ner_speed [--reps 5] [--words 60000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = ROOT.parent / "shared" / "seeds" / "000_77591201f77be997.txt"
FURNITURE = "Read all articles by"


def corpus(max_words: int) -> list[str]:
    """Evaluation texts (re3d + WikiGold) up to about ``max_words`` words.

    Args:
        max_words: word budget.

    Returns:
        A list of article texts.
    """
    from bench.ner_eval import REPORT, TUNE, load_re3d, load_wikigold

    texts = [t for s in TUNE + REPORT for _, t, _ in load_re3d(s)] + [t for _, t, _ in load_wikigold()]
    out, n = [], 0
    for t in texts:
        if n >= max_words:
            break
        out.append(t)
        n += len(t.split())
    return out


def seed_text() -> str:
    """The seed article without its trailing site furniture.

    Returns:
        Article text.
    """
    text = SEED.read_text(encoding="utf-8") if SEED.exists() else "President Vladimir Putin met Alexander Lukashenko."
    return text.split(FURNITURE)[0]


def _best(fn, reps: int) -> float:
    """Best wall time of ``reps`` calls (the trained model may use several BLAS threads,
    so process CPU time would overstate it)."""
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def throughput(texts: list[str], reps: int) -> dict:
    """Words/s of the tokenizer alone and of the built-in pipeline, fresh objects per repetition.

    Args:
        texts: the corpus.
        reps: repetitions (best is kept).

    Returns:
        Measurements.
    """
    import spacy

    from workbench.nlp._component import EntityRules
    from workbench.nlp._lexicon import load_lexicon
    from workbench.nlp._loader import blank_nlp
    from workbench.nlp._pipeline import EntityPipeline
    from workbench.nlp._tokenizer import load_tokenizer

    lex = load_lexicon()
    words = sum(len(t.split()) for t in texts)
    best = dict.fromkeys(("tok", "ours", "ext", "doc", "pipe"), float("inf"))
    clock = time.process_time

    def timed(key: str, fn) -> None:
        t0 = clock()
        fn()
        best[key] = min(best[key], clock() - t0)

    for _ in range(reps):
        blank = spacy.blank("en")
        timed("tok", lambda: [None for _doc in blank.pipe(texts)])
        ours = load_tokenizer.__wrapped__()  # fresh: an empty chunk cache, like spaCy's fresh vocabulary
        timed("ours", lambda: [ours(t) for t in texts])
        pipe = EntityPipeline("builtin", None, "", lex, tokenizer=load_tokenizer.__wrapped__(),
                              rules=EntityRules(lex), make_nlp=blank_nlp)
        timed("ext", lambda: pipe.extract_batch(texts))
        doc_pipe = EntityPipeline("builtin", blank_nlp(), "", lex)  # the same rules on spaCy Docs
        timed("doc", lambda: doc_pipe.extract_batch(texts))
        nlp = blank_nlp()
        timed("pipe", lambda: [None for _doc in nlp.pipe(texts)])
    return {
        "words": words,
        "tokenizer_wps": words / best["tok"],
        "our_tokenizer_wps": words / best["ours"],
        "builtin_extract_wps": words / best["ext"],
        "builtin_doc_extract_wps": words / best["doc"],
        "builtin_nlp_pipe_wps": words / best["pipe"],
    }


_COLD = r"""
import json, sys, time
t0 = time.perf_counter()
def rss_kb(field):
    # /proc, not getrusage: after fork+exec ru_maxrss still holds the parent's peak
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
base = rss_kb("VmRSS:")
sys.path.insert(0, {root!r})
from workbench.nlp import load_pipeline
t_import = time.perf_counter()
choice = {choice!r}
doc_path = choice == "builtin:doc"  # the rules on a spaCy Doc (the built-in path before it dropped spaCy)
pipe = load_pipeline("builtin" if doc_path else choice)
if doc_path:
    pipe.nlp
t_ready = time.perf_counter()
ments = pipe.mentions_from_doc(pipe.nlp({text!r})) if doc_path else pipe.extract({text!r})
t_first = time.perf_counter()
spacy_loaded = "spacy" in sys.modules
cpu = time.process_time()  # includes interpreter start-up; robust when the machine is busy
peak = rss_kb("VmHWM:")
print(json.dumps({{"import_s": t_import - t0, "ready_s": t_ready - t0, "first_s": t_first - t0, "cpu_s": cpu,
                  "rss_mb": (peak - base) / 1024, "mentions": len(ments), "spacy": spacy_loaded,
                  "name": pipe.name + (":doc" if doc_path else "")}}))
"""


def cold_start(choice: str) -> dict:
    """Time and memory to a ready pipeline and a first tagged article in a fresh process.

    Args:
        choice: pipeline choice.

    Returns:
        Measurements, including wall time of the whole subprocess.
    """
    code = _COLD.format(root=str(ROOT), choice=choice, text=seed_text())
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["wall_s"] = wall
    return out


_LEX = r"""
import json, sys, time
def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
sys.path.insert(0, {root!r})
from workbench.nlp._lexicon import LEXICON_PATH, load_lexicon
base, t0 = rss_kb(), time.process_time()
lex = load_lexicon()
t1, lazy = time.process_time(), rss_kb()
n = len(lex)  # parses every line: the eager peer
t2, eager = time.process_time(), rss_kb()
print(json.dumps({{"entries": n, "first_tokens": len(lex.phrases), "bytes": LEXICON_PATH.stat().st_size,
                  "lazy_s": t1 - t0, "lazy_mb": (lazy - base) / 1024,
                  "eager_s": t2 - t0, "eager_mb": (eager - base) / 1024}}))
"""


def lexicon_load(runs: int) -> dict:
    """Load the compiled lexicon lazily, then parse it all, in fresh processes (best CPU of ``runs``).

    Args:
        runs: fresh processes.

    Returns:
        Size, entries, CPU seconds and RSS MB of the lazy load and of the full parse.
    """
    code = _LEX.format(root=str(ROOT))
    outs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                      check=True).stdout.strip().splitlines()[-1]) for _ in range(runs)]
    return min(outs, key=lambda r: r["lazy_s"])


def hybrid_overhead(texts: list[str], reps: int) -> dict | None:
    """Throughput of the bare trained model vs hybrid mode on the same texts.

    Two views: end to end (``extract_batch`` of each, interleaved, best wall time) and
    the rules component alone, timed on Docs the model has already tagged (stable even
    on a busy machine, where the end-to-end difference drowns in noise).

    Args:
        texts: the corpus.
        reps: repetitions (best kept).

    Returns:
        Measurements, or None when en_core_web_md is not installed.
    """
    from workbench.nlp import load_pipeline
    from workbench.nlp._loader import available

    if "en_core_web_md" not in available():
        return None
    bare = load_pipeline("en_core_web_md")
    hyb = load_pipeline("hybrid:en_core_web_md")
    bare.extract_batch(texts[:2])
    hyb.extract_batch(texts[:2])
    words = sum(len(t.split()) for t in texts)
    tb = th = float("inf")
    for _ in range(reps):  # interleaved so background load hits both alike
        tb = min(tb, _best(lambda: bare.extract_batch(texts), 1))
        th = min(th, _best(lambda: hyb.extract_batch(texts), 1))
    from spacy.attrs import ENT_IOB, ENT_TYPE

    rules = hyb.nlp.get_pipe("workbench_entities")
    with hyb.nlp.select_pipes(disable=["workbench_entities"]):
        tagged = list(hyb.nlp.pipe(texts))
    model_ents = [doc.to_array([ENT_IOB, ENT_TYPE]) for doc in tagged]
    tr = float("inf")
    for _ in range(reps):
        for doc, arr in zip(tagged, model_ents):  # restore the model's entities (untimed)
            doc.from_array([ENT_IOB, ENT_TYPE], arr)
        t0 = time.perf_counter()
        for doc in tagged:
            rules(doc)
        tr = min(tr, time.perf_counter() - t0)
    return {"words": words, "bare_wps": words / tb, "hybrid_wps": words / th, "overhead": th / tb - 1,
            "rules_s": tr, "bare_s": tb, "rules_overhead": tr / tb}


def main(argv: list[str] | None = None) -> int:
    """Run the speed benchmarks and print a table.

    Args:
        argv: command-line arguments.

    Returns:
        Exit status.
    """
    ap = argparse.ArgumentParser(description="NER speed vs peers in the same run")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--words", type=int, default=80000, help="corpus size for throughput")
    ap.add_argument("--hybrid-words", type=int, default=15000, help="corpus size for the hybrid comparison")
    ap.add_argument("--cold-runs", type=int, default=3, help="fresh processes per pipeline for the cold start")
    args = ap.parse_args(argv)

    texts = corpus(args.words)
    tp = throughput(texts, args.reps)
    print(f"\n### Throughput ({tp['words']} words, best of {args.reps}, fresh pipelines each repetition)")
    print(f"{'spaCy tokenizer alone':<36} {tp['tokenizer_wps']:>10,.0f} words/s   1.00x")
    for key, label in (("our_tokenizer_wps", "our tokenizer alone (spaCy-free)"),
                       ("builtin_extract_wps", "built-in extract_batch (spaCy-free)"),
                       ("builtin_doc_extract_wps", "built-in rules on spaCy Docs"),
                       ("builtin_nlp_pipe_wps", "built-in nlp.pipe (Docs)")):
        target = "  (target >= 0.60x)" if key == "builtin_extract_wps" else ""
        print(f"{label:<36} {tp[key]:>10,.0f} words/s   {tp[key] / tp['tokenizer_wps']:.2f}x{target}")

    print("\n### Cold start (fresh interpreter, seed article; load average %.1f %.1f %.1f on %d CPUs)"
          % (*os.getloadavg(), os.cpu_count() or 1))
    print(f"{'pipeline':<32} {'import s':>9} {'ready s':>8} {'first s':>8} {'wall s':>7} {'CPU s':>6} {'RSS MB':>7}  "
          "mentions  spaCy")
    choices = ["builtin", "builtin:doc"]
    from workbench.nlp._loader import available

    if "hybrid:en_core_web_md" in available():
        choices.append("hybrid:en_core_web_md")
    for c in choices:
        runs = sorted((cold_start(c) for _ in range(args.cold_runs)), key=lambda r: r["wall_s"])
        for tag, r in (("best", runs[0]), ("median", runs[len(runs) // 2])):
            print(f"{r['name'] + ' (' + tag + ')':<32} {r['import_s']:9.2f} {r['ready_s']:8.2f} {r['first_s']:8.2f} "
                  f"{r['wall_s']:7.2f} {r['cpu_s']:6.2f} {r['rss_mb']:7.0f}  {r['mentions']:8}  "
                  f"{'loaded' if r['spacy'] else 'never imported'}")
    print(f"({args.cold_runs} fresh processes each; targets for builtin: first article <= 1.5 s CPU, "
          "<= 150 MB over the bare interpreter)")

    lx = lexicon_load(args.cold_runs)
    print(f"\n### Lexicon ({lx['bytes'] / 1e6:.1f} MB, {lx['entries']:,} entries under {lx['first_tokens']:,} "
          f"first tokens; best CPU of {args.cold_runs} fresh processes)")
    print(f"{'lazy load (as the pipeline does)':<34} {lx['lazy_s']:6.3f} s CPU {lx['lazy_mb']:6.1f} MB")
    print(f"{'every line parsed (eager peer)':<34} {lx['eager_s']:6.3f} s CPU {lx['eager_mb']:6.1f} MB   "
          f"lazy = {lx['lazy_s'] / lx['eager_s']:.2f}x the time")

    hy = hybrid_overhead(corpus(args.hybrid_words), max(3, args.reps // 2))
    if hy is None:
        print("\n### Hybrid overhead: en_core_web_md not installed (pip install -r bench/requirements-compare.txt)")
    else:
        print(f"\n### Hybrid overhead ({hy['words']} words; both run NER only)")
        print(f"{'en_core_web_md (bare)':<34} {hy['bare_wps']:>10,.0f} words/s")
        print(f"{'hybrid:en_core_web_md':<34} {hy['hybrid_wps']:>10,.0f} words/s   end-to-end {100 * hy['overhead']:+.1f}%")
        print(f"{'rules component on tagged Docs':<34} {hy['rules_s']:>9.3f} s vs bare {hy['bare_s']:.3f} s   "
              f"overhead {100 * hy['rules_overhead']:+.1f}%  (target <= +10%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
