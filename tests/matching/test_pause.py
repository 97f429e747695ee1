"""A pause: while a member asked for no new buddy, matching proposes nobody to them or for them
(rounds, rematches, support buddies, helpers for an ask, suggestions to others) and a member's
proposal to them is refused with the date; their buddies stay, and their slots are filled when
the pause ends. Against the in-memory unit of work."""

from datetime import timedelta

import pytest

from workbuddy_contracts.errors import Conflict
from workbuddy_matching.use_cases import members, proposals, rounds, slots, support


def pause(uow, member_id: str, days: float = 3) -> None:
    doc = uow.pool.member(member_id)
    until = uow.now() + timedelta(days=days)
    members.updated(uow, automatic=True, payload={
        "member_id": member_id, "revision": doc["revision"] + 1, "display_name": "x",
        "language": doc["language"], "updated_at": uow.now(),
        "profile": doc["profile"] | {"matching_paused_until": until}})


def test_nobody_is_proposed_to_or_for_a_paused_member_and_their_buddies_stay(uow, member, active):
    ana, bob, cy = member("Ana"), member("Bob"), member("Cy")
    buddyship_id = active(ana, bob)
    pause(uow, ana)
    uow.outbox.events.clear()
    assert slots.fill(uow, ana) == []
    assert ana not in [s["member_id"] for s in slots.suggestions_for(uow, member_id=cy)["items"]]
    with pytest.raises(Conflict, match="taking a break from new buddies until"):
        proposals.propose(uow, proposer_id=cy, invitee_id=ana)
    summary = rounds.run(uow, every=timedelta(0))
    assert all(ana not in (p["proposer_id"], p["invitee_id"])
               for p in uow.outbox.of_type("buddyship.proposed")), summary
    assert uow.buddyships.get(buddyship_id)["state"] == "active"
    assert rounds.status(uow, member_id=ana, every=timedelta(0))["paused_until"] is not None


def test_a_paused_member_offers_no_support_meanwhile(uow, member):
    mia = member("Mia")
    sam = member("Sam", offers_support=True)
    pause(uow, sam)
    support.offer_support(uow, moment={"moment_id": "m-1", "member_id": mia, "kind": "client_lost",
                                       "note": None, "logged_at": uow.now()})
    assert uow.outbox.of_type("buddyship.proposed") == []


def test_the_slots_are_filled_once_the_pause_is_over(uow, member):
    ana, bob = member("Ana"), member("Bob")
    uow.db.slot_requests.delete_many({})
    pause(uow, ana, days=2)  # the answers changed: a request to fill her slots...
    slots.fill_wanted(uow)
    assert uow.outbox.of_type("buddyship.proposed") == []  # ...kept for the end of the pause
    [waiting] = uow.db.slot_requests.find({"_id": ana})
    assert waiting["at"] == uow.now() + timedelta(days=2)
    uow.clock.advance(days=2, seconds=1)
    uow.db.slot_requests.delete_many({"_id": bob})
    slots.fill_wanted(uow)
    [proposed] = uow.outbox.of_type("buddyship.proposed")
    assert {proposed["proposer_id"], proposed["invitee_id"]} == {ana, bob}
