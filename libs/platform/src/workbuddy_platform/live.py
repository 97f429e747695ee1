"""Live news for connected apps: a notification, the moment it is kept, to whichever gateway
holds that member's stream.

The stored list (notifications' `inbox`) is the record; this is only the doorbell. It goes
through the broker every service already uses: a topic exchange routed by member id, and one
short-lived queue per open stream (exclusive, deleted when the stream closes). Nothing waits
for a stream that is not open: an app that reconnects reads what it missed from the list.
"""

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
def listen(amqp_uri: str, member_id: str) -> Iterator["Stream"]:
    """A queue of this member's news, bound before anything else is read, for as long as the
    block lasts."""
    with Connection(amqp_uri, heartbeat=30) as connection:
        queue = Queue(exchange=EXCHANGE, routing_key=member_id, exclusive=True, auto_delete=True)
        stream = Stream(connection)
        with connection.Consumer(queue, callbacks=[stream.received], no_ack=True):
            yield stream


class Stream:
    def __init__(self, connection: Connection):
        self.connection = connection
        self.waiting: deque[dict] = deque()

    def received(self, body: dict, message) -> None:
        self.waiting.append(body)

    def next(self, timeout: float) -> dict | None:
        """The next item within ``timeout`` seconds, else None (time for a keep-alive)."""
        if not self.waiting:
            try:
                self.connection.drain_events(timeout=timeout)
            except TimeoutError:
                self.connection.heartbeat_check()
        return self.waiting.popleft() if self.waiting else None
