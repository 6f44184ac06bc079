"""Fetch an article over http(s), bounded and contained.

Bounded: one wall-clock deadline covers the whole fetch (name lookup, connect, TLS, headers,
body, every redirect); header size and count are capped; the body is capped and must be
complete. Contained: only http(s) is followed, and a redirect may reach a loopback, private
or link-local address only from a non-public request on the same origin; the address
checked is the one the socket connects to, so DNS rebinding cannot slip past the check.
Every failure is an ``InputError`` naming the URL, on one line.

HTTP/1.1 framing (Content-Length, chunked bodies, truncation) is h11's; sockets, timeouts
and address checks are ours, because urllib can neither bound a whole exchange nor tell
which address it connected to.
"""
from __future__ import annotations

import email.message
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from ipaddress import ip_address
from urllib.parse import urljoin, urlsplit

import h11

from ..errors import InputError
from .address import IPAddress, Origin, Target, URLProblem, parse_url, redirect_refusal, shown

__all__ = ["ACCEPTED_TYPES", "DOCX_TYPE", "FEED_TYPES", "Fetched", "USER_AGENT", "fetch"]

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
              "text/xml", "application/feed+json")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/json",
                  "text/markdown", "text/csv", "application/x-ndjson", *FEED_TYPES, "application/pdf", DOCX_TYPE)
USER_AGENT = "workbench/0.1 (offline analyst workbench)"
REDIRECTS = {301, 302, 303, 307, 308}
READ_SIZE = 65_536
_BYTEARRAY = re.compile(r"""bytearray\(b('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\)""")


@dataclass(frozen=True)
class Fetched:
    """A fetched page: the final URL (after redirects), its content type, charset and body."""

    url: str
    content_type: str
    charset: str | None
    body: bytes
    origin: Origin | None = None       # of the final URL
    address: IPAddress | None = None   # the address the final response came from


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    max_redirects: int
    max_header_bytes: int
    max_headers: int


class _Problem(Exception):
    """A failure of the fetch; ``fetch`` turns it into an ``InputError`` naming the URL."""


