"""Declares every exchange, queue and binding in the catalogue before anything is published,
and the retry queues and parking lots (workbuddy_platform.retries).

Queues are declared exactly as nameko declares a service-pool event handler's queue, so the
service's own declaration later matches and the broker keeps events for a consumer that has
not started yet. Runs at each service's start-up and as ``workbuddy-topology`` for deploys.
"""

import sys

from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from workbuddy_contracts.catalogue import EVENT_TYPES, SUBSCRIPTIONS

from . import retries, startup
from .logs import configure_logging, get_logger
from .settings import PlatformSettings, SettingsError, redact

log = get_logger(__name__)


def declare_topology(settings: PlatformSettings) -> None:
    nameko_config = settings.nameko_config()
    with Connection(settings.amqp_uri, connect_timeout=5) as conn:
        conn.ensure_connection(max_retries=5, interval_start=0.5, interval_step=1)
        channel = conn.default_channel
        for producer in sorted({e.producer for e in EVENT_TYPES.values()}):
            get_event_exchange(producer, nameko_config)(channel).declare()
        for sub in SUBSCRIPTIONS:
            Queue(sub.queue, exchange=get_event_exchange(sub.producer, nameko_config),
                  routing_key=sub.event, durable=True, auto_delete=False, exclusive=False,
                  queue_arguments=retries.handler_queue_arguments(sub.consumer, settings))(channel).declare()
        # Where failed events wait before their retry, and where those that never succeed park.
        retries.declare(channel, sorted({s.consumer for s in SUBSCRIPTIONS}),
                        settings.event_retry_delays, settings.event_queue_type)
    log.info("topology.declared", queues=len(SUBSCRIPTIONS))


def main() -> None:
    try:
        settings = PlatformSettings.from_env()
    except SettingsError as exc:
        print(f"workbuddy-topology cannot start: {exc}", file=sys.stderr)
        sys.exit(2)
    configure_logging("topology", settings.log_level)
    try:
        # As an init container it starts with the broker on a first deploy: it waits for it.
        startup.wait_for_broker(settings)
        declare_topology(settings)
    except Exception as exc:  # a deploy step: say what failed and exit non-zero
        print(f"could not declare the topology on {redact(settings.amqp_uri)}: {exc}", file=sys.stderr)
        sys.exit(1)
