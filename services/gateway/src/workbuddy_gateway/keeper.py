"""Keeps the member cache (member_cache.py) true to profiles when a member changes without a
request through the gateway: an address proven, a leave whose answer was lost, a decoy
account erased, a change by another gateway whose drop did not reach Redis. Profiles
announces each: member.updated, member.address_verified, member.left.

One durable queue, ``gateway.member-cache``, bound to those events, which every gateway
process consumes in a thread of its own: whichever takes an event drops the entry for all of
them, as the cache is shared. An event is acknowledged once its drop is made; while Redis
cannot be reached it goes back to the queue and comes again a second later. Dropping twice is
the same as dropping once, so a redelivered event does no harm.

An event waits in the queue no longer than a cache entry lives (``x-message-ttl``): once it
is that old, any entry it was to drop has expired anyway, and a queue nobody reads (every
gateway stopped) does not pile up events naming members.
"""

import threading
import time

from kombu import Connection, Queue, binding
from nameko.standalone.events import get_event_exchange

from workbuddy_platform.logs import get_logger

from .member_cache import MemberCache

log = get_logger(__name__)

QUEUE = "gateway.member-cache"
LEFT = "member.left"
EVENTS = ("member.updated", "member.address_verified", LEFT)
RETRY_SECONDS = 1.0


def queue(nameko_config: dict, ttl_seconds: int, queue_type: str = "classic") -> Queue:
    """``queue_type``: the services' EVENT_QUEUE_TYPE; quorum replicates it over a cluster."""
    exchange = get_event_exchange("profiles", nameko_config)
    arguments = {"x-message-ttl": ttl_seconds * 1000} | (
        {"x-queue-type": "quorum"} if queue_type == "quorum" else {})
    return Queue(QUEUE, bindings=[binding(exchange, routing_key=event) for event in EVENTS],
                 durable=True, auto_delete=False, exclusive=False, queue_arguments=arguments)


def about(body, routing_key: str) -> tuple[str | None, str]:
    """The member an event names and what happened to them. Read loosely on purpose: an event
    this gateway cannot fully read (a newer version) still says whom to drop; when in doubt,
    dropping is always right."""
    payload = body.get("payload") if isinstance(body, dict) else None
    member_id = payload.get("member_id") if isinstance(payload, dict) else None
    kind = body.get("type") if isinstance(body, dict) and body.get("type") in EVENTS \
        else routing_key
    return (member_id if isinstance(member_id, str) and member_id else None), kind


def drop(cache: MemberCache, body, routing_key: str) -> bool:
    """Make what the event says true in the cache; False when Redis could not be reached."""
    member_id, kind = about(body, routing_key)
    if member_id is None:
        log.warning("member_cache.event_without_member", event_type=kind)
        return True  # nothing to drop: not worth keeping
    return cache.member_left(member_id) if kind == LEFT else cache.member_changed(member_id)


class CacheKeeper:
    def __init__(self, amqp_uri: str, nameko_config: dict, cache: MemberCache,
                 queue_type: str = "classic", heartbeat: int = 30):
        self.amqp_uri = amqp_uri
        self.queue = queue(nameko_config, cache.ttl, queue_type)
        self.cache = cache
        self.heartbeat = heartbeat
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """The queue is declared before this returns when the broker answers (so no change made
        from now on is missed); consuming goes on in a thread, reconnecting as needed."""
        try:
            with Connection(self.amqp_uri, connect_timeout=5) as connection:
                self.queue(connection.default_channel).declare()
        except Exception as exc:  # noqa: BLE001 - the thread declares it once the broker is back
            log.warning("member_cache.keeper_not_declared", error=str(exc))
        self._thread = threading.Thread(target=self._run, name="member-cache-keeper",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                with Connection(self.amqp_uri, heartbeat=self.heartbeat) as connection, \
                        connection.Consumer(self.queue, callbacks=[self._received],
                                            prefetch_count=20):
                    while not self.stopping.is_set():
                        try:
                            connection.drain_events(timeout=1.0)
                        except TimeoutError:
                            pass
                        connection.heartbeat_check()
            except Exception as exc:  # noqa: BLE001 - the broker went: connect again shortly
                log.warning("member_cache.keeper_disconnected", error=str(exc))
                self.stopping.wait(RETRY_SECONDS * 2)

    def _received(self, body, message) -> None:
        if drop(self.cache, body, message.delivery_info.get("routing_key", "")):
            message.ack()
        else:  # Redis away: the event comes back, and its drop is made once Redis is
            time.sleep(RETRY_SECONDS)
            message.requeue()
