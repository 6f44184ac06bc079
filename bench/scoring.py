"""Scoring, leave-one-out and Monte Carlo speed (issue #4 targets), each beside a plain-Python peer.

For a synthetic analysis of H hypotheses × E evidence items (default 50 × 5,000: random ratings
with ~3 % unrated cells, random weights and Admiralty grades, ~10 % of items in syndicated groups
whose copies are identical or differ by one rating) it prints:

- all engines (PARC IS + WIS, Open Synthesis, Bayes, diagnosticity, leaders) on the compiled
  matrix                                                                    [target <= 50 ms]
  (validating and compiling the tidy frame is printed on its own line);
- leave-one-out over every item                                             [target <= 1 s];
- Monte Carlo, 10,000 draws                                                 [target <= 2 s];
- dependence-aware Bayes (items in ~E/10 origins, one observation per origin) against the
  naive Bayes on the same items without origins             [target <= 2x the naive cost],
  all engines and leave-one-out on that matrix (same targets as above), with a re-scoring
  check of leave-one-out on a sample of items;

each beside a plain-Python loop implementation of the same computation run in this process,
with the ratio, and a check that both give the same answer. The Python Monte Carlo peer runs
the same sampled perturbations for a few draws and is extrapolated (it says so); it reuses
the vectorised per-item tables and is timed on its per-draw loop only, which flatters it.
Targets are printed, never asserted. The machine may be shared: the load average is printed.

Run: python -m bench.scoring [--hypotheses 50] [--items 5000] [--draws 10000] [--python-draws 40]
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from workbench.analysis import evidence_matrix, leave_one_out, score
from workbench.analysis._frame import EvidenceMatrix
from workbench.analysis._mc_draws import eligible_votes as _eligible_votes, sample_draws as _draw
from workbench.analysis._mc_scoring import Simulator as _Simulator, simulate as _simulate
from workbench.analysis.scales import (
    BAYES_LIKELIHOODS,
    INFO_CREDIBILITY_FACTORS,
    OPEN_SYNTHESIS_VOTES,
    PARC_VALUES,
    RATINGS,
    RELIABILITY_FACTORS,
    WEIGHT_LEVELS,
    WEIGHT_VALUES,
)

ENGINES = ("parc", "parc_weighted", "open_synthesis", "bayes")


def synthetic_frame(hypotheses: int, items: int, seed: int = 0) -> pd.DataFrame:
    """A tidy evidence frame with the mix of cases the engines must handle.

    Args:
        hypotheses: number of hypotheses.
        items: number of evidence items.
        seed: random seed.

    Returns:
        DataFrame with evidence, hypothesis, rating, credibility, relevance, reliability,
        info_credibility, group.
    """
    rng = np.random.default_rng(seed)
    ratings = np.array(list(RATINGS), dtype=object)
    codes = rng.choice(6, size=(items, hypotheses), p=[0.08, 0.20, 0.35, 0.22, 0.08, 0.07])
    cells = ratings[codes]
    cells[rng.random((items, hypotheses)) < 0.03] = None
    credibility = rng.integers(0, 3, items)
    relevance = rng.integers(0, 3, items)
    reliability = np.array([None, "A", "B", "C", "D", "E", "F"], dtype=object)[rng.integers(0, 7, items)]
    info = np.array([None, 1, 2, 3, 4, 5, 6], dtype=object)[rng.integers(0, 7, items)]
    groups = np.full(items, None, dtype=object)
    start = 0
    while start < items // 10:  # syndicated stories: copies of the first item of each group
        size = int(rng.integers(2, 4))
        members = np.arange(start, min(start + size, items))
        groups[members] = f"story-{start}"
        for copy in members[1:]:
            cells[copy] = cells[members[0]]
            credibility[copy], relevance[copy] = credibility[members[0]], relevance[members[0]]
            reliability[copy], info[copy] = reliability[members[0]], info[members[0]]
            if rng.random() < 0.5:  # a differing reading of the same story
                cells[copy, rng.integers(hypotheses)] = ratings[rng.integers(5)]
        start += size
    levels = np.array(WEIGHT_LEVELS, dtype=object)
    return pd.DataFrame({
        "evidence": np.repeat([f"E{i}" for i in range(items)], hypotheses),
        "hypothesis": np.tile([f"H{j}" for j in range(hypotheses)], items),
        "rating": cells.ravel(),
        "credibility": np.repeat(levels[credibility], hypotheses),
        "relevance": np.repeat(levels[relevance], hypotheses),
        "reliability": np.repeat(reliability, hypotheses),
        "info_credibility": np.repeat(info, hypotheses),
        "group": np.repeat(groups, hypotheses),
    })


# -- the plain-Python peer: the same computation, loop by loop -------------------------------------

def python_engines(m: EvidenceMatrix) -> dict[str, Any]:
    """Every engine with Python loops over items and hypotheses (single-analyst matrices)."""
    n_items, n_hyps = len(m.evidence), len(m.hypotheses)
    votes = m.votes[0].tolist()
    cred, rel = m.credibility.tolist(), m.relevance.tolist()
    reliability, info = m.reliability.tolist(), m.info_credibility.tolist()
    group = m.group_index.tolist()
    grades = ["A", "B", "C", "D", "E", "F"]
    # counting units: identical copies within a group are one item
    unit_key: dict[tuple, int] = {}
    unit_of, unit_rows, unit_group = [], [], []
    for e in range(n_items):
        key = (group[e], tuple(votes[e]), cred[e], rel[e], reliability[e], info[e])
        if key not in unit_key:
            unit_key[key] = len(unit_rows)
            unit_rows.append(e)
            unit_group.append(group[e])
        unit_of.append(unit_key[key])
    level_value = [WEIGHT_VALUES[level] for level in WEIGHT_LEVELS]
    parc_table = [PARC_VALUES[r] for r in RATINGS]
    os_table = [OPEN_SYNTHESIS_VOTES[r] for r in RATINGS]
    logits = [math.log(BAYES_LIKELIHOODS[r] / (1 - BAYES_LIKELIHOODS[r])) for r in RATINGS]

    def values(e: int) -> dict[str, list]:
        weight = level_value[cred[e]] * level_value[rel[e]]
        strength = (RELIABILITY_FACTORS[grades[reliability[e]] if reliability[e] >= 0 else None]
                    * INFO_CREDIBILITY_FACTORS[info[e] or None] * weight)
        row = {"parc": [], "parc_weighted": [], "open_synthesis": [], "bayes": []}
        for h in range(n_hyps):
            code = votes[e][h]
            if code < 0:
                row["parc"].append(0.0)
                row["parc_weighted"].append(0.0)
                row["open_synthesis"].append(None)
                row["bayes"].append(0.0)
                continue
            row["parc"].append(parc_table[code])
            row["parc_weighted"].append(weight * parc_table[code])
            row["open_synthesis"].append(os_table[code])
            x = strength * logits[code]
            row["bayes"].append(math.log(2.0) - (math.log1p(math.exp(-x)) if x > -30 else -x))
        return row

    unit_values = [values(e) for e in unit_rows]
    sums = {engine: {} for engine in ENGINES}
    counts = {engine: {} for engine in ENGINES}
    for u, row in enumerate(unit_values):
        g = unit_group[u]
        for engine in ENGINES:
            s = sums[engine].setdefault(g, [0.0] * n_hyps)
            c = counts[engine].setdefault(g, [0] * n_hyps)
            for h, value in enumerate(row[engine]):
                if value is not None:
                    s[h] += value
                    c[h] += 1

    def inconsistency(mean: float | None) -> float:
        return (3.0 - mean) ** 2 if mean is not None and mean < 3.0 else 0.0

    totals = {engine: [0.0] * n_hyps for engine in ENGINES}
    totals["bayes"] = [math.log(1.0 / n_hyps)] * n_hyps
    for engine in ENGINES:
        for g, s in sums[engine].items():
            c = counts[engine][g]
            for h in range(n_hyps):
                mean = s[h] / c[h] if c[h] else None
                if engine == "open_synthesis":
                    totals[engine][h] += inconsistency(mean)
                elif mean is not None:
                    totals[engine][h] += mean
    utilities = {engine: list(totals[engine]) for engine in ENGINES}
    utilities["open_synthesis"] = [-t for t in totals["open_synthesis"]]
    diagnosticity = {engine: [] for engine in ENGINES}
    for e in range(n_items):
        row = unit_values[unit_of[e]]
        for engine in ENGINES:
            present = [v for v in row[engine] if v is not None]
            if engine == "open_synthesis":
                diagnosticity[engine].append(statistics.pstdev(present) if present else 0.0)
            else:
                diagnosticity[engine].append(max(present) - min(present) if present else 0.0)
    return {"utilities": utilities, "diagnosticity": diagnosticity, "unit_of": unit_of, "unit_group": unit_group,
            "unit_values": unit_values, "sums": sums, "counts": counts, "totals": totals,
            "leaders": {engine: _leaders(utilities[engine]) for engine in ENGINES}}


def _leaders(utility: list[float]) -> set[int]:
    best = max(utility)
    tolerance = 1e-9 * max(1.0, max(abs(u) for u in utility))
    return {h for h, u in enumerate(utility) if u >= best - tolerance}


def python_leave_one_out(m: EvidenceMatrix, state: dict[str, Any]) -> dict[str, set[str]]:
    """Leave-one-out with loops: each unit's removal updates one group mean per hypothesis."""
    n_hyps = len(m.hypotheses)
    copies: dict[int, int] = {}
    for u in state["unit_of"]:
        copies[u] = copies.get(u, 0) + 1
    linchpins = {engine: set() for engine in ENGINES}
    for engine in ENGINES:
        baseline = state["leaders"][engine]
        sign = -1.0 if engine == "open_synthesis" else 1.0
        for u, row in enumerate(state["unit_values"]):
            if copies[u] > 1:
                continue
            g = state["unit_group"][u]
            s, c = state["sums"][engine][g], state["counts"][engine][g]
            utility = []
            for h in range(n_hyps):
                value = row[engine][h]
                old_mean = s[h] / c[h] if c[h] else None
                rest_c = c[h] - (value is not None)
                rest_mean = (s[h] - (value or 0.0)) / rest_c if rest_c else None
                if engine == "open_synthesis":
                    old = (3 - old_mean) ** 2 if old_mean is not None and old_mean < 3 else 0.0
                    new = (3 - rest_mean) ** 2 if rest_mean is not None and rest_mean < 3 else 0.0
                else:
                    old, new = old_mean or 0.0, rest_mean or 0.0
                utility.append(sign * (state["totals"][engine][h] - old + new))
            if _leaders(utility) != baseline:
                linchpins[engine].add(u)
    # report item ids (a unit with one copy is one item)
    first_item = {}
    for e, u in enumerate(state["unit_of"]):
        first_item.setdefault(u, m.evidence[e])
    return {engine: {first_item[u] for u in units} for engine, units in linchpins.items()}


