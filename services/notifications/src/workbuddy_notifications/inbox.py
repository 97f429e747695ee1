"""The in-app notifications: every notification a member is sent is kept here, whatever the
channel, so that the app can list them, mark them read, and show what was missed; and each new
one rings the member's open streams at once (workbuddy_platform.live).

One item per (event, recipient): a redelivered event adds nothing. Items name the other member
involved (``subject_id``) and say what happened in a few words, written when the member reads
them, in the language they read then, with the names as they are then.
"""

from datetime import datetime

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.errors import NotFound
from workbuddy_contracts.vocabulary import FORMER_MEMBER, NOTIFICATION_KINDS
from workbuddy_platform import blocks, live
from workbuddy_platform.pages import order_key, page
from workbuddy_platform.settings import Settings

from .wording import describe

MOMENT, REACTION = "moment", "reaction"
PROPOSED, STARTED, ENDED = "buddyship_proposed", "buddyship_started", "buddyship_ended"
UNMATCHED, QUIET = "unmatched", "buddy_quiet"
assert (MOMENT, REACTION, PROPOSED, STARTED, ENDED, UNMATCHED, QUIET) == NOTIFICATION_KINDS


_AMQP_URI = Settings().amqp_uri


def create_indexes(db: Database) -> None:
    db.inbox.create_index([("recipient_id", ASCENDING), ("order", ASCENDING)])


def add(db: Database, *, event_id: str, recipient_id: str, kind: str, at: datetime,
        subject_id: str | None = None, data: dict | None = None) -> dict | None:
    """Keep one notification and return it; an event already told to this member returns the
    item kept then (so that its mail and push can still be sent), a former member None."""
    if recipient_id == FORMER_MEMBER:
        return None
    item_id = f"{event_id}:{recipient_id}"
    item = {"_id": item_id, "event_id": event_id, "order": order_key(at, item_id),
            "recipient_id": recipient_id, "kind": kind, "subject_id": subject_id,
            "data": data or {}, "at": at, "read_at": None}
    try:
        db.inbox.insert_one(item)
    except DuplicateKeyError:
        return db.inbox.find_one({"_id": item_id})
    if subject_id is None or blocks.between(db, recipient_id, subject_id) is None:
        live.announce(_AMQP_URI, recipient_id, shown_to(db, recipient_id, [item])[0])
    return item


def page_of(db: Database, member_id: str, limit: int, cursor: str | None, unread_only: bool) -> dict:
    """Newest first, told in the member's language; nothing about a member blocked either way."""
    where = {"recipient_id": member_id} | ({"read_at": None} if unread_only else {})
    found = page(db.inbox, where, limit=limit, cursor=cursor, newest_first=True)
    barred = blocks.others_of(db, member_id)
    return {"items": shown_to(db, member_id, [i for i in found["items"] if i["subject_id"] not in barred]),
            "next": found["next"]}


def mark(db: Database, member_id: str, item_id: str, read_at: datetime | None) -> dict:
    item = db.inbox.find_one({"_id": item_id, "recipient_id": member_id})
    if item is None:
        raise NotFound("member {member_id} has no notification {item_id!r}", "notification_id",
                       member_id=member_id, item_id=item_id)
    updated = item | {"read_at": read_at}
    db.inbox.replace_one({"_id": item_id}, updated)
    return shown_to(db, member_id, [updated])[0]


def shown_to(db: Database, member_id: str, items: list[dict]) -> list[dict]:
    """The items as the member reads them: in their language, with the names as they are now."""
    me = db.recipients.find_one({"_id": member_id}) or {}
    names = _names(db, {i["subject_id"] for i in items if i["subject_id"]})
    return [view(i, me.get("language", "en"), names) for i in items]


def view(item: dict, language: str, names: dict[str, str]) -> dict:
    return {"id": item["_id"], "kind": item["kind"], "subject_id": item["subject_id"],
            "text": describe(item["kind"], item["data"], names.get(item["subject_id"] or ""), language),
            "data": item["data"], "at": item["at"].isoformat(),
            "read_at": item["read_at"].isoformat() if item["read_at"] else None}


def _names(db: Database, member_ids: set[str]) -> dict[str, str]:
    found = db.recipients.find({"_id": {"$in": sorted(member_ids)}})
    return {r["_id"]: r.get("display_name", "") for r in found}

