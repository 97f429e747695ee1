"""A pause through the public API: a member asks for no new buddy until a date; a proposal to
them is refused with that date, matching says so, and resuming makes them proposable again."""

from datetime import UTC, datetime, timedelta

from ..support.waiting import eventually
from .test_bad_input import assert_problem


def test_a_member_pauses_new_buddies_then_resumes(gateway):
    kai, lin = gateway.sign_up("Kai", "en"), gateway.sign_up("Lin", "en")
    until = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    paused = gateway.request("PATCH", "/v1/me", kai, json={"matching_paused_until": until.isoformat()})
    assert paused.status_code == 200, paused.text
    assert paused.json()["profile"]["matching_paused_until"].startswith(until.date().isoformat())
    status = eventually(lambda: (s := gateway.request("GET", "/v1/me/matching", kai).json())
                        ["paused_until"] and s)
    assert status["paused_until"].startswith(until.date().isoformat())

    refused = assert_problem(gateway.propose(lin, kai), 409, "buddy_id")
    assert f"taking a break from new buddies until {until.date().isoformat()}" in refused["detail"]

    resumed = gateway.request("PATCH", "/v1/me", kai, json={"matching_paused_until": None})
    assert resumed.status_code == 200 and resumed.json()["profile"]["matching_paused_until"] is None
    eventually(lambda: gateway.request("GET", "/v1/me/matching", kai).json()["paused_until"] is None)
    assert gateway.propose(lin, kai).status_code == 201
