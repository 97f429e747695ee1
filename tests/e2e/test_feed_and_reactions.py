"""Buddies see each other's moments and react to them; nobody else sees anything (the owning
service decides, and answers 404 rather than 403, so that no one learns what exists)."""

import uuid

from ..support.logs import wait_for_record
from ..support.waiting import eventually
from .test_bad_input import assert_problem


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [m["id"] for m in response.json()["items"]]


def test_buddies_see_each_others_moments_since_they_met(gateway):
    ana, ben, cal = (gateway.sign_up(n, "fr") for n in ("Ana", "Ben", "Cal"))
    before = gateway.log_moment(ana, "rough_day", "before we met")
    gateway.become_buddies(ana, ben)
    eventually(lambda: gateway.request("GET", f"/v1/members/{ana['id']}/moments", ben
                                       ).status_code == 200)
    after = [gateway.log_moment(ana, "client_won", f"win {i}")["id"] for i in range(3)]

    feed = ids(gateway.request("GET", "/v1/me/feed", ben))
    assert feed == after[::-1]
    assert before["id"] not in feed
    assert ids(gateway.request("GET", f"/v1/members/{ana['id']}/moments", ben)) == after[::-1]
    assert ids(gateway.request("GET", "/v1/me/moments", ana))[-1] == before["id"]  # hers, all

    # Someone who is not her buddy learns nothing, not even that she exists.
    unknown = uuid.uuid4().hex
    stranger = gateway.request("GET", f"/v1/members/{ana['id']}/moments", cal)
    nobody = gateway.request("GET", f"/v1/members/{unknown}/moments", cal)
    assert assert_problem(stranger, 404, "member_id")["detail"].replace(ana["id"], "?") == \
        assert_problem(nobody, 404, "member_id")["detail"].replace(unknown, "?")
    assert ids(gateway.request("GET", "/v1/me/feed", cal)) == []


def test_a_buddy_cheers_and_the_author_sees_it(gateway, stack):
    dee, eli, fox = (gateway.sign_up(n, "en") for n in ("Dee", "Eli", "Fox"))
    gateway.become_buddies(dee, eli)
    eventually(lambda: gateway.request("GET", f"/v1/members/{dee['id']}/moments", eli
                                       ).status_code == 200)
    win = gateway.log_moment(dee, "tender_won", "The library tender!")
    correlation_id = f"cheer-{uuid.uuid4().hex}"

    cheer = gateway.request("POST", f"/v1/moments/{win['id']}/reactions", eli,
                            json={"kind": "cheer", "message": "  Bravo !  "},
                            headers={"X-Correlation-Id": correlation_id})
    assert cheer.status_code == 201, cheer.text
    assert (cheer.json()["kind"], cheer.json()["message"]) == ("cheer", "Bravo !")
    wait_for_record(stack.supervisor.log_path("profiles"), event="event.published",
                    event_type="moment.reacted", correlation_id=correlation_id)

    seen = gateway.request("GET", f"/v1/moments/{win['id']}/reactions", dee).json()["items"]
    assert [(r["reactor_id"], r["kind"]) for r in seen] == [(eli["id"], "cheer")]

    # Not a buddy: no such moment, as far as Fox can tell; and nobody cheers their own moment.
    assert_problem(gateway.request("POST", f"/v1/moments/{win['id']}/reactions", fox,
                                   json={"kind": "cheer"}), 404, "moment_id")
    assert_problem(gateway.request("GET", f"/v1/moments/{win['id']}/reactions", fox),
                   404, "moment_id")
    assert_problem(gateway.request("POST", f"/v1/moments/{win['id']}/reactions", dee,
                                   json={"kind": "cheer"}), 403, "moment_id")
    assert_problem(gateway.request("POST", f"/v1/moments/{win['id']}/reactions", eli,
                                   json={"kind": "applause"}), 422, "kind")
    assert_problem(gateway.request("POST", f"/v1/moments/{win['id']}/reactions", eli,
                                   json={"kind": "support", "message": "x" * 281}), 422, "message")
