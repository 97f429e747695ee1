"""A service started before its broker or its store waits for them (as on a first deploy,
where RabbitMQ and MongoDB come up minutes after the services), saying what it waits for,
alive to its liveness probe and not ready meanwhile; it starts serving once they answer, and
gives up with a clear message only after START_WAIT_SECONDS. Real processes throughout."""

import sys
import time
import uuid

import pytest
import requests

from workbuddy_devstack.processes import Supervisor, wait_until
from workbuddy_devstack.store import mongo_uri as store_uri
from workbuddy_devstack.store import start_embedded

from ..support.faultproxy import FaultProxy
from ..support.net import free_port


@pytest.fixture
def supervisor(artifacts):
    made = Supervisor(artifacts / f"startwait-{uuid.uuid4().hex[:6]}")
    try:
        yield made
    finally:
        made.stop_all()


def start_profiles(supervisor, amqp_uri: str, mongo_uri: str, db_prefix: str, **extra) -> str:
    """profiles, started now; the base URL of its ops port."""
    ops = free_port()
    supervisor.start("profiles", [sys.executable, "-m", "workbuddy_profiles"], {
        "AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri, "WB_DB_PREFIX": f"{db_prefix}wait_",
        "OPS_PORT": str(ops), "START_WAIT_SECONDS": "120", "PYTHONUNBUFFERED": "1", **extra})
    return f"http://127.0.0.1:{ops}"


def waits_for(supervisor, ops: str, what: str) -> None:
    """It says, in its log and on /readyz, that it waits for ``what``, and is alive."""
    log = supervisor.log_path("profiles")
    wait_until(lambda: log.exists() and "service.waiting" in log.read_text()
               and what in log.read_text(), 60, f"profiles to say it waits for {what}")
    assert requests.get(f"{ops}/healthz", timeout=5).status_code == 200
    ready = requests.get(f"{ops}/readyz", timeout=5)
    assert ready.status_code == 503 and what in ready.json()["waiting_for"], ready.text


def serves(supervisor, ops: str) -> None:
    log = supervisor.log_path("profiles")
    wait_until(lambda: requests.get(f"{ops}/readyz", timeout=5).status_code == 200
               and "Connected to amqp" in log.read_text(), 60, "profiles to start serving")
    assert "Traceback" not in log.read_text()


def test_a_service_started_before_its_store_waits_for_it(supervisor, fresh_vhost, db_prefix,
                                                          tmp_path):
    port = free_port()
    ops = start_profiles(supervisor, fresh_vhost()[1], store_uri(port), db_prefix)
    waits_for(supervisor, ops, "the store")
    start_embedded(supervisor, tmp_path / "store", port)
    serves(supervisor, ops)


def test_a_service_started_before_its_broker_waits_for_it(supervisor, fresh_vhost, mongo_uri,
                                                           db_prefix):
    port = free_port()
    _, uri = fresh_vhost()
    assert "@127.0.0.1:5672/" in uri
    ops = start_profiles(supervisor, uri.replace("@127.0.0.1:5672/", f"@127.0.0.1:{port}/"),
                         mongo_uri, db_prefix)
    waits_for(supervisor, ops, "the broker")
    with FaultProxy(5672, port=port):  # the broker appears where it was told to look
        serves(supervisor, ops)


def test_a_service_gives_up_after_its_wait_naming_what_never_answered(supervisor, fresh_vhost,
                                                                       db_prefix):
    started = time.monotonic()
    start_profiles(supervisor, fresh_vhost()[1], store_uri(free_port()), db_prefix,
                   START_WAIT_SECONDS="4")
    process = supervisor.children["profiles"]
    assert process.wait(60) == 1
    assert time.monotonic() - started < 40
    said = supervisor.log_path("profiles").read_text()
    assert "profiles cannot start: the store at 127.0.0.1:" in said
    assert "did not answer within 4 s" in said
