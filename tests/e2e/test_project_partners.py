"""A partner for a project idea, over real processes: a member logs a project idea that looks
for a partner with two skills; a member open to projects who has them is proposed, each told
why, and both accept."""

import uuid

from ..support.waiting import eventually
from .test_bad_input import assert_problem


def test_a_project_idea_finds_a_partner_with_the_skills_it_needs(gateway):
    skill = f"bakery-erp-{uuid.uuid4().hex[:6]}"  # a skill nobody else here has
    wes, xia = gateway.sign_up("Wes", "en"), gateway.sign_up("Xia", "en")
    changed = gateway.request("PATCH", "/v1/me", xia, json={"open_to_projects": True,
                                                           "skills": [skill, "react"]})
    assert changed.status_code == 200 and changed.json()["profile"]["open_to_projects"] is True
    eventually(lambda: gateway.request("GET", "/v1/me/matching", xia).json()["answered"])
    gateway.request("PATCH", "/v1/me", wes, json={"city": "Lyon"})
    eventually(lambda: gateway.request("GET", "/v1/me/matching", wes).json()["answered"])

    assert_problem(gateway.request("POST", "/v1/me/moments", wes, json={
        "kind": "project_idea", "seeking_partner": True}), 422, "skills_wanted")
    logged = gateway.request("POST", "/v1/me/moments", wes, json={
        "kind": "project_idea", "note": "An ordering app for a bakery chain",
        "seeking_partner": True, "skills_wanted": [skill]})
    assert logged.status_code == 201 and logged.json()["skills_wanted"] == [skill]

    def proposal_to(member):
        items = gateway.request("GET", "/v1/me/buddyships", member).json()["items"]
        return next((b for b in items if b["origin"] == "project"), None)

    found = eventually(lambda: proposal_to(xia), timeout=20)
    assert {found["proposer_id"], found["invitee_id"]} == {wes["id"], xia["id"]}
    assert found["reasons"][0] == f"Wes is looking for a project partner with your skills: {skill}"
    assert proposal_to(wes)["reasons"][0] == f"Xia has the skills your project needs: {skill}"
    for member in (wes, xia):
        answered = gateway.request("POST", f"/v1/me/buddyships/{found['id']}/accept", member)
        assert answered.status_code == 200, answered.text
    assert answered.json()["state"] == "active"