class _Clock:
    """The per-operation timeout and the deadline for the whole fetch."""

    def __init__(self, timeout: float | None, total: float) -> None:
        self.timeout = total if timeout is None else timeout  # None: only the deadline bounds a wait
        self.total = total
        self.deadline = time.monotonic() + total
        self.deadline_bound = False  # did the deadline, not the timeout, set the last wait?

    def remaining(self) -> float:
        """Seconds left before the deadline; raises once it has passed."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _Problem(self.expired())
        return left

    def arm(self, sock: socket.socket) -> None:
        """Give the next socket operation the smaller of the timeout and the time left."""
        left = self.remaining()
        self.deadline_bound = left < self.timeout
        sock.settimeout(min(left, self.timeout))

    def expired(self) -> str:
        return f"took longer than {self.total:g} s (the limit for the whole fetch, redirects included)"

    def timed_out(self) -> str:
        return self.expired() if self.deadline_bound else f"timed out after {self.timeout:g} s"


def fetch(url: str, *, timeout: float | None = 15.0, max_bytes: int = 10_000_000, total_timeout: float = 60.0,
          max_redirects: int = 10, max_header_bytes: int = 65_536, max_headers: int = 100,
          linked_from: Fetched | None = None) -> Fetched:
    """GET ``url``, following redirects within the rules above.

    Args:
        url: an http or https address.
        timeout: seconds for connecting and for each read or write.
        max_bytes: bodies larger than this are refused (protects against endless bodies).
        total_timeout: seconds for the whole fetch, redirects included (protects against drips).
        max_redirects: redirects followed before giving up.
        max_header_bytes: size limit of a response's status line and headers.
        max_headers: count limit of a response's headers.
        linked_from: the fetched document that links to ``url`` (a feed linking to its items):
            the link is then held to the redirect rule, as if that document had redirected
            to it, since neither the analyst nor a trusted page chose the address.
    Returns:
        The final URL (after redirects), content type, charset and body.
    Raises:
        InputError: bad URLs, refused redirects, HTTP errors, timeouts, malformed or cut-short
            responses, refused types, oversize bodies; one line that names ``url``.
    """
    clock = _Clock(timeout, total_timeout)
    limits = _Limits(max_bytes, max_redirects, max_header_bytes, max_headers)
    try:
        came_from = None
        if linked_from is not None and linked_from.origin is not None and linked_from.address is not None:
            came_from = (linked_from.origin, linked_from.address)
        return _follow(url.strip(), clock, limits, came_from)
    except (_Problem, URLProblem) as exc:
        problem = str(exc)
    except TimeoutError:
        problem = clock.timed_out()
    except ssl.SSLCertVerificationError as exc:
        problem = f"TLS certificate refused ({shown(exc.verify_message or str(exc))})"
    except ssl.SSLError as exc:
        problem = f"TLS failed ({shown(exc.reason or str(exc))})"
    except h11.ProtocolError as exc:
        problem = _malformed(exc)
    except OSError as exc:
        problem = f"connection failed ({shown(str(exc))})"
    except Exception as exc:  # noqa: BLE001 - whatever a hostile server provokes costs this URL only
        problem = f"fetch failed ({type(exc).__name__}: {shown(str(exc))})"
    raise InputError(shown(url, limit=None), problem)


def _follow(url: str, clock: _Clock, limits: _Limits, came_from: tuple[Origin, IPAddress] | None) -> Fetched:
    """Request ``url`` and the redirects it leads to, checking each hop (the first one too
    when ``came_from`` names the document that linked to it)."""
    target = parse_url(url)
    for _hop in range(limits.max_redirects + 1):
        check = _anything if came_from is None else _redirect_check(came_from, target)
        sock, address = _connect(target, clock, check)
        with sock:
            conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=limits.max_header_bytes)
            clock.arm(sock)
            sock.sendall(_request(conn, target))
            response = _read_head(sock, conn, clock, limits)
            status = response.status_code
            reason = shown(response.reason.decode("latin-1")) or _phrase(status)
            if status in REDIRECTS:
                location = _header(response, b"location")
                if location is None:
                    raise _Problem(f"HTTP {status} {reason} without a Location header")
                came_from, target = (target.origin, address), _redirect_target(target, location)
                continue
            if not 200 <= status < 300:
                raise _Problem(f"HTTP {status} {reason}")
            content_type, charset = _content_type(_header(response, b"content-type"))
            if content_type not in ACCEPTED_TYPES:
                raise _Problem(f"unsupported content type {shown(content_type)!r}")
            declared = _header(response, b"content-length")
            length = int(declared) if declared and declared.isdigit() else None
            if length is not None and length > limits.max_bytes:
                raise _Problem(f"response too large ({length:,} bytes, limit {limits.max_bytes:,})")
            body = _read_body(sock, conn, clock, limits.max_bytes, length)
            return Fetched(target.url, content_type, charset, body, target.origin, address)
    raise _Problem(f"too many redirects (more than {limits.max_redirects})")


def _anything(_address: IPAddress) -> str | None:
    return None  # the analyst asked for this URL: it may be on their own network


def _redirect_check(came_from: tuple[Origin, IPAddress], target: Target) -> Callable[[IPAddress], str | None]:
    origin, address = came_from
    return lambda ip: redirect_refusal(origin, address, target.origin, ip)


def _redirect_target(current: Target, location: str) -> Target:
    """The checked target of a redirect; only http(s) URLs pass."""
    try:
        joined = urljoin(current.url, location.strip())
        scheme = urlsplit(joined).scheme.lower()
    except ValueError:
        joined, scheme = location, ""
    if scheme not in ("http", "https"):
        raise _Problem(f"redirect to {shown(joined)} refused (only http and https are followed)")
    try:
        return parse_url(joined)
    except URLProblem as exc:
        raise _Problem(f"redirect to {shown(joined)} refused ({exc})") from None


def _connect(target: Target, clock: _Clock, check: Callable[[IPAddress], str | None]
             ) -> tuple[socket.socket, IPAddress]:
    """A socket connected to an address of ``target`` that ``check`` allows (TLS if https)."""
    refusals: list[str] = []
    errors: list[OSError] = []
    for family, sockaddr, address in _addresses(target, clock):
        refusal = check(address)
        if refusal:
            refusals.append(refusal)
            continue
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            clock.arm(sock)
            sock.connect(sockaddr)
            if target.origin.scheme == "https":
                context = ssl.create_default_context()
                sock = context.wrap_socket(sock, server_hostname=target.host, do_handshake_on_connect=False)
                clock.arm(sock)
                sock.do_handshake()
        except OSError as exc:
            sock.close()
            if isinstance(exc, (TimeoutError, ssl.SSLError)):
                raise
            errors.append(exc)  # refused, unreachable: try the next address
            continue
        except BaseException:
            sock.close()  # the deadline passed (or worse): no socket left behind
            raise
        return sock, address
    if errors:
        raise _Problem(f"cannot connect ({shown(str(errors[-1]))})")
    if refusals:
        raise _Problem(f"redirect to {shown(target.url)} refused ({refusals[0]})")
    raise _Problem(f"cannot connect (no address found for {target.host})")


def _addresses(target: Target, clock: _Clock) -> list[tuple[int, tuple, IPAddress]]:
    """(family, socket address, IP) for each address of the target's host, looked up within
    the deadline; the IP is what the socket will connect to, so it is what gets checked."""
    port = target.origin.port
    try:
        literal = ip_address(target.host)
    except ValueError:
        pass
    else:
        if literal.version == 4:
            return [(socket.AF_INET, (str(literal), port), literal)]
        return [(socket.AF_INET6, (str(literal), port, 0, 0), literal)]
    found: dict[str, object] = {}

    def lookup() -> None:
        try:
            found["infos"] = socket.getaddrinfo(target.host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            found["error"] = exc

    thread = threading.Thread(target=lookup, name="workbench-resolve", daemon=True)
    thread.start()
    thread.join(clock.remaining())  # a stuck resolver is abandoned, not waited for
    if thread.is_alive():
        raise _Problem(clock.expired())
    if "error" in found:
        error = found["error"]
        raise _Problem(f"cannot resolve {target.host} ({shown(getattr(error, 'strerror', None) or str(error))})")
    out: list[tuple[int, tuple, IPAddress]] = []
    for family, _type, _proto, _name, sockaddr in found["infos"]:  # type: ignore[union-attr]
        try:
            address = ip_address(sockaddr[0])
        except ValueError:
            continue
        if all(sockaddr != seen for _, seen, _ in out):
            out.append((family, sockaddr, address))
    return out


def _request(conn: h11.Connection, target: Target) -> bytes:
    headers = [("Host", target.host_header), ("User-Agent", USER_AGENT), ("Accept", ", ".join(ACCEPTED_TYPES)),
               ("Accept-Encoding", "identity"), ("Connection", "close")]
    return conn.send(h11.Request(method="GET", target=target.request_target, headers=headers)) + \
        conn.send(h11.EndOfMessage())


def _read_head(sock: socket.socket, conn: h11.Connection, clock: _Clock, limits: _Limits) -> h11.Response:
    """The response's status and headers, read within the size and count limits."""
    too_large = f"response headers too large (over {limits.max_header_bytes:,} bytes)"
    fed = 0
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as exc:
            raise _Problem(too_large if exc.error_status_hint == 431
                           else _malformed(exc)) from None
        if event is h11.NEED_DATA:
            if fed >= limits.max_header_bytes:
                raise _Problem(too_large)
            clock.arm(sock)
            data = sock.recv(limits.max_header_bytes - fed)  # never more than the limit in all
            if not data:
                raise _Problem("server closed the connection without a response" if not fed
                               else "server closed the connection in the middle of the headers")
            fed += len(data)
            conn.receive_data(data)
            continue
        if isinstance(event, (h11.InformationalResponse, h11.Response)):
            if len(event.headers) > limits.max_headers:
                raise _Problem(f"too many response headers (over {limits.max_headers})")
            if isinstance(event, h11.Response):
                return event
            continue
        raise _Problem(f"malformed HTTP response (unexpected {type(event).__name__})")


