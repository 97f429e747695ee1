"""Web Push against a real local push service: what arrives is what was sent, encrypted for
the subscriber alone and signed with our VAPID key; each answer of the push service maps to
what the caller must do."""

import base64
import dataclasses
import json
import time
from email.utils import formatdate

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from workbuddy_notifications import push as keys_command
from workbuddy_notifications.adapters import push
from workbuddy_notifications.settings import read_vapid
from workbuddy_platform.settings import SettingsError, read

from ..support.net import free_port
from ..support.push import Answer, PushService


@pytest.fixture
def service():
    with PushService() as running:
        yield running


@pytest.fixture
def settings():
    return push.VapidSettings(private_key=push.new_private_key(), subject="mailto:ops@workbuddy.local")


@pytest.fixture
def subscription(service, settings):
    # As a browser subscribes: with our public key as its applicationServerKey.
    return service.subscribe(application_server_key=settings.public_key_b64url())


MOMENT = {"type": "moment", "moment_id": "m-42", "title": "Alice a décroché un client 🍾"}


def test_a_message_arrives_decrypted_and_equal(service, settings, subscription):
    location = push.send(subscription, MOMENT, settings, ttl=600, urgency="high")

    [message] = service.wait_for(subscription, 1)
    assert message.payload == MOMENT
    assert location and location.startswith(f"{service.origin}/message/")
    assert message.ttl == 600 and message.urgency == "high"
    assert message.headers["content-encoding"] == "aes128gcm"


def test_the_body_on_the_wire_is_encrypted_for_that_subscriber_alone(service, settings, subscription):
    push.send(subscription, MOMENT, settings)
    [message] = service.wait_for(subscription, 1)

    plain = json.dumps(MOMENT, ensure_ascii=False, separators=(",", ":")).encode()
    assert plain not in message.body and b"m-42" not in message.body
    # aes128gcm header: 16-byte salt, record size, then the sender's one-time P-256 key (65 bytes).
    assert message.body[20] == 65 and message.body[21] == 4
    other = service.subscriber(service.subscribe())
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do, as long as it decrypts nothing
        other.decrypt(message.body)


def test_each_message_has_its_own_salt_and_key(service, settings, subscription):
    push.send(subscription, MOMENT, settings)
    push.send(subscription, MOMENT, settings)
    first, second = service.wait_for(subscription, 2)
    assert first.body[:16] != second.body[:16] and first.body[21:86] != second.body[21:86]


def test_the_vapid_token_names_the_push_service_and_expires_within_12_hours(service, settings,
                                                                               subscription):
    push.send(subscription, MOMENT, settings)
    [message] = service.wait_for(subscription, 1)

    assert message.claims["aud"] == service.origin
    assert message.claims["sub"] == "mailto:ops@workbuddy.local"
    assert time.time() < message.claims["exp"] <= time.time() + 12 * 3600 + 5
    assert message.headers["authorization"].startswith("vapid t=")
    assert f"k={settings.public_key_b64url()}" in message.headers["authorization"]


def test_the_push_service_refuses_a_token_whose_claims_were_changed(service, settings, subscription):
    """Proves the fake checks signatures, so that the tests above mean something."""
    push.send(subscription, MOMENT, settings)
    [message] = service.wait_for(subscription, 1)
    token, key = message.headers["authorization"].removeprefix("vapid t=").split(",k=")
    header, _, signature = token.split(".")
    forged = dict(message.claims, sub="mailto:someone@else.example")
    claims = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    headers = {name: message.headers[name] for name in ("ttl", "content-encoding")}

    def post(authorization):
        return requests.post(subscription["endpoint"], data=message.body, timeout=5,
                             headers={**headers, "Authorization": authorization})

    assert post(message.headers["authorization"]).status_code == 201  # the original passes
    refused = post(f"vapid t={header}.{claims}.{signature},k={key}")
    assert refused.status_code == 403 and "signature" in refused.text
    assert post("").status_code == 401


def test_a_message_signed_with_another_key_is_refused_for_good(service, settings, subscription):
    stranger = push.VapidSettings(private_key=push.new_private_key())

    with pytest.raises(push.PermanentPushError) as refused:
        push.send(subscription, MOMENT, stranger)

    assert refused.value.status == 403 and "applicationServerKey" in refused.value.body
    assert service.received(subscription) == []


