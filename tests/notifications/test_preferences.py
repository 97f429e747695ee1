"""The member's choices: notification settings (with their defaults), the links in mails that
unsubscribe or react in one tap, and the browsers push is turned on in."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_contracts.errors import Conflict, Invalid, NotFound
from workbuddy_contracts.vocabulary import PREFERENCE_KINDS
from workbuddy_notifications.use_cases import preferences

from .doubles import KeptPushes, browser


def test_a_member_who_chose_nothing_gets_the_defaults(uow, register):
    register("ana")
    assert preferences.notification_settings(uow, member_id="ana") == {
        "kinds": {}, "setbacks_break_quiet_hours": False}


def test_changed_settings_are_kept_and_refused_ones_are_not(uow, register):
    register("ana")
    chosen = {"kinds": {"win": {"email": False, "push": True}}, "setbacks_break_quiet_hours": True}
    assert preferences.change_notification_settings(uow, member_id="ana", settings=chosen) == chosen
    with pytest.raises(Invalid):
        preferences.change_notification_settings(uow, member_id="ana",
                                                 settings={"kinds": {"gossip": {"email": True}}})
    assert preferences.notification_settings(uow, member_id="ana") == chosen


def test_unsubscribing_from_a_kind_stops_its_mail_and_keeps_the_rest(uow, register):
    register("ana")
    preferences.change_notification_settings(uow, member_id="ana", settings={
        "kinds": {"win": {"email": True, "push": True}}})
    preferences.unsubscribe(uow, member_id="ana", kind="win")
    kinds = preferences.notification_settings(uow, member_id="ana")["kinds"]
    assert kinds == {"win": {"email": False, "push": True}}


def test_unsubscribing_from_all_stops_every_kind_of_mail(uow, register):
    register("ana")
    preferences.unsubscribe(uow, member_id="ana", kind="all")
    kinds = preferences.notification_settings(uow, member_id="ana")["kinds"]
    assert set(kinds) == set(PREFERENCE_KINDS)
    assert all(choice["email"] is False for choice in kinds.values())


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_an_unsubscribe_link_says_what_it_stops_in_the_mails_language(uow, senders):
    token = token_of(senders.links.unsubscribe_url("ana", "setback", "fr"))
    link = preferences.read_link(uow, senders, token=token)
    assert {k: link[k] for k in ("action", "member_id", "kind")} == {
        "action": "unsubscribe", "member_id": "ana", "kind": "setback"}
    assert link["page"]["title"] == "Se désabonner"
    assert "coups durs" in link["page"]["question"]


def test_a_reaction_link_names_the_author_and_the_moment(
        uow, senders, register, become_buddies, log_moment):
    register("ana"), register("bob")
    become_buddies("ana", "bob")
    moment_id = log_moment("ana", kind="client_won")
    token = token_of(senders.links.react_url("bob", moment_id, "cheer", "en"))
    link = preferences.read_link(uow, senders, token=token)
    assert (link["action"], link["moment_id"], link["reaction"]) == ("react", moment_id, "cheer")
    assert link["page"]["question"] == "Send Ana 🍾 cheers for a client won?"


def test_a_link_too_old_or_not_ours_is_refused_with_what_to_do_instead(uow, senders):
    token = token_of(senders.links.react_url("bob", "mo-1", "cheer", "en"))
    # Signed now, on the real clock; read 31 days later on the service's.
    uow.clock.at = datetime.now(UTC) + timedelta(days=31)
    with pytest.raises(Invalid, match="too old; open the app") as old:
        preferences.read_link(uow, senders, token=token)
    assert old.value.field == "token"
    with pytest.raises(Invalid, match="not one of ours"):
        preferences.read_link(uow, senders, token=token[:-4] + "AAAA")


def test_the_push_key_is_offered_only_when_push_is_configured(senders):
    assert preferences.push_key(senders) == "BPublicKeyOfTheTests"
    off = type(senders)(mail=senders.mail, push=KeptPushes(enabled=False), links=senders.links,
                        announcer=senders.announcer)
    assert preferences.push_key(off) is None


def test_a_browser_subscribing_again_replaces_its_subscription(uow, senders, register):
    register("ana")
    same = browser()
    first = preferences.subscribe_push(uow, senders, member_id="ana", subscription=same)
    uow.clock.advance(days=1)
    again = preferences.subscribe_push(uow, senders, member_id="ana", subscription=same)
    assert first["id"] == again["id"] and first["endpoint"] == same["endpoint"]
    assert again["created_at"] == uow.now().isoformat()
    assert [s["_id"] for s in uow.push_subscriptions.of_member("ana")] == [first["id"]]


def test_a_subscription_is_refused_when_push_is_off_or_the_browser_data_is_wrong(
        uow, senders, register):
    register("ana")
    off = type(senders)(mail=senders.mail, push=KeptPushes(enabled=False), links=senders.links,
                        announcer=senders.announcer)
    with pytest.raises(Conflict, match="not available on this server"):
        preferences.subscribe_push(uow, off, member_id="ana", subscription=browser())
    with pytest.raises(Invalid):
        preferences.subscribe_push(uow, senders, member_id="ana",
                                   subscription=browser() | {"endpoint": "http://push.example.org/x"})
    assert uow.push_subscriptions.of_member("ana") == []


def test_a_member_turns_push_off_in_their_own_browser_only(uow, senders, register):
    register("ana"), register("bob")
    subscribed = preferences.subscribe_push(uow, senders, member_id="ana", subscription=browser())
    with pytest.raises(NotFound) as refused:
        preferences.unsubscribe_push(uow, member_id="bob", subscription_id=subscribed["id"])
    assert refused.value.field == "subscription_id"
    preferences.unsubscribe_push(uow, member_id="ana", subscription_id=subscribed["id"])
    assert uow.push_subscriptions.of_member("ana") == []
    with pytest.raises(NotFound):
        preferences.unsubscribe_push(uow, member_id="ana", subscription_id=subscribed["id"])
