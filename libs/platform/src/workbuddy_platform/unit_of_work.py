"""The unit of work: what one use case changes, and the events it records, land together.

A use case reads through its unit of work's repositories, decides with the pure domain, then
asks the repositories to write and records the events that say what happened. Nothing is
written until ``commit``: then every write and every event (into the outbox) goes in one
transaction, or none does. A refusal raised before ``commit`` therefore aborts nothing, and
a conditional write that finds the document changed (raising ``Conflict``) undoes the others.

    def end(uow, *, buddyship_id, member_id):
        current = uow.buddyships.get(buddyship_id)
        change = buddyship.end(current, member_id=member_id, at=uow.now())
        uow.buddyships.save(change.buddyship, was=current)
        uow.record(*change.events)
        uow.commit()

The transaction's work may run more than once (the store retries transient errors), so the
writes are kept as functions of the session and replayed whole.

Repositories (``Repository`` below) mark the methods that join the transaction with
``@write``; their other methods read at once. Read models that services keep from others'
events are written at once too (one idempotent document at a time, ``store.merge``): they
need no transaction.
"""

import functools
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from nameko.extensions import DependencyProvider
from pymongo.client_session import ClientSession
from pymongo.database import Database

from workbuddy_contracts.events import make_event

from . import clock as clocks
from . import outbox, tracing, turns
from .dependencies import correlation_of
from .logs import get_logger
from .settings import platform_of
from .store import client_for, in_transaction

log = get_logger(__name__)

Write = Callable[[ClientSession | None], Any]


class NewEvent(NamedTuple):
    """An event a use case records: its type (in the catalogue) and its payload."""

    type: str
    payload: dict


class UnitOfWork:
    """One service's store, the writes waiting for the next commit, and the events recorded.

    Subclasses attach their repositories in ``attach`` (e.g. ``self.buddyships =
    Buddyships(self)``). ``outbox`` stages recorded events in the transaction; a service that
    emits nothing has none. ``clock`` is the one clock the use cases read (``now``).
    """

    def __init__(self, db: Database, *, outbox: "OutboxWriter | None" = None,
                 clock: Callable[[], datetime] = clocks.now,
                 transaction: Callable[[Database, Write], Any] = in_transaction):
        self.db = db
        self.now = clock
        self._outbox = outbox
        self._transaction = transaction
        self._writes: list[Write] = []
        self._events: list[NewEvent] = []
        self.attach()

    def attach(self) -> None:
        """Attach the service's repositories; nothing by default."""

    def later(self, write: Write) -> None:
        """Run ``write(session)`` when the unit of work commits, in its transaction."""
        self._writes.append(write)

    def record(self, *events: NewEvent | tuple[str, dict]) -> None:
        """Events to publish once what caused them is committed (through the outbox)."""
        if events and self._outbox is None:
            raise RuntimeError("this service emits no events: it has no outbox")
        self._events.extend(NewEvent(*e) for e in events)

    @property
    def pending(self) -> bool:
        return bool(self._writes or self._events)

    def commit(self) -> list:
        """Write everything asked since the last commit, with the recorded events, at once.
        Returns what each write returned, in order."""
        writes, events = self._writes, self._events
        self._writes, self._events = [], []
        if not writes and not events:
            return []

        staged: list[dict] = []

        def work(session: ClientSession | None) -> list:
            staged.clear()  # the work may be replayed whole: what the last run staged counts
            done = [write(session) for write in writes]
            staged.extend(self._outbox.stage(event.type, event.payload, session)
                          for event in events)
            return done

        done = self._transaction(self.db, work)
        if staged and isinstance(self._outbox, OutboxWriter):  # not a test's stand-in
            self._outbox.committed(staged)
        return done

    def rollback(self) -> None:
        """Forget what was asked and recorded since the last commit."""
        self._writes, self._events = [], []


class Repository:
    """A part of the store a use case reads and writes through its unit of work."""

    def __init__(self, uow: UnitOfWork):
        self.uow = uow
        self.db = uow.db


def write(method):
    """Marks a repository method that writes: it runs when the unit of work commits, inside
    its transaction (``session`` is given then), and is replayed if the transaction is."""

    @functools.wraps(method)
    def queued(self: Repository, *args, **kwargs) -> None:
        self.uow.later(lambda session: method(self, *args, session=session, **kwargs))

    return queued


