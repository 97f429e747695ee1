"""Mails as members receive them on a real SMTP server: text and HTML, in their language, with
dates on their own clock (Tokyo, Montreal); the links in them work without a log-in, but only
when the member acts (a POST), never when a mail scanner merely opens them (a GET)."""

import uuid
from datetime import UTC, datetime, timedelta

import requests

from workbuddy_notifications.domain.mails import local_time

from ..support.logs import wait_for_record
from ..support.waiting import eventually
from .test_notification_settings import deliveries


def change_profile(gateway, stack, member: dict, changes: dict) -> None:
    """PATCH /v1/me, then wait until notifications knows (it learns by event)."""
    correlation = f"profile-{uuid.uuid4().hex[:12]}"
    response = gateway.request("PATCH", "/v1/me", member, json=changes,
                               headers={"X-Correlation-Id": correlation})
    assert response.ok, response.text
    wait_for_record(stack.supervisor.log_path("notifications"), event="event.processed",
                    consumer="notifications.on_member_updated", correlation_id=correlation)


def buddies_with_news(gateway, author: dict, reader: dict) -> None:
    gateway.become_buddies(author, reader)
    eventually(lambda: gateway.request("GET", f"/v1/members/{author['id']}/moments", reader).ok)


def links_in(received, gateway) -> list[str]:
    return [line for line in received.body.splitlines() if line.startswith(f"{gateway.base}/links/")]


def action_link(received, gateway) -> str:
    unsubscribe = received.message["List-Unsubscribe"].strip("<>")
    [link] = [url for url in links_in(received, gateway) if url != unsubscribe]
    return link


def test_a_win_reaches_tokyo_and_montreal_on_their_own_clocks(gateway, mailbox, stack):
    ada = gateway.sign_up("Ada", "en")
    yuki, luc = gateway.sign_up("Yuki", "en"), gateway.sign_up("Luc", "fr")
    for reader, zone in ((yuki, "Asia/Tokyo"), (luc, "America/Montreal")):
        change_profile(gateway, stack, reader, {"time_zone": zone})
        buddies_with_news(gateway, ada, reader)

    logged_at = datetime.fromisoformat(gateway.log_moment(ada, "client_won", "Acme & co <3")["logged_at"])

    [to_yuki] = mailbox.wait_for(yuki["email"], kind="moment")
    [to_luc] = mailbox.wait_for(luc["email"], kind="moment")
    assert local_time(logged_at, "en", "Asia/Tokyo") in to_yuki.body
    assert local_time(logged_at, "fr", "America/Montreal") in to_luc.body
    assert local_time(logged_at, "fr", "America/Montreal") != local_time(logged_at, "fr", "Asia/Tokyo")
    assert "“Acme & co <3”" in to_yuki.body and "« Acme & co <3 »" in to_luc.body
    for received in (to_yuki, to_luc):
        assert received.message.get_content_type() == "multipart/alternative"
        assert "Acme &amp; co &lt;3" in received.html and "<3" not in received.html
        assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert received.message["List-Unsubscribe"].startswith(f"<{gateway.base}/links/")
        assert received.message["Auto-Submitted"] == "auto-generated"
    assert to_luc.subject == "🍾 Ada a une bonne nouvelle : un client gagné !"
    assert "Envoyer un bravo à Ada 🍾" in to_luc.html


