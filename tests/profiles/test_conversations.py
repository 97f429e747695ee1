"""Conversations, use case by use case, against the in-memory unit of work: only the two
buddies read and write; a "call me?" reads on each one's clock; unread counts and read marks;
an ended buddyship keeps its history closed to new messages; a block hides everything."""

from datetime import timedelta

import pytest

from workbuddy_contracts.errors import Conflict, Invalid, NotFound
from workbuddy_profiles.use_cases import accounts, buddies, conversations, journal, profiles

from .conftest import PASSWORD


@pytest.fixture
def pair(uow, sign_up, become_buddies):
    """Ana (in Paris) and Ben (in Montreal), buddies in b-1."""
    ana, ben = sign_up("Ana", language="fr"), sign_up("Ben")
    profiles.update_profile(uow, member_id=ben["id"], request={"time_zone": "America/Montreal"})
    become_buddies(ana, ben, "b-1")
    uow.clock.advance(minutes=1)
    return ana["id"], ben["id"]


def send(uow, author, text="Salut !", **more):
    uow.clock.advance(seconds=1)
    return conversations.send(uow, member_id=author, buddyship_id="b-1",
                              request={"text": text} | more)["message"]


def test_a_message_reaches_the_buddy_who_sees_it_unread(uow, pair):
    ana, ben = pair
    sent = send(uow, ana, "  On se parle de ce client ?  ")
    assert sent["text"] == "On se parle de ce client ?" and sent["author_id"] == ana
    [told] = uow.outbox.of_type("message.sent")
    assert (told["author_id"], told["recipient_id"], told["buddyship_id"]) == (ana, ben, "b-1")
    [mine] = conversations.conversations_of(uow, member_id=ben)["items"]
    assert (mine["buddy_id"], mine["buddy_name"], mine["unread"], mine["open"]) == (ana, "Ana", 1, True)
    assert mine["last_message"]["id"] == sent["id"]
    assert conversations.conversations_of(uow, member_id=ana)["items"][0]["unread"] == 0


def test_reading_up_to_a_message_reads_the_earlier_ones_and_never_goes_back(uow, pair):
    ana, ben = pair
    first, second, third = (send(uow, ana, f"message {n}") for n in range(3))
    read = conversations.mark_read(uow, member_id=ben, buddyship_id="b-1",
                                   request={"up_to": second["id"]})
    assert (read["read_up_to"], read["unread"]) == (second["id"], 1)
    again = conversations.mark_read(uow, member_id=ben, buddyship_id="b-1",
                                    request={"up_to": first["id"]})
    assert (again["read_up_to"], again["unread"]) == (second["id"], 1)  # not back
    assert len(uow.outbox.of_type("conversation.read")) == 1
    with pytest.raises(NotFound) as refused:
        conversations.mark_read(uow, member_id=ben, buddyship_id="b-1", request={"up_to": "nope"})
    assert refused.value.field == "up_to"
    assert third["id"] != second["id"]


def test_messages_come_newest_first_a_page_at_a_time(uow, pair):
    ana, ben = pair
    sent = [send(uow, author, f"n{n}")["id"] for n, author in enumerate([ana, ben, ana])]
    first = conversations.messages_of(uow, member_id=ben, buddyship_id="b-1", limit=2)
    second = conversations.messages_of(uow, member_id=ben, buddyship_id="b-1", limit=2,
                                       cursor=first["next"])
    assert [m["id"] for m in first["items"] + second["items"]] == sent[::-1]
    assert second["next"] is None


def test_a_call_me_is_read_on_each_buddy_s_own_clock(uow, pair):
    ana, ben = pair
    at = (uow.now() + timedelta(days=1)).replace(hour=16, minute=0)  # 17:00 in Paris
    sent = send(uow, ana, "", call_me={"times": [at.isoformat()]})
    assert sent["call_me"] == {"times": ["2026-03-03T17:00:00+01:00"], "time_zone": "Europe/Paris"}
    [seen] = conversations.messages_of(uow, member_id=ben, buddyship_id="b-1")["items"]
    assert seen["call_me"] == {"times": ["2026-03-03T11:00:00-05:00"],
                               "time_zone": "America/Montreal"}


def test_a_call_me_proposes_times_to_come_and_not_too_far(uow, pair):
    ana, _ = pair
    for when in (uow.now() - timedelta(hours=1), uow.now() + timedelta(days=61)):
        with pytest.raises(Invalid) as refused:
            send(uow, ana, "Appelle-moi", call_me={"times": [when.isoformat()]})
        assert refused.value.field == "call_me.times"


