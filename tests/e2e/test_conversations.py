"""Journey 8: buddies talk. A conversation per buddyship, through the public API, private to
the two (404 for anyone else, and for both after a block), readable and closed once the
buddyship ends; unread counts follow what each has read."""

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ..support.waiting import eventually
from .test_bad_input import assert_problem
from .test_notifications_list import read_events

ZONE_MONTREAL = ZoneInfo("America/Montreal")


def conversation_of(gateway, member) -> dict:
    [found] = eventually(lambda: gateway.request("GET", "/v1/me/conversations", member)
                         .json()["items"])
    return found


def write(gateway, member, buddyship_id: str, **body):
    return gateway.request("POST", f"/v1/me/conversations/{buddyship_id}/messages", member,
                           json=body)


def test_two_buddies_talk_and_each_sees_what_is_unread(gateway):
    ana, ben = gateway.sign_up("Ana", "fr"), gateway.sign_up("Ben", "en")
    gateway.request("PATCH", "/v1/me", ben, json={"time_zone": "America/Montreal"})
    gateway.become_buddies(ana, ben)
    talk = conversation_of(gateway, ana)
    buddyship_id = talk["buddyship_id"]
    assert (talk["buddy_id"], talk["unread"], talk["open"]) == (ben["id"], 0, True)

    hello = write(gateway, ana, buddyship_id, text="On en parle de ce client ?")
    assert hello.status_code == 201, hello.text
    at = (datetime.now(UTC) + timedelta(days=2)).replace(hour=15, minute=0, second=0,
                                                         microsecond=0)
    call = write(gateway, ana, buddyship_id, text="Appelle-moi ?",
                 call_me={"times": [at.isoformat()]})
    assert call.status_code == 201, call.text
    assert call.json()["call_me"]["time_zone"] == "Europe/Paris"

    [seen] = [c for c in gateway.request("GET", "/v1/me/conversations", ben).json()["items"]]
    assert (seen["unread"], seen["last_message"]["id"]) == (2, call.json()["id"])
    page = gateway.request("GET", f"/v1/me/conversations/{buddyship_id}/messages?limit=1", ben)
    assert page.status_code == 200 and page.json()["next"]
    [newest] = page.json()["items"]
    assert newest["call_me"] == {"times": [at.astimezone(ZONE_MONTREAL).isoformat()],
                                 "time_zone": "America/Montreal"}
    read = gateway.request("POST", f"/v1/me/conversations/{buddyship_id}/read", ben,
                           json={"up_to": hello.json()["id"]})
    assert read.status_code == 200 and read.json()["unread"] == 1
    reply = write(gateway, ben, buddyship_id, text="Sure, tomorrow!")
    assert reply.status_code == 201
    assert gateway.request("GET", "/v1/me/conversations", ana).json()["items"][0]["unread"] == 1


def test_a_retry_sends_one_message_and_bad_input_is_explained(gateway):
    cal, dee = gateway.sign_up("Cal", "en"), gateway.sign_up("Dee", "en")
    gateway.become_buddies(cal, dee)
    buddyship_id = conversation_of(gateway, cal)["buddyship_id"]
    first, again = (gateway.request("POST", f"/v1/me/conversations/{buddyship_id}/messages",
                                    cal, json={"text": "Once"}, headers={"Idempotency-Key": "m-1"})
                    for _ in range(2))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert len(gateway.request("GET", f"/v1/me/conversations/{buddyship_id}/messages", dee)
               .json()["items"]) == 1
    assert_problem(write(gateway, cal, buddyship_id, text="   "), 422, "text")
    assert_problem(write(gateway, cal, buddyship_id, text="x" * 2001), 422, "text")
    assert_problem(write(gateway, cal, buddyship_id, text="\x00"), 422, "text")
    assert_problem(write(gateway, cal, buddyship_id, call_me={"times": []}), 422, "call_me.times")
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert_problem(write(gateway, cal, buddyship_id, call_me={"times": [past]}), 422,
                   "call_me.times")


