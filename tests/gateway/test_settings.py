"""The gateway's settings: every variable read once, its default when unset or blank, and a
value it cannot use refused at start with a message naming the variable, all such at once."""

import os
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

import pytest

from workbuddy_gateway.api import me
from workbuddy_gateway.app import create_app
from workbuddy_gateway.settings import GatewaySettings, RateLimits, SettingsError, settings_of
from workbuddy_platform.settings import PlatformSettings

from ..support.images import ROOT
from .test_gateway_problems import MEMBER, SETTINGS, FakeServices, FakeSessions

SECRET = "s" * 40


def read(**environ: str) -> GatewaySettings:
    return GatewaySettings.from_env({"JWT_SECRET": SECRET} | environ)


def refusal(**environ: str) -> str:
    with pytest.raises(SettingsError) as refused:
        GatewaySettings.from_env({"JWT_SECRET": SECRET} | environ)
    return str(refused.value)


# --- defaults ----------------------------------------------------------------------------------

def test_with_only_a_secret_every_setting_takes_the_documented_default():
    settings = read()
    assert settings.platform == PlatformSettings()
    assert (settings.host, settings.port, settings.workers, settings.threads) == ("127.0.0.1", 8080, 2, 8)
    assert settings.keepalive == 75 and settings.ops_port == 0 and settings.ops_host == "127.0.0.1"
    assert settings.graceful_timeout == 30 and not settings.trusted_proxies
    assert settings.rpc_timeout == 10
    assert settings.jwt_secret == SECRET and settings.jwt_accepted_secrets == ()
    assert settings.jwt_access_ttl == timedelta(seconds=900)
    assert settings.public_url == "http://127.0.0.1:8080"
    assert (settings.stream_keep_alive, settings.stream_max_seconds, settings.stream_slots) == (15, 300, 4)
    assert settings.rate_limits == RateLimits(
        signup="20 per hour", login="30 per minute", login_per_account="10 per 10 minutes",
        moments="30 per minute; 500 per day", proposals="30 per hour",
        reactions="30 per minute; 1000 per day", invitations="20 per day")
    assert (settings.rate_limit_storage, settings.rate_limit_prefix) == ("memory://", "workbuddy")
    assert settings.prometheus_multiproc_dir is None


def test_a_blank_variable_takes_its_default():
    settings = read(GATEWAY_PORT=" ", RPC_TIMEOUT="", STREAM_MAX_OPEN="", RATE_LIMIT_LOGIN=" ")
    assert settings.port == 8080 and settings.rpc_timeout == 10 and settings.stream_slots == 4
    assert settings.rate_limits.login == "30 per minute"


def test_every_variable_set_is_read(tmp_path):
    settings = read(
        GATEWAY_HOST="0.0.0.0", GATEWAY_PORT="9000", GATEWAY_WORKERS="3", GATEWAY_THREADS="16",
        GATEWAY_KEEPALIVE="0", GATEWAY_OPS_PORT="9100", OPS_HOST="0.0.0.0", RPC_TIMEOUT="2.5",
        JWT_ACCESS_TTL="60", JWT_ACCEPTED_SECRETS=f" {'a' * 32} ,, {'b' * 32}",
        PUBLIC_URL="https://workbuddy.example.org/", STREAM_KEEP_ALIVE="1",
        STREAM_MAX_SECONDS="3", STREAM_MAX_OPEN="5", RATE_LIMIT_SIGNUP="10000 per hour",
        RATE_LIMIT_REACTIONS="1 per second", RATE_LIMIT_STORAGE="redis://redis:6379/0",
        RATE_LIMIT_PREFIX="wb-test", PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
        GATEWAY_GRACEFUL_TIMEOUT="45", TRUSTED_PROXIES="10.0.0.0/8, 192.168.1.7",
        AMQP_URI="amqp://broker/", MONGO_URI="mongodb://store/", WB_DB_PREFIX="t_")
    assert settings.graceful_timeout == 45
    assert settings.trusted_proxies.trusts("10.1.2.3") and settings.trusted_proxies.trusts("192.168.1.7")
    assert not settings.trusted_proxies.trusts("192.168.1.8")
    assert read(TRUSTED_PROXIES="2").trusted_proxies.count == 2
    assert (settings.host, settings.port, settings.workers, settings.threads) == ("0.0.0.0", 9000, 3, 16)
    assert (settings.keepalive, settings.ops_port, settings.ops_host) == (0, 9100, "0.0.0.0")
    assert settings.rpc_timeout == 2.5 and settings.jwt_access_ttl == timedelta(seconds=60)
    assert settings.jwt_accepted_secrets == ("a" * 32, "b" * 32)
    assert settings.public_url == "https://workbuddy.example.org"  # links append "/join?…"
    assert (settings.stream_keep_alive, settings.stream_max_seconds, settings.stream_slots) == (1, 3, 5)
    assert settings.rate_limits.signup == "10000 per hour"
    assert settings.rate_limits.reactions == "1 per second"
    assert settings.rate_limits.login == "30 per minute"
    assert (settings.rate_limit_storage, settings.rate_limit_prefix) == ("redis://redis:6379/0", "wb-test")
    assert settings.prometheus_multiproc_dir == str(tmp_path)
    assert settings.platform.amqp_uri == "amqp://broker/"
    assert settings.platform.database_name("gateway") == "t_gateway"


