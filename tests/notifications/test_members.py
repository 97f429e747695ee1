"""What notifications keeps of members from others' events: an address (and what waited for it),
the newest profile whatever the order, blocks; what it gives back on export and forgets when a
member leaves."""

from workbuddy_contracts.profile import default_profile
from workbuddy_notifications.domain import deliveries as ledger
from workbuddy_notifications.use_cases import members, preferences, telling

from .doubles import browser, states


def registered(uow, member_id: str, **more) -> dict:
    return {"member_id": member_id, "email": f"{member_id}@example.org",
            "display_name": member_id.title(), "language": "en", "registered_at": uow.now()} | more


def updated(uow, revision: int, **profile) -> dict:
    return {"member_id": "ana", "revision": revision, "display_name": f"Ana {revision}",
            "language": "fr", "profile": default_profile("fr") | profile, "updated_at": uow.now()}


def test_a_delivery_waits_for_its_recipient_to_be_known_then_goes(uow, senders, register):
    register("ana")
    uow.buddy_links.record({"buddyship_id": "b-1", "member_ids": ["ana", "bob"],
                            "started_at": uow.now()})
    uow.clock.advance(minutes=1)
    telling.moment_logged(uow, senders, event_id="logged-1", payload={
        "moment_id": "mo-1", "member_id": "ana", "kind": "client_won", "note": None,
        "logged_at": uow.now()})
    waiting = uow.db.deliveries.find_one({"_id": "logged-1:bob:email"})
    assert (waiting["state"], waiting["waiting_for"]) == (ledger.PENDING, "bob")

    members.member_registered(uow, senders, payload=registered(uow, "bob"))
    assert states(uow, _id="logged-1:bob:email") == {"logged-1:bob:email": ledger.SENT}
    assert [s.mail.to for s in senders.mail.sent] == ["bob@example.org"]


def test_the_newest_profile_wins_whatever_order_the_news_came_in(uow, senders):
    members.member_updated(uow, payload=updated(uow, 3, time_zone="Asia/Tokyo"))
    assert uow.recipients.get("ana") is None  # no address yet: nobody to write to
    members.member_registered(uow, senders, payload=registered(uow, "ana"))
    members.member_updated(uow, payload=updated(uow, 2, time_zone="Europe/Paris"))  # late, older
    found = uow.recipients.get("ana")
    assert (found["email"], found["display_name"], found["language"], found["time_zone"]) == (
        "ana@example.org", "Ana 3", "fr", "Asia/Tokyo")


def test_the_first_block_of_a_pair_is_the_one_kept(uow):
    members.member_blocked(uow, payload={"blocker_id": "bob", "blocked_id": "ana",
                                         "blocked_at": uow.now()})
    members.member_blocked(uow, payload={"blocker_id": "ana", "blocked_id": "bob",
                                         "blocked_at": uow.now()})
    found = uow.blocks.between("ana", "bob")
    assert (found["blocker_id"], found["blocked_id"]) == ("bob", "ana")


def test_an_export_holds_what_notifications_keeps_of_the_member_and_no_browser_secret(
        uow, senders, register, become_buddies):
    register("ana"), register("bob")
    become_buddies("ana", "bob")
    subscribed = preferences.subscribe_push(uow, senders, member_id="ana", subscription=browser())
    held = members.export(uow, member_id="ana")
    assert [r["_id"] for r in held["recipient"]] == ["ana"]
    assert [d["_id"] for d in held["deliveries"]] == ["started-b-1:ana:email"]
    assert [n["_id"] for n in held["notifications"]] == ["started-b-1:ana"]
    assert held["push_subscriptions"] == [{"id": subscribed["id"], "endpoint": subscribed["endpoint"],
                                           "created_at": uow.now()}]
    assert "p256dh" not in str(held)


def test_a_member_who_leaves_is_forgotten_and_so_is_what_others_were_told_of_them(
        uow, senders, register, become_buddies, log_moment):
    register("ana"), register("bob"), register("carol")
    become_buddies("ana", "bob")
    become_buddies("bob", "carol", buddyship_id="b-2")
    log_moment("ana")
    preferences.subscribe_push(uow, senders, member_id="ana", subscription=browser())
    members.member_blocked(uow, payload={"blocker_id": "ana", "blocked_id": "carol",
                                         "blocked_at": uow.now()})

    members.member_left(uow, member_id="ana")
    assert uow.recipients.known("ana") is None and uow.moments.get("mo-ana-1") is None
    assert uow.push_subscriptions.of_member("ana") == [] and uow.blocks.others_of("carol") == set()
    assert uow.buddy_links.of("ana") == []
    assert [link["buddy_id"] for link in uow.buddy_links.of("bob")] == ["carol"]
    assert {d["recipient_id"] for d in uow.db.deliveries.find()} == {"bob", "carol"}
    assert all(d["subject_id"] != "ana" for d in uow.db.deliveries.find())
    assert [i["subject_id"] for i in uow.db.inbox.find({"recipient_id": "bob"})] == ["carol"]


def test_a_late_event_about_a_member_who_left_leaves_nothing_behind(uow, senders, register,
                                                                     become_buddies):
    """Events travel on queues of their own: a message sent to Ana before she left may be
    handled after member.left, and must not keep her a notice, nor Bob a note naming her."""
    from datetime import timedelta

    from workbuddy_notifications.domain import inbox
    from workbuddy_notifications.use_cases import messages

    register("ana"), register("bob")
    become_buddies("ana", "bob")
    members.member_left(uow, member_id="ana")
    sent = {"message_id": "m-1", "buddyship_id": "b-1", "author_id": "bob", "recipient_id": "ana",
            "text": "Bo's answer", "sent_at": uow.now(), "moment_id": None, "call_me_times": []}
    messages.message_sent(uow, senders, payload=sent, notify_after=timedelta(0))
    assert list(uow.db.unread_messages.find()) == []
    assert telling.keep(uow, senders, event_id="late-1", recipient_id="bob", kind=inbox.REACTION,
                        at=uow.now(), subject_id="ana") is None
    assert [i for i in uow.db.inbox.find() if "ana" in str(i)] == []
    # Nothing of hers is kept to know it: a one-way name only.
    assert [d for d in uow.db.departed.find() if "ana" in str(d)] == []
