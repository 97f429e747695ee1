"""The buddyship's life (domain/buddyship.py): one key per pair, no self-buddy, double opt-in
for matching's proposals, who may answer or end, when proposals expire and support ends, what a
block or a member leaving does — each step with the events it records."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_contracts.errors import Conflict, Forbidden, NotFound
from workbuddy_contracts.events import make_event
from workbuddy_contracts.vocabulary import FORMER_MEMBER, BuddyshipState
from workbuddy_matching.domain import buddyship as buddyships

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def test_the_pair_key_does_not_depend_on_who_proposes():
    assert buddyships.pair_key("alice", "bob") == buddyships.pair_key("bob", "alice")


def test_different_pairs_have_different_keys():
    keys = {buddyships.pair_key(a, b) for a, b in [("a", "b"), ("a", "c"), ("b", "c"),
                                                    ("a", "bc"), ("ab", "c")]}
    assert len(keys) == 5


def test_a_proposal_is_proposed_and_keyed_by_its_pair():
    proposal = buddyships.propose("alice", "bob", NOW).buddyship
    assert proposal["state"] == BuddyshipState.PROPOSED
    assert proposal["pair"] == buddyships.pair_key("bob", "alice")
    assert (proposal["proposer_id"], proposal["invitee_id"]) == ("alice", "bob")
    assert proposal["proposed_at"] == NOW
    assert proposal["expires_at"] == NOW + buddyships.PROPOSAL_VALID_FOR
    assert proposal["_id"] != buddyships.propose("alice", "bob", NOW).buddyship["_id"]


def test_a_proposal_is_told_with_each_member_s_reasons_in_their_language():
    change = buddyships.propose("alice", "bob", NOW, "b-1", origin="round",
                                reasons={"alice": {"fr": ["Bob est à Lyon"], "en": ["Bob is in Lyon"]},
                                         "bob": {"fr": ["Alice est à Lyon"], "en": ["Alice is in Lyon"]}},
                                languages={"alice": "fr", "bob": "en"}, round_id="r-1")
    [(kind, payload)] = change.events
    assert kind == "buddyship.proposed"
    assert payload["reasons"] == {"alice": ["Bob est à Lyon"], "bob": ["Alice is in Lyon"]}
    assert payload["awaiting"] == ["alice", "bob"] and payload["origin"] == "round"
    assert change.buddyship["round_id"] == "r-1"
    make_event(kind, payload, producer="matching", correlation_id=None)  # the contract holds


def test_nobody_can_be_their_own_buddy():
    with pytest.raises(Forbidden) as caught:
        buddyships.propose("alice", "alice", NOW)
    assert caught.value.field == "buddy_id"
    assert caught.value.status == 403


def proposed(state=BuddyshipState.PROPOSED.value, origin="member") -> dict:
    return buddyships.propose("alice", "bob", NOW, "b-1", origin=origin).buddyship | {"state": state}


def test_the_invitee_s_yes_starts_a_member_s_proposal():
    change = buddyships.accept(proposed(), "b-1", "bob", LATER)
    assert change.buddyship["state"] == "active" and change.buddyship["started_at"] == LATER
    assert change.events == (("buddyship.started", {"buddyship_id": "b-1",
                                                    "member_ids": ["alice", "bob"],
                                                    "started_at": LATER,
                                                    "origin": "member"}),)


def test_matching_s_proposal_waits_for_both_yeses():
    first = buddyships.accept(proposed(origin="round"), "b-1", "alice", LATER)
    assert first.buddyship["state"] == "proposed" and first.events == ()
    assert buddyships.awaiting(first.buddyship) == ["bob"]
    with pytest.raises(Forbidden):  # a second yes from the same member
        buddyships.accept(first.buddyship, "b-1", "alice", LATER)
    second = buddyships.accept(first.buddyship, "b-1", "bob", LATER)
    assert second.buddyship["state"] == "active" and second.buddyship["answers"] == 2


def test_a_support_buddyship_ends_by_itself_after_its_days():
    started = buddyships.accept(buddyships.accept(proposed(origin="support"), "b-1", "alice", NOW)
                                .buddyship, "b-1", "bob", NOW).buddyship
    assert started["ends_at"] == NOW + buddyships.SUPPORT_LASTS
    assert buddyships.end_support(started, NOW + timedelta(days=1)) is None
    over = buddyships.end_support(started, NOW + buddyships.SUPPORT_LASTS)
    assert over.buddyship["state"] == "ended" and over.events[0][0] == "buddyship.ended"


def test_either_awaited_member_may_decline():
    change = buddyships.decline(proposed(), "b-1", "bob", LATER)
    assert (change.buddyship["state"], change.buddyship["closed_at"]) == ("declined", LATER)
    assert change.events[0] == ("buddyship.declined", {"buddyship_id": "b-1",
                                                       "member_ids": ["alice", "bob"],
                                                       "declined_at": LATER})


def test_answering_a_buddyship_that_does_not_exist_is_not_found():
    with pytest.raises(NotFound) as caught:
        buddyships.accept(None, "b-404", "bob", NOW)
    assert caught.value.field == "buddyship_id"
    assert "b-404" in caught.value.message


def test_a_stranger_to_the_buddyship_is_told_it_does_not_exist():
    # not Forbidden: a stranger must not learn that the buddyship exists
    for step in (buddyships.accept, buddyships.decline, buddyships.end):
        with pytest.raises(NotFound) as caught:
            step(proposed(), "b-1", "carol", NOW)
        assert caught.value.field == "buddyship_id"


def test_the_proposer_may_not_answer_their_own_proposal():
    with pytest.raises(Forbidden) as caught:
        buddyships.accept(proposed(), "b-1", "alice", NOW)
    assert caught.value.field == "member_id"
    assert caught.value.status == 403


@pytest.mark.parametrize("state", [BuddyshipState.ACTIVE, BuddyshipState.DECLINED,
                                   BuddyshipState.EXPIRED, BuddyshipState.ENDED])
def test_only_a_proposed_buddyship_can_be_answered(state):
    with pytest.raises(Conflict) as caught:
        buddyships.decline(proposed(state.value), "b-1", "bob", NOW)
    assert caught.value.field == "buddyship_id"
    assert state.value in caught.value.message


def test_either_buddy_ends_an_active_buddyship_and_only_an_active_one():
    change = buddyships.end(proposed("active"), "b-1", "alice", LATER)
    assert (change.buddyship["state"], change.buddyship["ended_at"]) == ("ended", LATER)
    assert change.events[0][1]["ended_at"] == LATER
    with pytest.raises(Conflict):
        buddyships.end(proposed(), "b-1", "alice", LATER)


def test_a_proposal_expires_only_once_due():
    proposal = proposed()
    assert buddyships.expire(proposal, NOW + timedelta(days=1)) is None
    due = buddyships.expire(proposal, NOW + buddyships.PROPOSAL_VALID_FOR)
    assert due.buddyship["state"] == "expired" and due.events[0][0] == "buddyship.expired"
    assert buddyships.expire(proposed("active"), NOW + timedelta(days=99)) is None


def test_a_block_ends_an_active_buddyship_and_declines_a_proposal():
    assert buddyships.close_for_block(proposed("active"), NOW).events[0][0] == "buddyship.ended"
    assert buddyships.close_for_block(proposed(), NOW).events[0][0] == "buddyship.declined"


def test_a_member_who_leaves_keeps_only_a_nameless_place():
    open_one = buddyships.forget_member(proposed("active"), "alice", NOW)
    assert (open_one["proposer_id"], open_one["invitee_id"]) == (FORMER_MEMBER, "bob")
    assert open_one["state"] == "ended" and open_one["reasons"] == {}
    assert open_one["pair"] == buddyships.pair_key(FORMER_MEMBER, "bob")
    assert buddyships.forget_member(proposed(), "bob", NOW)["state"] == "expired"
    ended = proposed("ended") | {"ended_at": NOW}
    assert buddyships.forget_member(ended, "bob", LATER)["ended_at"] == NOW  # already closed


def test_the_view_shows_started_at_only_once_started():
    buddyship = proposed()
    assert buddyships.view(buddyship)["started_at"] is None
    started = buddyship | {"state": "active", "started_at": NOW}
    assert buddyships.view(started)["started_at"] == NOW.isoformat()
    assert buddyships.members_of(started) == ["alice", "bob"]
