"""A database whose service runs no transaction on it (notifications writes every change at
once) is declared so: its commands then take no turn at a store that does not isolate
(workbuddy_platform.turns), and a transaction on it is refused rather than left unisolated."""

import threading
import uuid

import pytest

from workbuddy_platform import turns
from workbuddy_platform.store import in_transaction


def held(turn: turns.Turn) -> threading.Event:
    """The turn taken by another thread (a transaction open elsewhere in the process) until
    the returned event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        with turn:
            taken.set()
            release.wait(10)

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(5)
    return release


def inserted_within(collection, seconds: float) -> bool:
    done = threading.Event()
    threading.Thread(target=lambda: (collection.insert_one({"_id": uuid.uuid4().hex}),
                                     done.set()), daemon=True).start()
    return done.wait(seconds)


def test_a_database_without_transactions_takes_no_turn_and_refuses_a_transaction(
        client, db, db_prefix, on_nx):
    if not on_nx:
        pytest.skip("turns are taken only on a store that does not isolate transactions")
    plain = client[f"{db_prefix}storage_{uuid.uuid4().hex[:12]}"]
    try:
        release = held(turns.turn_of(client.address, plain.name))
        assert not inserted_within(plain.things, 0.5)  # waits for the turn, as it must
        release.set()

        turns.without_transactions(db.name)
        release = held(turns.turn_of(client.address, db.name))
        assert inserted_within(db.things, 5)  # side by side: no turn to wait for
        release.set()
        with pytest.raises(RuntimeError, match="without transactions"):
            in_transaction(db, lambda session: db.things.insert_one({"_id": "x"}, session=session))
        assert db.things.find_one({"_id": "x"}) is None
    finally:
        client.drop_database(plain.name)


def test_a_read_that_may_see_uncommitted_writes_does_not_wait_for_the_turn_and_a_write_does(
        client, db, on_nx):
    if not on_nx:
        pytest.skip("turns are taken only on a store that does not isolate transactions")
    db.things.insert_one({"_id": "here"})
    release = held(turns.turn_of(client.address, db.name))
    try:
        found = []
        reader = threading.Thread(target=lambda: found.append(db.things.find_one({"_id": "here"})),
                                  daemon=True)
        reader.start()
        reader.join(0.5)
        assert not found  # a plain read waits for the turn

        def read_at_once():
            with turns.reading_uncommitted():
                found.append(db.things.find_one({"_id": "here"}))
                db.things.insert_one({"_id": "later"})  # a write still waits

        quick = threading.Thread(target=read_at_once, daemon=True)
        quick.start()
        quick.join(0.5)
        assert found == [{"_id": "here"}]  # read at once
        assert quick.is_alive()  # and its write waits for the turn
    finally:
        release.set()
    quick.join(5)
    reader.join(5)
    assert len(found) == 2 and not quick.is_alive()
