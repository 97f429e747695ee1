"""Journey 7: a member takes all their data with them, then leaves; every service forgets
them. The proof reads every database of the system afterwards."""

import uuid

from pymongo import MongoClient

from ..support.api import PASSWORD
from ..support.logs import wait_for_record
from ..support.waiting import eventually
from .test_bad_input import assert_problem

SERVICES = ("profiles", "matching", "notifications", "gateway")


def everything(store: MongoClient, db_prefix: str):
    """Every document of every service's database: (where, document)."""
    for service in SERVICES:
        db = store[f"{db_prefix}{service}"]
        for name in db.list_collection_names():
            for doc in db[name].find():
                yield f"{service}.{name}", doc


def test_a_member_exports_their_data_then_leaves_and_every_service_forgets_them(
        gateway, stack, mongo_uri, db_prefix):
    tag = uuid.uuid4().hex[:8]
    ada, bo = gateway.sign_up(f"Ada{tag}", "fr"), gateway.sign_up("Bo", "en")
    gateway.request("PATCH", "/v1/me", ada, json={"city": f"Nantes{tag}", "skills": ["Rust"]})
    gateway.become_buddies(ada, bo)
    eventually(lambda: gateway.request("GET", f"/v1/members/{ada['id']}/moments", bo).ok)
    note = f"my secret note {tag}"
    moment = gateway.log_moment(ada, "client_lost", note)
    theirs = gateway.log_moment(bo, "client_won", "Bo's win")
    assert gateway.request("POST", f"/v1/moments/{moment['id']}/reactions", bo,
                           json={"kind": "support"}).status_code == 201
    assert gateway.request("POST", f"/v1/moments/{theirs['id']}/reactions", ada,
                           json={"kind": "cheer", "message": f"bravo {tag}"}).status_code == 201
    gateway.request("POST", "/v1/me/invitations", ada)
    [talk] = gateway.request("GET", "/v1/me/conversations", ada).json()["items"]
    for author, words in ((ada, f"my message {tag}"), (bo, f"Bo's answer {tag}")):
        sent = gateway.request("POST", f"/v1/me/conversations/{talk['buddyship_id']}/messages",
                               author, json={"text": words})
        assert sent.status_code == 201, sent.text
    # An urgent ask let go wider: matching keeps its note until it has gone to helpers or closed.
    ask = gateway.request("POST", "/v1/me/moments", ada, json={
        "kind": "urgent_advice", "note": f"my urgent ask {tag}", "widen": True}).json()
    eventually(lambda: [a for a in gateway.request("GET", "/v1/me/asks", ada).json()["items"]
                        if a["id"] == ask["id"] and a["state"] in ("widened", "closed")],
               timeout=20)

    # Everything, from every service, in one document.
    export = gateway.request("GET", "/v1/me/export", ada)
    assert export.status_code == 200 and "attachment" in export.headers["Content-Disposition"]
    data = export.json()
    assert data["profiles"]["member"]["email"] == ada["email"]
    assert data["profiles"]["member"]["profile"]["city"] == f"Nantes{tag}"
    assert [m["note"] for m in data["profiles"]["moments"]] == [note, f"my urgent ask {tag}"]
    assert [r["message"] for r in data["profiles"]["reactions_given"]] == [f"bravo {tag}"]
    assert len(data["profiles"]["invitations"]) == 1
    assert [m["text"] for m in data["profiles"]["messages_sent"]] == [f"my message {tag}"]
    assert [m["text"] for m in data["profiles"]["messages_received"]] == [f"Bo's answer {tag}"]
    assert [b["state"] for b in data["matching"]["buddyships"]] == ["active"]
    assert [a["note"] for a in data["matching"]["asks"]] == [f"my urgent ask {tag}"]
    assert data["notifications"]["recipient"][0]["email"] == ada["email"]
    assert "password" not in export.text and "hash" not in export.text

    # Leaving takes the password, and then everything goes.
    assert_problem(gateway.request("DELETE", "/v1/me", ada, json={"password": "not it at all"}),
                   403, "password")
    correlation_id = f"leave-{tag}"
    left = gateway.request("DELETE", "/v1/me", ada, json={"password": PASSWORD},
                           headers={"X-Correlation-Id": correlation_id})
    assert left.status_code == 204, left.text
    assert_problem(gateway.request("GET", "/v1/me", ada), 401)
    assert_problem(gateway.request("POST", "/v1/auth/login",
                                   json={"email": ada["email"], "password": PASSWORD}), 401)
    for service in ("matching", "notifications"):
        wait_for_record(stack.supervisor.log_path(service), event="event.processed",
                        consumer=f"{service}.on_member_left", correlation_id=correlation_id)

    # Bo keeps his history, with a nameless place where Ada was.
    [buddyship] = gateway.request("GET", "/v1/me/buddyships", bo).json()["items"]
    assert buddyship["state"] == "ended"
    assert "former-member" in (buddyship["proposer_id"], buddyship["invitee_id"])
    assert moment["id"] not in [m["id"] for m in
                                gateway.request("GET", "/v1/me/feed", bo).json()["items"]]

    # No database anywhere still holds her email, her name, her words or her city; her opaque
    # id is left only on the event that announced her departure.
    store = MongoClient(mongo_uri, tz_aware=True)
    assert any(bo["email"] in str(doc) for _, doc in everything(store, db_prefix))  # it looks
    personal = (ada["email"], f"Ada{tag}", note, f"Nantes{tag}", f"bravo {tag}",
                f"my message {tag}", f"Bo's answer {tag}", f"my urgent ask {tag}")
    remaining = [(where, doc) for where, doc in everything(store, db_prefix)
                 if any(p in str(doc) for p in personal)]
    assert remaining == []
    mentions = [(where, doc.get("type")) for where, doc in everything(store, db_prefix)
                if ada["id"] in str(doc)]
    assert set(mentions) <= {("profiles.outbox", "member.left")}, mentions
