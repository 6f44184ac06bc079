"""Fault injection for URL ingest: hostile HTTP servers on 127.0.0.1 (raw sockets).

Each server runs in threads, answers with what a route writes on the socket (a slow drip,
huge or countless headers, a garbage status line, a body cut short, redirect chains...)
and stops itself after ``lifetime`` seconds, so a client that hangs cannot hang the suite.
"""
from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from ipaddress import ip_address
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (b"Wire copy\n\nNATO ministers met in Brussels on Tuesday to discuss air defence for Ukraine. "
           b"The alliance said new systems would arrive before the winter.")
SECRET = b"Internal admin page\n\nThe quarterly payroll export for the whole staff is ready for download here."
DEADLINE = 2.0   # total_timeout given to the fetcher in the deadline tests
READ_TIMEOUT = 5.0  # per-read timeout: larger than the drip interval, so only the deadline can stop a drip
DRIP = 0.25      # seconds between bytes of a drip

Route = Callable[[socket.socket, "HostileServer"], None]


class HostileServer:
    """A threaded raw-socket server on 127.0.0.1; ``routes`` maps a request path to a writer."""

    def __init__(self, routes: dict[str, Route], lifetime: float = 30.0, tls: ssl.SSLContext | None = None) -> None:
        self.routes = routes
        self.tls = tls
        self.hits: list[str] = []
        self._stop = threading.Event()
        self._until = time.monotonic() + lifetime
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self.base = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def alive(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._until

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _serve(self) -> None:
        try:
            while self.alive():
                try:
                    conn, _ = self._sock.accept()
                except TimeoutError:
                    continue
                threading.Thread(target=self._handle, args=(conn,), daemon=True).start()
        finally:
            self._sock.close()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            try:
                if self.tls:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                path = data.split(b" ", 2)[1].decode("latin-1")
                self.hits.append(path)
                self.routes.get(path, _not_found)(conn, self)
            except (OSError, IndexError):
                pass  # the client went away (as it should, from a hostile server)


def _response(status: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers)
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode("latin-1") + body


def send(status: str, body: bytes = b"", ctype: str = "text/plain; charset=utf-8",
         extra: list[tuple[str, str]] | None = None) -> Route:
    headers = [("Content-Type", ctype), ("Content-Length", str(len(body))), *(extra or [])]
    return lambda conn, server: conn.sendall(_response(status, headers, body))


def raw(data: bytes) -> Route:
    return lambda conn, server: conn.sendall(data)


def redirect(location: str, status: str = "302 Found") -> Route:
    return send(status, b"", "text/html", [("Location", location)])


def drip(data: bytes, interval: float = DRIP, prefix: bytes = b"") -> Route:
    """Send ``prefix`` at once, then ``data`` one byte at a time, until the server stops."""
    def route(conn: socket.socket, server: HostileServer) -> None:
        conn.sendall(prefix)
        for byte in data:
            if not server.alive():
                return
            conn.sendall(bytes([byte]))
            time.sleep(interval)
    return route


def _not_found(conn: socket.socket, server: HostileServer) -> None:
    send("404 Not Found", b"unknown")(conn, server)


def _endless_headers(conn: socket.socket, server: HostileServer) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
    while server.alive():  # headers that never end, as fast as the client takes them
        conn.sendall(b"X-Filler: " + b"a" * 1000 + b"\r\n")


@pytest.fixture
def internal() -> Iterator[HostileServer]:
    """Stands for an internal service on another port of the same host."""
    server = HostileServer({"/secret": send("200 OK", SECRET)})
    yield server
    server.close()


@pytest.fixture
def hostile(internal: HostileServer) -> Iterator[HostileServer]:
    routes: dict[str, Route] = {}
    server = HostileServer(routes)
    big = [(f"X-Big-{i}", "b" * 4000) for i in range(50)]      # 200 KB in 50 lines
    many = [(f"X-Many-{i}", "1") for i in range(500)]          # 500 short headers
    routes.update({
        "/ok": send("200 OK", ARTICLE),
        "/drip-headers": drip(_response("200 OK", [("Content-Type", "text/plain"),
                                                   ("Content-Length", str(len(ARTICLE)))], ARTICLE)),
        "/drip-body": drip(ARTICLE * 4, prefix=_response(
            "200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(ARTICLE) * 4))], b"")),
        "/huge-headers": send("200 OK", ARTICLE, extra=big),
        "/huge-header-line": send("200 OK", ARTICLE, extra=[("X-Huge", "c" * 200_000)]),
        "/endless-headers": _endless_headers,
        "/many-headers": send("200 OK", ARTICLE, extra=many),
        "/garbage": raw(b"GARBAGE\r\n\r\n" + ARTICLE),
        "/bad-status": raw(b"HTTP/1.1 OK fine\r\nContent-Type: text/plain\r\n\r\n" + ARTICLE),
        "/silent-close": raw(b""),
        "/truncated": raw(_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5000")],
                                    ARTICLE)),
        "/truncated-chunked": raw(_response("200 OK", [("Content-Type", "text/plain"),
                                                       ("Transfer-Encoding", "chunked")],
                                            b"%x\r\n" % 4000 + ARTICLE)),
        "/chunked": raw(_response("200 OK", [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")],
                                  b"%x\r\n" % len(ARTICLE) + ARTICLE + b"\r\n0\r\n\r\n")),
        "/until-close": raw(_response("200 OK", [("Content-Type", "text/plain"), ("Connection", "close")],
                                      ARTICLE)),
        "/to-other-port": redirect(f"{internal.base}/secret"),
        "/to-localhost": redirect(f"http://localhost:{server.port}/ok"),
        "/to-ftp": redirect(f"ftp://127.0.0.1:{internal.port}/secret"),
        "/to-same-origin": redirect("/ok", "301 Moved Permanently"),
        "/to-nowhere": send("302 Found", b"", "text/html"),
        "/loop": redirect("/loop"),
        **{f"/chain/{i}": redirect(f"/chain/{i + 1}", "307 Temporary Redirect") for i in range(30)},
        "/chain/30": send("200 OK", ARTICLE),
    })
    yield server
    server.close()


def _ingest(ws, url: str, ok: str, **options):
    options = {"timeout": READ_TIMEOUT, "total_timeout": 20.0, **options}
    return ws.ingest(url, ok, progress=False, fetch_options=options)


def _one_failure(result, url: str) -> str:
    """The one failure of a batch, checked to be one line naming ``url``; its problem."""
    messages = [str(e) for e in result.failed]
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"{url}: ") and "\n" not in messages[0], messages
    return messages[0][len(url) + 2:]


# -- the deadline ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/drip-headers", "/drip-body", "/endless-headers"])
def test_a_drip_cannot_outlast_the_deadline(ws, hostile, path):
    """One byte every 0.25 s never trips a 5 s read timeout; only the whole-fetch deadline
    stops it. The bound (3 x deadline) is a hang check for a busy machine, not a speed claim."""
    url = hostile.base + path
    started = time.monotonic()
    result = ws.ingest(url, progress=False,
                       fetch_options={"timeout": READ_TIMEOUT, "total_timeout": DEADLINE})
    elapsed = time.monotonic() - started
    assert elapsed < DEADLINE * 3, f"{path} ran {elapsed:.1f} s against a {DEADLINE} s deadline"
    problem = _one_failure(result, url)
    if path == "/endless-headers":  # the header cap may come first
        assert "took longer than 2 s" in problem or "headers too large" in problem, problem
    else:
        assert "took longer than 2 s" in problem, problem
    assert not result.added


def test_the_read_timeout_still_applies(ws, hostile):
    url = hostile.base + "/drip-headers"
    result = ws.ingest(url, progress=False, fetch_options={"timeout": DRIP / 5, "total_timeout": 20})
    assert "timed out after 0.05 s" in _one_failure(result, url)


# -- headers and status line ---------------------------------------------------------------

@pytest.mark.parametrize("path,expect", [
    ("/huge-headers", "response headers too large (over 65,536 bytes)"),
    ("/huge-header-line", "response headers too large (over 65,536 bytes)"),
    ("/many-headers", "too many response headers (over 100)"),
    ("/garbage", "malformed HTTP response (illegal status line: 'GARBAGE')"),
    ("/bad-status", "malformed HTTP response (illegal status line"),
    ("/silent-close", "server closed the connection without a response"),
])
def test_broken_headers_fail_cleanly(ws, hostile, path, expect):
    url = hostile.base + path
    result = _ingest(ws, url, hostile.base + "/ok")
    assert expect in _one_failure(result, url)
    assert list(ws.articles["url"]) == [hostile.base + "/ok"]  # the good URL of the batch is stored


# -- bodies ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path,expect", [
    ("/truncated", f"body cut short (received {len(ARTICLE):,} of 5,000 bytes)"),
    ("/truncated-chunked", f"body cut short (connection closed inside a chunked body after {len(ARTICLE):,} bytes)"),
])
def test_a_body_cut_short_is_a_failure_not_an_article(ws, hostile, path, expect):
    url = hostile.base + path
    result = _ingest(ws, url, hostile.base + "/ok")
    assert _one_failure(result, url) == expect
    assert list(ws.articles["url"]) == [hostile.base + "/ok"]


