"""Suggestions, filling open slots, rounds and where a member stands, against the in-memory
unit of work."""

from datetime import timedelta

import pytest

from workbuddy_contracts.errors import Conflict
from workbuddy_matching.use_cases import proposals, rounds, slots, turns

DAY = timedelta(hours=24)


def test_suggestions_are_best_first_with_reasons_in_the_member_s_language(uow, member):
    ana = member("Ana", language="fr", city="Lyon", sector="ux_design")
    member("Bob", city="Lyon", sector="ux_design")
    member("Cy", city="Brest", sector="accounting")
    found = slots.suggestions_for(uow, member_id=ana, limit=5)["items"]
    assert [s["member_id"] for s in found] == ["bob", "cy"]
    assert found[0]["score"] > found[1]["score"]
    assert "tous les deux à Lyon" in found[0]["reasons"]  # Ana reads French
    assert slots.suggestions_for(uow, member_id="nobody") == {"items": [], "next": None}


def test_slots_opened_are_filled_by_whoever_holds_the_proposing_turn(uow, member):
    ana = member("Ana", buddy_capacity=1)
    member("Bob", buddy_capacity=1)
    slots.fill_wanted(uow)  # both asked when they answered
    [told] = uow.outbox.of_type("buddyship.proposed")
    assert told["origin"] == "rematch" and sorted(told["awaiting"]) == [ana, "bob"]
    assert uow.rounds.wanting_slots_filled(uow.now()) == []
    slots.want_filled(uow, ana, automatic=True)
    slots.fill_wanted(uow)
    assert len(uow.outbox.of_type("buddyship.proposed")) == 1  # her one slot is taken


def test_no_slot_is_filled_when_matching_does_not_propose_on_its_own(uow, member):
    ana = member("Ana")
    uow.db.slot_requests.delete_many({})
    slots.want_filled(uow, ana, automatic=False)
    assert uow.rounds.wanting_slots_filled(uow.now()) == []


def test_another_replica_s_turn_means_this_one_proposes_nothing(uow, member):
    member("Ana")
    member("Bob")
    uow.db.leases.insert_one({"_id": turns.PROPOSING, "holder": "elsewhere",
                              "expires_at": uow.now() + timedelta(days=1)})
    slots.fill_wanted(uow)
    assert uow.outbox.of_type("buddyship.proposed") == []
    with pytest.raises(Conflict):
        rounds.run_now(uow, every=DAY)


def test_a_round_proposes_and_tells_who_it_left_out_and_when_the_next_one_is(uow, member):
    ana, bob = member("Ana", buddy_capacity=1), member("Bob", buddy_capacity=1)
    member("Dev", languages=["de"], buddy_capacity=1)  # shares no language with anyone
    summary = rounds.run_now(uow, every=DAY)
    assert (summary["proposed"], summary["left_out"]) == (1, 1)
    [unmatched] = uow.outbox.of_type("member.unmatched")
    assert unmatched["member_id"] == "dev" and unmatched["reason"] == "no_compatible_member"
    status = rounds.status(uow, member_id="dev", every=DAY)
    assert status["left_out"]["reason"] == "no_compatible_member"
    assert status["next_round_at"] == (uow.now() + DAY).isoformat()
    assert rounds.status(uow, member_id=ana, every=DAY)["open_slots"] == 0
    assert sorted(uow.outbox.of_type("buddyship.proposed")[0]["awaiting"]) == [ana, bob]


def test_a_periodic_round_runs_once_per_period(uow, member):
    member("Ana")
    assert rounds.run_if_due(uow, every=DAY) is not None  # none ran yet
    assert rounds.run_if_due(uow, every=DAY) is None
    uow.clock.advance(hours=25)
    assert rounds.run_if_due(uow, every=DAY) is not None
    assert rounds.run_if_due(uow, every=timedelta(0)) is None  # rounds turned off


def test_where_a_member_stands_before_answering(uow, member):
    cy = member("Cy", answered=False)
    status = rounds.status(uow, member_id=cy, every=timedelta(0))
    assert status == {"answered": False, "open_slots": 2, "left_out": None, "last_round_at": None,
                      "next_round_at": None, "paused_until": None}


def test_a_win_with_room_for_more_asks_for_slots_and_a_full_member_gets_nobody(uow, member):
    ana, bob = member("Ana", buddy_capacity=1), member("Bob", buddy_capacity=1)
    proposals.propose(uow, proposer_id=ana, invitee_id=bob)
    assert slots.fill(uow, ana) == []
