"""Fetch an article over http(s) with a timeout, a size cap and a content-type check."""
from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from .errors import InputError

ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/json",
                  "text/markdown", "text/csv", "application/x-ndjson")
USER_AGENT = "workbench/0.1 (offline analyst workbench)"


@dataclass(frozen=True)
class Fetched:
    url: str
    content_type: str
    charset: str | None
    body: bytes


def fetch(url: str, *, timeout: float = 15.0, max_bytes: int = 10_000_000,
          total_timeout: float = 60.0) -> Fetched:
    """GET ``url``.

    Args:
        url: an http or https address.
        timeout: seconds for connecting and for each read.
        max_bytes: bodies larger than this are refused (protects against endless bodies).
        total_timeout: seconds for the whole download (protects against slow drips).
    Returns:
        The final URL (after redirects), content type, charset and body.
    Raises:
        InputError: HTTP errors, timeouts, refused types, oversize bodies.
    """
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": ", ".join(ACCEPTED_TYPES)})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked by caller)
            content_type = response.headers.get_content_type()
            if content_type not in ACCEPTED_TYPES:
                raise InputError(url, f"unsupported content type {content_type!r}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise InputError(url, f"response too large ({int(declared):,} bytes, limit {max_bytes:,})")
            chunks: list[bytes] = []
            size = 0
            deadline = time.monotonic() + total_timeout
            while True:
                if time.monotonic() > deadline:
                    raise InputError(url, f"download took longer than {total_timeout:g} s")
                chunk = response.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(url, f"response too large (over {max_bytes:,} bytes)")
                chunks.append(chunk)
            return Fetched(response.geturl(), content_type, response.headers.get_content_charset(), b"".join(chunks))
    except urllib.error.HTTPError as exc:
        raise InputError(url, f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise InputError(url, f"timed out after {timeout:g} s") from None
        raise InputError(url, f"cannot connect ({reason})") from None
    except (socket.timeout, TimeoutError):
        raise InputError(url, f"timed out after {timeout:g} s") from None
    except ConnectionError as exc:
        raise InputError(url, f"connection failed ({exc})") from None
