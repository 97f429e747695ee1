"""The journal, use case by use case: logging moments (retried), who sees them, the feed, and
reactions, against the in-memory unit of work."""

import pytest

from workbuddy_contracts.errors import Forbidden, Invalid, NotFound
from workbuddy_profiles.use_cases import buddies, journal


def log(uow, member, kind="client_won", note=None, **more):
    return journal.log_moment(uow, member_id=member["id"], request={"kind": kind, "note": note},
                              **more)


def test_a_moment_is_kept_and_told_to_the_others(uow, sign_up):
    alice = sign_up("Alice")
    answer = log(uow, alice, note="  Signed with Acme  ")
    assert answer["replayed"] is False
    assert answer["moment"]["note"] == "Signed with Acme"
    [told] = uow.outbox.of_type("moment.logged")
    assert (told["moment_id"], told["member_id"], told["kind"]) == (
        answer["moment"]["id"], alice["id"], "client_won")


def test_a_moment_retried_with_its_key_is_logged_once_and_a_reused_key_is_refused(uow, sign_up):
    alice = sign_up("Alice")
    first = log(uow, alice, note="Acme", idempotency_key="k-1")
    again = log(uow, alice, note="Acme", idempotency_key="k-1")
    assert again == {"moment": first["moment"], "replayed": True}
    with pytest.raises(Invalid) as refused:
        log(uow, alice, note="Another client", idempotency_key="k-1")
    assert refused.value.field == "Idempotency-Key"
    assert len(uow.outbox.of_type("moment.logged")) == 1


def test_an_urgent_ask_may_go_wider_and_only_an_urgent_ask(uow, sign_up):
    alice = sign_up("Alice")
    answer = journal.log_moment(uow, member_id=alice["id"], request={
        "kind": "urgent_advice", "note": "Pricing?", "widen": True})
    assert answer["moment"]["widen"] is True
    [told] = uow.outbox.of_type("moment.logged")
    assert told["widen"] is True
    with pytest.raises(Invalid, match="only an urgent ask") as refused:
        journal.log_moment(uow, member_id=alice["id"], request={"kind": "client_question",
                                                                "widen": True})
    assert refused.value.field == "widen"
    assert len(uow.outbox.of_type("moment.logged")) == 1


def test_only_a_project_idea_seeks_a_partner_and_it_names_the_skills_it_needs(uow, sign_up):
    alice = sign_up("Alice")
    answer = journal.log_moment(uow, member_id=alice["id"], request={
        "kind": "project_idea", "seeking_partner": True, "skills_wanted": [" React ", "SEO"]})
    assert answer["moment"]["skills_wanted"] == ["React", "SEO"]
    [told] = uow.outbox.of_type("moment.logged")
    assert (told["seeking_partner"], told["skills_wanted"]) == (True, ["React", "SEO"])
    for request, field in (({"kind": "client_won", "seeking_partner": True}, "seeking_partner"),
                           ({"kind": "project_idea", "seeking_partner": True}, "skills_wanted")):
        with pytest.raises(Invalid) as refused:
            journal.log_moment(uow, member_id=alice["id"], request=request)
        assert refused.value.field == field


def test_an_unknown_member_logs_nothing(uow):
    with pytest.raises(NotFound):
        log(uow, {"id": "nobody"})
    assert uow.outbox.events == []


def test_a_buddy_sees_moments_since_the_buddyship_began_and_others_see_none(
        uow, sign_up, become_buddies):
    alice, bob, carol = sign_up("Alice"), sign_up("Bob"), sign_up("Carol")
    before = log(uow, alice, note="before Bob")["moment"]
    uow.clock.advance(minutes=1)
    become_buddies(alice, bob)
    uow.clock.advance(minutes=1)
    after = log(uow, alice, note="with Bob")["moment"]
    seen = journal.moments_of(uow, viewer_id=bob["id"], member_id=alice["id"])["items"]
    assert [m["id"] for m in seen] == [after["id"]]
    own = journal.moments_of(uow, viewer_id=alice["id"], member_id=alice["id"])["items"]
    assert [m["id"] for m in own] == [after["id"], before["id"]]
    with pytest.raises(NotFound):
        journal.moments_of(uow, viewer_id=carol["id"], member_id=alice["id"])