def _read_body(sock: socket.socket, conn: h11.Connection, clock: _Clock, max_bytes: int,
               declared: int | None) -> bytes:
    """The whole body; one cut short of its declared length (or chunking) is a failure."""
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as exc:
            if "complete message body" not in str(exc):
                raise _Problem(_malformed(exc)) from None
            if declared is not None:
                raise _Problem(f"body cut short (received {size:,} of {declared:,} bytes)") from None
            raise _Problem(f"body cut short (connection closed inside a chunked body after {size:,} bytes)") from None
        if event is h11.NEED_DATA:
            clock.arm(sock)
            conn.receive_data(sock.recv(READ_SIZE))  # b"" tells h11 the server closed
        elif isinstance(event, h11.Data):
            size += len(event.data)
            if size > max_bytes:
                raise _Problem(f"response too large (over {max_bytes:,} bytes)")
            chunks.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage):
            return b"".join(chunks)
        else:
            raise _Problem(f"malformed HTTP response (unexpected {type(event).__name__})")


def _header(response: h11.Response, name: bytes) -> str | None:
    """The first value of a header, decoded (UTF-8 when it is, Latin-1 otherwise)."""
    for key, value in response.headers:
        if key == name:
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                return value.decode("latin-1")
    return None


def _content_type(value: str | None) -> tuple[str, str | None]:
    """(media type, charset) as email's parser reads them (text/plain when absent)."""
    message = email.message.Message()
    if value is not None:
        message["Content-Type"] = value
    charset = message.get_content_charset()
    return message.get_content_type(), charset if isinstance(charset, str) else None


def _malformed(exc: Exception) -> str:
    """h11's complaint, without its ``bytearray(b'...')`` wrapping."""
    message = _BYTEARRAY.sub(r"\1", str(exc))
    return f"malformed HTTP response ({shown(message)})"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
