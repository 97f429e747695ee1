"""The local RabbitMQ: found, started if installed and stopped, or explained."""

import shutil
import socket
import subprocess
from urllib.parse import quote, urlsplit

import requests

from .processes import wait_until

HOW_TO_GET_ONE = """\
No RabbitMQ answers at {where} and none is installed here.
Get one, then run this again:
  - Debian/Ubuntu:  sudo apt-get install rabbitmq-server && sudo rabbitmq-server -detached
  - macOS:          brew install rabbitmq && brew services start rabbitmq
  - any machine:    docker run -d -p 5672:5672 -p 15672:15672 rabbitmq:3-management
or point AMQP_URI at an existing broker (amqp://user:password@host:5672/vhost)."""


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_rabbitmq(amqp_uri: str) -> str:
    """Returns a line saying what was done; raises SystemExit with instructions otherwise."""
    url = urlsplit(amqp_uri)
    host, port = url.hostname or "127.0.0.1", url.port or 5672
    if reachable(host, port):
        return f"RabbitMQ already running at {host}:{port}"
    if host not in ("127.0.0.1", "localhost") or not shutil.which("rabbitmq-server"):
        raise SystemExit(HOW_TO_GET_ONE.format(where=f"{host}:{port}"))
    subprocess.run(["rabbitmq-server", "-detached"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: reachable(host, port), 90, f"RabbitMQ at {host}:{port}", interval=1)
    return f"RabbitMQ started at {host}:{port} (it keeps running after we stop)"


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
