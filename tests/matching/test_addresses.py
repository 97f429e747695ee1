"""A member whose address is not proven yet is proposed to nobody and nobody to them: not in
suggestions, rounds, rematches, support or an invitation's proposal, until
member.address_verified; then matching may propose them."""

from datetime import timedelta

from workbuddy_matching.use_cases import members, rounds, slots


def verified(uow, member_id: str, event_id: str = "verified-1") -> None:
    members.address_verified(uow, payload={"member_id": member_id, "email": "x@x.org",
                                           "verified_at": uow.now()},
                             event_id=event_id, automatic=True)


def test_an_unproven_member_is_suggested_to_nobody_and_gets_no_suggestion(uow, member):
    ana = member("Ana")
    bob = member("Bob", verified=False)
    assert [s["member_id"] for s in slots.suggestions_for(uow, member_id=ana)["items"]] == []
    assert slots.suggestions_for(uow, member_id=bob)["items"] == []
    verified(uow, bob)
    assert [s["member_id"] for s in slots.suggestions_for(uow, member_id=ana)["items"]] == [bob]


def test_no_round_or_rematch_proposes_an_unproven_member(uow, member):
    member("Ana", buddy_capacity=1)
    bob = member("Bob", buddy_capacity=1, verified=False)
    slots.fill_wanted(uow)
    rounds.run(uow, every=timedelta(0))
    assert uow.outbox.of_type("buddyship.proposed") == []
    verified(uow, bob)  # asks for Bob's slots to be filled
    slots.fill_wanted(uow)
    [told] = uow.outbox.of_type("buddyship.proposed")
    assert sorted(told["awaiting"]) == ["ana", bob]


def test_an_invitation_s_proposal_waits_for_the_invited_member_s_address(uow, member):
    ana = member("Ana")
    carl = member("Carl", verified=False, invited_by=ana)
    assert uow.outbox.of_type("buddyship.proposed") == []
    verified(uow, carl)
    verified(uow, carl)  # redelivered
    [told] = uow.outbox.of_type("buddyship.proposed")
    assert (told["proposer_id"], told["invitee_id"], told["origin"]) == (ana, carl, "invitation")


def test_a_verification_that_comes_first_is_not_undone_by_the_registration(uow, member):
    verified(uow, "bob")
    member("Ana")
    bob = member("Bob", verified=False)  # member.registered arrives late
    assert [s["member_id"] for s in slots.suggestions_for(uow, member_id="ana")["items"]] == [bob]