def test_gone_subscriptions_say_so(service, settings, subscription):
    service.script(subscription, 410, 404)
    for status in (410, 404):
        with pytest.raises(push.SubscriptionGone) as gone:
            push.send(subscription, MOMENT, settings)
        assert gone.value.status == status


def test_too_many_requests_is_transient_with_its_retry_after_then_it_goes_through(service, settings,
                                                                                  subscription):
    service.script(subscription, Answer(429, {"Retry-After": "7"}), 201)

    with pytest.raises(push.TransientPushError) as later:
        push.send(subscription, MOMENT, settings)
    assert later.value.status == 429 and later.value.retry_after == 7

    push.send(subscription, MOMENT, settings)
    assert [m.payload for m in service.wait_for(subscription, 1)] == [MOMENT]


def test_retry_after_may_be_an_http_date(service, settings, subscription):
    service.script(subscription, Answer(503, {"Retry-After": formatdate(time.time() + 120, usegmt=True)}))
    with pytest.raises(push.TransientPushError) as later:
        push.send(subscription, MOMENT, settings)
    assert 100 < later.value.retry_after <= 120


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(service, settings, subscription, status):
    service.script(subscription, Answer(status, body="busy"))
    with pytest.raises(push.TransientPushError) as later:
        push.send(subscription, MOMENT, settings)
    assert later.value.status == status and later.value.retry_after is None


def test_other_client_errors_are_permanent_with_status_and_body(service, settings, subscription):
    service.script(subscription, Answer(400, body="UnauthorizedRegistration"))
    with pytest.raises(push.PermanentPushError) as refused:
        push.send(subscription, MOMENT, settings)
    assert refused.value.status == 400 and refused.value.body == "UnauthorizedRegistration"
    assert "400" in str(refused.value)


def test_an_unreachable_push_service_is_transient(settings):
    endpoint = f"http://127.0.0.1:{free_port()}/push/nobody"  # nothing listens there
    keys = _browser_keys()
    with pytest.raises(push.TransientPushError) as later:
        push.send({"endpoint": endpoint, "keys": keys}, MOMENT, settings)
    assert later.value.status is None and "nobody" not in str(later.value)


def test_a_push_service_that_does_not_answer_in_time_is_transient(service, settings, subscription):
    impatient = dataclasses.replace(settings, timeout=0.3)
    service.script(subscription, Answer(201, delay=2))
    with pytest.raises(push.TransientPushError, match="Timeout"):
        push.send(subscription, MOMENT, impatient)


def test_a_payload_over_3_kb_is_refused_before_anything_is_sent(service, settings, subscription):
    with pytest.raises(push.PayloadTooLarge, match="3072"):
        push.send(subscription, {"note": "x" * 3100}, settings)
    assert service.answered == []
    push.send(subscription, {"note": "x" * 3000}, settings)  # just under: goes through
    service.wait_for(subscription, 1)


def test_urgency_must_be_one_of_rfc_8030(settings, subscription):
    with pytest.raises(ValueError, match="urgency"):
        push.send(subscription, MOMENT, settings, urgency="urgent")


# -- settings --

def vapid_from(environ: dict) -> push.VapidSettings:
    """VAPID settings as the service reads them at start."""
    return read(read_vapid, environ)


def test_push_is_disabled_without_a_vapid_key(subscription):
    disabled = vapid_from({})
    assert not disabled.enabled and disabled.public_key_b64url() is None
    with pytest.raises(push.PushDisabled, match="VAPID_PRIVATE_KEY"):
        push.send(subscription, MOMENT, disabled)


def test_settings_come_from_the_environment():
    key = push.new_private_key()
    settings = vapid_from({"VAPID_PRIVATE_KEY": key})
    assert settings.enabled and settings.subject == push.DEFAULT_SUBJECT
    assert key not in repr(settings)
    public = push.b64url_decode(settings.public_key_b64url())
    assert len(public) == 65 and public[0] == 4


