"""The entity pass of a batch of articles, in this process or on a Dask cluster.

``analyse`` is the unit of work: entity mentions (where still needed), shingles and LSH bands
for a batch of texts, each article's failure kept to that article. ``DaskEntityPass`` sends
batches to a Dask cluster (a ``distributed.LocalCluster`` of processes with one thread each,
or an existing scheduler) and hands the results back in the order the batches were given,
so the store stays a single writer fed in order. Each worker process loads the entity
pipeline once (``_worker_pipeline``), not once per article or batch.
"""
from __future__ import annotations

import ast
import logging
import multiprocessing
import os
import pickle
import sys
import tokenize
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import WorkbenchError
from ..nlp import PIPELINE_ENV, EntityPipeline, load_pipeline
from .syndication import bands, shingles
from .text import words

__all__ = ["Analysed", "DaskEntityPass", "LOCAL_CONFIG", "MainGuardError", "SchedulerError", "analyse",
           "analyse_on_worker", "describe_on_worker", "worker_loads"]

CONNECT_TIMEOUT = 10.0     # seconds to reach an existing scheduler before giving up
BATCHES_PER_WORKER = 2     # batches in flight per worker thread: keeps workers busy, memory bounded
# Dask settings for the clusters started here and the client of any cluster.
# - Every batched stream (client -> scheduler, scheduler -> each worker) keeps its last
#   ``low-level-log-length`` messages (1,000 by default) for Dask's own debugging, and those
#   messages ARE the batches: the client's pickled articles and the scheduler's unpickled
#   copies. Kept, they grew the ingesting process by about 4x the text sent until 1,000 batches
#   (32,000 articles). 0 keeps none (the scheduler's transition log and events go too).
# - A crash is retried article by article here (see ``next_result``), not by the scheduler.
LOCAL_CONFIG = {"distributed.admin.low-level-log-length": 0, "distributed.scheduler.allowed-failures": 0}


class SchedulerError(WorkbenchError):
    """The Dask scheduler could not be reached or used. ``str(err)`` names its address."""


class MainGuardError(SchedulerError, SystemExit):
    """A script starts local workers from code that each worker process would run again.

    Worker processes start by importing the main script (multiprocessing's "spawn"), so a call
    outside ``if __name__ == "__main__":`` would start workers of its own in each of them.
    Also a ``SystemExit``: a script that does not catch it ends with its one line and no
    traceback; ``except Exception`` (the CLI, a notebook) still catches it as an error.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = message  # what Python prints when the script ends on it


@dataclass
class Analysed:
    """One article's share of the work: its mentions (None when reused from the store, or when
    the entity pass failed on it), shingles and bands, or the error that stopped it."""

    mentions: list[dict] | None
    shingles: set[int] = field(default_factory=set)
    bands: list[int] = field(default_factory=list)
    error: str | None = None


def analyse(pipeline: Any, texts: Sequence[str], languages: Sequence[str], needed: Sequence[bool],
            word_lists: Sequence[list[str]] | None = None) -> list[Analysed]:
    """Mentions, shingles and bands for a batch of texts, in their order.

    The batch goes through the pipeline at once; if that raises, each text is run alone, so
    one article that breaks the pipeline fails alone.

    Args:
        pipeline: an object with ``extract_batch(texts, languages)`` (an ``EntityPipeline``).
        texts: the cleaned article texts.
        languages: their ISO 639-1 codes.
        needed: per text, whether the entity pass must run (False: mentions are reused).
        word_lists: ``text.words`` of each text when the caller has them (else computed here).
    Returns:
        One ``Analysed`` per text.
    """
    todo = [i for i, need in enumerate(needed) if need]
    found: dict[int, list[dict] | None] = {}
    errors: dict[int, str] = {}
    if todo:
        try:
            found = dict(zip(todo, pipeline.extract_batch([texts[i] for i in todo], [languages[i] for i in todo])))
        except Exception:  # noqa: BLE001 - find the article at fault, keep the others
            for i in todo:
                try:
                    found[i] = pipeline.extract_batch([texts[i]], [languages[i]])[0]
                except Exception as exc:  # noqa: BLE001
                    errors[i] = f"entity pass failed ({type(exc).__name__}: {exc})"
    out = []
    for i, text in enumerate(texts):
        if i in errors:
            out.append(Analysed(None, error=errors[i]))
            continue
        shingle_set = shingles(word_lists[i] if word_lists is not None else words(text))
        out.append(Analysed(found.get(i), shingle_set, bands(shingle_set)))
    return out


# -- the worker side: module-level functions, so that Dask pickles them by reference -------
_PIPELINES: dict[str, Any] = {}
_LOADS: list[str] = []


def _worker_pipeline(spec: str | tuple[str, bytes]) -> Any:
    """The pipeline for ``spec`` in this worker process, loaded once per process: a choice
    string, or (token, pickled pipeline object) for a caller's own pipeline object."""
    key = spec if isinstance(spec, str) else spec[0]
    pipe = _PIPELINES.get(key)
    if pipe is None:
        pipe = _PIPELINES[key] = load_pipeline(spec) if isinstance(spec, str) else pickle.loads(spec[1])
        _LOADS.append(key)
    return pipe


