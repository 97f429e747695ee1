"""A service outlives the broker going away while it works: the answer it cannot send is
dropped (the caller times out and asks again), it reconnects when the broker is back, and it
answers the next call — no restart."""

import sys
import uuid

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from workbuddy_devstack.processes import Supervisor, wait_until
from workbuddy_platform.store import client_for

from ..support import private_broker


@pytest.fixture
def broker(tmp_path):
    node = private_broker.start_or_skip(tmp_path / "rabbitmq")
    yield node
    node.destroy()


def call(amqp: str, method: str, *args, timeout: float = 10):
    with ClusterRpcProxy({"AMQP_URI": amqp, "serializer": "json"}, timeout=timeout) as cluster:
        return getattr(cluster.poisontest, method)(*args)


def test_a_service_answering_when_the_broker_goes_away_lives_on(broker, mongo_uri, db_prefix,
                                                                 artifacts):
    prefix = f"{db_prefix}loss{uuid.uuid4().hex[:6]}_"
    supervisor = Supervisor(artifacts / f"broker-loss-{uuid.uuid4().hex[:6]}")
    supervisor.start("poisontest", [sys.executable, "-m", "tests.support.poison_service"], {
        "AMQP_URI": broker.amqp_uri, "MONGO_URI": mongo_uri, "WB_DB_PREFIX": prefix,
        "PYTHONUNBUFFERED": "1"})
    db = client_for(mongo_uri)[f"{prefix}poisontest"]
    log = supervisor.log_path("poisontest")
    try:
        wait_until(lambda: call(broker.amqp_uri, "answer_after", 0) == "here", 60, "the service")
        with ClusterRpcProxy({"AMQP_URI": broker.amqp_uri, "serializer": "json"}, timeout=30) as c:
            c.poisontest.answer_when_told.call_async("first")  # it works on it...
            wait_until(lambda: db.answered.find_one({"_id": "first"}), 10, "the call")
            broker.stop()  # ... the broker is gone...
        db.go.insert_one({"_id": "first"})  # ... and then it answers
        wait_until(lambda: "rpc.answer_not_sent" in log.read_text(), 60, "the answer dropped")
        broker.start()

        wait_until(lambda: call(broker.amqp_uri, "answer_after", 0, timeout=5) == "here", 60,
                   "an answer after the broker came back")
        assert not supervisor.dead()
        assert "thread exited with error" not in log.read_text()
    finally:
        supervisor.stop_all()
        db.client.drop_database(f"{prefix}poisontest")


def test_the_gateways_kept_connections_are_not_trusted_after_the_broker_restarts(broker, mongo_uri,
                                                                                db_prefix, artifacts):
    """The gateway keeps its RPC connections between requests. A restart drops them and their
    reply queues: a kept connection is checked before it is reused and replaced when it is
    gone, so the first call after the restart, once the service is back, is answered."""
    from workbuddy_gateway.rpc import Services

    prefix = f"{db_prefix}kept{uuid.uuid4().hex[:6]}_"
    supervisor = Supervisor(artifacts / f"broker-kept-{uuid.uuid4().hex[:6]}")
    supervisor.start("poisontest", [sys.executable, "-m", "tests.support.poison_service"], {
        "AMQP_URI": broker.amqp_uri, "MONGO_URI": mongo_uri, "WB_DB_PREFIX": prefix,
        "PYTHONUNBUFFERED": "1"})
    services = Services(broker.amqp_uri, timeout=20)
    try:
        wait_until(lambda: call(broker.amqp_uri, "answer_after", 0) == "here", 60, "the service")
        for _ in range(3):  # the connection is now kept
            assert services.call("poisontest", "answer_after", 0, correlation_id=None) == "here"
        broker.restart()
        wait_until(lambda: call(broker.amqp_uri, "answer_after", 0, timeout=5) == "here", 60,
                   "the service back")
        assert services.call("poisontest", "answer_after", 0, correlation_id=None) == "here"
    finally:
        services.close()
        supervisor.stop_all()
        client_for(mongo_uri).drop_database(f"{prefix}poisontest")