def test_a_pem_key_is_accepted_with_real_or_escaped_line_breaks():
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    expected = push.b64url_encode(key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    for written in (pem, pem.replace("\n", "\\n")):
        assert vapid_from({"VAPID_PRIVATE_KEY": written}).public_key_b64url() == expected


@pytest.mark.parametrize("bad", ["not-a-key", push.b64url_encode(b"\x01" * 31),
                                 "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"])
def test_a_wrong_key_stops_start_up_with_a_clear_message_that_does_not_repeat_it(bad):
    with pytest.raises(SettingsError, match="P-256 private key") as wrong:
        vapid_from({"VAPID_PRIVATE_KEY": bad})
    assert bad not in str(wrong.value) and "push keys" in str(wrong.value)


def test_the_subject_must_be_a_contact():
    with pytest.raises(SettingsError, match="mailto"):
        vapid_from({"VAPID_SUBJECT": "ops team", "VAPID_PRIVATE_KEY": push.new_private_key()})
    assert push.VapidSettings(private_key=push.new_private_key(),
                              subject="https://workbuddy.example/contact").enabled


def test_the_keys_command_prints_lines_for_the_environment(capsys):
    assert keys_command.main(["keys"]) == 0
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines()
                 if not line.startswith("#"))
    assert vapid_from(lines).enabled


def test_the_audience_is_the_endpoint_origin():
    assert push.origin_of("https://fcm.googleapis.com/fcm/send/abc") == "https://fcm.googleapis.com"
    assert push.origin_of("https://Push.Example:443/x?y") == "https://push.example"
    assert push.origin_of("http://127.0.0.1:8123/push/1") == "http://127.0.0.1:8123"


# -- subscriptions, as the gateway will accept them --

def _browser_keys() -> dict:
    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": push.b64url_encode(public), "auth": push.b64url_encode(b"\x07" * 16)}


def errors(data) -> dict:
    with pytest.raises(push.ValidationError) as refused:
        push.load_subscription(data)
    return refused.value.messages


def test_a_browser_subscription_loads_as_it_is_sent(service):
    browser = service.subscribe()
    loaded = push.load_subscription({**browser, "someFutureField": 1})
    assert loaded == {"endpoint": browser["endpoint"], "keys": browser["keys"], "expiration_time": None}


def test_the_endpoint_must_be_https_except_on_this_machine():
    keys = _browser_keys()
    assert errors({"endpoint": "http://push.example/x", "keys": keys}) == {
        "endpoint": ["must use https (plain http is accepted only for localhost and 127.0.0.1, "
                     "in development)"]}
    assert "absolute https URL" in errors({"endpoint": "/push/1", "keys": keys})["endpoint"][0]
    assert "port" in errors({"endpoint": "https://push.example:x/1", "keys": keys})["endpoint"][0]
    assert push.load_subscription({"endpoint": "http://localhost:8000/push/1", "keys": keys})


def test_the_keys_must_be_the_browsers_with_their_sizes(service):
    browser = service.subscribe()
    p256dh, auth = browser["keys"]["p256dh"], browser["keys"]["auth"]

    def key_errors(**keys):
        return errors({**browser, "keys": {"p256dh": p256dh, "auth": auth, **keys}})["keys"]

    assert "65 bytes" in key_errors(p256dh=push.b64url_encode(b"\x04" * 32))["p256dh"][0]
    assert "got 32 bytes" in key_errors(p256dh=push.b64url_encode(b"\x04" * 32))["p256dh"][0]
    assert "P-256 curve" in key_errors(p256dh=push.b64url_encode(b"\x04" + b"\x01" * 64))["p256dh"][0]
    standard = base64.b64encode(b"\xfb\xff" * 8).decode()  # has '+' and '/'
    assert "must be base64url" in key_errors(auth=standard)["auth"][0]
    assert "16 bytes" in key_errors(auth=push.b64url_encode(b"\x00" * 12))["auth"][0]
    assert errors({"endpoint": browser["endpoint"]}) == {"keys": ["Missing data for required field."]}
    assert key_errors(auth=None) == {"auth": ["Field may not be null."]}


def test_send_refuses_a_malformed_subscription_without_repeating_its_keys(settings, service):
    browser = service.subscribe()
    browser["keys"]["auth"] = push.b64url_encode(b"secret-but-short")[:10]
    with pytest.raises(push.PermanentPushError, match="malformed") as refused:
        push.send(browser, MOMENT, settings)
    assert browser["keys"]["auth"] not in str(refused.value)
    assert browser["keys"]["p256dh"] not in str(refused.value)
    assert service.answered == []
