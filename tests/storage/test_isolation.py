"""Transactions as the product runs them (store.in_transaction, the outbox relay) are isolated
from everything else using the database: nothing is read before it is committed, and nothing
written by others is undone by an abort.

MongoDB (a replica set) gives that itself. nx-27017 does not (the raw-client tests at the end
document its gap); there the platform makes every other thread and process wait for the
database's turn while a transaction is open (workbuddy_platform.turns). "Another request" is
a thread here, "another replica" a process, each starting its work while the transaction is
open; the transaction then waits long enough for that work to have reached the store.
"""

import json
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta

import pytest
from pymongo import MongoClient

from workbuddy_platform import outbox
from workbuddy_platform.store import in_transaction

from .test_storage_contract import Boom, RecordingPublisher, moment_event

OTHERS_HEAD_START = 0.3  # seconds the transaction stays open once the other work has started


class Meanwhile:
    """Work of another request, started from inside a transaction, in a thread of its own."""

    def __init__(self, work):
        self.started = threading.Event()
        self.finished_at: float | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(work,), daemon=True)

    def _run(self, work):
        self.started.set()
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - told by join()
            self.error = exc
        self.finished_at = time.monotonic()

    def start(self) -> None:
        self.thread.start()
        self.started.wait(5)
        time.sleep(OTHERS_HEAD_START)  # its first command is at the store by now

    def join(self) -> None:
        self.thread.join(30)
        assert not self.thread.is_alive(), "the other request never finished"
        if self.error is not None:
            raise self.error


def test_a_write_made_while_a_transaction_is_open_is_kept_when_it_aborts(db):
    other = Meanwhile(lambda: db.other.insert_one({"_id": "outside"}))

    def save(session):
        db.members.insert_one({"_id": "in-txn"}, session=session)
        other.start()
        raise Boom()

    with pytest.raises(Boom):
        in_transaction(db, save)
    other.join()
    assert db.members.find_one({"_id": "in-txn"}) is None
    assert db.other.find_one({"_id": "outside"}) is not None


def test_a_read_made_while_a_transaction_is_open_never_sees_its_writes(db):
    seen = []
    other = Meanwhile(lambda: seen.append(db.members.find_one({"_id": "in-txn"})))

    def save(session):
        db.members.insert_one({"_id": "in-txn"}, session=session)
        other.start()
        raise Boom()

    with pytest.raises(Boom):
        in_transaction(db, save)
    other.join()
    assert seen == [None]


def test_the_relay_publishes_no_event_of_a_transaction_that_aborts(db):
    outbox.create_outbox_indexes(db)
    publisher = RecordingPublisher()
    relay = Meanwhile(lambda: outbox.Relay(db, publisher, timedelta(seconds=30)).drain())

    def save(session):
        outbox.stage(db, moment_event(), session)
        relay.start()  # the relay's green thread, or another replica's, running meanwhile
        raise Boom()

    with pytest.raises(Boom):
        in_transaction(db, save)
    relay.join()
    assert publisher.messages == []
    assert list(db.outbox.find()) == []


def test_the_relay_publishes_once_the_event_of_a_transaction_that_commits(db):
    outbox.create_outbox_indexes(db)
    publisher = RecordingPublisher()
    relay = outbox.Relay(db, publisher, timedelta(seconds=30))
    event = moment_event()
    drained = []
    other = Meanwhile(lambda: drained.append(relay.drain()))

    def save(session):
        outbox.stage(db, event, session)
        other.start()

    in_transaction(db, save)
    other.join()
    relay.drain()  # whatever the relay running meanwhile did not see is published now
    assert [m["event_id"] for m in publisher.messages] == [event.event_id]


