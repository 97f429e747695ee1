"""The fakes that let a use case run in a unit test, without a broker or a store server.

``unit_of_work`` gives a service's real unit of work and repositories over mongomock (an
in-memory store speaking pymongo's API), with a clock the test moves, no transaction (a unit
test runs one use case at a time) and an outbox that keeps the events instead of publishing
them. Events are still made through the contracts, so a payload the schema refuses fails the
test. The same repositories are proven against nx-27017 and MongoDB in tests/storage.
"""

from datetime import UTC, datetime, timedelta

import mongomock

from workbuddy_contracts.events import Event, make_event

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 09:00 UTC


class Clock:
    """Stands still until the test moves it."""

    def __init__(self, at: datetime = START):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta) -> datetime:
        self.at += timedelta(**delta)
        return self.at


class KeptOutbox:
    """Keeps what a committed unit of work would have put in the outbox."""

    def __init__(self, producer: str):
        self.producer = producer
        self.events: list[Event] = []

    def stage(self, event_type: str, payload: dict, session) -> None:
        self.events.append(make_event(event_type, payload, producer=self.producer,
                                      correlation_id=None))

    def of_type(self, event_type: str) -> list[dict]:
        return [e.payload for e in self.events if e.type == event_type]

    def types(self) -> list[str]:
        return [e.type for e in self.events]


def unit_of_work(unit_class, producer: str, *, indexes=None, clock: Clock | None = None):
    """A ``unit_class`` over a fresh in-memory store; its ``outbox`` and ``clock`` are there
    for the test to read and move."""
    db = mongomock.MongoClient(tz_aware=True)["test"]
    if indexes:
        indexes(db)
    outbox, clock = KeptOutbox(producer), clock or Clock()
    uow = unit_class(db, outbox=outbox, clock=clock, transaction=lambda _db, work: work(None))
    uow.outbox, uow.clock = outbox, clock
    return uow
