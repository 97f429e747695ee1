"""How notifications keeps its read models (recipients, moments), the deliveries ledger, the
in-app notifications and the browsers' push subscriptions, in its own database.

Everything here is built from events; nothing is asked of another service while fanning out.
Writes land at once, each one idempotent or compare-and-set (store.transition), so a
redelivered event or a second replica changes nothing twice.
"""

import hashlib
from datetime import datetime, timedelta

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from workbuddy_platform.pages import page
from workbuddy_platform.store import merge, transition
from workbuddy_platform.unit_of_work import Repository
from workbuddy_readmodels import blocks, buddy_links

from ..domain import deliveries as d


def create_indexes(db: Database) -> None:
    buddy_links.create_indexes(db)
    blocks.create_indexes(db)  # others_of reads each side by its index
    db.moments.create_index([("author_id", ASCENDING), ("logged_at", DESCENDING)])
    db.deliveries.create_index([("state", ASCENDING), ("updated_at", ASCENDING)])
    db.deliveries.create_index([("waiting_for", ASCENDING)])
    db.deliveries.create_index([("recipient_id", ASCENDING), ("state", ASCENDING)])
    db.deliveries.create_index([("digest_id", ASCENDING)])
    db.inbox.create_index([("recipient_id", ASCENDING), ("order", ASCENDING)])
    db.unread_messages.create_index([("due_at", ASCENDING)])


def insert_new(collection, docs: list[dict]) -> set[str]:
    """Insert, in one command, those of ``docs`` not there yet (by _id); returns the ids of the
    ones that were there already (a redelivered event)."""
    if not docs:
        return set()
    try:
        collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details["writeErrors"]
        if any(e["code"] != 11000 for e in errors):
            raise
        return {docs[e["index"]]["_id"] for e in errors}
    return set()


class Recipients(Repository):
    """Who can be written to, in which language and zone, and the member's own settings."""

    def save(self, member: dict) -> None:
        """From member.registered: the address once it is verified (v3 names none before; earlier
        versions count as verified), and a name and language unless newer ones came."""
        verified = member.get("email_verified", True)
        merge(self.db.recipients, member["member_id"],
              {"email_verified": verified} | ({"email": member["email"]} if verified else {}),
              only_if=lambda current: current.get("email_verified") is not True)
        merge(self.db.recipients, member["member_id"],
              {"display_name": member["display_name"], "language": member["language"]},
              only_if=lambda current: "revision" not in current)

    def save_profile(self, update: dict) -> None:
        """From member.updated: what deliveries need to know, if newer than what we have."""
        profile = update["profile"]
        merge(self.db.recipients, update["member_id"],
              {"revision": update["revision"], "display_name": update["display_name"],
               "language": update["language"], "time_zone": profile["time_zone"],
               "availability": profile["availability"]},
              only_if=lambda current: current.get("revision", 0) < update["revision"])

    def verified(self, member: dict) -> None:
        """From member.address_verified (which may come before member.registered)."""
        merge(self.db.recipients, member["member_id"],
              {"email": member["email"], "email_verified": True})

    def get(self, member_id: str) -> dict | None:
        """None until member.registered has told us of the member (their address, or that it is
        not verified yet: then no mail goes, ``email_verified`` False)."""
        return self.registered(self.known(member_id))

    @staticmethod
    def registered(found: dict | None) -> dict | None:
        """``found`` (as ``known`` returns it) if member.registered has told us of the member."""
        registered = found and "display_name" in found and (
            "email" in found or "email_verified" in found)
        return found if registered else None

    def known(self, member_id: str) -> dict | None:
        """What is known of the member, an address or not."""
        return self.db.recipients.find_one({"_id": member_id})

    def known_of(self, member_ids: set[str]) -> dict[str, dict | None]:
        """``known`` for each of the members, in one query."""
        found = {r["_id"]: r for r in self.db.recipients.find({"_id": {"$in": sorted(member_ids)}})}
        return {m: found.get(m) for m in member_ids}

    def names(self, member_ids: set[str]) -> dict[str, str]:
        found = self.db.recipients.find({"_id": {"$in": sorted(member_ids)}})
        return {r["_id"]: r.get("display_name", "") for r in found}

    def save_settings(self, member_id: str, settings: dict) -> dict:
        merge(self.db.recipients, member_id, {"preferences": settings})
        return settings

    def settings_of(self, member_id: str) -> dict | None:
        found = self.known(member_id)
        return None if found is None else found.get("preferences")

    def export(self, member_id: str) -> list[dict]:
        return list(self.db.recipients.find({"_id": member_id}))

    def forget(self, member_id: str) -> None:
        self.db.recipients.delete_many({"_id": member_id})


