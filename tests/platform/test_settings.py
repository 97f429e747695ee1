"""Settings are read once, with their defaults, and a bad value stops a process at start with
a message naming every wrong variable and what it should look like."""

from datetime import timedelta

import pytest

from workbuddy_matching.settings import MatchingSettings
from workbuddy_platform.settings import PlatformSettings, SettingsError, redact


def test_nothing_set_means_the_laptop_defaults():
    settings = MatchingSettings.from_env({})
    assert settings.platform == PlatformSettings()
    assert settings.platform.amqp_uri == "amqp://guest:guest@127.0.0.1:5672/"
    assert settings.platform.event_retry_delays == (1, 5, 30, 120, 600)
    assert (settings.automatic, settings.round_every) == (True, timedelta(hours=24))


def test_notifications_runs_more_workers_unless_told_otherwise():
    """Its workers wait on the store and the SMTP server: a service's own default, which
    WB_MAX_WORKERS still overrides, and which the other services do not share."""
    from workbuddy_notifications.settings import MAX_WORKERS, NotificationsSettings

    secret = {"MAIL_LINK_SECRET": "s" * 40}
    notifications = NotificationsSettings.from_env(secret).platform
    assert notifications.max_workers == MAX_WORKERS > 10
    assert notifications.nameko_config()["max_workers"] == MAX_WORKERS
    told = NotificationsSettings.from_env(secret | {"WB_MAX_WORKERS": "7"}).platform
    assert told.max_workers == 7
    assert MatchingSettings.from_env({}).platform.max_workers == 10


def test_a_blank_variable_takes_its_default_and_values_are_read_with_their_units():
    settings = MatchingSettings.from_env({
        "AMQP_URI": "  ", "MATCHING_AUTOMATIC": "off", "MATCHING_ROUND_EVERY_HOURS": "0.5",
        "EVENT_RETRY_DELAYS": "0.5, 2", "LOG_LEVEL": "debug", "EVENT_QUEUE_TYPE": "Quorum"})
    assert settings.platform.amqp_uri == PlatformSettings().amqp_uri
    assert settings.automatic is False and settings.round_every == timedelta(minutes=30)
    assert settings.platform.event_retry_delays == (0.5, 2)
    assert (settings.platform.log_level, settings.platform.event_queue_type) == ("DEBUG", "quorum")


def test_a_value_that_is_not_a_number_names_the_variable_and_an_example():
    with pytest.raises(SettingsError) as refused:
        MatchingSettings.from_env({"MATCHING_ROUND_EVERY_HOURS": "abc"})
    message = str(refused.value)
    assert "MATCHING_ROUND_EVERY_HOURS='abc'" in message and "a number of hours, e.g. 24" in message


def test_every_wrong_variable_is_told_at_once():
    with pytest.raises(SettingsError) as refused:
        MatchingSettings.from_env({"WB_MAX_WORKERS": "0", "MATCHING_AUTOMATIC": "maybe",
                                   "EVENT_RETRY_DELAYS": "1,-5", "EVENT_QUEUE_TYPE": "stream",
                                   "OPS_PORT": "99999", "MATCHING_CHECKUP_EVERY_MINUTES": "0"})
    message = str(refused.value)
    for name in ("WB_MAX_WORKERS", "MATCHING_AUTOMATIC", "EVENT_RETRY_DELAYS", "EVENT_QUEUE_TYPE",
                 "OPS_PORT", "MATCHING_CHECKUP_EVERY_MINUTES"):
        assert name in message, name
    assert "one of classic, quorum" in message


def test_a_service_started_with_a_bad_setting_stops_at_once_saying_why(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "workbuddy_matching"], capture_output=True,
                          text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "MATCHING_ROUND_EVERY_HOURS": "abc",
                               "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    assert done.returncode == 2
    assert "matching cannot start" in done.stderr
    assert "MATCHING_ROUND_EVERY_HOURS='abc'" in done.stderr


