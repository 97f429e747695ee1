"""notifications' own read models (recipients, buddy links, moments) and the deliveries ledger.

Everything here is built from events; nothing is asked of another service while fanning out.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_platform import blocks, buddy_links, metrics
from workbuddy_platform.store import merge, transition

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
CANCELLED = "cancelled"  # never to be sent: blocked, channel turned off, browser gone
FOR_DIGEST = "for_digest"  # waits for the member's digest (focus, or digest delivery)
GATHERED = "gathered"  # told in a digest mail (its digest_id names the digest's delivery)
CATCH_UP_WINDOW = 50  # a new buddy hears of at most this many recent moments

for _channel in ("email", "push"):  # at zero from the start: the first failure shows in increase()
    for _result in (SENT, FAILED, CANCELLED):
        metrics.DELIVERIES.labels(_channel, _result)


def create_indexes(db: Database) -> None:
    buddy_links.create_indexes(db)
    db.moments.create_index([("author_id", ASCENDING), ("logged_at", DESCENDING)])
    db.deliveries.create_index([("state", ASCENDING), ("updated_at", ASCENDING)])
    db.deliveries.create_index([("waiting_for", ASCENDING)])
    db.deliveries.create_index([("recipient_id", ASCENDING), ("state", ASCENDING)])
    db.deliveries.create_index([("digest_id", ASCENDING)])


# --- read models -------------------------------------------------------------------------

def save_recipient(db: Database, member: dict) -> None:
    """From member.registered: the address, and a name and language unless newer ones came."""
    merge(db.recipients, member["member_id"], {"email": member["email"]})
    merge(db.recipients, member["member_id"],
          {"display_name": member["display_name"], "language": member["language"]},
          only_if=lambda current: "revision" not in current)


def save_recipient_profile(db: Database, update: dict) -> None:
    """From member.updated: what deliveries need to know, if newer than what we have."""
    profile = update["profile"]
    merge(db.recipients, update["member_id"],
          {"revision": update["revision"], "display_name": update["display_name"],
           "language": update["language"], "time_zone": profile["time_zone"],
           "availability": profile["availability"]},
          only_if=lambda current: current.get("revision", 0) < update["revision"])


def recipient(db: Database, member_id: str) -> dict | None:
    """None until member.registered has told us where to write."""
    found = db.recipients.find_one({"_id": member_id})
    return found if found and "email" in found else None


def save_moment(db: Database, moment: dict) -> None:
    try:
        db.moments.insert_one(moment)
    except DuplicateKeyError:
        pass  # already known from an earlier delivery of the same event


def recent_moments_of(db: Database, author_id: str) -> list[dict]:
    return list(db.moments.find({"author_id": author_id})
                .sort("logged_at", DESCENDING).limit(CATCH_UP_WINDOW))


def moment(db: Database, moment_id: str) -> dict | None:
    return db.moments.find_one({"_id": moment_id})


# --- deliveries ledger -------------------------------------------------------------------

def delivery_key(event_id: str, recipient_id: str, channel: str) -> str:
    return f"{event_id}:{recipient_id}:{channel}"


def open_delivery(db: Database, *, event_id: str, recipient_id: str, channel: str,
                  notification_id: str | None, subject_id: str | None, **more) -> str:
    """Create the delivery once; a redelivered event finds it already there. It tells the
    notification ``notification_id`` (an inbox item) on ``channel``; ``subject_id`` is the
    other member involved, whose block cancels it."""
    key = delivery_key(event_id, recipient_id, channel)
    now = datetime.now(UTC)
    try:
        db.deliveries.insert_one({
            "_id": key, "event_id": event_id, "recipient_id": recipient_id, "channel": channel,
            "notification_id": notification_id, "subject_id": subject_id, "state": PENDING,
            "attempts": 0, "waiting_for": None, "created_at": now, "updated_at": now, **more,
        })
    except DuplicateKeyError:
        pass
    return key


def claim(db: Database, key: str) -> dict | None:
    """Take a pending delivery for sending; None when another worker has it or it is done."""
    return transition(db.deliveries, {"_id": key, "state": PENDING},
                      {"state": SENDING, "updated_at": datetime.now(UTC)})


def settle(db: Database, key: str, state: str, **fields) -> None:
    if transition(db.deliveries, {"_id": key, "state": SENDING},
                  {"state": state, "updated_at": datetime.now(UTC), **fields}) is not None:
        channel = "push" if ":push:" in key else "email"
        metrics.DELIVERIES.labels(channel, state).inc()


def release(db: Database, key: str, *, waiting_for: str | None = None,
            error: str | None = None) -> None:
    """Back to pending: waiting for data we lack, or after a transient failure."""

    def changes(current: dict) -> dict:
        # A hold that is over is over: from here on the back-off decides when to try again.
        back = {"state": PENDING, "waiting_for": waiting_for, "not_before": None,
                "updated_at": datetime.now(UTC)}
        if error is not None:
            back |= {"last_error": error, "attempts": current["attempts"] + 1}
        return back

    transition(db.deliveries, {"_id": key, "state": SENDING}, changes)


def waiting_on(db: Database, member_id: str) -> list[dict]:
    return list(db.deliveries.find({"state": PENDING, "waiting_for": member_id}))


def hold(db: Database, key: str, *, until: datetime, reason: str) -> None:
    """Back to pending, not to be tried before ``until`` (quiet hours, focus): no attempt is
    counted, nothing is dropped."""
    transition(db.deliveries, {"_id": key, "state": SENDING},
               {"state": PENDING, "not_before": until, "held_because": reason,
                "updated_at": datetime.now(UTC)})


def hold_for_digest(db: Database, key: str, *, due: datetime, reason: str) -> None:
    """Set aside for the member's digest, which leaves at ``due`` (focus ends, or the daily
    digest time); the digest timer gathers it then."""
    transition(db.deliveries, {"_id": key, "state": SENDING},
               {"state": FOR_DIGEST, "not_before": due, "held_because": reason,
                "updated_at": datetime.now(UTC)})


def digests_due(db: Database, now: datetime) -> list[str]:
    """Members with deliveries set aside for a digest that is due."""
    found = db.deliveries.find({"state": FOR_DIGEST, "not_before": {"$lte": now}},
                               {"recipient_id": 1})
    return sorted({d["recipient_id"] for d in found})


def gather(db: Database, recipient_id: str, digest_id: str, now: datetime) -> int:
    """Move the member's due digest items into the digest ``digest_id``; how many moved.
    Each moves by compare-and-set, so an item is in at most one digest."""
    moved = 0
    for delivery in db.deliveries.find({"recipient_id": recipient_id, "state": FOR_DIGEST,
                                        "not_before": {"$lte": now}}):
        moved += transition(db.deliveries, {"_id": delivery["_id"], "state": FOR_DIGEST},
                            {"state": GATHERED, "digest_id": digest_id,
                             "updated_at": datetime.now(UTC)}) is not None
    return moved


def gathered_in(db: Database, digest_id: str) -> list[dict]:
    return list(db.deliveries.find({"digest_id": digest_id, "state": GATHERED}))


def save_settings(db: Database, member_id: str, settings: dict) -> dict:
    merge(db.recipients, member_id, {"preferences": settings})
    return settings


def settings_of(db: Database, member_id: str) -> dict | None:
    found = db.recipients.find_one({"_id": member_id})
    return None if found is None else found.get("preferences")


def due_for_retry(db: Database, older_than: timedelta, max_attempts: int) -> list[dict]:
    cutoff = datetime.now(UTC) - older_than
    return [d for d in db.deliveries.find({"state": PENDING, "waiting_for": None,
                                           "updated_at": {"$lt": cutoff}}).limit(200)
            if d["attempts"] < max_attempts]


def reclaim_stuck(db: Database, older_than: timedelta, max_attempts: int) -> int:
    """A worker died while sending: count that as a failed attempt, so that the retry timer
    takes it up (the mail may go twice; losing it is worse), or, when that was its last
    attempt, record it as failed. No datetime is written here: the claim's ``updated_at``
    stays, and the back-off counts from it."""
    cutoff = datetime.now(UTC) - older_than
    stuck = {"state": SENDING, "updated_at": {"$lt": cutoff}}
    given_up = db.deliveries.update_many(
        stuck | {"attempts": {"$gte": max_attempts - 1}},
        {"$set": {"state": FAILED, "reason": f"interrupted while sending, {max_attempts} times"},
         "$inc": {"attempts": 1}}).modified_count
    return given_up + db.deliveries.update_many(
        stuck, {"$set": {"state": PENDING, "last_error": "interrupted while sending"},
                "$inc": {"attempts": 1}}).modified_count


def forget_member(db: Database, member_id: str) -> None:
    """Everything notifications holds of a member who left."""
    for collection, where in (
            ("recipients", {"_id": member_id}),
            ("buddy_links", {"$or": [{"member_id": member_id}, {"buddy_id": member_id}]}),
            ("moments", {"author_id": member_id}),
            ("deliveries", {"$or": [{"recipient_id": member_id}, {"subject_id": member_id}]}),
            ("inbox", {"$or": [{"recipient_id": member_id}, {"subject_id": member_id}]}),
            ("push_subscriptions", {"member_id": member_id})):
        db[collection].delete_many(where)
    blocks.forget(db, member_id)


def export_of(db: Database, member_id: str) -> dict:
    return {"recipient": list(db.recipients.find({"_id": member_id})),
            "deliveries": list(db.deliveries.find({"recipient_id": member_id})),
            "notifications": list(db.inbox.find({"recipient_id": member_id})),
            "push_subscriptions": [{"id": s["_id"], "endpoint": s["subscription"]["endpoint"],
                                    "created_at": s["created_at"]}
                                   for s in db.push_subscriptions.find({"member_id": member_id})]}


def deliveries_of_event(db: Database, event_id: str) -> list[dict]:
    return list(db.deliveries.find({"event_id": event_id}))


# --- Web Push subscriptions: one per browser a member turned push on in --------------------


def subscription_id(endpoint: str) -> str:
    """The same browser subscribing again replaces its subscription rather than adding one."""
    return hashlib.sha256(endpoint.encode()).hexdigest()[:32]


def save_push_subscription(db: Database, member_id: str, subscription: dict, at: datetime) -> dict:
    _id = subscription_id(subscription["endpoint"])
    # The _id is repeated in the replacement: nx-27017 ignores the filter's on an upsert.
    doc = {"_id": _id, "member_id": member_id, "subscription": subscription, "created_at": at}
    db.push_subscriptions.replace_one({"_id": _id}, doc, upsert=True)
    return doc


def push_subscriptions_of(db: Database, member_id: str) -> list[dict]:
    return list(db.push_subscriptions.find({"member_id": member_id}))


def push_subscription(db: Database, _id: str) -> dict | None:
    return db.push_subscriptions.find_one({"_id": _id})


def forget_push_subscription(db: Database, _id: str, member_id: str | None = None) -> bool:
    where = {"_id": _id} | ({"member_id": member_id} if member_id else {})
    return db.push_subscriptions.delete_one(where).deleted_count == 1
