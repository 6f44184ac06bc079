"""kill -9 in the middle of a batch leaves a sound workspace of whole articles.

On a SQLite file the writer itself dies mid-transaction; on PostgreSQL the killed process is the
database's client, caught while its write transaction is open (the server rolls it back). Either
way every stored article is whole, and the batch resumes where it stopped."""
import os
import signal
import subprocess
import sys
import textwrap
import time

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from conftest import SEED_TXT, raw_engine
from workbench.ingest.syndication import bands, bands_to_keep, shingles
from workbench.ingest.text import words


def _corpus(tmp_path, size: int):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    base = SEED_TXT.read_text(encoding="utf-8")
    paragraphs = base.split("\n\n")
    for i in range(size):
        # distinct articles (rotated paragraphs + a unique line) so none is a duplicate
        k = i % len(paragraphs)
        body = f"Dispatch {i} from the desk.\n\n" + "\n\n".join(paragraphs[k:] + paragraphs[:k])
        (corpus / f"a{i:03d}.txt").write_text(body, encoding="utf-8")
    return corpus


def _writing(conn, location: str) -> bool:
    """The ingest has a write transaction open right now (PostgreSQL: its server process says so;
    SQLite: always taken as yes, the writer holds the file's lock for nearly all of a batch)."""
    if "://" not in location:
        return True
    return conn.execute(text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_xid IS NOT NULL")).scalar_one() > 0


def _client_gone(conn) -> bool:
    return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                             "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")).scalar_one() == 0


def test_kill_9_during_ingest_leaves_whole_articles(tmp_path, workspace_location):
    location = workspace_location
    size = 400 if "://" not in location else 200  # the server's resume below is the slow part: keep it short
    corpus = _corpus(tmp_path, size)
    script = textwrap.dedent(f"""
        import workbench as wb
        ws = wb.open_workspace({location!r}, pipeline="builtin")
        ws.ingest({str(corpus)!r}, progress=False)
    """)
    watcher = raw_engine(location).execution_options(isolation_level="AUTOCOMMIT")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            if "://" not in location and not os.path.exists(location):
                continue  # connecting would make an empty file the ingest then refuses
            try:
                with watcher.connect() as conn:
                    stored = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
                    if stored >= 40 and _writing(conn, location):
                        break
            except DBAPIError:  # no table yet, or SQLite's writer holds the lock
                continue
        assert proc.poll() is None, f"ingest ended before the kill: {proc.stderr.read().decode()[-2000:]}"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None and proc.returncode is None:
            proc.kill()  # never leave the writer running, whatever failed above
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with watcher.connect() as conn:
        if conn.dialect.name == "postgresql":  # the server notices the dead client and rolls back
            deadline = time.monotonic() + 30
            while not _client_gone(conn) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _client_gone(conn)
        else:  # the file itself is sound
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        count = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
        assert 40 <= count < size
        # every stored article carries its entity run, its mentions and its LSH bands
        assert conn.execute(text("SELECT count(*) FROM articles a LEFT JOIN nlp_runs r ON r.article_id = a.id "
                                 "WHERE r.article_id IS NULL")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                                 "(SELECT 1 FROM mentions m WHERE m.article_id = a.id)")).scalar_one() == 0
        # one ingest event per stored article, and none for an article that is not there
        logged = [target for (target,) in conn.execute(text(
            "SELECT target_id FROM audit_log WHERE action = 'ingest' AND target_type = 'article' ORDER BY id"))]
        stored_ids = {row[0] for row in conn.execute(text("SELECT id FROM articles"))}
        assert len(logged) == count and set(logged) == stored_ids
        # ... and the LSH bands it was due: replaying the ingest order (the log's), each article keeps
        # the bands whose bucket was not yet full (syndication.BUCKET_CAP), no more and no fewer
        stored_bands: dict[str, set[int]] = {}
        for band, article_id in conn.execute(text("SELECT band, article_id FROM article_bands")):
            stored_bands.setdefault(article_id, set()).add(band)
        texts = dict(conn.execute(text("SELECT id, text FROM articles")).all())
        sizes: dict[int, int] = {}
        for article_id in logged:
            due = set(bands_to_keep(bands(shingles(words(texts[article_id]))), sizes))
            assert stored_bands.get(article_id, set()) == due, article_id
        assert set(stored_bands) <= stored_ids
        for body, start, end, mention in conn.execute(text(
                'SELECT a.text, m.start, m."end", m.text FROM mentions m JOIN articles a ON a.id = m.article_id')):
            assert body[start:end] == mention
    watcher.dispose()

    import workbench as wb

    with wb.open_workspace(location, pipeline="builtin") as ws:  # the workspace opens and the batch can resume
        result = ws.ingest(corpus, progress=False)
        assert len(result.present) == count and len(result.added) == size - count
        assert len(ws.articles) == size