class Moments(Repository):
    def save(self, moment: dict) -> None:
        try:
            self.db.moments.insert_one(moment)
        except DuplicateKeyError:
            pass  # already known from an earlier delivery of the same event

    def recent_of(self, author_id: str, limit: int) -> list[dict]:
        return list(self.db.moments.find({"author_id": author_id})
                    .sort("logged_at", DESCENDING).limit(limit))

    def get(self, moment_id: str) -> dict | None:
        return self.db.moments.find_one({"_id": moment_id})

    def forget(self, member_id: str) -> None:
        self.db.moments.delete_many({"author_id": member_id})


class Deliveries(Repository):
    """The ledger: one document per (event, recipient, channel), moved from state to state by
    compare-and-set, so that only one worker ever holds a delivery.

    Each command is a round trip, and a moment opens, claims and settles a delivery per buddy:
    a moment's deliveries are opened already claimed by the worker that tries them (the insert
    is the claim), one opened pending is claimed in one command, and one held is settled from
    the copy in hand (conditioned on its state still being "sending", as a read would be)."""

    def __init__(self, uow):
        super().__init__(uow)
        self._opened: set[str] = set()  # by this worker, just now: updated_at is fresh
        self._held: dict[str, dict] = {}  # claimed by this worker, as written then
        # Opened already claimed by this worker (open_all's claimed_for): until when, as written
        self._claimed_until: dict[str, tuple[datetime, dict]] = {}

    def open(self, *, event_id: str, recipient_id: str, channel: str,
             notification_id: str | None, subject_id: str | None, **more) -> str:
        """Create the delivery once; a redelivered event finds it already there. It tells the
        notification ``notification_id`` (an inbox item) on ``channel``; ``subject_id`` is the
        other member involved, whose block cancels it."""
        return self.open_all([dict(event_id=event_id, recipient_id=recipient_id, channel=channel,
                                   notification_id=notification_id, subject_id=subject_id,
                                   **more)])[0]

    def open_all(self, deliveries: list[dict], *, claimed_for: timedelta | None = None) -> list[str]:
        """``open`` for each of ``deliveries`` (its arguments), in one command; their keys.

        ``claimed_for``: the ones new are opened already claimed by this worker ("sending"),
        which tries them one after another at once: ``claim`` then costs no round trip. The
        insert is the claim (no other worker can have opened the same key). Past
        ``claimed_for`` (keep it well under the time after which a delivery "sending" is taken
        back as interrupted) the claim is no longer trusted: ``claim`` gives it up, and the
        delivery goes once taken back, never twice."""
        now = self.uow.now()
        state = d.SENDING if claimed_for is not None else d.PENDING
        docs = [{"_id": d.key(o["event_id"], o["recipient_id"], o["channel"]), "state": state,
                 "attempts": 0, "waiting_for": None, "created_at": now, "updated_at": now} | o
                for o in deliveries]
        there = insert_new(self.db.deliveries, docs)
        new = [doc for doc in docs if doc["_id"] not in there]
        if claimed_for is None:
            self._opened |= {doc["_id"] for doc in new}
        else:
            self._claimed_until |= {doc["_id"]: (now + claimed_for, doc) for doc in new}
        return [doc["_id"] for doc in docs]

    def claim(self, key: str) -> dict | None:
        """Take a pending delivery for sending; None when another worker has it or it is done."""
        if key in self._claimed_until:
            until, opened = self._claimed_until.pop(key)
            if self.uow.now() >= until:
                return None  # held too long to trust: taken back as interrupted, then sent
            self._held[key] = opened
            return opened
        if key in self._opened:
            self._opened.discard(key)
            # Opened a moment ago: its updated_at may stand for the claim's (the reclaim timer
            # counts from it), so only the state is set, and no datetime ($set would store it
            # as a string on nx-27017).
            claimed = self.db.deliveries.find_one_and_update(
                {"_id": key, "state": d.PENDING}, {"$set": {"state": d.SENDING}},
                return_document=ReturnDocument.AFTER)
        else:
            claimed = self._from_sending(key, {"state": d.SENDING}, state=d.PENDING)
        if claimed is not None:
            self._held[key] = claimed
        return claimed

    def settle(self, key: str, state: str, **fields) -> dict | None:
        """The end of a delivery being sent; the delivery as settled, None if it was not."""
        return self._from_sending(key, {"state": state, **fields})

    def release(self, key: str, *, waiting_for: str | None = None,
                error: str | None = None) -> None:
        """Back to pending: waiting for data we lack, or after a transient failure."""
        now = self.uow.now()

        def changes(current: dict) -> dict:
            # A hold that is over is over: from here on the back-off decides when to try again.
            back = {"state": d.PENDING, "waiting_for": waiting_for, "not_before": None,
                    "updated_at": now}
            if error is not None:
                back |= {"last_error": error, "attempts": current["attempts"] + 1}
            return back

        self._from_sending(key, changes)

    def hold(self, key: str, *, until: datetime, reason: str) -> None:
        """Back to pending, not to be tried before ``until`` (quiet hours): no attempt is
        counted, nothing is dropped."""
        self._from_sending(key, {"state": d.PENDING, "not_before": until, "held_because": reason})

    def hold_for_digest(self, key: str, *, due: datetime, reason: str) -> None:
        """Set aside for the member's digest, which leaves at ``due`` (focus ends, or the daily
        digest time); the digest timer gathers it then."""
        self._from_sending(key, {"state": d.FOR_DIGEST, "not_before": due, "held_because": reason})

    def _from_sending(self, key: str, changes, state: str = d.SENDING) -> dict | None:
        stamped = lambda current: (changes(current) if callable(changes) else changes) | {  # noqa: E731
            "updated_at": self.uow.now()}
        where = {"_id": key, "state": state}
        if state == d.SENDING and (held := self._held.pop(key, None)) is not None:
            updated = held | stamped(held)
            written = self.db.deliveries.replace_one(where, updated)
            return updated if written.matched_count == 1 else None
        return transition(self.db.deliveries, where, stamped)

    def drop_mail(self, key: str) -> None:
        """A kept mail goes once its delivery is settled (sent, or failed for good)."""
        self.db.deliveries.update_one({"_id": key, "state": {"$in": list(d.SETTLED)}},
                                      {"$set": {"mail": None}})

    def waiting_on(self, member_id: str) -> list[dict]:
        return list(self.db.deliveries.find({"state": d.PENDING, "waiting_for": member_id}))

    def digests_due(self, now: datetime) -> list[str]:
        """Members with deliveries set aside for a digest that is due."""
        found = self.db.deliveries.find({"state": d.FOR_DIGEST, "not_before": {"$lte": now}},
                                        {"recipient_id": 1})
        return sorted({f["recipient_id"] for f in found})

    def postpone_digest(self, recipient_id: str, *, due: datetime, until: datetime) -> int:
        """The member's digest items due by ``due`` wait until ``until`` (their quiet hours or
        focus end then); how many."""
        return self.db.deliveries.update_many(
            {"recipient_id": recipient_id, "state": d.FOR_DIGEST, "not_before": {"$lte": due}},
            {"$set": {"not_before": until, "updated_at": self.uow.now()}}).modified_count

    def gather(self, recipient_id: str, digest_id: str, now: datetime) -> int:
        """Move the member's due digest items into the digest ``digest_id``; how many moved.
        Each moves by compare-and-set, so an item is in at most one digest."""
        moved = 0
        for delivery in self.db.deliveries.find({"recipient_id": recipient_id,
                                                 "state": d.FOR_DIGEST,
                                                 "not_before": {"$lte": now}}):
            moved += transition(self.db.deliveries, {"_id": delivery["_id"], "state": d.FOR_DIGEST},
                                {"state": d.GATHERED, "digest_id": digest_id,
                                 "updated_at": self.uow.now()}) is not None
        return moved

    def gathered_in(self, digest_id: str) -> list[dict]:
        return list(self.db.deliveries.find({"digest_id": digest_id, "state": d.GATHERED}))

    def due_for_retry(self, older_than: timedelta, max_attempts: int) -> list[dict]:
        cutoff = self.uow.now() - older_than
        return [f for f in self.db.deliveries.find({"state": d.PENDING, "waiting_for": None,
                                                    "updated_at": {"$lt": cutoff}}).limit(200)
                if f["attempts"] < max_attempts]

    def reclaim_stuck(self, older_than: timedelta, max_attempts: int) -> int:
        """A worker died while sending: count that as a failed attempt, so that the retry timer
        takes it up (the mail may go twice; losing it is worse), or, when that was its last
        attempt, record it as failed. No datetime is written here: the claim's ``updated_at``
        stays, and the back-off counts from it."""
        stuck = {"state": d.SENDING, "updated_at": {"$lt": self.uow.now() - older_than}}
        given_up = self.db.deliveries.update_many(
            stuck | {"attempts": {"$gte": max_attempts - 1}},
            {"$set": {"state": d.FAILED, "reason": f"interrupted while sending, {max_attempts} times"},
             "$inc": {"attempts": 1}}).modified_count
        return given_up + self.db.deliveries.update_many(
            stuck, {"$set": {"state": d.PENDING, "last_error": "interrupted while sending"},
                    "$inc": {"attempts": 1}}).modified_count

    def of_event(self, event_id: str) -> list[dict]:
        return list(self.db.deliveries.find({"event_id": event_id}))

    def export(self, member_id: str) -> list[dict]:
        return list(self.db.deliveries.find({"recipient_id": member_id}))

    def forget(self, member_id: str) -> None:
        self.db.deliveries.delete_many({"$or": [{"recipient_id": member_id},
                                                {"subject_id": member_id}]})