def test_the_broker_may_be_several_nodes_tried_in_order():
    settings = PlatformSettings.from_env({
        "AMQP_URI": "amqp://u:p@rabbit-0:5672/wb, amqp://u:p@rabbit-1:5672/wb;amqp://u:p@rabbit-2/wb,",
        "RPC_QUEUE_TYPE": "quorum"})
    # kombu and nameko take the nodes as one string, separated by semicolons
    assert settings.amqp_uri == ("amqp://u:p@rabbit-0:5672/wb;amqp://u:p@rabbit-1:5672/wb;"
                                 "amqp://u:p@rabbit-2/wb")
    assert settings.amqp_urls == ("amqp://u:p@rabbit-0:5672/wb", "amqp://u:p@rabbit-1:5672/wb",
                                  "amqp://u:p@rabbit-2/wb")
    assert settings.rpc_queue_type == "quorum"
    assert redact(settings.amqp_uri) == ("amqp://***@rabbit-0:5672/wb;amqp://***@rabbit-1:5672/wb;"
                                         "amqp://***@rabbit-2/wb")


def test_a_node_that_is_not_an_amqp_url_is_refused_without_showing_passwords():
    with pytest.raises(SettingsError) as refused:
        PlatformSettings.from_env({"AMQP_URI": "amqp://u:secret@rabbit-0/wb,http://u:secret@rabbit-1/",
                                   "RPC_QUEUE_TYPE": "mirrored"})
    message = str(refused.value)
    assert "AMQP_URI" in message and "'http://***@rabbit-1/'" in message
    assert "amqp:// (or amqps://) URLs separated by commas" in message
    assert "secret" not in message
    assert "RPC_QUEUE_TYPE='mirrored'" in message


def test_nameko_logs_a_lost_broker_without_any_nodes_password():
    import nameko.messaging

    import workbuddy_platform.runner  # noqa: F401 - what a service's process imports

    shown = nameko.messaging.sanitize_url("amqp://u:secret@rabbit-0/wb;amqp://u:secret@rabbit-1/wb")
    assert "secret" not in shown and "rabbit-1" in shown


@pytest.mark.parametrize("said, isolates", [(None, None), ("auto", None), ("AUTO", None),
                                            ("false", False), ("off", False), ("on", True)])
def test_whether_the_store_isolates_is_asked_unless_said(said, isolates):
    environ = {} if said is None else {"STORE_ISOLATES": said}
    assert PlatformSettings.from_env(environ).store_isolates is isolates


def test_a_store_isolation_that_is_neither_auto_nor_on_nor_off_is_refused():
    with pytest.raises(SettingsError) as refused:
        PlatformSettings.from_env({"STORE_ISOLATES": "sometimes"})
    assert "STORE_ISOLATES='sometimes'" in str(refused.value) and "auto" in str(refused.value)


def test_silent_connections_are_given_up_after_the_store_timeout_and_two_heartbeats():
    settings = PlatformSettings.from_env({"STORE_TIMEOUT_SECONDS": "4.5", "AMQP_HEARTBEAT": "7"})
    assert settings.store_timeout == 4.5 and settings.amqp_heartbeat == 7
    assert settings.nameko_config()["HEARTBEAT"] == 7
    defaults = PlatformSettings.from_env({})
    assert (defaults.store_timeout, defaults.amqp_heartbeat) == (30.0, 60)
    with pytest.raises(SettingsError) as refused:
        PlatformSettings.from_env({"STORE_TIMEOUT_SECONDS": "0", "AMQP_HEARTBEAT": "soon"})
    assert "STORE_TIMEOUT_SECONDS='0'" in str(refused.value)
    assert "AMQP_HEARTBEAT='soon'" in str(refused.value)


def test_a_socket_timeout_in_the_store_uri_wins_over_the_setting():
    from workbuddy_platform.store import client_for

    given = client_for("mongodb://127.0.0.1:9/?directConnection=true&socketTimeoutMS=1500",
                       timeout=30)
    assert given.options.pool_options.socket_timeout == 1.5
    default = client_for("mongodb://127.0.0.1:9/?directConnection=true&appName=x", timeout=4)
    assert default.options.pool_options.socket_timeout == 4


def test_the_wait_at_start_is_ten_minutes_unless_told():
    assert PlatformSettings.from_env({}).start_wait == 600
    assert PlatformSettings.from_env({"START_WAIT_SECONDS": "0"}).start_wait == 0
    with pytest.raises(SettingsError, match="START_WAIT_SECONDS='-1'"):
        PlatformSettings.from_env({"START_WAIT_SECONDS": "-1"})
