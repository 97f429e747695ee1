"""A Work Buddy system of a benchmark's own, shared by the benchmarks that start one (soak.py,
scaling.py): a fresh RabbitMQ vhost, an embedded store and the four services, wired to an SMTP
server the benchmark runs itself. Nothing here is shared with another run on the machine."""

import argparse
import contextlib
import signal
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbuddy_devstack.broker import Management, ensure_rabbitmq, with_vhost
from workbuddy_devstack.processes import Supervisor
from workbuddy_devstack.stack import SERVICES, Stack
from workbuddy_devstack.store import start_embedded


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(count: int) -> list[int]:
    """Distinct free ports, for processes that bind them later. The sockets are held open
    together: one at a time, the kernel may hand out again a port just released, and two
    processes would then fight for it (a service's ops port once took the gateway's)."""
    with contextlib.ExitStack() as held:
        sockets = [held.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]


def say(text: str = "") -> None:
    print(text, flush=True)


@contextlib.contextmanager
def own_vhost(broker: str, vhost: str) -> Iterator[tuple[str, Management]]:
    """A fresh vhost for the run (made and deleted through the management API), so that no
    queue, message or consumer of another run or test suite is counted; yields its AMQP URI."""
    say(ensure_rabbitmq(broker))
    management = Management(broker)
    if not management.available():
        raise SystemExit("the RabbitMQ management API is not reachable on port 15672 (needed for a "
                         "vhost of our own): rabbitmq-plugins enable rabbitmq_management")
    management.create_vhost(vhost)
    try:
        yield with_vhost(broker, vhost), management
    finally:
        management.delete_vhost(vhost)


@dataclass
class System:
    stack: Stack
    mongo_uri: str
    db_prefix: str


def start_system(supervisor: Supervisor, workdir: Path, amqp_uri: str, smtp_port: int,
                 name: str, token_ttl: int, extra_env: dict | None = None) -> System:
    """The embedded store (nx-27017) and the four services, ready; ``name`` keeps the run's
    databases and rate-limit counters apart. Access tokens must outlive the whole run.
    ``extra_env`` is given to every service, over the defaults below (e.g. GATEWAY_THREADS)."""
    mongo_uri = start_embedded(supervisor, workdir / "mongo", free_port())
    db_prefix = f"{name.replace('-', '_')}_"
    gateway_port, *ops = free_ports(len(SERVICES) + 2)
    ops_ports = dict(zip((*SERVICES, "gateway"), ops, strict=True))
    stack = Stack(supervisor, amqp_uri=amqp_uri, mongo_uri=mongo_uri, smtp_port=smtp_port,
                  gateway_port=gateway_port, ops_ports=ops_ports, db_prefix=db_prefix,
                  rate_limit_prefix=f"wb-{name}",
                  # As the e2e tests run it: nobody proposed by matching, limits out of the way.
                  extra_env={"MATCHING_AUTOMATIC": "off", "MATCHING_ROUND_EVERY_HOURS": "0",
                             "RATE_LIMIT_SIGNUP": "100000 per hour",
                             "RATE_LIMIT_LOGIN": "100000 per minute",
                             "RATE_LIMIT_MOMENTS": "100000 per minute; 1000000 per day",
                             "RATE_LIMIT_PROPOSALS": "100000 per hour",
                             "JWT_ACCESS_TTL": str(token_ttl),
                             # Addresses count as proven at sign-up, as in the e2e tests.
                             "ADDRESS_VERIFICATION": "trusted"} | (extra_env or {}))
    stack.start_all()
    stack.wait_ready()
    return System(stack, mongo_uri, db_prefix)


def with_presets(args: argparse.Namespace, quick: dict, full: dict) -> argparse.Namespace:
    """Options left unset take the --quick or the full run's value."""
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def run_interruptibly(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Ctrl-C (even in the background, where SIGINT is ignored) and SIGTERM both stop the run
    through KeyboardInterrupt: everything started is stopped on the way out."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        return run(args)
    except KeyboardInterrupt:
        say("\ninterrupted: everything started was stopped")
        return 130