def test_an_empty_message_or_control_characters_are_refused(uow, pair):
    ana, _ = pair
    for text in ("   ", "bip\x07"):
        with pytest.raises(Invalid) as refused:
            send(uow, ana, text)
        assert refused.value.field == "text"
    assert uow.outbox.of_type("message.sent") == []


def test_a_message_may_answer_one_of_the_pair_s_moments_only(uow, pair, sign_up):
    ana, ben = pair
    setback = journal.log_moment(uow, member_id=ben, request={"kind": "client_lost",
                                                             "note": None})["moment"]
    answer = send(uow, ana, "Courage, appelle-moi", moment_id=setback["id"])
    assert answer["moment_id"] == setback["id"]
    cy = sign_up("Cy")
    elsewhere = journal.log_moment(uow, member_id=cy["id"], request={"kind": "client_won",
                                                                     "note": None})["moment"]
    with pytest.raises(NotFound):
        send(uow, ana, "Bravo", moment_id=elsewhere["id"])


def test_a_retried_message_is_sent_once_and_a_reused_key_is_refused(uow, pair):
    ana, _ = pair
    first = conversations.send(uow, member_id=ana, buddyship_id="b-1", request={"text": "Hello"},
                               idempotency_key="k-1")
    again = conversations.send(uow, member_id=ana, buddyship_id="b-1", request={"text": "Hello"},
                               idempotency_key="k-1")
    assert again == {"message": first["message"], "replayed": True}
    with pytest.raises(Invalid) as refused:
        conversations.send(uow, member_id=ana, buddyship_id="b-1", request={"text": "Other"},
                           idempotency_key="k-1")
    assert refused.value.field == "Idempotency-Key"
    assert len(uow.outbox.of_type("message.sent")) == 1


def test_nobody_else_reads_or_writes_a_conversation(uow, pair, sign_up):
    cy = sign_up("Cy")["id"]
    for use_case, more in ((conversations.messages_of, {}),
                           (conversations.send, {"request": {"text": "hi"}}),
                           (conversations.mark_read, {"request": {"up_to": "x"}})):
        with pytest.raises(NotFound) as refused:
            use_case(uow, member_id=cy, buddyship_id="b-1", **more)
        assert refused.value.field == "buddyship_id"
    assert conversations.conversations_of(uow, member_id=cy)["items"] == []


def test_an_ended_buddyship_keeps_its_history_closed_to_new_messages(uow, pair):
    ana, ben = pair
    send(uow, ana, "Merci pour tout")
    buddies.buddyship_changed(uow, payload={"buddyship_id": "b-1", "member_ids": [ana, ben],
                                            "ended_at": uow.clock.advance(minutes=1)})
    with pytest.raises(Conflict) as refused:
        send(uow, ben, "Attends !")
    assert refused.value.field == "buddyship_id"
    [closed] = conversations.conversations_of(uow, member_id=ben)["items"]
    assert closed["open"] is False and closed["last_message"]["text"] == "Merci pour tout"
    assert len(conversations.messages_of(uow, member_id=ben, buddyship_id="b-1")["items"]) == 1


def test_after_a_block_nothing_of_it_is_shown_and_nothing_passes(uow, pair):
    ana, ben = pair
    send(uow, ana, "Salut")
    buddies.member_blocked(uow, payload={"blocker_id": ben, "blocked_id": ana,
                                         "blocked_at": uow.now()})
    for member in (ana, ben):
        assert conversations.conversations_of(uow, member_id=member)["items"] == []
        with pytest.raises(NotFound):
            conversations.messages_of(uow, member_id=member, buddyship_id="b-1")
    with pytest.raises(NotFound):
        send(uow, ana, "Encore moi")


def test_messages_are_exported_and_leave_with_either_buddy(uow, pair, passwords):
    ana, ben = pair
    send(uow, ana, "De Ana")
    send(uow, ben, "De Ben")
    exported = accounts.export(uow, member_id=ana)
    assert [m["text"] for m in exported["messages_sent"]] == ["De Ana"]
    assert [m["text"] for m in exported["messages_received"]] == ["De Ben"]
    accounts.leave(uow, passwords, member_id=ana, request={"password": PASSWORD})
    assert list(uow.db.messages.find()) == [] and list(uow.db.read_marks.find()) == []
