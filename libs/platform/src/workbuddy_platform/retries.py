"""Event handlers that fail are retried after growing delays, then parked, never dropped.

nameko acknowledges an event whose handler raised, and the event is gone. Our event handler
(``event_handler``, a drop-in for nameko's) instead republishes it, before acknowledging it,
with publisher confirms:

- to a retry queue of the next delay (``EVENT_RETRY_DELAYS``, seconds: 1, 5, 30, 120, 600 by
  default). A retry queue has no consumer: its messages expire after the delay and are
  dead-lettered, through the default exchange, to the queue of the handler that failed
  (their routing key), and to no other consumer of the event;
- once every delay is spent, or at once for an event it cannot even read, to the service's
  parking lot (``<service>.parked``) with the handler, the attempt count and the error, for an
  operator to look at and replay (``workbuddy-parked``).

If even that publish fails (the broker is going away), the event is put back in its queue.
"""

import traceback
from datetime import UTC, datetime
from functools import partial

from kombu import Connection, Exchange, Queue
from nameko.events import EventHandler
from nameko.exceptions import ContainerBeingKilled

from workbuddy_contracts.events import UnreadableEvent

from . import metrics
from .logs import get_logger
from .settings import PlatformSettings, platform_of

# Headers we add to an event we retry or park; never part of a worker's context.
ATTEMPTS, QUEUE, HANDLER = "x-wb-attempts", "x-wb-queue", "x-wb-handler"
ERROR, FAILED_AT = "x-wb-error", "x-wb-failed-at"
OURS = "x-"  # these, and the broker's own x-death, stay out of what the worker passes on
ERROR_MAX = 2000  # characters of the error kept with a parked event

log = get_logger(__name__)


def handler_queue_arguments(service: str, settings: PlatformSettings) -> dict:
    """Options of an event handler's queue (EVENT_QUEUE_TYPE). ``classic``: nameko's own, on
    one broker node. ``quorum``: replicated over a RabbitMQ cluster, and after
    EVENT_DELIVERY_LIMIT deliveries that ended without an acknowledgement (a handler that kills
    its process every time) the broker itself moves the event to the parking lot. A queue's
    type is fixed when it is first declared: change it on a fresh vhost, or move the queues."""
    if settings.event_queue_type == "classic":
        return {}
    return {"x-queue-type": "quorum",
            "x-delivery-limit": settings.event_delivery_limit,
            "x-dead-letter-exchange": "", "x-dead-letter-routing-key": parking_lot(service).name}


def _holding_work(queue_type: str) -> dict:
    """A retry queue's or a parking lot's own type: the event queues' (EVENT_QUEUE_TYPE). A
    quorum one lives on every node of a cluster, so a failed event can be scheduled for its
    retry, and a parked one read, whichever node is down."""
    return {"x-queue-type": "quorum"} if queue_type == "quorum" else {}


def retry_queue(delay_seconds: float, queue_type: str = "classic") -> Queue:
    """Where an event waits ``delay_seconds`` before its handler's queue gets it back."""
    ms = max(1, round(delay_seconds * 1000))
    name = f"workbuddy.retry.{ms}ms"
    arguments = {"x-message-ttl": ms, "x-dead-letter-exchange": "", **_holding_work(queue_type)}
    if queue_type == "quorum":
        # Moved to its handler's queue when its time is up, and kept until that queue confirms
        # it (at-least-once needs reject-publish): a copy lost on the way would lose the event.
        arguments |= {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}
    return Queue(name, exchange=Exchange(name, type="fanout", durable=True), durable=True,
                 queue_arguments=arguments)


def parking_lot(service: str, queue_type: str = "classic") -> Queue:
    """Where a service's events that could not be handled wait for an operator."""
    return Queue(f"{service}.parked", exchange=Exchange(""), routing_key=f"{service}.parked",
                 durable=True, queue_arguments=_holding_work(queue_type))


