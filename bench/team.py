"""Team scoring speed (issue #12 target): a 50 hypotheses × 1,000 items matrix rated by 5 analysts.

The matrix is ``bench.scoring.synthetic_frame`` (weights, grades, syndicated groups, ~3 % unrated
cells) rated by five analysts, each changing ~30 % of the cells at random. It prints, best of
several runs:

- the team score on the compiled matrix: consensus, Open Synthesis on the mean votes, PARC,
  WIS and Bayes on the consensus, and leave-one-out linchpins         [target <= 100 ms];
- its peer, measured in the same run: the single-analyst score of the same size (one analyst's
  matrix, same engines and linchpins), and the ratio;
- compiling (validating) the 5-analyst tidy frame, on its own line, and the disagreement view.

Targets are printed, never asserted. The machine may be shared: the load average is printed.

Run: python -m bench.team [--hypotheses 50] [--items 1000] [--analysts 5] [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from bench.scoring import synthetic_frame
from workbench.analysis import disagreements, evidence_matrix, score, team_score
from workbench.analysis.scales import RATINGS


def team_frame(hypotheses: int, items: int, analysts: int, seed: int = 0) -> pd.DataFrame:
    """The synthetic frame rated by ``analysts`` analysts (each differs on ~30 % of the cells)."""
    base = synthetic_frame(hypotheses, items, seed)
    rng = np.random.default_rng(seed + 1)
    frames = []
    for index in range(analysts):
        frame = base.copy()
        frame["analyst"] = f"analyst-{index + 1}"
        changed = rng.random(len(frame)) < 0.3
        frame.loc[changed, "rating"] = np.array(RATINGS[:5], dtype=object)[rng.integers(0, 5, int(changed.sum()))]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def best_ms(run: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in milliseconds (after one warm-up)."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hypotheses", type=int, default=50)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--analysts", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    long = team_frame(args.hypotheses, args.items, args.analysts)
    single = long[long["analyst"] == "analyst-1"].drop(columns="analyst")
    team_matrix = evidence_matrix(long)
    single_matrix = evidence_matrix(single)
    shape = f"{args.hypotheses} hypotheses × {args.items:,} items"
    team_ms = best_ms(lambda: team_score(team_matrix), args.repeat)
    single_ms = best_ms(lambda: score(single_matrix), args.repeat)
    compile_ms = best_ms(lambda: evidence_matrix(long), max(1, args.repeat // 2))
    split_ms = best_ms(lambda: disagreements(team_matrix), max(1, args.repeat // 2))
    print(f"team score, {args.analysts} analysts, {shape}, compiled: {team_ms:7.1f} ms   [target <= 100 ms]")
    print(f"peer: one analyst's score, same size:           {single_ms:7.1f} ms")
    print(f"ratio team / one analyst:                        {team_ms / single_ms:7.2f}x")
    print(f"compiling the {len(long):,}-row tidy frame:            {compile_ms:7.1f} ms   (once per read)")
    print(f"disagreement view (cells, items, leaders):       {split_ms:7.1f} ms")
    check = team_score(team_matrix)
    print(f"leaders: {dict(check.leaders)}")


if __name__ == "__main__":
    main()
