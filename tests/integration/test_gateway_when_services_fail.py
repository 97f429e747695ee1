"""The gateway never hangs on a service: a service that is not running answers 503 at once, one
that stopped answering (frozen with SIGSTOP, its connection still open) answers 504 after
RPC_TIMEOUT, both as problem documents; /health/system says which service is down, and the
gateway stays ready (/readyz) meanwhile: it can still serve every other call."""

import os
import signal
import sys
import time
import uuid

import pytest
import requests

from workbuddy_devstack.processes import Supervisor, wait_until

from ..support.net import free_port

RPC_TIMEOUT = 2


@pytest.fixture
def system(fresh_vhost, mongo_uri, db_prefix, artifacts):
    port = free_port()
    env = {"AMQP_URI": fresh_vhost()[1], "MONGO_URI": mongo_uri,
           "WB_DB_PREFIX": f"{db_prefix}rpcfault{uuid.uuid4().hex[:6]}_", "JWT_SECRET": "j" * 40,
           "GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(port), "GATEWAY_WORKERS": "1",
           "RPC_TIMEOUT": str(RPC_TIMEOUT), "PYTHONUNBUFFERED": "1"}
    supervisor = Supervisor(artifacts / f"rpcfault-{uuid.uuid4().hex[:6]}")
    supervisor.start("gateway", [sys.executable, "-m", "workbuddy_gateway"], env)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, 30, "the gateway")
    supervisor.env, supervisor.base = env, base
    try:
        yield supervisor
    finally:
        supervisor.stop_all()


def sign_up(base: str) -> tuple[requests.Response, float]:
    started = time.monotonic()
    answer = requests.post(f"{base}/v1/auth/signup", timeout=30, json={
        "email": f"x-{uuid.uuid4().hex[:6]}@example.org", "display_name": "X", "language": "en",
        "password": "a long passphrase"})
    return answer, time.monotonic() - started


def test_a_service_that_is_not_running_is_a_prompt_503(system):
    answer, took = sign_up(system.base)
    assert answer.status_code == 503 and took < RPC_TIMEOUT
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "the profiles service is not running" in answer.json()["detail"]
    health = requests.get(f"{system.base}/health/system", timeout=30)
    assert health.status_code == 503
    assert {s["service"]: s["status"] for s in health.json()["services"]}["profiles"].startswith("down")
    ready = requests.get(f"{system.base}/readyz", timeout=5)
    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "broker": "ok"})


def test_a_service_that_stopped_answering_is_a_504_after_the_rpc_timeout(system):
    system.start("profiles", [sys.executable, "-m", "workbuddy_profiles"], system.env)
    answer = None

    def signed_up():
        nonlocal answer
        answer, _ = sign_up(system.base)
        return answer.status_code == 201

    wait_until(signed_up, 60, "profiles to answer")
    profiles = system.children["profiles"]
    os.killpg(profiles.pid, signal.SIGSTOP)  # alive to the broker, but answering nothing
    try:
        answer, took = sign_up(system.base)
        assert answer.status_code == 504, answer.text
        assert RPC_TIMEOUT <= took < RPC_TIMEOUT + 8  # bounded, with room for a busy machine
        assert answer.json()["detail"] == "a service did not answer in time; retry in a moment"
        # The gateway is still ready: a readiness probe (5 s) must not take it out of its
        # Service because one service is slow.
        started = time.monotonic()
        ready = requests.get(f"{system.base}/readyz", timeout=5)
        assert ready.status_code == 200 and time.monotonic() - started < 3
    finally:
        os.killpg(profiles.pid, signal.SIGCONT)
    wait_until(signed_up, 30, "profiles to answer again")


def test_a_gateway_that_cannot_reach_the_broker_is_not_ready(mongo_uri, db_prefix, artifacts):
    port = free_port()
    supervisor = Supervisor(artifacts / f"nobroker-{uuid.uuid4().hex[:6]}")
    supervisor.start("gateway", [sys.executable, "-m", "workbuddy_gateway"], {
        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:{free_port()}/", "MONGO_URI": mongo_uri,
        "WB_DB_PREFIX": f"{db_prefix}nobroker_", "JWT_SECRET": "j" * 40,
        "GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(port), "GATEWAY_WORKERS": "1",
        "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, 30, "the gateway")
        started = time.monotonic()
        ready = requests.get(f"{base}/readyz", timeout=10)
        assert ready.status_code == 503 and time.monotonic() - started < 5
        assert ready.json()["broker"].startswith("down: ")
    finally:
        supervisor.stop_all()
