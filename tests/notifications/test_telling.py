"""Telling, event by event: a moment reaches the author's buddies of the time, a reaction its
author, the news of a buddyship both sides (or whoever must answer a proposal), and the app-only
news its member; a redelivered event keeps and sends nothing twice; nothing rings or goes
between members who blocked each other."""

from datetime import timedelta

from workbuddy_contracts.vocabulary import FORMER_MEMBER
from workbuddy_notifications.use_cases import feed, members, telling

from .doubles import states


def test_a_moment_is_kept_mailed_and_rung_to_each_buddy_and_nobody_else(
        uow, senders, register, become_buddies, log_moment):
    for member_id in ("ana", "bob", "carol"):
        register(member_id)
    become_buddies("ana", "bob")
    uow.clock.advance(minutes=1)
    log_moment("ana", note="Signed with Acme")

    [told] = [s for s in senders.mail.to("bob") if s.headers["X-WorkBuddy-Kind"] == "moment"]
    assert told.mail.subject == "🍾 Ana has good news: a client won!"
    assert told.headers == {"X-WorkBuddy-Delivery": "logged-mo-ana-1:bob:email",
                            "X-WorkBuddy-Kind": "moment"}
    assert "Signed with Acme" in told.mail.text
    [rung] = [item for item in senders.announcer.of("bob") if item["kind"] == "moment"]
    assert rung["text"] == "Ana: a client won"
    assert [i["id"] for i in feed.notifications_of(uow, member_id="bob")["items"]][0] == \
        "logged-mo-ana-1:bob"
    assert senders.mail.to("carol") == [] and senders.announcer.of("carol") == []
    assert [s.headers["X-WorkBuddy-Kind"] for s in senders.mail.to("ana")] == ["buddyship_started"]


def test_a_redelivered_moment_keeps_rings_and_sends_nothing_twice(
        uow, senders, register, become_buddies, log_moment):
    register("ana"), register("bob")
    become_buddies("ana", "bob")
    uow.clock.advance(minutes=1)
    log_moment("ana")
    rings, mails = len(senders.announcer.rung), len(senders.mail.sent)
    log_moment("ana")  # the same event, delivered again
    assert (len(senders.announcer.rung), len(senders.mail.sent)) == (rings, mails)
    assert uow.db.inbox.count_documents({"recipient_id": "bob", "kind": "moment"}) == 1
    assert uow.db.moments.count_documents({}) == 1


def test_a_moment_redelivered_after_a_crash_midway_tells_each_buddy_once(
        uow, senders, register, become_buddies, log_moment):
    register("ana"), register("bob"), register("cat")
    become_buddies("ana", "bob", "b-1"), become_buddies("ana", "cat", "b-2")
    uow.clock.advance(minutes=1)
    log_moment("ana")
    # As if the first delivery had stopped after bob's item and delivery were kept and his
    # mail sent: cat's were never written.
    uow.db.inbox.delete_many({"recipient_id": "cat", "kind": "moment"})
    uow.db.deliveries.delete_many({"recipient_id": "cat", "kind": "moment"})
    before = {who: (len(senders.mail.to(who)), len(senders.announcer.of(who))) for who in ("bob", "cat")}
    log_moment("ana")  # the same event, delivered again
    assert (len(senders.mail.to("bob")), len(senders.announcer.of("bob"))) == before["bob"]
    assert (len(senders.mail.to("cat")), len(senders.announcer.of("cat"))) == (
        before["cat"][0] + 1, before["cat"][1] + 1)
    assert uow.db.inbox.count_documents({"kind": "moment"}) == 2


def test_a_moment_is_told_to_the_buddies_of_its_time_whatever_order_the_news_came_in(
        uow, senders, register, become_buddies, log_moment):
    register("ana"), register("bob")
    start = uow.now()
    log_moment("ana", n=1, at=start - timedelta(minutes=5))  # before the buddyship
    log_moment("ana", n=2, at=start + timedelta(minutes=5))  # after it began, arrived first
    assert senders.mail.to("bob") == []
    become_buddies("ana", "bob", at=start)  # the news of the buddyship comes last
    moments = [s.headers["X-WorkBuddy-Delivery"] for s in senders.mail.to("bob")
               if s.headers["X-WorkBuddy-Kind"] == "moment"]
    assert moments == ["logged-mo-ana-2:bob:email"]


def test_a_reaction_tells_its_author_and_a_reaction_to_ones_own_moment_tells_nobody(
        uow, senders, register):
    register("ana"), register("bob")
    payload = {"reaction_id": "r-1", "moment_id": "mo-1", "author_id": "ana", "reactor_id": "bob",
               "kind": "cheer", "message": "Bravo !", "reacted_at": uow.now()}
    telling.moment_reacted(uow, senders, event_id="reacted-1", payload=payload)
    [told] = senders.mail.to("ana")
    assert told.headers["X-WorkBuddy-Kind"] == "reaction"
    [item] = feed.notifications_of(uow, member_id="ana")["items"]
    assert (item["kind"], item["subject_id"], item["data"]["message"]) == ("reaction", "bob", "Bravo !")

    telling.moment_reacted(uow, senders, event_id="reacted-2",
                           payload=payload | {"reaction_id": "r-2", "reactor_id": "ana"})
    assert len(senders.mail.to("ana")) == 1
    assert len(feed.notifications_of(uow, member_id="ana")["items"]) == 1


