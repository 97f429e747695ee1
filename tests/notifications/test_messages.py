"""A buddy's message: a ring at once, and one mail for a burst still unread after the delay,
none when it was read first; quiet hours hold it; a reply to a setback may break them as a
setback may."""

from datetime import timedelta

from workbuddy_notifications.use_cases import messages, preferences

DELAY = timedelta(minutes=10)


def message(uow, n: int, author="ana", recipient="ben", **more) -> dict:
    payload = {"message_id": f"m-{n}", "buddyship_id": "b-1", "author_id": author,
               "recipient_id": recipient, "text": f"message {n}", "moment_id": None,
               "call_me_times": [], "sent_at": uow.clock.advance(seconds=1)} | more
    return payload


def sent(uow, senders, payload) -> None:
    messages.message_sent(uow, senders, payload=payload, notify_after=DELAY)


def test_a_message_rings_the_recipient_s_apps_at_once_on_their_clock(uow, senders, register):
    register("ana"), register("ben", time_zone="America/Montreal")
    at = uow.now() + timedelta(days=1)
    sent(uow, senders, message(uow, 1, call_me_times=[at]))
    [rung] = senders.announcer.of("ben")
    assert rung["stream_event"] == "message"
    assert rung["message"]["id"] == "m-1" and rung["message"]["text"] == "message 1"
    assert rung["message"]["call_me"]["time_zone"] == "America/Montreal"
    assert rung["message"]["call_me"]["times"][0].endswith("-05:00")
    assert senders.mail.sent == []  # not yet: it may be read first


def test_a_burst_still_unread_after_the_delay_is_told_once(uow, senders, register):
    register("ana"), register("ben")
    burst = [message(uow, n) for n in range(3)]
    for payload in burst + burst[-1:]:  # the last one redelivered: counted once
        sent(uow, senders, payload)
    assert messages.tell_unread(uow, senders) == 0  # too early
    uow.clock.advance(minutes=10)
    assert messages.tell_unread(uow, senders) == 1
    [mail] = senders.mail.to("ben")
    assert "Ana" in mail.mail.subject and "3 unread messages" in mail.mail.text
    assert "message 2" in mail.mail.text  # the latest words
    assert "/app/#/conversations/b-1" in mail.mail.text
    [item] = uow.inbox.page_of("ben", limit=5, cursor=None, unread_only=False)["items"]
    assert item["kind"] == "message" and item["data"]["count"] == 3
    assert messages.tell_unread(uow, senders) == 0  # nothing twice
    assert len(senders.mail.sent) == 1


def test_a_burst_read_before_the_delay_is_never_mailed(uow, senders, register):
    register("ana"), register("ben")
    first, second = message(uow, 1), message(uow, 2)
    sent(uow, senders, first), sent(uow, senders, second)
    messages.conversation_read(uow, payload={"buddyship_id": "b-1", "member_id": "ben",
                                             "up_to": "m-1", "up_to_sent_at": first["sent_at"],
                                             "read_at": uow.now()})
    uow.clock.advance(minutes=11)
    assert messages.tell_unread(uow, senders) == 1  # m-2 is still unread
    messages.conversation_read(uow, payload={"buddyship_id": "b-1", "member_id": "ben",
                                             "up_to": "m-3", "up_to_sent_at": uow.now(),
                                             "read_at": uow.now()})
    sent(uow, senders, message(uow, 3))
    messages.conversation_read(uow, payload={"buddyship_id": "b-1", "member_id": "ben",
                                             "up_to": "m-3", "up_to_sent_at": uow.now(),
                                             "read_at": uow.now()})
    uow.clock.advance(minutes=11)
    assert messages.tell_unread(uow, senders) == 0
    assert len(senders.mail.sent) == 1


def test_quiet_hours_hold_the_mail_and_a_reply_to_a_setback_breaks_them_if_allowed(
        uow, senders, register, log_moment, become_buddies):
    register("ana"), register("ben", quiet_hours={"start": "00:00", "end": "23:59"})
    become_buddies("ana", "ben")
    setback = log_moment("ben", "client_lost")
    sent(uow, senders, message(uow, 1))
    uow.clock.advance(minutes=11)
    messages.tell_unread(uow, senders)
    assert senders.mail.to("ben") == []  # held until quiet hours end
    preferences.change_notification_settings(uow, member_id="ben", settings={
        "setbacks_break_quiet_hours": True})
    sent(uow, senders, message(uow, 2, recipient="ben", moment_id=setback) | {
        "buddyship_id": "b-2"})
    uow.clock.advance(minutes=11)
    messages.tell_unread(uow, senders)
    [mail] = senders.mail.to("ben")
    assert "message 2" in mail.mail.text


def test_a_member_who_turned_message_mails_off_gets_the_app_notice_only(uow, senders, register):
    register("ana"), register("ben")
    preferences.change_notification_settings(uow, member_id="ben", settings={
        "kinds": {"message": {"email": False, "push": True}}})
    sent(uow, senders, message(uow, 1))
    uow.clock.advance(minutes=11)
    assert messages.tell_unread(uow, senders) == 1
    assert senders.mail.sent == []
    assert uow.inbox.page_of("ben", limit=5, cursor=None, unread_only=False)["items"]


def test_nothing_passes_between_blocked_members(uow, senders, register):
    register("ana"), register("ben")
    uow.blocks.remember("ben", "ana", uow.now())
    sent(uow, senders, message(uow, 1))
    uow.clock.advance(minutes=11)
    assert senders.announcer.of("ben") == [] and messages.tell_unread(uow, senders) == 0


def test_a_read_handled_before_its_message_keeps_the_message_from_being_mailed(
        uow, senders, register):
    register("ana"), register("ben")
    early = message(uow, 1)
    messages.conversation_read(uow, payload={"buddyship_id": "b-1", "member_id": "ben",
                                             "up_to": "m-1", "up_to_sent_at": early["sent_at"],
                                             "read_at": uow.now()})
    sent(uow, senders, early)  # its event came through another queue, later
    uow.clock.advance(minutes=11)
    assert messages.tell_unread(uow, senders) == 0 and senders.mail.sent == []
