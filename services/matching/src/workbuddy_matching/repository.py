"""How matching keeps buddyships and its pool of members."""

import uuid
from datetime import datetime, timedelta

from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.errors import Conflict
from workbuddy_contracts.vocabulary import FORMER_MEMBER, SETBACKS, BuddyshipState
from workbuddy_platform import blocks
from workbuddy_platform.blocks import pair_key
from workbuddy_platform.pages import order_key, page
from workbuddy_platform.store import merge, transition

OPEN_PAIR = "these two members already have a proposed or active buddyship"


def create_indexes(db: Database) -> None:
    db.buddyships.create_index([("proposer_id", ASCENDING)])
    db.buddyships.create_index([("invitee_id", ASCENDING)])
    db.buddyships.create_index([("closed_at", ASCENDING)])
    db.moments.create_index([("author_id", ASCENDING)])
    db.reactions.create_index([("moment_id", ASCENDING)])
    db.reactions.create_index([("reactor_id", ASCENDING)])


def refuse_open_pair(db: Database, pair: str) -> None:
    """Checked before the transaction: refusing is then the common case that aborts nothing."""
    if db.open_pairs.find_one({"_id": pair}) is not None:
        raise Conflict(OPEN_PAIR, "buddy_id")


def add_proposal(db: Database, buddyship: dict, session: ClientSession) -> None:
    # open_pairs holds one document per pair that is proposed or active; its _id makes a
    # second open buddyship for the same pair impossible, even under concurrent requests.
    try:
        db.open_pairs.insert_one({"_id": buddyship["pair"], "buddyship_id": buddyship["_id"],
                                  # a support buddy is extra: it takes nobody's slot
                                  "support": buddyship.get("origin") == "support"},
                                 session=session)
    except DuplicateKeyError as exc:
        raise Conflict(OPEN_PAIR, "buddy_id") from exc
    db.buddyships.insert_one(buddyship, session=session)


def get(db: Database, buddyship_id: str) -> dict | None:
    return db.buddyships.find_one({"_id": buddyship_id})


def accept(db: Database, buddyship: dict, member_id: str, at: datetime,
           session: ClientSession) -> dict:
    """Record the member's yes; the buddyship starts when nobody else is awaited. Conditional on
    the number of answers read, so two members accepting at once cannot lose one yes."""
    accepted = [*buddyship.get("accepted_by", [buddyship["proposer_id"]]), member_id]
    changes = {"accepted_by": accepted, "answers": len(accepted)}
    if set(accepted) >= {buddyship["proposer_id"], buddyship["invitee_id"]}:
        changes |= {"state": BuddyshipState.ACTIVE.value, "started_at": at}
        if buddyship.get("origin") == "support":
            changes["ends_at"] = at + SUPPORT_LASTS
    answered = transition(db.buddyships,
                          {"_id": buddyship["_id"], "state": BuddyshipState.PROPOSED.value,
                           "answers": buddyship.get("answers", 1)},
                          changes, session=session)
    if answered is None:
        raise Conflict("this proposal was answered meanwhile; reload it", "buddyship_id")
    return answered


def decline(db: Database, buddyship: dict, at: datetime, session: ClientSession) -> dict:
    declined = transition(db.buddyships,
                          {"_id": buddyship["_id"], "state": BuddyshipState.PROPOSED.value},
                          {"state": BuddyshipState.DECLINED.value, "declined_at": at,
                           "closed_at": at}, session=session)
    if declined is None:
        raise Conflict("this proposal was answered meanwhile; reload it", "buddyship_id")
    db.open_pairs.delete_one({"_id": buddyship["pair"]}, session=session)
    return declined


def of_member(db: Database, member_id: str, limit: int, cursor: str | None) -> dict:
    return page(db.buddyships, {"$or": [{"proposer_id": member_id}, {"invitee_id": member_id}]},
                limit=limit, cursor=cursor, newest_first=False)


def add_block(db: Database, blocker_id: str, blocked_id: str, at: datetime,
              session: ClientSession) -> bool:
    """False when the pair was already blocked (by either of them)."""
    try:
        db.blocks.insert_one({"_id": pair_key(blocker_id, blocked_id), "blocker_id": blocker_id,
                              "blocked_id": blocked_id, "blocked_at": at}, session=session)
        return True
    except DuplicateKeyError:
        return False


def open_buddyship_of_pair(db: Database, a: str, b: str) -> dict | None:
    found = db.open_pairs.find_one({"_id": pair_key(a, b)})
    return get(db, found["buddyship_id"]) if found else None


