"""Suggestions: the members matching would put forward now, with the reasons, in the reader's
language; the hard rules keep out whoever may not be proposed."""

import uuid

from ..support.waiting import eventually


def suggested(gateway, member) -> list[dict]:
    response = gateway.request("GET", "/v1/me/suggestions", member, params={"limit": 50})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_member_sees_compatible_members_with_reasons_and_never_a_barred_one(gateway):
    city = f"Lyon{uuid.uuid4().hex[:6]}"  # one city of this test's own, for its reason
    alice, bob = gateway.sign_up("Alice", "fr"), gateway.sign_up("Bob", "fr")
    carl = gateway.sign_up("Carl", "en")  # English only: no language shared with Alice
    dora = gateway.sign_up("Dora", "fr")
    wishes = {"sector_preference": "adjacent", "support": ["urgent_advice"], "city": city,
              "time_zone": "Europe/Paris", "languages": ["fr"]}
    for member, sector in ((alice, "ux_design"), (bob, "frontend_development")):
        assert gateway.request("PATCH", "/v1/me", member, json=wishes | {"sector": sector}).ok
    gateway.request("PATCH", "/v1/me", carl, json={"languages": ["en"], "time_zone": "UTC"})

    def bob_with_both_profiles_known():
        # matching learns the profiles from member.updated a moment after the PATCHes.
        return next((s for s in suggested(gateway, alice) if s["member_id"] == bob["id"]
                     and any(city in r for r in s["reasons"])
                     and any("Design UX" in r for r in s["reasons"])), None)

    first = eventually(bob_with_both_profiles_known)
    assert first["display_name"] == "Bob" and 0 < first["score"] <= 1
    # Said in French, about their city and their neighbouring trades.
    assert any("Design UX" in r and "Développement front-end" in r for r in first["reasons"])
    ids = [s["member_id"] for s in suggested(gateway, alice)]
    assert carl["id"] not in ids and alice["id"] not in ids

    # Once proposed, or blocked, a member is no longer suggested.
    proposed = gateway.propose(alice, bob)
    assert proposed.status_code == 201
    # A member's own proposal carries the reasons too, each told in the reader's language.
    assert f"tous les deux à {city}" in proposed.json()["reasons"]
    [for_bob] = gateway.request("GET", "/v1/me/buddyships", bob).json()["items"]
    assert for_bob["origin"] == "member" and for_bob["awaiting"] == [bob["id"]]
    assert f"tous les deux à {city}" in for_bob["reasons"]  # Bob reads French too
    assert bob["id"] not in [s["member_id"] for s in suggested(gateway, alice)]
    eventually(lambda: dora["id"] in [s["member_id"] for s in suggested(gateway, alice)])
    assert gateway.request("POST", f"/v1/members/{dora['id']}/block", alice).status_code == 204
    assert dora["id"] not in [s["member_id"] for s in suggested(gateway, alice)]
