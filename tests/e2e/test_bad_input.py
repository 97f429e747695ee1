"""Every request the system cannot serve gets a problem document that names the field and
says what to do; never a 500, never a traceback."""

import pytest
import requests

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
    return gateway.register("Mia", "fr"), gateway.register("Noah", "en")


def test_unknown_member(gateway):
    body = assert_problem(gateway.request("GET", "/v1/members/nobody"), 404, "member_id")
    assert "nobody" in body["detail"]


def test_moment_of_an_unknown_member(gateway):
    assert_problem(gateway.request("POST", "/v1/members/nobody/moments",
                                   json={"kind": "client_won"}), 404, "member_id")


def test_unknown_buddy(gateway, pair):
    mia, _ = pair
    body = assert_problem(gateway.request("POST", f"/v1/members/{mia['id']}/buddyships",
                                          json={"buddy_id": "ghost"}), 404, "buddy_id")
    assert "ghost" in body["detail"]


def test_unknown_proposer(gateway, pair):
    _, noah = pair
    assert_problem(gateway.request("POST", "/v1/members/ghost/buddyships",
                                   json={"buddy_id": noah["id"]}), 404, "member_id")


def test_a_member_cannot_be_their_own_buddy(gateway, pair):
    mia, _ = pair
    assert_problem(gateway.request("POST", f"/v1/members/{mia['id']}/buddyships",
                                   json={"buddy_id": mia["id"]}), 422, "buddy_id")


def test_a_pair_is_proposed_once(gateway):
    olga, paul = gateway.register("Olga", "en"), gateway.register("Paul", "en")
    first = gateway.request("POST", f"/v1/members/{olga['id']}/buddyships",
                            json={"buddy_id": paul["id"]})
    assert first.status_code == 201
    assert_problem(gateway.request("POST", f"/v1/members/{paul['id']}/buddyships",
                                   json={"buddy_id": olga["id"]}), 409, "buddy_id")


def test_only_the_invitee_accepts(gateway):
    quinn, rose = gateway.register("Quinn", "en"), gateway.register("Rose", "fr")
    proposal = gateway.request("POST", f"/v1/members/{quinn['id']}/buddyships",
                               json={"buddy_id": rose["id"]}).json()
    path = f"/v1/members/{quinn['id']}/buddyships/{proposal['id']}/accept"
    assert_problem(gateway.request("POST", path), 403, "member_id")
    accept = f"/v1/members/{rose['id']}/buddyships/{proposal['id']}/accept"
    assert gateway.request("POST", accept).status_code == 200
    assert_problem(gateway.request("POST", accept), 422, "buddyship_id")  # already active


def test_unknown_buddyship(gateway, pair):
    mia, _ = pair
    assert_problem(gateway.request("POST", f"/v1/members/{mia['id']}/buddyships/nope/accept"),
                   404, "buddyship_id")


def test_moment_kind_outside_the_vocabulary(gateway, pair):
    mia, _ = pair
    body = assert_problem(gateway.request("POST", f"/v1/members/{mia['id']}/moments",
                                          json={"kind": "client_stolen"}), 422, "kind")
    assert "client_won" in body["errors"]["kind"][0]


def test_note_too_long(gateway, pair):
    mia, _ = pair
    assert_problem(gateway.request("POST", f"/v1/members/{mia['id']}/moments",
                                   json={"kind": "client_won", "note": "x" * 501}), 422, "note")


def test_malformed_json(gateway):
    assert_problem(gateway.request("POST", "/v1/members", data="{'email': oops",
                                   headers={"Content-Type": "application/json"}), 400, "body")


def test_registration_fields_are_checked(gateway):
    body = assert_problem(gateway.request("POST", "/v1/members", json={
        "email": "not-an-address", "language": "de", "nickname": "x"}), 422)
    assert set(body["errors"]) == {"email", "language", "display_name", "nickname"}


def test_a_display_name_is_one_visible_line(gateway):
    for name in ("   ", "Alice\r\nBcc: everyone@example.org"):
        body = assert_problem(gateway.request("POST", "/v1/members", json={
            "email": "eve@example.org", "display_name": name, "language": "en"}),
            422, "display_name")
        assert "display_name" in body["detail"]


def test_an_email_registers_once_whatever_its_case(gateway):
    gateway.request("POST", "/v1/members", json={
        "email": "Same.Person@Example.org", "display_name": "Sam", "language": "en"})
    assert_problem(gateway.request("POST", "/v1/members", json={
        "email": "same.person@example.ORG", "display_name": "Sam", "language": "en"}),
        409, "email")


def test_unknown_path(gateway):
    assert_problem(gateway.request("GET", "/v1/nothing-here"), 404)


def test_an_oversized_body_is_refused(gateway):
    # On a connection of its own: the server answers without reading the body and may then
    # close the connection, which a pooled client would trip over on its next request.
    response = requests.post(f"{gateway.base}/v1/members", data="x" * (65 * 1024),
                             headers={"Content-Type": "application/json"}, timeout=20)
    assert "64 KiB" in assert_problem(response, 413)["detail"]
