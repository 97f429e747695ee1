"""The gateway's settings: every variable it reads, read once when the process starts.

``__main__`` reads them before gunicorn starts, so that a variable set wrong stops the gateway
with a message naming it rather than failing each worker as it boots; ``create_app`` keeps them
on the Flask app, where request code finds them (``settings_of(current_app)``). README.md,
"Configuration", says what each variable means.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from urllib.parse import urlsplit

from limits import parse_many
from limits.storage import SCHEMES

from workbuddy_platform.settings import (
    EXAMPLE_SECRET_MARK,
    Environment,
    PlatformSettings,
    SettingsError,
    read,
)

from .proxies import TrustedProxies

__all__ = ["GatewaySettings", "RateLimits", "SettingsError", "settings_of"]

# Where create_app keeps the settings, in the Flask app's extensions.
EXTENSION = "settings"

# A signing secret shorter than this can be guessed offline from one token.
SECRET_LENGTH = 32


@dataclass(frozen=True)
class RateLimits:
    """How often an address, an account or a member may do each thing, in flask-limiter's
    notation ("30 per minute; 500 per day"); each field is RATE_LIMIT_<FIELD>."""

    signup: str = "20 per hour"
    login: str = "30 per minute"
    login_per_account: str = "10 per 10 minutes"
    moments: str = "30 per minute; 500 per day"
    proposals: str = "30 per hour"
    reactions: str = "30 per minute; 1000 per day"
    invitations: str = "20 per day"
    messages: str = "60 per minute; 2000 per day"
    # A new verification link, per member; a reset link, per client address and per account.
    verification_mails: str = "3 per hour; 10 per day"
    password_reset: str = "10 per hour"
    password_reset_per_account: str = "3 per hour; 10 per day"

    @classmethod
    def read(cls, env: Environment) -> "RateLimits":
        return cls(**{f.name: _rate_limit(env, f"RATE_LIMIT_{f.name.upper()}", f.default)
                      for f in fields(cls)})


def _half(threads: int) -> int:
    return max(1, threads // 2)


@dataclass(frozen=True)
class GatewaySettings:
    # AMQP_URI, MONGO_URI, WB_DB_PREFIX, LOG_LEVEL, OPS_HOST and whether traces are exported.
    platform: PlatformSettings = field(default_factory=PlatformSettings)
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 2
    threads: int = 8
    # Longer than the idle time of client pools and load balancers, so that a client never
    # sends a request on a connection we are closing at that very moment.
    keepalive: int = 75
    # How long a worker told to stop may finish the requests it holds (live streams end within
    # a second, told to reconnect); then gunicorn cuts them. Kubernetes' grace period must
    # cover the preStop delay plus this (deploy/k8s/base/gateway.yaml).
    graceful_timeout: int = 30
    # The proxies in front, whose X-Forwarded-For is believed (proxies.py); none by default.
    trusted_proxies: TrustedProxies = field(default_factory=TrustedProxies)
    # Where the master serves its workers' /metrics, added up; 0: not served.
    ops_port: int = 0
    rpc_timeout: float = 10.0
    # Secrets, and storage URIs that may hold a password, stay out of the settings' repr (logs).
    jwt_secret: str = field(default="", repr=False)
    jwt_access_ttl: timedelta = timedelta(seconds=900)
    # Earlier secrets whose tokens are still honoured while a rotation goes through the replicas.
    jwt_accepted_secrets: tuple[str, ...] = field(default=(), repr=False)
    public_url: str = "http://127.0.0.1:8080"
    stream_keep_alive: float = 15.0
    stream_max_seconds: float = 300.0
    # None: half of the threads (see stream_slots).
    stream_max_open: int | None = None
    rate_limits: RateLimits = field(default_factory=RateLimits)
    # memory:// counts per process: fine for one process, wrong for several (use Redis).
    rate_limit_storage: str = field(default="memory://", repr=False)
    rate_limit_prefix: str = "workbuddy"
    # Where gunicorn's workers count requests for the master to add up; None: a temporary one.
    prometheus_multiproc_dir: str | None = None

    @property
    def stream_slots(self) -> int:
        """Live streams one process holds at most: each holds a thread, and the rest of the API
        keeps the others."""
        return self.stream_max_open if self.stream_max_open is not None else _half(self.threads)

    @property
    def ops_host(self) -> str:
        return self.platform.ops_host

    def secret_problems(self) -> list[tuple[str, str]]:
        """(variable, what is wrong) for each signing secret that must not be used; checked
        here rather than by a reader so that settings made in code are held to it too."""
        found = []
        if EXAMPLE_SECRET_MARK in self.jwt_secret:
            found.append(("JWT_SECRET", "JWT_SECRET is still the example's placeholder: set it to "
                                        "a random string of your own (e.g. `openssl rand -hex 32`)"))
        elif len(self.jwt_secret) < SECRET_LENGTH:
            found.append(("JWT_SECRET", f"set JWT_SECRET to a random string of at least {SECRET_LENGTH} "
                                        "characters, the same for every gateway replica (e.g. "
                                        "`openssl rand -hex 32`)"))
        if any(len(s) < SECRET_LENGTH for s in self.jwt_accepted_secrets):
            found.append(("JWT_ACCEPTED_SECRETS", "every secret in JWT_ACCEPTED_SECRETS must be at "
                                                  f"least {SECRET_LENGTH} characters"))
        return found

    @classmethod
    def read(cls, env: Environment) -> "GatewaySettings":
        d = cls()
        threads = env.integer("GATEWAY_THREADS", d.threads, minimum=1)
        made = cls(
            platform=PlatformSettings.read(env),
            host=env.text("GATEWAY_HOST", d.host),
            port=env.port("GATEWAY_PORT", d.port),
            workers=env.integer("GATEWAY_WORKERS", d.workers, minimum=1),
            threads=threads,
            keepalive=env.integer("GATEWAY_KEEPALIVE", d.keepalive, minimum=0, unit="seconds"),
            graceful_timeout=env.integer("GATEWAY_GRACEFUL_TIMEOUT", d.graceful_timeout, minimum=1,
                                         unit="seconds"),
            trusted_proxies=_proxies(env, "TRUSTED_PROXIES"),
            ops_port=env.port("GATEWAY_OPS_PORT", d.ops_port),
            rpc_timeout=env.number("RPC_TIMEOUT", d.rpc_timeout, above=0, unit="seconds"),
            # Never quoted back in a message: they are secrets. The signing secret is taken as
            # given, not stripped: a changed key would sign out every member during a rollout.
            jwt_secret=env.environ.get("JWT_SECRET", d.jwt_secret),
            jwt_access_ttl=timedelta(seconds=env.integer(
                "JWT_ACCESS_TTL", int(d.jwt_access_ttl.total_seconds()), minimum=1, unit="seconds")),
            jwt_accepted_secrets=env.texts("JWT_ACCEPTED_SECRETS"),
            public_url=_url(env, "PUBLIC_URL", d.public_url),
            stream_keep_alive=env.number("STREAM_KEEP_ALIVE", d.stream_keep_alive, above=0,
                                         unit="seconds"),
            stream_max_seconds=env.number("STREAM_MAX_SECONDS", d.stream_max_seconds, above=0,
                                          unit="seconds"),
            stream_max_open=env.integer("STREAM_MAX_OPEN", _half(threads), minimum=1),
            rate_limits=RateLimits.read(env),
            rate_limit_storage=_storage(env, "RATE_LIMIT_STORAGE", d.rate_limit_storage),
            rate_limit_prefix=env.text("RATE_LIMIT_PREFIX", d.rate_limit_prefix),
            prometheus_multiproc_dir=_folder(env, "PROMETHEUS_MULTIPROC_DIR"),
        )
        for name, why in made.secret_problems():
            env.refuse(name, why)
        return made

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "GatewaySettings":
        """Raises SettingsError naming every variable set to something unusable."""
        return read(cls.read, environ)


def settings_of(app) -> GatewaySettings:
    """The settings a Flask app was made with."""
    return app.extensions[EXTENSION]


def _wrong(env: Environment, name: str, value: str, wanted: str) -> None:
    # Worded like Environment's own readers: NAME='value': must be ...
    env.refuse(f"{name}={value!r}", f"must be {wanted}")


def _rate_limit(env: Environment, name: str, default: str) -> str:
    value = env.text(name, default)
    try:
        parse_many(value)
    except ValueError:
        # flask-limiter would only log it, at each request, and leave the endpoint unlimited.
        _wrong(env, name, value, f"a rate limit such as {default!r} (several: separated by ';')")
        return default
    return value


def _storage(env: Environment, name: str, default: str) -> str:
    value = env.text(name, default)
    scheme = urlsplit(value).scheme
    # flask-limiter counts synchronously: the async+ storages do not serve it.
    if scheme not in SCHEMES or scheme.startswith("async+"):
        # The scheme only: the rest of a storage URI may hold a password.
        env.refuse(name, f"{scheme + '://' if scheme else 'a value without a scheme'} is not a "
                         "storage flask-limiter knows; use memory:// (one process) or a Redis URI "
                         "such as redis://host:6379/0")
        return default
    return value


def _url(env: Environment, name: str, default: str) -> str:
    value = env.text(name, default)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        _wrong(env, name, value, "an absolute http(s) address, e.g. https://workbuddy.example.org")
        return default
    # Links are made by appending "/join?…" to it.
    return value.rstrip("/")


def _proxies(env: Environment, name: str) -> TrustedProxies:
    value = env.text(name, "")
    try:
        return TrustedProxies.parse(value)
    except ValueError as exc:
        _wrong(env, name, value, f"a count of proxies (e.g. 1) or their networks, comma-separated "
                                 f"(e.g. 10.0.0.0/8,192.168.0.0/16): {exc}")
        return TrustedProxies()


def _folder(env: Environment, name: str) -> str | None:
    value = env.optional(name)
    if value is not None and not os.path.isdir(value):
        _wrong(env, name, value, "an existing folder (or unset: the gateway makes a temporary one)")
        return None
    return value