@pytest.mark.parametrize("threads, slots", [("1", 1), ("3", 1), ("8", 4), ("20", 10)])
def test_streams_take_half_of_the_threads_unless_told(threads, slots):
    assert read(GATEWAY_THREADS=threads).stream_slots == slots
    assert read(GATEWAY_THREADS=threads, STREAM_MAX_OPEN="7").stream_slots == 7


def test_the_signing_secret_is_kept_as_given():
    assert read(JWT_SECRET=f" {SECRET}\n").jwt_secret == f" {SECRET}\n"


def test_secrets_stay_out_of_the_settings_repr():
    shown = repr(read(JWT_ACCEPTED_SECRETS="a" * 32, RATE_LIMIT_STORAGE="redis://:hunter2@redis/0"))
    assert SECRET not in shown and "a" * 32 not in shown and "hunter2" not in shown


# --- bad values --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, value, says", [
    ("RPC_TIMEOUT", "abc", "must be a number of seconds, e.g. 10"),
    ("RPC_TIMEOUT", "0", "more than 0"),
    ("GATEWAY_THREADS", "-1", "1 or more"),
    ("GATEWAY_THREADS", "eight", "a whole number"),
    ("GATEWAY_WORKERS", "0", "1 or more"),
    ("GATEWAY_PORT", "70000", "a port number"),
    ("GATEWAY_PORT", "http", "a whole number"),
    ("GATEWAY_OPS_PORT", "-1", "0 or more"),
    ("GATEWAY_KEEPALIVE", "-5", "0 or more"),
    ("JWT_ACCESS_TTL", "15m", "a whole number of seconds"),
    ("JWT_ACCESS_TTL", "0", "1 or more"),
    ("STREAM_KEEP_ALIVE", "0", "more than 0"),
    ("STREAM_MAX_SECONDS", "five minutes", "a number of seconds"),
    ("STREAM_MAX_OPEN", "0", "1 or more"),
    ("RATE_LIMIT_LOGIN", "lots", "a rate limit such as '30 per minute'"),
    ("RATE_LIMIT_INVITATIONS", "20 a day", "a rate limit"),
    ("RATE_LIMIT_STORAGE", "postgres://db/limits", "postgres:// is not a storage"),
    ("RATE_LIMIT_STORAGE", "redis", "a value without a scheme"),
    ("PUBLIC_URL", "workbuddy.example.org", "an absolute http(s) address"),
    ("PROMETHEUS_MULTIPROC_DIR", "/no/such/folder", "an existing folder"),
    ("LOG_LEVEL", "loud", "one of DEBUG"),
    ("GATEWAY_GRACEFUL_TIMEOUT", "0", "1 or more"),
    ("TRUSTED_PROXIES", "ingress", "a count of proxies (e.g. 1) or their networks"),
    ("TRUSTED_PROXIES", "10.0.0.0/8,10.0.0.300", "'10.0.0.300' is neither a count nor a network"),
])
def test_a_value_that_cannot_be_used_is_refused_naming_the_variable(name, value, says):
    message = refusal(**{name: value})
    [line] = [line for line in message.splitlines() if name in line]
    assert line.strip().startswith(name) and says in line


@pytest.mark.parametrize("environ", [{}, {"JWT_SECRET": ""}, {"JWT_SECRET": "short"}])
def test_a_missing_or_short_signing_secret_is_refused_without_quoting_it(environ):
    with pytest.raises(SettingsError, match="JWT_SECRET: set JWT_SECRET to a random string of at "
                                            "least 32 characters") as refused:
        GatewaySettings.from_env(environ)
    assert "short" not in str(refused.value)


