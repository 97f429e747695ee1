"""A RabbitMQ node of a test's own, on its own port and data directory, so that a test can stop
and restart the broker without touching the one every other test uses. It runs Debian's
rabbitmq-server as the current user (root on our machines), with no plugins."""

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from .net import free_port

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
CTL = Path("/usr/lib/rabbitmq/bin/rabbitmqctl")


def available() -> bool:
    return SERVER.exists() and CTL.exists() and os.geteuid() == 0


def start_or_skip(folder: Path) -> "PrivateBroker":
    """A node of the test's own, started; the test is skipped where none can run."""
    if not available():
        pytest.skip("needs Debian's rabbitmq-server, run as root, for a broker of its own")
    node = PrivateBroker(folder, free_port(), free_port(), f"wbtest{uuid.uuid4().hex[:6]}")
    node.start()
    return node


class PrivateBroker:
    def __init__(self, folder: Path, port: int, dist_port: int, name: str):
        self.folder, self.port, self.node = folder, port, f"{name}@localhost"
        (folder / "log").mkdir(parents=True, exist_ok=True)
        (folder / "enabled_plugins").write_text("[].\n")
        self.env = {**os.environ, "HOME": str(folder), "RABBITMQ_NODENAME": self.node,
                    "RABBITMQ_NODE_PORT": str(port), "RABBITMQ_DIST_PORT": str(dist_port),
                    "RABBITMQ_MNESIA_BASE": str(folder / "mnesia"),
                    "RABBITMQ_LOG_BASE": str(folder / "log"),
                    "RABBITMQ_ENABLED_PLUGINS_FILE": str(folder / "enabled_plugins"),
                    "RABBITMQ_PID_FILE": str(folder / "pid"),
                    "RABBITMQ_CONFIG_FILE": str(folder / "none")}
        self.process: subprocess.Popen | None = None

    @property
    def amqp_uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def start(self, timeout: float = 90) -> None:
        log = open(self.folder / "log" / "server.out", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen([str(SERVER)], env=self.env, cwd=self.folder, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self._listening():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the private RabbitMQ did not start; see {self.folder / 'log'}")
            time.sleep(0.2)

    def stop(self) -> None:
        """As an operator's restart does: the node stops, durable queues and persistent
        messages stay on disk."""
        if self.process is None:
            return
        subprocess.run([str(CTL), "-n", self.node, "stop"], env=self.env, cwd=self.folder,
                       capture_output=True, timeout=60)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _listening(self) -> bool:
        with socket.socket() as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", self.port)) == 0
