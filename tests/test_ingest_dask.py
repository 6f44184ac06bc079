"""The entity pass on a real Dask cluster (issue 12, item 7): a LocalCluster of 2 worker
processes stores exactly what the serial pass stores, in the same order and with the same ids."""
from __future__ import annotations

import json
import logging
import os
import socket
import sys
from pathlib import Path

import cloudpickle
import pytest
from click.testing import CliRunner
from sqlalchemy import literal_column, select

import workbench.ingest._parallel as parallel
import workbench.ingest._prepare as prepare_module
from conftest import SEED_TXT
from workbench import open_workspace
from workbench.cli import main
from workbench.ingest._parallel import SchedulerError, worker_loads
from workbench.nlp import load_pipeline
from workbench.store import schema as s

pytestmark = pytest.mark.timeout(300)
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import this test module

PARAGRAPHS = [p for p in SEED_TXT.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 25]


def _corpus(folder: Path, extra: list[dict] | None = None) -> Path:
    """Nine distinct articles cut from the seed, a syndicated copy and a repeat of the first."""
    records = []
    for i in range(9):
        body = "\n\n".join(PARAGRAPHS[3 * i + k] for k in range(3))  # no paragraph in two articles
        records.append({"title": f"Part {i}", "text": f"Dispatch {i} from Kyiv.\n\n{body}",
                        "url": f"https://wire.test/{i}", "outlet": f"Outlet {i % 3}"})
    records.append({"title": "Copy of part 2", "text": records[2]["text"] + "\n\nRepublished with permission.",
                    "url": "https://mirror.test/2"})
    records.append(dict(records[0]))
    records += extra or []
    path = folder / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def _stored(ws) -> dict:
    """Everything the entity pass and copy detection wrote, in storage order, with ids."""
    m, a, r = s.mentions, s.articles, s.nlp_runs
    with ws.store.read() as conn:
        return {
            "mentions": conn.execute(select(m.c.id, m.c.article_id, m.c.start, m.c.end, m.c.label, m.c.text,
                                            m.c.canonical, m.c.origin, m.c.fingerprint).order_by(m.c.id)).all(),
            "articles": conn.execute(select(a.c.id, a.c.title, a.c.copy_of, a.c.copy_similarity, a.c.words)
                                     .order_by(literal_column("articles.rowid"))).all(),  # insert order
            "runs": conn.execute(select(r.c.article_id, r.c.fingerprint, r.c.pipeline).order_by(r.c.article_id)).all(),
        }


