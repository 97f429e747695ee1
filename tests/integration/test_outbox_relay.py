"""The outbox relay against the real broker and store: confirmed, routed, never dropped."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from workbuddy_contracts.catalogue import SUBSCRIPTIONS
from workbuddy_contracts.events import make_event, read_event
from workbuddy_platform import outbox
from workbuddy_platform.settings import PlatformSettings
from workbuddy_platform.store import client_for, in_transaction
from workbuddy_platform.topology import declare_topology


@pytest.fixture
def db(mongo_uri, db_prefix):
    database = client_for(mongo_uri)[f"{db_prefix}relay_{uuid.uuid4().hex[:8]}"]
    outbox.create_outbox_indexes(database)
    yield database
    database.client.drop_database(database.name)


@pytest.fixture
def config(fresh_vhost):
    """A vhost of this test's own, empty: no running service consumes from its queues."""
    return {"AMQP_URI": fresh_vhost()[1], "serializer": "json"}


def moment_event(note: str):
    return make_event("moment.logged", {
        "moment_id": uuid.uuid4().hex, "member_id": "m-1", "kind": "client_won", "note": note,
        "logged_at": datetime.now(UTC)}, producer="profiles", correlation_id="c-relay")


def stage_all(db, events):
    in_transaction(db, lambda session: [outbox.stage(db, e, session) for e in events])


def drain_queue(config, name: str) -> list[dict]:
    with Connection(config["AMQP_URI"]) as conn:
        queue = Queue(name, channel=conn.default_channel, no_declare=True)
        bodies = []
        while (message := queue.get(no_ack=True)) is not None:
            bodies.append(message.decode())
        return bodies


def test_pending_events_reach_the_declared_queue_in_order(db, config):
    declare_topology(PlatformSettings(amqp_uri=config["AMQP_URI"]))
    [queue] = [s.queue for s in SUBSCRIPTIONS
               if s.event == "moment.logged" and s.consumer == "notifications"]
    drain_queue(config, queue)
    events = [moment_event(f"n{i}") for i in range(5)]
    stage_all(db, events)

    relay = outbox.Relay(db, outbox.EventPublisher(config), timedelta(seconds=30))
    assert relay.drain() == 5

    received = [read_event(body) for body in drain_queue(config, queue)]
    assert [e.event_id for e in received] == [e.event_id for e in events]
    assert received[0].correlation_id == "c-relay"
    assert {d["state"] for d in db.outbox.find()} == {outbox.PUBLISHED}
    assert relay.drain() == 0  # nothing is published twice


def test_an_event_nobody_can_receive_stays_pending_with_the_reason(db, config):
    """With no queue bound yet, the broker returns the mandatory message: the relay keeps it
    rather than losing it, and publishes it once the topology exists."""
    with Connection(config["AMQP_URI"]) as conn:
        get_event_exchange("profiles", config)(conn.default_channel).declare()
    event = moment_event("lost?")
    stage_all(db, [event])

    relay = outbox.Relay(db, outbox.EventPublisher(config), timedelta(seconds=30))
    assert relay.drain() == 0
    entry = db.outbox.find_one({"_id": event.event_id})
    assert entry["state"] == outbox.PENDING
    assert entry["attempts"] == 1 and "no queue" in entry["last_error"]

    # Once the topology exists, the same event goes out.
    declare_topology(PlatformSettings(amqp_uri=config["AMQP_URI"]))
    assert relay.drain() == 1


def stage_claimed(db, events) -> list[dict]:
    return in_transaction(db, lambda session: [outbox.stage(db, e, session, claimed=True)
                                               for e in events])


def test_events_staged_claimed_are_published_by_their_worker_and_not_by_a_relay(db, config):
    """A running service's worker stages its events claimed and publishes them once committed:
    a relay draining meanwhile leaves them alone, and nothing goes out twice."""
    declare_topology(PlatformSettings(amqp_uri=config["AMQP_URI"]))
    [queue] = [s.queue for s in SUBSCRIPTIONS
               if s.event == "moment.logged" and s.consumer == "notifications"]
    drain_queue(config, queue)
    events = [moment_event(f"n{i}") for i in range(3)]
    staged = stage_claimed(db, events)
    relay = outbox.Relay(db, outbox.EventPublisher(config), timedelta(seconds=30))
    assert relay.drain() == 0  # claimed by the worker: not the relay's

    assert relay.publish_claimed(staged)
    received = [read_event(body) for body in drain_queue(config, queue)]
    assert [e.event_id for e in received] == [e.event_id for e in events]
    assert {d["state"] for d in db.outbox.find()} == {outbox.PUBLISHED}
    assert relay.drain() == 0


def test_what_a_worker_could_not_publish_is_left_to_the_relay(db, config):
    """No queue bound yet: the worker's publish is refused, the event and those after it are
    pending again, and a relay publishes them once the topology exists."""
    with Connection(config["AMQP_URI"]) as conn:
        get_event_exchange("profiles", config)(conn.default_channel).declare()
    events = [moment_event(f"n{i}") for i in range(2)]
    relay = outbox.Relay(db, outbox.EventPublisher(config), timedelta(seconds=30))
    assert not relay.publish_claimed(stage_claimed(db, events))
    assert {d["state"] for d in db.outbox.find()} == {outbox.PENDING}

    declare_topology(PlatformSettings(amqp_uri=config["AMQP_URI"]))
    assert relay.drain() == 2


def test_a_claim_its_worker_never_published_goes_stale_and_a_relay_publishes_it(db, config):
    declare_topology(PlatformSettings(amqp_uri=config["AMQP_URI"]))
    stage_claimed(db, [moment_event("the worker died")])
    relay = outbox.Relay(db, outbox.EventPublisher(config), timedelta(seconds=0))
    assert relay.drain() == 0
    time.sleep(1.1)  # the embedded store compares datetimes to the whole second
    assert relay.reclaim_stale() == 1
    assert relay.drain() == 1
