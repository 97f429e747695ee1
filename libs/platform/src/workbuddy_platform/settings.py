"""Configuration comes from environment variables only, read once when a process starts.

Each service has one frozen settings object (its ``settings.py``), made by its composition root
before anything connects: a variable set to something unusable stops the process at start with
a message naming every such variable and what it should look like, never later, mid-request.
A variable that is unset or blank takes its default, so that a deploy file may list a variable
without a value.

This module is the only place, with the services' own ``settings.py``, that reads the
environment.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

# Where a running service's settings travel in nameko's config, to its dependency providers.
CONFIG_KEY = "WB_SETTINGS"

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class SettingsError(Exception):
    """One or more variables hold values the process cannot use; the message names each."""


class Environment:
    """Reads the variables of one settings object, keeping every mistake so that all of them
    are told at once (``done``) rather than one per attempt to start."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        self.environ = os.environ if environ is None else environ
        self.problems: list[str] = []

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name, "").strip()
        return value or None

    def text(self, name: str, default: str) -> str:
        return self.raw(name) or default

    def optional(self, name: str) -> str | None:
        return self.raw(name)

    def texts(self, name: str) -> tuple[str, ...]:
        """A comma-separated list; blanks between commas are ignored."""
        return tuple(part.strip() for part in (self.raw(name) or "").split(",") if part.strip())

    def number(self, name: str, default: float, *, minimum: float | None = None,
               above: float | None = None, unit: str = "") -> float:
        found = self._converted(name, default, float, f"a number{unit and ' of ' + unit}, "
                                f"e.g. {default:g}")
        if minimum is not None and found < minimum:
            return self._refuse(name, self.raw(name), f"{minimum:g} or more{unit and ' ' + unit}",
                                default)
        if above is not None and found <= above:
            return self._refuse(name, self.raw(name), f"more than {above:g}{unit and ' ' + unit}",
                                default)
        return found

    def integer(self, name: str, default: int, *, minimum: int | None = None, unit: str = "") -> int:
        found = self._converted(name, default, int, f"a whole number{unit and ' of ' + unit}, "
                                f"e.g. {default}")
        if minimum is not None and found < minimum:
            return self._refuse(name, self.raw(name), f"a whole number, {minimum} or more", default)
        return found

    def _converted(self, name: str, default, convert, wanted: str):
        """The variable as ``convert`` reads it; its default when unset or unreadable."""
        value = self.raw(name)
        if value is None:
            return default
        try:
            return convert(value)
        except ValueError:
            return self._refuse(name, value, wanted, default)

    def port(self, name: str, default: int) -> int:
        found = self.integer(name, default, minimum=0)
        if found > 65535:
            return self._refuse(name, str(found), "a port number from 0 to 65535", default)
        return found

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        return self._refuse(name, value, "on or off (also: true/false, 1/0, yes/no)", default)

    def choice(self, name: str, default: str, choices: tuple[str, ...], *, fold=str.lower) -> str:
        """One of ``choices``, whatever its case (``fold`` puts it in theirs)."""
        value = self.raw(name)
        if value is None:
            return default
        value = fold(value)
        if value not in choices:
            return self._refuse(name, value, "one of " + ", ".join(choices), default)
        return value

    def numbers(self, name: str, default: tuple[float, ...], *, unit: str = "") -> tuple[float, ...]:
        """Positive numbers separated by commas, e.g. retry delays."""
        value = self.raw(name)
        if value is None:
            return default
        example = ",".join(f"{d:g}" for d in default)
        try:
            found = tuple(float(part) for part in value.split(",") if part.strip())
        except ValueError:
            return self._refuse(name, value, f"{unit or 'numbers'} separated by commas, e.g. {example}",
                                default)
        if not found or any(d <= 0 for d in found):
            return self._refuse(name, value, f"positive {unit or 'numbers'} separated by commas, "
                                f"e.g. {example}", default)
        return found

    def refuse(self, name: str, why: str) -> None:
        """A value that parsed but cannot work (checked by the settings object itself)."""
        self.problems.append(f"{name}: {why}")

    def done(self) -> None:
        if self.problems:
            raise SettingsError("these settings cannot be used; fix them in the environment and "
                                "start again (README.md, Configuration):\n  "
                                + "\n  ".join(self.problems))

    def _refuse(self, name: str, value: str, wanted: str, default):
        self.problems.append(f"{name}={value!r}: must be {wanted}")
        return default


