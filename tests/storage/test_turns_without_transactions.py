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
