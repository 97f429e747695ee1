"""Profiles, use case by use case: reading members, changing one's answers, and what a block
hides, against the in-memory unit of work."""

import pytest

from workbuddy_contracts.errors import Conflict, NotFound, PreconditionFailed
from workbuddy_profiles.use_cases import buddies, profiles


def test_a_member_is_found_by_id_and_an_unknown_id_is_not_found(uow, sign_up):
    alice = sign_up("Alice")
    assert profiles.get_member(uow, member_id=alice["id"]) == alice
    with pytest.raises(NotFound) as refused:
        profiles.get_member(uow, member_id="nobody")
    assert refused.value.field == "member_id"


def test_several_members_at_once_leave_unknown_ids_out(uow, sign_up):
    alice, bob = sign_up("Alice"), sign_up("Bob")
    found = profiles.get_members(uow, member_ids=[bob["id"], "nobody", alice["id"]])
    assert {m["id"] for m in found} == {alice["id"], bob["id"]}


def test_changing_answers_raises_the_revision_and_tells_the_others(uow, sign_up):
    alice = sign_up("Alice")
    changed = profiles.update_profile(uow, member_id=alice["id"], request={
        "display_name": "Alice B.", "availability": {"focus_until": None}}, if_revision=1)
    assert (changed["display_name"], changed["revision"]) == ("Alice B.", 2)
    [told] = uow.outbox.of_type("member.updated")
    assert (told["revision"], told["display_name"]) == (2, "Alice B.")
    assert "email" not in told


def test_a_change_that_changes_nothing_tells_nobody(uow, sign_up):
    alice = sign_up("Alice")
    same = profiles.update_profile(uow, member_id=alice["id"], request={"display_name": "Alice"})
    assert same["revision"] == 1
    assert uow.outbox.of_type("member.updated") == []


def test_a_change_made_on_an_old_revision_is_refused(uow, sign_up):
    alice = sign_up("Alice")
    profiles.update_profile(uow, member_id=alice["id"], request={"display_name": "Al"})
    with pytest.raises(PreconditionFailed) as refused:
        profiles.update_profile(uow, member_id=alice["id"], request={"display_name": "Ali"},
                                if_revision=1)
    assert refused.value.field == "If-Match"


def test_a_profile_replaced_meanwhile_is_a_conflict_and_writes_nothing(uow, sign_up):
    alice = sign_up("Alice")
    stale = uow.members.find(alice["id"])
    profiles.update_profile(uow, member_id=alice["id"], request={"display_name": "Al"})
    uow.members.replace(stale | {"display_name": "Stale"}, stale)
    with pytest.raises(Conflict):
        uow.commit()
    assert uow.members.find(alice["id"])["display_name"] == "Al"


def test_a_block_hides_each_from_the_other_but_not_from_themselves(uow, sign_up):
    alice, bob = sign_up("Alice"), sign_up("Bob")
    assert profiles.public_profile(uow, viewer_id=alice["id"], member_id=bob["id"])["id"] == bob["id"]
    buddies.member_blocked(uow, payload={"blocker_id": bob["id"], "blocked_id": alice["id"],
                                         "blocked_at": uow.now()})
    for viewer, seen in ((alice, bob), (bob, alice)):
        with pytest.raises(NotFound):
            profiles.public_profile(uow, viewer_id=viewer["id"], member_id=seen["id"])
    assert profiles.public_profile(uow, viewer_id=bob["id"], member_id=bob["id"])["id"] == bob["id"]