def python_monte_carlo_draws(simulator: _Simulator, draws: Any) -> dict[str, list[list[float]]]:
    """Per-draw utilities with loops, from the same sampled perturbations and per-item tables."""
    n_items, n_hyps = len(simulator.matrix.evidence), simulator.n_hyps
    parc_base, os_base = simulator.parc_total.tolist(), simulator.os_total.tolist()
    weighted_base, bayes_base = simulator.parc_weighted_total.tolist(), simulator.bayes_total.tolist()
    moves = {k: v.tolist() for k, v in simulator.class_moves.items()}
    parc_cells = simulator.parc_cells.tolist()
    shift: dict[tuple[int, int], int] = {}
    for d, e, step in zip(draws.weight_draw.tolist(), draws.weight_item.tolist(), draws.weight_step.tolist()):
        shift[(d, e)] = shift.get((d, e), 0) + step
    errors: dict[int, list[int]] = {}
    for j, d in enumerate(draws.draw.tolist()):
        errors.setdefault(d, []).append(j)
    share, n_votes = simulator.share.tolist(), simulator.n_votes.tolist()
    base_class = simulator.base_class.tolist()
    parc_values = [PARC_VALUES[r] for r in RATINGS]
    os_votes = [OPEN_SYNTHESIS_VOTES[r] for r in RATINGS]
    class_weights = [math.sqrt(2.0) ** (s - 2) for s in range(5)]
    tables = simulator.bayes_tables.tolist()
    group_index = simulator.matrix.group_index.tolist()
    os_means, os_counts = simulator.os_means.tolist(), simulator.os_counts.tolist()
    out = {engine: [] for engine in ENGINES}
    items, hyps, olds, news = (draws.item.tolist(), draws.hypothesis.tolist(), draws.old.tolist(),
                               draws.new.tolist())
    for d in range(draws.n_draws):
        parc, weighted, bayes, os_total = list(parc_base), list(weighted_base), list(bayes_base), list(os_base)
        for e in range(n_items):
            k = shift.get((d, e), 0)
            if k:
                bayes_row, cells = moves[k][e], parc_cells[e]
                change = class_weights[base_class[e] + k] - class_weights[base_class[e]]
                for h in range(n_hyps):
                    bayes[h] += bayes_row[h]
                    weighted[h] += change * cells[h]
        os_shift: dict[tuple[int, int], float] = {}
        for j in errors.get(d, []):
            e, h, old, new = items[j], hyps[j], olds[j], news[j]
            scale = share[e] / n_votes[e][h]
            drawn = base_class[e] + shift.get((d, e), 0)
            parc_delta = (parc_values[new] - parc_values[old]) * scale
            parc[h] += parc_delta
            weighted[h] += parc_delta * class_weights[drawn]
            bayes[h] += (tables[e][drawn][new] - tables[e][drawn][old]) * scale
            g = group_index[e]
            key = (g, h)
            os_shift[key] = os_shift.get(key, 0.0) + (os_votes[new] - os_votes[old]) / n_votes[e][h] / os_counts[g][h]
        for (g, h), delta in os_shift.items():
            before = os_means[g][h]
            after = before + delta
            os_total[h] += ((3 - after) ** 2 if after < 3 else 0.0) - ((3 - before) ** 2 if before < 3 else 0.0)
        out["parc"].append(parc)
        out["parc_weighted"].append(weighted)
        out["open_synthesis"].append([-t for t in os_total])
        out["bayes"].append(bayes)
    return out


