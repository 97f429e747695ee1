"""Idempotent event consumption: read the envelope, skip what was already done, record it.

A redelivered or re-published event reaches a handler at most once per consumer (a handler
declared ``keyed`` may see it again, and changes nothing then). Handlers
still keep their side effects keyed (e.g. deliveries by event, recipient and channel), because
a crash between the side effect and the ledger write replays the handler.
"""

import functools
from collections.abc import Callable
from datetime import UTC, datetime

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.events import Event, UnreadableEvent, read_event

from . import metrics
from .logs import bind_correlation, get_logger

LEDGER = "processed_events"

log = get_logger(__name__)


def already_processed(db: Database, consumer: str, event_id: str) -> bool:
    return db[LEDGER].find_one({"_id": f"{consumer}:{event_id}"}) is not None


def record_processed(db: Database, consumer: str, event: Event) -> bool:
    """Record the event as handled by ``consumer``; False when it was already."""
    try:
        db[LEDGER].insert_one({
            "_id": f"{consumer}:{event.event_id}",
            "consumer": consumer,
            "event_id": event.event_id,
            "type": event.type,
            "processed_at": datetime.now(UTC),
        })
    except DuplicateKeyError:
        return False  # another replica finished the same event first; both runs were idempotent
    return True


def consumes(handler=None, *, keyed: bool | Callable[[Event], bool] = False):
    """Decorate a service method taking an Event; the service must have a ``uow``
    (workbuddy_platform.unit_of_work.UnitsOfWork), whose database keeps the ledger.

    ``@consumes(keyed=True)``: every effect of the handler is keyed by the event (a redelivery
    finds each one done, changes nothing and sends nothing twice), so the ledger is not read
    before it: a redelivery runs the handler again, harmlessly, instead of every event paying
    a round trip to the store for the rare duplicate. The ledger is still written once the
    handler is done (one command per event instead of two). ``keyed`` may also be a function
    of the event, for a handler whose effects are keyed for some events only."""
    if handler is None:
        return functools.partial(consumes, keyed=keyed)

    @functools.wraps(handler)
    def consume(self, body):
        consumer = f"{self.name}.{handler.__name__}"
        try:
            event = read_event(body)
        except UnreadableEvent as exc:
            # Raised on: it can never be handled, so it is parked at once (retries.py), where
            # an operator reads it whole. Not its body here: logs hold no personal data.
            known = body if isinstance(body, dict) else {}
            log.error("event.unreadable", consumer=consumer, reason=str(exc),
                      event_id=known.get("event_id"), event_type=known.get("type"))
            raise
        bind_correlation(event.correlation_id, event_id=event.event_id, event_type=event.type,
                         entrypoint=handler.__name__)
        replay_is_harmless = keyed(event) if callable(keyed) else keyed
        if not replay_is_harmless and already_processed(self.uow.db, consumer, event.event_id):
            log.info("event.duplicate_skipped", consumer=consumer)
            metrics.EVENTS_CONSUMED.labels(consumer, event.type, "duplicate").inc()
            return
        handler(self, event)
        if record_processed(self.uow.db, consumer, event):
            log.info("event.processed", consumer=consumer)
            metrics.EVENTS_CONSUMED.labels(consumer, event.type, "processed").inc()
        else:  # a keyed handler's redelivery (or a replica's race): it changed nothing
            log.info("event.duplicate_replayed", consumer=consumer)
            metrics.EVENTS_CONSUMED.labels(consumer, event.type, "duplicate").inc()

    return consume
