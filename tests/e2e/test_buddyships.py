"""Becoming buddies over HTTP: propose, accept or decline, and see it in the lists."""


def test_an_accepted_proposal_is_an_active_buddyship_for_both(gateway):
    tara, ugo = gateway.sign_up("Tara", "en"), gateway.sign_up("Ugo", "fr")
    buddyship = gateway.become_buddies(tara, ugo)
    assert buddyship["state"] == "active" and buddyship["started_at"]

    for member in (tara, ugo):
        listed = gateway.request("GET", "/v1/me/buddyships", member)
        assert listed.status_code == 200, listed.text
        [seen] = listed.json()["items"]
        assert (seen["id"], seen["state"]) == (buddyship["id"], "active")
        assert seen["started_at"] == buddyship["started_at"]


def test_a_declined_proposal_frees_the_pair_for_a_new_one(gateway):
    vera, will = gateway.sign_up("Vera", "fr"), gateway.sign_up("Will", "en")
    proposal = gateway.propose(vera, will).json()
    declined = gateway.request("POST", f"/v1/me/buddyships/{proposal['id']}/decline", will)
    assert declined.status_code == 200 and declined.json()["state"] == "declined"

    again = gateway.propose(will, vera)
    assert again.status_code == 201, again.text
    states = sorted(b["state"] for b in gateway.request("GET", "/v1/me/buddyships", vera).json()["items"])
    assert states == ["declined", "proposed"]


def test_either_buddy_ends_a_buddyship_without_a_reason_and_may_rate_it(gateway):
    from ..support.waiting import eventually
    from .test_bad_input import assert_problem

    yves, zoe = gateway.sign_up("Yves", "fr"), gateway.sign_up("Zoé", "fr")
    buddyship = gateway.become_buddies(yves, zoe)
    eventually(lambda: gateway.request("GET", f"/v1/members/{yves['id']}/moments", zoe).ok)
    end = f"/v1/me/buddyships/{buddyship['id']}/end"

    assert_problem(gateway.request("POST", end, zoe, json={"rating": 9}), 422, "rating")
    ended = gateway.request("POST", end, zoe, json={"rating": 4})
    assert ended.status_code == 200 and ended.json()["state"] == "ended"
    assert_problem(gateway.request("POST", end, yves, json={}), 409, "buddyship_id")  # once
    # Once profiles hears of it, they no longer see each other's moments.
    eventually(lambda: gateway.request("GET", f"/v1/members/{yves['id']}/moments",
                                       zoe).status_code == 404)
    # And the pair is free to start again one day.
    assert gateway.propose(yves, zoe).status_code == 201
