"""Fixtures for the parts that really run: RabbitMQ (a vhost per test session), the store
(nx-27017 started here, or MONGO_URI) and an SMTP server. Unit tests use none of them."""

import os
import uuid
from pathlib import Path

import pytest

from workbuddy_contracts.i18n import DEFAULT_LANGUAGE, use_language
from workbuddy_devstack.broker import Management, ensure_management, ensure_rabbitmq, with_vhost
from workbuddy_devstack.counters import ensure_redis
from workbuddy_devstack.processes import Supervisor
from workbuddy_devstack.store import start_embedded

from .support.net import free_port

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
BROKER = os.environ.get("TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def worker_name() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(autouse=True)
def speaking_the_default_language():
    """Each test starts in the default language: a test that reads a refusal in French (or
    calls the gateway in-process with Accept-Language: fr) leaves the language it set in this
    thread, which would otherwise speak French to whichever test runs next on the worker."""
    use_language(DEFAULT_LANGUAGE)


@pytest.fixture(scope="session")
def run_id() -> str:
    return f"{worker_name()}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def artifacts(run_id) -> Path:
    folder = ARTIFACTS / run_id
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def amqp_uri(run_id):
    """A vhost of our own, so that a running dev stack or another test run never steals
    our messages; deleted at the end with everything in it."""
    try:  # `make test` did both already; a bare `pytest` does them here
        ensure_rabbitmq(BROKER)
        ensure_management(BROKER)
    except SystemExit as exc:
        pytest.fail(str(exc))
    management = Management(BROKER)
    vhost = f"wb-test-{run_id}"
    management.create_vhost(vhost)
    yield with_vhost(BROKER, vhost)
    management.delete_vhost(vhost)


@pytest.fixture
def fresh_vhost(amqp_uri, run_id):
    """fresh_vhost() -> (name, AMQP URI): an empty vhost of the test's own, where no running
    service consumes; every one made is deleted after the test, with what is in it."""
    management, made = Management(BROKER), []

    def make() -> tuple[str, str]:
        name = f"wb-test-{run_id}-{uuid.uuid4().hex[:6]}"
        management.create_vhost(name)
        made.append(name)
        return name, with_vhost(BROKER, name)

    yield make
    for name in made:
        management.delete_vhost(name)


@pytest.fixture(scope="session")
def mongo_uri(artifacts, tmp_path_factory):
    """MONGO_URI when given (to prove the code on a real MongoDB), else a fresh nx-27017."""
    if os.environ.get("TEST_MONGO_URI"):
        yield os.environ["TEST_MONGO_URI"]
        return
    supervisor = Supervisor(artifacts)
    yield start_embedded(supervisor, tmp_path_factory.mktemp("mongo"), free_port())
    supervisor.stop_all()


@pytest.fixture(scope="session")
def db_prefix(run_id) -> str:
    return f"t_{run_id.replace('-', '_')}_"


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Rate-limit counters; keys are prefixed per run, so runs never count each other."""
    if ensure_redis(REDIS) is None:
        pytest.fail(f"no Redis at {REDIS} and none installed: install redis-server or set "
                    "TEST_REDIS_URL")
    return REDIS


@pytest.hookimpl(trylast=True)  # after the conftests that mark their tests with a group
def pytest_collection_modifyitems(config, items):
    """`--dist loadgroup` sends the tests of one xdist_group to one worker by reading the
    group at the end of each test's id ("…::test_x@e2e"). pytest-xdist 3.8 writes it where
    pytest 9.2 no longer reads it (pytest-dev/pytest-xdist#1386), and then every test went to
    either worker: the e2e system and its schemathesis run started on both, fault scenarios
    and browser tests ran two at a time. Written here until pytest-xdist does it again."""
    if not getattr(config.option, "loadgroup", False):  # set on the workers of loadgroup only
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                  for mark in item.iter_markers("xdist_group")}
        suffix = "@" + "_".join(sorted(groups))
        if groups and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
            assert item.nodeid.endswith(suffix), "pytest keeps a test's id elsewhere now"
