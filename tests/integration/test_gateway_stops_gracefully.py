"""A gateway told to stop (SIGTERM, as a rollout or a scale-down sends it) ends its live streams
at once with a hint to reconnect soon, and finishes the requests it holds: no 5xx, nothing cut.
Real processes: profiles and a gateway of one worker, on the real RabbitMQ and store."""

import os
import signal
import sys
import threading
import time
import uuid

import pytest
import requests

from workbuddy_devstack.processes import Supervisor, wait_until

from ..support.api import Gateway
from ..support.net import free_port

STREAMS = 3
GRACE = 25  # GATEWAY_GRACEFUL_TIMEOUT: longer than the request is held
HELD = 12  # seconds the request is held after the stop: past gunicorn's former fixed 10 s


@pytest.fixture
def system(fresh_vhost, mongo_uri, db_prefix, artifacts):
    port = free_port()
    env = {"AMQP_URI": fresh_vhost()[1], "MONGO_URI": mongo_uri, "JWT_SECRET": "j" * 40,
           "WB_DB_PREFIX": f"{db_prefix}stop{uuid.uuid4().hex[:6]}_", "GATEWAY_HOST": "127.0.0.1",
           "GATEWAY_PORT": str(port), "GATEWAY_WORKERS": "1", "GATEWAY_THREADS": "16",
           "GATEWAY_GRACEFUL_TIMEOUT": str(GRACE), "RPC_TIMEOUT": str(GRACE), "STREAM_KEEP_ALIVE": "30",
           "ADDRESS_VERIFICATION": "trusted", "PYTHONUNBUFFERED": "1"}
    supervisor = Supervisor(artifacts / f"graceful-{uuid.uuid4().hex[:6]}")
    supervisor.start("profiles", [sys.executable, "-m", "workbuddy_profiles"], env)
    supervisor.start("gateway", [sys.executable, "-m", "workbuddy_gateway"], env)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, 30, "the gateway")
    try:
        yield supervisor, Gateway(base)
    finally:
        supervisor.stop_all()


def open_stream(base: str, token: str, opened: threading.Barrier, said: list[str]) -> None:
    """Reads a live stream to its end, keeping every line; the barrier once it is bound."""
    with requests.get(f"{base}/v1/me/notifications/stream", stream=True, timeout=60,
                      headers={"Authorization": f"Bearer {token}"}) as answer:
        said.append(f"status {answer.status_code}")
        lines = answer.iter_lines(decode_unicode=True)
        for line in lines:
            said.append(line)
            if line.startswith("retry:"):
                break
        opened.wait(30)
        said.extend(lines)  # to the end of the stream: raises if it was cut
        said.append("ended")


def test_a_stopping_gateway_tells_streams_to_reconnect_and_finishes_what_it_holds(system):
    supervisor, gateway = system
    member = wait_until(lambda: gateway.sign_up("Ada", "en"), 60, "profiles to answer")
    opened = threading.Barrier(STREAMS + 1)
    heard = [[] for _ in range(STREAMS)]
    streams = [threading.Thread(target=open_stream, args=(gateway.base, member["access_token"],
                                                          opened, said)) for said in heard]
    for stream in streams:
        stream.start()
    opened.wait(30)

    # A request in flight across the stop: profiles is frozen, so the gateway holds it.
    profiles = supervisor.children["profiles"]
    os.killpg(profiles.pid, signal.SIGSTOP)
    answers = []
    in_flight = threading.Thread(target=lambda: answers.append(gateway.request(
        "POST", "/v1/me/moments", member, json={"kind": "milestone", "note": "held over a stop"})))
    in_flight.start()
    time.sleep(1.5)  # on its way to profiles

    told = time.monotonic()
    os.kill(supervisor.children["gateway"].pid, signal.SIGTERM)  # the master: as Kubernetes does
    for stream in streams:
        stream.join(10)
    streams_ended = time.monotonic() - told
    time.sleep(max(0.0, told + HELD - time.monotonic()))
    os.killpg(profiles.pid, signal.SIGCONT)
    in_flight.join(30)

    for said in heard:
        assert said[0] == "status 200" and said[-1] == "ended", said
        # The last thing a stream says: come back soon (not the usual retry: 3000).
        assert [line for line in said if line.startswith("retry:")][-1] == "retry: 250", said
    assert streams_ended < 5, f"the streams were held {streams_ended:.1f} s"
    [answer] = answers
    assert answer.status_code == 201, answer.text  # finished, not cut, after the stop
    supervisor.children["gateway"].wait(30)
