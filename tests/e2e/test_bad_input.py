"""Every request the system cannot serve gets a problem document that names the field and
says what to do; never a 500, never a traceback."""

import json
import socket
import uuid

import pytest
import requests

from ..support.api import PASSWORD
from ..support.logs import wait_for_record

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["detail"] and body["correlation_id"]
    assert "Traceback" not in response.text
    if field:
        assert field in body["errors"], body
        assert all(body["errors"][field]), body
    return body


@pytest.fixture(scope="module")
def pair(gateway):
    return gateway.sign_up("Mia", "fr"), gateway.sign_up("Noah", "en")


def test_unknown_member(gateway, pair):
    mia, _ = pair
    body = assert_problem(gateway.request("GET", "/v1/members/nobody", mia), 404, "member_id")
    assert "nobody" in body["detail"]


def test_another_members_profile_never_shows_their_email(gateway, pair):
    mia, noah = pair
    response = gateway.request("GET", f"/v1/members/{noah['id']}", mia)
    assert response.status_code == 200
    assert response.json() == {"id": noah["id"], "display_name": "Noah", "bio": None,
                               "languages": ["en"], "demo": False}


def test_unknown_buddy(gateway, pair):
    mia, _ = pair
    body = assert_problem(gateway.request("POST", "/v1/me/buddyships", mia,
                                          json={"buddy_id": "ghost"}), 404, "buddy_id")
    assert "ghost" in body["detail"]


def test_a_member_cannot_be_their_own_buddy(gateway, pair):
    mia, _ = pair
    assert_problem(gateway.propose(mia, mia), 403, "buddy_id")


def test_a_pair_is_proposed_once(gateway):
    olga, paul = gateway.sign_up("Olga", "en"), gateway.sign_up("Paul", "en")
    assert gateway.propose(olga, paul).status_code == 201
    assert_problem(gateway.propose(paul, olga), 409, "buddy_id")


def test_only_the_invitee_accepts(gateway):
    quinn, rose = gateway.sign_up("Quinn", "en"), gateway.sign_up("Rose", "fr")
    proposal = gateway.propose(quinn, rose).json()
    accept = f"/v1/me/buddyships/{proposal['id']}/accept"
    assert_problem(gateway.request("POST", accept, quinn), 403, "member_id")
    assert gateway.request("POST", accept, rose).status_code == 200
    assert_problem(gateway.request("POST", accept, rose), 409, "buddyship_id")  # already active


def test_someone_elses_buddyship_is_unknown(gateway, pair):
    mia, noah = pair
    sam = gateway.sign_up("Sam", "en")
    proposal = gateway.propose(mia, noah).json()
    assert_problem(gateway.request("POST", f"/v1/me/buddyships/{proposal['id']}/accept", sam),
                   404, "buddyship_id")


def test_unknown_buddyship(gateway, pair):
    mia, _ = pair
    assert_problem(gateway.request("POST", "/v1/me/buddyships/nope/accept", mia),
                   404, "buddyship_id")


def test_moment_kind_outside_the_vocabulary(gateway, pair):
    mia, _ = pair
    body = assert_problem(gateway.request("POST", "/v1/me/moments", mia,
                                          json={"kind": "client_stolen"}), 422, "kind")
    assert "client_won" in body["errors"]["kind"][0]


def test_note_too_long(gateway, pair):
    mia, _ = pair
    assert_problem(gateway.request("POST", "/v1/me/moments", mia,
                                   json={"kind": "client_won", "note": "x" * 501}), 422, "note")


# Every field a member writes in, and a request that puts `text` there.
FREE_TEXT = {
    "note": ("POST", "/v1/me/moments", lambda text: {"kind": "client_won", "note": text}),
    "display_name": ("PATCH", "/v1/me", lambda text: {"display_name": text}),
    "city": ("PATCH", "/v1/me", lambda text: {"city": text}),
    "skills": ("PATCH", "/v1/me", lambda text: {"skills": [text]}),
    "skills_wanted": ("POST", "/v1/me/moments", lambda text: {
        "kind": "project_idea", "seeking_partner": True, "skills_wanted": [text]}),
}


@pytest.mark.parametrize("field", FREE_TEXT)
@pytest.mark.parametrize("control", ["\x00", "\x1b[31m", "\x08", "\x7f", "\x85", "\r"])
def test_free_text_refuses_control_characters_and_names_the_field(gateway, pair, field,
                                                                  control):
    mia, _ = pair
    method, path, body = FREE_TEXT[field]
    refused = assert_problem(gateway.request(method, path, mia, json=body(f"Acme{control}deal")),
                             422, field)
    assert field in refused["detail"] and "control characters" in refused["errors"][field][0]


def test_a_nul_note_is_refused_in_french_too(gateway, pair):
    mia, _ = pair
    refused = assert_problem(gateway.request(
        "POST", "/v1/me/moments", mia, json={"kind": "client_won", "note": "\x00"},
        headers={"Accept-Language": "fr"}), 422, "note")
    assert refused["errors"]["note"] == [
        "ne doit pas contenir de caractères de contrôle (retours à la ligne et tabulations "
        "acceptés)"]


def test_line_breaks_and_tabs_are_writing(gateway):
    """In text that has lines: a note, a reaction's words, a message, a report's details."""
    ana, ben = gateway.sign_up("Ana", "en"), gateway.sign_up("Ben", "en")
    gateway.become_buddies(ana, ben)
    text = "Signed with Acme!\n\tNext: the contract.\r\nThanks"
    moment = gateway.log_moment(ana, "client_won", text)
    assert moment["note"] == text
    for control in ("\x00", "\x0b"):
        assert_problem(gateway.request("POST", f"/v1/moments/{moment['id']}/reactions", ben,
                                       json={"kind": "cheer", "message": f"Bravo{control}"}),
                       422, "message")
        assert_problem(gateway.request("POST", f"/v1/members/{ana['id']}/report", ben, json={
            "reason": "spam", "details": f"It{control}"}), 422, "details")


