"""The transactional outbox: an event is stored with the change that caused it, then relayed.

A worker stages events inside the same transaction as its state change. In a running service
the worker stages them already claimed and publishes them itself once committed, with
publisher confirms, and marks them published; a relay in each process publishes, oldest first,
whatever is pending (events staged elsewhere, a publish that failed, a claim gone stale).
A relay that dies after publishing and before marking leaves a claim that goes stale and is
published again: consumers absorb that duplicate by event id. An event that carries a one-time
secret (a link token, catalogue ``secret``) is deleted once published instead of kept.
"""

from datetime import UTC, datetime, timedelta

from kombu.exceptions import OperationalError
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.standalone.events import get_event_exchange
from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database

from workbuddy_contracts.catalogue import carries_secret, has_subscribers, subjects_of
from workbuddy_contracts.events import Event

from . import metrics
from .logs import get_logger
from .store import transition

COLLECTION = "outbox"
PENDING, PUBLISHING, PUBLISHED = "pending", "publishing", "published"

log = get_logger(__name__)


def create_outbox_indexes(db: Database) -> None:
    db[COLLECTION].create_index([("state", ASCENDING), ("created_at", ASCENDING)])


def stage(db: Database, event: Event, session: ClientSession,
          trace_context: dict[str, str] | None = None, claimed: bool = False) -> dict:
    """``trace_context``: the headers that make the event's consumers join its trace
    (workbuddy_platform.tracing), published with it. ``claimed``: staged already claimed by
    the worker that commits it, which publishes it itself once committed (``publish_claimed``);
    a worker that dies first leaves a claim that goes stale, and a relay publishes it then.
    Returns the entry as staged."""
    now = datetime.now(UTC)
    entry = {
        "_id": event.event_id,
        "type": event.type,
        "producer": event.producer,
        "correlation_id": event.correlation_id,
        "message": event.to_message(),
        "trace_context": trace_context or {},
        "subjects": subjects_of(event.payload),
        "state": PUBLISHING if claimed else PENDING,
        "created_at": now,
        "attempts": 0,
    } | ({"claimed_at": now} if claimed else {})
    db[COLLECTION].insert_one(entry, session=session)
    return entry


def forget(db: Database, member_id: str) -> int:
    """Erase the published copies of events about a member (what is pending still goes out)."""
    return db[COLLECTION].delete_many({"state": PUBLISHED, "subjects": member_id}).deleted_count


def withdraw(db: Database, member_id: str, event_type: str) -> int:
    """Erase the events of one type about a member, published or not: news of what was undone
    (a proposal to a member who had left meanwhile) goes nowhere, and leaves no trace."""
    return db[COLLECTION].delete_many({"type": event_type, "subjects": member_id}).deleted_count


class EventPublisher:
    """Publishes envelopes to the producer's nameko event exchange, confirmed by the broker.

    ``mandatory`` is set for every event that has subscribers, so an event the broker cannot
    route (its queues not declared) is refused instead of silently dropped.
    """

    def __init__(self, nameko_config: dict):
        self.config = nameko_config
        self.publisher = Publisher(nameko_config["AMQP_URI"], serializer="json", use_confirms=True,
                                   retry=False)

    def publish(self, message: dict, trace_context: dict[str, str] | None = None) -> None:
        # Both arrive in the consumer's worker as nameko context data, like an RPC call's.
        headers = {"nameko.correlation_id": message.get("correlation_id")} | {
            f"nameko.{key}": value for key, value in (trace_context or {}).items()}
        self.publisher.publish(
            message,
            exchange=get_event_exchange(message["producer"], self.config),
            routing_key=message["type"],
            mandatory=has_subscribers(message["type"]),
            headers=headers,
            message_id=message["event_id"],
        )


