"""kill -9 in the middle of a batch leaves a sound workspace of whole articles."""
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

from conftest import SEED_TXT
from workbench.ingest.syndication import bands, bands_to_keep, shingles
from workbench.ingest.text import words


def test_kill_9_during_ingest_leaves_whole_articles(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    base = SEED_TXT.read_text(encoding="utf-8")
    paragraphs = base.split("\n\n")
    for i in range(400):
        # distinct articles (rotated paragraphs + a unique line) so none is a duplicate
        k = i % len(paragraphs)
        body = f"Dispatch {i} from the desk.\n\n" + "\n\n".join(paragraphs[k:] + paragraphs[:k])
        (corpus / f"a{i:03d}.txt").write_text(body, encoding="utf-8")
    db = tmp_path / "ws.sqlite"
    script = textwrap.dedent(f"""
        import workbench as wb
        ws = wb.open_workspace({str(db)!r}, pipeline="builtin")
        ws.ingest({str(corpus)!r}, progress=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as conn:
                        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                except sqlite3.OperationalError:
                    continue
            if stored >= 40:
                break
        assert proc.poll() is None, f"ingest ended before the kill: {proc.stderr.read().decode()[-2000:]}"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert 40 <= count < 400
        # every stored article carries its entity run, its mentions and its LSH bands
        assert conn.execute("SELECT count(*) FROM articles a LEFT JOIN nlp_runs r ON r.article_id = a.id "
                            "WHERE r.article_id IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                            "(SELECT 1 FROM mentions m WHERE m.article_id = a.id)").fetchone()[0] == 0
        # ... and the LSH bands it was due: replaying the ingest order, each article keeps the bands
        # whose bucket was not yet full (syndication.BUCKET_CAP), no more and no fewer
        stored_bands: dict[str, set[int]] = {}
        for band, article_id in conn.execute("SELECT band, article_id FROM article_bands"):
            stored_bands.setdefault(article_id, set()).add(band)
        sizes: dict[int, int] = {}
        for article_id, text in conn.execute("SELECT id, text FROM articles ORDER BY rowid"):
            due = set(bands_to_keep(bands(shingles(words(text))), sizes))
            assert stored_bands.get(article_id, set()) == due, article_id
        assert set(stored_bands) <= {row[0] for row in conn.execute("SELECT id FROM articles")}
        for text, start, end, mention in conn.execute(
                "SELECT a.text, m.start, m.\"end\", m.text FROM mentions m JOIN articles a ON a.id = m.article_id"):
            assert text[start:end] == mention

    import workbench as wb

    ws = wb.open_workspace(db, pipeline="builtin")  # the workspace opens and the batch can resume
    result = ws.ingest(corpus, progress=False)
    assert len(result.present) == count and len(result.added) == 400 - count
    assert len(ws.articles) == 400
