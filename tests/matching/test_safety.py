"""Blocks and reports, against the in-memory unit of work."""

import pytest

from workbuddy_contracts.errors import Forbidden, Invalid
from workbuddy_matching.use_cases import proposals, safety, slots


def test_a_block_ends_the_buddyship_at_once_and_tells_every_service(uow, member, active):
    ana, bob = member("Ana"), member("Bob")
    buddyship_id = active(ana, bob)
    safety.block(uow, blocker_id=bob, blocked_id=ana)
    assert uow.buddyships.get(buddyship_id)["state"] == "ended"
    assert uow.outbox.of_type("buddyship.ended")[0]["buddyship_id"] == buddyship_id
    [blocked] = uow.outbox.of_type("member.blocked")
    assert (blocked["blocker_id"], blocked["blocked_id"]) == (bob, ana)


def test_a_block_declines_a_waiting_proposal(uow, member):
    ana, bob = member("Ana"), member("Bob")
    proposals.propose(uow, proposer_id=ana, invitee_id=bob)
    safety.block(uow, blocker_id=bob, blocked_id=ana)
    assert len(uow.outbox.of_type("buddyship.declined")) == 1


def test_blocking_again_or_oneself_changes_nothing(uow, member):
    ana, bob = member("Ana"), member("Bob")
    safety.block(uow, blocker_id=ana, blocked_id=bob)
    safety.block(uow, blocker_id=bob, blocked_id=ana)  # the first block of a pair counts
    assert len(uow.outbox.of_type("member.blocked")) == 1
    with pytest.raises(Forbidden):
        safety.block(uow, blocker_id=ana, blocked_id=ana)


def test_blocked_members_are_never_suggested_to_each_other(uow, member):
    ana, bob = member("Ana"), member("Bob")
    assert [s["member_id"] for s in slots.suggestions_for(uow, member_id=ana)["items"]] == [bob]
    safety.block(uow, blocker_id=bob, blocked_id=ana)
    assert slots.suggestions_for(uow, member_id=ana)["items"] == []


def test_a_report_blocks_and_is_kept_for_operators(uow, member):
    ana, bob = member("Ana"), member("Bob")
    with pytest.raises(Invalid):
        safety.report(uow, reporter_id=ana, reported_id=bob, request={"reason": "no such reason"})
    safety.report(uow, reporter_id=ana, reported_id=bob,
                  request={"reason": "harassment", "details": "insults in a reaction"})
    assert uow.blocks.between(ana, bob)["blocker_id"] == ana
    [kept] = safety.reports(uow)
    assert (kept["reporter_id"], kept["reported_id"], kept["reason"]) == (ana, bob, "harassment")
    assert kept["at"] == uow.now().isoformat()
