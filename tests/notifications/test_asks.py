"""What becomes of an urgent ask, told: helpers asked by mail, push and in the app; the member
who asked at each step, in their language; helpers once it is taken or closed, in the app."""

from datetime import timedelta

from workbuddy_notifications.use_cases import asks, feed, preferences, telling

from .doubles import browser


def widened(uow, senders, helpers=("hana", "ivo"), event_id="e-widened"):
    asks.ask_widened(uow, senders, event_id=event_id, payload={
        "ask_id": "ask-1", "asker_id": "mia", "helper_ids": list(helpers),
        "kind": "urgent_advice", "note": "A client wants a discount on SEO work",
        "skills": {"hana": ["seo"]}, "widened_at": uow.now(),
        "closes_at": uow.now() + timedelta(hours=24)})


def texts(uow, member_id: str) -> list[str]:
    return [item["text"] for item in
            feed.notifications_of(uow, member_id=member_id, limit=20, cursor=None)["items"]]


def test_helpers_are_asked_with_the_question_and_the_asker_hears_it_went_wider(
        uow, senders, register):
    register("mia", language="fr"), register("hana"), register("ivo")
    preferences.subscribe_push(uow, senders, member_id="ivo", subscription=browser())
    widened(uow, senders)
    widened(uow, senders)  # redelivered: nothing twice

    [mail] = senders.mail.to("hana")
    assert "Mia needs urgent advice" in mail.mail.subject
    assert "A client wants a discount on SEO work" in mail.mail.text
    assert "your skills (seo)" in mail.mail.text and "/app/#/asks" in mail.mail.text
    assert mail.mail.headers["Importance"] == "high"
    [(_, push, _)] = senders.push.sent
    assert "SEO" not in str(push) and push["url"] == "/asks"  # never the note on a lock screen
    assert texts(uow, "hana") == ["Mia needs urgent advice and none of their buddies is free: "
                                  "can you help?"]

    [told] = senders.mail.to("mia")
    assert "Ta demande urgente est partie" in told.mail.subject and "2 membre(s)" in told.mail.text
    assert texts(uow, "mia") == ["Aucun buddy n'a encore répondu : ta demande est partie vers 2 "
                                 "membre(s) prêt(s) à aider"]
    assert [rung["kind"] for rung in senders.announcer.of("mia")] == ["ask_update"]


def test_the_first_yes_is_told_to_the_asker_with_the_conversation_and_to_the_others_in_the_app(
        uow, senders, register):
    register("mia"), register("hana"), register("ivo")
    widened(uow, senders)
    sent_before = len(senders.mail.sent)
    uow.clock.advance(minutes=3)
    telling.buddyship_started(uow, senders, event_id="e-started", payload={
        "buddyship_id": "b-9", "member_ids": ["mia", "ivo"], "started_at": uow.now(),
        "origin": "ask"})
    asks.ask_taken(uow, senders, event_id="e-taken", payload={
        "ask_id": "ask-1", "asker_id": "mia", "helper_id": "ivo", "buddyship_id": "b-9",
        "others": ["hana"], "taken_at": uow.now()})
    [mail] = senders.mail.sent[sent_before:]  # one mail: to Mia, not "you are buddies now"
    assert mail.mail.to == "mia@example.org" and "Ivo can help you now" in mail.mail.subject
    assert "/app/#/conversations/b-9" in mail.mail.text
    assert texts(uow, "ivo")[0] == "You are helping Mia: your conversation is open"
    assert texts(uow, "hana")[0] == "Another member is already helping Mia. Thank you for offering!"


def test_a_closed_ask_tells_the_asker_why_and_the_helpers_still_asked(uow, senders, register):
    register("mia"), register("hana")
    widened(uow, senders, helpers=("hana",))
    uow.clock.advance(hours=24)
    asks.ask_closed(uow, senders, event_id="e-closed", payload={
        "ask_id": "ask-1", "asker_id": "mia", "reason": "nobody_said_yes",
        "helper_ids": ["hana"], "closed_at": uow.now()})
    assert texts(uow, "mia")[0] == "None of the members asked could take your ask; your " \
                                   "buddies still see it"
    assert "None of the members asked could take your ask" in senders.mail.to("mia")[-1].mail.text
    assert texts(uow, "hana")[0] == "Mia's ask is closed: no need to answer it"
    assert len(senders.mail.to("hana")) == 1  # the ask itself only


def test_a_helper_who_turned_off_mails_for_asks_hears_in_the_app_only(uow, senders, register):
    register("mia"), register("hana")
    preferences.change_notification_settings(uow, member_id="hana", settings={
        "kinds": {"ask": {"email": False, "push": False}}})
    widened(uow, senders, helpers=("hana",))
    assert senders.mail.to("hana") == [] and len(texts(uow, "hana")) == 1
