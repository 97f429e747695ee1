"""Journey 9: an urgent ask answered by a human, over real processes. The member's buddy is in
deep focus and nobody answers; once the delay is over (3 s here, 15 min in production) the ask
goes to members who offered help; the first to say yes gets a conversation with the member,
a second yes is told it is taken, and nobody is asked twice."""

import time
import uuid
from datetime import UTC, datetime, timedelta

from ..support.waiting import eventually
from .test_bad_input import assert_problem


def answered_profile(gateway, member, **profile) -> None:
    changed = gateway.request("PATCH", "/v1/me", member, json=profile)
    assert changed.status_code == 200, changed.text
    # matching knows the answers once it says so (it asks helpers from what it knows).
    eventually(lambda: gateway.request("GET", "/v1/me/matching", member).json()["answered"])


def asks_of(gateway, member) -> list[dict]:
    response = gateway.request("GET", "/v1/me/asks", member)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def answer(gateway, member, ask_id: str, said: str):
    return gateway.request("POST", f"/v1/me/asks/{ask_id}/answer", member, json={"answer": said})


def test_an_urgent_ask_nobody_answered_goes_to_helpers_and_the_first_yes_talks(gateway, mailbox):
    # Skills nobody else in this system has: the two helpers are the best fit for the question.
    pricing, retainer = f"pricing{uuid.uuid4().hex[:6]}", f"retainer{uuid.uuid4().hex[:6]}"
    mia, bob = gateway.sign_up("Mia", "fr"), gateway.sign_up("Bob", "fr")
    hana, ivo = gateway.sign_up("Hana", "fr"), gateway.sign_up("Ivo", "fr")
    trade = {"sector": "frontend_development", "languages": ["fr"]}
    answered_profile(gateway, mia, **trade)
    for helper in (hana, ivo):
        answered_profile(gateway, helper, offers_support=True, skills=[pricing, retainer], **trade)
    gateway.become_buddies(mia, bob)
    focus = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    answered_profile(gateway, bob, availability={"focus_until": focus}, **trade)

    refused = gateway.request("POST", "/v1/me/moments", mia, json={"kind": "client_won",
                                                                  "widen": True})
    assert_problem(refused, 422, "widen")
    logged = gateway.request("POST", "/v1/me/moments", mia, json={
        "kind": "urgent_advice", "widen": True,
        "note": f"Un client veut un {pricing} au forfait et un {retainer}, je dis quoi ?"})
    assert logged.status_code == 201 and logged.json()["widen"] is True, logged.text
    ask_id = logged.json()["id"]
    [mine] = eventually(lambda: asks_of(gateway, mia))
    assert (mine["id"], mine["role"]) == (ask_id, "asker")
    assert mine["state"] in ("waiting", "widened")  # the delay is short here

    # Nobody answers; the delay passes: both helpers are asked, by mail among others.
    for helper in (hana, ivo):
        [theirs] = eventually(lambda h=helper: [a for a in asks_of(gateway, h)
                                                 if a["id"] == ask_id], timeout=30)
        assert theirs["role"] == "helper" and theirs["note"].startswith("Un client")
        assert sorted(theirs["skills"]) == sorted([pricing, retainer])
        [mail] = eventually(lambda h=helper: mailbox.to(h["email"], kind="ask_help"), timeout=20)
        assert "Mia a besoin d'un avis urgent" in mail.subject and pricing in mail.body
    [went_wider] = eventually(lambda: mailbox.to(mia["email"], kind="ask_update"), timeout=20)
    assert "partie vers des membres" in went_wider.subject

    # Ivo says yes first: a conversation opens; Hana's yes is told it is taken.
    yes = answer(gateway, ivo, ask_id, "yes")
    assert yes.status_code == 200, yes.text
    buddyship_id = yes.json()["buddyship_id"]
    assert yes.json()["state"] == "taken" and buddyship_id
    late = answer(gateway, hana, ask_id, "yes")
    assert_problem(late, 409, "ask_id")
    assert "autre membre a déjà dit oui" in late.json()["detail"] or \
        "another member already said yes" in late.json()["detail"]
    [taken] = eventually(lambda: [m for m in mailbox.to(mia["email"], kind="ask_update")
                                  if "Ivo" in m.subject], timeout=20)
    assert f"/app/#/conversations/{buddyship_id}" in taken.body
    told = eventually(lambda: [n for n in gateway.request(
        "GET", "/v1/me/notifications", hana).json()["items"] if n["kind"] == "ask_update"])
    assert "Un autre membre aide déjà Mia" in told[0]["text"]

    # The two converse.
    hello = gateway.request("POST", f"/v1/me/conversations/{buddyship_id}/messages", ivo,
                            json={"text": "Je suis là, on s'appelle ?"})
    assert hello.status_code == 201, hello.text
    talk = eventually(lambda: [c for c in gateway.request("GET", "/v1/me/conversations", mia)
                               .json()["items"] if c["buddyship_id"] == buddyship_id])
    assert talk[0]["buddy_id"] == ivo["id"] and talk[0]["unread"] == 1
    [mine] = asks_of(gateway, mia)
    assert mine["taken_by"]["display_name"] == "Ivo" and mine["helpers_asked"] >= 2

    # Nobody is asked twice for one ask, and a member who was not asked cannot answer.
    time.sleep(4)  # two more turns of the widening timer
    for helper in (hana, ivo):
        assert len(mailbox.to(helper["email"], kind="ask_help")) == 1
    assert_problem(answer(gateway, bob, ask_id, "yes"), 404, "ask_id")
