"""An event published before its consumer ever started waits in the consumer's queue, which the
topology declared before anything was published, and is handled once the consumer starts."""

import sys
import time
import uuid
from datetime import UTC, datetime

import pytest

from workbuddy_contracts.events import make_event
from workbuddy_devstack.processes import Supervisor
from workbuddy_platform.outbox import EventPublisher
from workbuddy_platform.settings import PlatformSettings
from workbuddy_platform.store import client_for
from workbuddy_platform.topology import declare_topology


@pytest.fixture
def amqp(fresh_vhost):
    return fresh_vhost()[1]


def test_an_event_published_before_notifications_ever_ran_is_handled_when_it_starts(
        amqp, mongo_uri, db_prefix, artifacts):
    prefix = f"{db_prefix}late{uuid.uuid4().hex[:6]}_"
    config = {"AMQP_URI": amqp, "serializer": "json"}
    declare_topology(PlatformSettings(amqp_uri=amqp))  # what every service and `workbuddy-topology` do first
    member_id = uuid.uuid4().hex
    EventPublisher(config).publish(make_event("member.registered", {
        "member_id": member_id, "email": "late@example.org", "display_name": "Late",
        "language": "en", "registered_at": datetime.now(UTC)},
        producer="profiles", correlation_id="c-late").to_message())

    supervisor = Supervisor(artifacts / f"late-{uuid.uuid4().hex[:6]}")
    supervisor.start("notifications", [sys.executable, "-m", "workbuddy_notifications"], {
        "AMQP_URI": amqp, "MONGO_URI": mongo_uri, "WB_DB_PREFIX": prefix,
        "MAIL_LINK_SECRET": "l" * 40, "PYTHONUNBUFFERED": "1"})
    recipients = client_for(mongo_uri)[f"{prefix}notifications"].recipients
    try:
        deadline = time.monotonic() + 30
        while (found := recipients.find_one({"_id": member_id})) is None:
            assert not supervisor.dead(), supervisor.log_path("notifications").read_text()[-3000:]
            assert time.monotonic() < deadline, "the early event never reached notifications"
            time.sleep(0.2)
        assert found["email"] == "late@example.org"
    finally:
        supervisor.stop_all()
        client_for(mongo_uri).drop_database(f"{prefix}notifications")
