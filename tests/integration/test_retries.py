"""A handler that fails is retried after growing delays and, when it never succeeds, its event
is parked with the reason; it blocks no other event, and an operator can replay or purge it.
Real RabbitMQ (a vhost of its own), a real service process, the real store."""

import json
import sys
import time
import uuid
from datetime import UTC, datetime

import pytest
from kombu import Connection, Exchange, Queue

from workbuddy_contracts.events import make_event
from workbuddy_devstack.broker import Management
from workbuddy_devstack.processes import Supervisor
from workbuddy_platform import parked
from workbuddy_platform.outbox import EventPublisher
from workbuddy_platform.store import client_for

from ..support.waiting import eventually

SERVICE = "poisontest"
QUEUE = f"evt-profiles-moment.logged--{SERVICE}.on_moment_logged"
DELAYS = "0.3,0.6"  # two retries: three attempts in all


@pytest.fixture
def made_vhost(fresh_vhost) -> tuple[str, str]:
    return fresh_vhost()


@pytest.fixture
def vhost(made_vhost) -> str:
    return made_vhost[0]


@pytest.fixture
def amqp(made_vhost) -> str:
    return made_vhost[1]


@pytest.fixture
def queue_type() -> str:
    return "classic"


@pytest.fixture
def store(mongo_uri, db_prefix):
    prefix = f"{db_prefix}retry{uuid.uuid4().hex[:6]}_"
    yield client_for(mongo_uri)[f"{prefix}{SERVICE}"], prefix
    client_for(mongo_uri).drop_database(f"{prefix}{SERVICE}")


@pytest.fixture
def service(amqp, store, mongo_uri, artifacts, queue_type):
    _, prefix = store
    supervisor = Supervisor(artifacts / f"retries-{uuid.uuid4().hex[:6]}")

    def start():
        supervisor.start(SERVICE, [sys.executable, "-m", "tests.support.poison_service"], {
            "AMQP_URI": amqp, "MONGO_URI": mongo_uri, "WB_DB_PREFIX": prefix,
            "EVENT_RETRY_DELAYS": DELAYS, "EVENT_QUEUE_TYPE": queue_type, "PYTHONUNBUFFERED": "1"})
        wait(lambda: consumers_of(amqp, QUEUE) > 0 or supervisor.dead(), 30)
        assert not supervisor.dead(), supervisor.log_path(SERVICE).read_text()[-3000:]

    supervisor.restart = start
    start()
    try:
        yield supervisor
    finally:
        supervisor.stop_all()


def wait(check, timeout: float = 15):
    return eventually(check, timeout)


def consumers_of(amqp: str, queue: str) -> int:
    with Connection(amqp, connect_timeout=5) as connection:
        try:
            return Queue(queue, channel=connection.default_channel).queue_declare(passive=True).consumer_count
        except Exception:  # noqa: BLE001 - not declared yet
            return 0


def log(amqp: str, note: str) -> str:
    event = make_event("moment.logged", {
        "moment_id": uuid.uuid4().hex, "member_id": "m-1", "kind": "milestone", "note": note,
        "logged_at": datetime.now(UTC)}, producer="profiles", correlation_id=f"c-{note}")
    EventPublisher({"AMQP_URI": amqp, "serializer": "json"}).publish(event.to_message())
    return event.event_id


def handled(db) -> dict[str, dict]:
    return {doc["_id"]: doc for doc in db.handled.find()}


def test_a_poison_event_is_retried_then_parked_without_blocking_the_others(amqp, store, service):
    db, _ = store
    poison = log(amqp, "poison")
    fine = [log(amqp, f"fine {i}") for i in range(5)]
    flaky = log(amqp, "flaky-2")

    wait(lambda: set(fine) <= set(handled(db)))  # not held up behind the poison
    wait(lambda: flaky in handled(db))
    assert handled(db)[flaky]["tries"] == 3  # failed twice, retried, handled once

    [found] = wait(lambda: parked.list_parked(amqp, [SERVICE]))
    assert found.event_id == poison and found.type == "moment.logged"
    assert found.attempts == 3 and found.queue == QUEUE
    assert found.handler == f"{SERVICE}.on_moment_logged"
    assert found.error == "RuntimeError: cannot digest this note (try 3)"
    assert db.tries.find_one({"_id": poison})["n"] == 3
    assert poison not in handled(db)
    time.sleep(1.5)  # parked means parked: no attempt after the last one
    assert db.tries.find_one({"_id": poison})["n"] == 3

    # The bug is fixed: the operator replays it, and it is handled once.
    db.cure.insert_one({"_id": "poison"})
    assert parked.replay(amqp, SERVICE, {poison}) == [poison]
    wait(lambda: poison in handled(db))
    assert parked.list_parked(amqp, [SERVICE]) == []
    assert len(handled(db)) == 7


