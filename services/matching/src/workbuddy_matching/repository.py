"""How matching keeps buddyships and its pool of members."""

from datetime import datetime, timedelta

from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.errors import Conflict
from workbuddy_contracts.vocabulary import FORMER_MEMBER, BuddyshipState
from workbuddy_platform import blocks
from workbuddy_platform.blocks import pair_key
from workbuddy_platform.pages import page
from workbuddy_platform.store import merge, transition

OPEN_PAIR = "these two members already have a proposed or active buddyship"


def create_indexes(db: Database) -> None:
    db.buddyships.create_index([("proposer_id", ASCENDING)])
    db.buddyships.create_index([("invitee_id", ASCENDING)])


def refuse_open_pair(db: Database, pair: str) -> None:
    """Checked before the transaction: refusing is then the common case that aborts nothing."""
    if db.open_pairs.find_one({"_id": pair}) is not None:
        raise Conflict(OPEN_PAIR, "buddy_id")


def add_proposal(db: Database, buddyship: dict, session: ClientSession) -> None:
    # open_pairs holds one document per pair that is proposed or active; its _id makes a
    # second open buddyship for the same pair impossible, even under concurrent requests.
    try:
        db.open_pairs.insert_one({"_id": buddyship["pair"], "buddyship_id": buddyship["_id"]},
                                 session=session)
    except DuplicateKeyError as exc:
        raise Conflict(OPEN_PAIR, "buddy_id") from exc
    db.buddyships.insert_one(buddyship, session=session)


def get(db: Database, buddyship_id: str) -> dict | None:
    return db.buddyships.find_one({"_id": buddyship_id})


def answer(db: Database, buddyship: dict, state: BuddyshipState, at: datetime,
           session: ClientSession) -> dict:
    stamp = "started_at" if state is BuddyshipState.ACTIVE else f"{state.value}_at"
    answered = transition(db.buddyships,
                          {"_id": buddyship["_id"], "state": BuddyshipState.PROPOSED.value},
                          {"state": state.value, stamp: at}, session=session)
    if answered is None:
        raise Conflict("this proposal was answered meanwhile; reload it", "buddyship_id")
    if state is not BuddyshipState.ACTIVE:
        db.open_pairs.delete_one({"_id": buddyship["pair"]}, session=session)
    return answered


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
                         "ended_at" if active else "declined_at": at}, session=session)
    if closed is not None:
        db.open_pairs.delete_one({"_id": buddyship["pair"]}, session=session)
    return closed


# A proposal nobody answers does not hold a slot for ever.
PROPOSAL_VALID_FOR = timedelta(days=14)


def due_to_expire(db: Database, now: datetime, limit: int = 200) -> list[dict]:
    return list(db.buddyships.find({"state": BuddyshipState.PROPOSED.value,
                                    "proposed_at": {"$lt": now - PROPOSAL_VALID_FOR}})
                .limit(limit))


def expire(db: Database, buddyship: dict, at: datetime, session: ClientSession) -> dict | None:
    expired = transition(db.buddyships, {"_id": buddyship["_id"],
                                         "state": BuddyshipState.PROPOSED.value},
                         {"state": BuddyshipState.EXPIRED.value, "expired_at": at},
                         session=session)
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


def forget_member(db: Database, member_id: str, now: datetime) -> None:
    """A member left: their open buddyships end, and every buddyship keeps only a nameless
    place for them, so that the other member's history stays whole."""
    for buddyship in db.buddyships.find({"$or": [{"proposer_id": member_id},
                                                 {"invitee_id": member_id}]}):
        closing = {}
        if buddyship["state"] == BuddyshipState.ACTIVE:
            closing = {"state": BuddyshipState.ENDED.value, "ended_at": now}
        elif buddyship["state"] == BuddyshipState.PROPOSED:
            closing = {"state": BuddyshipState.EXPIRED.value, "expired_at": now}
        db.open_pairs.delete_one({"_id": buddyship["pair"]})
        nameless = {role: FORMER_MEMBER for role in ("proposer_id", "invitee_id")
                    if buddyship[role] == member_id}
        db.buddyships.replace_one({"_id": buddyship["_id"]}, buddyship | closing | nameless | {
            "pair": pair_key(nameless.get("proposer_id", buddyship["proposer_id"]),
                             nameless.get("invitee_id", buddyship["invitee_id"]))})
    db.pool.delete_one({"_id": member_id})
    blocks.forget(db, member_id)
    db.ratings.delete_many({"rater_id": member_id})


def export_of(db: Database, member_id: str) -> dict:
    return {"buddyships": list(db.buddyships.find({"$or": [{"proposer_id": member_id},
                                                           {"invitee_id": member_id}]})),
            "pool": list(db.pool.find({"_id": member_id}))}


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


def pool_sample(db: Database) -> list[dict]:
    return list(db.pool.find().limit(POOL_SCAN_MAX))


def open_slots(db: Database, members: list[dict]) -> dict[str, int]:
    """Each member's buddy capacity less their proposed and active buddyships."""
    taken: dict[str, int] = {}
    for pair in db.open_pairs.find():
        for member_id in pair["_id"].split(":"):
            taken[member_id] = taken.get(member_id, 0) + 1
    capacity = {m["_id"]: (m.get("profile") or {}).get("buddy_capacity", 2) for m in members}
    return {member_id: cap - taken.get(member_id, 0) for member_id, cap in capacity.items()}


def cooling_off_with(db: Database, member_id: str, now: datetime) -> set[str]:
    """The members whose buddyship with this one ended, or was declined, not long ago."""
    recent = set()
    for b in db.buddyships.find({"$or": [{"proposer_id": member_id},
                                         {"invitee_id": member_id}]}):
        closed_at = b.get("ended_at") or b.get("declined_at")
        if closed_at is not None and now - closed_at < COOLING_OFF:
            recent.add(b["invitee_id"] if b["proposer_id"] == member_id else b["proposer_id"])
    return recent


def open_buddyships_of(db: Database, member_id: str) -> list[dict]:
    return list(db.buddyships.find({"$or": [{"proposer_id": member_id},
                                            {"invitee_id": member_id}],
                                    "state": {"$in": [BuddyshipState.PROPOSED.value,
                                                      BuddyshipState.ACTIVE.value]}}))


def blocked_with(db: Database, member_id: str) -> set[str]:
    return {b["blocked_id"] if b["blocker_id"] == member_id else b["blocker_id"]
            for b in db.blocks.find({"$or": [{"blocker_id": member_id},
                                             {"blocked_id": member_id}]})}


def remember_profile(db: Database, update: dict) -> None:
    """A newer profile replaces an older one; an older one arriving late changes nothing."""
    merge(db.pool, update["member_id"],
          {"revision": update["revision"], "display_name": update["display_name"],
           "language": update["language"], "profile": update["profile"]},
          only_if=lambda current: current.get("revision", 0) < update["revision"])
