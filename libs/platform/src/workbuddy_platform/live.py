"""Live news for connected apps: a notification, the moment it is kept, to whichever gateway
holds that member's stream.

The stored list (notifications' `inbox`) is the record; this is only the doorbell. It goes
through the broker every service already uses: a topic exchange routed by member id, and one
short-lived queue per open stream (exclusive, deleted when the stream closes). Nothing waits
for a stream that is not open: an app that reconnects reads what it missed from the list.
"""

import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from kombu import Connection, Exchange, Queue
from kombu.pools import producers

from .logs import get_logger

log = get_logger(__name__)

EXCHANGE = Exchange("notifications.live", type="topic", durable=True)
_connections: dict[str, Connection] = {}


def announce(amqp_uri: str, member_id: str, item: dict) -> None:
    """Ring the member's open streams, if any; a failure loses only the ring, never the item."""
    try:
        connection = _connections.setdefault(amqp_uri, Connection(amqp_uri))
        with producers[connection].acquire(block=True, timeout=5) as producer:
            producer.publish(item, exchange=EXCHANGE, routing_key=member_id, declare=[EXCHANGE],
                             serializer="json", delivery_mode=1, retry=True,
                             retry_policy={"max_retries": 2, "interval_start": 0.2})
    except Exception as exc:  # noqa: BLE001 - the stored item stays; only the live ring is lost
        log.warning("live.announce_failed", member_id=member_id, error=str(exc))


@contextmanager
def listen(amqp_uri: str, member_id: str, heartbeat: int = 30) -> Iterator["Stream"]:
    """A queue of this member's news, bound before anything else is read, for as long as the
    block lasts. The broker ends the connection when it hears no heartbeat for twice
    ``heartbeat`` seconds; waiting in `Stream.next` sends them."""
    with Connection(amqp_uri, heartbeat=heartbeat) as connection:
        queue = Queue(exchange=EXCHANGE, routing_key=member_id, exclusive=True, auto_delete=True)
        stream = Stream(connection)
        with connection.Consumer(queue, callbacks=[stream.received], no_ack=True):
            yield stream


class Stream:
    # How long one wait on the socket lasts at most. py-amqp starts its timeout again on every
    # frame, the broker's heartbeats included: a single wait as long as a keep-alive would end
    # only when no heartbeat came for that long (never, with a keep-alive as long as the
    # heartbeat), and our own heartbeats would not be sent meanwhile. Short waits in a loop
    # keep both clocks: the caller's deadline and the heartbeats (py-amqp wants one check a
    # second).
    TICK_SECONDS = 1.0

    def __init__(self, connection: Connection):
        self.connection = connection
        self.waiting: deque[dict] = deque()

    def received(self, body: dict, message) -> None:
        self.waiting.append(body)

    def next(self, timeout: float) -> dict | None:
        """The next item within ``timeout`` seconds, else None (time for a keep-alive)."""
        deadline = time.monotonic() + timeout
        while not self.waiting and (left := deadline - time.monotonic()) > 0:
            try:
                self.connection.drain_events(timeout=min(left, self.TICK_SECONDS))
            except TimeoutError:
                pass
            self.connection.heartbeat_check()
        return self.waiting.popleft() if self.waiting else None
