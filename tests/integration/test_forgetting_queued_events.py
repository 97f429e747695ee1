"""What the broker holds about a member who left goes: ``parked.forget_member`` deletes, from a
service's parking lot and from the retry queues, the events naming them, and puts every other
one back where it was, still on its way. Real RabbitMQ, a vhost of the test's own."""

import threading
import time
import uuid

import pytest
from kombu import Connection, Exchange, Queue

from workbuddy_platform import parked, retries

ADA, BO = uuid.uuid4().hex, uuid.uuid4().hex
HANDLER_QUEUE = "evt-profiles-moment.logged--matching.on_moment_logged"


@pytest.fixture
def amqp(fresh_vhost) -> str:
    uri = fresh_vhost()[1]
    with Connection(uri, connect_timeout=5) as connection:
        channel = connection.channel()
        retries.declare(channel, ["matching"], [0.5, 600])
        Queue(HANDLER_QUEUE, exchange=Exchange(""), routing_key=HANDLER_QUEUE)(channel).declare()
    return uri


def put(amqp: str, queue: Queue, event_type: str, payload: dict, **headers) -> str:
    event_id = uuid.uuid4().hex
    with Connection(amqp, connect_timeout=5) as connection:
        connection.Producer().publish(
            {"event_id": event_id, "type": event_type, "payload": payload}, exchange=queue.exchange,
            routing_key=HANDLER_QUEUE if queue.name.startswith("workbuddy.retry") else queue.name,
            headers={retries.HANDLER: "matching.on_moment_logged", **headers},
            serializer="json", declare=[queue])
    return event_id


def ids_in(amqp: str, queue: Queue) -> list[str]:
    with Connection(amqp, connect_timeout=5) as connection, \
            parked._held(connection, queue, None) as taken:
        return [view.event_id for view, _ in taken]


def test_only_the_events_naming_the_member_go_and_the_others_keep_their_place(amqp):
    lot, long_wait = retries.parking_lot("matching"), retries.retry_queue(600)
    first = put(amqp, lot, "moment.logged", {"member_id": BO})
    hers = put(amqp, lot, "moment.reacted", {"author_id": BO, "reactor_id": ADA})
    told = put(amqp, lot, "member.left", {"member_id": ADA})  # the word to forget: it stays
    named_in_error = put(amqp, lot, "moment.logged", {"member_id": BO},
                         **{retries.ERROR: f"KeyError: '{ADA}'"})
    last = put(amqp, lot, "moment.logged", {"member_id": BO})
    waiting = put(amqp, long_wait, "moment.logged", {"member_id": ADA})
    others = put(amqp, long_wait, "moment.logged", {"member_id": BO})

    gone = parked.forget_member(amqp, ADA, services=["matching"], retry_delays=[0.5, 600])

    assert sorted(gone) == sorted([hers, named_in_error, waiting])
    assert ids_in(amqp, lot) == [first, told, last]
    assert ids_in(amqp, long_wait) == [others]


def test_an_event_held_while_its_wait_ran_out_goes_on_to_its_handler(amqp):
    short_wait = retries.retry_queue(0.5)
    someone_elses = put(amqp, short_wait, "moment.logged", {"member_id": BO})
    with Connection(amqp, connect_timeout=5) as connection, \
            parked._held(connection, short_wait, None) as taken:
        assert [view.event_id for view, _ in taken] == [someone_elses]
        time.sleep(1)  # a forgetter going through the queue for longer than the wait...
    handler_queue = Queue(HANDLER_QUEUE, exchange=Exchange(""), routing_key=HANDLER_QUEUE)
    deadline = time.monotonic() + 10
    while not (arrived := ids_in(amqp, handler_queue)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert arrived == [someone_elses]  # ...lets it go on its way when done, not lost


def test_forgetters_take_turns_so_none_misses_what_another_holds(amqp):
    """Two services forgetting two members at once: while one holds a queue's messages, the
    other would see an empty queue. The broker's exclusive queue makes them take turns."""
    lot = retries.parking_lot("matching")
    hers, his = put(amqp, lot, "moment.logged", {"member_id": ADA}), \
        put(amqp, lot, "moment.logged", {"member_id": BO})
    holding, release = threading.Event(), threading.Event()

    def slow_forgetter():
        with Connection(amqp, connect_timeout=5) as connection, parked._alone(connection, 5), \
                parked._held(connection, lot, "matching"):
            holding.set()  # every message of the lot is in this forgetter's hands
            release.wait(10)

    first = threading.Thread(target=slow_forgetter)
    first.start()
    holding.wait(10)
    result = {}
    second = threading.Thread(target=lambda: result.update(gone=parked.forget_member(
        amqp, ADA, services=["matching"], retry_delays=[])))
    second.start()
    time.sleep(0.5)
    assert "gone" not in result  # it waits its turn rather than find the lot empty
    release.set()
    first.join(10)
    second.join(10)
    assert result["gone"] == [hers]
    assert ids_in(amqp, lot) == [his]
    with Connection(amqp, connect_timeout=5) as connection, parked._alone(connection, 5), \
            pytest.raises(TimeoutError):
        parked.forget_member(amqp, BO, services=["matching"], retry_delays=[], wait_seconds=0.5)
