"""The whole system as real processes: four services, RabbitMQ, the store, an SMTP server."""

from contextlib import contextmanager

import pytest

from workbuddy_devstack.broker import Management, with_vhost
from workbuddy_devstack.processes import Supervisor
from workbuddy_devstack.stack import Stack
from workbuddy_notifications.adapters.push import new_private_key

from ..conftest import BROKER
from ..support.api import Gateway
from ..support.mailbox import SmtpServer
from ..support.net import free_port
from ..support.push import PushService


@pytest.fixture(scope="session")
def smtp():
    with SmtpServer(free_port()) as server:
        yield server


@pytest.fixture(scope="session")
def push_service():
    """A browser's push service, on this machine: it checks VAPID and decrypts what it gets."""
    with PushService() as service:
        yield service


@pytest.fixture(scope="session")
def vapid_key() -> str:
    return new_private_key()


@pytest.fixture(scope="session")
def stack(amqp_uri, mongo_uri, db_prefix, smtp, artifacts, redis_url, run_id, vapid_key):
    supervisor = Supervisor(artifacts / "services")
    system = Stack(supervisor, amqp_uri=amqp_uri, mongo_uri=mongo_uri, smtp_port=smtp.port,
                   gateway_port=free_port(), db_prefix=db_prefix,
                   rate_limit_storage=redis_url, rate_limit_prefix=f"wb-test-{run_id}",
                   # Every test signs up from 127.0.0.1; the per-account log-in limit is
                   # tested as configured for production.
                   extra_env={"RATE_LIMIT_SIGNUP": "10000 per hour",
                              "RATE_LIMIT_LOGIN": "10000 per minute",
                              # Members here propose to each other as each test wants; matching
                              # proposing on its own is tested on a stack of its own.
                              "MATCHING_AUTOMATIC": "off", "MATCHING_ROUND_EVERY_HOURS": "0",
                              # Streams end soon, so that generated calls to them end too.
                              "STREAM_MAX_SECONDS": "3", "STREAM_KEEP_ALIVE": "1",
                              # A message still unread after 2 s is mailed (10 min in production).
                              "MESSAGE_NOTIFY_AFTER_SECONDS": "2",
                              # An urgent ask nobody answers goes wider after 3 s (15 min).
                              "ASK_WIDEN_AFTER_MINUTES": "0.05",
                              "VAPID_PRIVATE_KEY": vapid_key,
                              # Members count as verified at sign-up (a closed deployment's
                              # setting): proving addresses, the default, has stacks of its own
                              # (test_addresses.py).
                              "ADDRESS_VERIFICATION": "trusted"})
    system.start_all()
    try:
        system.wait_ready()
        yield system
    finally:
        supervisor.stop_all()


@contextmanager
def own_stack(name: str, extra_env: dict[str, str], *, mongo_uri, db_prefix, smtp, artifacts,
              redis_url, run_id):
    """A system of its own, for tests that need settings the shared one must not have (matching
    proposing on its own, a trial of seconds): its own vhost, databases and processes, the
    shared mail server; addresses count as verified at sign-up unless ``extra_env`` says
    ADDRESS_VERIFICATION=required. Yields {"gateway", "amqp_uri", "stack"}."""
    management = Management(BROKER)
    vhost = f"wb-test-{run_id}-{name}"
    management.create_vhost(vhost)
    amqp_uri = with_vhost(BROKER, vhost)
    supervisor = Supervisor(artifacts / name)
    system = Stack(supervisor, amqp_uri=amqp_uri, mongo_uri=mongo_uri, smtp_port=smtp.port,
                   gateway_port=free_port(), db_prefix=f"{db_prefix}{name}_",
                   rate_limit_storage=redis_url, rate_limit_prefix=f"wb-test-{run_id}-{name}",
                   extra_env={"RATE_LIMIT_SIGNUP": "10000 per hour",
                              "RATE_LIMIT_LOGIN": "10000 per minute",
                              "ADDRESS_VERIFICATION": "trusted"} | extra_env)
    system.start_all()
    try:
        system.wait_ready()
        yield {"gateway": Gateway(system.gateway_url), "amqp_uri": amqp_uri, "stack": system}
    finally:
        supervisor.stop_all()
        management.delete_vhost(vhost)


@pytest.fixture(scope="session")
def gateway(stack) -> Gateway:
    return Gateway(stack.gateway_url)


@pytest.fixture
def mailbox(smtp):
    return smtp.mailbox


def pytest_collection_modifyitems(items):
    # One system for all end-to-end tests: under xdist they all go to the same worker.
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("e2e"))