def declare(channel, services: list[str], delays: list[float], queue_type: str = "classic") -> None:
    for delay in delays:
        retry_queue(delay, queue_type)(channel).declare()
    for service in services:
        parking_lot(service, queue_type)(channel).declare()


class ReliableEventHandler(EventHandler):
    """nameko's service-pool event handler, with retries and a parking lot."""

    def setup(self):
        super().setup()
        settings = platform_of(self.container)
        self.delays = settings.event_retry_delays
        self.queue_type = settings.event_queue_type
        if arguments := handler_queue_arguments(self.container.service_name, settings):
            # Read when the consumer connects (after setup), so replacing it here is enough.
            self.queue = Queue(self.queue.name, exchange=self.queue.exchange,
                               routing_key=self.queue.routing_key, durable=True, auto_delete=False,
                               exclusive=False, queue_arguments=arguments)

    def handle_message(self, body, message):
        attempts = int(message.headers.get(ATTEMPTS, 0))
        context = {k: v for k, v in self.unpack_message_headers(message).items()
                   if not k.startswith(OURS)}
        try:
            self.container.spawn_worker(self, (body,), {}, context_data=context,
                                        handle_result=partial(self._handled, message, attempts))
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def _handled(self, message, attempts, worker_ctx, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return result, exc_info
        attempts += 1
        error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
        parked = isinstance(exc_info[1], UnreadableEvent) or attempts > len(self.delays)
        headers = {k: v for k, v in message.headers.items() if k != "x-death"} | {
            ATTEMPTS: attempts, QUEUE: self.queue.name,
            HANDLER: f"{self.container.service_name}.{self.method_name}",
            ERROR: error[:ERROR_MAX], FAILED_AT: datetime.now(UTC).isoformat()}
        if parked:
            queue = parking_lot(self.container.service_name, self.queue_type)
            routing_key = queue.name
        else:
            # Expired from the retry queue, it is routed by this key: to this handler only.
            queue = retry_queue(self.delays[attempts - 1], self.queue_type)
            routing_key = self.queue.name
        try:
            self._publish(message, queue, routing_key, headers)
        except Exception as exc:  # noqa: BLE001 - the event goes back to its queue, not lost
            log.error("event.retry_publish_failed", queue=self.queue.name, error=str(exc))
            self.queue_consumer.requeue_message(message)
            return result, exc_info
        self.queue_consumer.ack_message(message)
        if parked:
            log.error("event.parked", queue=self.queue.name, parking_lot=queue.name,
                      attempts=attempts, error=error)
            metrics.EVENTS_PARKED.labels(headers[HANDLER]).inc()
        else:
            metrics.EVENT_RETRIES.labels(headers[HANDLER]).inc()
            log.warning("event.retry_scheduled", queue=self.queue.name, attempts=attempts,
                        delay_seconds=self.delays[attempts - 1], error=error)
        return result, exc_info

    def _publish(self, message, queue: Queue, routing_key: str, headers: dict) -> None:
        # A connection of its own per failure: failures are rare, and workers run at once.
        with Connection(self.container.config["AMQP_URI"], connect_timeout=5,
                        transport_options={"confirm_publish": True}) as connection:
            # Confirmed before the original is acknowledged: at least once, never zero times.
            # Mandatory: on a cluster, the broker confirms a copy routed to a classic queue whose
            # node is down and drops it; mandatory, it is returned instead and raises here.
            republish(connection.Producer(), message, queue.exchange, routing_key, headers,
                      declare=[queue], retry=True, mandatory=True,
                      retry_policy={"max_retries": 3, "interval_start": 0.2})


def republish(producer, message, exchange: Exchange, routing_key: str, headers: dict,
              **options) -> None:
    """A copy of a received message, as it came (body, encoding, id), with ``headers``;
    persistent. Confirmed when the producer's connection asks for confirms."""
    producer.publish(message.body, exchange=exchange, routing_key=routing_key, headers=headers,
                     content_type=message.content_type, content_encoding=message.content_encoding,
                     message_id=message.properties.get("message_id"), delivery_mode=2, **options)


event_handler = ReliableEventHandler.decorator