def test_one_click_unsubscribe_stops_that_kind_of_mail_only(gateway, mailbox):
    bea, cal = gateway.sign_up("Bea", "en"), gateway.sign_up("Cal", "en")
    buddies_with_news(gateway, bea, cal)
    gateway.log_moment(bea, "client_won")
    [win] = mailbox.wait_for(cal["email"], kind="moment")
    url = win.message["List-Unsubscribe"].strip("<>")

    # What a mail app does with RFC 8058: a POST, no cookie, no log-in.
    done = requests.post(url, data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert done.status_code == 200 and "you will not get these mails" in done.text
    settings = gateway.request("GET", "/v1/me/notifications/settings", cal).json()
    assert settings["kinds"]["win"] == {"email": False, "push": True}

    gateway.log_moment(bea, "tender_won")
    gateway.log_moment(bea, "client_lost")
    [setback] = mailbox.wait_for(cal["email"], count=2, kind="moment")[1:]
    assert setback.subject == "Bea could use your support: a client lost"
    cancelled = eventually(lambda: [d for d in deliveries(gateway, cal) if d["state"] == "cancelled"])
    assert cancelled[0]["reason"] == "the member turned email off for win"
    assert len(mailbox.to(cal["email"], kind="moment")) == 2  # the tender won was not mailed


def test_opening_a_link_shows_what_it_would_do_and_does_nothing(gateway, mailbox):
    dee, eli = gateway.sign_up("Dee", "fr"), gateway.sign_up("Eli", "fr")
    buddies_with_news(gateway, dee, eli)
    gateway.log_moment(dee, "client_lost")
    [setback] = mailbox.wait_for(eli["email"], kind="moment")
    url = setback.message["List-Unsubscribe"].strip("<>")

    page = requests.get(url, timeout=10)  # a mail scanner, a link preview
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Ne plus recevoir de mail pour les coups durs de mes buddies ?" in page.text
    assert '<form method="post">' in page.text
    assert gateway.request("GET", "/v1/me/notifications/settings", eli).json()["kinds"] == {}


def test_the_cheer_button_cheers_once_and_the_author_is_told(gateway, mailbox):
    fay, gil = gateway.sign_up("Fay", "en"), gateway.sign_up("Gil", "fr")
    buddies_with_news(gateway, fay, gil)
    moment = gateway.log_moment(fay, "first_client")
    [win] = mailbox.wait_for(gil["email"], kind="moment")
    link = action_link(win, gateway)

    asked = requests.get(link, timeout=10)
    assert "Envoyer 🍾 bravo à Fay pour un premier client ?" in asked.text
    assert requests.post(link, timeout=10).status_code == 200
    again = requests.post(link, timeout=10)  # a second tap, a mail app retrying
    assert again.status_code == 200 and "Envoyé" in again.text

    reactions = gateway.request("GET", f"/v1/moments/{moment['id']}/reactions", fay).json()["items"]
    assert [(r["reactor_id"], r["kind"]) for r in reactions] == [(gil["id"], "cheer")]
    [told] = mailbox.wait_for(fay["email"], kind="reaction")
    assert told.subject == "Gil reacted to your moment: 🍾 cheers"
    assert "for a first client" in told.body


def test_a_tampered_link_is_refused_with_a_page_that_says_what_to_do(gateway):
    forged = f"{gateway.base}/links/eyJhY3Rpb24iOiJ1bnN1YnNjcmliZSJ9.forged.sig"
    refused = requests.post(forged, headers={"Accept-Language": "fr"}, timeout=10)
    assert refused.status_code == 422
    assert "ce lien ne vient pas de nous" in refused.text and "ouvrez l&#39;application" in refused.text


def test_a_new_buddyship_is_mailed_warmly_to_both_in_their_language(gateway, mailbox):
    hana, ivo = gateway.sign_up("Hana", "fr"), gateway.sign_up("Ivo", "en")
    gateway.become_buddies(hana, ivo)
    [to_hana] = mailbox.wait_for(hana["email"], kind="buddyship_started")
    [to_ivo] = mailbox.wait_for(ivo["email"], kind="buddyship_started")
    assert to_hana.subject == "🤝 Ivo et toi êtes work buddies"
    assert to_ivo.subject == "🤝 You and Hana are work buddies"
    [proposal] = mailbox.wait_for(ivo["email"], kind="buddyship_proposed")
    assert proposal.subject == "A work buddy for you? Meet Hana"
    assert mailbox.to(hana["email"], kind="buddyship_proposed") == []  # she proposed it herself


def test_focus_mode_sends_a_buddys_win_in_the_digest_when_focus_ends(gateway, mailbox, stack):
    jo, kai = gateway.sign_up("Jo", "en"), gateway.sign_up("Kai", "en")
    buddies_with_news(gateway, jo, kai)
    mailbox.wait_for(kai["email"], kind="buddyship_started")
    focus_ends = datetime.now(UTC) + timedelta(seconds=8)
    change_profile(gateway, stack, kai, {"availability": {"focus_until": focus_ends.isoformat()}})

    gateway.log_moment(jo, "client_won", "The big one")
    [set_aside] = eventually(lambda: [d for d in deliveries(gateway, kai)
                                      if d["kind"] == "moment" and d["state"] == "for_digest"])
    assert datetime.fromisoformat(set_aside["not_before"]) <= focus_ends
    assert mailbox.to(kai["email"], kind="moment") == []  # not an instant mail

    [digest] = mailbox.wait_for(kai["email"], kind="digest", timeout=40)
    assert digest.subject == "Work Buddy: 1 notification while you were busy"
    assert "Jo: a client won" in digest.body
    assert mailbox.to(kai["email"], kind="moment") == []  # and never a second time alone
    assert eventually(lambda: {d["state"] for d in deliveries(gateway, kai) if d["kind"] == "moment"}
                      == {"gathered"})
