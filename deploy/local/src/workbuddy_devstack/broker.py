"""The local RabbitMQ: found, started if installed and stopped, installed when the user agrees
(Debian, as root), or explained."""

import os
import shutil
import socket
import subprocess
import sys
from urllib.parse import quote, urlsplit

import requests

from .processes import wait_until

HOW_TO_GET_ONE = """\
No RabbitMQ answers at {where} and none is installed here.
Get one, then run this again:
  - Debian/Ubuntu:  sudo apt-get install rabbitmq-server && sudo rabbitmq-server -detached
  - macOS:          brew install rabbitmq && brew services start rabbitmq
  - any machine:    docker run -d -p 5672:5672 -p 15672:15672 rabbitmq:3-management
or point AMQP_URI at an existing broker (amqp://user:password@host:5672/vhost).
On Debian as root, WB_INSTALL=yes installs it without asking."""

INSTALL = ["apt-get", "install", "-y", "-q", "rabbitmq-server"]


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_rabbitmq(amqp_uri: str, ask: bool = False) -> str:
    """Returns a line saying what was done; raises SystemExit with instructions otherwise.
    ``ask``: offer to install RabbitMQ when it is missing (see install_allowed)."""
    url = urlsplit(amqp_uri)
    host, port = url.hostname or "127.0.0.1", url.port or 5672
    if reachable(host, port):
        return f"RabbitMQ already running at {host}:{port}"
    local = host in ("127.0.0.1", "localhost")
    installed = ""
    if local and not shutil.which("rabbitmq-server") and install_allowed(ask):
        installed = install_rabbitmq() + "; "
    if not local or not shutil.which("rabbitmq-server"):
        raise SystemExit(HOW_TO_GET_ONE.format(where=f"{host}:{port}"))
    subprocess.run(["rabbitmq-server", "-detached"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: reachable(host, port), 90, f"RabbitMQ at {host}:{port}", interval=1)
    return f"{installed}RabbitMQ started at {host}:{port} (it keeps running after we stop)"


def install_allowed(ask: bool) -> bool:
    """Only where Debian's installer can do it (apt-get, as root), and only when the user said
    so: WB_INSTALL=yes, or "y" to the question when there is someone at the terminal."""
    if not shutil.which("apt-get") or os.geteuid() != 0:
        return False
    said = os.environ.get("WB_INSTALL", "").strip().lower()
    if said in ("yes", "y", "1", "true"):
        return True
    if said or not ask or not sys.stdin.isatty():
        return False
    answer = input("RabbitMQ is not installed. Install it now with "
                   f"`{' '.join(INSTALL)}`? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def install_rabbitmq() -> str:
    print(f"Installing RabbitMQ: {' '.join(INSTALL)}", flush=True)
    if subprocess.run(INSTALL, check=False).returncode != 0:
        # A fresh machine may not have read its package lists yet.
        subprocess.run(["apt-get", "update", "-q"], check=False)
        if subprocess.run(INSTALL, check=False).returncode != 0:
            raise SystemExit("Installing rabbitmq-server failed (see apt-get's output above). "
                             "Install it by hand, then run this again.")
    return "RabbitMQ installed"


def ensure_management(amqp_uri: str) -> str:
    """The management API (the test suite makes a vhost per run through it): enabled on the
    local broker when it is off. Raises SystemExit with the command when it cannot be."""
    management = Management(amqp_uri)
    if management.available():
        return "RabbitMQ management API already enabled"
    host = urlsplit(amqp_uri).hostname or "127.0.0.1"
    how = "rabbitmq-plugins enable rabbitmq_management"
    if host not in ("127.0.0.1", "localhost") or not shutil.which("rabbitmq-plugins"):
        raise SystemExit(f"The RabbitMQ management API does not answer at {management.base}. "
                         f"Enable it on that broker: `{how}`.")
    subprocess.run(how.split(), check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wait_until(management.available, 60, "the RabbitMQ management API", interval=1)
    return "RabbitMQ management API enabled"


class Management:
    """The management HTTP API, for a vhost of our own (tests use one per run)."""

    def __init__(self, amqp_uri: str, port: int = 15672):
        url = urlsplit(amqp_uri)
        self.base = f"http://{url.hostname or '127.0.0.1'}:{port}/api"
        self.auth = (url.username or "guest", url.password or "guest")

    def available(self) -> bool:
        try:
            return requests.get(f"{self.base}/overview", auth=self.auth, timeout=3).ok
        except requests.RequestException:
            return False

    def create_vhost(self, name: str) -> None:
        vhost = quote(name, safe="")
        requests.put(f"{self.base}/vhosts/{vhost}", auth=self.auth, timeout=10).raise_for_status()
        requests.put(f"{self.base}/permissions/{vhost}/{quote(self.auth[0], safe='')}",
                     json={"configure": ".*", "write": ".*", "read": ".*"}, auth=self.auth,
                     timeout=10).raise_for_status()

    def delete_vhost(self, name: str) -> None:
        requests.delete(f"{self.base}/vhosts/{quote(name, safe='')}", auth=self.auth, timeout=10)

    def queue_names(self, vhost: str) -> list[str]:
        answer = requests.get(f"{self.base}/queues/{quote(vhost, safe='')}",
                              params={"columns": "name"}, auth=self.auth, timeout=10)
        answer.raise_for_status()
        return [queue["name"] for queue in answer.json()]

    def queue(self, vhost: str, name: str) -> dict:
        """What the broker says of one queue (type, arguments, messages, consumers)."""
        answer = requests.get(f"{self.base}/queues/{quote(vhost, safe='')}/{quote(name, safe='')}",
                              auth=self.auth, timeout=10)
        answer.raise_for_status()
        return answer.json()


def with_vhost(amqp_uri: str, vhost: str) -> str:
    url = urlsplit(amqp_uri)
    return url._replace(path="/" + quote(vhost, safe="")).geturl()
