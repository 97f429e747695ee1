"""What matching learns from profiles' events, a member's export and erasure, and the
check-up of buddyships, against the in-memory unit of work."""

from datetime import timedelta

import pytest

from workbuddy_contracts.errors import NotFound
from workbuddy_contracts.vocabulary import FORMER_MEMBER
from workbuddy_matching.use_cases import checkups, members, proposals, safety


def moment(uow, author: str, kind: str, moment_id: str, automatic: bool = True) -> dict:
    logged = {"moment_id": moment_id, "member_id": author, "kind": kind, "note": None,
              "logged_at": uow.now()}
    members.moment_logged(uow, moment=logged, automatic=automatic,
                          widen_after=timedelta(minutes=15))
    return logged


def test_a_newer_profile_replaces_an_older_one_whatever_order_they_arrive_in(uow, member):
    ana = member("Ana", city="Lyon")
    members.updated(uow, automatic=True, payload={
        "member_id": ana, "revision": 3, "display_name": "Ana", "language": "en",
        "profile": uow.pool.member(ana)["profile"] | {"city": "Nantes"}, "updated_at": uow.now()})
    members.updated(uow, automatic=True, payload={
        "member_id": ana, "revision": 2, "display_name": "Ana", "language": "en",
        "profile": uow.pool.member(ana)["profile"] | {"city": "Brest"}, "updated_at": uow.now()})
    assert uow.pool.member(ana)["profile"]["city"] == "Nantes"


def test_a_setback_with_no_buddy_at_hand_brings_a_supporter_who_lived_it(uow, member):
    mia = member("Mia")
    member("Sam", offers_support=True)
    member("Tess", offers_support=True)
    uow.pool.lived("sam", ["client_lost"])
    moment(uow, mia, "client_lost", "m-1")
    [told] = uow.outbox.of_type("buddyship.proposed")
    assert (told["origin"], told["invitee_id"]) == ("support", "sam")
    assert uow.pool.member(mia)["setbacks"] == ["client_lost"]


def test_a_setback_proposes_nobody_when_matching_leaves_proposals_to_members(uow, member):
    mia = member("Mia")
    member("Sam", offers_support=True)
    uow.outbox.events.clear()
    moment(uow, mia, "client_lost", "m-1", automatic=False)
    assert uow.outbox.events == []


def test_a_win_asks_for_more_buddies_and_a_reaction_counts_as_activity(uow, member, active):
    ana, bob = member("Ana"), member("Bob")
    active(ana, bob)
    uow.db.slot_requests.delete_many({})
    moment(uow, ana, "client_won", "m-1")
    assert [r["_id"] for r in uow.rounds.wanting_slots_filled(uow.now())] == [ana]
    uow.clock.advance(hours=1)
    members.reacted(uow, reaction={"reaction_id": "r-1", "moment_id": "m-1", "author_id": ana,
                                   "reactor_id": bob, "kind": "cheer", "message": None,
                                   "reacted_at": uow.now()})
    assert uow.pool.member(bob)["last_active_at"] == uow.now()


def test_a_closed_buddyship_frees_both_members_slots(uow, member):
    ana, bob = member("Ana"), member("Bob")
    uow.db.slot_requests.delete_many({})
    members.slot_freed(uow, payload={"buddyship_id": "b-1", "member_ids": [ana, bob]},
                       automatic=True)
    assert sorted(r["_id"] for r in uow.rounds.wanting_slots_filled(uow.now())) == [ana, bob]


def test_an_export_holds_buddyships_pool_and_reports_and_leaving_erases_them(uow, member, active):
    ana, bob, cy = member("Ana"), member("Bob"), member("Cy")
    buddyship_id = active(ana, bob)
    safety.report(uow, reporter_id=ana, reported_id=cy, request={"reason": "spam"})
    moment(uow, ana, "client_won", "m-1")
    exported = members.export(uow, member_id=ana)
    assert [b["id"] for b in exported["buddyships"]] == [buddyship_id]
    assert exported["pool"][0]["_id"] == ana and len(exported["reports_made"]) == 1
    assert [m["_id"] for m in exported["moments"]] == ["m-1"]

    uow.db.slot_requests.delete_many({})
    members.left(uow, member_id=ana, automatic=True)
    kept = uow.buddyships.get(buddyship_id)
    assert kept["proposer_id"] == FORMER_MEMBER and kept["state"] == "ended"
    assert uow.pool.member(ana) is None and uow.blocks.others_of(ana) == set()
    assert uow.reports.made_by(ana) == []  # the report stays, without who told
    assert [r["_id"] for r in uow.rounds.wanting_slots_filled(uow.now())] == [bob]  # Bob's slot is free
    assert members.export(uow, member_id=ana) == {"buddyships": [], "pool": [], "ratings": [],
                                                  "moments": [], "reactions": [],
                                                  "reports_made": [], "asks": [], "check_ins": []}


def test_the_check_up_flags_a_buddy_gone_quiet_once(uow, member, active):
    ana, bob = member("Ana"), member("Bob")
    buddyship_id = active(ana, bob)
    for number in range(3):  # Ana logs; Bob never reacts
        uow.clock.advance(days=1)
        moment(uow, ana, "milestone", f"m-{number}")
    uow.clock.advance(days=3)
    assert checkups.check_up(uow) == {"members": 2, "flagged": 1}
    [quiet] = uow.outbox.of_type("buddyship.quiet")
    assert (quiet["quiet_member_id"], quiet["unanswered"]) == (bob, 3)
    assert checkups.check_up(uow)["flagged"] == 0  # told once
    health = checkups.buddyship_health(uow, buddyship_id=buddyship_id, member_id=ana)
    assert health["quiet_member_id"] == bob
    with pytest.raises(NotFound):
        checkups.buddyship_health(uow, buddyship_id=buddyship_id, member_id="cy")


def test_the_periodic_check_up_runs_once_per_period(uow, member):
    member("Ana")
    assert checkups.check_up_if_due(uow, every=timedelta(hours=1)) is not None
    assert checkups.check_up_if_due(uow, every=timedelta(hours=1)) is None
    uow.clock.advance(hours=2)
    assert checkups.check_up_if_due(uow, every=timedelta(hours=1)) is not None


def test_a_proposal_made_before_the_member_left_expires_with_them(uow, member):
    ana, bob = member("Ana"), member("Bob")
    proposal = proposals.propose(uow, proposer_id=ana, invitee_id=bob)["buddyship"]
    members.left(uow, member_id=bob, automatic=False)
    assert uow.buddyships.get(proposal["id"])["state"] == "expired"
    assert not uow.buddyships.pair_is_open(uow.buddyships.get(proposal["id"])["pair"])
