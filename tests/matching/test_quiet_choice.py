"""A buddy gone quiet, then a one-tap choice for the other: keep waiting, or end it kindly and
be proposed someone new at once. Against the in-memory unit of work."""

from datetime import timedelta

import pytest

from workbuddy_contracts.errors import Conflict, Invalid
from workbuddy_matching.use_cases import checkups, members


def gone_quiet(uow, member, active) -> tuple[str, str, str]:
    """Ana logs three moments a day apart; Bob reacts to none; the check-up flags him."""
    ana, bob = member("Ana", buddy_capacity=1), member("Bob")
    buddyship_id = active(ana, bob)
    for number in range(3):
        uow.clock.advance(days=1)
        members.moment_logged(uow, automatic=False, widen_after=timedelta(minutes=15), moment={
            "moment_id": f"m-{number}", "member_id": ana, "kind": "milestone", "note": None,
            "logged_at": uow.now()})
    uow.clock.advance(days=3)
    assert checkups.check_up(uow)["flagged"] == 1
    return ana, bob, buddyship_id


def choose(uow, buddyship_id, member_id, choice):
    return checkups.quiet_choice(uow, buddyship_id=buddyship_id, member_id=member_id,
                                 request={"choice": choice})


def test_ending_it_kindly_brings_someone_new_at_once(uow, member, active):
    ana, bob, buddyship_id = gone_quiet(uow, member, active)
    cy = member("Cy")
    uow.outbox.events.clear()
    chosen = choose(uow, buddyship_id, ana, "someone_new")
    assert chosen["buddyship"]["state"] == "ended"
    [new] = chosen["proposed"]
    assert {new["proposer_id"], new["invitee_id"]} == {ana, cy} and new["origin"] == "rematch"
    assert uow.outbox.types() == ["buddyship.ended", "buddyship.proposed"]  # nothing about blame


def test_keeping_waiting_is_remembered_and_the_buddyship_stays(uow, member, active):
    ana, bob, buddyship_id = gone_quiet(uow, member, active)
    chosen = choose(uow, buddyship_id, ana, "wait")
    assert chosen["buddyship"]["state"] == "active" and chosen["proposed"] == []
    health = checkups.buddyship_health(uow, buddyship_id=buddyship_id, member_id=ana)
    assert health["waiting_since"] == uow.now().isoformat()
    assert checkups.check_up(uow)["flagged"] == 0  # not asked again


def test_only_the_other_of_a_quiet_buddy_chooses_and_only_yes_choices(uow, member, active):
    ana, bob, buddyship_id = gone_quiet(uow, member, active)
    with pytest.raises(Conflict, match="has not gone quiet"):
        choose(uow, buddyship_id, bob, "someone_new")
    with pytest.raises(Invalid, match="choice"):
        choose(uow, buddyship_id, ana, "later")
    calm = active(member("Dee"), member("Eli"))
    with pytest.raises(Conflict, match="has not gone quiet"):
        choose(uow, calm, "dee", "wait")