class Relay:
    """Moves pending outbox entries to the broker; safe to run in every replica at once."""

    def __init__(self, db: Database, publisher: EventPublisher, claim_lease: timedelta):
        self.outbox = db[COLLECTION]
        self.publisher = publisher
        self.claim_lease = claim_lease

    def drain(self, limit: int = 500, batch: int = 100) -> int:
        """Publish pending events oldest first; stops at the first failure. Returns how many.

        The pending ones are read ``batch`` at a time: the embedded store reads the whole outbox
        for a query on ``state`` (its indexes serve ``_id`` only), so reading them one at a time
        made each event cost a scan of every event kept. Each is then claimed by its ``_id`` and
        marked published from the copy in hand, both conditioned on its state, as a
        ``transition`` would: two commands an event, and a scan per batch."""
        published = scans = 0
        while published < limit and scans < limit:
            scans += 1
            pending = list(self.outbox.find({"state": PENDING}, sort=[("created_at", ASCENDING)],
                                            limit=min(batch, limit - published)))
            if not pending:
                break
            for entry in pending:
                claimed = entry | {"state": PUBLISHING, "claimed_at": datetime.now(UTC)}
                if self.outbox.replace_one({"_id": entry["_id"], "state": PENDING},
                                           claimed).matched_count != 1:
                    continue  # another relay claimed that one first: take the next
                if not self._publish(claimed):
                    return published
                published += 1
        return published

    def publish_claimed(self, entries: list[dict]) -> bool:
        """Publish what a worker staged already claimed (``stage(claimed=True)``) and has
        committed, in the worker's own thread: each costs the store one command (marking it
        published), and the workers of a process publish side by side instead of queueing
        behind one relay. On a failure the rest are made pending again for a relay; False
        then."""
        for n, entry in enumerate(entries):
            if not self._publish(entry):
                for left in entries[n + 1:]:
                    transition(self.outbox, {"_id": left["_id"], "state": PUBLISHING},
                               {"state": PENDING})
                return False
        return True

    def _publish(self, claimed: dict) -> bool:
        """Publish an entry this relay (or worker) holds, then mark it published from the copy
        in hand; on a failure, make it pending again. Whether it was published."""
        try:
            self.publisher.publish(claimed["message"], claimed.get("trace_context"))
        except (OperationalError, OSError, UndeliverableMessage) as exc:
            self._release(claimed, exc)
            return False
        if carries_secret(claimed["type"]):
            # A link's one-time token: no copy is kept once the broker has it.
            self.outbox.delete_one({"_id": claimed["_id"], "state": PUBLISHING})
        else:
            self.outbox.replace_one({"_id": claimed["_id"], "state": PUBLISHING},
                                    claimed | {"state": PUBLISHED,
                                               "published_at": datetime.now(UTC)})
        metrics.EVENTS_PUBLISHED.labels(claimed["type"]).inc()
        log.info("event.published", event_id=claimed["_id"], event_type=claimed["type"],
                 correlation_id=claimed.get("correlation_id"))
        return True

    def measure_lag(self) -> None:
        """How many events wait to be published, and for how long the oldest has (metrics)."""
        pending = self.outbox.count_documents({"state": {"$in": [PENDING, PUBLISHING]}})
        oldest = self.outbox.find_one({"state": PENDING}, sort=[("created_at", ASCENDING)])
        metrics.OUTBOX_PENDING.set(pending)
        metrics.OUTBOX_LAG.set((datetime.now(UTC) - oldest["created_at"]).total_seconds()
                               if oldest else 0)

    def reclaim_stale(self) -> int:
        """Claims older than the lease belong to a relay that died: make them pending again."""
        cutoff = datetime.now(UTC) - self.claim_lease
        result = self.outbox.update_many(
            {"state": PUBLISHING, "claimed_at": {"$lt": cutoff}},
            {"$set": {"state": PENDING}},
        )
        if result.modified_count:
            log.warning("outbox.reclaimed_stale_claims", count=result.modified_count)
        return result.modified_count

    def purge_published(self, kept_for: timedelta) -> int:
        """Published copies are kept a while for inspection and replay, then deleted."""
        cutoff = datetime.now(UTC) - kept_for
        return self.outbox.delete_many({"state": PUBLISHED,
                                        "published_at": {"$lt": cutoff}}).deleted_count

    def _release(self, entry: dict, exc: Exception) -> None:
        reason = "no queue is bound for this event" if isinstance(exc, UndeliverableMessage) \
            else f"{type(exc).__name__}: {exc}"
        transition(self.outbox, {"_id": entry["_id"], "state": PUBLISHING},
                   lambda current: {"state": PENDING, "last_error": reason,
                                    "attempts": current["attempts"] + 1})
        log.warning("event.publish_failed", event_id=entry["_id"], event_type=entry["type"],
                    reason=reason)