def analyse_on_worker(spec: Any, texts: list[str], languages: list[str],
                      needed: list[bool]) -> tuple[str, list[Analysed]]:
    """``analyse`` on a worker. Returns (the worker pipeline's fingerprint, the results)."""
    pipeline = _worker_pipeline(spec)
    return pipeline.fingerprint, analyse(pipeline, texts, languages, needed)


def describe_on_worker(spec: Any) -> tuple[str, str]:
    """(name, fingerprint) of the pipeline a worker runs for ``spec``."""
    pipeline = _worker_pipeline(spec)
    return pipeline.name, pipeline.fingerprint


def worker_loads() -> list[str]:
    """The pipeline choices this process has loaded, one entry per load (for tests)."""
    return list(_LOADS)


# -- the client side ---------------------------------------------------------------------
@dataclass
class PipelineId:
    """What the store records about the pipeline that found the mentions."""

    name: str
    fingerprint: str


class DaskEntityPass:
    """Batches out to a Dask cluster, results back in order.

    Args:
        pipeline: an ``EntityPipeline`` (workers load the same choice by name), a choice string
            or None (``WORKBENCH_PIPELINE``, else "auto"), or any picklable object with
            ``name``, ``fingerprint`` and ``extract_batch`` (sent once to each worker).
        workers: size of the local cluster to start when no scheduler is given.
        scheduler: address of an existing Dask scheduler (``tcp://host:port``).
    Raises:
        SchedulerError: the scheduler cannot be reached (one line naming its address).
    """

    def __init__(self, pipeline: Any, *, workers: int | None, scheduler: str | None) -> None:
        from distributed import Client, LocalCluster  # lazy: a serial ingest never pays for it

        import dask

        self._cluster = None
        # read when the client, the scheduler and the workers are built (imported above first,
        # so that leaving this block restores distributed's defaults rather than wiping them)
        with dask.config.set(LOCAL_CONFIG):
            if scheduler:
                try:
                    self.client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
                except (OSError, ValueError, TypeError) as exc:
                    raise SchedulerError(f"{scheduler}: cannot reach the Dask scheduler ({_one_line(exc)})") from None
            else:
                _check_main_guard(workers)
                # 127.0.0.1 only; the scheduler's HTTP endpoint on a free port, no dashboard
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                             host="127.0.0.1", dashboard_address=None, silence_logs=logging.CRITICAL,
                                             scheduler_kwargs={"dashboard": False,
                                                               "dashboard_address": "127.0.0.1:0"})
                self.client = Client(self._cluster, set_as_default=False)
        self.address = scheduler or self._cluster.scheduler_address
        try:
            self._setup(pipeline)
        except BaseException:
            self.close()
            raise
        self._window: deque[tuple[Any, Any]] = deque()

    def _setup(self, pipeline: Any) -> None:
        threads = sum(self.client.nthreads().values())
        if threads == 0:
            raise SchedulerError(f"{self.address}: the Dask scheduler has no workers")
        self.limit = max(2, BATCHES_PER_WORKER * threads)
        if isinstance(pipeline, EntityPipeline):
            self._spec: Any = pipeline.name
        elif pipeline is None or isinstance(pipeline, str):
            self._spec = pipeline or os.environ.get(PIPELINE_ENV) or "auto"
        else:
            # pickled here once, unpickled once per worker (scattered data would not survive
            # a worker's crash); cloudpickle also carries a class defined in a notebook
            import cloudpickle

            self._spec = (f"object-{uuid.uuid4().hex}", cloudpickle.dumps(pipeline))
        if hasattr(pipeline, "fingerprint") and hasattr(pipeline, "name"):
            self.pipeline = PipelineId(pipeline.name, pipeline.fingerprint)
        else:
            name, fingerprint = self.client.submit(describe_on_worker, self._spec, pure=False).result()
            self.pipeline = PipelineId(name, fingerprint)

    @property
    def full(self) -> bool:
        """True when the caller should collect a result before submitting more."""
        return len(self._window) >= self.limit

    @property
    def pending(self) -> int:
        """Batches submitted and not yet collected."""
        return len(self._window)

    def submit(self, tag: Any, texts: list[str], languages: list[str], needed: list[bool]) -> None:
        """Send one batch; ``tag`` comes back with its results (``next_result``)."""
        future = self.client.submit(analyse_on_worker, self._spec, texts, languages, needed, pure=False)
        self._window.append((tag, (future, texts, languages, needed)))

    def next_result(self) -> tuple[Any, list[Analysed]]:
        """The oldest batch's (tag, results), waiting for it.

        A batch whose worker died is sent again article by article: an article that kills
        its worker again is reported as failed, the others come back.
        """
        tag, (future, texts, languages, needed) = self._window.popleft()
        results = self._collect(future)
        if results is not None:
            return tag, results
        articles = list(zip(texts, languages, needed))
        singles = [self._send_one(*article) for article in articles]
        results = []
        for article, single in zip(articles, singles):
            one = self._collect(single)
            if one is None:
                # an article queued on the worker another one killed dies with it: only an
                # article that stops a worker when it runs alone is to blame
                one = self._collect(self._send_one(*article))
            results.append(one[0] if one else Analysed(
                None, error="the entity pass stopped its Dask worker (twice: in its batch, then alone)"))
        return tag, results

    def _send_one(self, text: str, language: str, need: bool) -> Any:
        return self.client.submit(analyse_on_worker, self._spec, [text], [language], [need], pure=False)

    def _collect(self, future: Any) -> list[Analysed] | None:
        """A task's results (its pipeline checked), or None when its worker died."""
        try:
            fingerprint, results = future.result()
        except Exception:  # noqa: BLE001 - KilledWorker or a lost connection
            if self.client.status != "running":
                raise SchedulerError(f"{self.address}: lost the Dask scheduler") from None
            return None
        self._check(fingerprint)
        return results

    def _check(self, fingerprint: str) -> None:
        if fingerprint != self.pipeline.fingerprint:
            raise SchedulerError(f"{self.address}: a Dask worker runs another entity pipeline "
                                 f"(fingerprint {fingerprint}, expected {self.pipeline.fingerprint}); "
                                 "install the same models and versions on every worker")

    def close(self) -> None:
        """Stop the local cluster (if this object started it) and disconnect."""
        for future in getattr(self, "_window", ()):
            future[1][0].cancel()
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> "DaskEntityPass":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_main_guard(workers: int | None) -> None:
    """Refuse to start local workers from main-script code that each worker would run again.

    Raises:
        MainGuardError: this process is itself a worker being started (it re-ran the script),
            or the main script calls us from a module-level statement under no ``if``/``while``/
            ``match``/``except`` (an unusual guard is let through: only a sure case is refused).
    """
    fix = "call it under `if __name__ == \"__main__\":` in the script, or use workers=1"
    what = f"ingest(workers={workers}) starts worker processes that import the main script again"
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise MainGuardError(f"{what}: {fix}")
    import dask  # lazy, as in DaskEntityPass (which has loaded distributed's defaults)

    if dask.config.get("distributed.worker.multiprocessing-method", None) == "fork":
        return  # forked workers do not import the script
    where = _unguarded_call()
    if where is not None:
        raise MainGuardError(f"{where[0]}, line {where[1]}: {what}: {fix}")


def _unguarded_call() -> tuple[str, int] | None:
    """(script, line) when the call comes from a statement of the main script that runs
    whenever the script is imported, else None (no script file, or the line is conditional)."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    if not path:
        return None  # python -c, a notebook, an interactive session
    path = os.path.realpath(path)
    frame = sys._getframe(1)
    while frame is not None and not (frame.f_code.co_name == "<module>"
                                     and os.path.realpath(frame.f_code.co_filename) == path):
        frame = frame.f_back
    if frame is None:
        return None
    line = frame.f_lineno
    try:
        with tokenize.open(path) as source:
            tree = ast.parse(source.read(), path)
    except (OSError, SyntaxError, ValueError):
        return None
    conditional = (ast.If, ast.While, ast.Match, ast.ExceptHandler, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.walk(tree):
        if isinstance(node, conditional) and node.lineno <= line <= (node.end_lineno or node.lineno):
            return None
    return path, line


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if not text.startswith(type(exc).__name__) else text