def test_a_new_buddyship_is_told_to_both_and_its_end_too_after_which_moments_stay_untold(
        uow, senders, register, become_buddies, log_moment):
    register("ana"), register("bob")
    become_buddies("ana", "bob")
    assert [s.headers["X-WorkBuddy-Kind"] for s in senders.mail.sent] == ["buddyship_started"] * 2
    uow.clock.advance(days=1)
    telling.buddyship_ended(uow, senders, event_id="ended-b-1", payload={
        "buddyship_id": "b-1", "member_ids": ["ana", "bob"], "ended_at": uow.now()})
    for member_id, other in (("ana", "bob"), ("bob", "ana")):
        [ended] = [i for i in feed.notifications_of(uow, member_id=member_id)["items"]
                   if i["kind"] == "buddyship_ended"]
        assert ended["subject_id"] == other and ended["data"] == {"buddyship_id": "b-1"}
    uow.clock.advance(minutes=1)
    log_moment("ana")
    assert [s for s in senders.mail.to("bob") if s.headers["X-WorkBuddy-Kind"] == "moment"] == []


def test_a_proposal_is_told_to_whoever_must_answer_with_their_own_reasons(uow, senders, register):
    register("ana"), register("bob")
    proposal = {"buddyship_id": "b-9", "proposer_id": "ana", "invitee_id": "bob",
                "proposed_at": uow.now()}
    telling.buddyship_proposed(uow, senders, event_id="proposed-1", payload=proposal)
    assert [s.mail.to for s in senders.mail.sent] == ["bob@example.org"]  # a member's invitation

    telling.buddyship_proposed(uow, senders, event_id="proposed-2", payload=proposal | {
        "buddyship_id": "b-10", "origin": "round", "awaiting": ["ana", "bob"],
        "reasons": {"ana": {"en": ["You both design."]}, "bob": {"en": ["Same city."]}}})
    [for_ana] = [i for i in feed.notifications_of(uow, member_id="ana")["items"]]
    assert for_ana["subject_id"] == "bob"
    assert for_ana["data"] == {"buddyship_id": "b-10", "origin": "round",
                               "reasons": {"en": ["You both design."]}}
    assert "You both design." in senders.mail.to("ana")[0].mail.text
    assert "Same city." in senders.mail.to("bob")[-1].mail.text


def test_a_round_without_a_buddy_is_told_in_the_app_only(uow, senders, register):
    register("ana")
    next_round = uow.now() + timedelta(days=7)
    telling.member_unmatched(uow, senders, event_id="unmatched-1", payload={
        "member_id": "ana", "round_id": "r-1", "reason": "no_compatible_member",
        "next_round_at": next_round, "at": uow.now()})
    [item] = feed.notifications_of(uow, member_id="ana")["items"]
    assert item["data"] == {"reason": "no_compatible_member", "next_round_at": next_round.isoformat()}
    assert senders.announcer.of("ana") == [item]
    assert senders.mail.sent == [] and states(uow) == {}


def test_a_quiet_buddy_is_told_to_the_other_in_the_app_only(uow, senders, register):
    register("ana"), register("bob")
    telling.buddyship_quiet(uow, senders, event_id="quiet-1", payload={
        "buddyship_id": "b-1", "member_ids": ["ana", "bob"], "quiet_member_id": "bob",
        "unanswered": 3, "at": uow.now()})
    [item] = feed.notifications_of(uow, member_id="ana")["items"]
    assert (item["kind"], item["subject_id"], item["data"]["unanswered"]) == ("buddy_quiet", "bob", 3)
    assert feed.notifications_of(uow, member_id="bob")["items"] == []
    assert senders.mail.sent == [] and states(uow) == {}


def test_nothing_rings_or_is_mailed_between_members_who_blocked_each_other(uow, senders, register):
    register("ana"), register("bob")
    members.member_blocked(uow, payload={"blocker_id": "ana", "blocked_id": "bob",
                                         "blocked_at": uow.now()})
    telling.moment_reacted(uow, senders, event_id="reacted-1", payload={
        "reaction_id": "r-1", "moment_id": "mo-1", "author_id": "ana", "reactor_id": "bob",
        "kind": "cheer", "message": None, "reacted_at": uow.now()})
    assert senders.announcer.rung == [] and senders.mail.sent == []
    assert states(uow) == {"reacted-1:ana:email": "cancelled"}
    assert feed.notifications_of(uow, member_id="ana")["items"] == []


def test_news_about_a_former_member_is_kept_for_the_other_side_only(uow, senders, register):
    register("ana")
    telling.buddyship_ended(uow, senders, event_id="ended-b-1", payload={
        "buddyship_id": "b-1", "member_ids": ["ana", FORMER_MEMBER], "ended_at": uow.now()})
    [item] = feed.notifications_of(uow, member_id="ana")["items"]
    assert item["text"] == "Your buddyship with a former member has ended"
    [told] = senders.mail.to("ana")
    assert told.mail.subject == "Your buddyship with a former member has ended"
    assert uow.db.inbox.count_documents({"recipient_id": FORMER_MEMBER}) == 0
