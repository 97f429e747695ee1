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