# What another replica of the service does: its own process, its own client of the store; a
# service's process runs on eventlet (argv[3] == "green"), where waiting for the turn must
# leave the other green threads running (here a ticker).
REPLICA = textwrap.dedent("""
    import sys
    if sys.argv[3] == "green":
        import eventlet
        eventlet.monkey_patch()
    import json, threading, time
    from datetime import timedelta
    from workbuddy_platform import outbox
    from workbuddy_platform.store import client_for

    class Kept:
        def __init__(self):
            self.ids = []

        def publish(self, message, trace_context=None):
            self.ids.append(message["event_id"])

    ticks = []

    def tick():
        while True:
            ticks.append(time.monotonic())
            time.sleep(0.01)

    threading.Thread(target=tick, daemon=True).start()
    db = client_for(sys.argv[1])[sys.argv[2]]
    db.other.find_one()  # connected, and the store's kind known
    print("ready", flush=True)
    sys.stdin.readline()
    asked = time.monotonic()
    db.other.insert_one({"_id": "from-the-replica"})
    written = time.monotonic()
    publisher = Kept()
    outbox.Relay(db, publisher, timedelta(seconds=30)).drain()
    print(json.dumps({"published": publisher.ids, "waited": written - asked,
                      "ticks_meanwhile": len([t for t in ticks if asked <= t <= written])}),
          flush=True)
""")


@pytest.mark.parametrize("threads", ["green", "os"])
def test_another_process_neither_publishes_nor_loses_anything_when_a_transaction_aborts(
        db, mongo_uri, on_nx, threads):
    outbox.create_outbox_indexes(db)
    replica = subprocess.Popen([sys.executable, "-c", REPLICA, mongo_uri, db.name, threads],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert replica.stdout.readline().strip() == "ready"

        def save(session):
            outbox.stage(db, moment_event(), session)
            db.members.insert_one({"_id": "in-txn"}, session=session)
            replica.stdin.write("go\n")
            replica.stdin.flush()
            time.sleep(OTHERS_HEAD_START + 0.5)  # a process needs longer than a thread
            raise Boom()

        with pytest.raises(Boom):
            in_transaction(db, save)
        said, _ = replica.communicate(timeout=60)
    finally:
        replica.kill()
    told = json.loads(said.strip().splitlines()[-1])  # after the relay's log lines, if any
    assert told["published"] == []
    assert db.other.find_one({"_id": "from-the-replica"}) is not None
    assert db.members.find_one({"_id": "in-txn"}) is None
    if on_nx:  # it waited for the transaction, and its other (green) threads went on meanwhile
        assert told["waited"] > 0.2
        assert told["ticks_meanwhile"] >= 5, told


def test_transactions_nested_in_one_thread_do_not_wait_for_themselves(db):
    def outer(session):
        db.first.insert_one({"_id": 1}, session=session)
        db.first.find_one({"_id": 1})  # a read of its own, outside the session
        in_transaction(db, lambda inner: db.second.insert_one({"_id": 1}, session=inner))

    in_transaction(db, outer)
    assert db.first.find_one({"_id": 1}) and db.second.find_one({"_id": 1})


# --- the store's own gap: a client that does not take turns ---------------------------------

@pytest.fixture
def raw(mongo_uri, db):
    """The test's database through a plain client, as a program other than Work Buddy's would."""
    client = MongoClient(mongo_uri, tz_aware=True)
    yield client[db.name]
    client.close()


def test_a_plain_client_keeps_a_write_made_outside_a_transaction_that_aborts(raw, gap_on_nx):
    gap_on_nx("transactions are not isolated: a write made outside the transaction while it is "
              "open is rolled back with it (the platform's clients take turns instead)")
    with raw.client.start_session() as session:
        session.start_transaction()
        raw.members.insert_one({"_id": "in-txn"}, session=session)
        raw.other.insert_one({"_id": "outside"})
        session.abort_transaction()
    assert raw.other.find_one({"_id": "outside"}) is not None


def test_a_plain_client_does_not_see_what_an_open_transaction_wrote(raw, gap_on_nx):
    gap_on_nx("uncommitted writes are visible to every reader, so a relay reading without "
              "taking turns would publish an event whose transaction then aborts")
    with raw.client.start_session() as session:
        session.start_transaction()
        raw.outbox.insert_one({"_id": "staged", "state": outbox.PENDING}, session=session)
        seen = raw.outbox.find_one({"state": outbox.PENDING})
        session.abort_transaction()
    assert seen is None
