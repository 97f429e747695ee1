"""The store the week runs on: nx-27017, started as the test suite and the dev stack start it
(its own process, a fresh data directory), each service in its own database and committing
through the platform's own transactions. Only if nx-27017 cannot be started does the week
run on mongomock (in memory, no transactions), and the run says so."""

import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pymongo.database import Database

from workbuddy_devstack.processes import Supervisor
from workbuddy_devstack.store import start_embedded
from workbuddy_platform.store import client_for, in_transaction


@dataclass
class Store:
    name: str  # what the figures were taken on, printed with them
    client: object
    transaction: Callable  # (db, work) -> what work returned, as UnitOfWork takes it

    def database(self, service: str) -> Database:
        return self.client[f"week_{service}"]


def open_store(workdir: Path, port: int) -> tuple[Store, Supervisor]:
    supervisor = Supervisor(workdir / "logs")
    try:
        uri = start_embedded(supervisor, workdir / "mongo", port)
    except Exception as exc:  # noqa: BLE001 - said in the output, and the week still runs
        supervisor.stop_all()
        return _mongomock(f"{type(exc).__name__}: {exc}"), supervisor
    version = importlib.metadata.version("nx-27017")
    return Store(f"nx-27017 {version} (its own process, pymongo over TCP, transactions)",
                 client_for(uri), in_transaction), supervisor


def _mongomock(why: str) -> Store:
    import mongomock

    return Store(f"mongomock {mongomock.__version__} (in memory, no transactions): nx-27017 could "
                 f"not be started ({why})", mongomock.MongoClient(tz_aware=True),
                 lambda _db, work: work(None))
