"""MongoDB access: one client per process and URI, a database per service, transactions.

Only shapes of query and update that the storage-contract tests cover are used, so the same
code runs on MongoDB and on the embedded nx-27017 (see docs/operations.md for its gaps).
"""

import threading
from collections.abc import Callable
from typing import TypeVar

from nameko.extensions import DependencyProvider
from pymongo import MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database

from .settings import Settings

T = TypeVar("T")

_clients: dict[str, MongoClient] = {}
_lock = threading.Lock()


def client_for(uri: str) -> MongoClient:
    """A MongoClient is a thread-safe pool: share one per URI in a process."""
    with _lock:
        if uri not in _clients:
            _clients[uri] = MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=5000,
                                        connectTimeoutMS=5000, appname="workbuddy")
        return _clients[uri]


def in_transaction(db: Database, work: Callable[[ClientSession], T]) -> T:
    """Run ``work`` so that all of its writes land together or not at all.

    ``work`` may run more than once when the server reports a transient error, so it must
    only write through the session it is given.
    """
    with db.client.start_session() as session:
        return session.with_transaction(work)


def ping(db: Database) -> bool:
    db.command("ping")
    return True


class Store(DependencyProvider):
    """Hands each worker the service's own database; creates its indexes at start-up."""

    def __init__(self, indexes: Callable[[Database], None] | None = None):
        self.indexes = indexes

    def setup(self):
        settings = Settings()
        self.db = client_for(settings.mongo_uri)[settings.database_name(self.container.service_name)]
        if self.indexes:
            self.indexes(self.db)

    def get_dependency(self, worker_ctx):
        return self.db