def test_the_example_files_placeholder_is_refused_as_a_signing_secret():
    """deploy/compose.env.example holds a placeholder as long as a real secret: a copy left
    unedited must not start, or every token would be signed with a published value."""
    example = (ROOT / "deploy/compose.env.example").read_text()
    placeholder = next(line.split("=", 1)[1] for line in example.splitlines()
                       if line.startswith("JWT_SECRET="))
    assert len(placeholder) >= 32
    with pytest.raises(SettingsError, match="JWT_SECRET is still the example's placeholder") as refused:
        GatewaySettings.from_env({"JWT_SECRET": placeholder})
    assert placeholder not in str(refused.value)


def test_a_short_accepted_secret_is_refused_without_quoting_any():
    message = refusal(JWT_ACCEPTED_SECRETS=f"{'a' * 32},tiny")
    assert "every secret in JWT_ACCEPTED_SECRETS must be at least 32 characters" in message
    assert "tiny" not in message and "a" * 32 not in message


def test_a_storage_uri_is_not_quoted_since_it_may_hold_a_password():
    message = refusal(RATE_LIMIT_STORAGE="sql://user:hunter2@db/limits")
    assert "RATE_LIMIT_STORAGE" in message and "hunter2" not in message


def test_every_bad_value_is_told_at_once():
    with pytest.raises(SettingsError) as refused:
        GatewaySettings.from_env({"RPC_TIMEOUT": "abc", "GATEWAY_THREADS": "-2",
                                  "RATE_LIMIT_SIGNUP": "many", "AMQP_URI": "amqp://fine/"})
    message = str(refused.value)
    for name in ("RPC_TIMEOUT", "GATEWAY_THREADS", "RATE_LIMIT_SIGNUP", "JWT_SECRET"):
        assert name in message
    assert "AMQP_URI" not in message
    assert "README.md, Configuration" in message


def test_a_bad_value_stops_the_gateway_before_gunicorn_starts():
    environ = {k: v for k, v in os.environ.items() if k != "JWT_SECRET"}
    started = subprocess.run([sys.executable, "-m", "workbuddy_gateway"], capture_output=True,
                             text=True, timeout=60,
                             env=environ | {"RPC_TIMEOUT": "abc", "GATEWAY_THREADS": "-1"})
    assert started.returncode == 2
    assert started.stderr.startswith("gateway cannot start: ")
    for name in ("RPC_TIMEOUT", "GATEWAY_THREADS", "JWT_SECRET"):
        assert name in started.stderr
    assert "gunicorn" not in (started.stdout + started.stderr).lower()


# --- the app uses the settings it is given -----------------------------------------------------

def test_the_app_keeps_its_settings_and_calls_services_with_their_timeout():
    settings = replace(SETTINGS, rpc_timeout=2.5)
    app = create_app(settings, sessions=FakeSessions())
    assert settings_of(app) is settings
    assert app.extensions["services"].timeout == 2.5


def test_settings_made_in_code_with_a_weak_secret_are_refused_too():
    with pytest.raises(RuntimeError, match="JWT_SECRET"):
        create_app(GatewaySettings(jwt_secret="short"), services=FakeServices(),
                   sessions=FakeSessions())


def test_rate_limits_and_token_lifetime_come_from_the_settings():
    settings = replace(SETTINGS, jwt_access_ttl=timedelta(seconds=60),
                       rate_limits=replace(SETTINGS.rate_limits, signup="1 per hour"))
    services = FakeServices(profiles__register={"member": MEMBER, "replayed": False})
    client = create_app(settings, services=services, sessions=FakeSessions()).test_client()
    body = {"email": "alice@example.org", "display_name": "Alice", "language": "en",
            "password": "correct horse battery"}
    first = client.post("/v1/auth/signup", json=body)
    assert first.status_code == 201 and first.get_json()["expires_in"] == 60
    assert client.post("/v1/auth/signup", json=body).status_code == 429


def test_invitation_links_start_with_the_public_url():
    app = create_app(replace(SETTINGS, public_url="https://workbuddy.example.org"),
                     services=FakeServices(), sessions=FakeSessions())
    with app.app_context():
        link = me.with_link({"code": "ab12"})["link"]
    assert link == "https://workbuddy.example.org/join?invitation=ab12"