def close(db: Database, buddyship: dict, at: datetime, session: ClientSession) -> dict | None:
    """End an active buddyship, or withdraw a proposal; None if it changed meanwhile."""
    active = buddyship["state"] == BuddyshipState.ACTIVE
    closed = transition(db.buddyships, {"_id": buddyship["_id"], "state": buddyship["state"]},
                        {"state": (BuddyshipState.ENDED if active else BuddyshipState.DECLINED).value,
                         "ended_at" if active else "declined_at": at, "closed_at": at},
                        session=session)
    if closed is not None:
        db.open_pairs.delete_one({"_id": buddyship["pair"]}, session=session)
    return closed


# A support buddy stays this long, then the buddyship ends by itself.
SUPPORT_LASTS = timedelta(days=7)


def due_to_expire(db: Database, now: datetime, limit: int = 200) -> list[dict]:
    return list(db.buddyships.find({"state": BuddyshipState.PROPOSED.value,
                                    "expires_at": {"$lt": now}}).limit(limit))


def support_due_to_end(db: Database, now: datetime, limit: int = 200) -> list[dict]:
    return list(db.buddyships.find({"state": BuddyshipState.ACTIVE.value, "origin": "support",
                                    "ends_at": {"$lt": now}}).limit(limit))


def expire(db: Database, buddyship: dict, at: datetime, session: ClientSession) -> dict | None:
    expired = transition(db.buddyships, {"_id": buddyship["_id"],
                                         "state": BuddyshipState.PROPOSED.value},
                         {"state": BuddyshipState.EXPIRED.value, "expired_at": at,
                          "closed_at": at}, session=session)
    if expired is not None:
        db.open_pairs.delete_one({"_id": buddyship["pair"]}, session=session)
    return expired


def rate(db: Database, buddyship_id: str, rater_id: str, rating: int, at: datetime,
         session: ClientSession) -> None:
    key = f"{buddyship_id}:{rater_id}"
    # The _id is repeated in the replacement: nx-27017 ignores the filter's on an upsert.
    db.ratings.replace_one({"_id": key}, {"_id": key, "buddyship_id": buddyship_id,
                                          "rater_id": rater_id, "rating": rating, "rated_at": at},
                           upsert=True, session=session)


def forget_member(db: Database, member_id: str, now: datetime) -> list[str]:
    """A member left: their open buddyships end, and every buddyship keeps only a nameless
    place for them, so that the other member's history stays whole. Returns the members whose
    buddyship (or proposal) with them was still open: their slot is free again."""
    freed = []
    for buddyship in db.buddyships.find({"$or": [{"proposer_id": member_id},
                                                 {"invitee_id": member_id}]}):
        closing = {}
        if buddyship["state"] in (BuddyshipState.ACTIVE, BuddyshipState.PROPOSED):
            freed += [m for m in (buddyship["proposer_id"], buddyship["invitee_id"]) if m != member_id]
        if buddyship["state"] == BuddyshipState.ACTIVE:
            closing = {"state": BuddyshipState.ENDED.value, "ended_at": now}
        elif buddyship["state"] == BuddyshipState.PROPOSED:
            closing = {"state": BuddyshipState.EXPIRED.value, "expired_at": now}
        db.open_pairs.delete_one({"_id": buddyship["pair"]})
        nameless = {role: FORMER_MEMBER for role in ("proposer_id", "invitee_id")
                    if buddyship[role] == member_id}
        # The reasons name them (in the other's words), and the bookkeeping holds their id.
        db.buddyships.replace_one({"_id": buddyship["_id"]}, buddyship | closing | nameless | {
            "pair": pair_key(nameless.get("proposer_id", buddyship["proposer_id"]),
                             nameless.get("invitee_id", buddyship["invitee_id"])),
            "accepted_by": [FORMER_MEMBER if m == member_id else m
                            for m in buddyship.get("accepted_by", [])],
            "reasons": {}, "languages": {}, "quiet": None})
    db.pool.delete_one({"_id": member_id})
    blocks.forget(db, member_id)
    db.ratings.delete_many({"rater_id": member_id})
    db.slot_requests.delete_one({"_id": member_id})
    # Reports they made keep what happened, not who told; reports about them go with them.
    db.reports.delete_many({"reported_id": member_id})
    for report in db.reports.find({"reporter_id": member_id}):
        db.reports.replace_one({"_id": report["_id"]}, report | {"reporter_id": FORMER_MEMBER})
    # What they logged and how they reacted taught matching about others too; it goes with them.
    db.moments.delete_many({"author_id": member_id})
    db.reactions.delete_many({"$or": [{"reactor_id": member_id}, {"author_id": member_id}]})
    return [m for m in freed if m != FORMER_MEMBER]