@pytest.mark.parametrize("path", ["/chunked", "/until-close"])
def test_complete_bodies_without_content_length_are_read(ws, hostile, path):
    result = ws.ingest(hostile.base + path, progress=False, fetch_options={"timeout": READ_TIMEOUT})
    assert not result.failed and len(result.added) == 1
    assert "air defence for Ukraine" in ws.article(result.added[0]).text


# -- redirects --------------------------------------------------------------------------------

def test_redirect_to_another_port_is_refused(ws, hostile, internal):
    url = hostile.base + "/to-other-port"
    result = _ingest(ws, url, hostile.base + "/ok")
    problem = _one_failure(result, url)
    assert problem == (f"redirect to {internal.base}/secret refused "
                       f"(127.0.0.1 is a loopback address, on another origin than {hostile.base})")
    assert internal.hits == []  # never even asked
    assert list(ws.articles["url"]) == [hostile.base + "/ok"]


def test_redirect_to_another_host_name_on_loopback_is_refused(ws, hostile):
    url = hostile.base + "/to-localhost"
    problem = _one_failure(_ingest(ws, url, hostile.base + "/ok"), url)
    assert problem.startswith(f"redirect to http://localhost:{hostile.port}/ok refused (")
    assert "is a loopback address, on another origin" in problem
    assert hostile.hits.count("/ok") == 1  # only the good URL's own request