class Inbox(Repository):
    """The in-app notifications, one per (event, recipient)."""

    def add(self, item: dict) -> bool:
        """False when the item was kept already (a redelivered event)."""
        try:
            self.db.inbox.insert_one(item)
            return True
        except DuplicateKeyError:
            return False

    def add_all(self, items: list[dict]) -> set[str]:
        """``add`` for each of ``items``, in one command; the ids of those kept already."""
        return insert_new(self.db.inbox, items)

    def get_all(self, item_ids: set[str]) -> dict[str, dict]:
        return {i["_id"]: i for i in self.db.inbox.find({"_id": {"$in": sorted(item_ids)}})}

    def get(self, item_id: str, member_id: str | None = None) -> dict | None:
        return self.db.inbox.find_one({"_id": item_id} | ({"recipient_id": member_id}
                                                          if member_id else {}))

    def page_of(self, member_id: str, *, limit: int, cursor: str | None, unread_only: bool) -> dict:
        where = {"recipient_id": member_id} | ({"read_at": None} if unread_only else {})
        return page(self.db.inbox, where, limit=limit, cursor=cursor, newest_first=True)

    def replace(self, item: dict) -> None:
        self.db.inbox.replace_one({"_id": item["_id"]}, item)

    def export(self, member_id: str) -> list[dict]:
        return list(self.db.inbox.find({"recipient_id": member_id}))

    def forget(self, member_id: str) -> None:
        self.db.inbox.delete_many({"$or": [{"recipient_id": member_id}, {"subject_id": member_id}]})

    def forget_item(self, item_id: str) -> None:
        self.db.inbox.delete_one({"_id": item_id})


