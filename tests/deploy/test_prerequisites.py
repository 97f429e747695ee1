"""What `make run` and `make test` do about the parts they need: RabbitMQ installed (when the
user agrees, on Debian as root), started, its management API enabled, Redis started. The
installer here is a stand-in on PATH (nothing is installed for real); the broker and Redis the
suite already uses are the real ones."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbuddy_devstack import broker

from ..support.net import free_port

ROOT = os.geteuid() == 0


def stand_in(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(0o755)


@pytest.fixture
def bare_path(tmp_path, monkeypatch):
    """A PATH with no rabbitmq-server: only the stand-ins the test writes, and sh."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}:/bin")
    monkeypatch.delenv("WB_INSTALL", raising=False)
    return folder


@pytest.mark.skipif(not ROOT, reason="installing is offered to root only")
def test_wb_install_yes_installs_rabbitmq_then_starts_it(bare_path, tmp_path, monkeypatch):
    port, said = free_port(), tmp_path / "apt-get.said"
    listen = (f"import socket, time; s = socket.socket(); s.bind(('127.0.0.1', {port})); "
              "s.listen(); time.sleep(30)")
    # apt-get "installs" a rabbitmq-server that listens on the port when started detached.
    stand_in(bare_path, "apt-get", f"""\
        echo "$@" >> {said}
        cat > {bare_path}/rabbitmq-server <<'SERVER'
        #!/bin/sh
        {sys.executable} -c "{listen}" &
        SERVER
        chmod +x {bare_path}/rabbitmq-server
        """)
    monkeypatch.setenv("WB_INSTALL", "yes")
    line = broker.ensure_rabbitmq(f"amqp://guest:guest@127.0.0.1:{port}/")
    assert said.read_text().split("\n")[0] == "install -y -q rabbitmq-server"
    assert line.startswith("RabbitMQ installed; RabbitMQ started at 127.0.0.1:")


def test_without_consent_nothing_is_installed_and_the_message_says_how(bare_path, tmp_path):
    said = tmp_path / "apt-get.said"
    stand_in(bare_path, "apt-get", f'echo "$@" >> {said}\n')
    with pytest.raises(SystemExit) as refused:
        broker.ensure_rabbitmq(f"amqp://guest:guest@127.0.0.1:{free_port()}/", ask=True)
    assert not said.exists()  # no terminal to ask, no WB_INSTALL: not installed
    assert "apt-get install rabbitmq-server" in str(refused.value)
    assert "WB_INSTALL=yes" in str(refused.value)


def test_a_no_is_respected_even_when_asked(bare_path, monkeypatch):
    stand_in(bare_path, "apt-get", "exit 0\n")
    monkeypatch.setenv("WB_INSTALL", "no")
    assert broker.install_allowed(ask=True) is False


@pytest.mark.skipif(not ROOT, reason="installing is offered to root only")
def test_a_failed_install_stops_with_its_reason(bare_path, monkeypatch):
    stand_in(bare_path, "apt-get", "exit 100\n")
    monkeypatch.setenv("WB_INSTALL", "yes")
    with pytest.raises(SystemExit, match="Installing rabbitmq-server failed"):
        broker.ensure_rabbitmq(f"amqp://guest:guest@127.0.0.1:{free_port()}/")


def test_make_tests_first_step_finds_everything_running():
    """The real broker and Redis of this machine: already running, management API on."""
    done = subprocess.run([sys.executable, "-m", "workbuddy_devstack.for_tests"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "RabbitMQ already running at 127.0.0.1:5672",
        "RabbitMQ management API already enabled",
        "Redis already running at 127.0.0.1:6379"]


def test_a_remote_broker_without_management_is_named_with_the_command():
    with pytest.raises(SystemExit, match="rabbitmq-plugins enable rabbitmq_management"):
        broker.ensure_management(f"amqp://guest:guest@192.0.2.1:{free_port()}/")
