"""Each fault test gets a whole system of its own, so that it can break its parts: its own
store (nx-27017, stopped and started by the test), its own SMTP server, its own vhost or even
its own RabbitMQ node, and the four services as real processes — one of each, or two of each
(``replicas=2``: two gateways on two ports, as two backends of a load balancer, and two
processes of every nameko service competing for the same queues) — optionally reaching the
broker and the store through fault-injecting proxies (``proxied=True``)."""

import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from workbuddy_devstack.processes import Supervisor, wait_until
from workbuddy_devstack.stack import SERVICES, Stack
from workbuddy_devstack.store import start_embedded
from workbuddy_notifications.adapters.push import new_private_key
from workbuddy_platform.store import client_for

from ..support import private_broker
from ..support.api import Gateway
from ..support.faultproxy import FaultProxy
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
    replicas: int = 1
    # The broker and the store as the test reaches them: directly, never through the proxies.
    amqp_uri: str = ""
    mongo_uri: str = ""
    # With proxied=True: what the services' connections to each go through.
    broker_link: FaultProxy | None = None
    store_link: FaultProxy | None = None
    gateway_ports: list[int] = field(default_factory=list)

    @property
    def gateway(self) -> Gateway:
        return self.gateways[0]

    @property
    def gateways(self) -> list[Gateway]:
        return [Gateway(f"http://127.0.0.1:{port}") for port in self.gateway_ports]

    def processes(self, service: str) -> list[str]:
        """The supervisor's names of a service's processes: "matching", "matching-2"."""
        return [service] + [f"{service}-{n}" for n in range(2, self.replicas + 1)]

    def all_processes(self) -> list[str]:
        return [p for service in (*SERVICES, "gateway") for p in self.processes(service)]

    def start(self, process: str) -> None:
        """Start one process (again), as a deploy or a supervisor restarting it would."""
        service, _, number = process.partition("-")
        if service == "gateway" and number:  # another port, as another backend of the balancer
            self.supervisor.start(process, [sys.executable, "-m", "workbuddy_gateway"],
                                  self.stack.env() | {
                                      "GATEWAY_PORT": str(self.gateway_ports[int(number) - 1]),
                                      "OPS_HOST": "127.0.0.1",
                                      "GATEWAY_OPS_PORT": str(self.stack.ops_port(process))})
        elif number:
            self.stack.start_replica(service, int(number))
        else:
            self.stack.start(service)

    def start_and_wait(self, *processes: str, timeout: float = 60) -> None:
        """Start them and wait until each serves. From the test's main thread only: a child
        is told to stop when the thread that started it ends (PR_SET_PDEATHSIG)."""
        logs = {p: self.supervisor.log_path(p) for p in processes}
        connected = {p: log.read_text().count("Connected to amqp") if log.exists() else 0
                     for p, log in logs.items()}
        for process in processes:
            self.start(process)
        for process in processes:
            wait_until(lambda p=process: self.serves(p, connected[p]), timeout, process)

    def serves(self, process: str, connected_before: int = 0) -> bool:
        """A gateway answers /readyz; a service reaches its broker and store, and has
        connected its consumers (more times than ``connected_before``, as its log says)."""
        if process.startswith("gateway"):
            port = self.gateway_ports[int(process.partition("-")[2] or 1) - 1]
            return requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
        log = self.supervisor.log_path(process)
        return (log.exists() and log.read_text().count("Connected to amqp") > connected_before
                and requests.get(f"{self.stack.ops_url(process)}/readyz",
                                 timeout=5).status_code == 200)

    @property
    def mailbox(self):
        return self.smtp.mailbox

    def stop_store(self) -> None:
        self.supervisor.kill("mongo")

    def start_store(self) -> None:
        start_embedded(self.supervisor, self.store_dir, self.store_port)

    def db(self, service: str):
        return client_for(self.mongo_uri)[f"{self.stack.db_prefix}{service}"]


@pytest.fixture
def make_system(tmp_path, artifacts, fresh_vhost):
    """make_system(own_broker=False, push=False, replicas=1, proxied=False) -> a running
    System; everything stops after the test."""
    made = []

    def make(own_broker: bool = False, push: bool = False, replicas: int = 1,
             proxied: bool = False, **settings: str) -> System:
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
        system = System(None, supervisor, smtp, tmp_path / "mongo", store_port, broker,
                        push_service, replicas, amqp, mongo_uri,
                        gateway_ports=[free_port() for _ in range(replicas)])
        made.append(system)
        if proxied:
            system.broker_link = FaultProxy(urlsplit(amqp).port)
            system.store_link = FaultProxy(store_port)
            system.broker_link.__enter__(), system.store_link.__enter__()
            amqp, mongo_uri = system.broker_link.uri(amqp), system.store_link.uri(mongo_uri)
        # Ports handed out here are never handed out twice, unlike ports picked by the stack.
        ops_ports = {p: free_port() for s in (*SERVICES, "gateway")
                     for p in [s] + [f"{s}-{n}" for n in range(2, replicas + 1)]}
        system.stack = Stack(supervisor, amqp_uri=amqp, mongo_uri=mongo_uri, smtp_port=smtp.port,
                             gateway_port=system.gateway_ports[0], db_prefix="fault_",
                             extra_env=env, ops_ports=ops_ports)
        for process in system.all_processes():
            system.start(process)
        system.stack.wait_ready()
        for process in system.all_processes():
            wait_until(lambda p=process: system.serves(p), 60, process)
        return system

    yield make
    for system in made:
        system.supervisor.stop_all()  # every service at once, the store last
        system.smtp.__exit__(None, None, None)
        if system.push is not None:
            system.push.__exit__(None, None, None)
        if system.broker is not None:
            system.broker.destroy()
        for link in (system.broker_link, system.store_link):
            if link is not None:
                link.__exit__(None, None, None)


def pytest_configure(config):
    config.addinivalue_line("markers", "long: a fault scenario of a minute or more on two cores; "
                                       "runs in CI like every test, -m 'not long' leaves it out")


def pytest_collection_modifyitems(items):
    # Each test runs a whole system: under xdist they share one worker, beside the e2e suite's.
    for item in items:
        if "faults" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("faults"))
