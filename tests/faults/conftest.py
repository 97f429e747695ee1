"""Each fault test gets a whole system of its own, so that it can break its parts: its own
store (nx-27017, stopped and started by the test), its own SMTP server, its own vhost or even
its own RabbitMQ node, and the four services as real processes."""

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from workbuddy_devstack.processes import Supervisor
from workbuddy_devstack.stack import Stack
from workbuddy_devstack.store import start_embedded
from workbuddy_notifications.adapters.push import new_private_key
from workbuddy_platform.store import client_for

from ..support import private_broker
from ..support.api import Gateway
from ..support.mailbox import SmtpServer
from ..support.net import free_port
from ..support.push import PushService

# Short delays, so that what a fault sets back is retried within the test.
FAULT_ENV = {
    "MATCHING_AUTOMATIC": "off", "MATCHING_ROUND_EVERY_HOURS": "0",
    "EVENT_RETRY_DELAYS": "0.5,1,2,4,8,15", "DELIVERY_RECLAIM_SECONDS": "15", "SMTP_TIMEOUT": "5",
    "RATE_LIMIT_SIGNUP": "10000 per hour", "RATE_LIMIT_LOGIN": "10000 per minute",
    "RATE_LIMIT_MOMENTS": "10000 per minute; 100000 per day", "RATE_LIMIT_PROPOSALS": "10000 per hour",
    # Members count as verified at sign-up: proving addresses is tested in tests/e2e/test_addresses.py.
    "ADDRESS_VERIFICATION": "trusted",
}


@dataclass
class System:
    stack: Stack
    supervisor: Supervisor
    smtp: SmtpServer
    store_dir: Path
    store_port: int
    broker: private_broker.PrivateBroker | None
    push: PushService | None

    @property
    def gateway(self) -> Gateway:
        return Gateway(self.stack.gateway_url)

    @property
    def mailbox(self):
        return self.smtp.mailbox

    def stop_store(self) -> None:
        self.supervisor.kill("mongo")

    def start_store(self) -> None:
        start_embedded(self.supervisor, self.store_dir, self.store_port)

    def db(self, service: str):
        return client_for(self.stack.mongo_uri)[f"{self.stack.db_prefix}{service}"]


@pytest.fixture
def make_system(tmp_path, artifacts, fresh_vhost):
    """make_system(private_broker=False) -> a running System; everything stops after the test."""
    made = []

    def make(own_broker: bool = False, push: bool = False, **settings: str) -> System:
        """``settings``: environment variables that differ from FAULT_ENV."""
        supervisor = Supervisor(artifacts / f"faults-{uuid.uuid4().hex[:6]}")
        broker = None
        if own_broker:
            broker = private_broker.start_or_skip(tmp_path / "rabbitmq")
            amqp = broker.amqp_uri
        else:
            amqp = fresh_vhost()[1]
        smtp = SmtpServer(free_port()).__enter__()
        store_port = free_port()
        mongo_uri = start_embedded(supervisor, tmp_path / "mongo", store_port)
        push_service = PushService().__enter__() if push else None
        env = dict(FAULT_ENV) | ({"VAPID_PRIVATE_KEY": new_private_key()} if push else {}) | settings
        stack = Stack(supervisor, amqp_uri=amqp, mongo_uri=mongo_uri, smtp_port=smtp.port,
                      gateway_port=free_port(), db_prefix="fault_", extra_env=env)
        system = System(stack, supervisor, smtp, tmp_path / "mongo", store_port, broker,
                        push_service)
        made.append(system)
        stack.start_all()
        stack.wait_ready()
        return system

    yield make
    for system in made:
        system.supervisor.stop_all()
        system.smtp.__exit__(None, None, None)
        if system.push is not None:
            system.push.__exit__(None, None, None)
        if system.broker is not None:
            system.broker.destroy()


def pytest_collection_modifyitems(items):
    # Each test runs a whole system: under xdist they share one worker, beside the e2e suite's.
    for item in items:
        if "faults" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("faults"))