# -- timing -------------------------------------------------------------------------------------

_CPU: dict[str, float] = {}


def best_of(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """(fastest wall time in seconds, last result); the CPU time of that run goes to ``_CPU``."""
    runs, result = [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
    wall, _CPU["last"] = min(runs)
    return wall, result


def line(label: str, seconds: float, target: float | None = None, peer: float | None = None, note: str = "") -> None:
    """Print one result: wall time (CPU time of the same run), target, Python peer and ratio."""
    cpu = _CPU.pop("last", None)
    text = f"{label:<46} {seconds * 1000:9.1f} ms" + (f" (cpu {cpu * 1000:7.1f})" if cpu is not None else "")
    if target is not None:
        text += f"   target <= {target * 1000:.0f} ms: {'met' if seconds <= target else 'MISSED'}"
    if peer is not None:
        text += f"   python loop {peer * 1000:,.0f} ms ({peer / seconds:,.0f}x slower)"
    print(text + (f"  {note}" if note else ""))


def dependence_section(frame: pd.DataFrame, repeat: int) -> None:
    """Dependence-aware Bayes beside the naive product on the same compiled items."""
    from workbench.analysis.bayes import bayes_parts

    rng = np.random.default_rng(5)
    items = frame["evidence"].unique()
    origin_of = dict(zip(items, [f"o{k}" for k in rng.integers(0, max(1, len(items) // 10), len(items))]))
    with_origins = evidence_matrix(frame.assign(origin=frame["evidence"].map(origin_of)))
    units = with_origins.units[0]
    naive_units = evidence_matrix(frame).units[0]
    naive_time, _ = best_of(lambda: bayes_parts(naive_units).totals(), repeat * 4)
    dependent_time, _ = best_of(lambda: bayes_parts(units, dependence=0.0).totals(), repeat * 4)
    print(f"  {units.n_origins} origins over {units.n_groups} independence groups")
    line("Bayes, one observation per origin", dependent_time, None, None,
         f"naive product on the same items {naive_time * 1000:.1f} ms: {dependent_time / naive_time:.2f}x "
         f"(target <= 2x)")
    engine_time, _ = best_of(lambda: score(with_origins, linchpins=False), repeat)
    line("all engines with origins (compiled matrix)", engine_time, 0.050)
    loo_time, loo = best_of(lambda: leave_one_out(with_origins), repeat)
    sample = rng.choice(len(items), size=min(12, len(items)), replace=False)
    tidy = frame.assign(origin=frame["evidence"].map(origin_of))
    agree = all(
        loo.table.loc[items[i], "bayes_leaders"] == " = ".join(
            score(tidy[tidy["evidence"] != items[i]], linchpins=False).leaders["bayes"])
        for i in sample)
    line("leave-one-out with origins, every item", loo_time, 1.0, None,
         f"re-scoring {len(sample)} sampled removals agrees: {'yes' if agree else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hypotheses", type=int, default=50)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--python-draws", type=int, default=40, help="draws run by the Python MC peer")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only-monte-carlo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only_monte_carlo:  # child run with BLAS on one thread (see the end of main)
        matrix = evidence_matrix(synthetic_frame(args.hypotheses, args.items)).units[0]
        wall, _ = best_of(lambda: _simulate(matrix, args.draws, 0.1, 0.1, np.random.default_rng(1), None), 3)
        line(f"Monte Carlo, {args.draws:,} draws, BLAS on 1 thread", wall, 2.0)
        return

    print(f"{args.hypotheses} hypotheses x {args.items} evidence items; numpy {np.__version__}, "
          f"pandas {pd.__version__}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    frame = synthetic_frame(args.hypotheses, args.items)
    def compile_frame() -> EvidenceMatrix:
        compiled = evidence_matrix(frame)
        compiled.units  # collapsing identical syndicated copies is part of compiling (cached)
        return compiled

    compile_time, matrix = best_of(compile_frame, args.repeat)
    line("validate + compile the tidy frame", compile_time)
    units, _ = matrix.units
    print(f"  {len(units.evidence)} counting units in {units.n_groups} independence groups")

    engine_time, scores = best_of(lambda: score(matrix, linchpins=False), args.repeat)
    start = time.perf_counter()
    state = python_engines(matrix)
    python_engine_time = time.perf_counter() - start
    agree = all(np.allclose(scores.evidence[engine].to_numpy(), state["diagnosticity"][engine], atol=1e-9)
                for engine in ENGINES)
    totals = {"parc": scores.hypotheses["parc_inconsistency"], "parc_weighted": scores.hypotheses[
        "parc_weighted_inconsistency"], "open_synthesis": -scores.hypotheses["open_synthesis_inconsistency"]}
    agree &= all(np.allclose(totals[e].to_numpy(), state["utilities"][e], atol=1e-9) for e in totals)
    agree &= all(set(scores.leaders[e]) == {matrix.hypotheses[h] for h in state["leaders"][e]} for e in ENGINES)
    line("all engines (compiled matrix)", engine_time, 0.050, python_engine_time,
         f"same answer: {'yes' if agree else 'NO'}")
    end_to_end, _ = best_of(lambda: score(frame, linchpins=False), max(1, args.repeat // 2))
    line("all engines from the tidy frame (end to end)", end_to_end)

    loo_time, loo = best_of(lambda: leave_one_out(matrix), args.repeat)
    start = time.perf_counter()
    python_linchpins = python_leave_one_out(matrix, state)
    python_loo_time = time.perf_counter() - start
    agree = all(set(loo.linchpins[e]) == python_linchpins[e] for e in ENGINES)
    line("leave-one-out, every item", loo_time, 1.0, python_loo_time,
         f"same answer: {'yes' if agree else 'NO'} ({sum(len(v) for v in loo.linchpins.values())} linchpins)")

    def run_monte_carlo() -> dict[str, np.ndarray]:
        firsts, _ = _simulate(units, args.draws, 0.1, 0.1, np.random.default_rng(1), None)
        return firsts

    mc_time, firsts = best_of(run_monte_carlo, max(1, args.repeat // 2))
    simulator = _Simulator(units, None)
    sample = _draw(units, np.random.default_rng(2), args.python_draws, 0.1, 0.1, _eligible_votes(units))
    expected = simulator.utilities(sample)
    start = time.perf_counter()
    looped = python_monte_carlo_draws(simulator, sample)
    python_mc_time = (time.perf_counter() - start) / args.python_draws * args.draws
    agree = all(np.allclose(expected[e], np.array(looped[e]), atol=1e-9) for e in ENGINES)
    line(f"Monte Carlo, {args.draws:,} draws", mc_time, 2.0, python_mc_time,
         f"same answer: {'yes' if agree else 'NO'} (python extrapolated from {args.python_draws} draws)")
    dependence_section(frame, args.repeat)
    leader = max(range(len(units.hypotheses)), key=lambda h: firsts["bayes"][h])
    print(f"  Bayes: {units.hypotheses[leader]} ranks first in {firsts['bayes'][leader] / args.draws:.1%} of draws")
    # On a shared, busy machine multi-threaded BLAS spins while it waits for a core; show the
    # single-thread figure too (the environment variable must be set before numpy loads).
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    subprocess.run([sys.executable, "-m", "bench.scoring", "--only-monte-carlo", "--hypotheses", str(args.hypotheses),
                    "--items", str(args.items), "--draws", str(args.draws)], env=env, check=True)
    print(f"load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
