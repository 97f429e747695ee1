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
