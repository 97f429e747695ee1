"""An access token is verified once per gateway process, and what is kept of it never lets
through what verifying it again would refuse: an expired token, a closed session, a token
altered or signed with another secret."""

from datetime import timedelta

import jwt as pyjwt
import pytest
from flask_jwt_extended import create_access_token

from workbuddy_gateway import auth
from workbuddy_gateway.app import create_app

from .test_gateway_problems import MEMBER, SETTINGS, FakeServices


class Sessions:
    def __init__(self):
        self.open = {"s-1"}

    def is_open(self, sid, *looked):
        return sid in self.open


@pytest.fixture
def gateway():
    sessions = Sessions()
    app = create_app(SETTINGS, services=FakeServices(profiles__get_member=MEMBER),
                     sessions=sessions)

    def token(sid="s-1", ttl=timedelta(minutes=15)):
        with app.app_context():
            return create_access_token(identity="m-1", additional_claims={"sid": sid},
                                       expires_delta=ttl)

    return app.test_client(), token, sessions


def get_me(client, token):
    return client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def decodes(monkeypatch):
    """How many times PyJWT checked a token's signature."""
    counted = []
    real = pyjwt.decode

    def counting(*args, **kwargs):
        if kwargs.get("options", {}).get("verify_signature", True):
            counted.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr("flask_jwt_extended.tokens.jwt.decode", counting)
    return counted


def test_a_token_is_verified_at_its_first_request_only(gateway, decodes):
    client, token, _ = gateway
    mine = token()
    for _ in range(3):
        assert get_me(client, mine).status_code == 200
    assert len(decodes) == 1
    assert get_me(client, token(sid="s-1", ttl=timedelta(minutes=14))).status_code == 200
    assert len(decodes) == 2  # another token: verified in its turn


def test_a_kept_token_is_not_parsed_again_either(gateway, monkeypatch):
    """Not even its header: PyJWT's parsing of a token (each segment checked character by
    character) was most of what a request cost once the member and session were cached."""
    client, token, _ = gateway
    mine = token()
    assert get_me(client, mine).status_code == 200
    parsed = []
    real = pyjwt.api_jws.PyJWS._load
    monkeypatch.setattr(pyjwt.api_jws.PyJWS, "_load",
                        lambda self, jwt: parsed.append(jwt) or real(self, jwt))
    for _ in range(3):
        assert get_me(client, mine).status_code == 200
    assert parsed == []


def test_a_kept_token_is_refused_once_expired(gateway, monkeypatch):
    client, token, _ = gateway
    mine = token()
    assert get_me(client, mine).status_code == 200
    later = auth.time.time() + 16 * 60
    monkeypatch.setattr(auth.time, "time", lambda: later)
    monkeypatch.setattr("jwt.api_jwt.datetime", _Clock(later))
    refused = get_me(client, mine)
    assert refused.status_code == 401
    assert "expired" in refused.json["detail"]


def test_a_kept_token_is_refused_once_its_session_closes(gateway):
    client, token, sessions = gateway
    mine = token()
    assert get_me(client, mine).status_code == 200
    sessions.open.clear()
    assert get_me(client, mine).status_code == 401


def test_an_altered_token_or_one_signed_elsewhere_is_refused_even_beside_a_kept_one(gateway):
    client, token, _ = gateway
    mine = token()
    assert get_me(client, mine).status_code == 200
    head, claims, signature = mine.split(".")
    assert get_me(client, f"{head}.{claims}.{signature[:-2]}AA").status_code == 401
    forged = pyjwt.encode(pyjwt.decode(mine, options={"verify_signature": False}),
                          "another secret of at least thirty-two chars", algorithm="HS256",
                          headers={"kid": auth.key_id(SETTINGS.jwt_secret)})
    assert get_me(client, forged).status_code == 401


class _Clock:
    """PyJWT's datetime, at ``now`` (epoch seconds): its expiry check reads datetime.now."""

    def __init__(self, now: float):
        from datetime import UTC, datetime
        self._now, self._datetime, self._utc = now, datetime, UTC

    def now(self, tz=None):
        return self._datetime.fromtimestamp(self._now, tz)

    def __getattr__(self, name):
        return getattr(self._datetime, name)
