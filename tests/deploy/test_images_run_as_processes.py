"""What each image would run, run here as plain processes (no Docker engine on these
machines): the recipe's CMD (the nameko services' shared recipe read with each one's build
argument) with the image's ENV and the compose file's environment, the compose `topology`
one-shot first, then the recipe's HEALTHCHECK command, which must turn healthy within the
image's start period, and a SIGTERM, which must end each process cleanly within compose's
stop_grace_period.

Only the hosts differ: compose's rabbitmq, mongo, redis and mailpit become this test's vhost,
store, Redis and a local port, and each process gets ports of its own (in a container the
network is the container's own, here it is shared)."""

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from workbuddy_devstack.processes import Supervisor

from ..support.images import SERVICES, compose, stages_of
from ..support.net import free_port

SECRETS = {"JWT_SECRET": "j" * 32, "MAIL_LINK_SECRET": "m" * 32}
COMPOSE_HOSTS = ("rabbitmq", "mongo", "redis", "mailpit")


def seconds(duration: str) -> float:
    return float(duration.removesuffix("s"))


def local_environment(service_env: dict, amqp: str, mongo: str, redis: str, prefix: str) -> dict:
    """compose's environment with its hosts replaced by this machine's parts."""
    local = {"AMQP_URI": amqp, "MONGO_URI": mongo, "RATE_LIMIT_STORAGE": redis,
             "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(free_port())}
    for name, value in service_env.items():
        assert name in local or not any(
            f"@{host}:" in value or f"//{host}:" in value or value == host
            for host in COMPOSE_HOSTS), f"{name}={value} names a compose host this test does not map"
    env = {name: local.get(name, str(value)) for name, value in service_env.items()}
    return env | {"WB_DB_PREFIX": prefix, "RATE_LIMIT_PREFIX": prefix}


def image_environment(service: str) -> dict:
    """The runtime stage's ENV, its ports moved to free ones, PATH left as this machine's."""
    env = stages_of(service)[-1].env()
    env.pop("PATH")
    for name in ("OPS_PORT", "GATEWAY_PORT", "GATEWAY_OPS_PORT"):
        if name in env:
            env[name] = str(free_port())
    return env


def here(argv: list[str]) -> list[str]:
    """The image's /venv/bin is this machine's virtual environment."""
    venv = Path(sys.executable).parent
    return [str(venv / argv[0]) if (venv / argv[0]).exists() else argv[0], *argv[1:]]


@pytest.fixture
def supervisor(artifacts):
    supervisor = Supervisor(artifacts / f"images-{uuid.uuid4().hex[:6]}")
    yield supervisor
    supervisor.stop_all()


def test_every_image_command_starts_turns_healthy_and_stops_on_sigterm(
        supervisor, fresh_vhost, mongo_uri, redis_url, db_prefix):
    services = compose(SECRETS)["services"]
    amqp = fresh_vhost()[1]
    prefix = f"{db_prefix}img{uuid.uuid4().hex[:6]}_"

    def env_of(name: str, image: str) -> dict:
        return image_environment(image) | local_environment(
            services[name]["environment"], amqp, mongo_uri, redis_url, prefix)

    topology = subprocess.run(here(services["topology"]["command"]), capture_output=True,
                              text=True, timeout=60, env=env_of("topology", "profiles"))
    assert topology.returncode == 0, topology.stdout + topology.stderr

    envs, probes = {}, {}
    for service in SERVICES:
        runtime = stages_of(service)[-1]
        envs[service] = env_of(service, service)
        probes[service] = runtime.exec_form("HEALTHCHECK"), runtime.healthcheck_options()
        supervisor.start(service, here(runtime.exec_form("CMD")), envs[service])

    for service in SERVICES:
        probe, options = probes[service]
        # Docker's budget: failures during the start period do not count, then `retries`.
        budget = seconds(options["start-period"]) + seconds(options["interval"]) * int(
            options["retries"])
        deadline, answer = time.monotonic() + budget, None
        while time.monotonic() < deadline:
            answer = subprocess.run(here(probe), capture_output=True, text=True,
                                    env=envs[service], timeout=seconds(options["timeout"]) + 5)
            if answer.returncode == 0:
                break
            assert not supervisor.dead(), f"{supervisor.dead()} exited; see their logs"
            time.sleep(0.5)
        assert answer.returncode == 0, f"{service} never turned healthy: {answer.stderr}"
        ready = subprocess.run(here([*probe[:-1], "readyz"]), capture_output=True, text=True,
                               env=envs[service], timeout=10)
        assert ready.returncode == 0, f"{service} not ready: {ready.stderr}"

    grace = seconds(services["profiles"]["stop_grace_period"])
    for service in reversed(SERVICES):
        child = supervisor.children[service]
        supervisor.stop(service, timeout=grace)
        assert child.returncode == 0, \
            f"{service} ended with {child.returncode} on SIGTERM, not cleanly within {grace} s"