def test_an_unreadable_event_is_parked_at_once_and_can_be_purged(amqp, store, service):
    db, _ = store
    with Connection(amqp, connect_timeout=5) as connection:
        connection.Producer().publish(
            {"hello": "not an event"}, exchange=Exchange("profiles.events", type="topic", durable=True),
            routing_key="moment.logged", serializer="json", message_id="garbage-1")
    [found] = wait(lambda: parked.list_parked(amqp, [SERVICE]))
    assert found.attempts == 1 and found.event_id == "garbage-1"  # never retried: it cannot improve
    assert "UnreadableEvent" in found.error and "envelope" in found.error
    assert found.body == {"hello": "not an event"}
    assert db.tries.count_documents({}) == 0

    assert parked.purge(amqp, SERVICE, None) == ["garbage-1"]
    assert parked.list_parked(amqp, [SERVICE]) == []


def test_the_operator_command_lists_shows_and_replays(amqp, store, service, capsys, monkeypatch):
    db, _ = store
    poison = log(amqp, "poison")
    wait(lambda: parked.list_parked(amqp, [SERVICE]))
    monkeypatch.setenv("AMQP_URI", amqp)
    monkeypatch.setattr(parked, "SERVICES", (SERVICE,))

    parked.main(["list"])
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{SERVICE}\t{poison}\tmoment.logged\t{SERVICE}.on_moment_logged\tattempts=3")
    parked.main(["show", poison])
    assert json.loads(capsys.readouterr().out)[0]["error"].startswith("RuntimeError")
    with pytest.raises(SystemExit, match="name the events"):
        parked.main(["replay"])

    db.cure.insert_one({"_id": "poison"})
    parked.main(["replay", "--all"])
    assert capsys.readouterr().out.strip() == f"replayed 1: {poison}"
    wait(lambda: poison in handled(db))


def tries(db, event_id: str) -> int:
    return (db.tries.find_one({"_id": event_id}) or {}).get("n", 0)


def test_a_consumer_killed_in_the_middle_of_a_handler_gets_the_event_again(amqp, store, service):
    db, _ = store
    slow = log(amqp, "slow-3")
    wait(lambda: tries(db, slow) == 1)  # the handler is running
    service.kill(SERVICE)  # SIGKILL: no chance to finish or acknowledge
    assert slow not in handled(db)

    service.restart()
    wait(lambda: slow in handled(db), 30)
    assert tries(db, slow) == 2 and handled(db)[slow]["tries"] == 2  # once more, handled once


def test_sigterm_lets_the_handler_in_flight_finish_and_acknowledge(amqp, store, service):
    db, _ = store
    slow = log(amqp, "slow-2")
    wait(lambda: tries(db, slow) == 1)
    service.stop(SERVICE)  # SIGTERM, as a deploy or a scale-down sends it
    assert slow in handled(db)  # finished before the process left

    service.restart()
    log(amqp, "after the restart")
    wait(lambda: len(handled(db)) == 2)
    assert tries(db, slow) == 1  # acknowledged: not delivered again


@pytest.mark.parametrize("queue_type", ["quorum"])
def test_on_quorum_queues_events_are_retried_and_parked_the_same(amqp_uri, vhost, amqp, store, service):
    db, _ = store
    queue = Management(amqp_uri).queue(vhost, QUEUE)
    assert queue["type"] == "quorum"
    assert queue["arguments"]["x-dead-letter-routing-key"] == f"{SERVICE}.parked"

    poison, fine = log(amqp, "poison"), log(amqp, "fine")
    wait(lambda: fine in handled(db))
    [found] = wait(lambda: parked.list_parked(amqp, [SERVICE]))
    assert found.event_id == poison and found.attempts == 3
    # The retry queues the poison went through and its parking lot are replicated too: a
    # failed event is neither lost nor stuck while one node is down.
    management = Management(amqp_uri)
    for delay in DELAYS.split(","):
        retry = management.queue(vhost, f"workbuddy.retry.{round(float(delay) * 1000)}ms")
        assert retry["type"] == "quorum"
        assert retry["arguments"]["x-dead-letter-strategy"] == "at-least-once"
    assert management.queue(vhost, f"{SERVICE}.parked")["type"] == "quorum"
