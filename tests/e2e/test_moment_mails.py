"""Journey 2 and 3 over HTTP: a member logs a moment, each active buddy gets a mail in their
own language and in the tone of the moment; a redelivered event sends nothing more."""

import uuid

from pymongo import MongoClient

from workbuddy_platform.outbox import EventPublisher

from ..support.logs import wait_for_record


def test_a_win_mails_each_active_buddy_in_their_language(gateway, mailbox):
    alice = gateway.sign_up("Alice", "fr")
    bob = gateway.sign_up("Bob", "en")
    chloe = gateway.sign_up("Chloé", "fr")
    dan = gateway.sign_up("Dan", "en")  # proposed to, never accepted: not a buddy
    gateway.make_room(alice, 3)
    gateway.become_buddies(alice, bob)
    gateway.become_buddies(chloe, alice)
    assert gateway.propose(alice, dan).status_code == 201

    gateway.log_moment(alice, "client_won", "Signé avec Acme, 6 mois !")

    [to_bob] = mailbox.wait_for(bob["email"], kind="moment")
    assert to_bob.subject == "🍾 Alice has good news: a client won!"
    assert "Hi Bob," in to_bob.body
    assert "Signé avec Acme, 6 mois !" in to_bob.body
    assert to_bob.message["Date"] and to_bob.message["Message-ID"]

    [to_chloe] = mailbox.wait_for(chloe["email"], kind="moment")
    assert to_chloe.subject == "🍾 Alice a une bonne nouvelle : un client gagné !"
    assert "Bonjour Chloé," in to_chloe.body
    assert "« Signé avec Acme, 6 mois ! »" in to_chloe.body

    assert mailbox.to(alice["email"], kind="moment") == []
    assert mailbox.to(dan["email"], kind="moment") == []


def test_a_lost_client_mails_buddies_in_a_supportive_tone(gateway, mailbox):
    emma = gateway.sign_up("Emma", "en")
    farid = gateway.sign_up("Farid", "fr")
    gateway.become_buddies(emma, farid)

    gateway.log_moment(emma, "client_lost", "They chose an agency.")

    [mail] = mailbox.wait_for(farid["email"], kind="moment")
    assert mail.subject == "Emma traverse un moment difficile : un client perdu"
    assert "Personne ne devrait encaisser ça seul" in mail.body
    assert "« They chose an agency. »" in mail.body
    assert "🍾" not in mail.subject + mail.body


def test_a_redelivered_event_sends_no_second_mail(gateway, mailbox, stack, mongo_uri, db_prefix):
    gina = gateway.sign_up("Gina", "en")
    hugo = gateway.sign_up("Hugo", "en")
    gateway.become_buddies(gina, hugo)
    moment = gateway.log_moment(gina, "tender_won", "The city library!")
    mailbox.wait_for(hugo["email"], kind="moment")

    store = MongoClient(mongo_uri, tz_aware=True)
    [entry] = [e for e in store[f"{db_prefix}profiles"].outbox.find({"type": "moment.logged"})
               if e["message"]["payload"]["moment_id"] == moment["id"]]
    event_id = entry["_id"]
    publisher = EventPublisher({"AMQP_URI": stack.amqp_uri, "serializer": "json"})
    log = stack.supervisor.log_path("notifications")
    # The mail goes out before the handler has finished and recorded the event: a copy sent
    # in between would run beside it (and the deliveries ledger would still send one mail).
    wait_for_record(log, event="event.processed", event_id=event_id)

    # 1. The broker delivers the same event again: moment.logged's handler is keyed (every
    #    effect keyed by the event), so it runs again, finds each one done and changes nothing.
    publisher.publish(entry["message"])
    wait_for_record(log, event="event.duplicate_replayed", event_id=event_id)

    # 2. The handler ran but died before recording it: it runs again, and the deliveries
    #    ledger (event, recipient, channel) keeps the mail from going twice.
    ledger = store[f"{db_prefix}notifications"].processed_events
    assert ledger.delete_one({"_id": f"notifications.on_moment_logged:{event_id}"}).deleted_count
    publisher.publish(entry["message"])
    wait_for_record(log, event="event.processed", event_id=event_id, count=2)

    assert len(mailbox.to(hugo["email"], kind="moment")) == 1
    [delivery] = store[f"{db_prefix}notifications"].deliveries.find({"event_id": event_id})
    assert delivery["state"] == "sent"


def test_one_correlation_id_follows_the_request_into_every_event(gateway, mailbox, stack):
    ines = gateway.sign_up("Inès", "fr")
    jules = gateway.sign_up("Jules", "fr")
    gateway.become_buddies(ines, jules)
    correlation_id = f"test-{uuid.uuid4().hex}"

    response = gateway.request("POST", "/v1/me/moments", ines, json={"kind": "first_client"},
                               headers={"X-Correlation-Id": correlation_id})
    assert response.headers["X-Correlation-Id"] == correlation_id
    mailbox.wait_for(jules["email"], kind="moment")

    logs = stack.supervisor.log_path
    wait_for_record(logs("gateway"), event="request.done", correlation_id=correlation_id)
    wait_for_record(logs("profiles"), event="event.published", event_type="moment.logged",
                    correlation_id=correlation_id)
    [sent] = wait_for_record(logs("notifications"), event="delivery.sent",
                             correlation_id=correlation_id)
    assert sent["recipient_id"] == jules["id"]


def test_events_wait_for_a_consumer_that_is_not_running(gateway, mailbox, stack):
    """notifications is down while members register, pair up and log a moment: every event
    waits in its queue, and the moment is mailed once, whatever order they are read in."""
    stack.supervisor.stop("notifications")
    try:
        kim = gateway.sign_up("Kim", "en")
        lou = gateway.sign_up("Lou", "fr")
        gateway.become_buddies(kim, lou)
        gateway.log_moment(kim, "project_delivered", "Shipped!")
    finally:
        stack.start("notifications")

    [mail] = mailbox.wait_for(lou["email"], timeout=60, kind="moment")  # a restart on a loaded machine
    assert mail.subject == "🍾 Kim a une bonne nouvelle : un projet livré !"
    stack.wait_ready()
    assert len(mailbox.to(lou["email"], kind="moment")) == 1
