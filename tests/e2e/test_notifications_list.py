"""The app's list of notifications: every proposal, new buddy, buddy's moment and reaction a
member was told of, in the language they read, newest first, marked read or unread, in the
export and gone when the member leaves."""

import json
import threading
import time

import requests

from ..support.waiting import eventually
from .test_bad_input import assert_problem


def notifications(gateway, member, **params) -> list[dict]:
    response = gateway.request("GET", "/v1/me/notifications", member, params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def kinds(gateway, member, **params) -> list[str]:
    return [n["kind"] for n in notifications(gateway, member, **params)]


def test_a_member_finds_what_they_were_told_in_their_language(gateway):
    ana, bea = gateway.sign_up("Ana", "en"), gateway.sign_up("Béa", "fr")
    proposal = gateway.propose(ana, bea).json()
    [told] = eventually(lambda: notifications(gateway, bea))
    assert told["kind"] == "buddyship_proposed" and told["subject_id"] == ana["id"]
    assert told["text"] == "Proposition de binôme avec Ana" and told["read_at"] is None
    assert told["data"]["buddyship_id"] == proposal["id"]
    assert notifications(gateway, ana) == []  # Ana proposed: nothing awaits her answer

    assert gateway.request("POST", f"/v1/me/buddyships/{proposal['id']}/accept", bea).ok
    eventually(lambda: "buddyship_started" in kinds(gateway, ana))
    assert notifications(gateway, ana)[0]["text"] == "You and Béa are buddies now"

    win = gateway.log_moment(ana, "client_won", "Signed!")
    eventually(lambda: kinds(gateway, bea)[0] == "moment")
    assert notifications(gateway, bea)[0]["text"] == "Ana : un client gagné"
    assert gateway.request("POST", f"/v1/moments/{win['id']}/reactions", bea,
                           json={"kind": "cheer"}).status_code == 201
    eventually(lambda: kinds(gateway, ana)[0] == "reaction")
    assert notifications(gateway, ana)[0]["text"] == "Béa reacted to your moment: 🍾 cheers"

    # Read, then unread again; the unread ones alone on demand.
    newest = notifications(gateway, bea)[0]
    read = gateway.request("POST", f"/v1/me/notifications/{newest['id']}/read", bea)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert newest["id"] not in [n["id"] for n in notifications(gateway, bea, unread="true")]
    unread = gateway.request("DELETE", f"/v1/me/notifications/{newest['id']}/read", bea)
    assert unread.status_code == 200 and unread.json()["read_at"] is None
    # Nobody reads or marks another member's notifications.
    assert_problem(gateway.request("POST", f"/v1/me/notifications/{newest['id']}/read", ana), 404)

    # Pages, newest first.
    first = gateway.request("GET", "/v1/me/notifications", bea, params={"limit": 1}).json()
    rest = gateway.request("GET", "/v1/me/notifications", bea,
                           params={"limit": 10, "cursor": first["next"]}).json()
    assert [n["id"] for n in first["items"] + rest["items"]] == [n["id"] for n in notifications(gateway, bea)]

    export = gateway.request("GET", "/v1/me/export", bea).json()
    assert {n["_id"] for n in export["notifications"]["notifications"]} >= {newest["id"]}


def test_a_block_hides_what_was_told_about_the_other(gateway):
    cid, dan = gateway.sign_up("Cid", "en"), gateway.sign_up("Dan", "en")
    gateway.propose(cid, dan)
    eventually(lambda: notifications(gateway, dan))
    assert gateway.request("POST", f"/v1/members/{cid['id']}/block", dan).status_code == 204
    eventually(lambda: notifications(gateway, dan) == [])


def read_events(gateway, member, found: list, last_id: str | None = None) -> None:
    """Read one stream to its end (the stack ends streams after 3 s), as EventSource would."""
    headers = {"Authorization": f"Bearer {member['access_token']}", "Accept": "text/event-stream"}
    if last_id:
        headers["Last-Event-ID"] = last_id
    with requests.get(f"{gateway.base}/v1/me/notifications/stream", headers=headers, stream=True,
                      timeout=10) as response:
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/event-stream")
        event: dict = {}
        for line in response.iter_lines(decode_unicode=True):
            if line.startswith(("id: ", "event: ", "data: ")):
                name, value = line.split(": ", 1)
                event[name] = value
            elif line == "" and "data" in event:
                # A buddy's message has no id: Last-Event-ID names notifications only.
                found.append({"id": event.get("id"), "event": event["event"],
                              **json.loads(event["data"])})
                event = {}


def test_a_buddys_win_arrives_live_on_the_stream_and_what_was_missed_after_a_reconnection(gateway):
    eva, fay = gateway.sign_up("Eva", "en"), gateway.sign_up("Fay", "en")
    gateway.become_buddies(eva, fay)
    eventually(lambda: "buddyship_started" in kinds(gateway, eva))

    live: list[dict] = []
    listening = threading.Thread(target=read_events, args=(gateway, fay, live))
    listening.start()
    time.sleep(0.5)  # the stream's queue is bound once the first bytes are sent
    win = gateway.log_moment(eva, "client_won", "Signed with Acme!")
    listening.join(timeout=15)
    [arrived] = [e for e in live if e["kind"] == "moment"]
    assert arrived["event"] == "notification" and arrived["data"]["moment_id"] == win["id"]
    assert arrived["text"] == "Eva: a client won" and arrived["subject_id"] == eva["id"]

    # While Fay is away, Eva logs again; reconnecting with the last id seen brings it first.
    second = gateway.log_moment(eva, "milestone")
    eventually(lambda: kinds(gateway, fay)[0] == "moment" and
               notifications(gateway, fay)[0]["data"]["moment_id"] == second["id"])
    missed: list[dict] = []
    read_events(gateway, fay, missed, last_id=arrived["id"])
    assert [e["data"]["moment_id"] for e in missed if e["kind"] == "moment"] == [second["id"]]
