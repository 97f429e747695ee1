"""Who is calling, behind the proxies an operator trusts (TRUSTED_PROXIES).

Behind an ingress or a load balancer every connection comes from the proxy, so limits keyed on
the remote address would put every member in one bucket. The proxies append the address they
were called from to X-Forwarded-For; the caller is the nearest address that is not a trusted
proxy. Nothing before it in the header is believed: a client may write anything there.

TRUSTED_PROXIES is either a count (exactly that many proxies stand in front, as with one
ingress: ``1``) or networks (``10.0.0.0/8,192.168.0.0/16``: any hop from them is a proxy,
however many there are). Unset, the connection's address is the caller and the header is
ignored: the gateway is then reached directly, and a forged header must change nothing.
"""

import ipaddress
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class TrustedProxies:
    count: int = 0
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "TrustedProxies":
        """``""``, a count or comma-separated networks; ValueError saying what is wrong."""
        text = text.strip()
        if not text:
            return cls()
        if text.isdigit():
            return cls(count=int(text))
        networks = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"{part!r} is neither a count nor a network such as "
                                 "10.0.0.0/8 or 192.168.1.7") from None
        return cls(networks=tuple(networks))

    def __bool__(self) -> bool:
        return bool(self.count or self.networks)

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def caller(self, remote: str, forwarded_for: str | None) -> str:
        """The caller's address, from the connection's and the X-Forwarded-For header."""
        if not self or not forwarded_for:
            return remote
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        if self.count:
            # Each of the ``count`` proxies appended one address: the first of those is the
            # caller. Fewer than that: the request did not come through them all.
            return hops[-self.count] if len(hops) >= self.count else remote
        address = remote
        while hops and self.trusts(address):
            address = hops.pop()
        return address


class ForwardedCaller:
    """WSGI middleware: REMOTE_ADDR becomes the caller's address, for everything after it (the
    rate limits, the logs). The connection's address stays in ``workbuddy.proxy_addr``."""

    def __init__(self, app, trusted: TrustedProxies):
        self.app, self.trusted = app, trusted

    def __call__(self, environ, start_response):
        if self.trusted:
            remote = environ.get("REMOTE_ADDR", "")
            environ["workbuddy.proxy_addr"] = remote
            environ["REMOTE_ADDR"] = self.trusted.caller(remote, environ.get("HTTP_X_FORWARDED_FOR"))
        return self.app(environ, start_response)