def test_a_profile_change_needs_a_body(gateway, pair):
    """Without a body, PATCH /v1/me would change nothing and answer 200 as if it had."""
    mia, _ = pair
    assert_problem(gateway.request("PATCH", "/v1/me", mia), 400, "body")
    assert_problem(gateway.request("PUT", "/v1/me/notifications/settings", mia), 400, "body")
    assert_problem(gateway.request("PATCH", "/v1/me", mia, data="display_name=Mia",
                                   headers={"Content-Type": "text/plain"}), 415, "body")


def test_a_method_a_path_does_not_serve_is_refused_with_the_methods_it_does(gateway, pair):
    mia, _ = pair
    refused = gateway.request("PUT", "/v1/me/moments", mia)
    assert_problem(refused, 405)
    assert set(refused.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_malformed_json(gateway):
    assert_problem(gateway.request("POST", "/v1/auth/signup", data="{'email': oops",
                                   headers={"Content-Type": "application/json"}), 400, "body")


def test_registration_fields_are_checked(gateway):
    body = assert_problem(gateway.request("POST", "/v1/auth/signup", json={
        "email": "not-an-address", "language": "de", "nickname": "x", "password": "short"}), 422)
    assert set(body["errors"]) == {"email", "language", "display_name", "nickname", "password"}


def test_a_display_name_is_one_visible_line(gateway):
    for name in ("   ", "Alice\r\nBcc: everyone@example.org"):
        body = assert_problem(gateway.request("POST", "/v1/auth/signup", json={
            "email": "eve@example.org", "display_name": name, "language": "en",
            "password": PASSWORD}), 422, "display_name")
        assert "display_name" in body["detail"]


def test_an_email_registers_once_whatever_its_case(gateway, mailbox):
    first = gateway.request("POST", "/v1/auth/signup", json={
        "email": "Same.Person@Example.org", "display_name": "Sam", "language": "en",
        "password": PASSWORD})
    # Answered as a new address (sign-up tells nobody who has an account), but the account made
    # never holds it: only the first password signs in, and the owner is told.
    again = gateway.request("POST", "/v1/auth/signup", json={
        "email": "same.person@example.ORG", "display_name": "Sam", "language": "en",
        "password": "another long passphrase"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["member"]["email"] == "same.person@example.org"
    assert again.json()["member"]["email_verified"] is False
    mailbox.wait_for("same.person@example.org", kind="address_claimed")
    login = {"email": "same.person@example.org", "password": "another long passphrase"}
    assert_problem(gateway.request("POST", "/v1/auth/login", json=login), 401)
    assert gateway.request("POST", "/v1/auth/login", json=login | {"password": PASSWORD}).json()[
        "member"]["id"] == first.json()["member"]["id"]


def test_unknown_path(gateway):
    assert_problem(gateway.request("GET", "/v1/nothing-here"), 404)


def test_an_oversized_body_is_refused(gateway):
    # On a connection of its own: the server answers without reading the body and may then
    # close the connection, which a pooled client would trip over on its next request.
    response = requests.post(f"{gateway.base}/v1/auth/signup", data="x" * (65 * 1024),
                             headers={"Content-Type": "application/json"}, timeout=20)
    assert "64 KiB" in assert_problem(response, 413)["detail"]


def test_a_services_refusal_comes_back_in_the_callers_language(gateway, pair):
    mia, _ = pair
    french = gateway.request("GET", "/v1/members/nobody", mia, headers={"Accept-Language": "fr"})
    body = assert_problem(french, 404, "member_id")
    assert body["detail"] == "aucun membre n'a l'identifiant 'nobody' ; vérifiez l'identifiant " \
                             "reçu à l'inscription"
    assert body["title"] == "Introuvable" and french.headers["Content-Language"] == "fr"
    english = gateway.request("GET", "/v1/members/nobody", mia)
    assert assert_problem(english, 404)["detail"].startswith("no member has the id 'nobody'")


def test_a_refusal_is_no_error_in_the_services_log(gateway, pair, stack):
    """An error in a service's log is a fault worth someone's look; a member's mistake is not."""
    mia, _ = pair
    correlation_id = f"refused-{uuid.uuid4().hex}"
    answer = gateway.request("GET", "/v1/members/nobody", mia,
                             headers={"X-Correlation-Id": correlation_id})
    assert answer.status_code == 404
    [record] = wait_for_record(stack.supervisor.log_path("profiles"), correlation_id=correlation_id,
                               logger="nameko.containers")
    assert record["level"] == "warning" and "exception" not in record, record
    assert "(expected)" in record["event"] and "no member has the id 'nobody'" in record["event"]


@pytest.mark.parametrize("raw", [
    b"HELLO THERE\r\n\r\n",  # not a request line
    b"GET /v1/sectors HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n",  # a space in a header name
    b"GET /v1/sectors HTTP/9.1\r\nHost: x\r\n\r\n",  # no such version
])
def test_malformed_http_is_refused_as_a_problem_document(gateway, raw):
    host, port = gateway.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(raw)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, body = answer.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert lines[0] == "HTTP/1.1 400 Bad Request", answer
    assert headers["Content-Type"] == "application/problem+json" and headers["X-Correlation-Id"]
    problem = json.loads(body)
    assert problem["status"] == 400 and "not valid HTTP/1.1" in problem["detail"]
    assert problem["correlation_id"] == headers["X-Correlation-Id"]
