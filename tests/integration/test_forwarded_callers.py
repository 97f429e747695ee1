"""Rate limits behind a proxy: a real gateway keys them on the caller a trusted proxy names in
X-Forwarded-For, and ignores that header from a hop it does not trust. (The sign-ups are
refused 503 past the limiter: profiles is not running, which is all this needs.)"""

import sys
import uuid

import pytest
import requests

from workbuddy_devstack.processes import Supervisor, wait_until

from ..support.net import free_port

LIMIT = 2  # sign-ups per hour and address


@pytest.fixture
def gateway_behind(fresh_vhost, mongo_uri, db_prefix, artifacts):
    """A gateway started with TRUSTED_PROXIES=``trusted``; its base URL."""
    supervisor = Supervisor(artifacts / f"forwarded-{uuid.uuid4().hex[:6]}")

    def start(trusted: str) -> str:
        port = free_port()
        supervisor.start(f"gateway-{port}", [sys.executable, "-m", "workbuddy_gateway"], {
            "AMQP_URI": fresh_vhost()[1], "MONGO_URI": mongo_uri, "JWT_SECRET": "j" * 40,
            "WB_DB_PREFIX": f"{db_prefix}fwd{uuid.uuid4().hex[:6]}_", "GATEWAY_HOST": "127.0.0.1",
            "GATEWAY_PORT": str(port), "GATEWAY_WORKERS": "1", "RPC_TIMEOUT": "2",
            "RATE_LIMIT_SIGNUP": f"{LIMIT} per hour", "TRUSTED_PROXIES": trusted,
            "PYTHONUNBUFFERED": "1"})
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, 30, "the gateway")
        return base

    try:
        yield start
    finally:
        supervisor.stop_all()


def sign_up(base: str, forwarded_for: str) -> int:
    return requests.post(f"{base}/v1/auth/signup", timeout=30,
                         headers={"X-Forwarded-For": forwarded_for},
                         json={"email": f"x-{uuid.uuid4().hex[:6]}@example.org", "display_name": "X",
                               "language": "en", "password": "a long passphrase"}).status_code


def test_behind_a_trusted_proxy_each_caller_has_a_limit_of_their_own(gateway_behind):
    base = gateway_behind("127.0.0.0/8")  # the test connects from there, as an ingress would
    callers = [f"203.0.113.{n}" for n in range(1, 2 * LIMIT + 2)]
    assert [sign_up(base, caller) for caller in callers] == [503] * len(callers)
    # One caller, however they dress their own header: the address the proxy appended counts.
    same = [sign_up(base, f"198.51.100.{n}, 203.0.113.99") for n in range(LIMIT + 1)]
    assert same == [503] * LIMIT + [429]


def test_from_a_hop_it_does_not_trust_the_header_changes_nothing(gateway_behind):
    base = gateway_behind("")  # reached directly: every connection's own address counts
    codes = [sign_up(base, f"203.0.113.{n}") for n in range(1, LIMIT + 2)]
    assert codes == [503] * LIMIT + [429]
    # Trusting another network is the same as trusting none for a caller from here.
    base = gateway_behind("10.0.0.0/8")
    assert [sign_up(base, f"203.0.113.{n}") for n in range(1, LIMIT + 2)] == [503] * LIMIT + [429]
