"""A check-in asks each buddy privately, by mail, push and in the app; a mode proposed is told to
the other; how it closed is for the app; an end after a check-in reads the same warm word on both
sides."""

from datetime import timedelta

from workbuddy_notifications.use_cases import feed, preferences, telling

from .conftest import PUBLIC_URL
from .doubles import browser


def opened(uow, senders, kind="trial"):
    telling.check_in_opened(uow, senders, event_id="opened-1", payload={
        "check_in_id": "b-1-1", "buddyship_id": "b-1", "member_ids": ["ana", "bob"],
        "kind": kind, "opened_at": uow.now(), "closes_at": uow.now() + timedelta(days=7)})


def test_each_buddy_is_asked_privately_by_mail_push_and_in_the_app(uow, senders, register,
                                                                     become_buddies):
    register("ana", language="fr", time_zone="Europe/Paris")
    register("bob")
    become_buddies("ana", "bob")
    senders.mail.sent.clear()  # their welcome
    uow.clock.advance(days=21)
    preferences.subscribe_push(uow, senders, member_id="bob", subscription=browser())
    opened(uow, senders)
    opened(uow, senders)  # a redelivered event tells nothing twice
    [to_ana], [to_bob] = senders.mail.to("ana"), senders.mail.to("bob")
    assert to_bob.mail.subject == "Your trial with Ana is ending: how is it going?"
    assert "Ana never sees your answer." in to_bob.mail.text
    assert f"{PUBLIC_URL}/app/#/check-ins/b-1-1" in to_bob.mail.text
    assert to_ana.mail.subject == ("Ta période d'essai avec Bob touche à sa fin : comment ça se "
                                   "passe ?")
    assert "Bob ne voit jamais ta réponse." in to_ana.mail.text
    [(_, push, _)] = senders.push.sent
    assert push["url"] == "/check-ins" and push["kind"] == "check_in"
    item = feed.notifications_of(uow, member_id="bob", limit=5)["items"][0]
    assert item["kind"] == "check_in" and item["data"]["check_in_id"] == "b-1-1"
    assert item["text"].startswith("Your trial with Ana is ending")


def test_a_regular_check_in_asks_how_it_goes(uow, senders, register, become_buddies):
    register("ana"), register("bob")
    become_buddies("ana", "bob")
    senders.mail.sent.clear()  # their welcome
    uow.clock.advance(days=21)
    opened(uow, senders, kind="regular")
    assert senders.mail.to("ana")[0].mail.subject == "How is it going with Bob?"


def test_a_mode_proposed_is_told_to_the_other_only(uow, senders, register, become_buddies):
    register("ana"), register("bob", language="fr")
    become_buddies("ana", "bob")
    senders.mail.sent.clear()  # their welcome
    uow.clock.advance(days=21)
    telling.check_in_mode_proposed(uow, senders, event_id="proposed-1", payload={
        "check_in_id": "b-1-1", "buddyship_id": "b-1", "member_ids": ["ana", "bob"],
        "proposer_id": "ana", "mode": {"commitment": "projects", "rhythm": "weekly"},
        "at": uow.now()})
    assert senders.mail.to("ana") == []
    [mail] = senders.mail.to("bob")
    assert mail.mail.subject == "Ana propose une autre façon de faire"
    assert "des projets ensemble, un point chaque semaine" in mail.mail.text
    item = feed.notifications_of(uow, member_id="bob", limit=5)["items"][0]
    assert item["text"] == ("Ana propose une autre façon de faire : des projets ensemble, un "
                            "point chaque semaine. Tu l'acceptes ou tu gardes l'actuelle ?")


def test_how_it_closed_is_told_in_the_app_and_an_end_says_nothing_more(uow, senders, register,
                                                                       become_buddies):
    register("ana"), register("bob")
    become_buddies("ana", "bob")
    senders.mail.sent.clear()  # their welcome
    uow.clock.advance(days=21)
    payload = {"check_in_id": "b-1-1", "buddyship_id": "b-1", "member_ids": ["ana", "bob"],
               "mode": {"commitment": "regular", "rhythm": "monthly"}, "at": uow.now()}
    telling.check_in_closed(uow, senders, event_id="closed-1",
                            payload=payload | {"outcome": "confirmed", "mode_changed": True})
    telling.check_in_closed(uow, senders, event_id="closed-2",
                            payload=payload | {"outcome": "ended", "mode_changed": False})
    assert senders.mail.sent == []
    item = feed.notifications_of(uow, member_id="ana", limit=5)["items"][0]
    assert item["text"] == ("You and Bob are keeping going, from now on this way: a steady "
                            "bond, a catch-up every month")
    assert [i["kind"] for i in feed.notifications_of(uow, member_id="bob", limit=5)["items"]] \
        == ["check_in", "buddyship_started"]


def test_an_end_after_a_check_in_reads_the_same_warm_word_on_both_sides(uow, senders, register,
                                                                        become_buddies):
    register("ana"), register("bob", language="fr")
    become_buddies("ana", "bob")
    senders.mail.sent.clear()  # their welcome
    uow.clock.advance(days=21)
    telling.buddyship_ended(uow, senders, event_id="ended-1", payload={
        "buddyship_id": "b-1", "member_ids": ["ana", "bob"], "ended_at": uow.now(),
        "kindly": True})
    [to_ana], [to_bob] = senders.mail.to("ana"), senders.mail.to("bob")
    assert to_ana.mail.subject == "Your buddyship with Bob came to a gentle close"
    assert "your place is open again for someone new" in to_ana.mail.text
    assert to_bob.mail.subject == "Ton binôme avec Ana s'est terminé en douceur"
    item = feed.notifications_of(uow, member_id="ana", limit=5)["items"][0]
    assert item["text"].startswith("Your buddyship with Bob came to a gentle close.")
