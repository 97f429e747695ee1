"""Accounts and sessions over HTTP: sign-up, log-in, tokens that expire, rotate and end."""

import time

import jwt

from ..support.api import PASSWORD
from .test_bad_input import assert_problem


def sign_in(gateway, email: str, password: str = PASSWORD):
    return gateway.request("POST", "/v1/auth/login", json={"email": email, "password": password})


def as_bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_new_member_is_signed_in_and_sees_their_profile(gateway):
    ana = gateway.sign_up("Ana", "fr")
    me = gateway.request("GET", "/v1/me", ana)
    assert me.status_code == 200
    assert me.json()["display_name"] == "Ana" and me.json()["email"] == ana["email"]
    assert "password" not in me.text


def test_log_in_refuses_a_wrong_password_and_an_unknown_email_alike(gateway):
    ben = gateway.sign_up("Ben", "en")
    wrong = assert_problem(sign_in(gateway, ben["email"], "not the password"), 401)
    unknown = assert_problem(sign_in(gateway, "nobody@example.org"), 401)
    assert wrong["detail"] == unknown["detail"]

    signed_in = sign_in(gateway, ben["email"].upper())  # emails are compared normalised
    assert signed_in.status_code == 200
    assert gateway.request("GET", "/v1/me",
                           headers=as_bearer(signed_in.json()["access_token"])).status_code == 200


def test_every_member_endpoint_needs_a_valid_token(gateway, stack):
    cleo = gateway.sign_up("Cléo", "fr")
    missing = gateway.request("GET", "/v1/me")
    assert_problem(missing, 401)
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")

    header, payload, signature = cleo["access_token"].split(".")
    claims = jwt.decode(cleo["access_token"], options={"verify_signature": False})
    forged = jwt.encode({**claims, "sub": "someone-else"},
                        "a different secret of the same length as ours", algorithm="HS256")
    for token in (f"{header}.{payload}.{signature[::-1]}", forged, "garbage"):
        assert_problem(gateway.request("GET", "/v1/me", headers=as_bearer(token)), 401)

    claims = jwt.decode(cleo["access_token"], stack.jwt_secret, algorithms=["HS256"])
    expired = jwt.encode({**claims, "exp": int(time.time()) - 5}, stack.jwt_secret,
                         algorithm="HS256")
    body = assert_problem(gateway.request("GET", "/v1/me", headers=as_bearer(expired)), 401)
    assert "expired" in body["detail"]


def test_a_refresh_token_works_once(gateway):
    dora = gateway.sign_up("Dora", "en")
    first = gateway.request("POST", "/v1/auth/refresh", json={"refresh_token": dora["refresh_token"]})
    assert first.status_code == 200
    renewed = first.json()
    assert renewed["refresh_token"] != dora["refresh_token"]
    assert gateway.request("GET", "/v1/me", headers=as_bearer(renewed["access_token"])).ok

    # The old token again: it was copied. The whole session closes, for both tokens.
    replay = gateway.request("POST", "/v1/auth/refresh", json={"refresh_token": dora["refresh_token"]})
    assert "already used" in assert_problem(replay, 401, "refresh_token")["detail"]
    assert_problem(gateway.request("POST", "/v1/auth/refresh",
                                   json={"refresh_token": renewed["refresh_token"]}), 401)
    assert_problem(gateway.request("GET", "/v1/me", headers=as_bearer(renewed["access_token"])), 401)


def test_logging_out_ends_the_session(gateway):
    eli = gateway.sign_up("Eli", "en")
    assert gateway.request("POST", "/v1/auth/logout", eli).status_code == 204
    assert_problem(gateway.request("GET", "/v1/me", eli), 401)
    assert_problem(gateway.request("POST", "/v1/auth/refresh",
                                   json={"refresh_token": eli["refresh_token"]}), 401)


def test_changing_the_password_signs_out_every_other_session(gateway):
    fay = gateway.sign_up("Fay", "fr")
    other = sign_in(gateway, fay["email"]).json()
    change = "/v1/auth/password"

    assert_problem(gateway.request("POST", change, fay, json={
        "current_password": "wrong guess", "new_password": "a brand new passphrase"}),
        403, "current_password")
    assert_problem(gateway.request("POST", change, fay, json={
        "current_password": PASSWORD, "new_password": "short"}), 422, "new_password")

    assert gateway.request("POST", change, fay, json={
        "current_password": PASSWORD, "new_password": "a brand new passphrase"}).status_code == 204
    assert gateway.request("GET", "/v1/me", fay).status_code == 200  # this session stays
    assert_problem(gateway.request("GET", "/v1/me", headers=as_bearer(other["access_token"])), 401)
    assert_problem(sign_in(gateway, fay["email"]), 401)
    assert sign_in(gateway, fay["email"], "a brand new passphrase").status_code == 200


def test_a_short_password_is_refused_at_sign_up(gateway):
    body = assert_problem(gateway.request("POST", "/v1/auth/signup", json={
        "email": "gus@example.org", "display_name": "Gus", "language": "en",
        "password": "123456789"}), 422, "password")
    assert "10" in body["errors"]["password"][0]


def test_guessing_a_members_password_is_slowed_down(gateway):
    zoe = gateway.sign_up("Zoé", "fr")
    answers = [sign_in(gateway, zoe["email"], f"guess number {i}") for i in range(11)]
    assert [a.status_code for a in answers] == [401] * 10 + [429]
    body = assert_problem(answers[-1], 429)
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert "Retry-After" in body["detail"]
    # Even the right password waits: the limit is on the account, not on the guess.
    assert sign_in(gateway, zoe["email"]).status_code == 429
