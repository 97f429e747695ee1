"""The gateway never hangs on a service: a service that is not running answers 503 at once, one
that stopped answering (frozen with SIGSTOP, its connection still open) answers 504 after
RPC_TIMEOUT, both as problem documents; /readyz says which service is down."""

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
    ready = requests.get(f"{system.base}/readyz", timeout=30)
    assert ready.status_code == 503
    assert {s["service"]: s["status"] for s in ready.json()["services"]}["profiles"].startswith("down")


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
    finally:
        os.killpg(profiles.pid, signal.SIGCONT)
    wait_until(signed_up, 30, "profiles to answer again")
