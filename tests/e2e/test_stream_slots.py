"""Live streams on a real gateway: a quiet stream hears a keep-alive at its pace, an app
that goes away frees its slot at once, not at the next keep-alive (a gateway holds only so
many streams, each a thread and a broker connection), and a gateway told to stop ends its
streams at once."""

import sys
import threading
import time

import pytest
import requests

from workbuddy_devstack.processes import wait_until

from ..support.net import free_port


def stream(base: str, member: dict) -> requests.Response:
    return requests.get(f"{base}/v1/me/notifications/stream", stream=True, timeout=10, headers={
        "Authorization": f"Bearer {member['access_token']}", "Accept": "text/event-stream"})


def test_a_quiet_stream_hears_a_keep_alive_each_second(gateway):
    """The shared stack keeps streams 3 s with a keep-alive every second."""
    member = gateway.sign_up("Quiet", "en")
    with stream(gateway.base, member) as response:
        assert response.status_code == 200
        lines = list(response.iter_lines(decode_unicode=True))
    assert lines.count(": keep-alive") in (2, 3), lines


@pytest.fixture(scope="module")
def one_stream_gateway(stack):
    """A second gateway on the same system that holds one stream at most and sends a
    keep-alive only every 30 s: a slot freed within seconds was freed by noticing the app left."""
    port = free_port()
    env = stack.env() | {"GATEWAY_PORT": str(port), "GATEWAY_WORKERS": "1",
                         "STREAM_MAX_OPEN": "1", "STREAM_KEEP_ALIVE": "30",
                         "STREAM_MAX_SECONDS": "120", "OPS_HOST": "127.0.0.1",
                         "GATEWAY_OPS_PORT": str(free_port())}
    stack.supervisor.start("gateway-one-stream", [sys.executable, "-m", "workbuddy_gateway"], env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, 30, "the second gateway")
        yield base
    finally:
        stack.supervisor.stop("gateway-one-stream")


def test_an_app_that_goes_away_frees_its_stream_slot_at_once(gateway, one_stream_gateway):
    member = gateway.sign_up("Leaving", "en")
    first = stream(one_stream_gateway, member)
    assert first.status_code == 200
    assert next(first.iter_lines(decode_unicode=True)) == "retry: 3000"
    busy = stream(one_stream_gateway, member)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"

    first.close()  # the tab is closed
    left = time.monotonic()
    while (again := stream(one_stream_gateway, member)).status_code == 503:
        assert time.monotonic() - left < 5, "the slot of an app that went is still held"
        time.sleep(0.2)
    assert again.status_code == 200
    again.close()


def test_a_gateway_told_to_stop_ends_its_streams_at_once(stack, gateway):
    """Its apps are told to reconnect soon (to another replica) and the stream ends, rather than
    being held until gunicorn's graceful timeout and then cut; and the gateway, holding nothing
    else, is gone well before that timeout."""
    port = free_port()
    env = stack.env() | {"GATEWAY_PORT": str(port), "GATEWAY_WORKERS": "1",
                         "STREAM_KEEP_ALIVE": "30", "STREAM_MAX_SECONDS": "120",
                         "OPS_HOST": "127.0.0.1", "GATEWAY_OPS_PORT": str(free_port())}
    stack.supervisor.start("gateway-stopping", [sys.executable, "-m", "workbuddy_gateway"], env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, 30, "the gateway")
        member = gateway.sign_up("Staying", "en")
        with stream(base, member) as response:
            lines = response.iter_lines(decode_unicode=True)
            assert next(lines) == "retry: 3000"
            told = time.monotonic()
            stopping = threading.Thread(target=stack.supervisor.stop, args=("gateway-stopping",))
            stopping.start()
            # The blank line that ends the first event, the hint to come back soon, then the
            # end of the stream (if the stream were held: a read timeout).
            assert list(lines) == ["", "retry: 250", ": this server is stopping; reconnect", ""]
            ended = time.monotonic() - told
        stopping.join()
        gone = time.monotonic() - told
    finally:
        stack.supervisor.stop("gateway-stopping")
    assert ended < 5, ended
    assert gone < 9, gone
