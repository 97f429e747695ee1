"""MongoDB access: one client per process and URI, a database per service, transactions.

Only shapes of query and update that the storage-contract tests cover are used, so the same
code runs on MongoDB and on the embedded nx-27017 (see docs/operations.md for its gaps).
"""

import threading
from collections.abc import Callable
from contextlib import nullcontext
from typing import TypeVar

from pymongo import MongoClient, uri_parser
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from . import tracing
from .store_metrics import CountedCommands
from .turns import StoreTurns, Turn, transactions_allowed, turn_of

T = TypeVar("T")

_clients: dict[str, MongoClient] = {}
_turns: dict[int, StoreTurns] = {}  # by id(client): the clients made here
_lock = threading.Lock()


def client_for(uri: str, traced: bool = False, isolates: bool | None = None,
               timeout: float = 30.0) -> MongoClient:
    """A MongoClient is a thread-safe pool: share one per URI in a process. Each command it
    sends is counted (``workbuddy_store_commands_total``). ``traced``: a span per command.
    ``isolates``: whether the store isolates transactions (``STORE_ISOLATES``); None asks the
    store. ``timeout``: seconds a command waits for its answer
    (``STORE_TIMEOUT_SECONDS``; a socketTimeoutMS in the URI wins). All are taken from the
    first call for the URI."""
    with _lock:
        if uri not in _clients:
            listeners = [CountedCommands()]
            if traced:
                listeners.append(tracing.StoreCommands())
            turns = StoreTurns(isolates)
            if isolates is not True:  # MongoDB: not a listener more on every command
                listeners.append(turns)
            given = {name.lower() for name in uri_parser.parse_uri(uri, validate=False)["options"]}
            waits = {} if "sockettimeoutms" in given else {"socketTimeoutMS": int(timeout * 1000)}
            # A connection the network dropped without a word fails only its own command, at
            # the timeout: pymongo keeps the others in its pool, and each would fail in turn
            # (holding the database's turn meanwhile, on a store that takes turns). Its monitor
            # checking the server often enough, with no more patience than a command, is what
            # notices such a link for all of them: the server is marked unknown and the pool
            # emptied. Both within the timeout, and no later than pymongo's own defaults.
            check = min(timeout, 5.0)
            client = MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=5000,
                                 connectTimeoutMS=int(check * 1000),
                                 heartbeatFrequencyMS=int(max(0.5, min(timeout, 10.0)) * 1000),
                                 appname="workbuddy", event_listeners=listeners, **waits)
            turns.client = client
            _clients[uri], _turns[id(client)] = client, turns
        return _clients[uri]


_probe_clients: dict[str, MongoClient] = {}


def probe_client(uri: str) -> MongoClient:
    """A client of its own for probes and the wait at start: never the one ``client_for``
    shares (which takes its options, tracing included, from the first call for a URI, and must
    get them from the service), never traced, and quick to say the store does not answer."""
    with _lock:
        if uri not in _probe_clients:
            _probe_clients[uri] = MongoClient(uri, serverSelectionTimeoutMS=3000,
                                              connectTimeoutMS=3000, appname="workbuddy-probe")
        return _probe_clients[uri]


def in_transaction(db: Database, work: Callable[[ClientSession], T]) -> T:
    """Run ``work`` so that all of its writes land together or not at all.

    ``work`` may run more than once when the server reports a transient error, so it must
    only write through the session it is given. On a store that does not isolate transactions
    (nx-27017), the transaction takes the database's turn (workbuddy_platform.turns): no other
    thread or process uses the database until it is committed or aborted.
    """
    if not transactions_allowed(db.name):
        raise RuntimeError(f"{db.name}: declared without transactions (turns.without_transactions), "
                           "so its commands take no turn; a transaction here would not be isolated")
    with _turn(db) or nullcontext():
        with db.client.start_session() as session:
            return session.with_transaction(work)


_embedded: dict[int, bool] = {}


def _turn(db: Database) -> Turn | None:
    turns = _turns.get(id(db.client))
    if turns is not None:
        takes = turns.takes_turns(db.client.address)
    else:  # a client made elsewhere: its transactions at least take turns, as they must
        if id(db.client) not in _embedded:
            # Asked outside any lock: a store that is down makes this wait (and raise).
            _embedded[id(db.client)] = is_embedded(db.client)
        takes = _embedded[id(db.client)]
    return turn_of(db.client.address, db.name) if takes else None


def is_embedded(client: MongoClient) -> bool:
    """True for nx-27017, which answers buildInfo without a server version (MongoDB names one)."""
    return "version" not in client.server_info()


# Documents are changed by reading them and replacing them whole, never by ``$set``: on
# nx-27017 a datetime written by ``$set`` into an existing document reads back as a string.
# Both helpers below are compare-and-set, so concurrent writers cannot overwrite each other.

Changes = dict | Callable[[dict], dict]


def transition(collection: Collection, where: dict, changes: Changes, *,
               sort: list | None = None, session: ClientSession | None = None) -> dict | None:
    """Apply ``changes`` to the first document matching ``where`` if it still matches when
    written. Returns the new document, or None when none matched or another writer won.

    ``where`` must name what the change depends on (typically a state), since that is what
    the replacement is conditioned on; ``changes`` may be a function of the current document.
    """
    current = collection.find_one(where, sort=sort, session=session)
    if current is None:
        return None
    updated = current | (changes(current) if callable(changes) else changes)
    written = collection.replace_one(where | {"_id": current["_id"]}, updated, session=session)
    return updated if written.matched_count == 1 else None


def merge(collection: Collection, _id, changes: dict, attempts: int = 20,
          only_if: Callable[[dict], bool] | None = None, create: bool = True) -> dict | None:
    """Create the document or add ``changes`` to it, keeping the fields others wrote.

    A revision number makes the replacement conditional, so two events touching the same
    document at once both land (the loser reads again and retries). ``only_if`` decides
    whether an existing document takes the changes (e.g. only from a newer event); with
    ``create=False`` a missing document stays missing (None is returned).
    """
    for _ in range(attempts):
        current = collection.find_one({"_id": _id})
        if current is not None and only_if is not None and not only_if(current):
            return current
        if current is None and not create:
            return None
        if current is None:
            created = {"_id": _id, "_rev": 1, **changes}
            try:
                collection.insert_one(created)
                return created
            except DuplicateKeyError:
                continue
        rev = current.get("_rev", 0)
        updated = current | changes | {"_rev": rev + 1}
        where = {"_id": _id, "_rev": rev} if "_rev" in current else {"_id": _id}
        if collection.replace_one(where, updated).matched_count == 1:
            return updated
    raise RuntimeError(f"{collection.name}/{_id}: still contended after {attempts} attempts")


def ping(db: Database) -> bool:
    db.command("ping")
    return True