def export_of(db: Database, member_id: str) -> dict:
    return {"buddyships": list(db.buddyships.find({"$or": [{"proposer_id": member_id},
                                                           {"invitee_id": member_id}]})),
            "pool": list(db.pool.find({"_id": member_id})),
            "ratings": list(db.ratings.find({"rater_id": member_id})),
            "moments": list(db.moments.find({"author_id": member_id})),
            "reactions": list(db.reactions.find({"reactor_id": member_id})),
            "reports_made": list(db.reports.find({"reporter_id": member_id}))}


def remember_member(db: Database, member: dict) -> None:
    """The candidate pool: what matching may know of a member (no email, no password)."""
    merge(db.pool, member["member_id"],
          {"language": member["language"], "registered_at": member["registered_at"]})
    merge(db.pool, member["member_id"], {"display_name": member["display_name"]},
          only_if=lambda current: "revision" not in current)  # member.updated knows better


# How long a pair that ended or declined is not suggested again.
COOLING_OFF = timedelta(days=30)
# Suggestions score the whole pool up to this size; beyond it, the shortlist takes over.
POOL_SCAN_MAX = 5000


def pool_member(db: Database, member_id: str) -> dict | None:
    return db.pool.find_one({"_id": member_id})


def pool_sample(db: Database, around: dict | None = None) -> list[dict]:
    """Up to POOL_SCAN_MAX members, always including ``around`` (the member being served)."""
    found = list(db.pool.find().limit(POOL_SCAN_MAX))
    if around is not None and all(doc["_id"] != around["_id"] for doc in found):
        found.append(around)
    return found


def open_slots(db: Database, members: list[dict]) -> dict[str, int]:
    """Each member's buddy capacity less their proposed and active buddyships."""
    taken: dict[str, int] = {}
    for pair in db.open_pairs.find({"support": {"$ne": True}}):
        for member_id in pair["_id"].split(":"):
            taken[member_id] = taken.get(member_id, 0) + 1
    capacity = {m["_id"]: (m.get("profile") or {}).get("buddy_capacity", 2) for m in members}
    return {member_id: cap - taken.get(member_id, 0) for member_id, cap in capacity.items()}


def cooling_off_with(db: Database, member_id: str, now: datetime) -> set[str]:
    """The members whose buddyship with this one ended, or was declined, not long ago."""
    recent = set()
    for b in db.buddyships.find({"$or": [{"proposer_id": member_id},
                                         {"invitee_id": member_id}]}):
        closed_at = b.get("closed_at") or b.get("ended_at") or b.get("declined_at")
        if closed_at is not None and now - closed_at < COOLING_OFF:
            recent.add(b["invitee_id"] if b["proposer_id"] == member_id else b["proposer_id"])
    return recent


def open_buddyships_of(db: Database, member_id: str) -> list[dict]:
    return list(db.buddyships.find({"$or": [{"proposer_id": member_id},
                                            {"invitee_id": member_id}],
                                    "state": {"$in": [BuddyshipState.PROPOSED.value,
                                                      BuddyshipState.ACTIVE.value]}}))


def blocked_with(db: Database, member_id: str) -> set[str]:
    return blocks.others_of(db, member_id)


def remember_profile(db: Database, update: dict) -> None:
    """A newer profile replaces an older one; an older one arriving late changes nothing."""
    merge(db.pool, update["member_id"],
          {"revision": update["revision"], "display_name": update["display_name"],
           "language": update["language"], "profile": update["profile"],
           "profile_updated_at": update["updated_at"]},
          only_if=lambda current: current.get("revision", 0) < update["revision"])


# --- what a round needs: the whole answered pool and every pair history at once ----------------


def answered_pool(db: Database) -> list[dict]:
    """Members who have answered the onboarding questions: matching proposes only from answers."""
    return list(db.pool.find({"revision": {"$gte": 1}}))


def all_blocked_pairs(db: Database) -> set[frozenset[str]]:
    return {frozenset((b["blocker_id"], b["blocked_id"])) for b in db.blocks.find()}


def all_open_pairs(db: Database) -> set[frozenset[str]]:
    return {frozenset(p["_id"].split(":")) for p in db.open_pairs.find()}


def all_cooling_off_pairs(db: Database, now: datetime) -> set[frozenset[str]]:
    return {frozenset((b["proposer_id"], b["invitee_id"]))
            for b in db.buddyships.find({"closed_at": {"$gte": now - COOLING_OFF}})}


def last_round(db: Database) -> dict | None:
    return next(iter(db.rounds.find().sort("order", -1).limit(1)), None)


def record_round(db: Database, summary: dict) -> None:
    db.rounds.insert_one(summary)


def mark_left_out(db: Database, member_id: str, left_out: dict | None) -> None:
    """What the last round told the member: why they got nobody (None: they got someone)."""
    merge(db.pool, member_id, {"left_out": left_out}, create=False)


# --- moments and reactions: who lived what, and who shows up for their buddies -----------------