def test_nobody_else_reads_it_a_block_hides_it_and_an_end_closes_it(gateway):
    eve, fox, gus = (gateway.sign_up(n, "en") for n in ("Eve", "Fox", "Gus"))
    gateway.become_buddies(eve, fox)
    buddyship_id = conversation_of(gateway, eve)["buddyship_id"]
    assert write(gateway, eve, buddyship_id, text="Hi Fox").status_code == 201
    for request in (lambda: gateway.request("GET", f"/v1/me/conversations/{buddyship_id}/messages",
                                            gus),
                    lambda: write(gateway, gus, buddyship_id, text="Let me in")):
        assert_problem(request(), 404, "buddyship_id")

    ended = gateway.request("POST", f"/v1/me/buddyships/{buddyship_id}/end", fox, json={})
    assert ended.status_code == 200, ended.text
    eventually(lambda: not conversation_of(gateway, eve)["open"])
    assert_problem(write(gateway, eve, buddyship_id, text="Wait!"), 409, "buddyship_id")
    history = gateway.request("GET", f"/v1/me/conversations/{buddyship_id}/messages", fox)
    assert [m["text"] for m in history.json()["items"]] == ["Hi Fox"]

    assert gateway.request("POST", f"/v1/members/{eve['id']}/block", fox).status_code in (200, 204)
    eventually(lambda: gateway.request("GET", "/v1/me/conversations", eve).json()["items"] == [])
    for member in (eve, fox):
        assert_problem(gateway.request("GET", f"/v1/me/conversations/{buddyship_id}/messages",
                                       member), 404, "buddyship_id")



def test_a_message_rings_at_once_and_is_mailed_once_only_while_it_stays_unread(gateway, mailbox):
    hal, ivy = gateway.sign_up("Hal", "en"), gateway.sign_up("Ivy", "fr")
    gateway.become_buddies(hal, ivy)
    buddyship_id = conversation_of(gateway, hal)["buddyship_id"]

    live: list[dict] = []
    listening = threading.Thread(target=read_events, args=(gateway, ivy, live))
    listening.start()
    time.sleep(0.5)  # the stream's queue is bound once the first bytes are sent
    first = write(gateway, hal, buddyship_id, text="Got a minute about Acme?").json()
    second = write(gateway, hal, buddyship_id, text="Or tomorrow?").json()
    listening.join(timeout=15)
    rung = [e for e in live if e["event"] == "message"]
    assert [(e["id"], e["text"], e["author_id"]) for e in rung] == [
        (first["id"], first["text"], hal["id"]), (second["id"], second["text"], hal["id"])]

    # Unread after the delay (2 s here): one mail for the burst, in Ivy's language.
    [mail] = eventually(lambda: mailbox.to(ivy["email"], kind="message"), timeout=20)
    assert "Hal t'a écrit" in mail.subject and "Or tomorrow?" in mail.body
    assert "2 messages non lus" in mail.body

    # Read before the delay: no mail at all.
    third = write(gateway, hal, buddyship_id, text="Never mind, solved!").json()
    read = gateway.request("POST", f"/v1/me/conversations/{buddyship_id}/read", ivy,
                           json={"up_to": third["id"]})
    assert read.status_code == 200 and read.json()["unread"] == 0
    time.sleep(8)  # past the delay and the next turns of the timer
    assert len(mailbox.to(ivy["email"], kind="message")) == 1
    assert second["id"] != third["id"]


def test_quiet_hours_hold_the_mail_of_an_unread_message_but_not_the_ring(gateway, mailbox):
    kim, lea = gateway.sign_up("Kim", "en"), gateway.sign_up("Lea", "en")
    # Lea's quiet hours cover the whole day, on her clock.
    changed = gateway.request("PATCH", "/v1/me", lea, json={"availability": {
        "quiet_hours": {"start": "00:00", "end": "23:59"}}})
    assert changed.status_code == 200, changed.text
    gateway.become_buddies(kim, lea)
    buddyship_id = conversation_of(gateway, kim)["buddyship_id"]
    sent = write(gateway, kim, buddyship_id, text="Ping me when you are back")
    assert sent.status_code == 201
    # In the app at once (unread), told in the list once the delay is over; no mail in quiet hours.
    told = eventually(lambda: [n for n in gateway.request("GET", "/v1/me/notifications", lea)
                               .json()["items"] if n["kind"] == "message"], timeout=20)
    assert "Kim wrote to you" in told[0]["text"]
    time.sleep(6)  # past the delay and more turns of the delivery timers
    assert mailbox.to(lea["email"], kind="message") == []
    assert gateway.request("GET", "/v1/me/conversations", lea).json()["items"][0]["unread"] == 1
