"""The settings of `make run` (workbuddy-dev), read once by ``__main__`` before anything starts.

The same rules as the services' settings (workbuddy_platform.settings): an unset or blank
variable takes its default, and a value that cannot work (``GATEWAY_PORT=abc``) stops the
launcher at once with a message naming the variable. README.md, "Configuration", lists them.

This module is the only one of the launcher that touches the environment: besides reading its
settings, it hands the whole environment down to the processes it starts
(``handed_down_environment``), which read their own settings from it.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from workbuddy_platform.settings import Environment, SettingsError, read

__all__ = ["DevstackSettings", "SettingsError", "OPS_PORTS", "handed_down_environment"]

# Each process's ops port (/healthz, /readyz, /metrics; the gateway's master serves its
# workers' /metrics), unless <NAME>_OPS_PORT says otherwise.
OPS_PORTS = {"gateway": 9100, "profiles": 9101, "matching": 9102, "notifications": 9103}


@dataclass(frozen=True)
class DevstackSettings:
    # Where the embedded store, the dev inbox's mails, the logs and the kept secrets live.
    var_dir: Path = Path("var")
    # Every process's log lines printed in the terminal too (they always go to var/log).
    echo_logs: bool = False
    # `make demo`: a demo community lives beside the system (workbuddy_devstack.demo).
    demo: bool = False
    # RabbitMQ: reused when it answers, else started if installed.
    amqp_uri: str = field(default="amqp://guest:guest@127.0.0.1:5672/", repr=False)
    # A MongoDB to use; none: the embedded stand-in, on mongo_port.
    mongo_uri: str | None = field(default=None, repr=False)
    mongo_port: int = 27017
    # The Redis for rate limits (started if installed and stopped); without one, memory://.
    redis_url: str = field(default="redis://127.0.0.1:6379/0", repr=False)
    gateway_port: int = 8080
    # The dev inbox: the SMTP port the services send to, and its web page.
    smtp_port: int = 1025
    inbox_port: int = 8025
    # Read-only, like the rest: the Stack is handed a copy.
    ops_ports: Mapping[str, int] = field(default_factory=lambda: MappingProxyType(OPS_PORTS))
    # Secrets given by the developer; none: made here (a JWT secret per start, the others kept
    # in var_dir so that push subscriptions and links in mails survive a restart).
    vapid_private_key: str | None = field(default=None, repr=False)
    mail_link_secret: str | None = field(default=None, repr=False)
    jwt_secret: str | None = field(default=None, repr=False)

    @classmethod
    def read(cls, env: Environment) -> "DevstackSettings":
        d = cls()
        return cls(
            var_dir=Path(env.text("WB_VAR_DIR", str(d.var_dir))),
            echo_logs=env.flag("WB_ECHO_LOGS", d.echo_logs),
            demo=env.flag("WB_DEMO", d.demo),
            amqp_uri=env.text("AMQP_URI", d.amqp_uri),
            mongo_uri=env.optional("MONGO_URI"),
            mongo_port=env.port("MONGO_PORT", d.mongo_port),
            redis_url=env.text("REDIS_URL", d.redis_url),
            gateway_port=env.port("GATEWAY_PORT", d.gateway_port),
            smtp_port=env.port("SMTP_PORT", d.smtp_port),
            inbox_port=env.port("INBOX_PORT", d.inbox_port),
            ops_ports=MappingProxyType({name: env.port(f"{name.upper()}_OPS_PORT", port)
                                        for name, port in OPS_PORTS.items()}),
            vapid_private_key=env.optional("VAPID_PRIVATE_KEY"),
            mail_link_secret=env.optional("MAIL_LINK_SECRET"),
            jwt_secret=env.optional("JWT_SECRET"),
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "DevstackSettings":
        return read(cls.read, environ)

    def ports(self) -> dict[str, int]:
        """The ports this run will listen on, by the variable that sets each (the embedded
        store's only when no MONGO_URI is given)."""
        ports = {"GATEWAY_PORT": self.gateway_port, "SMTP_PORT": self.smtp_port,
                 "INBOX_PORT": self.inbox_port}
        ports |= {f"{name.upper()}_OPS_PORT": port for name, port in self.ops_ports.items()}
        if self.mongo_uri is None:
            ports["MONGO_PORT"] = self.mongo_port
        return ports


def handed_down_environment() -> dict[str, str]:
    """What a child process starts from: this process's whole environment, unread (PATH, and
    whatever the developer set for the services: LOG_LEVEL, OTEL_*, MATCHING_*...), to which the
    launcher adds what it decided (Stack.env). Each child reads its own settings from it."""
    return dict(os.environ)
