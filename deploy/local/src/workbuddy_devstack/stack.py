"""The four services as separate processes, wired to one broker, one store and one mail server."""

import secrets
import socket
import sys
from dataclasses import dataclass, field

import requests

from .processes import Supervisor, wait_until

SERVICES = ("profiles", "matching", "notifications")


@dataclass
class Stack:
    supervisor: Supervisor
    amqp_uri: str
    mongo_uri: str
    smtp_port: int
    gateway_port: int
    smtp_host: str = "127.0.0.1"
    db_prefix: str = "workbuddy_"
    # Signs access tokens. A fresh one per start is fine locally: access tokens last minutes,
    # and refresh tokens (kept in the store) still work after a restart.
    jwt_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    # Signs the unsubscribe and reaction links in mails: links in older mails stop working
    # when it changes (make run keeps one in var/).
    mail_link_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    # Where the gateway counts rate limits; memory:// counts per gateway process.
    rate_limit_storage: str = "memory://"
    rate_limit_prefix: str = "workbuddy"
    extra_env: dict[str, str] = field(default_factory=dict)
    # Each service's ops port (/healthz, /readyz, /metrics); a free one unless given.
    ops_ports: dict[str, int] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def env(self) -> dict[str, str]:
        return {
            "AMQP_URI": self.amqp_uri,
            "MONGO_URI": self.mongo_uri,
            "WB_DB_PREFIX": self.db_prefix,
            "SMTP_HOST": self.smtp_host,
            "SMTP_PORT": str(self.smtp_port),
            "GATEWAY_HOST": "127.0.0.1",
            "GATEWAY_PORT": str(self.gateway_port),
            "JWT_SECRET": self.jwt_secret,
            "MAIL_LINK_SECRET": self.mail_link_secret,
            "PUBLIC_URL": self.gateway_url,
            "RATE_LIMIT_STORAGE": self.rate_limit_storage,
            "RATE_LIMIT_PREFIX": self.rate_limit_prefix,
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def start(self, name: str) -> None:
        env = self.env()
        if name in SERVICES:
            env |= {"OPS_HOST": "127.0.0.1", "OPS_PORT": str(self.ops_port(name))}
        else:  # the gateway's master serves its workers' metrics
            env |= {"OPS_HOST": "127.0.0.1", "GATEWAY_OPS_PORT": str(self.ops_port(name))}
        self.supervisor.start(name, [sys.executable, "-m", f"workbuddy_{name}"], env)

    def start_replica(self, name: str, number: int) -> None:
        """Another process of a nameko service, as an operator scales one: it competes for the
        same queues, and leases decide which replica runs the timers."""
        process = f"{name}-{number}"
        env = self.env() | {"OPS_HOST": "127.0.0.1", "OPS_PORT": str(self.ops_port(process))}
        self.supervisor.start(process, [sys.executable, "-m", f"workbuddy_{name}"], env)

    def ops_port(self, name: str) -> int:
        if name not in self.ops_ports:
            # A port free now, and none this stack has already handed out: the gateway's port
            # is only chosen, not yet bound, and the system may pick it again for a service.
            taken = {self.gateway_port, *self.ops_ports.values()}
            port = self.gateway_port
            while port in taken:
                with socket.socket() as s:
                    s.bind(("127.0.0.1", 0))
                    port = s.getsockname()[1]
            self.ops_ports[name] = port
        return self.ops_ports[name]

    def ops_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ops_port(name)}"

    def start_all(self) -> None:
        for name in (*SERVICES, "gateway"):
            self.start(name)

    def ready(self) -> bool:
        answer = requests.get(f"{self.gateway_url}/health/system", timeout=15)
        # The gateway's own answer (it lists the services), not another server's on its port.
        return answer.status_code == 200 and "services" in answer.json()

    def wait_ready(self, timeout: float = 90) -> None:
        def check():
            if dead := self.supervisor.dead():
                logs = ", ".join(str(self.supervisor.log_path(n)) for n in dead)
                raise SystemExit(f"{', '.join(dead)} stopped during start-up; see {logs}")
            return self.ready()

        wait_until(check, timeout, "the Work Buddy services", interval=0.5)