def read(make, environ: Mapping[str, str] | None = None):
    """``make(env)`` builds a settings object from an Environment; raises SettingsError naming
    every variable that was wrong."""
    env = Environment(environ)
    made = make(env)
    env.done()
    return made


@dataclass(frozen=True)
class PlatformSettings:
    """What every service process needs: its broker, its store, and how it runs."""

    # Either may carry a password: kept out of the settings' repr (and so out of logs).
    # The broker's nodes, in the order a connection tries them: AMQP_URI holds one URL or
    # several (a RabbitMQ cluster), separated by commas or semicolons; kept here as kombu and
    # nameko take such a list, joined by semicolons (``amqp_urls`` gives them one by one).
    amqp_uri: str = field(default="amqp://guest:guest@127.0.0.1:5672/", repr=False)
    mongo_uri: str = field(default="mongodb://127.0.0.1:27017/?directConnection=true", repr=False)
    # Each service owns its database: "<prefix><service>", e.g. workbuddy_profiles.
    db_prefix: str = "workbuddy_"
    # Whether the store isolates transactions: None asks it (MongoDB does, nx-27017 does not).
    # Where it does not, each database is used by one transaction at a time (turns.py).
    store_isolates: bool | None = None
    # How long a command to the store may wait for its answer before the connection is given
    # up (and a new one opened): a connection the network dropped without a word would
    # otherwise hold its worker, and on a store that takes turns everyone behind it, forever.
    store_timeout: float = 30.0
    # How long a process waits at start for the broker and the store to answer before it gives
    # up (startup.py): on a first deploy they come up minutes after the services.
    start_wait: float = 600.0
    # Seconds between AMQP heartbeats: a broker connection that hears nothing for two of them
    # is closed by both sides (and the services open another), so a connection the network
    # dropped silently is noticed within twice this.
    amqp_heartbeat: int = 60
    max_workers: int = 10
    log_level: str = "INFO"
    # Published events are kept this long in the outbox, for inspection and replay.
    outbox_retention: timedelta = timedelta(days=7)
    # Seconds before each retry of a failed event handler; as many retries as delays.
    event_retry_delays: tuple[float, ...] = (1, 5, 30, 120, 600)
    event_queue_type: str = "classic"
    event_delivery_limit: int = 20
    # The queue each service's RPC requests wait in (rpc-<service>): quorum on a cluster, so
    # that the node it lives on can die without the service going deaf.
    rpc_queue_type: str = "classic"
    # The ops server (probes, /metrics): 0 picks a free port; 0.0.0.0 in a container.
    ops_host: str = "127.0.0.1"
    ops_port: int = 0
    # Traces go out over OTLP/HTTP when an endpoint is set (and OTEL_SDK_DISABLED is not).
    tracing: bool = False
    trace_service_name: str | None = None

    @classmethod
    def read(cls, env: Environment, *, max_workers: int | None = None) -> "PlatformSettings":
        """``max_workers``: the service's own default for WB_MAX_WORKERS (a service whose
        workers mostly wait on others wants more of them)."""
        d = cls() if max_workers is None else cls(max_workers=max_workers)
        endpoints = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        return cls(
            amqp_uri=broker_urls(env, "AMQP_URI", d.amqp_uri),
            mongo_uri=env.text("MONGO_URI", d.mongo_uri),
            db_prefix=env.text("WB_DB_PREFIX", d.db_prefix),
            store_isolates=_isolates(env.choice("STORE_ISOLATES", "auto", ("auto", *_TRUE,
                                                                           *_FALSE))),
            store_timeout=env.number("STORE_TIMEOUT_SECONDS", d.store_timeout, above=0,
                                     unit="seconds"),
            start_wait=env.number("START_WAIT_SECONDS", d.start_wait, minimum=0, unit="seconds"),
            amqp_heartbeat=env.integer("AMQP_HEARTBEAT", d.amqp_heartbeat, minimum=1,
                                       unit="seconds"),
            max_workers=env.integer("WB_MAX_WORKERS", d.max_workers, minimum=1),
            log_level=env.choice("LOG_LEVEL", d.log_level,
                                 ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), fold=str.upper),
            outbox_retention=timedelta(days=env.number("OUTBOX_RETENTION_DAYS", 7, above=0,
                                                       unit="days")),
            event_retry_delays=env.numbers("EVENT_RETRY_DELAYS", d.event_retry_delays,
                                           unit="seconds"),
            event_queue_type=env.choice("EVENT_QUEUE_TYPE", d.event_queue_type,
                                        ("classic", "quorum")),
            event_delivery_limit=env.integer("EVENT_DELIVERY_LIMIT", d.event_delivery_limit,
                                             minimum=1),
            rpc_queue_type=env.choice("RPC_QUEUE_TYPE", d.rpc_queue_type, ("classic", "quorum")),
            ops_host=env.text("OPS_HOST", d.ops_host),
            ops_port=env.port("OPS_PORT", d.ops_port),
            tracing=not env.flag("OTEL_SDK_DISABLED", False)
            and any(env.raw(name) for name in endpoints),
            trace_service_name=env.optional("OTEL_SERVICE_NAME"),
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "PlatformSettings":
        return read(cls.read, environ)

    @property
    def amqp_urls(self) -> tuple[str, ...]:
        return tuple(self.amqp_uri.split(";"))

    def database_name(self, service: str) -> str:
        return f"{self.db_prefix}{service}"

    def nameko_config(self, service_settings=None) -> dict:
        """nameko's config, carrying the service's settings to its dependency providers."""
        return {
            "AMQP_URI": self.amqp_uri,
            "HEARTBEAT": self.amqp_heartbeat,
            "max_workers": self.max_workers,
            "serializer": "json",
            CONFIG_KEY: service_settings if service_settings is not None else self,
        }