def test_the_feed_gathers_the_buddies_moments_newest_first(uow, sign_up, become_buddies):
    alice, bob, carol = sign_up("Alice"), sign_up("Bob"), sign_up("Carol")
    become_buddies(carol, alice, "b-1")
    become_buddies(carol, bob, "b-2")
    uow.clock.advance(minutes=1)
    first = log(uow, alice)["moment"]
    uow.clock.advance(minutes=1)
    second = log(uow, bob, kind="client_lost")["moment"]
    feed = journal.feed_of(uow, member_id=carol["id"])["items"]
    assert [m["id"] for m in feed] == [second["id"], first["id"]]
    assert journal.feed_of(uow, member_id=alice["id"])["items"] == []


def test_an_ended_buddyship_closes_the_feed(uow, sign_up, become_buddies):
    alice, bob = sign_up("Alice"), sign_up("Bob")
    become_buddies(alice, bob)
    uow.clock.advance(minutes=1)
    log(uow, alice)
    buddies.buddyship_changed(uow, payload={"buddyship_id": "b-1",
                                            "member_ids": [alice["id"], bob["id"]],
                                            "ended_at": uow.clock.advance(minutes=1)})
    assert journal.feed_of(uow, member_id=bob["id"])["items"] == []


def test_a_buddy_reacts_once_per_key_and_the_author_is_told(uow, sign_up, become_buddies):
    alice, bob = sign_up("Alice"), sign_up("Bob")
    become_buddies(alice, bob)
    uow.clock.advance(minutes=1)
    moment = log(uow, alice)["moment"]
    request = {"kind": "cheer", "message": "Bravo!"}
    first = journal.react(uow, reactor_id=bob["id"], moment_id=moment["id"], request=request,
                          idempotency_key="r-1")
    again = journal.react(uow, reactor_id=bob["id"], moment_id=moment["id"], request=request,
                          idempotency_key="r-1")
    assert again == {"reaction": first["reaction"], "replayed": True}
    [told] = uow.outbox.of_type("moment.reacted")
    assert (told["author_id"], told["reactor_id"], told["message"]) == (alice["id"], bob["id"],
                                                                        "Bravo!")
    listed = journal.reactions_to(uow, viewer_id=alice["id"], moment_id=moment["id"])["items"]
    assert [r["id"] for r in listed] == [first["reaction"]["id"]]


def test_nobody_reacts_to_their_own_moment_or_to_a_stranger_s(uow, sign_up):
    alice, carol = sign_up("Alice"), sign_up("Carol")
    moment = log(uow, alice)["moment"]
    with pytest.raises(Forbidden):
        journal.react(uow, reactor_id=alice["id"], moment_id=moment["id"],
                      request={"kind": "cheer", "message": None})
    for use_case in (journal.react, journal.reactions_to):
        extra = {"request": {"kind": "cheer", "message": None}} if use_case is journal.react else {}
        key = "reactor_id" if use_case is journal.react else "viewer_id"
        with pytest.raises(NotFound):
            use_case(uow, moment_id=moment["id"], **{key: carol["id"]}, **extra)


def test_a_block_hides_a_buddy_s_moments(uow, sign_up, become_buddies):
    alice, bob = sign_up("Alice"), sign_up("Bob")
    become_buddies(alice, bob)
    uow.clock.advance(minutes=1)
    moment = log(uow, alice)["moment"]
    buddies.member_blocked(uow, payload={"blocker_id": alice["id"], "blocked_id": bob["id"],
                                         "blocked_at": uow.now()})
    with pytest.raises(NotFound):
        journal.moments_of(uow, viewer_id=bob["id"], member_id=alice["id"])
    with pytest.raises(NotFound):
        journal.react(uow, reactor_id=bob["id"], moment_id=moment["id"],
                      request={"kind": "cheer", "message": None})
