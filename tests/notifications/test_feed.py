"""The member's notifications in the app: newest first, page by page, in the reader's language
with the names of today, unread ones alone if asked, read and unread again; nothing about a
member blocked either way."""

import pytest

from workbuddy_contracts.errors import NotFound
from workbuddy_contracts.profile import default_profile
from workbuddy_notifications.use_cases import feed, members


def test_notifications_come_newest_first_a_page_at_a_time(
        uow, register, become_buddies, log_moment):
    register("ana"), register("bob")
    become_buddies("ana", "bob")
    for n in (1, 2, 3):
        uow.clock.advance(minutes=1)
        log_moment("ana", n=n)
    first = feed.notifications_of(uow, member_id="bob", limit=2)
    second = feed.notifications_of(uow, member_id="bob", limit=2, cursor=first["next"])
    assert [i["id"] for i in first["items"] + second["items"]] == [
        "logged-mo-ana-3:bob", "logged-mo-ana-2:bob", "logged-mo-ana-1:bob", "started-b-1:bob"]
    assert second["next"] is None


def test_a_notification_is_told_in_the_readers_language_with_todays_names(
        uow, register, become_buddies):
    register("ana"), register("bob", language="fr", time_zone="Europe/Paris")
    become_buddies("ana", "bob")
    members.member_updated(uow, payload={
        "member_id": "ana", "revision": 2, "display_name": "Anaïs", "language": "en",
        "profile": default_profile("en"),
        "updated_at": uow.now()})
    [item] = feed.notifications_of(uow, member_id="bob")["items"]
    assert item["text"] == "Anaïs et toi êtes maintenant buddies"


def test_read_and_unread_again_and_the_unread_alone(uow, register, become_buddies, log_moment):
    register("ana"), register("bob")
    become_buddies("ana", "bob")
    uow.clock.advance(minutes=1)
    log_moment("ana")
    marked = feed.mark_notification(uow, member_id="bob", notification_id="started-b-1:bob",
                                    read=True)
    assert marked["read_at"] == uow.now().isoformat()
    unread = feed.notifications_of(uow, member_id="bob", unread_only=True)["items"]
    assert [i["id"] for i in unread] == ["logged-mo-ana-1:bob"]
    again = feed.mark_notification(uow, member_id="bob", notification_id="started-b-1:bob",
                                   read=False)
    assert again["read_at"] is None
    assert len(feed.notifications_of(uow, member_id="bob", unread_only=True)["items"]) == 2


def test_a_member_marks_only_their_own_notifications(uow, register, become_buddies):
    register("ana"), register("bob")
    become_buddies("ana", "bob")
    with pytest.raises(NotFound) as refused:
        feed.mark_notification(uow, member_id="ana", notification_id="started-b-1:bob", read=True)
    assert refused.value.field == "notification_id"
    assert uow.inbox.get("started-b-1:bob")["read_at"] is None


def test_nothing_about_a_member_blocked_is_listed_either_way(
        uow, register, become_buddies, log_moment):
    register("ana"), register("bob"), register("carol")
    become_buddies("ana", "bob")
    become_buddies("carol", "bob", buddyship_id="b-2")
    members.member_blocked(uow, payload={"blocker_id": "ana", "blocked_id": "bob",
                                         "blocked_at": uow.now()})
    assert [i["subject_id"] for i in feed.notifications_of(uow, member_id="bob")["items"]] == [
        "carol"]
    assert feed.notifications_of(uow, member_id="ana")["items"] == []
