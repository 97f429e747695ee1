"""`make run`'s settings (deploy/local, workbuddy_devstack.settings): read once, at start, with
the defaults README.md lists; a value that cannot work stops the launcher before it starts
anything, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbuddy_devstack.processes import Supervisor, wait_until
from workbuddy_devstack.settings import DevstackSettings, SettingsError, handed_down_environment
from workbuddy_devstack.stack import SERVICES


def test_the_defaults_are_the_documented_ones():
    settings = DevstackSettings.from_env({})
    assert settings.var_dir == Path("var") and settings.echo_logs is False
    assert settings.amqp_uri == "amqp://guest:guest@127.0.0.1:5672/"
    assert settings.mongo_uri is None and settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.ports() == {
        "GATEWAY_PORT": 8080, "SMTP_PORT": 1025, "INBOX_PORT": 8025, "GATEWAY_OPS_PORT": 9100,
        "PROFILES_OPS_PORT": 9101, "MATCHING_OPS_PORT": 9102, "NOTIFICATIONS_OPS_PORT": 9103,
        "MONGO_PORT": 27017}
    assert (settings.vapid_private_key, settings.mail_link_secret, settings.jwt_secret) == (
        None, None, None)


def test_every_process_the_stack_starts_has_an_ops_port():
    assert set(DevstackSettings.from_env({}).ops_ports) == {"gateway", *SERVICES}


def test_given_values_win_and_blank_ones_take_the_default():
    settings = DevstackSettings.from_env({
        "WB_VAR_DIR": "/tmp/wb", "WB_ECHO_LOGS": "1", "GATEWAY_PORT": "8081", "SMTP_PORT": " ",
        "MATCHING_OPS_PORT": "9200", "MONGO_URI": "mongodb://db:27017/", "JWT_SECRET": "j" * 32})
    assert settings.var_dir == Path("/tmp/wb") and settings.echo_logs is True
    assert settings.gateway_port == 8081 and settings.smtp_port == 1025
    assert settings.ops_ports["matching"] == 9200 and settings.jwt_secret == "j" * 32
    assert "MONGO_PORT" not in settings.ports(), "no embedded store when MONGO_URI is given"
    assert "j" * 32 not in repr(settings) and "db:27017" not in repr(settings)


def test_every_bad_value_is_named_at_once():
    with pytest.raises(SettingsError) as refused:
        DevstackSettings.from_env({"GATEWAY_PORT": "abc", "INBOX_PORT": "70000",
                                   "WB_ECHO_LOGS": "maybe"})
    for name in ("GATEWAY_PORT='abc'", "INBOX_PORT='70000'", "WB_ECHO_LOGS='maybe'"):
        assert name in str(refused.value)


def test_a_bad_value_stops_the_launcher_before_it_starts_anything(tmp_path):
    env = os.environ | {"GATEWAY_PORT": "abc", "WB_VAR_DIR": str(tmp_path / "var")}
    ran = subprocess.run([sys.executable, "-m", "workbuddy_devstack"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert ran.returncode == 2
    assert "GATEWAY_PORT='abc'" in ran.stderr and "cannot start" in ran.stderr
    assert not (tmp_path / "var").exists(), "nothing was started, nothing was written"


def test_children_get_this_environment_and_what_the_launcher_adds(tmp_path, monkeypatch):
    monkeypatch.setenv("WB_HANDED_DOWN", "from the developer")
    assert handed_down_environment()["WB_HANDED_DOWN"] == "from the developer"
    supervisor = Supervisor(tmp_path)
    try:
        supervisor.start("child", [sys.executable, "-c",
                                   "import os; print(os.environ['WB_HANDED_DOWN'], "
                                   "os.environ['WB_ADDED'])"], {"WB_ADDED": "by the stack"})
        wait_until(lambda: "by the stack" in supervisor.log_path("child").read_text(), 30,
                   "the child's output")
    finally:
        supervisor.stop_all()
    assert supervisor.log_path("child").read_text().strip() == "from the developer by the stack"


# A child that takes a second to stop, as a service finishing its work does, and says when it
# was told and when it was done.
LINGERING = """
import signal, sys, time
def stop(*_):
    told = time.time()
    time.sleep(1)
    print("stopped", told, time.time(), flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
while True:
    time.sleep(1)
"""


def test_the_children_stop_together_and_the_ones_they_use_after_them(tmp_path):
    supervisor = Supervisor(tmp_path)
    names = ["store", "profiles", "gateway"]
    try:
        for name in names:
            supervisor.start(name, [sys.executable, "-c", LINGERING], stop_last=name == "store")
        for name in names:
            wait_until(lambda n=name: "ready" in supervisor.log_path(n).read_text(), 30, name)
    finally:
        supervisor.stop_all()
    told, done = {}, {}
    for name in names:
        [line] = [line for line in supervisor.log_path(name).read_text().splitlines()
                  if line.startswith("stopped")]
        told[name], done[name] = map(float, line.split()[1:])
    # One after the other, the second would have been told once the first was done, 1 s later.
    assert abs(told["profiles"] - told["gateway"]) < 0.9, told
    assert told["store"] >= max(done["profiles"], done["gateway"]), (told, done)
