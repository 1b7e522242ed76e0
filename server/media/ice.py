"""ICE settings for the aiortc adapter and the headless peer.

Two aiortc/aioice defaults are wrong for us:

* with no ICE servers configured, aiortc silently uses a public Google STUN server; we always
  pass an explicit list (possibly empty) so a session never talks to a third party unasked;
* aioice never gathers 127.0.0.1, so two peers on one machine without another interface
  cannot connect.  :func:`gathering_on` lets a caller name the exact host addresses to gather
  on, for the duration of one ``setLocalDescription``.

A server behind 1:1 NAT (a cloud VM with a public IP in front of a private one) also needs its
public address in the candidates it offers: :func:`advertise_public_address` adds, for every
host candidate, the same port on the public address.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

import aioice.ice
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCIceServer

_host_addresses: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "holdspace_ice_host_addresses", default=None
)
_aioice_get_host_addresses = aioice.ice.get_host_addresses


def _get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    chosen = _host_addresses.get()
    if chosen is None:
        return _aioice_get_host_addresses(use_ipv4=use_ipv4, use_ipv6=use_ipv6)
    return list(chosen)


# aioice looks the function up as a module global at gathering time, so replacing it once is
# enough; without a chosen list in the current context it behaves exactly as before.
aioice.ice.get_host_addresses = _get_host_addresses


@dataclass(frozen=True)
class IceSettings:
    """Where and how a peer connection gathers candidates.

    ``servers``: STUN/TURN servers, e.g. ``[RTCIceServer("stun:stun.example.org:3478"),
    RTCIceServer("turn:turn.example.org:3478", username="u", credential="p")]``; empty means
    host candidates only (never aiortc's public fallback).
    ``host_addresses``: the exact local addresses to gather on (``("127.0.0.1",)`` in tests);
    ``None`` lets aioice pick every non-loopback interface.
    ``public_address``: an address to advertise in addition to each host candidate, for a
    server behind 1:1 NAT.
    """

    servers: Sequence[RTCIceServer] = field(default_factory=tuple)
    host_addresses: Sequence[str] | None = None
    public_address: str | None = None

    def configuration(self) -> RTCConfiguration:
        # MAX_BUNDLE: one transport for every m-line.  With aiortc's default (balanced),
        # transceivers created before the remote description is applied stay on a second,
        # never-connected transport for their kind, and their media silently goes nowhere.
        return RTCConfiguration(
            iceServers=list(self.servers), bundlePolicy=RTCBundlePolicy.MAX_BUNDLE
        )


LOOPBACK = IceSettings(servers=(), host_addresses=("127.0.0.1",))


@contextlib.contextmanager
def gathering_on(addresses: Sequence[str] | None) -> Iterator[None]:
    """Gather on exactly ``addresses`` inside this block (``None``: aioice's choice)."""
    token = _host_addresses.set(tuple(addresses) if addresses is not None else None)
    try:
        yield
    finally:
        _host_addresses.reset(token)


_CANDIDATE = re.compile(
    r"^a=candidate:(?P<foundation>\S+) (?P<component>\d+) (?P<transport>\S+) (?P<priority>\d+) "
    r"(?P<address>\S+) (?P<port>\d+) typ host(?P<rest>.*)$"
)


def advertise_public_address(sdp: str, public_address: str | None) -> str:
    """Add a candidate on ``public_address`` for every host candidate in ``sdp``.

    The copy gets a lower priority than the original so that a peer on the same network still
    prefers the direct path; the ports are the same because 1:1 NAT keeps them.
    """
    if not public_address:
        return sdp
    out: list[str] = []
    for line in sdp.splitlines():
        out.append(line)
        match = _CANDIDATE.match(line)
        if match and match["address"] != public_address:
            out.append(
                f"a=candidate:{match['foundation']}p {match['component']} "
                f"{match['transport']} {max(int(match['priority']) - 1000, 1)} "
                f"{public_address} {match['port']} typ host{match['rest']}"
            )
    return "\r\n".join(out) + "\r\n"


def parse_ice_server(entry: str) -> RTCIceServer:
    """One ``ICE_SERVERS`` entry as an ``RTCIceServer``.

    ``stun:host:port`` and ``turn:host:port?transport=tcp`` (also ``turns:``) as in RFC 7064 /
    7065; credentials for TURN go before the host, ``turn:USER:PASSWORD@host:port``
    (percent-encode ``:``, ``@`` or ``,`` inside them).
    """
    scheme, sep, rest = entry.strip().partition(":")
    if not sep or scheme not in ("stun", "stuns", "turn", "turns") or not rest:
        raise ValueError(f"not a STUN/TURN URL: {entry!r}")
    if "@" not in rest:
        return RTCIceServer(f"{scheme}:{rest}")
    userinfo, _, host = rest.rpartition("@")
    username, _, credential = userinfo.partition(":")
    return RTCIceServer(
        f"{scheme}:{host}", username=unquote(username), credential=unquote(credential)
    )


def ice_settings_from(
    servers: Sequence[str], host_addresses: Sequence[str], public_address: str
) -> IceSettings:
    """The deployment's ICE settings from ``ICE_SERVERS``, ``MEDIA_HOST_ADDRESSES`` and
    ``PUBLIC_IP`` (empty values: no servers, aioice's interfaces, no public address)."""
    return IceSettings(
        servers=tuple(parse_ice_server(s) for s in servers),
        host_addresses=tuple(host_addresses) or None,
        public_address=public_address or None,
    )


def browser_ice_servers(servers: Sequence[RTCIceServer]) -> list[dict[str, str]]:
    """The same servers in the shape a browser's ``RTCPeerConnection`` takes."""
    out: list[dict[str, str]] = []
    for server in servers:
        entry = {"urls": str(server.urls)}
        if server.username:
            entry["username"] = server.username
        if server.credential:
            entry["credential"] = str(server.credential)
        out.append(entry)
    return out