def subscription_id(endpoint: str) -> str:
    """The same browser subscribing again replaces its subscription rather than adding one."""
    return hashlib.sha256(endpoint.encode()).hexdigest()[:32]


class UnreadMessages(Repository):
    """Per conversation and recipient, the burst of messages not read yet: what the next
    notice by mail and push will tell, and when it is due."""

    def note(self, message: dict, *, about_kind: str | None, due_at: datetime) -> None:
        """Count a new message in its recipient's burst (the first one sets when it is due); a
        message already counted, or older than the burst's last, changes nothing."""
        key = f"{message['buddyship_id']}:{message['recipient_id']}"
        read = self.db.message_reads.find_one({"_id": key})
        if read is not None and message["sent_at"] <= read["up_to_sent_at"]:
            return  # read already: conversation.read may be handled before message.sent
        last = {"last_message_id": message["message_id"], "last_sent_at": message["sent_at"],
                "last_text": message["text"], "about_kind": about_kind}
        for _ in range(20):
            current = self.db.unread_messages.find_one({"_id": key})
            if current is None:
                try:
                    self.db.unread_messages.insert_one({
                        "_id": key, "buddyship_id": message["buddyship_id"],
                        "recipient_id": message["recipient_id"], "author_id": message["author_id"],
                        "first_message_id": message["message_id"],
                        "first_sent_at": message["sent_at"], "count": 1, "due_at": due_at, **last})
                    return
                except DuplicateKeyError:
                    continue
            if message["sent_at"] <= current["last_sent_at"]:
                return
            where = {"_id": key, "last_message_id": current["last_message_id"]}
            if self.db.unread_messages.replace_one(
                    where, current | last | {"count": current["count"] + 1}).matched_count == 1:
                return
        raise RuntimeError(f"unread_messages/{key}: still contended after 20 attempts")

    def read(self, buddyship_id: str, member_id: str, up_to_sent_at: datetime) -> None:
        """The member read up to a message: a burst they have read all of is told nothing, and
        a message up to then that arrives later is not counted. (Dates are compared here, not
        in queries: nx-27017 compares them to the second.)"""
        key = f"{buddyship_id}:{member_id}"
        merge(self.db.message_reads, key, {"member_id": member_id, "up_to_sent_at": up_to_sent_at},
              only_if=lambda known: known["up_to_sent_at"] < up_to_sent_at)
        current = self.db.unread_messages.find_one({"_id": key})
        if current is not None and current["last_sent_at"] <= up_to_sent_at:
            self.db.unread_messages.delete_one({"_id": current["_id"],
                                                "last_message_id": current["last_message_id"]})

    def due(self, now: datetime, limit: int = 200) -> list[dict]:
        return list(self.db.unread_messages.find({"due_at": {"$lte": now}}).limit(limit))

    def told(self, notice: dict) -> None:
        self.db.unread_messages.delete_one({"_id": notice["_id"]})

    def forget(self, member_id: str) -> None:
        self.db.unread_messages.delete_many({"$or": [{"recipient_id": member_id},
                                                     {"author_id": member_id}]})
        self.db.message_reads.delete_many({"member_id": member_id})