def remember_moment(db: Database, moment: dict) -> None:
    db.moments.replace_one({"_id": moment["moment_id"]}, {
        "_id": moment["moment_id"], "author_id": moment["member_id"], "kind": moment["kind"],
        "logged_at": moment["logged_at"]}, upsert=True)
    setback = moment["kind"] in SETBACKS
    merge(db.pool, moment["member_id"], {"last_active_at": moment["logged_at"]}, create=False,
          only_if=lambda current: not _later(current.get("last_active_at"), moment["logged_at"]))
    if setback:
        # Who lived which setback: a support buddy who went through the same helps most.
        current = db.pool.find_one({"_id": moment["member_id"]})
        if current is not None and moment["kind"] not in current.get("setbacks", []):
            merge(db.pool, moment["member_id"],
                  {"setbacks": sorted({*current.get("setbacks", []), moment["kind"]})}, create=False)


def _later(known: datetime | None, new: datetime) -> bool:
    return known is not None and known >= new


def remember_reaction(db: Database, reaction: dict) -> None:
    db.reactions.replace_one({"_id": reaction["reaction_id"]}, {
        "_id": reaction["reaction_id"], "moment_id": reaction["moment_id"],
        "author_id": reaction["author_id"], "reactor_id": reaction["reactor_id"],
        "reacted_at": reaction["reacted_at"]}, upsert=True)
    merge(db.pool, reaction["reactor_id"], {"last_active_at": reaction["reacted_at"]},
          create=False,
          only_if=lambda current: not _later(current.get("last_active_at"), reaction["reacted_at"]))


def moments_of(db: Database, author_ids: list[str], since: datetime) -> list[dict]:
    return list(db.moments.find({"author_id": {"$in": author_ids}, "logged_at": {"$gte": since}}))


def reactions_to(db: Database, moment_ids: list[str]) -> list[dict]:
    return list(db.reactions.find({"moment_id": {"$in": moment_ids}}))


def active_buddyships(db: Database) -> list[dict]:
    return list(db.buddyships.find({"state": BuddyshipState.ACTIVE.value}))


def active_buddies_of(db: Database, member_id: str) -> list[str]:
    return [b["invitee_id"] if b["proposer_id"] == member_id else b["proposer_id"]
            for b in open_buddyships_of(db, member_id) if b["state"] == BuddyshipState.ACTIVE]


def save_responsiveness(db: Database, member_id: str, share: float | None,
                        minutes: float | None) -> None:
    merge(db.pool, member_id, {"responsiveness": share, "reaction_minutes": minutes}, create=False)


def ratings_of(db: Database, buddyship_id: str) -> list[int]:
    return [r["rating"] for r in db.ratings.find({"buddyship_id": buddyship_id})]


def open_support_of(db: Database, member_id: str) -> list[dict]:
    return [b for b in open_buddyships_of(db, member_id) if b.get("origin") == "support"]


def partners_of(db: Database, member_id: str) -> list[str]:
    """Members with whom this one has a proposed or active buddyship."""
    return [b["invitee_id"] if b["proposer_id"] == member_id else b["proposer_id"]
            for b in open_buddyships_of(db, member_id)]


def pool_members(db: Database, member_ids: list[str]) -> list[dict]:
    return list(db.pool.find({"_id": {"$in": member_ids}}))


def offering_support(db: Database) -> list[dict]:
    """Members who offered to be a support buddy and have answered their profile."""
    return list(db.pool.find({"profile.offers_support": True}))


# --- members whose open slots should be filled again (served by the lease holder) -------------


def want_slots_filled(db: Database, member_id: str, at: datetime) -> None:
    """Ask for the member's slots to be filled; asking again before it is served changes only the
    token, so a burst of profile edits is served once."""
    token = uuid.uuid4().hex
    db.slot_requests.replace_one({"_id": member_id}, {"_id": member_id, "token": token, "at": at},
                                 upsert=True)


def wanting_slots_filled(db: Database, limit: int = 50) -> list[dict]:
    return list(db.slot_requests.find().limit(limit))


def slots_filled(db: Database, request: dict) -> None:
    """Served: forget the request, unless it was renewed meanwhile (then it is served again)."""
    db.slot_requests.delete_one({"_id": request["_id"], "token": request["token"]})


# --- reports: kept for operators ---------------------------------------------------------------


def add_report(db: Database, reporter_id: str, reported_id: str, report: dict, at: datetime) -> None:
    report_id = uuid.uuid4().hex
    db.reports.insert_one({"_id": report_id, "order": order_key(at, report_id),
                           "reporter_id": reporter_id, "reported_id": reported_id,
                           "reason": report["reason"], "details": report["details"], "at": at})


def latest_reports(db: Database, limit: int) -> list[dict]:
    return list(db.reports.find().sort("order", -1).limit(max(1, min(int(limit), 500))))
