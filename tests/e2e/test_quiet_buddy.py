"""A quiet buddy, then a new one, through the public API: the member ends it kindly and is
proposed someone new at once; or keeps waiting. A buddy goes quiet only after days of silence,
so the check-up's verdict is written where the check-up writes it."""

from datetime import UTC, datetime

from pymongo import MongoClient

from ..support.waiting import eventually
from .test_bad_input import assert_problem


def flag_quiet(mongo_uri: str, db_prefix: str, buddyship_id: str, quiet_member_id: str) -> None:
    """What matching's check-up records when a buddy answered none of several moments."""
    buddyships = MongoClient(mongo_uri, tz_aware=True)[f"{db_prefix}matching"].buddyships
    doc = buddyships.find_one({"_id": buddyship_id})
    buddyships.replace_one({"_id": buddyship_id}, doc | {
        "quiet": {"member_id": quiet_member_id, "at": datetime.now(UTC)}})


def test_a_quiet_buddy_is_ended_kindly_and_someone_new_is_proposed_at_once(
        gateway, mongo_uri, db_prefix):
    rae, sol = gateway.sign_up("Rae", "en"), gateway.sign_up("Sol", "en")
    buddyship = gateway.become_buddies(rae, sol)
    assert_problem(gateway.request("POST", f"/v1/me/buddyships/{buddyship['id']}/quiet", rae,
                                   json={"choice": "someone_new"}), 409, "buddyship_id")
    flag_quiet(mongo_uri, db_prefix, buddyship["id"], sol["id"])
    health = gateway.request("GET", f"/v1/me/buddyships/{buddyship['id']}/health", rae).json()
    assert health["quiet_member_id"] == sol["id"] and health["waiting_since"] is None
    assert_problem(gateway.request("POST", f"/v1/me/buddyships/{buddyship['id']}/quiet", sol,
                                   json={"choice": "wait"}), 409, "buddyship_id")

    # Someone who fits, with room: proposed the moment Rae chooses.
    tao = gateway.sign_up("Tao", "en")
    for member in (rae, tao):
        gateway.request("PATCH", "/v1/me", member, json={"city": "Lyon", "buddy_capacity": 1})
        eventually(lambda m=member: gateway.request("GET", "/v1/me/matching", m).json()["answered"])
    chosen = gateway.request("POST", f"/v1/me/buddyships/{buddyship['id']}/quiet", rae,
                             json={"choice": "someone_new"})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["buddyship"]["state"] == "ended"
    proposed = chosen.json()["proposed"]
    assert len(proposed) == 1 and proposed[0]["origin"] == "rematch"
    assert rae["id"] in (proposed[0]["proposer_id"], proposed[0]["invitee_id"])
    # Sol reads only that it ended.
    told = eventually(lambda: [n for n in gateway.request("GET", "/v1/me/notifications", sol)
                               .json()["items"] if n["kind"] == "buddyship_ended"])
    # Sol reads the same warm, neutral word as Rae: nothing says who ended it, or why.
    assert told[0]["text"] == ("Your buddyship with Rae came to a gentle close. Thank you for the "
                               "time you shared; your place is open again for someone new")


def test_keeping_waiting_is_remembered(gateway, mongo_uri, db_prefix):
    uma, val = gateway.sign_up("Uma", "fr"), gateway.sign_up("Val", "fr")
    buddyship = gateway.become_buddies(uma, val)
    flag_quiet(mongo_uri, db_prefix, buddyship["id"], val["id"])
    chosen = gateway.request("POST", f"/v1/me/buddyships/{buddyship['id']}/quiet", uma,
                             json={"choice": "wait"})
    assert chosen.status_code == 200 and chosen.json()["buddyship"]["state"] == "active"
    health = gateway.request("GET", f"/v1/me/buddyships/{buddyship['id']}/health", uma).json()
    assert health["waiting_since"] is not None
