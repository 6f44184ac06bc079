"""Bad input: each gets one clear line naming it, nothing of it is stored, the rest stays."""
import json
import os

import pytest

GOOD_TEXT = "NATO said on Monday that Russian troops in Belarus had started new drills near Brest."


def _files(tmp_path):
    """name -> (path, expected fragment of the error)."""
    cases = {}

    def add(name, data, expect):
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        cases[name] = (path, expect)

    add("empty.txt", b"", "empty file")
    add("binary.txt", bytes(range(256)) * 64, "binary file")
    add("huge.txt", b"word " * 10_000_000, "file too large (50.0 MB")
    add("truncated.html", "<html><head><title>Cut</title></head><body><article><p>The article starts and then",
        "truncated HTML")
    add("malformed.html", "{\"this\": \"is not html\"}", "not HTML")
    add("css-only.html", "<html><head><style>body{color:red} p{margin:0}</style></head><body></body></html>",
        "no article text found")
    add("no-text.json", json.dumps({"title": "Only a title", "url": "https://x.test"}), "missing 'text'")
    add("bad.json", "{\"title\": \"x\", \"text\": ", "invalid JSON")
    add("broken-row.csv", f'title,text\n"ok","{GOOD_TEXT} Row."\n"broken","a","b","c"\n', "expected 2 fields, found 4")
    add("no-text-column.csv", "title,body\nx,y\n", "no 'text' column")
    add("bad.jsonl", json.dumps({"text": GOOD_TEXT + " Line one."}) + "\n{not json}\n", "invalid JSON")
    return cases


def test_bad_files_each_fail_clearly_and_the_batch_keeps_the_good(ws, tmp_path):
    cases = _files(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT)
    missing = tmp_path / "does-not-exist.txt"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "gone.txt")
    sources = [good, *[p for p, _ in cases.values()], missing, dangling]
    result = ws.ingest(*sources, progress=False)

    messages = [str(e) for e in result.failed]
    for name, (path, expect) in cases.items():
        mine = [m for m in messages if m.startswith(str(path))]
        assert mine, f"no error for {name}: {messages}"
        assert any(expect in m for m in mine), (name, mine)
    assert any(m == f"{missing}: no such file or directory" for m in messages)
    assert any(m == f"{dangling}: broken link" for m in messages)
    assert all("\n" not in m for m in messages)  # one line each

    # stored: good.txt, the good CSV row, the good JSONL line; nothing of the rest
    titles = set(ws.articles["title"].fillna(""))
    assert "ok" in titles
    texts = [ws.article(i).text for i in ws.articles["id"]]
    assert GOOD_TEXT in texts and GOOD_TEXT + " Line one." in texts and GOOD_TEXT + " Row." in texts
    assert len(texts) == 3
    assert not result.ok


def test_unreadable_file(tmp_path):
    """A file the user may not read. Root reads everything, so as root the ingest runs in a
    child process without the capabilities that bypass file permissions (setpriv)."""
    import subprocess
    import sys

    secret = tmp_path / "secret.txt"
    secret.write_text(GOOD_TEXT)
    secret.chmod(0)
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT + " Readable.")
    code = ("import json, workbench as wb; ws = wb.open_workspace(%r, pipeline='builtin'); "
            "r = ws.ingest(%r, %r, progress=False); print(json.dumps([[str(e) for e in r.failed], len(r.added)]))"
            % (str(tmp_path / "ws.sqlite"), str(secret), str(good)))
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", "--bounding-set", caps, "--inh-caps", caps, *command]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    failed, added = json.loads(out.stdout.strip().splitlines()[-1])
    assert failed == [f"{secret}: permission denied"]
    assert added == 1


def test_directory_with_unreadable_entry(ws, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT)
    (folder / "loop.txt").symlink_to(folder / "loop.txt")  # a symlink loop cannot be read
    result = ws.ingest(folder, progress=False)
    assert len(result.added) == 1
    assert len(result.failed) == 1 and str(result.failed[0]).startswith(str(folder / "loop.txt"))


def test_unsupported_inputs(ws, tmp_path):
    sheet = tmp_path / "x.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    result = ws.ingest(sheet, "ftp://example.test/a.txt", progress=False)
    assert [e.problem.split(";")[0] for e in result.failed] == [
        "unsupported file type '.xlsx'", "unsupported URL scheme (http and https only)"]


@pytest.mark.parametrize("path,expect", [
    ("/missing", "HTTP 404 Not Found"),
    ("/broken", "HTTP 500 Internal Server Error"),
    ("/slow", "timed out after 1 s"),
    ("/endless", "response too large (over 1,000,000 bytes)"),
    ("/image.png", "unsupported content type 'image/png'"),
    ("/css-only.html", "no article text found in the page"),
])
def test_bad_urls(ws, http_server, path, expect):
    url = http_server + path
    result = ws.ingest(url, f"{http_server}/plain.txt", progress=False,
                       fetch_options={"timeout": 1, "max_bytes": 1_000_000})
    assert [str(e) for e in result.failed] == [f"{url}: {expect}"]
    assert len(result.added) == 1  # the good URL in the same batch is stored
    assert list(ws.articles["url"]) == [f"{http_server}/plain.txt"]


def test_connection_refused(ws):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/a"
    result = ws.ingest(url, progress=False, fetch_options={"timeout": 2})
    assert len(result.failed) == 1 and str(result.failed[0]).startswith(f"{url}: cannot connect")
