"""A broker connection the network drops without a word (tests/support/faultproxy.py silences
it: nothing gets through, and neither side hears a reset) ends every wait for the broker
within the bound the services set from AMQP_HEARTBEAT (workbuddy_platform.broker), instead of
holding the consumer, the publisher or the proxy that waits for good."""

import time
import uuid
from urllib.parse import urlsplit

import pytest

from workbuddy_platform import broker

from ..support.faultproxy import FaultProxy

BOUND = 1.0


@pytest.fixture
def silent_broker_link(amqp_uri):
    broker.bound_silences(BOUND)  # as run_service does with AMQP_HEARTBEAT
    try:
        with FaultProxy(urlsplit(amqp_uri).port) as link:
            yield link, link.uri(amqp_uri)
    finally:
        broker.bound_silences(None)


def test_waits_for_a_silent_broker_end_at_the_bound(silent_broker_link):
    link, uri = silent_broker_link
    connection = broker.connect(uri, heartbeat=BOUND)
    channel = connection.channel()
    queue = f"silent-{uuid.uuid4().hex[:8]}"
    channel.queue_declare(queue=queue, auto_delete=True)  # a sound link answers at once
    assert link.silence_all() == 1

    started = time.monotonic()
    with pytest.raises(connection.connection_errors):
        channel.queue_declare(queue=queue, auto_delete=True)  # its declare-ok never comes
    assert time.monotonic() - started < BOUND + 1

    started = time.monotonic()
    connection.release()  # says goodbye and waits for the close-ok, which never comes either
    assert time.monotonic() - started < 2 * (BOUND + 1)


def test_a_sound_connection_waits_as_long_as_the_broker_takes(silent_broker_link):
    """The bound cuts nothing short on a link that carries frames: a consumer waiting longer
    than the bound for a message hears the broker's heartbeats meanwhile."""
    link, uri = silent_broker_link
    with broker.connect(uri, heartbeat=BOUND) as connection:
        channel = connection.channel()
        queue = f"sound-{uuid.uuid4().hex[:8]}"
        channel.queue_declare(queue=queue, auto_delete=True)
        started = time.monotonic()
        while time.monotonic() - started < 3 * BOUND:  # three bounds, heartbeats checked
            try:
                connection.drain_events(timeout=BOUND / 4)
            except TimeoutError:
                connection.heartbeat_check()
        channel.queue_declare(queue=queue, auto_delete=True)  # still sound