def _serial(tmp_path: Path, corpus: Path) -> tuple[object, dict]:
    ws = open_workspace(tmp_path / "serial.sqlite", pipeline="builtin")
    result = ws.ingest(corpus, progress=False)
    stored = _stored(ws)
    ws.close()
    return result, stored


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 3 articles: several batches are in flight at once, so order matters."""
    monkeypatch.setattr(prepare_module, "BATCH", 3)


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster of 2 worker processes, one thread each, on 127.0.0.1."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
                      silence_logs=logging.CRITICAL) as local, Client(local, set_as_default=False) as client:
        yield local, client


def _check_same(parallel_result, parallel_stored: dict, serial_result, serial_stored: dict) -> None:
    assert parallel_result.ok and serial_result.ok
    assert parallel_result.added == serial_result.added and len(serial_result.added) == 10
    assert parallel_result.copies == serial_result.copies and len(serial_result.copies) == 1
    assert parallel_result.present == serial_result.present and len(serial_result.present) == 1
    assert len(serial_stored["mentions"]) > 50
    assert parallel_stored == serial_stored


def test_two_local_workers_store_what_the_serial_pass_stores(tmp_path, small_batches):
    corpus = _corpus(tmp_path)
    serial_result, serial_stored = _serial(tmp_path, corpus)
    ws = open_workspace(tmp_path / "parallel.sqlite", pipeline="builtin")
    result = ws.ingest(corpus, progress=False, workers=2)
    _check_same(result, _stored(ws), serial_result, serial_stored)
    ws.close()


def test_existing_scheduler_runs_the_same_pass(tmp_path, small_batches, cluster):
    local, client = cluster
    corpus = _corpus(tmp_path)
    serial_result, serial_stored = _serial(tmp_path, corpus)
    ws = open_workspace(tmp_path / "parallel.sqlite", pipeline="builtin")
    result = ws.ingest(corpus, progress=False, scheduler=local.scheduler_address)
    _check_same(result, _stored(ws), serial_result, serial_stored)
    ws.close()
    # each worker loaded the pipeline at most once (not per batch: there were 4 batches)
    loads = client.run(worker_loads)
    assert sorted(len(v) for v in loads.values()) in ([0, 1], [1, 1]), loads
    assert all(v in ([], ["builtin"]) for v in loads.values()), loads
    # and the cluster the caller owns is still up
    assert len(client.nthreads()) == 2


def test_cli_ingest_on_an_existing_scheduler(tmp_path, cluster):
    local, _ = cluster
    corpus = _corpus(tmp_path)
    serial_result, serial_stored = _serial(tmp_path, corpus)
    target = tmp_path / "cli.sqlite"
    out = CliRunner().invoke(main, ["ingest", "--workspace", str(target), "--pipeline", "builtin",
                                    "--scheduler", local.scheduler_address, str(corpus)])
    assert out.exit_code == 0, out.output
    assert "10 added (1 syndicated copies), 1 already present, 0 failed" in out.output
    ws = open_workspace(target)
    assert _stored(ws) == serial_stored
    ws.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_scheduler_is_one_line_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", 2.0)
    address = f"tcp://127.0.0.1:{_free_port()}"
    corpus = _corpus(tmp_path)
    ws = open_workspace(tmp_path / "ws.sqlite", pipeline="builtin")
    with pytest.raises(SchedulerError) as err:
        ws.ingest(corpus, progress=False, scheduler=address)
    assert str(err.value).startswith(f"{address}: cannot reach the Dask scheduler")
    assert "\n" not in str(err.value)
    assert ws.articles.empty
    ws.close()

    out = CliRunner().invoke(main, ["ingest", "--workspace", str(tmp_path / "cli.sqlite"), "--scheduler", address,
                                    str(corpus)])
    assert out.exit_code == 1
    assert out.output.strip() == f"Error: {err.value}"
    assert "Traceback" not in out.output


def test_cli_workers_option(tmp_path, seed_dir):
    out = CliRunner().invoke(main, ["ingest", "--workspace", str(tmp_path / "w.sqlite"), "--workers", "0",
                                    str(seed_dir)])
    assert out.exit_code == 2 and "--workers" in out.output


class Fragile:
    """The built-in pipeline, except that one article raises and another kills its worker process."""

    name = "builtin-fragile"
    fingerprint = "fragile-test"

    def __init__(self) -> None:
        self.parent = os.getpid()

    def extract_batch(self, texts, languages=None):  # noqa: ANN001, ANN201
        for text in texts:
            if "RAISES" in text:
                raise ValueError("this article breaks the pipeline")
            if "KILLS" in text and os.getpid() != self.parent:  # never the test process itself
                os._exit(13)
        return load_pipeline("builtin").extract_batch(texts, languages)


def test_a_worker_crash_costs_only_its_article(tmp_path, small_batches):
    extra = [{"title": "Killer", "text": "This dispatch KILLS the worker that reads it, in Minsk.",
              "url": "https://bad.test/kill"},
             {"title": "Raiser", "text": "This dispatch RAISES inside the pipeline, in Kyiv.",
              "url": "https://bad.test/raise"}]
    corpus = _corpus(tmp_path, extra)
    ws = open_workspace(tmp_path / "ws.sqlite")
    result = ws.ingest(corpus, progress=False, workers=2, pipeline=Fragile())
    assert sorted(err.source for err in result.failed) == [f"{corpus} line 12", f"{corpus} line 13"]
    killed = next(err for err in result.failed if err.source.endswith("line 12"))
    raised = next(err for err in result.failed if err.source.endswith("line 13"))
    assert "stopped its Dask worker" in killed.problem
    assert raised.problem == "entity pass failed (ValueError: this article breaks the pipeline)"
    # the articles batched with them, and all the others, are stored with their mentions
    assert len(result.added) == 10
    stored = _stored(ws)
    assert {row.article_id for row in stored["mentions"]} == set(result.added)
    assert {row.fingerprint for row in stored["mentions"]} == {"fragile-test"}
    ws.close()


def test_serial_pass_isolates_an_article_that_breaks_the_pipeline(tmp_path):
    extra = [{"title": "Raiser", "text": "This dispatch RAISES inside the pipeline, in Kyiv.",
              "url": "https://bad.test/raise"}]
    corpus = _corpus(tmp_path, extra)
    ws = open_workspace(tmp_path / "ws.sqlite")
    result = ws.ingest(corpus, progress=False, pipeline=Fragile())
    assert [str(err) for err in result.failed] == [
        f"{corpus} line 12: entity pass failed (ValueError: this article breaks the pipeline)"]
    assert len(result.added) == 10
    ws.close()
