"""Outbound URLs a tenant controls (webhook subscriptions, the desk's ``base_url``) may only reach the public
internet: a shop must not be able to make the service call its internal network or a cloud metadata endpoint.

Two checks, the same rules:

- **On save** (``check_url``): ``https`` only (``http`` too with ``TRACKING_ALLOW_PRIVATE_URLS=true``), no
  userinfo, a host — and every address the host resolves to must be public. The reason goes back as a 422.
- **At call time** (``guarded_client``): the connection itself resolves the host, checks every address and
  connects to the checked one, so a name that resolved to a public address on save and to ``127.0.0.1`` now
  (DNS rebinding) is refused before a byte is sent. The client follows no redirects and reads no proxy
  settings from the environment.

"Public" is ``ipaddress``'s ``is_global`` (which already excludes loopback, RFC 1918 private, link-local with
the 169.254.169.254 metadata address, CGNAT 100.64.0.0/10 with Alibaba Cloud's 100.100.100.200, unique-local
IPv6 with AWS's fd00:ec2::254, and ``0.0.0.0``), minus multicast; IPv4 inside IPv6 (mapped ``::ffff:a.b.c.d``,
6to4, Teredo, NAT64 ``64:ff9b::/96``) is judged by the IPv4 address it carries. Numeric host forms —
decimal ``2130706433``, octal ``0177.0.0.1``, hex, short ``127.1`` — are read by the system resolver the way
a connection would read them, so they are judged as the address they are.

With ``TRACKING_ALLOW_PRIVATE_URLS=true`` (tests, ``make run``: peers on 127.0.0.1) only the address rules
are lifted; userinfo is still refused.

No PyPI package did this well enough to depend on: ``advocate`` wraps requests (unmaintained since 2020),
``drawbridge`` and ``ssrfguard`` are months old. The connection-time check plugs into httpcore's documented
network-backend interface (https://www.encode.io/httpcore/network-backends/).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]
Refuse = Callable[[IPAddress], str | None]
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeUrl(ValueError):
    """A tenant-controlled URL the service will not call; the message says why."""


class BlockedAddress(Exception):
    """A connection refused at call time: the host now resolves to an address that is not public."""


async def system_resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for ``host`` (numeric forms included)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def refusal(address: IPAddress) -> str | None:
    """Why the service must not connect to ``address``; None when it is a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            reason = refusal(embedded)
            return f"{reason} (inside {address})" if reason else None
    if address.is_unspecified:
        return f"{address} is the unspecified address"
    if address.is_loopback:
        return f"{address} is a loopback address"
    if address.is_link_local:
        return f"{address} is link-local (cloud metadata lives there)"
    if address.is_multicast:
        return f"{address} is a multicast address"
    if address.is_reserved:
        return f"{address} is a reserved address"
    if isinstance(address, ipaddress.IPv4Address) and address in ipaddress.ip_network("100.64.0.0/10"):
        return f"{address} is carrier-grade NAT / cloud-internal space"
    if address.is_private:
        return f"{address} is a private address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def check_form(url: str, allow_private: bool) -> str:
    """The URL's host, if its form is acceptable; UnsafeUrl otherwise."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # a port that is not a number is a ValueError
    except ValueError as exc:
        raise UnsafeUrl(f"not a URL: {exc}") from exc
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        raise UnsafeUrl("url must be https" + (" or http" if allow_private else ""))
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("url must not carry credentials (user:password@)")
    if not host:
        raise UnsafeUrl("url needs a host")
    return host


async def check_url(url: str, allow_private: bool, resolve: Resolver = system_resolve) -> str:
    """``url`` if the service may call it: its form, then every address its host resolves to."""
    host = check_form(url, allow_private)
    if allow_private:
        return url
    parts = urlsplit(url)
    try:
        addresses = await resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError as exc:
        raise UnsafeUrl(f"host {host!r} does not resolve") from exc
    for address in addresses:
        reason = refusal(address)
        if reason:
            raise UnsafeUrl(f"url must reach a public address: {host} → {reason}")
    if not addresses:
        raise UnsafeUrl(f"host {host!r} does not resolve")
    return url


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks every address, then connects to the checked address (SNI and Host stay the name)."""

    def __init__(self, resolve: Resolver = system_resolve, refuse: Refuse | None = None) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._resolve = resolve
        self._refuse = refuse or refusal

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"{host} does not resolve") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} does not resolve")
        for address in addresses:
            reason = self._refuse(address)
            if reason:
                raise BlockedAddress(f"{host} → {reason}")
        return await self._inner.connect_tcp(
            str(addresses[0]), port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are not an outbound destination")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport over a connection pool whose connections go through ``GuardedBackend``."""

    def __init__(self, resolve: Resolver = system_resolve, refuse: Refuse | None = None) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=GuardedBackend(resolve, refuse)
        )


def guarded_client(timeout: float, allow_private: bool, resolve: Resolver = system_resolve) -> httpx.AsyncClient:
    """The client for tenant-controlled URLs: address-checked connections (unless private URLs are allowed),
    no redirects, no proxies from the environment."""
    transport = httpx.AsyncHTTPTransport(trust_env=False) if allow_private else GuardedTransport(resolve)
    return httpx.AsyncClient(
        timeout=timeout,
        transport=transport,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": "tracking-service/0.1"},
    )