class OutboxWriter:
    """Stages a recorded event in the outbox, inside the committing transaction.

    ``claims``: the events are staged claimed (``outbox.stage(claimed=True)``), and the entries
    of each commit are handed to ``on_commit`` to be published (UnitsOfWork.publish_soon);
    without it they are left pending for a relay."""

    def __init__(self, db: Database, producer: str, correlation_id: str | None,
                 claims: bool = False, on_commit: Callable[[list[dict]], None] | None = None):
        self.db = db
        self.producer = producer
        self.correlation_id = correlation_id
        self.claims = claims and on_commit is not None
        self.on_commit = on_commit

    def stage(self, event_type: str, payload: dict, session: ClientSession | None) -> dict:
        event = make_event(event_type, payload, producer=self.producer,
                           correlation_id=self.correlation_id)
        with tracing.producing(event) as trace_context:
            return outbox.stage(self.db, event, session, trace_context, claimed=self.claims)

    def committed(self, entries: list[dict]) -> None:
        if self.claims:
            self.on_commit(list(entries))


class UnitsOfWork(DependencyProvider):
    """Gives each worker a fresh unit of work over the service's own database, creating the
    database's indexes at start-up. A service that emits events also gets the outbox relay
    (``workbuddy_platform.relay``) for what its workers could not publish themselves."""

    def __init__(self, unit: type[UnitOfWork] = UnitOfWork,
                 indexes: Callable[[Database], None] | None = None, emits: bool = True,
                 transactions: bool = True):
        """``transactions=False``: the service writes every change at once (each write
        idempotent or compare-and-set) and never commits a transaction on its database, whose
        commands then take no turn on a store that does not isolate (workbuddy_platform.turns)."""
        self.unit = unit
        self.indexes = indexes
        self.emits = emits
        self.transactions = transactions

    def setup(self):
        # Imported here: the relay's green thread belongs to a running service, not to tests.
        from .relay import OutboxRelay

        settings = platform_of(self.container)
        client = client_for(settings.mongo_uri, settings.tracing, settings.store_isolates,
                            settings.store_timeout)
        self.db = client[settings.database_name(self.container.service_name)]
        if not self.transactions:
            turns.without_transactions(self.db.name)
        if self.indexes:
            self.indexes(self.db)
        self.relay = OutboxRelay(self.container, self.db, settings.outbox_retention) \
            if self.emits else None
        self.given: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.publishing: set = set()  # green threads publishing what a worker committed

    def start(self):
        if self.relay:
            self.relay.start()

    def stop(self):
        # Workers have finished by now (the container stops entrypoints first): what they
        # committed goes out, then one last drain.
        for thread in list(self.publishing):
            thread.wait()
        if self.relay:
            self.relay.stop()

    def kill(self):
        if self.relay:
            self.relay.kill()

    def get_dependency(self, worker_ctx):
        # What a worker commits is published at once, beside it (publish_soon): no wait for the
        # relay, which takes one event at a time for the whole process.
        writer = OutboxWriter(self.db, self.container.service_name, correlation_of(worker_ctx),
                              claims=True, on_commit=self.publish_soon) if self.emits else None
        uow = self.unit(self.db, outbox=writer)
        self.given[worker_ctx] = uow
        return uow

    def publish_soon(self, entries: list[dict]) -> None:
        """Publish events just committed (staged claimed) in a green thread of their own: the
        worker goes on (an RPC's answer does not wait for the broker), and one that runs long
        after committing (a matching round) does not hold its events back."""
        thread = self.container.spawn_managed_thread(lambda: self._publish(entries),
                                                     identifier="outbox-publish")
        self.publishing.add(thread)
        thread.link(lambda done: self.publishing.discard(done))

    def _publish(self, entries: list[dict]) -> None:
        try:
            published = self.relay.relay.publish_claimed(entries)
        except Exception:  # noqa: BLE001 - raising here would kill the container
            # The store blinked: the claims go stale and a relay publishes them.
            log.exception("outbox.publish_by_worker_failed")
            published = False
        if not published:
            self.relay.kick()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        uow = self.given.pop(worker_ctx, None)
        # Writes asked by a use case that then raised are dropped, as they should be; a use
        # case that returned without committing them is a bug worth a loud line.
        if uow is not None and uow.pending and exc_info is None:
            log.error("unit_of_work.not_committed", entrypoint=worker_ctx.entrypoint.method_name)


