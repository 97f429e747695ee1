"""Every client store.client_for makes counts the commands it sends, one per round trip, by
database and command name (workbuddy_store_commands_total): bench/soak.py divides them by the
moments logged to give a moment's cost in round trips."""

import time

import pytest
from prometheus_client import REGISTRY
from pymongo.errors import OperationFailure

from workbuddy_platform.store import client_for, in_transaction

COUNTER = "workbuddy_store_commands_total"


def counted() -> dict[tuple[str, str], float]:
    """(database, command) -> count, as /metrics would serve it."""
    return {(s.labels["database"], s.labels["command"]): s.value
            for family in REGISTRY.collect() if family.name == COUNTER.removesuffix("_total")
            for s in family.samples if s.name == COUNTER}


def grown(before: dict, after: dict) -> dict[tuple[str, str], float]:
    return {key: value - before.get(key, 0) for key, value in after.items()
            if value > before.get(key, 0)}


def test_a_services_client_counts_each_command_it_sends_by_database_and_name(mongo_uri, db):
    client = client_for(mongo_uri)  # as a service makes it: the one client of the process
    assert db.client is client
    before = counted()

    db.moments.insert_one({"_id": "m-1", "kind": "client_won", "note": "a private note"})
    db.moments.find_one({"_id": "m-1"})
    db.moments.replace_one({"_id": "m-1"}, {"kind": "client_won", "note": "edited"})
    db.deliveries.find_one_and_update({"_id": "d-1"}, {"$inc": {"attempts": 1}}, upsert=True)
    in_transaction(db, lambda session: db.moments.insert_one({"_id": "m-2"}, session=session))
    with pytest.raises(OperationFailure):  # a refused command was a round trip all the same
        next(db.moments.aggregate([{"$noSuchStage": {}}]))

    found = grown(before, counted())
    ours = {command: n for (database, command), n in found.items() if database == db.name}
    assert ours == {"insert": 2, "find": 1, "update": 1, "findAndModify": 1, "aggregate": 1}
    # pymongo sends a transaction's commit to admin, whatever database the transaction wrote.
    assert found.get(("admin", "commitTransaction"), 0) >= 1
    assert "a private note" not in str(found)


def test_the_monitors_heartbeats_are_not_counted(mongo_uri):
    # A client of its own (another URI), checking the server every second.
    options = "maxIdleTimeMS=60000"
    if "?" in mongo_uri:
        uri = f"{mongo_uri}&{options}"
    else:
        uri = f"{mongo_uri}{'' if mongo_uri.count('/') > 2 else '/'}?{options}"
    before = counted()
    client = client_for(uri, timeout=1.0)
    client.admin.command("ping")
    time.sleep(2.2)  # two heartbeats at least, on top of the connections' handshakes
    found = grown(before, counted())
    client.close()

    assert found.get(("admin", "ping")) == 1
    assert not {command for _, command in found} & {"hello", "isMaster", "ismaster"}