class PushSubscriptions(Repository):
    """One per browser a member turned push on in."""

    def save(self, member_id: str, subscription: dict, at: datetime) -> dict:
        _id = subscription_id(subscription["endpoint"])
        # The _id is repeated in the replacement: nx-27017 ignores the filter's on an upsert.
        doc = {"_id": _id, "member_id": member_id, "subscription": subscription, "created_at": at}
        self.db.push_subscriptions.replace_one({"_id": _id}, doc, upsert=True)
        return doc

    def of_member(self, member_id: str) -> list[dict]:
        return list(self.db.push_subscriptions.find({"member_id": member_id}))

    def of_members(self, member_ids: list[str]) -> dict[str, list[dict]]:
        """``of_member`` for each of the members, in one query."""
        found: dict[str, list[dict]] = {m: [] for m in member_ids}
        for sub in self.db.push_subscriptions.find({"member_id": {"$in": sorted(set(member_ids))}}):
            found[sub["member_id"]].append(sub)
        return found

    def get(self, _id: str) -> dict | None:
        return self.db.push_subscriptions.find_one({"_id": _id})

    def remove(self, _id: str, member_id: str | None = None) -> bool:
        """False when there was none (of that member's, if named)."""
        where = {"_id": _id} | ({"member_id": member_id} if member_id else {})
        return self.db.push_subscriptions.delete_one(where).deleted_count == 1

    def forget(self, member_id: str) -> None:
        self.db.push_subscriptions.delete_many({"member_id": member_id})
