"""Who the caller is behind the proxies an operator trusts (TRUSTED_PROXIES): the rules alone."""

import pytest

from workbuddy_gateway.proxies import ForwardedCaller, TrustedProxies

INGRESS = TrustedProxies.parse("10.0.0.0/8")


@pytest.mark.parametrize("trusted, remote, forwarded, caller", [
    # Nobody trusted: the header is ignored, whatever it says.
    (TrustedProxies(), "203.0.113.5", "198.51.100.7", "203.0.113.5"),
    # One ingress in the cluster's network: the address it appended is the caller's.
    (INGRESS, "10.2.0.9", "203.0.113.5", "203.0.113.5"),
    # A client's own X-Forwarded-For is kept by the proxy, before the address it appends:
    # only that last one is believed.
    (INGRESS, "10.2.0.9", "198.51.100.7, 203.0.113.5", "203.0.113.5"),
    # Two proxies of the trusted network (a load balancer, then the ingress).
    (INGRESS, "10.2.0.9", "203.0.113.5, 10.3.0.1", "203.0.113.5"),
    # A connection from outside the trusted network: its header is not believed.
    (INGRESS, "192.0.2.1", "203.0.113.5", "192.0.2.1"),
    # No header: the connection's address.
    (INGRESS, "10.2.0.9", None, "10.2.0.9"),
    # A count: exactly that many appended addresses are the proxies'.
    (TrustedProxies.parse("1"), "10.2.0.9", "198.51.100.7, 203.0.113.5", "203.0.113.5"),
    (TrustedProxies.parse("2"), "10.2.0.9", "198.51.100.7, 203.0.113.5", "198.51.100.7"),
    # Fewer addresses than proxies: it did not come through them all.
    (TrustedProxies.parse("2"), "10.2.0.9", "203.0.113.5", "10.2.0.9"),
    # IPv6 networks and callers.
    (TrustedProxies.parse("fd00::/8"), "fd00::1", "2001:db8::7", "2001:db8::7"),
])
def test_the_caller_is_the_nearest_address_that_is_not_a_trusted_proxy(trusted, remote, forwarded,
                                                                         caller):
    assert trusted.caller(remote, forwarded) == caller


def test_the_middleware_gives_the_app_the_caller_and_keeps_the_proxys_address():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return []

    ForwardedCaller(app, INGRESS)({"REMOTE_ADDR": "10.2.0.9",
                                   "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, None)
    assert seen["REMOTE_ADDR"] == "203.0.113.5" and seen["workbuddy.proxy_addr"] == "10.2.0.9"


@pytest.mark.parametrize("text", ["ingress", "10.0.0.0/33", "1.5"])
def test_a_value_that_is_neither_a_count_nor_networks_is_refused(text):
    with pytest.raises(ValueError, match="neither a count nor a network"):
        TrustedProxies.parse(text)
