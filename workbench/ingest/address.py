"""Where a fetch may go: URL parsing and the redirect rule on addresses.

A URL is parsed once into a ``Target`` (origin, ASCII host, request target) or refused with
a one-line reason. ``redirect_refusal`` decides whether a redirect may reach an address:
public addresses always; a loopback, private, link-local (or otherwise non-public) address
only from a non-public address on the very same origin (scheme, host, port).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, IPv6Network
from urllib.parse import quote, urlsplit

__all__ = ["IPAddress", "Origin", "Target", "URLProblem", "address_kind", "parse_url", "redirect_refusal",
           "shown"]

IPAddress = IPv4Address | IPv6Address
DEFAULT_PORTS = {"http": 80, "https": 443}
NAT64 = IPv6Network("64:ff9b::/96")  # IPv4 addresses reached through a NAT64 gateway
PATH_SAFE = "/%!$&'()*+,;=:@-._~"
QUERY_SAFE = PATH_SAFE + "?"


class URLProblem(ValueError):
    """A URL that cannot be fetched; ``str()`` is the one-line reason."""


@dataclass(frozen=True)
class Origin:
    """Scheme, host (lower-case, ASCII) and port: what 'same origin' compares."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if DEFAULT_PORTS.get(self.scheme) == self.port else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


@dataclass(frozen=True)
class Target:
    """A parsed http(s) URL, ready to request."""

    url: str
    origin: Origin
    request_target: str  # path and query, percent-encoded

    @property
    def host(self) -> str:
        return self.origin.host

    @property
    def host_header(self) -> str:
        return str(self.origin).split("://", 1)[1]


def parse_url(text: str) -> Target:
    """Parse an http(s) URL.

    Args:
        text: the URL.
    Returns:
        The target: origin, ASCII host, request target.
    Raises:
        URLProblem: whitespace or control characters, another scheme, no host, a bad port,
            a bad IPv6 literal, a host name that cannot be encoded.
    """
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in text):
        raise URLProblem("invalid URL (contains whitespace or control characters)")
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise URLProblem("invalid URL (bad IPv6 address)" if "[" in text or "]" in text
                         else f"invalid URL ({shown(str(exc))})") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise URLProblem("unsupported URL scheme (http and https only)")
    hostport = parts.netloc.rpartition("@")[2]
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise URLProblem(f"invalid URL (port {shown(hostport.rpartition(']')[2].partition(':')[2])!r} "
                         f"is not a number from 1 to 65535)")
    host = parts.hostname or ""
    if not host:
        raise URLProblem("invalid URL (no host)")
    if hostport.startswith("["):
        try:
            host = str(IPv6Address(host))
        except ValueError:
            raise URLProblem("invalid URL (bad IPv6 address)") from None
    else:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise URLProblem(f"invalid URL (bad host name {shown(host)!r})") from None
    request_target = quote(parts.path or "/", safe=PATH_SAFE)
    if parts.query:
        request_target += "?" + quote(parts.query, safe=QUERY_SAFE)
    return Target(text, Origin(scheme, host, port or DEFAULT_PORTS[scheme]), request_target)


def address_kind(address: IPAddress) -> str | None:
    """What makes an address non-public ('loopback', 'private', 'link-local'...), or None.

    IPv6 forms that carry an IPv4 address (mapped, 6to4, NAT64) are judged by that address.
    """
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return address_kind(embedded)
    for kind, test in (("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
                       ("link-local", address.is_link_local), ("multicast", address.is_multicast),
                       ("private", address.is_private)):
        if test:
            return kind
    return None if address.is_global else "non-public"


def redirect_refusal(source: Origin, source_address: IPAddress, target: Origin,
                     target_address: IPAddress) -> str | None:
    """Why a redirect from ``source`` (connected at ``source_address``) may not reach
    ``target`` at ``target_address``, or None when it may.

    Args:
        source: origin of the response that redirects.
        source_address: the address that response came from.
        target: origin of the redirect's URL.
        target_address: an address the target's host resolves to.
    Returns:
        None, or the reason in a few words.
    """
    kind = address_kind(target_address)
    if kind is None:
        return None
    article = "an" if kind[0] in "aeiou" else "a"
    if address_kind(source_address) is None:
        return f"{target_address} is {article} {kind} address, reached from a public one"
    if target != source:
        return f"{target_address} is {article} {kind} address, on another origin than {source}"
    return None


def shown(text: str, limit: int | None = 200) -> str:
    """``text`` safe for one line of a terminal: non-printable characters escaped, clipped."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