# What deploy/compose.env.example puts in place of each secret: a copy left unedited would sign
# tokens and links with a value anyone can read, so a secret holding it is refused at start.
EXAMPLE_SECRET_MARK = "replace-me"


def broker_urls(env: Environment, name: str, default: str) -> str:
    """One broker URL or several, separated by commas or semicolons, e.g. every node of a
    cluster; joined by semicolons, as kombu takes a list of nodes to fail over between. A
    comma or a semicolon inside a password is written %2C or %3B, as in any URL."""
    value = env.text(name, default)
    urls = [url.strip() for url in value.replace(",", ";").split(";") if url.strip()]
    wrong = [url for url in urls if not url.startswith(("amqp://", "amqps://"))]
    if not urls or wrong:
        shown = ", ".join(repr(redact(url)) for url in wrong)
        env.refuse(name, f"{shown or 'nothing'}: must be amqp:// (or amqps://) URLs separated "
                         "by commas, e.g. amqp://user:password@rabbit-0:5672/vhost,"
                         "amqp://user:password@rabbit-1:5672/vhost")
        return default
    return ";".join(urls)


def redact(uri: str) -> str:
    """A broker URL, or a list of them, without the passwords (for logs and messages)."""
    return ";".join(_redact_one(url) for url in uri.split(";"))


def _redact_one(url: str) -> str:
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


def _isolates(said: str) -> bool | None:
    return None if said == "auto" else said in _TRUE


def of_container(container):
    """The settings object a running service was started with (see ``nameko_config``)."""
    return container.config[CONFIG_KEY]


def platform_of(container) -> PlatformSettings:
    found = of_container(container)
    return found if isinstance(found, PlatformSettings) else found.platform
