"""RabbitMQ nodes of a test's own, on their own ports and data directories, so that a test can
stop, kill and restart the broker without touching the one every other test uses. They run
Debian's rabbitmq-server as the current user (root on our machines), with no plugins.

``start_or_skip`` gives one node; ``start_cluster_or_skip`` gives three joined in a cluster
(one Erlang cookie for all, joined with ``rabbitmqctl join_cluster``), as a production broker
runs, for the tests of failing over from a node that dies."""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from .net import free_port

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
CTL = Path("/usr/lib/rabbitmq/bin/rabbitmqctl")
# Idle schedulers sleep rather than spin: three nodes share two cores with the services.
LEAN_ERL_ARGS = "+sbwt none +sbwtdcpu none +sbwtdio none"


def available() -> bool:
    return SERVER.exists() and CTL.exists() and os.geteuid() == 0


def _skip_unless_available() -> None:
    if not available():
        pytest.skip("needs Debian's rabbitmq-server, run as root, for a broker of its own")


def start_or_skip(folder: Path) -> "PrivateBroker":
    """A node of the test's own, started; the test is skipped where none can run."""
    _skip_unless_available()
    node = PrivateBroker(folder, free_port(), free_port(), f"wbtest{uuid.uuid4().hex[:6]}")
    node.start()
    return node


def start_cluster_or_skip(folder: Path, size: int = 3) -> "PrivateCluster":
    """``size`` nodes of the test's own, started and clustered; skipped where none can run."""
    _skip_unless_available()
    cluster = PrivateCluster(folder, size)
    try:
        cluster.start()
    except BaseException:
        cluster.destroy()
        raise
    return cluster


class PrivateBroker:
    def __init__(self, folder: Path, port: int, dist_port: int, name: str,
                 cookie: str | None = None):
        """``cookie``: the Erlang cookie shared by the nodes of a cluster (and their CLI)."""
        self.folder, self.port, self.node = folder, port, f"{name}@localhost"
        (folder / "log").mkdir(parents=True, exist_ok=True)
        (folder / "enabled_plugins").write_text("[].\n")
        if cookie is not None:  # read from $HOME by the node and by rabbitmqctl alike
            path = folder / ".erlang.cookie"
            path.write_text(cookie)
            path.chmod(0o400)
        self.env = {**os.environ, "HOME": str(folder), "RABBITMQ_NODENAME": self.node,
                    "RABBITMQ_NODE_PORT": str(port), "RABBITMQ_DIST_PORT": str(dist_port),
                    "RABBITMQ_MNESIA_BASE": str(folder / "mnesia"),
                    "RABBITMQ_LOG_BASE": str(folder / "log"),
                    "RABBITMQ_ENABLED_PLUGINS_FILE": str(folder / "enabled_plugins"),
                    "RABBITMQ_PID_FILE": str(folder / "pid"),
                    "RABBITMQ_CONFIG_FILE": str(folder / "none"),
                    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": LEAN_ERL_ARGS}
        self.process: subprocess.Popen | None = None

    @property
    def amqp_uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def start(self, timeout: float = 90) -> None:
        self.launch()
        self.wait_listening(timeout)

    def launch(self) -> None:
        """Starts the node without waiting for it (``wait_listening``): nodes start together."""
        log = open(self.folder / "log" / "server.out", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen([str(SERVER)], env=self.env, cwd=self.folder, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_listening(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not self._listening():
            if self.process is None or self.process.poll() is not None \
                    or time.monotonic() > deadline:
                raise RuntimeError(f"the private RabbitMQ did not start; see {self.folder / 'log'}")
            time.sleep(0.2)

    def ctl(self, *args: str, timeout: float = 60) -> str:
        """``rabbitmqctl -n <this node> args``; its output. Raises when it fails."""
        done = subprocess.run([str(CTL), "-n", self.node, *args], env=self.env, cwd=self.folder,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} on {self.node}: "
                               f"{done.stdout}{done.stderr}")
        return done.stdout

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
            self.kill()
        self.process = None

    def kill(self) -> None:
        """kill -9, as a machine that loses power: every process of the node dies at once,
        with whatever it had not written to disk."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: the node and helpers
        except ProcessLookupError:
            pass
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


class PrivateCluster:
    """Nodes that share one Erlang cookie, joined to the first one."""

    def __init__(self, folder: Path, size: int = 3):
        name, cookie = f"wbc{uuid.uuid4().hex[:6]}", secrets.token_hex(16).upper()
        self.nodes = [PrivateBroker(folder / f"node{n}", free_port(), free_port(), f"{name}n{n}",
                                    cookie=cookie) for n in range(size)]

    @property
    def amqp_uri(self) -> str:
        """Every node's URL, in the form AMQP_URI takes a list (comma-separated)."""
        return ",".join(node.amqp_uri for node in self.nodes)

    def start(self, timeout: float = 120) -> None:
        for node in self.nodes:
            node.launch()
        for node in self.nodes:
            node.wait_listening(timeout)
        first = self.nodes[0]
        for node in self.nodes[1:]:
            node.ctl("stop_app")
            node.ctl("join_cluster", first.node)
            node.ctl("start_app")
        self.wait_running(len(self.nodes))

    def running(self, asked: PrivateBroker | None = None) -> set[str]:
        """The nodes that the cluster (as ``asked``, by default the first node up) sees run."""
        asked = asked or next(node for node in self.nodes if node.process is not None)
        status = json.loads(asked.ctl("cluster_status", "--formatter", "json"))
        return set(status["running_nodes"])

    def wait_running(self, count: int, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while len(self.running()) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the cluster runs {sorted(self.running())}, not {count} nodes")
            time.sleep(0.5)

    def node(self, name: str) -> PrivateBroker:
        return next(node for node in self.nodes if node.node == name)

    def leaders(self, vhost: str = "/", asked: PrivateBroker | None = None) -> Counter:
        """How many quorum queues each node leads, as ``asked`` (by default the first node
        running) sees it: a node just restarted may still name itself for queues it led."""
        asked = asked or next(node for node in self.nodes if node.process is not None)
        lines = asked.ctl("list_queues", "-p", vhost, "--quiet", "--no-table-headers",
                          "type", "leader").splitlines()
        return Counter(parts[1] for line in lines
                       if len(parts := line.split()) == 2 and parts[0] == "quorum")

    def restart_killed(self, node: PrivateBroker) -> None:
        """Starts a node killed earlier; it rejoins the cluster by itself."""
        node.start()
        self.wait_running(len(self.nodes))

    def destroy(self) -> None:
        for node in self.nodes:
            node.kill()  # faster than a clean stop, and its data goes anyway
            shutil.rmtree(node.folder, ignore_errors=True)