def test_redirect_to_ftp_is_refused_without_connecting(ws, hostile, internal):
    url = hostile.base + "/to-ftp"
    problem = _one_failure(_ingest(ws, url, hostile.base + "/ok"), url)
    assert problem == f"redirect to ftp://127.0.0.1:{internal.port}/secret refused (only http and https are followed)"
    assert internal.hits == []


def test_same_origin_redirects_are_followed(ws, hostile):
    result = _ingest(ws, hostile.base + "/to-same-origin", hostile.base + "/chain/25")
    assert not result.failed
    assert sorted(ws.articles["url"]) == [hostile.base + "/chain/30", hostile.base + "/ok"]


@pytest.mark.parametrize("path,expect", [
    ("/loop", "too many redirects (more than 10)"),
    ("/chain/0", "too many redirects (more than 10)"),
    ("/to-nowhere", "HTTP 302 Found without a Location header"),
])
def test_redirect_chains_are_bounded(ws, hostile, path, expect):
    url = hostile.base + path
    assert _one_failure(_ingest(ws, url, hostile.base + "/ok"), url) == expect


def test_redirect_policy_by_address():
    """The rule on addresses that tests cannot reach for real: public to non-public never,
    non-public to non-public only within one origin, anything to public."""
    from workbench.ingest.address import Origin, redirect_refusal

    public, other_public = ip_address("93.184.216.34"), ip_address("2606:4700::1111")
    site = Origin("https", "news.example", 443)
    lan = Origin("http", "intranet", 80)
    for private, kind in [("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
                          ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("::1", "loopback"),
                          ("::ffff:127.0.0.1", "loopback"), ("0.0.0.0", "unspecified"), ("fd00::5", "private"),
                          ("100.64.0.1", "non-public")]:
        reason = redirect_refusal(site, public, site, ip_address(private))  # even on the same origin
        assert reason is not None and kind in reason, (private, reason)
        assert redirect_refusal(lan, ip_address("10.0.0.2"), lan, ip_address(private)) is None
        assert redirect_refusal(lan, ip_address("10.0.0.2"), Origin("http", "intranet", 8080),
                                ip_address(private)) is not None
        assert redirect_refusal(lan, ip_address("10.0.0.2"), Origin("https", "intranet", 80),
                                ip_address(private)) is not None
    assert redirect_refusal(site, public, Origin("http", "other.example", 80), other_public) is None
    assert redirect_refusal(lan, ip_address("10.0.0.2"), site, public) is None


# -- malformed URLs ---------------------------------------------------------------------------

@pytest.mark.parametrize("url,expect", [
    ("http://127.0.0.1:{port}/a b", "invalid URL (contains whitespace or control characters)"),
    ("http://127.0.0.1:abc/", "invalid URL (port 'abc' is not a number from 1 to 65535)"),
    ("http://127.0.0.1:99999/", "invalid URL (port '99999' is not a number from 1 to 65535)"),
    ("http://[::1/", "invalid URL (bad IPv6 address)"),
    ("http://[zz::1]/", "invalid URL (bad IPv6 address)"),
    ("http:///path", "invalid URL (no host)"),
])
def test_malformed_urls_fail_cleanly(ws, hostile, url, expect):
    url = url.format(port=hostile.port)
    result = _ingest(ws, url, hostile.base + "/ok")
    assert _one_failure(result, url) == expect
    assert len(result.added) == 1


# -- through the command line -------------------------------------------------------------------

def test_cli_reports_each_hostile_url_on_one_line(tmp_path, hostile, internal):
    bad = {path: hostile.base + path for path in
           ["/drip-headers", "/many-headers", "/huge-headers", "/garbage", "/truncated", "/to-other-port",
            "/to-ftp"]}
    bad["space"] = hostile.base + "/a b"
    bad["port"] = "http://127.0.0.1:abc/"
    bad["ipv6"] = "http://[::1/"
    good = hostile.base + "/ok"
    workspace = tmp_path / "ws.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_PIPELINE": "builtin"}
    command = [sys.executable, "-m", "workbench.cli", "ingest", "--workspace", str(workspace),
               "--url-timeout", str(DEADLINE), *bad.values(), good]
    out = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    text = out.stdout + out.stderr
    assert "Traceback" not in text, text[-3000:]
    assert out.returncode == 1, text[-3000:]
    failed = [line for line in out.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == len(bad), failed
    for url in bad.values():
        assert sum(line.startswith(f"failed: {url}: ") for line in failed) == 1, (url, failed)
    assert "1 added (0 syndicated copies), 0 already present, 10 failed" in out.stdout
    listing = subprocess.run([sys.executable, "-m", "workbench.cli", "articles", "--workspace", str(workspace),
                              "--format", "json"], capture_output=True, text=True, timeout=300, env=env)
    assert [row["url"] for row in json.loads(listing.stdout)] == [good]
    assert internal.hits == []


# -- https ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """A self-signed certificate for 127.0.0.1 (key and certificate in one PEM file), made by
    the openssl command line."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    both = folder / "both.pem"
    both.write_bytes(key.read_bytes() + cert.read_bytes())
    return both


@pytest.fixture
def hostile_tls(certificate: Path, hostile: HostileServer) -> Iterator[HostileServer]:
    """The hostile routes again, behind TLS with the self-signed certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate)
    server = HostileServer(hostile.routes, tls=context)
    yield server
    server.close()


def test_https_refuses_an_untrusted_certificate(ws, hostile_tls, hostile):
    url = hostile_tls.base + "/ok"
    problem = _one_failure(_ingest(ws, url, hostile.base + "/ok"), url)
    assert problem.startswith("TLS certificate refused (") and "self-signed" in problem, problem


@pytest.mark.parametrize("path,expect", [
    ("/ok", None),
    ("/drip-body", "took longer than 2 s"),
    ("/truncated", f"body cut short (received {len(ARTICLE):,} of 5,000 bytes)"),
    ("/many-headers", "too many response headers (over 100)"),
])
def test_https_is_bounded_like_http(ws, hostile_tls, certificate, monkeypatch, path, expect):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))  # OpenSSL's own way to add a trusted CA
    url = hostile_tls.base + path
    started = time.monotonic()
    result = ws.ingest(url, progress=False, fetch_options={"timeout": READ_TIMEOUT, "total_timeout": DEADLINE})
    assert time.monotonic() - started < DEADLINE * 3
    if expect is None:
        assert not result.failed and list(ws.articles["url"]) == [url]
    else:
        assert expect in _one_failure(result, url)


def test_a_tls_handshake_that_never_comes_is_bounded(ws, hostile):
    """https to a plain-TCP port: the server waits for a request line, the client for a
    ServerHello; only the deadline ends it."""
    url = f"https://127.0.0.1:{hostile.port}/ok"
    started = time.monotonic()
    result = ws.ingest(url, progress=False, fetch_options={"timeout": READ_TIMEOUT, "total_timeout": DEADLINE})
    assert time.monotonic() - started < DEADLINE * 3
    assert "took longer than 2 s" in _one_failure(result, url)
