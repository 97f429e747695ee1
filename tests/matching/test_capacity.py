"""A member's buddy capacity holds on every path: their own proposals, proposals to them,
invitations, matching's rematches, accepting after lowering it, two proposals racing for the
last place; support buddies stay outside it. Against the in-memory unit of work."""

import pytest

from workbuddy_contracts.errors import Conflict
from workbuddy_matching.adapters.repository import create_indexes
from workbuddy_matching.domain import buddyship, capacity
from workbuddy_matching.use_cases import members, proposals, slots


def open_held(uow, member_id: str) -> int:
    return len(uow.buddyships.open_held(member_id))


def test_a_full_member_can_neither_propose_nor_be_proposed_to_and_is_told_why(uow, member):
    ana = member("Ana", buddy_capacity=1)
    bob, cy, dee = member("Bob"), member("Cy"), member("Dee")
    proposals.propose(uow, proposer_id=bob, invitee_id=ana)
    with pytest.raises(Conflict, match="no room for another buddy right now"):
        proposals.propose(uow, proposer_id=cy, invitee_id=ana)
    with pytest.raises(Conflict, match=r"as your buddy capacity \(1\); raise it"):
        proposals.propose(uow, proposer_id=ana, invitee_id=dee)
    assert open_held(uow, ana) == 1 and uow.db.slots.count_documents({"member_id": ana}) == 1


def test_a_closed_proposal_frees_its_place_for_the_next_one(uow, member):
    ana, bob, cy = member("Ana", buddy_capacity=1), member("Bob"), member("Cy")
    first = proposals.propose(uow, proposer_id=bob, invitee_id=ana)["buddyship"]
    proposals.decline(uow, buddyship_id=first["id"], member_id=ana)
    second = proposals.propose(uow, proposer_id=cy, invitee_id=ana)["buddyship"]
    proposals.accept(uow, buddyship_id=second["id"], member_id=ana)
    proposals.end(uow, buddyship_id=second["id"], member_id=ana)
    proposals.propose(uow, proposer_id=ana, invitee_id=bob)
    assert open_held(uow, ana) == 1


def test_accepting_after_lowering_one_s_capacity_is_refused_with_what_to_do(uow, member):
    ana, bob, cy = member("Ana", buddy_capacity=2), member("Bob"), member("Cy")
    to_bob = proposals.propose(uow, proposer_id=bob, invitee_id=ana)["buddyship"]
    to_cy = proposals.propose(uow, proposer_id=cy, invitee_id=ana)["buddyship"]
    members.updated(uow, automatic=False, payload={
        "member_id": ana, "revision": 2, "display_name": "Ana", "language": "en",
        "profile": uow.pool.member(ana)["profile"] | {"buddy_capacity": 1}, "updated_at": uow.now()})
    proposals.accept(uow, buddyship_id=to_bob["id"], member_id=ana)
    with pytest.raises(Conflict, match="you already have 1 buddies and your buddy capacity is 1"):
        proposals.accept(uow, buddyship_id=to_cy["id"], member_id=ana)
    assert uow.buddyships.get(to_cy["id"])["state"] == buddyship.PROPOSED


def test_matching_fills_only_the_places_left_and_never_a_full_member_s(uow, member):
    ana = member("Ana", buddy_capacity=2)
    full = member("Fay", buddy_capacity=1)
    proposals.propose(uow, proposer_id=member("Gus"), invitee_id=full)
    for name in ("Bob", "Cy", "Dee"):
        member(name)
    proposals.propose(uow, proposer_id=ana, invitee_id="bob")
    made = slots.fill(uow, ana)
    assert len(made) == 1 and full not in buddyship.members_of(made[0])
    assert open_held(uow, ana) == 2 and slots.fill(uow, ana) == []


