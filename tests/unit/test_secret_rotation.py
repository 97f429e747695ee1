"""Rotating the secrets that sign access tokens and mail links, replica by replica, without
signing anyone out or breaking a link in a mailbox: the new secret is accepted everywhere
first, then signs, and the old one is accepted until what it signed has expired."""

from datetime import UTC, datetime

import pytest
from flask_jwt_extended import create_access_token

from workbuddy_gateway import auth
from workbuddy_gateway.app import create_app
from workbuddy_gateway.settings import GatewaySettings
from workbuddy_notifications.adapters import links
from workbuddy_notifications.settings import NotificationsSettings
from workbuddy_platform.settings import SettingsError

from ..gateway.test_gateway_problems import MEMBER, FakeServices, FakeSessions

OLD, NEW = "old-signing-secret-" + "o" * 32, "new-signing-secret-" + "n" * 32


def gateway(secret: str, accepted: str = ""):
    settings = GatewaySettings(jwt_secret=secret,
                               jwt_accepted_secrets=tuple(s for s in accepted.split(",") if s))
    app = create_app(settings, services=FakeServices(profiles__get_member=MEMBER),
                     sessions=FakeSessions())
    return app


def token_from(app) -> str:
    with app.app_context():
        return create_access_token(identity="m-1", additional_claims={"sid": "s-1"})


def status(app, token: str) -> int:
    return app.test_client().get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_during_a_rotation_every_replica_honours_every_token():
    old_replica = gateway(OLD, accepted=NEW)  # step 1: NEW accepted everywhere
    new_replica = gateway(NEW, accepted=OLD)  # step 2: NEW signs, OLD accepted
    for issuer in (old_replica, new_replica):
        for verifier in (old_replica, new_replica):
            assert status(verifier, token_from(issuer)) == 200


def test_once_the_old_secret_is_dropped_its_tokens_are_refused():
    token = token_from(gateway(OLD))
    assert status(gateway(NEW, accepted=OLD), token) == 200
    assert status(gateway(NEW), token) == 401  # step 3, after JWT_ACCESS_TTL


def test_a_token_names_its_secret_without_revealing_it():
    import jwt

    header = jwt.get_unverified_header(token_from(gateway(NEW)))
    assert header["kid"] == auth.key_id(NEW) and NEW not in header["kid"]


def test_a_short_accepted_secret_stops_the_gateway_from_starting():
    with pytest.raises(RuntimeError, match="JWT_ACCEPTED_SECRETS"):
        gateway(NEW, accepted="short")


def test_a_mail_link_signed_before_the_rotation_still_works():
    now = datetime.now(UTC)
    before = links.MailLinks(links.LinkSettings(secret=OLD, public_url="https://app.example.org"))
    after = links.MailLinks(links.LinkSettings(secret=NEW, accepted=(OLD,),
                                               public_url=before.public_url))
    token = before.unsubscribe_url("m-2", "win", "en").rsplit("/", 1)[1]
    assert after.read(token, now)["kind"] == "win"
    fresh = after.unsubscribe_url("m-2", "win", "en").rsplit("/", 1)[1]
    with pytest.raises(links.LinkRefused):
        before.read(fresh, now)  # new links are signed with the new secret
    dropped = links.MailLinks(links.LinkSettings(secret=NEW, public_url=before.public_url))
    with pytest.raises(links.LinkRefused):
        dropped.read(token, now)


def test_a_short_accepted_link_secret_stops_the_service_from_starting():
    with pytest.raises(SettingsError, match="MAIL_LINK_ACCEPTED_SECRETS"):
        NotificationsSettings.from_env({"MAIL_LINK_SECRET": NEW,
                                        "MAIL_LINK_ACCEPTED_SECRETS": "short"})
