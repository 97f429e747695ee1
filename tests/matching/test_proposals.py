"""Proposals, use case by use case, against the in-memory unit of work: a member proposes
(retried, refused), the other accepts or declines, either ends with a rating, proposals expire
and support buddyships end on time."""


import pytest

from workbuddy_contracts.errors import Conflict, Forbidden, Invalid, NotFound
from workbuddy_matching.domain import buddyship
from workbuddy_matching.use_cases import members, proposals, safety


def test_a_member_s_proposal_waits_for_the_other_with_reasons_for_both(uow, member):
    ana, bob = member("Ana", city="Lyon"), member("Bob", city="Lyon")
    answer = proposals.propose(uow, proposer_id=ana, invitee_id=bob)
    shown = answer["buddyship"]
    assert answer["replayed"] is False
    assert (shown["state"], shown["awaiting"]) == ("proposed", [bob])
    assert any("Lyon" in reason for reason in shown["reasons"])
    [told] = uow.outbox.of_type("buddyship.proposed")
    assert told["buddyship_id"] == shown["id"] and told["awaiting"] == [bob]
    assert told["reasons"][bob]  # what Bob is told about Ana, in his language


def test_a_proposal_retried_with_its_key_proposes_once_and_a_reused_key_is_refused(uow, member):
    ana, bob, cy = member("Ana"), member("Bob"), member("Cy")
    first = proposals.propose(uow, proposer_id=ana, invitee_id=bob, idempotency_key="k-1")
    again = proposals.propose(uow, proposer_id=ana, invitee_id=bob, idempotency_key="k-1")
    assert again == {"buddyship": first["buddyship"], "replayed": True}
    with pytest.raises(Invalid) as refused:
        proposals.propose(uow, proposer_id=ana, invitee_id=cy, idempotency_key="k-1")
    assert refused.value.field == "Idempotency-Key"
    assert len(uow.outbox.of_type("buddyship.proposed")) == 1


def test_a_pair_has_one_open_buddyship_at_a_time(uow, member):
    ana, bob = member("Ana"), member("Bob")
    proposals.propose(uow, proposer_id=ana, invitee_id=bob)
    with pytest.raises(Conflict) as refused:
        proposals.propose(uow, proposer_id=bob, invitee_id=ana)
    assert refused.value.field == "buddy_id"


def test_a_blocked_member_is_not_there_for_whoever_they_blocked(uow, member):
    ana, bob = member("Ana"), member("Bob")
    safety.block(uow, blocker_id=ana, blocked_id=bob)
    with pytest.raises(Conflict, match="you have blocked"):
        proposals.propose(uow, proposer_id=ana, invitee_id=bob)
    with pytest.raises(NotFound):  # Bob is not told he was blocked
        proposals.propose(uow, proposer_id=bob, invitee_id=ana)


def test_accepting_starts_the_buddyship_and_tells_both(uow, member):
    ana, bob = member("Ana"), member("Bob")
    proposal = proposals.propose(uow, proposer_id=ana, invitee_id=bob)["buddyship"]
    with pytest.raises(Forbidden):
        proposals.accept(uow, buddyship_id=proposal["id"], member_id=ana)
    started = proposals.accept(uow, buddyship_id=proposal["id"], member_id=bob)
    assert started["state"] == "active" and started["started_at"] == uow.now().isoformat()
    [told] = uow.outbox.of_type("buddyship.started")
    assert told["member_ids"] == [ana, bob]


def test_an_answer_to_a_proposal_answered_meanwhile_is_a_conflict_and_writes_nothing(uow, member):
    ana, bob = member("Ana"), member("Bob")
    proposal = proposals.propose(uow, proposer_id=ana, invitee_id=bob)["buddyship"]
    stale = uow.buddyships.get(proposal["id"])
    proposals.decline(uow, buddyship_id=proposal["id"], member_id=bob)
    change = buddyship.accept(stale, stale["_id"], bob, uow.now())
    uow.buddyships.save(change.buddyship, was=stale)
    uow.record(*change.events)
    with pytest.raises(Conflict, match="answered meanwhile"):
        uow.commit()
    assert uow.buddyships.get(proposal["id"])["state"] == "declined"
    assert uow.outbox.of_type("buddyship.started") == []


def test_declining_frees_the_pair(uow, member):
    ana, bob = member("Ana"), member("Bob")
    proposal = proposals.propose(uow, proposer_id=ana, invitee_id=bob)["buddyship"]
    assert proposals.decline(uow, buddyship_id=proposal["id"], member_id=bob)["state"] == "declined"
    assert uow.outbox.of_type("buddyship.declined")[0]["member_ids"] == [ana, bob]
    assert not uow.buddyships.pair_is_open(buddyship.pair_key(ana, bob))


def test_either_buddy_ends_it_with_an_optional_rating(uow, member, active):
    ana, bob = member("Ana"), member("Bob")
    buddyship_id = active(ana, bob)
    with pytest.raises(Invalid):
        proposals.end(uow, buddyship_id=buddyship_id, member_id=ana, request={"rating": 9})
    ended = proposals.end(uow, buddyship_id=buddyship_id, member_id=ana, request={"rating": 4})
    assert ended["state"] == "ended"
    assert uow.buddyships.ratings_of(buddyship_id) == [4]
    assert uow.outbox.of_type("buddyship.ended")[0]["buddyship_id"] == buddyship_id
    with pytest.raises(Conflict):  # ended already
        proposals.end(uow, buddyship_id=buddyship_id, member_id=bob)


def test_a_member_s_buddyships_come_a_page_at_a_time(uow, member):
    ana = member("Ana", buddy_capacity=3)
    for name in ("Bob", "Cy", "Dan"):
        proposals.propose(uow, proposer_id=ana, invitee_id=member(name))
        uow.clock.advance(seconds=1)
    first = proposals.buddyships_of(uow, member_id=ana, limit=2)
    second = proposals.buddyships_of(uow, member_id=ana, limit=2, cursor=first["next"])
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next"] is None


def test_unanswered_proposals_expire_and_support_ends_when_its_days_are_over(uow, member):
    ana, bob, sam = member("Ana"), member("Bob"), member("Sam")
    proposals.propose(uow, proposer_id=ana, invitee_id=bob)
    support = buddyship.propose(ana, sam, uow.now(), "s-1", origin="support")
    proposals.save(uow, support)
    for who in (ana, sam):
        proposals.accept(uow, buddyship_id="s-1", member_id=who)
    assert proposals.close_due(uow) == 0
    uow.clock.advance(days=15)
    assert proposals.close_due(uow) == 2
    assert uow.outbox.of_type("buddyship.expired")[0]["member_ids"] == [ana, bob]
    assert uow.outbox.of_type("buddyship.ended")[0]["buddyship_id"] == "s-1"
    assert proposals.close_due(uow) == 0  # nothing twice


def test_an_invitation_proposes_the_two_first_and_once(uow, member):
    ana = member("Ana")
    member("Bob", answered=False)
    payload = {"member_id": "carl", "email": "c@x.org", "display_name": "Carl", "language": "fr",
               "registered_at": uow.now(), "invited_by": ana}
    members.registered(uow, payload=payload, event_id="e-1")
    members.registered(uow, payload=payload, event_id="e-1")  # redelivered
    [told] = uow.outbox.of_type("buddyship.proposed")
    assert (told["proposer_id"], told["invitee_id"], told["origin"]) == (ana, "carl", "invitation")
