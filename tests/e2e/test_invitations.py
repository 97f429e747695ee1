"""Inviting someone one already knows: they sign up with the code and the two are proposed to
each other first."""

import uuid

from ..support.api import PASSWORD
from ..support.waiting import eventually
from .test_bad_input import assert_problem


def sign_up_with(gateway, code: str, name: str):
    return gateway.request("POST", "/v1/auth/signup", json={
        "email": f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.org", "display_name": name,
        "language": "fr", "password": PASSWORD, "invitation": code})


def test_an_invited_member_is_proposed_to_whoever_invited_them(gateway):
    yann = gateway.sign_up("Yann", "fr")
    invitation = gateway.request("POST", "/v1/me/invitations", yann)
    assert invitation.status_code == 201, invitation.text
    code = invitation.json()["code"]
    assert invitation.json()["state"] == "open" and code in invitation.json()["link"]

    joined = sign_up_with(gateway, code.lower().replace("-", " "), "Zina")  # typed loosely
    assert joined.status_code == 201, joined.text
    zina = {**joined.json()["member"], "access_token": joined.json()["access_token"]}

    def proposal():
        items = gateway.request("GET", "/v1/me/buddyships", zina).json()["items"]
        return items[0] if items else None

    found = eventually(proposal)
    assert (found["proposer_id"], found["invitee_id"], found["state"]) == (
        yann["id"], zina["id"], "proposed")
    accepted = gateway.request("POST", f"/v1/me/buddyships/{found['id']}/accept", zina)
    assert accepted.json()["state"] == "active"

    [mine] = gateway.request("GET", "/v1/me/invitations", yann).json()["items"]
    assert (mine["code"], mine["state"], mine["used_by"]) == (code, "used", zina["id"])

    # A code works once.
    assert_problem(sign_up_with(gateway, code, "Ugo"), 404, "invitation")


def test_an_unknown_or_malformed_code_is_refused_and_nothing_is_created(gateway):
    assert_problem(sign_up_with(gateway, "AAAAA-BBBBB", "Vlad"), 404, "invitation")
    assert_problem(sign_up_with(gateway, "short", "Vlad"), 422, "invitation")
