"""The buddyship rules of matching: one key per pair, no self-buddy, only the invitee answers."""

from datetime import UTC, datetime

import pytest

from workbuddy_contracts.errors import Forbidden, Invalid, NotFound
from workbuddy_contracts.vocabulary import BuddyshipState
from workbuddy_matching import buddyships

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_the_pair_key_does_not_depend_on_who_proposes():
    assert buddyships.pair_key("alice", "bob") == buddyships.pair_key("bob", "alice")


def test_different_pairs_have_different_keys():
    keys = {buddyships.pair_key(a, b) for a, b in [("a", "b"), ("a", "c"), ("b", "c"),
                                                    ("a", "bc"), ("ab", "c")]}
    assert len(keys) == 5


def test_a_proposal_is_proposed_and_keyed_by_its_pair():
    proposal = buddyships.propose("alice", "bob", NOW)
    assert proposal["state"] == BuddyshipState.PROPOSED
    assert proposal["pair"] == buddyships.pair_key("bob", "alice")
    assert (proposal["proposer_id"], proposal["invitee_id"]) == ("alice", "bob")
    assert proposal["proposed_at"] == NOW
    assert proposal["_id"] != buddyships.propose("alice", "bob", NOW)["_id"]


def test_nobody_can_be_their_own_buddy():
    with pytest.raises(Invalid) as caught:
        buddyships.propose("alice", "alice", NOW)
    assert caught.value.field == "buddy_id"
    assert caught.value.status == 422


def proposed(state=BuddyshipState.PROPOSED.value) -> dict:
    return buddyships.propose("alice", "bob", NOW) | {"state": state}


def test_the_invitee_may_answer_a_proposal():
    buddyship = proposed()
    assert buddyships.check_answer(buddyship, buddyship["_id"], "bob") is buddyship


def test_answering_a_buddyship_that_does_not_exist_is_not_found():
    with pytest.raises(NotFound) as caught:
        buddyships.check_answer(None, "b-404", "bob")
    assert caught.value.field == "buddyship_id"
    assert "b-404" in caught.value.message


def test_a_stranger_to_the_buddyship_is_told_it_does_not_exist():
    # not Forbidden: a stranger must not learn that the buddyship exists
    with pytest.raises(NotFound) as caught:
        buddyships.check_answer(proposed(), "b-1", "carol")
    assert caught.value.field == "buddyship_id"


def test_the_proposer_may_not_answer_their_own_proposal():
    with pytest.raises(Forbidden) as caught:
        buddyships.check_answer(proposed(), "b-1", "alice")
    assert caught.value.field == "member_id"
    assert caught.value.status == 403


@pytest.mark.parametrize("state", [BuddyshipState.ACTIVE, BuddyshipState.DECLINED,
                                   BuddyshipState.EXPIRED, BuddyshipState.ENDED])
def test_only_a_proposed_buddyship_can_be_answered(state):
    with pytest.raises(Invalid) as caught:
        buddyships.check_answer(proposed(state.value), "b-1", "bob")
    assert caught.value.field == "buddyship_id"
    assert state.value in caught.value.message


def test_the_view_shows_started_at_only_once_started():
    buddyship = proposed()
    assert buddyships.view(buddyship)["started_at"] is None
    started = buddyship | {"state": "active", "started_at": NOW}
    assert buddyships.view(started)["started_at"] == NOW.isoformat()
    assert buddyships.members_of(started) == ["alice", "bob"]
