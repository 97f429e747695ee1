"""A member's buddy capacity holds through the public API: proposals by them and to them,
accepting after lowering it, invitations; each refusal says what to do."""

from ..support.waiting import eventually
from .test_bad_input import assert_problem


def capacity(gateway, member, n: int) -> None:
    changed = gateway.request("PATCH", "/v1/me", member, json={"buddy_capacity": n})
    assert changed.status_code == 200, changed.text
    # matching decides with what it knows: wait until it knows this capacity.
    eventually(lambda: gateway.request("GET", "/v1/me/matching", member).json()["answered"])


def open_buddyships(gateway, member) -> list[dict]:
    items = gateway.request("GET", "/v1/me/buddyships?limit=50", member).json()["items"]
    return [b for b in items if b["state"] in ("proposed", "active")]


def test_a_member_with_room_for_one_buddy_never_has_two(gateway):
    ana, bob, cy, dee = (gateway.sign_up(n, "en") for n in ("Ana", "Bob", "Cy", "Dee"))
    capacity(gateway, ana, 1)
    proposed = gateway.propose(bob, ana)
    assert proposed.status_code == 201, proposed.text
    refused = assert_problem(gateway.propose(cy, ana), 409, "buddy_id")
    assert "no room for another buddy right now" in refused["detail"]
    refused = assert_problem(gateway.propose(ana, dee), 409, "buddy_id")
    assert "buddy capacity (1); raise it in your profile" in refused["detail"]
    accepted = gateway.request("POST", f"/v1/me/buddyships/{proposed.json()['id']}/accept", ana)
    assert accepted.status_code == 200, accepted.text
    assert len(open_buddyships(gateway, ana)) == 1

    # Raising it makes room at once.
    capacity(gateway, ana, 2)
    eventually(lambda: gateway.propose(cy, ana).status_code == 201)
    assert len(open_buddyships(gateway, ana)) == 2


def test_accepting_beyond_a_lowered_capacity_is_refused_in_the_member_s_language(gateway):
    eve, fay, gus = gateway.sign_up("Eve", "fr"), gateway.sign_up("Fay", "en"), \
        gateway.sign_up("Gus", "en")
    capacity(gateway, eve, 3)
    first, second = gateway.propose(fay, eve).json(), gateway.propose(gus, eve).json()
    changed = gateway.request("PATCH", "/v1/me", eve, json={"buddy_capacity": 1})
    assert changed.status_code == 200
    eventually(lambda: gateway.request("GET", "/v1/me/matching", eve).json()["open_slots"] == 0)
    ok = gateway.request("POST", f"/v1/me/buddyships/{first['id']}/accept", eve)
    assert ok.status_code == 200, ok.text
    refused = gateway.request("POST", f"/v1/me/buddyships/{second['id']}/accept", eve,
                              headers={"Accept-Language": "fr"})
    body = assert_problem(refused, 409, "buddyship_id")
    assert "vous avez déjà 1 buddies et votre capacité est de 1" in body["detail"]
    states = {b["id"]: b["state"] for b in open_buddyships(gateway, eve)}
    assert states == {first["id"]: "active", second["id"]: "proposed"}


def test_an_invitation_used_while_the_inviter_is_full_proposes_nobody(gateway, stack):
    from ..support.logs import wait_for_record
    from .test_invitations import sign_up_with

    hal, ida = gateway.sign_up("Hal", "en"), gateway.sign_up("Ida", "en")
    capacity(gateway, hal, 1)
    gateway.become_buddies(ida, hal)
    code = gateway.request("POST", "/v1/me/invitations", hal).json()["code"]
    joined = sign_up_with(gateway, code, "Jon")
    assert joined.status_code == 201, joined.text
    jon = {**joined.json()["member"], "access_token": joined.json()["access_token"]}
    wait_for_record(stack.supervisor.log_path("matching"), event="invitation.not_proposed",
                    inviter_id=hal["id"])
    assert gateway.request("GET", "/v1/me/buddyships", jon).json()["items"] == []
    assert len(open_buddyships(gateway, hal)) == 1