def test_two_proposals_racing_for_the_last_place_cannot_both_be_saved(uow, member):
    ana, bob, cy = member("Ana", buddy_capacity=1), member("Bob"), member("Cy")
    # Both were decided while Ana still had room: the store takes one.
    first = buddyship.propose(bob, ana, uow.now(), "b-1")
    second = buddyship.propose(cy, ana, uow.now(), "b-2")
    held = proposals._held(uow, ana)
    assert capacity.claim(held, capacity.INVITEE_FULL) == 0
    uow.buddyships.add(first.buddyship, ((bob, 0), (ana, 0)))
    uow.commit()
    uow.buddyships.add(second.buddyship, ((cy, 0), (ana, 0)))
    with pytest.raises(Conflict, match="last free place"):
        uow.commit()
    assert uow.buddyships.get("b-2") is None and open_held(uow, ana) == 1


def test_a_support_buddy_takes_nobody_s_place(uow, member):
    ana, sam = member("Ana", buddy_capacity=1), member("Sam", buddy_capacity=1)
    proposals.propose(uow, proposer_id=member("Bob"), invitee_id=ana)
    proposals.save(uow, buddyship.propose(ana, sam, uow.now(), "s-1", origin="support"))
    assert uow.buddyships.get("s-1")["state"] == buddyship.PROPOSED
    assert uow.db.slots.count_documents({"buddyship_id": "s-1"}) == 0


def test_slots_taken_for_some_members_agree_with_the_whole_pool_s_count(uow, member):
    ana, bob, cy = member("Ana", buddy_capacity=3), member("Bob"), member("Cy")
    dee, sam = member("Dee"), member("Sam")
    proposals.propose(uow, proposer_id=ana, invitee_id=bob)
    accepted = proposals.propose(uow, proposer_id=cy, invitee_id=ana)["buddyship"]
    proposals.accept(uow, buddyship_id=accepted["id"], member_id=ana)
    declined = proposals.propose(uow, proposer_id=dee, invitee_id=cy)["buddyship"]
    proposals.decline(uow, buddyship_id=declined["id"], member_id=cy)
    proposals.save(uow, buddyship.propose(sam, dee, uow.now(), "s-1", origin="support"))
    everyone = uow.buddyships.slots_taken()
    assert everyone == {ana: 2, bob: 1, cy: 1}
    assert uow.buddyships.slots_taken([ana, cy, dee, sam]) == {ana: 2, cy: 1}
    assert uow.buddyships.slots_taken([]) == {}
    assert uow.buddyships.supporting_now([ana, dee, sam]) == {dee, sam}
    assert uow.buddyships.supporting_now([ana, bob]) == set()


def test_a_support_buddyship_that_closes_frees_both_members_for_another(uow, member):
    ana, sam = member("Ana"), member("Sam")
    proposals.save(uow, buddyship.propose(sam, ana, uow.now(), "s-1", origin="support"))
    assert uow.buddyships.supporting_now([ana, sam]) == {ana, sam}
    proposals.decline(uow, buddyship_id="s-1", member_id=ana)
    assert uow.buddyships.supporting_now([ana, sam]) == set()


def test_open_buddyships_from_before_get_their_places_once_at_start_up(uow, member):
    ana, sam, bob, cy = member("Ana"), member("Sam"), member("Bob"), member("Cy")
    proposals.save(uow, buddyship.propose(sam, ana, uow.now(), "s-1", origin="support"))
    proposals.propose(uow, proposer_id=bob, invitee_id=ana)
    proposals.propose(uow, proposer_id=cy, invitee_id=ana)
    # As kept before slots_taken and supporting_now read them:
    uow.db.supporting.delete_many({})
    uow.db.slots.delete_many({"member_id": {"$in": [ana, cy]}})
    uow.db.upgrades.delete_many({})
    create_indexes(uow.db)
    assert uow.buddyships.supporting_now([ana, sam, bob]) == {ana, sam}
    assert uow.buddyships.slots_taken([ana, bob, cy, sam]) == {ana: 2, bob: 1, cy: 1}
    assert sorted(s["_id"] for s in uow.db.slots.find({"member_id": ana})) == [f"{ana}:0", f"{ana}:1"]
    uow.db.slots.delete_many({"member_id": cy})
    create_indexes(uow.db)  # once only
    assert uow.buddyships.slots_taken([cy]) == {}
