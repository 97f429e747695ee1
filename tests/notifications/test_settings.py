"""notifications' settings: README.md's names and defaults, read once at start, every value that
cannot work refused at once with the variable named; and nothing else in the service reads the
environment or a clock of its own."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

import workbuddy_notifications
from workbuddy_notifications.adapters.push import DEFAULT_SUBJECT, new_private_key
from workbuddy_notifications.settings import NotificationsSettings
from workbuddy_platform.settings import SettingsError

from ..support.images import ROOT

SECRET = "s" * 40
PACKAGE = Path(workbuddy_notifications.__file__).parent


def test_the_defaults_are_the_readmes():
    settings = NotificationsSettings.from_env({"MAIL_LINK_SECRET": SECRET})
    smtp = settings.smtp
    assert (smtp.host, smtp.port, smtp.sender, smtp.timeout, smtp.starttls, smtp.username) == (
        "127.0.0.1", 1025, "Work Buddy <buddies@workbuddy.local>", 10.0, False, "")
    assert not settings.vapid.enabled and settings.vapid.subject == DEFAULT_SUBJECT
    assert settings.links.public_url == "http://127.0.0.1:8080" and settings.links.accepted == ()
    assert settings.reclaim_after == timedelta(seconds=300)
    assert settings.platform.amqp_uri == "amqp://guest:guest@127.0.0.1:5672/"


def test_every_variable_is_read():
    key = new_private_key()
    settings = NotificationsSettings.from_env({
        "MAIL_LINK_SECRET": SECRET, "MAIL_LINK_ACCEPTED_SECRETS": f"{'a' * 32}, ,{'b' * 32}",
        "PUBLIC_URL": "https://workbuddy.example.org/", "SMTP_HOST": "smtp.example.org",
        "SMTP_PORT": "587", "MAIL_FROM": "WB <wb@example.org>", "SMTP_TIMEOUT": "2.5",
        "SMTP_STARTTLS": "true", "SMTP_USERNAME": "wb", "SMTP_PASSWORD": " p4ss ",
        "VAPID_PRIVATE_KEY": key, "VAPID_SUBJECT": "https://workbuddy.example.org/contact",
        "DELIVERY_RECLAIM_SECONDS": "90", "SMTP_KEEP_CONNECTIONS": "0",
        "SMTP_KEEP_IDLE_SECONDS": "12"})
    assert settings.smtp.__dict__ == {"host": "smtp.example.org", "port": 587,
                                      "sender": "WB <wb@example.org>", "timeout": 2.5,
                                      "starttls": True, "username": "wb", "password": " p4ss ",
                                      "keep_connections": 0, "keep_idle_seconds": 12.0}
    assert settings.vapid.enabled and settings.vapid.subject.startswith("https://")
    assert settings.links.accepted == ("a" * 32, "b" * 32)
    assert settings.links.public_url == "https://workbuddy.example.org"
    assert settings.reclaim_after == timedelta(seconds=90)
    assert key not in repr(settings) and SECRET not in repr(settings) and "p4ss" not in repr(settings)


def test_every_value_that_cannot_work_is_named_at_once():
    with pytest.raises(SettingsError) as refused:
        NotificationsSettings.from_env({
            "SMTP_PORT": "abc", "SMTP_TIMEOUT": "soon", "SMTP_STARTTLS": "maybe",
            "DELIVERY_RECLAIM_SECONDS": "0", "VAPID_PRIVATE_KEY": "not-a-key",
            "VAPID_SUBJECT": "ops team", "MAIL_LINK_SECRET": "short"})
    said = str(refused.value)
    for name in ("SMTP_PORT='abc'", "SMTP_TIMEOUT='soon'", "SMTP_STARTTLS='maybe'",
                 "DELIVERY_RECLAIM_SECONDS='0'", "VAPID_PRIVATE_KEY: must be a P-256 private key",
                 "VAPID_SUBJECT: must be a mailto: address", "MAIL_LINK_SECRET: set it to a random"):
        assert name in said
    assert "not-a-key" not in said  # a secret, even a wrong one, is never repeated
    assert "python -m workbuddy_notifications.push keys" in said


def test_a_missing_link_secret_stops_the_service():
    with pytest.raises(SettingsError, match="MAIL_LINK_SECRET"):
        NotificationsSettings.from_env({})


def python_of_the_service() -> dict[str, str]:
    return {str(path.relative_to(PACKAGE)): path.read_text() for path in PACKAGE.rglob("*.py")}


def test_only_the_settings_read_the_environment():
    readers = [name for name, text in python_of_the_service().items()
               if re.search(r"\bos\.environ\b|\bgetenv\(", text)]
    assert readers == []  # settings.py reads it through workbuddy_platform.settings.Environment


def test_the_service_has_one_clock_its_unit_of_works():
    for name, text in python_of_the_service().items():
        assert not re.search(r"workbuddy_platform import .*\bclock\b|workbuddy_platform\.clock", text), name
        if name != "adapters/push.py":  # a push service's Retry-After date, on the wire's clock
            assert "datetime.now(" not in text, name


def test_the_example_files_placeholder_is_refused_as_the_link_secret():
    """deploy/compose.env.example's placeholder is long enough to pass the length check: a
    copy left unedited must not sign links with a published value."""
    example = (ROOT / "deploy/compose.env.example").read_text()
    placeholder = next(line.split("=", 1)[1] for line in example.splitlines()
                       if line.startswith("MAIL_LINK_SECRET="))
    with pytest.raises(SettingsError, match="MAIL_LINK_SECRET.*still the example's placeholder") as refused:
        NotificationsSettings.from_env({"MAIL_LINK_SECRET": placeholder})
    assert placeholder not in str(refused.value)
