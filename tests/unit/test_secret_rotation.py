"""Rotating the secrets that sign access tokens and mail links, replica by replica, without
signing anyone out or breaking a link in a mailbox: the new secret is accepted everywhere
first, then signs, and the old one is accepted until what it signed has expired."""

import pytest
from flask_jwt_extended import create_access_token

from workbuddy_gateway import auth
from workbuddy_gateway.app import create_app
from workbuddy_notifications import links

from .test_gateway_problems import MEMBER, FakeServices, FakeSessions

OLD, NEW = "old-signing-secret-" + "o" * 32, "new-signing-secret-" + "n" * 32


def gateway(monkeypatch, secret: str, accepted: str = ""):
    monkeypatch.setenv("JWT_ACCEPTED_SECRETS", accepted)
    app = create_app(services=FakeServices(profiles__get_member=MEMBER), sessions=FakeSessions(),
                     jwt_secret=secret)
    return app


def token_from(app) -> str:
    with app.app_context():
        return create_access_token(identity="m-1", additional_claims={"sid": "s-1"})


def status(app, token: str) -> int:
    return app.test_client().get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_during_a_rotation_every_replica_honours_every_token(monkeypatch):
    old_replica = gateway(monkeypatch, OLD, accepted=NEW)  # step 1: NEW accepted everywhere
    new_replica = gateway(monkeypatch, NEW, accepted=OLD)  # step 2: NEW signs, OLD accepted
    for issuer in (old_replica, new_replica):
        for verifier in (old_replica, new_replica):
            assert status(verifier, token_from(issuer)) == 200


def test_once_the_old_secret_is_dropped_its_tokens_are_refused(monkeypatch):
    token = token_from(gateway(monkeypatch, OLD))
    assert status(gateway(monkeypatch, NEW, accepted=OLD), token) == 200
    assert status(gateway(monkeypatch, NEW), token) == 401  # step 3, after JWT_ACCESS_TTL


def test_a_token_names_its_secret_without_revealing_it(monkeypatch):
    import jwt

    header = jwt.get_unverified_header(token_from(gateway(monkeypatch, NEW)))
    assert header["kid"] == auth.key_id(NEW) and NEW not in header["kid"]


def test_a_short_accepted_secret_stops_the_gateway_from_starting(monkeypatch):
    with pytest.raises(RuntimeError, match="JWT_ACCEPTED_SECRETS"):
        gateway(monkeypatch, NEW, accepted="short")


def test_a_mail_link_signed_before_the_rotation_still_works():
    before = links.LinkSettings(secret=OLD, public_url="https://app.example.org")
    after = links.LinkSettings(secret=NEW, accepted=(OLD,), public_url=before.public_url)
    token = links.unsubscribe_url(before, "m-2", "win", "en").rsplit("/", 1)[1]
    assert links.read(after, token)["kind"] == "win"
    fresh = links.unsubscribe_url(after, "m-2", "win", "en").rsplit("/", 1)[1]
    with pytest.raises(links.LinkRefused):
        links.read(before, fresh)  # new links are signed with the new secret
    dropped = links.LinkSettings(secret=NEW, public_url=before.public_url)
    with pytest.raises(links.LinkRefused):
        links.read(dropped, token)


def test_a_short_accepted_link_secret_stops_the_service_from_starting():
    with pytest.raises(RuntimeError, match="MAIL_LINK_ACCEPTED_SECRETS"):
        links.LinkSettings(secret=NEW, accepted=("short",)).check()
