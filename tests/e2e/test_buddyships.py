"""Becoming buddies over HTTP: propose, accept or decline, and see it in the lists."""


def test_an_accepted_proposal_is_an_active_buddyship_for_both(gateway):
    tara, ugo = gateway.register("Tara", "en"), gateway.register("Ugo", "fr")
    buddyship = gateway.become_buddies(tara, ugo)
    assert buddyship["state"] == "active" and buddyship["started_at"]

    for member in (tara, ugo):
        listed = gateway.request("GET", f"/v1/members/{member['id']}/buddyships")
        assert listed.status_code == 200, listed.text
        [seen] = listed.json()
        assert (seen["id"], seen["state"]) == (buddyship["id"], "active")
        assert seen["started_at"] == buddyship["started_at"]


def test_a_declined_proposal_frees_the_pair_for_a_new_one(gateway):
    vera, will = gateway.register("Vera", "fr"), gateway.register("Will", "en")
    proposal = gateway.request("POST", f"/v1/members/{vera['id']}/buddyships",
                               json={"buddy_id": will["id"]}).json()
    declined = gateway.request(
        "POST", f"/v1/members/{will['id']}/buddyships/{proposal['id']}/decline")
    assert declined.status_code == 200 and declined.json()["state"] == "declined"

    again = gateway.request("POST", f"/v1/members/{will['id']}/buddyships",
                            json={"buddy_id": vera["id"]})
    assert again.status_code == 201, again.text
    states = sorted(b["state"] for b in gateway.request(
        "GET", f"/v1/members/{vera['id']}/buddyships").json())
    assert states == ["declined", "proposed"]
